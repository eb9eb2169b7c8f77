import datetime
import logging

from celery import shared_task
from django.utils import timezone

from .storage_sweep import orphan_files_purge, temp_uploads_purge

logger = logging.getLogger("portal.tasks")


@shared_task
def heartbeat():
    """Beat's liveness signal: returns the time the worker ran it.

    Triggered by the static beat schedule every five minutes; it changes nothing, so a re-run
    is always safe. Operators read its result to see that beat, broker and worker all work.
    """
    return timezone.now().isoformat()


@shared_task
def echo(value):
    """Return `value` unchanged: used by the integration test and by operators to probe a worker.
    Its log line shows the request id the probe carried (docs/operations.md "Logs")."""
    logger.info("echo task ran")
    return value


@shared_task
def purge_orphan_uploads():
    """Delete stored uploads that no row refers to (left by a rolled-back transaction) once
    they are a day old.

    Triggered weekly by beat. A file is only deleted when no FileField of any model refers to
    it and it was written more than a day ago, so a re-run, or a run next to an upload in
    progress, is harmless. Returns how many files were deleted."""
    return len(orphan_files_purge(older_than=timezone.now() - datetime.timedelta(days=1)))


@shared_task
def purge_read_accesses():
    """Delete the read audit log's rows past the retention (READ_AUDIT_RETENTION_MONTHS, at
    least 12 months) through the SQL function the append-only trigger lets through.

    Triggered daily by beat. Deleting what is already past the retention twice is harmless; a
    run can never remove a row younger than 12 months (the trigger refuses it). Returns how many."""
    from .audit import read_accesses_purge

    return read_accesses_purge()


@shared_task
def purge_temp_uploads():
    """Delete Django's temporary upload files (FILE_UPLOAD_TEMP_DIR, `*.upload`) older than an
    hour: an upload a worker was killed in the middle of leaves its temporary file behind.

    Triggered hourly by beat. Only files older than an hour are touched (no request takes that
    long), so a re-run is harmless. Returns how many were deleted."""
    return len(temp_uploads_purge(older_than=timezone.now() - datetime.timedelta(hours=1)))
