"""The notification outbox: who hears about what, written in the event's own transaction, and
the delivery of one row (claim, render, send, mark) used by the Celery tasks.

Writing: `dossier_event_recorded` is sent inside the transaction of every DossierEvent; the
receiver below adds Notification rows there, so they commit or roll back with the event, and
queues their sending after commit. If the broker is down the rows simply stay unsent and the
periodic resend task (workflow.tasks.send_pending_notifications) delivers them later. Other
apps write through `notify_user` (an account, by its preferences) and `notify_address` (one
address: an e-mail being verified, the contact a feedback sender gave); citizens/messaging.py
is where the citizens' account and feedback messages are written. Nothing sends mail or SMS
any other way, so an SMTP or SMS outage never fails the action and never loses the message.

Secrets: a verification link or one-time code travels in the row's context under `SECRET`
(the templates read `secret.url`, `secret.code`). The row needs it only until delivered: once
sent, or failed for good, the secret is dropped from the context and its values are masked in
the stored subject and body (`SECRET_REMOVED_AT` records when), so the outbox table does not
keep usable links. Such a row cannot be re-sent; the citizen asks for a new link or code.

Delivering: `deliver(pk)` claims the row with a conditional UPDATE (unsent, not claimed or
claim abandoned, due for an attempt), renders it in the recipient's language, sends it and
marks it sent. Provider errors back off (1, 2, 4… minutes) until NOTIFY_MAX_ATTEMPTS, after
which the row is failed permanently and shows on the supervisors' failures page.
"""

import datetime
import logging
import re
import uuid
from functools import partial

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_date, parse_datetime

from dossiers.signals import dossier_event_recorded
from portal.models import Membership, Role, User
from workflow.models import Consultation, Handoff, Notification, NotificationChannel, NotificationPreference
from workflow.notifications import channels

logger = logging.getLogger("workflow.notifications")

EMAIL, IN_APP, SMS = NotificationChannel.EMAIL, NotificationChannel.IN_APP, NotificationChannel.SMS
# Calls to other systems (workflow/api/outbound.py): delivered in order per dossier and receiver.
ORDERED = (NotificationChannel.WEBHOOK, NotificationChannel.NATIONAL)


class Kind:
    """Notification kinds; each has templates/emails/<kind>.subject.txt, .txt and .html."""

    RECEIVED = "received"
    SUBMITTED = "submitted"
    SUPPLEMENT_REQUESTED = "supplement_requested"
    REFUSED = "refused"
    PAYMENT_REQUESTED = "payment_requested"
    RESULT_READY = "result_ready"
    STOPPED = "stopped"
    APOLOGY = "apology"
    TRANSFERRED = "transferred"
    ASSIGNED = "assigned"
    RESUMED = "resumed"
    CONSULTATION_REQUESTED = "consultation_requested"
    CONSULTATION_ANSWERED = "consultation_answered"
    DUE_SOON = "due_soon"
    DUE_TODAY = "due_today"
    OVERDUE = "overdue"
    ESCALATED = "escalated"
    DOSSIER_OVERDUE = "dossier_overdue"
    APOLOGY_DUE = "apology_due"
    CONSULTATION_LATE = "consultation_late"
    DIGEST = "digest"
    LEGAL_BASIS = "legal_basis"
    CERTIFICATE_EXPIRY = "certificate_expiry"
    FEEDBACK_ANSWERED = "feedback_answered"
    FEEDBACK_RECEIVED = "feedback_received"
    # Citizen accounts and online submission (citizens/messaging.py, and "submit" below).
    ONLINE_SUBMITTED = "online_submitted"
    VERIFY_EMAIL = "verify_email"
    VERIFY_PHONE = "verify_phone"
    ACTIVATION = "activation"
    # A sign-up with an ID number or e-mail that already has an account (issue 19: the page
    # says nothing, the owner's mailbox hears about it).
    SIGNUP_EXISTING = "signup_existing"


# The context key of values that must not outlive delivery, and the mark left once removed.
SECRET = "secret"
SECRET_REMOVED_AT = "secret_removed_at"
MASK = "[…]"


# Transition → what the applicant hears.
APPLICANT_KINDS = {
    "submit": Kind.ONLINE_SUBMITTED,
    "receive": Kind.RECEIVED,
    "request_supplement": Kind.SUPPLEMENT_REQUESTED,
    "refuse_reception": Kind.REFUSED,
    "request_payment": Kind.PAYMENT_REQUESTED,
    "finish": Kind.RESULT_READY,
    "stop": Kind.STOPPED,
    "apology": Kind.APOLOGY,
}
# Transition → what the staff who now hold the dossier hear.
HANDLER_KINDS = {
    "start_processing": Kind.TRANSFERRED,
    "forward": Kind.TRANSFERRED,
    "finish": Kind.TRANSFERRED,
    "resume_after_supplement": Kind.RESUMED,
    "confirm_payment": Kind.RESUMED,
}


# --- recipients --------------------------------------------------------------------------------


def preference_of(user):
    try:
        return user.notification_preference
    except NotificationPreference.DoesNotExist:
        return NotificationPreference(user=user)


def members(unit, *roles):
    """Active staff holding one of `roles` in `unit` itself."""
    return list(User.objects.filter(
        pk__in=Membership.objects.active().filter(unit=unit, role__in=roles).values("user")
    ).order_by("pk"))


def handlers_of(handoff):
    """Who works on a step: its assignee, otherwise the unit's clerks (counter steps) or its
    leaders and officers (processing steps)."""
    if handoff.assignee_id:
        return [handoff.assignee]
    if handoff.kind == Handoff.Kind.COUNTER:
        return members(handoff.unit, Role.CLERK)
    return members(handoff.unit, Role.LEADER, Role.OFFICER)


def supervisors_of(unit):
    """Leaders of the unit and supervisors of the unit or of any unit above it."""
    ancestors = [int(pk) for pk in unit.path.strip("/").split("/") if pk]
    memberships = Membership.objects.active().filter(
        Q(unit=unit, role=Role.LEADER) | Q(unit__in=ancestors, role=Role.SUPERVISOR)
    )
    return list(User.objects.filter(pk__in=memberships.values("user")).order_by("pk"))


def counter_heads(unit):
    """The head of a counter (Membership.is_head), or its leaders when none is named."""
    heads = Membership.objects.active().filter(unit=unit, is_head=True)
    if not heads.exists():
        heads = Membership.objects.active().filter(unit=unit, role=Role.LEADER)
    return list(User.objects.filter(pk__in=heads.values("user")).order_by("pk"))


def language_of(user=None):
    """The language a message is written in: the person's stored preference, else the language
    of the current request (the portal's choice, Vietnamese unless the visitor switched)."""
    if user is not None:
        preference = preference_of(user)
        if preference.pk and preference.language:
            return preference.language
    language = (translation.get_language() or "vi").split("-")[0]
    return language if language in dict(settings.LANGUAGES) else "vi"


def staff_rows(users, *, kind, dossier=None, context, email=False, dedupe=None):
    """In-app rows (and e-mail rows when asked) for staff members, honouring preferences."""
    rows = []
    for user in users:
        preference = preference_of(user)
        language = preference.language or "vi"
        if preference.in_app:
            rows.append(Notification(recipient=user, channel=IN_APP, kind=kind, dossier=dossier, context=context,
                                     language=language, dedupe_key=f"{dedupe}:{user.pk}:in_app" if dedupe else None))
        if email and preference.email and user.email:
            rows.append(Notification(recipient=user, address=user.email, channel=EMAIL, kind=kind, dossier=dossier,
                                     context=context, language=language,
                                     dedupe_key=f"{dedupe}:{user.pk}:email" if dedupe else None))
    return rows


def applicant_rows(dossier, *, kind, context):
    """The applicant: through their citizen account (in-app, e-mail, SMS by preference), or
    by the e-mail address and phone number given at the counter."""
    rows = []
    if dossier.citizen_id:
        user = dossier.citizen
        preference = preference_of(user)
        language = preference.language or "vi"
        if preference.in_app:
            rows.append(Notification(recipient=user, channel=IN_APP, kind=kind, dossier=dossier, context=context,
                                     language=language))
        email = user.email or dossier.applicant_email
        if preference.email and email:
            rows.append(Notification(recipient=user, address=email, channel=EMAIL, kind=kind, dossier=dossier,
                                     context=context, language=language))
        phone = user.phone or dossier.applicant_phone
        if preference.sms and phone:
            rows.append(Notification(recipient=user, address=phone, channel=SMS, kind=kind, dossier=dossier,
                                     context=context, language=language))
        return rows
    if dossier.applicant_email:
        rows.append(Notification(address=dossier.applicant_email, channel=EMAIL, kind=kind, dossier=dossier,
                                 context=context))
    if dossier.applicant_phone:
        rows.append(Notification(address=dossier.applicant_phone, channel=SMS, kind=kind, dossier=dossier,
                                 context=context))
    return rows


def dossier_context(dossier, **extra):
    context = {
        "code": dossier.code,
        "procedure": dossier.procedure_version.name if dossier.procedure_version_id else "",
        "applicant_name": dossier.applicant_name,
        "due_at": dossier.due_at.isoformat() if dossier.due_at else None,
        "unit": dossier.current_unit.name if dossier.current_unit_id else "",
        "receiving_unit": dossier.receiving_unit.name if dossier.receiving_unit_id else "",
    }
    context.update(extra)
    return context


# --- writing -----------------------------------------------------------------------------------


@receiver(dossier_event_recorded, dispatch_uid="workflow.notifications.outbox")
def write_outbox(sender, event, **kwargs):
    """Inside the event's transaction: the rows that tell people about it."""
    dossier = event.dossier
    context = dossier_context(dossier, note=event.note, transition=event.transition,
                              event_unit=event.unit.name if event.unit_id else "")
    rows = []
    kind = APPLICANT_KINDS.get(event.transition)
    if kind:
        rows += applicant_rows(dossier, kind=kind, context=context)
    kind = HANDLER_KINDS.get(event.transition)
    if kind:
        active = dossier.handoffs.filter(state=Handoff.State.ACTIVE).select_related("unit", "assignee").first()
        if active is not None:
            rows += staff_rows(handlers_of(active), kind=kind, dossier=dossier,
                               context={**context, "unit": active.unit_name})
    if event.transition in ("submit", "resubmit"):
        rows += staff_rows(members(dossier.receiving_unit, Role.CLERK), kind=Kind.SUBMITTED, dossier=dossier,
                           context=context)
    elif event.transition == "assign":
        active = dossier.handoffs.filter(state=Handoff.State.ACTIVE).select_related("assignee").first()
        if active is not None and active.assignee_id:
            rows += staff_rows([active.assignee], kind=Kind.ASSIGNED, dossier=dossier, context=context)
    elif event.transition == "consult":
        consultation = dossier.consultations.order_by("-requested_at", "-pk").select_related("unit").first()
        if consultation is not None:
            rows += staff_rows(members(consultation.unit, Role.LEADER, Role.OFFICER),
                               kind=Kind.CONSULTATION_REQUESTED, dossier=dossier,
                               context={**context, "consulted_unit": consultation.unit.name,
                                        "consultation_due_at": consultation.due_at.isoformat()})
    elif event.transition == "consult_answer":
        consultation = (Consultation.objects.filter(dossier=dossier, unit=event.unit, answered_at__isnull=False)
                        .order_by("-answered_at").select_related("requested_by", "unit").first())
        if consultation is not None:
            rows += staff_rows([consultation.requested_by], kind=Kind.CONSULTATION_ANSWERED, dossier=dossier,
                               context={**context, "consulted_unit": consultation.unit.name})
    outbox_add(rows)


def outbox_add(rows, *, bulk=False):
    """Save notification rows in the current transaction and queue their sending after commit.

    In-app rows are the channel themselves: marked sent at once and rendered when shown (in
    the reader's language, and without slowing the sweep's bulk writes). With `bulk`
    (the sweep, digests), rows with a dedupe key already present are skipped, and one resend
    task is queued instead of one task per row.
    """
    if not rows:
        return []
    now = timezone.now()
    for row in rows:
        row.created_at = now
        if row.channel == IN_APP:
            row.sent_at = now
    forget_unread(row.recipient_id for row in rows if row.channel == IN_APP)
    if bulk:
        Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
        if any(row.channel != IN_APP for row in rows):
            transaction.on_commit(enqueue_pending)
        return rows
    for row in rows:
        row.save()
        if row.channel != IN_APP:
            transaction.on_commit(partial(enqueue, row.pk))
    return rows


def notify_user(*, user, kind, context, dossier=None, email=True, dedupe_key=None):
    """For other apps (e.g. feedback answered): tell one person, in-app and by e-mail."""
    return outbox_add(staff_rows([user], kind=kind, dossier=dossier, context=context, email=email,
                                 dedupe=dedupe_key))


def notify_address(*, address, channel, kind, context, recipient=None, dossier=None, secret=None,
                   language=None, dedupe_key=None):
    """Tell one address on one channel, whatever the preferences: a message the person asked
    for (a verification link or code, an activation link, the receipt or answer of their
    feedback). `recipient` only names them in the greeting; `secret` (a dict, e.g. {"url": …})
    is removed from the row once delivered, see the module docstring."""
    if not address:
        return []
    context = dict(context)
    if secret:
        context[SECRET] = dict(secret)
    row = Notification(recipient=recipient, address=address, channel=channel, kind=kind, dossier=dossier,
                       context=context, language=language or language_of(recipient), dedupe_key=dedupe_key)
    return outbox_add([row])


def enqueue(pk):
    """After commit: hand the row to a worker. A broker outage must not break the action that
    wrote the row (it already committed); the resend task sends it later."""
    from workflow.tasks import send_notification  # workflow.tasks imports this module: a real cycle

    try:
        send_notification.apply_async((pk,), queue=settings.NOTIFY_QUEUE)
    except Exception:  # noqa: BLE001  (any broker error: the row stays pending)
        logger.warning("could not queue notification %s; the resend task will send it", pk, exc_info=True)


def enqueue_pending():
    from workflow.tasks import send_pending_notifications  # the same cycle

    try:
        send_pending_notifications.apply_async(kwargs={"min_age": 0}, queue=settings.NOTIFY_QUEUE)
    except Exception:  # noqa: BLE001
        logger.warning("could not queue the resend task; beat will run it", exc_info=True)


# --- rendering ---------------------------------------------------------------------------------


def link_path(notification):
    """Where the notification leads: the dossier's page for staff, its public page for the
    applicant, the catalogue's legal-basis report for editors."""
    code = (notification.context or {}).get("code")
    try:
        if notification.kind == Kind.LEGAL_BASIS:
            return reverse("procedures:legal_report")
        if notification.kind == Kind.CERTIFICATE_EXPIRY:
            recipient = notification.recipient
            return reverse("signatures:certificates") if recipient is not None and recipient.is_superuser else ""
        if notification.kind in (Kind.FEEDBACK_ANSWERED, Kind.FEEDBACK_RECEIVED):
            tracking_code = (notification.context or {}).get("tracking_code")
            return reverse("citizens:feedback_detail", args=[tracking_code]) if tracking_code else ""
        if not code:
            return ""
        if notification.recipient_id is None or notification.kind in APPLICANT_KINDS.values():
            return reverse("dossiers:qr", args=[code])
        return reverse("workflow:dossier", args=[code])
    except NoReverseMatch:
        return ""


def _template_context(notification):
    context = dict(notification.context or {})
    for key, value in list(context.items()):
        if key.endswith("_at") and isinstance(value, str):
            context[key] = parse_datetime(value)
        elif key == "day" and isinstance(value, str):
            context[key] = parse_date(value)
    base = settings.PUBLIC_BASE_URL.rstrip("/")
    path = link_path(notification)
    context["link"] = f"{base}{path}" if path else ""
    context.update(portal_name=settings.PORTAL_NAME, recipient=notification.recipient,
                   base_url=base)
    return context


def render(notification):
    """(subject, text, html) in the notification's language."""
    context = _template_context(notification)
    with translation.override(notification.language or "vi"):
        subject = " ".join(render_to_string(f"emails/{notification.kind}.subject.txt", context).split())
        text = re.sub(r"\n{3,}", "\n\n", render_to_string(f"emails/{notification.kind}.txt", context)).strip()
        html = render_to_string(f"emails/{notification.kind}.html", context)
    return subject[:300], text, html


# --- delivering --------------------------------------------------------------------------------


def backoff(attempts):
    """Minutes before the next attempt: 1, 2, 4, 8… capped at one hour."""
    return datetime.timedelta(minutes=min(2 ** max(attempts - 1, 0), 60))


def claim(pk, *, now=None):
    """Claim one row for sending; returns the claim token or None if someone else has it,
    it is sent, failed, or not due yet."""
    now = now or timezone.now()
    token = uuid.uuid4()
    stale = now - datetime.timedelta(seconds=settings.NOTIFY_CLAIM_TIMEOUT)
    claimed = (
        Notification.objects.filter(pk=pk, sent_at__isnull=True, failed_permanently=False)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=stale))
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        # Webhooks and the national portal receive a dossier's changes in order: a row waits
        # while an earlier one of the same dossier and receiver is undelivered (in backoff, or
        # held by a worker); a row failed for good no longer blocks the line.
        .exclude(Q(channel__in=ORDERED) & Exists(_earlier_in_line()))
        .update(claimed_at=now, claim=token, attempts=F("attempts") + 1)
    )
    return token if claimed else None


def deliver(pk):
    """Send one notification if it can be claimed. Returns "sent", "retry", "failed" or None
    (nothing to do). Safe to call any number of times, from any number of workers."""
    token = claim(pk)
    if token is None:
        return None
    notification = Notification.objects.select_related("recipient").get(pk=pk)
    key = f"<notification-{notification.pk}@{settings.NOTIFY_MESSAGE_DOMAIN}>"
    try:
        if (notification.context or {}).get(SECRET_REMOVED_AT):
            raise channels.PermanentFailure("the one-time link or code was removed; ask for a new one")
        if notification.channel in ORDERED:
            subject, text = channels.send_outbound(notification)
        else:
            subject, text, html = render(notification)
        if notification.channel == EMAIL:
            channels.send_email(to=notification.address, subject=subject, text=text, html=html, key=key)
        elif notification.channel == SMS:
            path = link_path(notification)
            link = f"{settings.PUBLIC_BASE_URL.rstrip('/')}{path}" if path and settings.PUBLIC_BASE_URL else ""
            channels.send_sms(to=notification.address, text=f"{subject} {link}".strip(), key=key)
    except channels.PermanentFailure as exc:
        return _failed(notification, token, exc, permanent=True)
    except Exception as exc:  # noqa: BLE001  (any provider error is retried with backoff)
        return _failed(notification, token, exc, permanent=notification.attempts >= settings.NOTIFY_MAX_ATTEMPTS)
    changes = {"sent_at": timezone.now(), "subject": subject, "body": text, "last_error": ""}
    if SECRET in (notification.context or {}):
        changes.update(without_secret(notification, subject=subject, body=text))
    Notification.objects.filter(pk=pk, claim=token).update(**changes)
    if notification.channel in ORDERED:
        _queue_next_in_line(notification)
    return "sent"


def _earlier_in_line():
    """An unsent, not abandoned row of the same dossier, channel and address written before."""
    return Notification.objects.filter(dossier=OuterRef("dossier"), channel=OuterRef("channel"),
                                       address=OuterRef("address"), pk__lt=OuterRef("pk"), sent_at__isnull=True,
                                       failed_permanently=False)


def _queue_next_in_line(notification):
    """Calls to other systems go in order per dossier: once one is delivered, the next one of
    the same dossier and receiver (held back by `claim`) is queued at once."""
    following = (Notification.objects.filter(dossier_id=notification.dossier_id, channel=notification.channel,
                                             address=notification.address, pk__gt=notification.pk,
                                             sent_at__isnull=True, failed_permanently=False)
                 .order_by("pk").values_list("pk", flat=True).first())
    if following is not None:
        enqueue(following)


def without_secret(notification, *, subject="", body=""):
    """The fields that forget a delivered row's secret: the context without it, and its values
    masked wherever the stored subject and body quoted them."""
    context = dict(notification.context or {})
    values = [str(value) for value in (context.pop(SECRET, None) or {}).values() if value]
    for value in values:
        subject, body = subject.replace(value, MASK), body.replace(value, MASK)
    context[SECRET_REMOVED_AT] = timezone.now().isoformat()
    return {"context": context, "subject": subject, "body": body}


def _failed(notification, token, exc, *, permanent):
    now = timezone.now()
    error = f"{type(exc).__name__}: {exc}"[:2000]
    logger.warning("notification %s failed (attempt %s): %s", notification.pk, notification.attempts, error)
    changes = {"last_error": error, "claimed_at": None, "claim": None}
    if permanent:
        changes["failed_permanently"] = True
        if SECRET in (notification.context or {}):
            changes.update(without_secret(notification))
    else:
        changes["next_attempt_at"] = now + backoff(notification.attempts)
    Notification.objects.filter(pk=notification.pk, claim=token).update(**changes)
    return "failed" if permanent else "retry"


def pending_ids(*, min_age=None, limit=500, now=None):
    """Unsent rows due for an attempt: never queued (broker down), abandoned by a killed worker,
    or waiting for their backoff. Served by the partial index on pending rows."""
    now = now or timezone.now()
    min_age = settings.NOTIFY_RESEND_AFTER if min_age is None else min_age
    stale = now - datetime.timedelta(seconds=settings.NOTIFY_CLAIM_TIMEOUT)
    return list(
        Notification.objects.filter(sent_at__isnull=True, failed_permanently=False,
                                    created_at__lte=now - datetime.timedelta(seconds=min_age))
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=stale))
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .order_by("created_at").values_list("pk", flat=True)[:limit]
    )


# --- reading (the bell) ------------------------------------------------------------------------


def inbox_of(user):
    return Notification.objects.filter(recipient=user, channel=IN_APP)


def for_display(rows):
    """Fill subject and body of in-app rows, rendered in the active language."""
    language = translation.get_language() or "vi"
    for row in rows:
        row.language = language
        row.subject, row.body, _html = render(row)
        row.link = link_path(row)
    return rows


# The bell's count is on every signed-in page: kept in the shared cache per user, forgotten
# when in-app rows are written for the user (outbox_add) or marked read (mark_read), at once and
# again after the transaction commits; UNREAD_SECONDS bounds what any other write leaves.
UNREAD_SECONDS = 60


def _unread_key(user_pk):
    return f"notifications:unread:{user_pk}"


def forget_unread(user_pks):
    keys = [_unread_key(pk) for pk in set(user_pks) if pk]
    if keys:
        cache.delete_many(keys)
        transaction.on_commit(partial(cache.delete_many, keys))


def unread_count(user):
    key = _unread_key(user.pk)
    count = cache.get(key)
    if count is None:
        count = inbox_of(user).filter(read_at__isnull=True).count()
        cache.set(key, count, UNREAD_SECONDS)
    return count


def mark_read(*, user, pk=None):
    """Mark one (or, without pk, every) in-app notification of `user` read."""
    qs = inbox_of(user).filter(read_at__isnull=True)
    if pk is not None:
        qs = qs.filter(pk=pk)
    updated = qs.update(read_at=timezone.now())
    forget_unread([user.pk])
    return updated
