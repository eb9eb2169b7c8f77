from celery import shared_task
from django.utils import timezone


@shared_task
def heartbeat():
    """Beat's liveness signal: returns the time the worker ran it.

    Triggered by the static beat schedule every five minutes; it changes nothing, so a re-run
    is always safe. Operators read its result to see that beat, broker and worker all work.
    """
    return timezone.now().isoformat()


@shared_task
def echo(value):
    """Return `value` unchanged: used by the integration test and by operators to probe a worker."""
    return value
