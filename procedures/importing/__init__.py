"""Import and export of the catalogue in one documented format (docs/catalogue-import-format.md).

One row (CSV/XLSX) or one object (JSON) per procedure. Import is two-phase: validate every row
and build a preview (create / update / unchanged) without writing; then, once the editor
confirms, apply everything in ONE transaction, so a failure leaves nothing half-imported.
Both phases run as Celery tasks (procedures.tasks) and report progress on the ImportJob.

* `schema`: the columns and the records passed between the phases;
* `parse`: reading CSV/XLSX/JSON into raw rows;
* `validate`: checking rows against the catalogue, marking each create/update/unchanged;
* `apply`: writing the confirmed rows;
* `jobs`: the ImportJob lifecycle (upload, confirm, the task bodies, progress);
* `export`: writing the same format back out (also what `validate` compares against).
"""
