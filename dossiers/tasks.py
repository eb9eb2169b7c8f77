import datetime

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task
def purge_staged_uploads():
    """Delete scans of reception forms abandoned for more than a day.

    Triggered daily by beat. Only rows older than the cut-off are touched and each is deleted
    once, so a re-run (or two runs at once) is harmless."""
    return services.staged_uploads_purge(older_than=timezone.now() - datetime.timedelta(days=1))


@shared_task
def purge_upload_days():
    """Forget the daily upload counts (dossiers.models.UploadDay) of days before yesterday.

    Triggered daily by beat; deleting past days' rows twice is harmless."""
    from .uploads import upload_days_purge

    return upload_days_purge(before=timezone.localdate() - datetime.timedelta(days=1))
