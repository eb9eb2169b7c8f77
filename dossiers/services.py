"""Writes of the dossiers app: one business action per function, each in one transaction,
each transition writing its DossierEvent row in the same transaction."""

import hashlib

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import TransitionNotAllowed

from portal import workdays
from portal.object_storage import store_upload
from portal.signatures.verification import pdf_verify
from procedures.models import ProcedureMethod, ProcedureVersion

from . import fees
from .models import (
    Channel,
    CounterSlip,
    Delivery,
    Dossier,
    DossierComponent,
    DossierEvent,
    DossierFile,
    DossierSequence,
    RequestedFee,
    StagedUpload,
    Status,
)
from .signals import dossier_event_recorded
from .uploads import daily_quota_take, inspect_upload, quota_check


class ConcurrentChange(Exception):
    """Someone else changed the dossier between the page load and this action."""


def dossier_code(*, unit, day, number):
    """`<unit identifier>-<YYMMDD>-<NNNN>` (DOMAIN §4): the receiving unit's electronic
    identifier, the local day and the dossier's number in that unit's series of the day."""
    return f"{unit.code}-{day:%y%m%d}-{number:04d}"


def next_dossier_code(*, unit, day):
    """The next code of `unit` on `day`. Must run inside the reception's transaction: the
    sequence row stays locked until it commits, so concurrent receptions queue up, and a
    rolled-back reception gives its number back (no gaps)."""
    assert transaction.get_connection().in_atomic_block, "call inside transaction.atomic()"
    return dossier_code(unit=unit, day=day, number=_next_number(unit=unit, series="dossier", day=day))


def _next_number(*, unit, series, day):
    try:
        with transaction.atomic():
            DossierSequence.objects.get_or_create(unit=unit, series=series, day=day)
    except IntegrityError:
        pass  # another transaction created the row first; lock it below
    sequence = DossierSequence.objects.select_for_update().get(unit=unit, series=series, day=day)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return sequence.last


def record_event(*, dossier, actor, transition, from_status, unit=None, note="", at=None):
    event = DossierEvent.objects.create(
        dossier=dossier,
        actor=actor,
        unit=unit or dossier.current_unit,
        transition=transition,
        from_status=from_status or "",
        to_status=dossier.status,
        note=note,
        at=at or timezone.now(),
    )
    dossier_event_recorded.send(sender=DossierEvent, event=event)
    return event


def processing_budget(version, channel):
    """The processing time of `version` for a channel: the method's own time if it has one."""
    method_channel = {Channel.COUNTER: ProcedureMethod.Channel.COUNTER, Channel.ONLINE: ProcedureMethod.Channel.ONLINE,
                      Channel.POSTAL: ProcedureMethod.Channel.POSTAL}[channel]
    for method in version.methods.all():
        if method.channel == method_channel and method.processing_time is not None:
            return method.processing_time
    return version.processing_time


def compute_due(*, version, received_at, unit, channel=Channel.COUNTER):
    return workdays.compute_due(
        received_at, amount=processing_budget(version, channel), time_unit=version.time_unit, unit=unit
    )


def dossier_fields(*, version, unit, channel, status, applicant, number, submitted_at, received_at=None,
                   due_at=None, delivery=Delivery.COUNTER, sets_count=1, note="", is_priority=False, lookup_pin=None,
                   reception_token=None, **fields):
    """The field values of a new dossier, by attname; pure (no query, no model instance). The
    pure half of the constructor (`dossier_create` builds from it through `dossier_build`),
    and what the load generator (bench/loadgen.py) writes with COPY, numbering and dating its
    dossiers itself.

    The code is made of `unit`'s identifier, the local day of `submitted_at` and `number`; the
    lookup PIN is random unless given; the dossier keeps `version` (and its procedure) for good
    and starts at `unit`, which receives it. Online dossiers are priority.
    `applicant`: the applicant_* / organisation_* / representative_* fields. `fields`: any other
    field, by name or attname (`citizen`, `received_by_id`, the fields of a later state...)."""
    values = {
        # The day in the site's zone (Asia/Ho_Chi_Minh), whatever zone a request activated.
        "code": dossier_code(unit=unit, day=timezone.localdate(submitted_at, timezone.get_default_timezone()),
                             number=number),
        "lookup_pin": lookup_pin or Dossier._meta.get_field("lookup_pin").get_default(),
        "procedure_id": version.procedure_id,
        "procedure_version_id": version.pk,
        "receiving_unit_id": unit.pk,
        "channel": channel,
        "delivery": delivery,
        "sets_count": sets_count,
        "status": status,
        "is_priority": is_priority or channel == Channel.ONLINE,
        "submitted_at": submitted_at,
        "received_at": received_at,
        "due_at": due_at,
        "note": note,
        "reception_token": reception_token,
        **applicant,
        **fields,
    }
    if "current_unit" not in values:
        values.setdefault("current_unit_id", unit.pk)
    return values


def dossier_build(*, version, unit, **kwargs):
    """A new dossier from `dossier_fields`, in memory and not saved (no query); its version and
    units are the objects given, so reading them later costs no query either."""
    dossier = Dossier(**dossier_fields(version=version, unit=unit, **kwargs))
    dossier.procedure_version = version
    dossier.receiving_unit = unit
    if dossier.current_unit_id == unit.pk:
        dossier.current_unit = unit
    return dossier


@transaction.atomic
def dossier_create(*, version, unit, channel, status, applicant, actor, at=None, components=(), files=(),
                   citizen=None, delivery=Delivery.COUNTER, sets_count=1, note="", is_priority=False,
                   reception_token=None, intake_tracking_number="", requested_fees=()):
    """The one constructor of dossiers: counter reception (workflow.reception), online
    submission (`dossier_submit_online`) and the demo data all create theirs here.

    Numbers the dossier in its unit's gap-free daily series, computes its due date when the
    clock starts now (`status` RECEIVED; an online dossier SUBMITTED waits for the counter's
    check, with no clock), validates and saves it with its components, files and first event,
    by `actor` at `at` (default: now). Who may create it and the procedure's own rules are the
    caller's to check.

    `components`: dicts {requirement, name, originals, certified_copies, photocopies}.
    `files`: (index in `components` or None, file) pairs, checked by content here.
    `requested_fees`: (optional fee, quantity) pairs the applicant asked for (dossiers/fees.py)."""
    if status not in (Status.RECEIVED, Status.SUBMITTED):
        raise ValueError(f"A dossier starts received or submitted, not {status!r}.")
    at = at or timezone.now()
    received = status == Status.RECEIVED
    dossier = dossier_build(
        version=version, unit=unit, channel=channel, status=status, applicant=applicant,
        number=_next_number(unit=unit, series="dossier", day=timezone.localdate(at, timezone.get_default_timezone())),
        submitted_at=at, received_at=at if received else None,
        due_at=compute_due(version=version, received_at=at, unit=unit, channel=channel).due_at if received else None,
        received_by=actor if received else None, citizen=citizen, delivery=delivery, sets_count=sets_count,
        note=note, is_priority=is_priority, reception_token=reception_token,
        intake_tracking_number=intake_tracking_number,
    )
    # The code is numbered above, the PIN generated, the status protected (set once here) and
    # the token unique by the database (the reception service looks for it first).
    dossier.full_clean(exclude=["code", "lookup_pin", "status", "reception_token"])
    dossier.save()
    saved = [DossierComponent.objects.create(dossier=dossier, order=index, **component)
             for index, component in enumerate(components)]
    RequestedFee.objects.bulk_create(
        [RequestedFee(dossier=dossier, fee=fee, quantity=quantity)
         for fee, quantity in fees.requested_from(version, {fee.pk: quantity for fee, quantity in requested_fees})])
    for index, upload in files:
        dossier_file_add(dossier=dossier, upload=upload, actor=actor,
                         component=saved[index] if index is not None else None)
    if not received:
        note_text = _("Nộp hồ sơ trực tuyến")
    elif channel == Channel.POSTAL:
        note_text = _("Tiếp nhận hồ sơ gửi qua bưu chính công ích (số hiệu bưu gửi %(number)s)") % {
            "number": intake_tracking_number}
    else:
        note_text = _("Tiếp nhận tại bộ phận một cửa")
    record_event(dossier=dossier, actor=actor, transition="receive" if received else "submit", from_status="",
                 unit=unit, note=note_text, at=at)
    return dossier


def dossier_file_add(*, dossier, upload, actor, component=None, kind=DossierFile.Kind.COMPONENT, new_upload=False):
    """Store `upload` on `dossier`, within the dossier's quota. `new_upload`: the file was just
    sent by `actor` (a result, a supplement), so it counts in their daily quota too; files moved
    from a draft were counted when the citizen uploaded them."""
    original_name = (getattr(upload, "name", "") or "tep")[-255:]
    quota_check(scope="dossier", files=dossier.files.all(), size=getattr(upload, "size", 0) or 0,
                name=original_name)
    content_type, size, sha256, scan_verdict = inspect_upload(upload)
    if new_upload:
        daily_quota_take(user=actor, size=size, name=original_name)
    dossier_file = DossierFile(
        dossier=dossier, component=component, kind=kind, original_name=original_name,
        content_type=content_type, size=size, sha256=sha256, uploaded_by=actor, scan_verdict=scan_verdict,
    )
    store_upload(dossier_file.file, original_name, upload)
    dossier_file.save()
    dossier_file_verify(dossier_file)
    return dossier_file


def dossier_file_verify(dossier_file, *, data=None):
    """Check the signatures of a stored PDF against the trust list and keep the verdict on
    the row (shown per file on the dossier page). Images are left unchecked."""
    if dossier_file.content_type != "application/pdf":
        return None
    if data is None:
        with dossier_file.file.open("rb") as handle:
            data = handle.read()
    check = pdf_verify(data)
    dossier_file.signature_verdict = check.verdict
    dossier_file.signature_check = check.as_json()
    dossier_file.signed_by_portal = check.signed_by_portal
    dossier_file.save(update_fields=["signature_verdict", "signature_check", "signed_by_portal"])
    return check


def dossier_file_replace(dossier_file, *, data: bytes):
    """Replace a stored file's content (a signed PDF replaces the unsigned one), through the
    storage API; the old object is deleted once the transaction commits."""
    old_name, storage = dossier_file.file.name, dossier_file.file.storage
    dossier_file.file.save(dossier_file.original_name, ContentFile(data), save=False)
    dossier_file.size = len(data)
    dossier_file.sha256 = hashlib.sha256(data).hexdigest()
    dossier_file.save(update_fields=["file", "size", "sha256"])
    transaction.on_commit(lambda: storage.delete(old_name))
    return dossier_file_verify(dossier_file, data=data)


@transaction.atomic
def dossier_transition(*, dossier, actor, transition, note="", unit=None, expected_status=None, at=None,
                       **changes):
    """Apply one FSM transition with a row lock and write its event.

    `expected_status` is the status the actor saw: if the dossier moved on meanwhile the
    action is refused with ConcurrentChange instead of silently overwriting someone's work.
    """
    locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
    if expected_status is not None and locked.status != expected_status:
        raise ConcurrentChange
    from_status = locked.status
    method = getattr(locked, transition)
    try:
        method()
    except TransitionNotAllowed:
        raise ValidationError(
            _("Không thể thực hiện thao tác này khi hồ sơ đang ở trạng thái “%(status)s”.")
            % {"status": locked.get_status_display()},
            code="transition_not_allowed",
        ) from None
    for field, value in changes.items():
        setattr(locked, field, value)
    locked.save()
    record_event(dossier=locked, actor=actor, transition=transition, from_status=from_status, unit=unit, note=note,
                 at=at)
    return locked


def due_explanation(dossier):
    """The lines explaining the dossier's due date (DOMAIN §7: every due date explains itself)."""
    if not dossier.received_at:
        return []
    return workdays.explain_due(
        dossier.received_at,
        amount=processing_budget(dossier.procedure_version, dossier.channel),
        time_unit=dossier.procedure_version.time_unit,
        unit=dossier.receiving_unit,
    )



@transaction.atomic
def staged_upload_add(*, token, user, requirement, upload):
    """Keep a validated upload of an unfinished reception form (see StagedUpload): within the
    dossier quota for the form, the clerk's daily quota, scanned."""
    name = (upload.name or "tep")[-255:]
    quota_check(scope="dossier", files=StagedUpload.objects.filter(token=token, user=user),
                size=upload.size or 0, name=name)
    content_type, size, sha256, scan_verdict = inspect_upload(upload)
    daily_quota_take(user=user, size=size, name=name)
    staged = StagedUpload(
        token=token, user=user, requirement=requirement, original_name=name,
        content_type=content_type, size=size, sha256=sha256, scan_verdict=scan_verdict,
    )
    store_upload(staged.file, staged.original_name, upload)
    staged.save()
    return staged


def staged_uploads_discard(*, token, user, ids):
    for staged in StagedUpload.objects.filter(token=token, user=user, pk__in=ids):
        staged.file.delete(save=False)
        staged.delete()


def staged_uploads_purge(*, older_than):
    """Delete staged files of forms abandoned before `older_than`. Returns how many."""
    stale = StagedUpload.objects.filter(created_at__lt=older_than)
    count = 0
    for staged in stale.iterator():
        staged.file.delete(save=False)
        staged.delete()
        count += 1
    return count


def staged_uploads_attach(*, dossier, staged, actor):
    """Move staged scans onto the dossier's components of their requirement (the same stored
    file, no copy), deleting the staged rows. Inside the reception's transaction."""
    component_of = {c.requirement_id: c for c in dossier.components.all() if c.requirement_id}
    for item in staged:
        stored = DossierFile.objects.create(
            dossier=dossier, component=component_of.get(item.requirement_id), kind=DossierFile.Kind.COMPONENT,
            file=item.file.name, original_name=item.original_name, content_type=item.content_type, size=item.size,
            sha256=item.sha256, uploaded_by=actor, uploaded_at=item.created_at, scan_verdict=item.scan_verdict,
        )
        dossier_file_verify(stored)
        item.delete()


def staged_uploads_release(*, staged):
    """Forget staged scans no dossier needs (a slip was issued instead, or the form had been
    received already): the rows now, their files once the transaction commits."""
    for item in staged:
        name, storage = item.file.name, item.file.storage
        item.delete()
        transaction.on_commit(lambda name=name, storage=storage: storage.delete(name))


@transaction.atomic
def counter_slip_issue(*, clerk, unit, version, kind, applicant, missing_components, reason, dossier=None,
                       reception_token=None):
    """Form 02 (completion: every missing component listed once) or Form 03 (refusal). Called by
    the counter's reception services (workflow/reception/services.py), which check who may
    receive at `unit` (workflow.policies.may_receive) first."""
    if kind == CounterSlip.Kind.COMPLETION and not missing_components:
        raise ValidationError(_("Phiếu yêu cầu bổ sung phải liệt kê ít nhất một giấy tờ cần bổ sung."))
    if not reason.strip():
        raise ValidationError(_("Hãy ghi rõ lý do."))
    now = timezone.now()
    year_start = timezone.localtime(now).date().replace(month=1, day=1)
    number = _next_number(unit=unit, series=f"slip-{kind}", day=year_start)
    suffix = "PBS" if kind == CounterSlip.Kind.COMPLETION else "PTC"
    return CounterSlip.objects.create(
        kind=kind, number=f"{number}/{year_start:%Y}/{suffix}", unit=unit, clerk=clerk, procedure_version=version,
        dossier=dossier, missing_components=missing_components, reason=reason.strip(), created_at=now,
        reception_token=reception_token,
        **{k: v for k, v in applicant.items() if k in _SLIP_APPLICANT_FIELDS},
    )


_SLIP_APPLICANT_FIELDS = {"applicant_name", "applicant_personal_id", "applicant_address", "applicant_phone",
                          "applicant_email"}


def dossier_slip_issue(*, dossier, actor, kind, reason, missing_names=()):
    """Form 02 or 03 of a dossier that exists: the counter's check of an online dossier
    (completion, refusal) or a supplement asked by the processing unit during processing.
    Issued in the name of the receiving counter, which hands it over (Decree 61/2018
    art. 15–16); `actor` (clerk or officer) is the person the applicant may call. The
    quantities of each missing paper are the procedure's checklist's when the name is on it.
    Callers (workflow/routing/services.py) have checked the actor's right to act."""
    required = {c.name: c for c in dossier.procedure_version.components.all()}
    missing = []
    for name in missing_names:
        requirement = required.get(name)
        missing.append({
            "name": name,
            "originals": requirement.originals if requirement else "",
            "certified_copies": requirement.certified_copies if requirement else "",
            "photocopies": requirement.photocopies if requirement else "",
        })
    applicant = {name: getattr(dossier, name) or "" for name in _SLIP_APPLICANT_FIELDS}
    return counter_slip_issue(clerk=actor, unit=dossier.receiving_unit, version=dossier.procedure_version,
                              kind=kind, applicant=applicant, missing_components=missing, reason=reason,
                              dossier=dossier)


@transaction.atomic
def dossier_submit_online(*, citizen, unit, version, applicant, components, files=(), delivery, submitted_at=None,
                          actor=None, requested_fees=()):
    """A citizen submits an online dossier (levels 3/4): it enters the state machine as
    "Mới đăng ký" (national status 1), flagged priority, and waits for the counter's check.
    The code is issued now, so the citizen can track it at once.

    `files`: (component index or None, file object) pairs — fresh uploads or stored files
    reused from the citizen's document wallet; each is checked by content again. A connected
    system (the integration API, the national-portal pull) submits with its own account as
    `actor` and no `citizen`."""
    if version.status != ProcedureVersion.Status.PUBLISHED or not version.accepts_online:
        raise ValidationError(_("Thủ tục này không nhận hồ sơ trực tuyến."))
    receiving = list(version.receiving_units.all())
    if receiving and unit not in receiving:
        raise ValidationError(_("Đơn vị đã chọn không tiếp nhận thủ tục này."))
    return dossier_create(version=version, unit=unit, channel=Channel.ONLINE, status=Status.SUBMITTED,
                          applicant=applicant, actor=actor or citizen, at=submitted_at, components=components,
                          files=files, citizen=citizen, delivery=delivery, requested_fees=requested_fees)
