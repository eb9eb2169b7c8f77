"""Writes of the dossiers app: one business action per function, each in one transaction,
each transition writing its DossierEvent row in the same transaction."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import TransitionNotAllowed

from portal import workdays
from portal.models import Role
from portal.permissions import has_role
from procedures.models import ProcedureMethod, ProcedureVersion

from .models import (
    Channel,
    CounterSlip,
    Dossier,
    DossierComponent,
    DossierEvent,
    DossierFile,
    DossierSequence,
    Outcome,
    StagedUpload,
    Status,
)
from .signals import dossier_event_recorded, dossier_received
from .uploads import inspect_upload


class ConcurrentChange(Exception):
    """Someone else changed the dossier between the page load and this action."""


def next_dossier_code(*, unit, day):
    """`<unit identifier>-<YYMMDD>-<NNNN>` (DOMAIN §4). Must run inside the reception's
    transaction: the sequence row stays locked until it commits, so concurrent receptions
    queue up, and a rolled-back reception gives its number back (no gaps)."""
    assert transaction.get_connection().in_atomic_block, "call inside transaction.atomic()"
    return f"{unit.code}-{day:%y%m%d}-{_next_number(unit=unit, series='dossier', day=day):04d}"


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


@transaction.atomic
def dossier_receive_at_counter(
    *, clerk, unit, version, applicant, components, files=(), delivery, sets_count=1, note="",
    received_at=None, is_priority=False,
):
    """A complete walk-in dossier is received (Decree 61/2018 art. 15; Form 01).

    `applicant`: dict of Dossier.applicant_* / organisation / representative fields.
    `components`: list of dicts {requirement, name, originals, certified_copies, photocopies}.
    `files`: list of (component index or None, UploadedFile), already validated by the form.
    """
    if not has_role(clerk, Role.CLERK, unit=unit):
        raise PermissionDenied
    if version.status != ProcedureVersion.Status.PUBLISHED:
        raise ValidationError(_("Thủ tục này chưa được công bố hoặc đã hết hiệu lực."))
    receiving = list(version.receiving_units.all())
    if receiving and unit not in receiving:
        raise ValidationError(_("Đơn vị của bạn không tiếp nhận thủ tục này."))
    received_at = received_at or timezone.now()
    due = compute_due(version=version, received_at=received_at, unit=unit)
    dossier = Dossier(
        code=next_dossier_code(unit=unit, day=timezone.localtime(received_at).date()),
        procedure=version.procedure,
        procedure_version=version,
        receiving_unit=unit,
        current_unit=unit,
        channel=Channel.COUNTER,
        delivery=delivery,
        sets_count=sets_count,
        status=Status.RECEIVED,
        submitted_at=received_at,
        received_at=received_at,
        received_by=clerk,
        due_at=due.due_at,
        note=note,
        is_priority=is_priority,
        **applicant,
    )
    dossier.full_clean(exclude=["code", "lookup_pin", "status"])  # protected FSM field: set once above
    dossier.save()
    saved_components = [
        DossierComponent.objects.create(dossier=dossier, order=index, **component)
        for index, component in enumerate(components)
    ]
    for component_index, upload in files:
        dossier_file_add(
            dossier=dossier, upload=upload, actor=clerk,
            component=saved_components[component_index] if component_index is not None else None,
        )
    record_event(dossier=dossier, actor=clerk, transition="receive", from_status="", unit=unit,
                 note=_("Tiếp nhận tại bộ phận một cửa"), at=received_at)
    dossier_received.send(sender=Dossier, dossier=dossier, actor=clerk)
    return dossier


def dossier_file_add(*, dossier, upload, actor, component=None, kind=DossierFile.Kind.COMPONENT):
    content_type, size, sha256 = inspect_upload(upload)
    original_name = (getattr(upload, "name", "") or "tep")[-255:]
    dossier_file = DossierFile(
        dossier=dossier, component=component, kind=kind, original_name=original_name,
        content_type=content_type, size=size, sha256=sha256, uploaded_by=actor,
    )
    dossier_file.file.save(original_name, upload, save=False)
    dossier_file.save()
    return dossier_file


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



def staged_upload_add(*, token, user, requirement, upload):
    """Keep a validated upload of an unfinished reception form (see StagedUpload)."""
    content_type, size, sha256 = inspect_upload(upload)
    staged = StagedUpload(
        token=token, user=user, requirement=requirement, original_name=(upload.name or "tep")[-255:],
        content_type=content_type, size=size, sha256=sha256,
    )
    staged.file.save(staged.original_name, upload, save=False)
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


def _attach_staged(*, dossier, staged_by_requirement, components, actor):
    """Move staged files onto the dossier's components (same stored file, no copy)."""
    for component in components:
        for staged in staged_by_requirement.get(component.requirement_id, []):
            DossierFile.objects.create(
                dossier=dossier, component=component, kind=DossierFile.Kind.COMPONENT, file=staged.file.name,
                original_name=staged.original_name, content_type=staged.content_type, size=staged.size,
                sha256=staged.sha256, uploaded_by=actor, uploaded_at=staged.created_at,
            )
            staged.delete()


@transaction.atomic
def dossier_receive_with_staged_files(*, clerk, unit, version, applicant, components, token, **kwargs):
    """Receive a dossier whose scans were staged while the clerk filled the form."""
    dossier = dossier_receive_at_counter(clerk=clerk, unit=unit, version=version, applicant=applicant,
                                         components=components, **kwargs)
    staged = {}
    for item in StagedUpload.objects.select_for_update().filter(token=token, user=clerk):
        staged.setdefault(item.requirement_id, []).append(item)
    _attach_staged(dossier=dossier, staged_by_requirement=staged, components=dossier.components.all(), actor=clerk)
    return dossier


@transaction.atomic
def counter_slip_issue(*, clerk, unit, version, kind, applicant, missing_components, reason, dossier=None):
    """Form 02 (completion: every missing component listed once) or Form 03 (refusal)."""
    if not has_role(clerk, Role.CLERK, unit=unit):
        raise PermissionDenied
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
        **{k: v for k, v in applicant.items() if k in _SLIP_APPLICANT_FIELDS},
    )


_SLIP_APPLICANT_FIELDS = {"applicant_name", "applicant_personal_id", "applicant_address", "applicant_phone",
                          "applicant_email"}


@transaction.atomic
def dossier_settle_on_spot(*, dossier, clerk, note=""):
    """Procedures settled at the counter while the applicant waits (DOMAIN §6): the dossier
    is recorded, processed, approved and returned at once, each step an event."""
    if not has_role(clerk, Role.CLERK, unit=dossier.receiving_unit):
        raise PermissionDenied
    now = timezone.now()
    for step, changes in (("start_processing", {}),
                          ("finish", {"outcome": Outcome.APPROVED, "finished_at": now}),
                          ("return_result", {"returned_at": now})):
        dossier = dossier_transition(dossier=dossier, actor=clerk, transition=step, at=now,
                                     note=_("Giải quyết ngay tại bộ phận một cửa") if step == "finish" else note,
                                     **changes)
    return dossier


@transaction.atomic
def dossier_submit_online(*, citizen, unit, version, applicant, components, files=(), delivery, submitted_at=None):
    """A citizen submits an online dossier (levels 3/4): it enters the state machine as
    "Mới đăng ký" (national status 1), flagged priority, and waits for the counter's check.
    The code is issued now, so the citizen can track it at once.

    `files`: (component index or None, file object) pairs — fresh uploads or stored files
    reused from the citizen's document wallet; each is checked by content again."""
    if version.status != ProcedureVersion.Status.PUBLISHED or not version.accepts_online:
        raise ValidationError(_("Thủ tục này không nhận hồ sơ trực tuyến."))
    receiving = list(version.receiving_units.all())
    if receiving and unit not in receiving:
        raise ValidationError(_("Đơn vị đã chọn không tiếp nhận thủ tục này."))
    submitted_at = submitted_at or timezone.now()
    dossier = Dossier(
        code=next_dossier_code(unit=unit, day=timezone.localtime(submitted_at).date()),
        procedure=version.procedure, procedure_version=version, receiving_unit=unit, current_unit=unit,
        channel=Channel.ONLINE, delivery=delivery, status=Status.SUBMITTED, submitted_at=submitted_at,
        citizen=citizen, is_priority=True, **applicant,
    )
    dossier.full_clean(exclude=["code", "lookup_pin", "status"])
    dossier.save()
    saved = [DossierComponent.objects.create(dossier=dossier, order=i, **c) for i, c in enumerate(components)]
    for index, upload in files:
        dossier_file_add(dossier=dossier, upload=upload, actor=citizen,
                         component=saved[index] if index is not None else None)
    record_event(dossier=dossier, actor=citizen, transition="submit", from_status="", unit=unit,
                 note=_("Nộp hồ sơ trực tuyến"), at=submitted_at)
    return dossier
