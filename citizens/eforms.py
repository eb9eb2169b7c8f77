"""Electronic declarations in the online wizard: which screens they add (one per section),
their answers kept in the draft (`draft.data["eforms"][<requirement pk>]`), pre-filled from
the account and from the citizen's previous declarations of the same kind."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dossiers.declarations import declaration_create
from dossiers.models import Declaration
from procedures.eforms import validation

from .models import OnlineDraft


def eform_requirements(version):
    return [r for r in version.components.all() if r.eform]


def form_steps(version):
    """[(slug, requirement, section)] in order: one screen per section of each declaration."""
    steps = []
    for requirement in eform_requirements(version):
        for section in requirement.eform["sections"]:
            steps.append((f"form-{len(steps) + 1}", requirement, section))
    return steps


def _account_values(user):
    profile = getattr(user, "citizen_profile", None)
    return {
        "account.full_name": (user.full_name or "").upper(),
        "account.personal_id": user.personal_id or "",
        "account.birth_date": profile.birth_date.isoformat() if profile and profile.birth_date else "",
        "account.address": profile.address if profile else "",
        "account.phone": user.phone or "",
        "account.email": user.email or "",
    }


def initial_answers(*, citizen, definition):
    """Defaults, then the account (name, ID number, date of birth, address, phone, e-mail),
    then the citizen's latest declaration of the same kind for fields marked "previous"."""
    account = _account_values(citizen)
    previous = (Declaration.objects.filter(dossier__citizen=citizen, code=definition["code"])
                .order_by("-created_at", "-pk").values_list("data", flat=True).first()) or {}
    answers = {}
    for _section, field in ((s, f) for s in definition["sections"] for f in s["fields"]):
        key, source = field["key"], field.get("prefill")
        if "default" in field:
            answers[key] = field["default"]
        if source == "previous" and key in previous:
            answers[key] = previous[key]
        elif source and source.startswith("account.") and account.get(source):
            answers[key] = account[source]
    return answers


def answers_of(draft, requirement):
    return (draft.data.get("eforms") or {}).get(str(requirement.pk))


@transaction.atomic
def eform_answers_save(*, draft, requirement, answers, next_step=None):
    """Keep the answers of a declaration in the draft, valid or not (nothing typed is lost)."""
    draft = OnlineDraft.objects.select_for_update(of=("self",)).get(pk=draft.pk)
    if draft.state != OnlineDraft.State.OPEN:
        raise ValidationError(_("Hồ sơ này đã được nộp, không sửa được nữa."), code="not_open")
    eforms = dict(draft.data.get("eforms") or {})
    eforms[str(requirement.pk)] = answers
    draft.data = {**draft.data, "eforms": eforms}
    if next_step:
        draft.step = next_step
    draft.save(update_fields=["data", "step", "updated_at"])
    return draft


def ensure_answers(draft):
    """Give every declaration of the draft its pre-filled answers once (new drafts, and drafts
    started before the procedure had a declaration)."""
    missing = [r for r in eform_requirements(draft.version) if answers_of(draft, r) is None]
    for requirement in missing:
        draft = eform_answers_save(draft=draft, requirement=requirement,
                                   answers=initial_answers(citizen=draft.citizen, definition=requirement.eform))
    return draft


def eform_problems(draft):
    problems = []
    for requirement in eform_requirements(draft.version):
        answers = answers_of(draft, requirement) or {}
        if validation.declaration_errors(requirement.eform, answers):
            problems.append(_("Tờ khai “%(name)s” chưa khai đủ hoặc có thông tin chưa hợp lệ.")
                            % {"name": validation.text(requirement.eform["title"])})
    return problems


def declarations_attach(*, draft, dossier, citizen):
    """On submission: each declaration becomes a Declaration of the new dossier with its PDF."""
    components = {c.requirement_id: c for c in dossier.components.all()}
    for requirement in eform_requirements(draft.version):
        declaration_create(dossier=dossier, component=components[requirement.pk], definition=requirement.eform,
                           data=answers_of(draft, requirement) or {}, actor=citizen)
