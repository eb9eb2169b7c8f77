#!/usr/bin/env python
"""Benchmark: importing a province's catalogue (issue 21) — never run by make test.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench .venv/bin/python bench/catalogue_import.py -n 2000

Inside a transaction that is rolled back: loads the demo organisation and catalogue, generates a
catalogue file of the national database's shape (tests/procedures/national.py: several receiving
units, level names as published, long texts, fees in foreign currency, time sentences) with N
procedures resting on N/2 legal documents the portal has never seen (each described in the file),
then runs the import job as the import page does (jobs.run_validation, then jobs.run_import:
validate again and apply in one transaction) three times:

1. the file → N created, N/2 legal documents created;
2. the same file again → N unchanged;
3. an edited copy — 5 procedures edited, every unordered list shuffled → exactly 5 changed.

Prints and saves the timings (seconds) and the preview counts to
bench/results/catalogue_import-<timestamp>.json.
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
os.environ.setdefault("DEBUG", "false")

EDITED = 5


def generate(n, *, units, seed=1):
    """(items, documents): N procedures of the national shape on N/2 unknown legal documents."""
    from tests.procedures import national

    items = national.as_published(national.catalogue(n, units=units, documents=["-"], seed=seed))
    return national.with_new_documents(items, max(1, n // 2))


def run(editor, content, fmt, name):
    """One import as the page runs it: (validation s, apply s or None, preview counts)."""
    from django.core.files.base import ContentFile

    from procedures.importing import jobs
    from procedures.models import ImportJob

    job = ImportJob(original_name=name, format=fmt, created_by=editor)
    job.file.save(name, ContentFile(content), save=False)
    job.save()
    start = time.perf_counter()
    jobs.run_validation(job.pk)
    validation = time.perf_counter() - start
    job.refresh_from_db()
    assert job.status == ImportJob.Status.PREVIEW, job.errors[:5]
    counts = {k: job.summary[k] for k in ("create", "update", "unchanged")}
    counts["documents_create"] = len(job.summary["documents_create"])
    counts["changed_codes"] = [r["code"] for r in job.summary["rows"] if r["action"] == "update"]
    applying = None
    if counts["create"] or counts["update"]:
        ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.IMPORTING)
        start = time.perf_counter()
        jobs.run_import(job.pk, editor.pk)
        applying = time.perf_counter() - start
        job.refresh_from_db()
        assert job.status == ImportJob.Status.DONE, job.message
    return validation, applying, counts


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=2000, help="procedures in the file")
    parser.add_argument("--format", default="xlsx", choices=["xlsx", "csv", "json"])
    args = parser.parse_args()

    import django

    django.setup()
    import tempfile

    from django.conf import settings
    from django.core.management import call_command
    from django.db import transaction

    from bench import save_result
    from portal.models import Unit, User
    from procedures.models import LegalDocument, Procedure
    from tests.procedures import national

    call_command("migrate", verbosity=0)
    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="bench-import-")
    runs = {}
    with transaction.atomic():
        from portal import demo as portal_demo
        from procedures import demo as procedures_demo

        portal_demo.seed()
        procedures_demo.seed()
        editor = User.objects.get(username="bientap.tinh")
        units = list(Unit.objects.filter(level__code="commune").order_by("code").values_list("code", flat=True)[:3])
        items, numbers = generate(args.n, units=units)
        assert not LegalDocument.objects.filter(number__in=numbers).exists()
        content = national.to_file(items, args.format)
        procedures_before = Procedure.objects.count()

        v, a, counts = run(editor, content, args.format, f"quoc-gia.{args.format}")
        runs["1_new_file"] = {"validate_s": round(v, 2), "apply_s": round(a, 2), "total_s": round(v + a, 2),
                              **{k: c for k, c in counts.items() if k != "changed_codes"}}
        assert Procedure.objects.count() == procedures_before + args.n

        v, a, counts = run(editor, content, args.format, f"lai.{args.format}")
        runs["2_same_file"] = {"validate_s": round(v, 2), **{k: c for k, c in counts.items() if k != "changed_codes"}}

        edited = national.shuffled(items)
        targets = [i * (args.n // EDITED) for i in range(EDITED)]
        for i in targets:
            edited[i]["ten_thu_tuc"] = f"{edited[i]['ten_thu_tuc']} (sửa đổi)"
            edited[i]["hieu_luc_tu"] = "2026-09-01"
        v, a, counts = run(editor, national.to_file(edited, args.format), args.format, f"sua.{args.format}")
        runs["3_edited_copy"] = {"validate_s": round(v, 2), "apply_s": round(a, 2), "total_s": round(v + a, 2),
                                 **counts}
        assert sorted(counts["changed_codes"]) == sorted(items[i]["ma_thu_tuc"] for i in targets)
        transaction.set_rollback(True)

    result = {
        "benchmark": "catalogue_import",
        "procedures": args.n,
        "unknown_legal_documents": len(numbers),
        "format": args.format,
        "file_bytes": len(content),
        "runs": runs,
    }
    save_result("catalogue_import", result)


if __name__ == "__main__":
    main()
