"""What other systems hear about a dossier, written to the one outbox (workflow/notifications)
in the event's own transaction, so a call is never lost nor made for a rolled-back change:

- webhooks of connected systems (portal/api): `status_changed`, `result_ready`,
  `supplement_requested`, to each active client that subscribed and whose unit received or
  holds the dossier (its own unit or one below it);
- the national public-service portal: every status change, in the national vocabulary
  (docs/api.md, "National portal"), when NATIONAL_PORTAL_URL is set.

The outbox delivers them signed (HMAC with a timestamp), retried with backoff, one at a time
and in order per dossier and receiver (`outbox.claim`); each carries the event's id so that a
receiver drops a repeat."""

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.dispatch import receiver

from dossiers.models import NATIONAL_STATUS, DossierEvent, NationalStatus, Status, label_of
from dossiers.signals import dossier_event_recorded
from portal.api.models import ApiClient, WebhookEvent
from workflow.models import Notification, NotificationChannel
from workflow.notifications.outbox import ORDERED, enqueue, outbox_add

CONTRACT_VERSION = "1"


def _iso(value):
    return value.isoformat() if value else None


def on_time(dossier):
    """Finished by its due date (true), after it (false), or not finished / no due date (null)."""
    if not dossier.finished_at or not dossier.due_at:
        return None
    return dossier.finished_at <= dossier.due_at


def dossier_summary(dossier):
    status = dossier.status
    return {
        "code": dossier.code,
        "procedure_code": dossier.procedure.national_code,
        "receiving_unit_code": dossier.receiving_unit.code,
        "current_unit_code": dossier.current_unit.code,
        "channel": int(dossier.channel),
        "status": status,
        "national_status": int(NATIONAL_STATUS[status]),
        "national_status_label": label_of(NationalStatus, NATIONAL_STATUS[status]),
        "outcome": dossier.outcome or None,
        "submitted_at": _iso(dossier.submitted_at),
        "received_at": _iso(dossier.received_at),
        "due_at": _iso(dossier.due_at),
        "finished_at": _iso(dossier.finished_at),
        "returned_at": _iso(dossier.returned_at),
        "on_time": on_time(dossier),
    }


def national_payload(event, dossier, sequence):
    """The national contract, version 1 (docs/api.md): one status change of one dossier."""
    summary = dossier_summary(dossier)
    return {
        "contract": CONTRACT_VERSION,
        "event_id": f"portal-{event.pk}",
        "sequence": sequence,
        "changed_at": _iso(event.at),
        "dossier_code": summary["code"],
        "procedure_code": summary["procedure_code"],
        "receiving_unit_code": summary["receiving_unit_code"],
        "channel": summary["channel"],
        "status": summary["national_status"],
        "previous_status": int(NATIONAL_STATUS[event.from_status]) if event.from_status else None,
        "due_at": summary["due_at"],
        "received_at": summary["received_at"],
        "result_at": summary["finished_at"],
        "returned_at": summary["returned_at"],
        "on_time": summary["on_time"],
    }


def webhook_types(event):
    changed = event.from_status != event.to_status
    types = []
    if changed:
        types.append(WebhookEvent.STATUS_CHANGED)
        if event.to_status == Status.RESULT_READY:
            types.append(WebhookEvent.RESULT_READY)
    if event.transition == "request_supplement":
        types.append(WebhookEvent.SUPPLEMENT_REQUESTED)
    return types


def subscribers(dossier):
    """Active clients with a webhook whose unit covers the dossier's receiving or current unit."""
    paths = (dossier.receiving_unit.path, dossier.current_unit.path)
    return [c for c in ApiClient.objects.filter(revoked_at=None).exclude(webhook_url="").select_related("unit")
            if any(path.startswith(c.unit.path) for path in paths)]


@receiver(dossier_event_recorded, dispatch_uid="workflow.api.outbound")
def write_outbound(sender, event, **kwargs):
    """Inside the event's transaction: the webhook and national-portal rows it causes."""
    types = webhook_types(event)
    if not types:
        return
    dossier = event.dossier
    rows = []
    summary = None
    for client in subscribers(dossier):
        for kind in types:
            if kind not in client.webhook_events:
                continue
            summary = summary or dossier_summary(dossier)
            event_id = f"portal-{event.pk}-{kind}"
            payload = {"event_id": event_id, "type": kind, "at": _iso(event.at), "transition": event.transition,
                       "dossier": summary}
            rows.append(Notification(channel=NotificationChannel.WEBHOOK, address=client.webhook_url,
                                     kind=f"webhook.{kind}", dossier=dossier,
                                     context={"client": client.pk, "event_id": event_id, "payload": payload},
                                     dedupe_key=f"webhook:{client.pk}:{event_id}"))
    if settings.NATIONAL_PORTAL_URL and WebhookEvent.STATUS_CHANGED in types:
        sequence = DossierEvent.objects.filter(dossier=dossier, pk__lte=event.pk).exclude(
            from_status=F("to_status")).count()
        payload = national_payload(event, dossier, sequence)
        rows.append(Notification(channel=NotificationChannel.NATIONAL, address=settings.NATIONAL_PORTAL_URL,
                                 kind="national.status", dossier=dossier,
                                 context={"event_id": payload["event_id"], "payload": payload},
                                 dedupe_key=f"national:{payload['event_id']}"))
    outbox_add(rows)


# --- operations: the delivery log and the national sync screen ------------------------------------


def outbound_resend(*, row):
    """Deliver a webhook or national-portal row again (failed for good, or already delivered and
    asked for again): it gets a fresh round of attempts. The receiver drops it if it had it."""
    Notification.objects.filter(pk=row.pk, channel__in=ORDERED).update(
        sent_at=None, failed_permanently=False, attempts=0, next_attempt_at=None, claimed_at=None, claim=None)
    transaction.on_commit(lambda: enqueue(row.pk))


def deliveries(*, channel):
    return Notification.objects.filter(channel=channel).select_related("dossier").order_by("-created_at", "-pk")


def backlog(rows):
    """Counts of a channel's rows: waiting (never tried or in backoff), failed for good, and the
    oldest waiting one."""
    waiting = rows.filter(sent_at__isnull=True, failed_permanently=False)
    return {"waiting": waiting.count(), "failed": rows.filter(failed_permanently=True).count(),
            "retrying": waiting.filter(attempts__gt=0).count(),
            "oldest": waiting.order_by("created_at").values_list("created_at", flat=True).first(),
            "last_sent": rows.filter(sent_at__isnull=False).order_by("-sent_at").values_list(
                "sent_at", flat=True).first()}
