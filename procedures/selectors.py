"""Reads of the procedures app, already scoped to the requesting user."""

import datetime
import re

from django.db import connection
from django.db.models import Count, Exists, F, FloatField, Func, OuterRef, Prefetch, Q, Value
from django.db.models.functions import Lower
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from simple_history.models import DeletedObject
from simple_history.utils import get_m2m_reverse_field_name

from portal.models import Role, Unit
from portal.permissions import memberships_of, units_visible_to

from .models import (
    ComponentRequirement,
    Fee,
    LegalDocument,
    Procedure,
    ProcedureMethod,
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
        # A procedure implemented at several levels is found under each of them.
        qs = qs.filter(
            Q(authority_level=level)
            | Exists(ProcedureVersion.other_levels.through.objects.filter(procedureversion=OuterRef("pk"),
                                                                          unitlevel=level))
        )
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
        "other_levels",
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


HISTORY_IGNORED_FIELDS = {"updated_at"}


def version_history(*, version, limit=300):
    """Every recorded change of a version and of its rows, newest first:
    dicts of when, who, what kind of row, which row, action and changed fields.

    A constant number of queries however long the history: previous records, many-to-many
    snapshots and related objects are read in bulk, not once per record."""
    actions = {"+": _("Tạo"), "~": _("Sửa"), "-": _("Xóa")}
    sources = [(ProcedureVersion, ProcedureVersion.history.filter(id=version.pk))]
    for model in (ComponentRequirement, RouteStep, ProcedureMethod, Fee):
        sources.append((model, model.history.filter(version_id=version.pk)))
    entries = []
    for model, qs in sources:
        records = list(qs.select_related("history_user").order_by("-history_date", "-history_id")[:limit])
        previous = _previous_records(model, records, complete=len(records) < limit)
        pairs = [(previous[r.history_id], r) for r in records
                 if r.history_type == "~" and previous.get(r.history_id) is not None]
        changes_of = _history_changes(model, pairs)
        for record in records:
            changes = []
            if record.history_type == "~":
                changes = changes_of.get(record.history_id)
                if not changes:
                    continue
            entries.append({
                "when": record.history_date, "who": record.history_user, "kind": capfirst(model._meta.verbose_name),
                "object": _history_object(record, version), "action": actions[record.history_type],
                "changes": changes,
            })
    entries.sort(key=lambda e: e["when"], reverse=True)
    return entries[:limit]


def _history_object(record, version):
    instance = record.instance
    if isinstance(instance, ProcedureVersion) and instance.procedure_id == version.procedure_id:
        instance.procedure = version.procedure  # its __str__ reads the procedure, already loaded
    return str(instance)


def _previous_records(model, records, *, complete):
    """{history_id: the object's record just before it, or None}. `records` are the newest
    first; when `complete` they hold the whole history, else the records older than the
    window are looked up, in one query on PostgreSQL."""
    previous, oldest = {}, {}
    for record in records:  # newest first: each record is the previous one of the last seen
        newer = oldest.get(record.id)
        if newer is not None:
            previous[newer.history_id] = record
        oldest[record.id] = record
    edge = {r.id: r for r in oldest.values() if r.history_type == "~"}
    if complete or not edge:
        return previous
    window = [r.history_id for r in records]
    older = model.history.filter(id__in=list(edge)).exclude(history_id__in=window)
    if connection.features.can_distinct_on_fields:
        found = older.order_by("id", "-history_date", "-history_id").distinct("id")
    else:
        found = [older.filter(id=pk).order_by("-history_date", "-history_id").first() for pk in edge]
    for record in found:
        if record is not None:
            previous[edge[record.id].history_id] = record
    return previous


def _history_changes(model, pairs):
    """{history_id: [(field label, old, new)]} of each (previous, record) pair, the same
    fields simple-history's diff_against(foreign_keys_are_objs=True) compares."""
    if not pairs:
        return {}
    history_model = model.history.model
    m2m_fields = list(history_model._history_m2m_fields)
    m2m_names = {f.name for f in m2m_fields}
    fields = [f for f in pairs[0][1].tracked_fields
              if f.editable and f.name not in m2m_names and f.name not in HISTORY_IGNORED_FIELDS]
    record_ids = {r.history_id for pair in pairs for r in pair}
    wanted = {}  # related model -> ids to fetch

    snapshots = {}  # m2m name -> {history_id: sorted target ids}
    for m2m in m2m_fields:
        through = getattr(history_model, m2m.name).model
        target = f"{get_m2m_reverse_field_name(m2m)}_id"
        rows = {}
        for history_id, target_id in (through._default_manager.filter(history_id__in=record_ids)
                                      .values_list("history_id", target)):
            rows.setdefault(history_id, []).append(target_id)
        snapshots[m2m.name] = {k: sorted(v) for k, v in rows.items()}

    raw = {}
    for old, new in pairs:
        found = []
        for field in fields:
            before, after = field.value_from_object(old), field.value_from_object(new)
            if before != after:
                found.append((field, before, after))
                if field.is_relation:
                    wanted.setdefault(field.related_model, set()).update(v for v in (before, after) if v is not None)
        for m2m in m2m_fields:
            before = snapshots[m2m.name].get(old.history_id, [])
            after = snapshots[m2m.name].get(new.history_id, [])
            if before != after:
                found.append((m2m, before, after))
                wanted.setdefault(m2m.related_model, set()).update(before + after)
        raw[new.history_id] = found
    objects = {related: related._base_manager.in_bulk(ids) for related, ids in wanted.items()}

    def resolve(field, value):
        if value is None or not field.is_relation:
            return value
        return objects[field.related_model].get(value) or DeletedObject(field.related_model, value)

    result = {}
    for history_id, found in raw.items():
        changes = []
        for field, before, after in sorted(found, key=lambda item: item[0].name):
            model_field = model._meta.get_field(field.name)
            if field.many_to_many:
                old_value = "; ".join(str(resolve(field, pk)) for pk in before)
                new_value = "; ".join(str(resolve(field, pk)) for pk in after)
            else:
                old_value = _history_value(model_field, resolve(field, before))
                new_value = _history_value(model_field, resolve(field, after))
            changes.append((capfirst(str(model_field.verbose_name)), old_value, new_value))
        result[history_id] = changes
    return result


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
