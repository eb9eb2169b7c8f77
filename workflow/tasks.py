"""Celery tasks of the workflow: notification delivery, the deadline sweep, digests and the
catalogue watch. Thin: each calls one function and is safe to run again at any time.

Importing this module connects the outbox receiver (workflow.notifications)."""

import logging
import time

from celery import shared_task

from portal.metrics import record_sweep
from workflow.deadlines.digests import certificate_expiry_watch, legal_basis_watch, send_digests
from workflow.deadlines.sweep import sweep
from workflow.notifications import outbox as notifications

logger = logging.getLogger("workflow.notifications")


# ignore_result: queuing must not wait on the result backend while Redis is down.
@shared_task(acks_late=True, ignore_result=True)
def send_notification(pk):
    """Send one outbox row. Queued after commit by the transaction that wrote it; re-queued
    by send_pending_notifications. Safe to re-run: the row is claimed with a conditional
    update and marked sent once."""
    return notifications.deliver(pk)


@shared_task(acks_late=True)
def send_pending_notifications(min_age=None, limit=500):
    """Deliver unsent rows: never queued (broker was down), abandoned by a killed worker, or
    due after a backoff. Triggered by beat every minute and after bulk writes. Safe to
    re-run and to run concurrently: every row is claimed before it is sent."""
    sent = 0
    for pk in notifications.pending_ids(min_age=min_age, limit=limit):
        if notifications.deliver(pk) == "sent":
            sent += 1
    return sent


@shared_task
def deadline_sweep():
    """Mark and announce deadline thresholds crossed since the last run. Triggered by beat
    every five minutes; a re-run finds nothing new, and two concurrent runs never double
    (see workflow.deadlines.sweep). Its duration goes to /metrics (portal.metrics)."""
    started = time.monotonic()
    counts = sweep()
    record_sweep(time.monotonic() - started, counts)
    return counts


@shared_task
def send_daily_digests():
    """One digest per supervisor and leader per day. Triggered by beat each morning; the
    DigestLog row claims (user, day), so a re-run sends nothing twice."""
    return send_digests()


@shared_task
def catalogue_watch():
    """Flag published procedures resting on an expired or replaced legal document to their
    editors. Daily; each (version, document) pair is flagged once."""
    return legal_basis_watch()



# The counter refresh task is defined beside the counters; importing it here registers it.
from workflow.supervision.daily_counters import refresh_recent  # noqa: E402,F401


@shared_task
def certificate_watch():
    """Warn leaders and administrators of unit signing certificates expiring within 30 days.
    Daily from beat; each certificate is claimed once (UnitCertificate.expiry_warned_at)."""
    return certificate_expiry_watch()


@shared_task
def national_pull():
    """Submit here the dossiers filed on the national portal (workflow/api/national.py). Beat runs it
    every five minutes when NATIONAL_PORTAL_URL is set; each national id becomes one dossier, so
    a re-run or two concurrent runs create nothing twice."""
    from workflow.api.national import national_pull as pull  # workflow.api imports the outbox, as here

    run = pull()
    return {"fetched": run.fetched, "created": run.created, "refused": run.refused}
