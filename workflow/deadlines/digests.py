"""Daily digests for leaders and supervisors, and the catalogue watch for editors.

Both run from beat once a day and are safe to re-run: a digest is claimed by its
DigestLog(user, day) row, written in the same transaction as the digest's notifications; a
legal-basis problem is claimed by its LegalBasisFlag(version, document) row.
"""

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from dossiers.models import Dossier, StatusGroup
from portal import workdays
from portal.models import Membership, Role, Unit, UnitCertificate, User
from procedures.models import LegalDocument, ProcedureVersion
from workflow.deadlines.sweep import end_of_day
from workflow.models import Apology, DigestLog, LegalBasisFlag, Notification, NotificationChannel
from workflow.notifications.outbox import Kind, outbox_add, preference_of

DIGEST_ROLES = (Role.LEADER, Role.SUPERVISOR)


def unit_figures(unit, *, now):
    """New (received in the last 24 hours), due today, overdue and apology pending (due within
    one working day or overdue, without an approved apology) for the unit and the units below."""
    subtree = Unit.objects.subtree_of(unit).values("pk")
    window = workdays.add_working_hours(now, workdays.calendar_for(unit).hours_per_day)
    approved = Apology.objects.filter(dossier=OuterRef("pk"), state=Apology.State.APPROVED)
    running = Q(status__in=StatusGroup.CLOCK_RUNNING)
    figures = Dossier.objects.filter(Q(current_unit__in=subtree) | Q(receiving_unit__in=subtree)).aggregate(
        new=Count("pk", filter=Q(receiving_unit__in=subtree, received_at__gt=now - datetime.timedelta(days=1))),
        due_today=Count("pk", filter=running & Q(current_unit__in=subtree, due_at__gt=now,
                                                  due_at__lte=end_of_day(now))),
        overdue=Count("pk", filter=running & Q(current_unit__in=subtree, due_at__lte=now)),
        apology_pending=Count("pk", filter=running & Q(current_unit__in=subtree, due_at__lte=window)
                              & ~Q(Exists(approved))),
    )
    return {"name": unit.name, **figures}


def digest_recipients():
    ids = Membership.objects.active().filter(role__in=DIGEST_ROLES).values("user")
    return User.objects.filter(pk__in=ids).select_related("notification_preference").order_by("pk")


def send_digest(user, *, day, now):
    """Claim (user, day) and write the digest; False when it was already sent today."""
    preference = preference_of(user)
    if not preference.digest:
        return False
    units = {m.unit for m in Membership.objects.active().filter(user=user, role__in=DIGEST_ROLES)
             .select_related("unit")}
    try:
        with transaction.atomic():
            DigestLog.objects.create(user=user, day=day)
            context = {"day": day.isoformat(), "units": [unit_figures(unit, now=now)
                                                         for unit in sorted(units, key=lambda u: u.path)]}
            rows = []
            if preference.in_app:
                rows.append(Notification(recipient=user, channel=NotificationChannel.IN_APP, kind=Kind.DIGEST,
                                         context=context, language=preference.language or "vi"))
            if preference.email and user.email:
                rows.append(Notification(recipient=user, address=user.email, channel=NotificationChannel.EMAIL,
                                         kind=Kind.DIGEST, context=context, language=preference.language or "vi"))
            outbox_add(rows)
    except IntegrityError:
        return False
    return True


def send_digests(*, now=None):
    now = now or timezone.now()
    day = timezone.localdate(now)
    return sum(send_digest(user, day=day, now=now) for user in digest_recipients())


# --- catalogue watch -----------------------------------------------------------------------------


def editors_of(procedure):
    """Editors of the managing unit or any unit above it; province editors for procedures
    without a managing unit."""
    editors = Membership.objects.active().filter(role=Role.EDITOR)
    if procedure.managing_unit_id:
        ancestors = [int(pk) for pk in procedure.managing_unit.path.strip("/").split("/") if pk]
        editors = editors.filter(unit__in=ancestors)
    else:
        editors = editors.filter(unit__parent__isnull=True)
    return User.objects.filter(pk__in=editors.values("user")).select_related("notification_preference")


def legal_basis_watch(*, on=None):
    """Flag, once, each published version resting on an expired or replaced legal document,
    and tell the procedure's editors. Returns how many new problems were flagged."""
    on = on or timezone.localdate()
    bad = LegalDocument.objects.filter(Q(expired_on__lte=on) | Q(replaced_by__isnull=False))
    Link = ProcedureVersion.legal_documents.through
    pairs = Link.objects.filter(
        legaldocument__in=bad, procedureversion__status=ProcedureVersion.Status.PUBLISHED,
    ).filter(Q(procedureversion__effective_to__isnull=True) | Q(procedureversion__effective_to__gte=on)).values_list(
        "procedureversion_id", "legaldocument_id")
    flagged = set(LegalBasisFlag.objects.values_list("version_id", "document_id"))
    new = [pair for pair in pairs if pair not in flagged]
    if not new:
        return 0
    versions = ProcedureVersion.objects.in_bulk({v for v, _d in new})
    documents = LegalDocument.objects.select_related("replaced_by").in_bulk({d for _v, d in new})
    by_editor, claimed = {}, 0
    with transaction.atomic():
        for version_id, document_id in new:
            try:
                with transaction.atomic():
                    LegalBasisFlag.objects.create(version_id=version_id, document_id=document_id)
            except IntegrityError:
                continue  # a concurrent watch flagged it
            claimed += 1
            version, document = versions[version_id], documents[document_id]
            item = {"procedure": version.name, "national_code": version.procedure.national_code,
                    "document": document.number,
                    "replaced_by": document.replaced_by.number if document.replaced_by_id else "",
                    "expired_on": document.expired_on.isoformat() if document.expired_on else ""}
            for editor in editors_of(version.procedure):
                by_editor.setdefault(editor.pk, (editor, []))[1].append(item)
        rows = []
        for editor, items in by_editor.values():
            preference = preference_of(editor)
            context = {"items": items, "count": len(items)}
            if preference.in_app:
                rows.append(Notification(recipient=editor, channel=NotificationChannel.IN_APP,
                                         kind=Kind.LEGAL_BASIS, context=context, language=preference.language))
            if preference.email and editor.email:
                rows.append(Notification(recipient=editor, address=editor.email, channel=NotificationChannel.EMAIL,
                                         kind=Kind.LEGAL_BASIS, context=context, language=preference.language))
        outbox_add(rows)
    return claimed


def certificate_expiry_watch(*, now=None):
    """Warn, once per certificate, the leaders of its unit and the administrators that a unit
    signing certificate expires within SIGNING_EXPIRY_WARNING_DAYS (30): a unit without a
    valid certificate cannot sign results, and an online return needs a signed one. Claimed
    by a conditional update of `expiry_warned_at`, so re-runs and parallel workers warn once.
    Returns how many certificates were warned about."""
    now = now or timezone.now()
    horizon = now + datetime.timedelta(days=settings.SIGNING_EXPIRY_WARNING_DAYS)
    due = UnitCertificate.objects.usable(at=now).filter(not_after__lte=horizon, expiry_warned_at__isnull=True)
    admins = list(User.objects.filter(is_superuser=True, is_active=True).select_related("notification_preference"))
    warned = 0
    for certificate in due.select_related("unit"):
        with transaction.atomic():
            if not UnitCertificate.objects.filter(pk=certificate.pk, expiry_warned_at__isnull=True).update(
                    expiry_warned_at=now):
                continue  # another run claimed it
            warned += 1
            leaders = User.objects.filter(pk__in=Membership.objects.active().filter(
                unit=certificate.unit_id, role=Role.LEADER).values("user")).select_related("notification_preference")
            context = {"unit": certificate.unit.name, "subject": certificate.subject, "serial": certificate.serial,
                       "expires_on": timezone.localtime(certificate.not_after).strftime("%d/%m/%Y"),
                       "days": max((certificate.not_after - now).days, 0)}
            rows = []
            for user in {u.pk: u for u in [*leaders, *admins]}.values():
                preference = preference_of(user)
                if preference.in_app:
                    rows.append(Notification(recipient=user, channel=NotificationChannel.IN_APP,
                                             kind=Kind.CERTIFICATE_EXPIRY, context=context,
                                             language=preference.language))
                if preference.email and user.email:
                    rows.append(Notification(recipient=user, address=user.email, channel=NotificationChannel.EMAIL,
                                             kind=Kind.CERTIFICATE_EXPIRY, context=context,
                                             language=preference.language))
            outbox_add(rows)
    return warned
