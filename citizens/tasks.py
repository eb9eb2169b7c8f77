import datetime

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from . import services


@shared_task
def purge_stale_drafts():
    """Delete online drafts nobody touched for CITIZEN_DRAFT_KEEP_DAYS (and their uploads).

    Triggered daily by beat. Only drafts older than the cut-off are touched and each is deleted
    once, so a re-run (or two runs at once) is harmless."""
    days = getattr(settings, "CITIZEN_DRAFT_KEEP_DAYS", 90)
    return services.drafts_purge(older_than=timezone.now() - datetime.timedelta(days=days))
