"""Electronic declarations in the online wizard: which screens they add (one per section),
their answers kept in the draft (`draft.data["eforms"][<requirement pk>]`), pre-filled from
the account and from the citizen's previous declarations of the same kind."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dossiers.declarations import declaration_create, declaration_initial
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


def initial_answers(*, citizen, definition):
    return declaration_initial(citizen=citizen, definition=definition)


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
