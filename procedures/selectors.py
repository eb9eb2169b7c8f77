"""Reads of the procedures app, already scoped to the requesting user."""

import datetime
import re

from django.db import connection
from django.db.models import Exists, F, FloatField, Func, OuterRef, Prefetch, Q, Value
from django.db.models.functions import Lower
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from portal.models import Role, Unit
from portal.permissions import memberships_of, units_visible_to

from .models import (
    ComponentRequirement,
    LegalDocument,
    Procedure,
    ProcedureVersion,
    RouteStep,
)
from .text import nfc, query_words

CODE_QUERY_RE = re.compile(r"^\d{1,2}\.\d{3,6}$")


class Unaccent(Func):
    function = "portal_unaccent"


class Similarity(Func):
    function = "similarity"
    output_field = FloatField()


def _search_versions(qs, query, *, prefix="procedure__"):
    """AND of the query's words, accents and case ignored, in any order; best match first."""
    query = nfc(query).strip()
    if not query:
        return qs, False
    if CODE_QUERY_RE.match(query):
        return qs.filter(**{f"{prefix}national_code__startswith": query}), False
    words = query_words(query)
    if not words:
        return qs.none(), False
    if connection.vendor == "postgresql":
        qs = qs.annotate(_search=Lower(Unaccent(F(f"{prefix}name"))))
        for word in words:
            qs = qs.filter(_search__contains=word)
        qs = qs.annotate(_rank=Similarity(F("_search"), Value(" ".join(words))))
        return qs, True
    for word in words:
        qs = qs.filter(**{f"{prefix}search_text__contains": word})
    return qs, False


def public_versions(*, query="", field=None, level=None, unit=None, online_level=None, on=None):
    """Procedure versions in force today, for the public catalogue."""
    on = on or timezone.localdate()
    qs = ProcedureVersion.objects.in_force(on).select_related("procedure", "procedure__field", "authority_level")
    if field:
        qs = qs.filter(procedure__field=field)
    if level:
        qs = qs.filter(authority_level=level)
    if unit:
        qs = qs.filter(
            Exists(ProcedureVersion.receiving_units.through.objects.filter(procedureversion=OuterRef("pk"), unit=unit))
            | Exists(
                ProcedureVersion.implementing_units.through.objects.filter(procedureversion=OuterRef("pk"), unit=unit)
            )
        )
    if online_level:
        qs = qs.filter(online_level=online_level)
    qs, ranked = _search_versions(qs, query)
    if ranked:
        return qs.order_by("-_rank", "procedure__name")
    return qs.order_by("procedure__field__name", "procedure__name")


def public_procedure_detail(*, national_code, on=None):
    """(procedure, version in force) or 404, with everything the detail page shows."""
    procedure = get_object_or_404(Procedure.objects.select_related("field"), national_code=national_code)
    version = (
        ProcedureVersion.objects.in_force(on)
        .filter(procedure=procedure)
        .select_related("authority_level")
        .prefetch_related(*version_detail_prefetches())
        .first()
    )
    if version is None:
        raise Http404
    return procedure, version


def version_detail_prefetches():
    return [
        "methods",
        "fees",
        Prefetch("components", queryset=ComponentRequirement.objects.order_by("order", "pk")),
        Prefetch(
            "steps",
            queryset=RouteStep.objects.select_related("handler_level", "handler_unit").order_by("order", "pk"),
        ),
        Prefetch("legal_documents", queryset=LegalDocument.objects.select_related("replaced_by")),
        Prefetch("implementing_units", queryset=Unit.objects.only("pk", "name", "code")),
        Prefetch("receiving_units", queryset=Unit.objects.only("pk", "name", "code", "address", "phone")),
    ]


def public_component(*, pk):
    """A form template the public may download: a component of a version in force."""
    return get_object_or_404(
        ComponentRequirement.objects.select_related("version", "version__procedure").filter(
            version__in=ProcedureVersion.objects.in_force()
        ),
        pk=pk,
    )


# --- editors -------------------------------------------------------------------------------


def is_province_editor(user):
    return user.is_superuser or _is_province_editor(user)


def legal_documents_with_use(*, query=""):
    """Legal documents with how many versions in force rest on each."""
    from django.db.models import Count

    qs = LegalDocument.objects.select_related("replaced_by").annotate(
        versions_in_force=Count(
            "procedure_versions",
            filter=Q(procedure_versions__in=ProcedureVersion.objects.in_force().values("pk")),
            distinct=True,
        )
    )
    query = nfc(query).strip()
    if query:
        qs = qs.filter(Q(number__icontains=query) | Q(title__icontains=query))
    return qs.order_by("-issued_on", "number")


def _is_province_editor(user):
    return any(m.role == Role.EDITOR and m.unit.parent_id is None for m in memberships_of(user))


def procedures_managed_by(user):
    """Procedures the user may edit: those managed by a unit in the editor's subtree, and,
    for editors at a top-level unit (the province), those without a managing unit."""
    if not getattr(user, "is_authenticated", False):
        return Procedure.objects.none()
    if user.is_superuser:
        return Procedure.objects.all()
    units = units_visible_to(user, Role.EDITOR)
    condition = Q(managing_unit__in=units.values("pk"))
    if _is_province_editor(user):
        condition |= Q(managing_unit__isnull=True)
    return Procedure.objects.filter(condition)


def editor_units(user):
    if user.is_superuser:
        return Unit.objects.all()
    return units_visible_to(user, Role.EDITOR)


def editor_procedure_list(*, user, query="", field=None, status=None):
    """The editor's list: each managed procedure with its latest version and current one."""
    today = timezone.localdate()
    latest = ProcedureVersion.objects.filter(procedure=OuterRef("pk")).order_by("-number")
    in_force = ProcedureVersion.objects.in_force(today).filter(procedure=OuterRef("pk"))
    qs = procedures_managed_by(user).select_related("field", "managing_unit").annotate(
        latest_number=latest.values("number")[:1],
        latest_status=latest.values("status")[:1],
        current_number=in_force.values("number")[:1],
        has_draft=Exists(ProcedureVersion.objects.filter(procedure=OuterRef("pk"), status="draft")),
    )
    if field:
        qs = qs.filter(field=field)
    if status == "draft":
        qs = qs.filter(has_draft=True)
    elif status == "published":
        qs = qs.filter(Exists(in_force))
    elif status == "retired":
        qs = qs.exclude(Exists(in_force)).filter(latest_status="retired")
    query = nfc(query).strip()
    if query:
        if CODE_QUERY_RE.match(query):
            qs = qs.filter(national_code__startswith=query)
        else:
            for word in query_words(query):
                qs = qs.filter(search_text__contains=word)
    return qs.order_by("field__name", "name")


def managed_procedure_or_404(*, user, national_code):
    return get_object_or_404(procedures_managed_by(user).select_related("field"), national_code=national_code)


def managed_version_or_404(*, user, national_code, number):
    return get_object_or_404(
        ProcedureVersion.objects.select_related("procedure", "procedure__field", "authority_level").filter(
            procedure__in=procedures_managed_by(user)
        ),
        procedure__national_code=national_code,
        number=number,
    )


def legal_basis_report(*, user, on=None):
    """Published versions (in force or scheduled) of managed procedures that rest on an
    expired or replaced legal document, with the offending documents."""
    on = on or timezone.localdate()
    bad_docs = LegalDocument.objects.filter(Q(expired_on__lte=on) | Q(replaced_by__isnull=False))
    versions = (
        ProcedureVersion.objects.filter(
            status=ProcedureVersion.Status.PUBLISHED,
            procedure__in=procedures_managed_by(user),
            legal_documents__in=bad_docs,
        )
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on))
        .distinct()
        .select_related("procedure", "procedure__field")
        .prefetch_related(
            Prefetch("legal_documents", queryset=bad_docs.select_related("replaced_by"), to_attr="bad_documents")
        )
        .order_by("procedure__field__name", "procedure__name")
    )
    return versions


def version_history(*, version, limit=300):
    """Every recorded change of a version and of its rows, newest first:
    dicts of when, who, what kind of row, which row, action and changed fields."""
    from .models import ComponentRequirement, Fee, ProcedureMethod

    actions = {"+": _("Tạo"), "~": _("Sửa"), "-": _("Xóa")}
    sources = [ProcedureVersion.history.filter(id=version.pk)]
    for model in (ComponentRequirement, RouteStep, ProcedureMethod, Fee):
        sources.append(model.history.filter(version_id=version.pk))
    entries = []
    for qs in sources:
        for record in qs.select_related("history_user").order_by("-history_date")[:limit]:
            model = record.instance_type
            changes = []
            if record.history_type == "~":
                previous = record.prev_record
                if previous is None:
                    continue
                delta = record.diff_against(previous, excluded_fields=["updated_at"], foreign_keys_are_objs=True)
                for change in delta.changes:
                    model_field = model._meta.get_field(change.field)
                    changes.append((capfirst(str(model_field.verbose_name)), _history_value(model_field, change.old),
                                    _history_value(model_field, change.new)))
                if not changes:
                    continue
            entries.append({
                "when": record.history_date, "who": record.history_user, "kind": capfirst(model._meta.verbose_name),
                "object": str(record.instance), "action": actions[record.history_type], "changes": changes,
            })
    entries.sort(key=lambda e: e["when"], reverse=True)
    return entries[:limit]


def _history_value(model_field, value):
    """A readable value for the history page."""
    if value is None or value == "":
        return ""
    if isinstance(value, list):  # many-to-many: list of through-row dicts
        target = model_field.related_model
        items = [row.get(target._meta.model_name) for row in value if isinstance(row, dict)]
        return "; ".join(str(item) for item in items if item is not None)
    if isinstance(value, datetime.datetime):
        return date_format(timezone.localtime(value), "d/m/Y H:i")
    if isinstance(value, datetime.date):
        return date_format(value, "d/m/Y")
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    return str(value)
