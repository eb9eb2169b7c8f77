"""Writing validated rows: new procedures, new published versions (superseding the old ones)
with their units, legal bases, components, route, fees and methods, in bulk."""

import datetime

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from portal.models import Role
from portal.permissions import memberships_of
from procedures.catalogue_cache import catalogue_changed
from procedures.importing.schema import PROGRESS_EVERY
from procedures.models import (
    ComponentRequirement,
    Fee,
    Field,
    LegalDocument,
    Procedure,
    ProcedureMethod,
    ProcedureVersion,
    RouteStep,
)
from procedures.text import search_key


def apply_rows(*, rows, ctx, user, on_progress=None):
    """Write every create/update row in the caller's transaction. Returns the counts."""
    today = timezone.localdate()
    for code, name in ctx.new_fields.items():
        ctx.fields[code], _created = Field.objects.get_or_create(code=code, defaults={"name": name})
    if ctx.new_documents:
        bulk_create_with_history([LegalDocument(**d) for d in ctx.new_documents.values()], LegalDocument,
                                 default_user=user)
        ctx.documents.update({d.number: d for d in LegalDocument.objects.filter(number__in=list(ctx.new_documents))})
    managing_unit = _default_managing_unit(user)
    todo = [r for r in rows if r.action in {"create", "update"}]
    counts = {"create": 0, "update": 0, "unchanged": sum(1 for r in rows if r.action == "unchanged"),
              "documents_created": len(ctx.new_documents)}
    for start in range(0, len(todo), PROGRESS_EVERY):
        chunk = todo[start:start + PROGRESS_EVERY]
        _apply_chunk(chunk, ctx, user, managing_unit, today)
        for row in chunk:
            counts[row.action] += 1
        if on_progress:
            on_progress(start + len(chunk), len(todo))
    return counts


def _default_managing_unit(user):
    if user.is_superuser:
        return None
    editor_units = [m.unit for m in memberships_of(user) if m.role == Role.EDITOR]
    if any(u.parent_id is None for u in editor_units):
        return None
    return editor_units[0] if editor_units else None


def _apply_chunk(rows, ctx, user, managing_unit, today):
    new = [
        Procedure(national_code=r.code, field=ctx.fields[r.procedure["field_code"]], name=r.version["name"],
                  search_text=search_key(f"{r.version['name']} {r.code}"), managing_unit=managing_unit)
        for r in rows if r.action == "create"
    ]
    Procedure.objects.bulk_create(new)
    procedures = {p.national_code: p for p in Procedure.objects.filter(national_code__in=[r.code for r in rows])}
    numbers = dict(
        ProcedureVersion.objects.filter(procedure__in=procedures.values())
        .values("procedure_id").annotate(n=Max("number")).values_list("procedure_id", "n")
    )
    # Versions being superseded end the day before the new one starts (and are retired if
    # that day has passed); dossiers keep pointing at them.
    superseded = []
    for row in rows:
        if row.action != "update":
            continue
        for old in ProcedureVersion.objects.filter(procedure=procedures[row.code], status="published"):
            end = max(row.version["effective_from"] - datetime.timedelta(days=1), old.effective_from)
            if old.effective_to is None or old.effective_to > end:
                old.effective_to = end
            if old.effective_to < today:
                old.status = ProcedureVersion.Status.RETIRED
            superseded.append(old)
    if superseded:
        bulk_update_with_history(superseded, ProcedureVersion, ["effective_to", "status"], default_user=user)
    now = timezone.now()
    versions = []
    for row in rows:
        procedure = procedures[row.code]
        if row.draft:  # a line of a national list: a draft for the editors to complete
            versions.append(ProcedureVersion(procedure=procedure, number=numbers.get(procedure.pk, 0) + 1,
                                             status=ProcedureVersion.Status.DRAFT, created_by=user, **row.version))
            continue
        versions.append(ProcedureVersion(
            procedure=procedure, number=numbers.get(procedure.pk, 0) + 1, status=ProcedureVersion.Status.PUBLISHED,
            created_by=user, published_by=user, published_at=now,
            change_note=_("Nhập từ tệp"), **row.version,
        ))
    versions = bulk_create_with_history(versions, ProcedureVersion, default_user=user)
    if any(v.pk is None for v in versions):  # backends that return no ids
        lookup = {
            (v.procedure_id, v.number): v.pk
            for v in ProcedureVersion.objects.filter(procedure__in=procedures.values())
        }
        for v in versions:
            v.pk = v.id = lookup[(v.procedure_id, v.number)]
    through = {name: getattr(ProcedureVersion, name).through for name in
               ("receiving_units", "implementing_units", "legal_documents", "other_levels")}
    links = {name: [] for name in through}
    # Form templates are files, not part of the format: an update keeps those of the
    # components it still lists (matched by name).
    templates = {}
    for component in ComponentRequirement.objects.filter(
        version__procedure__in=[procedures[r.code] for r in rows if r.action == "update"],
        version__status__in=["published", "retired"],
    ).exclude(form_template="").order_by("version__number"):
        templates[(component.version.procedure_id, component.name)] = component.form_template.name
    steps, components, fees, methods = [], [], [], []
    for row, version in zip(rows, versions, strict=True):
        for code in row.m2m["receiving_units"]:
            links["receiving_units"].append(through["receiving_units"](procedureversion=version,
                                                                       unit=ctx.units[code]))
        for code in row.m2m["implementing_units"]:
            links["implementing_units"].append(through["implementing_units"](procedureversion=version,
                                                                             unit=ctx.units[code]))
        for level in row.m2m["other_levels"]:
            links["other_levels"].append(through["other_levels"](procedureversion=version, unitlevel=level))
        for number in row.m2m["legal_documents"]:
            links["legal_documents"].append(through["legal_documents"](procedureversion=version,
                                                                       legaldocument=ctx.documents[number]))
        steps += [RouteStep(version=version, **s) for s in row.steps]
        components += [
            ComponentRequirement(version=version, form_template=templates.get((version.procedure_id, c["name"]), ""),
                                 **c)
            for c in row.components
        ]
        fees += [Fee(version=version, **f) for f in row.fees]
        methods += [ProcedureMethod(version=version, **m) for m in row.methods]
    for name, objs in links.items():
        through[name].objects.bulk_create(objs)
    for model, objs in ((RouteStep, steps), (ComponentRequirement, components), (Fee, fees),
                        (ProcedureMethod, methods)):
        if objs:
            bulk_create_with_history(objs, model, default_user=user)
    # The listing name follows the version in force; the field belongs to the procedure, so a
    # changed field code applies at once (it is part of the compared columns).
    renamed = {}
    for row in rows:
        procedure = procedures[row.code]
        field = ctx.fields[row.procedure["field_code"]]
        if procedure.field_id != field.pk:
            procedure.field = field
            renamed[procedure.pk] = procedure
        if not row.draft and row.version["effective_from"] <= today and procedure.name != row.version["name"]:
            procedure.name = row.version["name"]
            procedure.search_text = search_key(f"{procedure.name} {procedure.national_code}")
            renamed[procedure.pk] = procedure
    if renamed:
        Procedure.objects.bulk_update(list(renamed.values()), ["name", "search_text", "field"])
    catalogue_changed()  # bulk writes send no signals
