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

from .models import Channel, Dossier, DossierComponent, DossierEvent, DossierFile, DossierSequence, Status
from .uploads import inspect_upload


class ConcurrentChange(Exception):
    """Someone else changed the dossier between the page load and this action."""


def next_dossier_code(*, unit, day):
    """`<unit identifier>-<YYMMDD>-<NNNN>` (DOMAIN §4). Must run inside the reception's
    transaction: the sequence row stays locked until it commits, so concurrent receptions
    queue up, and a rolled-back reception gives its number back (no gaps)."""
    assert transaction.get_connection().in_atomic_block, "call inside transaction.atomic()"
    try:
        with transaction.atomic():
            DossierSequence.objects.get_or_create(unit=unit, day=day)
    except IntegrityError:
        pass  # another reception created today's row first; lock it below
    sequence = DossierSequence.objects.select_for_update().get(unit=unit, day=day)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"{unit.code}-{day:%y%m%d}-{sequence.last:04d}"


def record_event(*, dossier, actor, transition, from_status, unit=None, note="", at=None):
    return DossierEvent.objects.create(
        dossier=dossier,
        actor=actor,
        unit=unit or dossier.current_unit,
        transition=transition,
        from_status=from_status or "",
        to_status=dossier.status,
        note=note,
        at=at or timezone.now(),
    )


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
def dossier_transition(*, dossier, actor, transition, note="", unit=None, expected_status=None, **changes):
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
    record_event(dossier=locked, actor=actor, transition=transition, from_status=from_status, unit=unit, note=note)
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

