"""Celery tasks of the catalogue. Each takes ids, claims its job with a conditional update,
and is safe to run twice."""

from celery import shared_task

from procedures.services import procedure_versions_retire_superseded

from .importing import jobs


@shared_task(name="procedures.validate_import")
def validate_import(job_id):
    """Phase 1 of an import: parse and check every row, store the preview or the errors.
    Queued by jobs.import_job_create after the upload commits; a re-run finds the job no
    longer pending and does nothing."""
    jobs.run_validation(job_id)


@shared_task(name="procedures.apply_import")
def apply_import(job_id, user_id):
    """Phase 2: write the confirmed import in one transaction. Queued by
    jobs.import_job_confirm; a re-run finds the job finished and does nothing."""
    jobs.run_import(job_id, user_id)


@shared_task(name="procedures.retire_superseded_versions")
def retire_superseded_versions():
    """Daily: mark published versions whose validity has ended as retired. Which version is in
    force is decided by dates, so this only tidies statuses; re-running is harmless."""
    return procedure_versions_retire_superseded()
