"""Writes of the procedures app: one business action per function, each in one transaction.

The edit history (who, when, what) is written by django-simple-history on every save of a
version and of its rows; services set `_history_user` so that it is right outside requests
too (imports run in Celery).
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from .catalogue_cache import catalogue_changed
from .eforms.schema import definition_errors
from .models import (
    ComponentRequirement,
    Fee,
    Field,
    LegalDocument,
    Procedure,
    ProcedureMethod,
    ProcedureVersion,
    RouteStep,
)

SAME_DAY_HOURS = Decimal("8")
VERSION_COPY_EXCLUDE = {
    "id", "procedure", "number", "status", "effective_from", "effective_to", "created_at", "updated_at",
    "created_by", "published_at", "published_by", "change_note",
}


def _save(obj, user, **kwargs):
    obj._history_user = user
    obj.save(**kwargs)
    return obj


@transaction.atomic
def procedure_create(*, user, national_code, field, managing_unit=None, version_fields, m2m=None) -> ProcedureVersion:
    """A new procedure with its first (draft) version."""
    procedure = Procedure(
        national_code=national_code.strip(), field=field, name=version_fields["name"], managing_unit=managing_unit
    )
    procedure.full_clean()
    procedure.save()
    version = ProcedureVersion(procedure=procedure, number=1, created_by=user, **version_fields)
    _save(version, user)
    _set_m2m(version, m2m)
    return version


def _set_m2m(version, m2m):
    for name, values in (m2m or {}).items():
        getattr(version, name).set(values)


@transaction.atomic
def procedure_version_update(*, version, user, fields, m2m=None, formsets=()) -> ProcedureVersion:
    """Edit a draft with its child rows (valid formsets of components, steps, methods, fees)
    in one transaction. Published versions are never edited: duplicate them as a new version."""
    version = ProcedureVersion.objects.select_for_update().get(pk=version.pk)
    _draft(version)
    for name, value in fields.items():
        setattr(version, name, value)
    _save(version, user)
    _set_m2m(version, m2m)
    for formset in formsets:
        saved = formset.save(commit=False)  # also fills formset.deleted_objects
        for obj in formset.deleted_objects:
            obj._history_user = user
            obj.delete()
        next_order = max((getattr(obj, "order", 0) or 0 for obj in formset.get_queryset()), default=0)
        for obj in saved:
            obj.version = version
            if hasattr(obj, "order") and not obj.order:
                # A row added without a number goes to the end.
                next_order += 1
                obj.order = next_order
            _save(obj, user)
    if not version.procedure.versions.exclude(pk=version.pk).filter(status="published").exists():
        # Never published yet: the listing name follows the draft.
        procedure = version.procedure
        procedure.name = version.name
        procedure.save(update_fields=["name", "updated_at"])
    return version


@transaction.atomic
def procedure_version_duplicate(*, version, user) -> ProcedureVersion:
    """Copy a version (with its methods, fees, components, route and legal basis) into a new
    draft with the next number. One draft per procedure: an existing draft is returned."""
    procedure = Procedure.objects.select_for_update().get(pk=version.procedure_id)
    existing = procedure.versions.filter(status=ProcedureVersion.Status.DRAFT).first()
    if existing:
        return existing
    number = (procedure.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    copy = ProcedureVersion(
        procedure=procedure,
        number=number,
        status=ProcedureVersion.Status.DRAFT,
        created_by=user,
        change_note=_("Sao chép từ phiên bản %(number)s") % {"number": version.number},
        **{
            f.attname: getattr(version, f.attname)
            for f in ProcedureVersion._meta.concrete_fields
            if f.name not in VERSION_COPY_EXCLUDE
        },
    )
    _save(copy, user)
    for name in ("implementing_units", "receiving_units", "legal_documents", "other_levels"):
        getattr(copy, name).set(getattr(version, name).all())
    for model in (ProcedureMethod, Fee, ComponentRequirement, RouteStep):
        for row in model.objects.filter(version=version):
            row.pk = None
            row.version = copy
            _save(row, user)
    return copy


def publish_problems(version):
    """Why `version` cannot be published (empty list when it can)."""
    problems = []
    if not version.effective_from:
        problems.append(_("Chưa nhập ngày có hiệu lực."))
    if not version.authority_level_id:
        problems.append(_("Chưa chọn cấp thực hiện."))
    if not version.components.exists():
        problems.append(_("Thủ tục phải có ít nhất một thành phần hồ sơ."))
    if not version.legal_documents.exists():
        problems.append(_("Thủ tục phải có ít nhất một căn cứ pháp lý."))
    steps = list(version.steps.all())
    if not steps:
        problems.append(_("Chưa có quy trình giải quyết (các bước và thời gian)."))
    else:
        total = sum((s.budget for s in steps), Decimal("0"))
        if total != version.processing_time:
            problems.append(
                _("Tổng thời gian các bước (%(total)s) khác thời hạn giải quyết (%(time)s).")
                % {"total": _fmt(total), "time": _fmt(version.processing_time)}
            )
    # Same-day procedures count their budgets in working hours of one day.
    if version.time_unit == ProcedureVersion.TimeUnit.SAME_DAY and version.processing_time > SAME_DAY_HOURS:
        problems.append(_("Thủ tục giải quyết trong ngày: tổng thời gian không quá 8 giờ làm việc."))
    if not version.receiving_units.exists():
        problems.append(_("Chưa chọn nơi tiếp nhận hồ sơ."))
    for component in version.components.exclude(eform={}):
        # An invalid electronic declaration cannot be published (docs/eforms.md).
        for error in definition_errors(component.eform):
            problems.append(_("Tờ khai điện tử của “%(name)s”: %(error)s") % {"name": component.name, "error": error})
    if version.effective_from:
        later = version.procedure.versions.filter(
            status=ProcedureVersion.Status.PUBLISHED, effective_from__gte=version.effective_from
        ).exclude(pk=version.pk)
        if later.exists():
            problems.append(_("Đã có phiên bản công bố hiệu lực từ cùng ngày hoặc sau ngày này."))
    return problems


def _fmt(value):
    return f"{value.normalize():f}" if isinstance(value, Decimal) else str(value)


@transaction.atomic
def procedure_version_publish(*, version, user) -> ProcedureVersion:
    """Publish a draft. The version in force until then ends the day before the new one
    starts (it is retired at that date); dossiers keep pointing at the version they were
    received under."""
    procedure = Procedure.objects.select_for_update().get(pk=version.procedure_id)
    version = ProcedureVersion.objects.select_for_update().get(pk=version.pk)
    if not version.is_draft:
        raise ValidationError(_("Phiên bản này không còn là bản nháp."))
    problems = publish_problems(version)
    if problems:
        raise ValidationError(problems)
    today = timezone.localdate()
    previous = procedure.versions.filter(status=ProcedureVersion.Status.PUBLISHED).exclude(pk=version.pk)
    for old in previous.select_for_update():
        if old.effective_to is None or old.effective_to >= version.effective_from:
            old.effective_to = version.effective_from - datetime.timedelta(days=1)
            if old.effective_to < old.effective_from:
                old.effective_to = old.effective_from
        if old.effective_to < today:
            old.status = ProcedureVersion.Status.RETIRED
        _save(old, user)
    version.status = ProcedureVersion.Status.PUBLISHED
    version.published_at = timezone.now()
    version.published_by = user
    _save(version, user)
    if version.effective_from <= today:
        procedure.name = version.name
        procedure.save(update_fields=["name", "search_text", "updated_at"])
    return version


@transaction.atomic
def procedure_version_retire(*, version, user, on=None) -> ProcedureVersion:
    """Abolish (bãi bỏ) a published version: no longer in force after `on` (default today)."""
    version = ProcedureVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != ProcedureVersion.Status.PUBLISHED:
        raise ValidationError(_("Chỉ bãi bỏ được phiên bản đã công bố."))
    on = on or timezone.localdate()
    last_day = max(on - datetime.timedelta(days=1), version.effective_from)
    version.effective_to = min(version.effective_to or last_day, last_day)
    # In force until effective_to (ProcedureVersion.objects.in_force reads the dates).
    version.status = ProcedureVersion.Status.RETIRED
    _save(version, user)
    return version


def procedure_versions_retire_superseded(*, on=None) -> int:
    """Daily (idempotent): mark published versions whose validity has ended as retired, and
    let each procedure's listing name follow the version now in force (a version published
    with a later start date takes over on that date)."""
    on = on or timezone.localdate()
    retired = ProcedureVersion.objects.filter(
        status=ProcedureVersion.Status.PUBLISHED, effective_to__lt=on
    ).update(status=ProcedureVersion.Status.RETIRED)
    for version in ProcedureVersion.objects.in_force(on).exclude(name=F("procedure__name")).select_related(
        "procedure"
    ):
        procedure = version.procedure
        procedure.name = version.name
        procedure.save(update_fields=["name", "search_text", "updated_at"])
    if retired:
        catalogue_changed()  # the update() above sends no signal
    return retired


def _draft(version):
    if not version.is_draft:
        raise ValidationError(_("Chỉ sửa được bản nháp. Hãy tạo phiên bản mới từ phiên bản đã công bố."))



@transaction.atomic
def legal_document_save(*, user, document=None, fields) -> LegalDocument:
    """Create or edit a legal document (căn cứ pháp lý); the change is kept in its history."""
    document = document or LegalDocument()
    for name, value in fields.items():
        setattr(document, name, value)
    document.full_clean()
    return _save(document, user)


@transaction.atomic
def field_save(*, field=None, code, name) -> Field:
    """Create or rename a field (lĩnh vực)."""
    field = field or Field()
    field.code, field.name = code, name
    field.full_clean()
    field.save()
    return field


@transaction.atomic
def component_eform_save(*, component, user, definition) -> ComponentRequirement:
    """Attach (or replace, or with {} remove) the electronic declaration of a component of a
    draft version. An invalid definition is kept so the editor loses nothing, but the version
    cannot be published until it is fixed (publish_problems)."""
    component = ComponentRequirement.objects.select_for_update().select_related("version").get(pk=component.pk)
    _draft(component.version)
    if not isinstance(definition, dict):
        raise ValidationError(_("Định nghĩa tờ khai phải là một đối tượng JSON."))
    component.eform = definition
    return _save(component, user)
