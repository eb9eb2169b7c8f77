"""The wizard's declaration screens (one section per screen) and the PDF preview of a draft's
declaration. Called from citizens.views.draft_step."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render

from dossiers.declarations import declaration_pdf
from portal.pdf import pdf_response
from procedures.eforms import render as eform_render
from procedures.eforms import validation

from . import eforms, selectors, services


def _apply_files(request, draft, requirement, section, answers, errors):
    """Uploads and removals of the section's file fields (kept as draft files of the component)."""
    for field in section["fields"]:
        if field["type"] != "file":
            continue
        name = f"f-{field['key']}"
        items = [i for i in answers.get(field["key"]) or [] if isinstance(i, dict)]
        removed = set(request.POST.getlist(f"{name}-remove"))
        for item in [i for i in items if str(i.get("ref")) in removed]:
            services.draft_file_remove(draft=draft, file_id=int(item["ref"]))
            items.remove(item)
        for upload in request.FILES.getlist(name):
            try:
                stored = services.draft_file_add(draft=draft, requirement=requirement, upload=upload)
            except ValidationError as error:
                errors.setdefault(field["key"], []).extend(error.messages)
            else:
                items.append({"name": stored.original_name, "ref": stored.pk})
        answers[field["key"]] = items


def step_form(request, draft, step, *, context, next_step):
    draft = eforms.ensure_answers(draft)
    found = next(((r, s) for slug, r, s in eforms.form_steps(draft.version) if slug == step), None)
    if found is None:
        raise Http404
    requirement, section = found
    definition = requirement.eform
    answers = dict(eforms.answers_of(draft, requirement) or {})
    if not validation.is_visible(section.get("show_if"), answers):
        # A section that does not apply to these answers is skipped.
        return redirect("citizens:draft_step", pk=draft.pk, step=next_step(draft, step))
    errors, extra_rows, status = {}, 0, 200
    if request.method == "POST":
        answers.update(validation.parse_section(section, request.POST))
        _apply_files(request, draft, requirement, section, answers, errors)
        add_row = request.POST.get("add_row")
        if add_row:
            eforms.eform_answers_save(draft=draft, requirement=requirement, answers=answers)
            extra_rows = 1
        else:
            for path, messages in validation.section_errors(definition, section, answers).items():
                errors.setdefault(path, []).extend(messages)
            following = None if errors else next_step(draft, step)
            eforms.eform_answers_save(draft=draft, requirement=requirement, answers=answers, next_step=following)
            if not errors:
                return redirect("citizens:draft_step", pk=draft.pk, step=following)
            status = 400
    widgets = eform_render.section_widgets(section, answers, errors, extra_rows=extra_rows)
    return render(request, "citizens/wizard/eform.html", context(
        request, draft, step, requirement=requirement, section=section, widgets=widgets, has_errors=bool(errors),
        form_title=validation.text(definition["title"]), section_title=validation.text(section["title"]),
        section_help=validation.text(section.get("help")),
        has_files=any(f["type"] == "file" for f in section["fields"])), status=status)


def review_declarations(draft):
    """What the review step shows of each declaration: its title and labelled answers."""
    from dossiers.declarations import _rows

    rows = []
    first_step = {}
    for slug, requirement, _section in eforms.form_steps(draft.version):
        first_step.setdefault(requirement.pk, slug)
    for requirement in eforms.eform_requirements(draft.version):
        answers = eforms.answers_of(draft, requirement) or {}
        rows.append({"requirement": requirement, "title": validation.text(requirement.eform["title"]),
                     "first_step": first_step[requirement.pk],
                     "sections": _rows(requirement.eform, validation.visible_data(requirement.eform, answers))})
    return rows


@login_required
def draft_declaration_pdf(request, pk, requirement_pk):
    """The declaration as it will be printed, for the applicant to check before submitting."""
    draft = selectors.my_draft(user=request.user, pk=pk)
    requirement = next((r for r in eforms.eform_requirements(draft.version) if r.pk == requirement_pk), None)
    if requirement is None:
        raise Http404
    answers = validation.visible_data(requirement.eform, eforms.answers_of(draft, requirement) or {})
    content = declaration_pdf(definition=requirement.eform, data=answers, unit=draft.unit, draft=True)
    return pdf_response(content, filename=f"to-khai-{requirement.eform['code'].lower()}-xem-truoc.pdf")
