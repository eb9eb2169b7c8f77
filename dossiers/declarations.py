"""Electronic declarations (tờ khai điện tử) of a dossier: the one constructor, used by the
online submission (citizens), the counter (workflow.reception) and later the API, and the
printed declaration (a PDF laid out like the official form, attached as the component's
document)."""

import hashlib

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.pdf import render_pdf
from procedures.eforms import validation
from procedures.eforms.schema import definition_errors

from .models import Declaration, DossierFile


def _rows(definition, data):
    """The printable lines: (section title, [(label, value) or (label, [group rows])])."""
    sections = []
    for section in validation.visible_sections(definition, data):
        lines = []
        for field in section["fields"]:
            if not validation.is_visible(field.get("show_if"), data):
                continue
            value = data.get(field["key"])
            if field["type"] == "group":
                subs = field["fields"]
                lines.append({"label": validation.text(field["label"], "vi"), "group": True,
                              "headers": [validation.text(s["label"], "vi") for s in subs],
                              "rows": [[validation.display_value(s, row.get(s["key"]), "vi") for s in subs]
                                       for row in value or []]})
            else:
                lines.append({"label": validation.text(field["label"], "vi"),
                              "value": validation.display_value(field, value, "vi")})
        sections.append({"title": validation.text(section["title"], "vi"), "lines": lines})
    return sections


def declaration_context(*, definition, data, unit=None, at=None, draft=False):
    at = timezone.localtime(at or timezone.now())
    place = ""
    if unit is not None:
        # "Làm tại": the commune or ward, not the name of its People's Committee.
        place = unit.name.removeprefix("Ủy ban nhân dân ").strip()
        place = place[:1].upper() + place[1:]
    return {"definition": definition, "title": validation.text(definition["title"], "vi"),
            "legal_basis": validation.text(definition.get("legal_basis"), "vi"),
            "recipient": unit.name if unit is not None else validation.text(definition.get("recipient"), "vi"),
            "commitment": validation.text(definition.get("commitment"), "vi"),
            "sections": _rows(definition, data), "at": at, "place": place, "draft": draft,
            "signatures": _signatures(definition, data)}


def _signatures(definition, data):
    """The signature blocks: [(title, name printed under it)]."""
    blocks = definition.get("signatures") or [{"title": definition.get("signature") or {"vi": _("Người khai")},
                                               "signer_field": definition.get("signer_field")}]
    return [{"title": validation.text(b["title"], "vi"), "name": data.get(b.get("signer_field") or "", "")}
            for b in blocks]


def declaration_pdf(*, definition, data, unit=None, at=None, draft=False):
    """The declaration as the official-looking PDF (always in Vietnamese, like every official form)."""
    with translation.override("vi"):
        return render_pdf("pdf/declaration.html",
                          declaration_context(definition=definition, data=data, unit=unit, at=at, draft=draft))


def declaration_check(*, definition, data, today=None):
    """Raise ValidationError({path: [messages]}) when the answers are incomplete or wrong."""
    problems = definition_errors(definition)
    if problems:
        raise ValidationError(problems)
    errors = validation.declaration_errors(definition, data, today=today)
    if errors:
        raise ValidationError(errors)
    return validation.visible_data(definition, data)


@transaction.atomic
def declaration_create(*, dossier, component, definition, data, actor, today=None, extra_files=()):
    """Store a declaration of `dossier` for its `component`: checked on the server against the
    definition (a copy of which is kept), printed as PDF and attached to the component. A
    clean entry point for every channel: `data` is the flat answers dict of docs/eforms.md.
    `extra_files`: (name, content_type, stored file name, size, sha256) of attachments already
    stored (file fields), attached to the same component."""
    if component.dossier_id != dossier.pk:
        raise ValidationError(_("Thành phần hồ sơ không thuộc hồ sơ này."))
    kept = declaration_check(definition=definition, data=data, today=today)
    content = declaration_pdf(definition=definition, data=kept, unit=dossier.receiving_unit, at=dossier.submitted_at)
    title = validation.text(definition["title"], "vi")
    name = f"to-khai-{definition['code'].lower()}-{dossier.code}.pdf"
    stored = DossierFile(dossier=dossier, component=component, kind=DossierFile.Kind.COMPONENT, original_name=name,
                         content_type="application/pdf", size=len(content),
                         sha256=hashlib.sha256(content).hexdigest(), uploaded_by=actor, portal_generated=True)
    stored.file.save(name, ContentFile(content), save=False)
    stored.save()
    for original_name, content_type, file_name, size, sha256 in extra_files:
        DossierFile.objects.create(dossier=dossier, component=component, kind=DossierFile.Kind.COMPONENT,
                                   file=file_name, original_name=original_name, content_type=content_type,
                                   size=size, sha256=sha256, uploaded_by=actor)
    return Declaration.objects.create(
        dossier=dossier, component=component, code=definition["code"], title=title[:300], definition=definition,
        data=kept, search_text=validation.search_text(definition, kept), file=stored, filled_by=actor,
    )


def declaration_lines(declaration):
    """What the officer's dossier page shows: the sections with their labelled answers."""
    return _rows(declaration.definition, declaration.data)


def _account_values(user):
    profile = getattr(user, "citizen_profile", None) if user is not None else None
    if user is None:
        return {}
    return {
        "account.full_name": (user.full_name or "").upper(),
        "account.personal_id": user.personal_id or "",
        "account.birth_date": profile.birth_date.isoformat() if profile and profile.birth_date else "",
        "account.address": profile.address if profile else "",
        "account.phone": user.phone or "",
        "account.email": user.email or "",
    }


def declaration_initial(*, citizen, definition):
    """Pre-filled answers: the defaults, then the citizen's account (name, ID number, date of
    birth, address, phone, e-mail), then their latest declaration of the same kind for the
    fields marked "previous" (a second child's parents, a criminal record's residences)."""
    account = _account_values(citizen)
    previous = {}
    if citizen is not None:
        previous = (Declaration.objects.filter(dossier__citizen=citizen, code=definition["code"])
                    .order_by("-created_at", "-pk").values_list("data", flat=True).first()) or {}
    answers = {}
    for field in (f for s in definition["sections"] for f in s["fields"]):
        key, source = field["key"], field.get("prefill")
        if "default" in field:
            answers[key] = field["default"]
        if source == "previous" and key in previous:
            answers[key] = previous[key]
        elif source and source.startswith("account.") and account.get(source):
            answers[key] = account[source]
    return answers
