"""The counter's walk-in reception pages: pick the procedure, fill in the applicant and the
checklist with its scans, then receive, settle on the spot, request completion or refuse.
The rules are the services'; the page keeps everything typed and uploaded when they say no."""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from dossiers import fees
from dossiers import services as dossier_services
from dossiers.declarations import declaration_initial
from dossiers.models import CounterSlip, Delivery
from portal.audit import audit_subject, audited_read, read_record
from portal.models import ReadAccess, Role
from portal.permissions import role_required
from portal.selectors import current_unit
from procedures.eforms import validation as eform_validation
from procedures.eforms.render import section_widgets
from procedures.models import ProcedureVersion

from . import selectors, services
from .forms import ApplicantForm, ComponentForm, ReceptionActionForm


@role_required(Role.CLERK)
def receive_pick(request):
    """Step 1 of a walk-in reception: find the procedure (accent-insensitive search)."""
    unit = current_unit(request=request)
    query = request.GET.get("q", "")[:200]
    versions = selectors.receivable_versions(unit=unit, query=query) if query.strip() else []
    template = "dossiers/_receive_pick_results.html" if request.htmx else "dossiers/receive_pick.html"
    return render(request, template, {"query": query, "versions": versions, "unit": unit})


@role_required(Role.CLERK)
def receive(request, national_code):
    """Step 2: the applicant, the component checklist with scans, then receive (Form 01),
    settle on the spot, request completion (Form 02) or refuse (Form 03). Nothing typed or
    uploaded is lost when something is wrong: files are staged at once and the form comes back
    filled in."""
    unit = current_unit(request=request)
    try:
        version = selectors.version_for_counter(unit=unit, national_code=national_code)
    except ProcedureVersion.DoesNotExist:
        raise Http404 from None
    requirements = list(version.components.all())
    optional = fees.optional_fees(version)
    if request.method != "POST":
        component_forms = [ComponentForm(requirement=r) for r in requirements]
        _attach_eforms(component_forms, {r.pk: declaration_initial(citizen=None, definition=r.eform)
                                         for r in requirements if r.eform}, {})
        context = {
            "applicant_form": ApplicantForm(initial={"delivery": Delivery.COUNTER, "sets_count": 1},
                                            optional_fees=optional),
            "component_forms": component_forms,
            "action_form": ReceptionActionForm(initial={"form_token": uuid.uuid4(), "action": "receive"}),
        }
        return render(request, "dossiers/receive.html", {**context, "version": version, "unit": unit})

    action_form = ReceptionActionForm(request.POST)
    token = _token(request.POST.get("form_token"))
    action = request.POST.get("action", "receive")
    applicant_form = ApplicantForm(request.POST, require_personal_id=action in ("receive", "settle"),
                                   optional_fees=optional)
    component_forms = [ComponentForm(request.POST, requirement=r) for r in requirements]
    dossier_services.staged_uploads_discard(token=token, user=request.user,
                                            ids=[i for i in request.POST.getlist("discard") if i.isdigit()])
    for form in component_forms:
        for upload in request.FILES.getlist(form.files_name):
            try:
                dossier_services.staged_upload_add(token=token, user=request.user, requirement=form.requirement,
                                                   upload=upload)
            except ValidationError as error:
                form.upload_errors.extend(error.messages)
    staged = selectors.staged_uploads(token=token, user=request.user)
    for form in component_forms:
        form.staged = staged.get(form.requirement.pk, [])

    # Electronic declarations filled at the counter: read, pre-filled from the citizen's account
    # on request, checked when receiving; each one satisfies its component (no scan).
    answers = {r.pk: eform_validation.parse_section_all(r.eform, request.POST, prefix=f"e{r.pk}")
               for r in requirements if r.eform}
    eform_errors = {}
    if action == "prefill":
        citizen = selectors.citizen_account(request.POST.get("applicant_personal_id", ""))
        read_record(request, action=ReadAccess.Action.LOOKUP, allowed=True,
                    target=request.POST.get("applicant_personal_id", "")[:20])
        for requirement in requirements:
            if requirement.eform:
                initial = declaration_initial(citizen=citizen, definition=requirement.eform)
                answers[requirement.pk] = {**answers[requirement.pk], **{
                    k: v for k, v in initial.items() if answers[requirement.pk].get(k) in (None, "", [], {})}}
        _attach_eforms(component_forms, answers, {})
        if citizen is None:
            messages.warning(request, _("Chưa có tài khoản công dân với số định danh này: hãy khai tờ khai trực tiếp."))
        else:
            messages.info(request, _("Đã điền sẵn tờ khai từ tài khoản của %(name)s; hãy kiểm tra với người nộp.")
                          % {"name": citizen.full_name})
        context = {"applicant_form": ApplicantForm(initial=request.POST.dict(), optional_fees=optional),
                   "component_forms": component_forms,
                   "action_form": action_form, "version": version, "unit": unit, "token": token}
        action_form.is_valid()
        return render(request, "dossiers/receive.html", context)
    if action == "lookup":
        # The same lookup as the htmx button, for a browser without JavaScript (issue 20): the
        # form comes back with the known data in the applicant fields still empty, nothing else lost.
        personal_id = "".join(ch for ch in request.POST.get("applicant_personal_id", "") if ch.isdigit())
        known = None
        if len(personal_id) == 12:
            known = selectors.known_applicant(user=request.user, personal_id=personal_id)
        audit_subject(request, target=personal_id)
        typed = request.POST.dict()
        merged = {**typed, **{k: v for k, v in (known or {}).items() if v and not typed.get(k)}}
        _attach_eforms(component_forms, answers, {})
        action_form.is_valid()
        context = {"applicant_form": ApplicantForm(initial=merged, optional_fees=optional),
                   "component_forms": component_forms,
                   "action_form": action_form, "version": version, "unit": unit, "token": token,
                   "lookup_done": True, "found": bool(known)}
        return render(request, "dossiers/receive.html", context)
    if action in ("receive", "settle"):
        eform_errors = {r.pk: eform_validation.declaration_errors(r.eform, answers[r.pk])
                        for r in requirements if r.eform}
    _attach_eforms(component_forms, answers, eform_errors)

    valid = all([action_form.is_valid(), applicant_form.is_valid()] + [f.is_valid() for f in component_forms])
    problems = []
    if any(eform_errors.values()):
        valid = False
        problems.append(_("Tờ khai điện tử còn thông tin thiếu hoặc chưa hợp lệ: xem thông báo bên cạnh từng ô."))
    if any(form.upload_errors for form in component_forms):
        problems.append(_("Có tệp không hợp lệ; các tệp hợp lệ đã được giữ lại."))
    if valid:
        lines = [form.line() for form in component_forms]
        declared = {}
        if action in ("receive", "settle"):
            declared = {pk: eform_validation.visible_data(version_eform, answers[pk])
                        for pk, version_eform in ((r.pk, r.eform) for r in requirements if r.eform)}
            for line in lines:
                if line["requirement"] is not None and line["requirement"].pk in declared:
                    line["received"] = True
        reason = action_form.cleaned_data["reason"]
        if problems:  # a file was refused: nothing is received, but every other problem is shown too
            problems.extend(services.reception_problems(action=action, version=version, components=lines,
                                                        scanned=set(staged), reason=reason))
        else:
            options = applicant_form.options() if action in ("receive", "settle") else {}
            try:
                result = services.reception_complete(
                    clerk=request.user, unit=unit, version=version, action=action,
                    applicant=applicant_form.applicant_data(), components=lines, token=token, reason=reason,
                    declarations=declared or None, **options)
            except ValidationError as error:
                problems.extend(error.messages)
            else:
                return _done(request, action, result)
    for problem in problems:
        messages.error(request, problem)
    if not valid:
        messages.error(request, _("Vui lòng sửa các mục được đánh dấu bên dưới. Thông tin và tệp đã tải lên "
                                  "vẫn được giữ nguyên."))
    context = {"applicant_form": applicant_form, "component_forms": component_forms, "action_form": action_form,
               "version": version, "unit": unit, "token": token}
    return render(request, "dossiers/receive.html", context, status=200)


def _attach_eforms(component_forms, answers, errors):
    """Give each checklist line with an electronic declaration its sections' widgets."""
    for form in component_forms:
        requirement = form.requirement
        form.eform_sections = []
        if requirement.eform:
            form.eform_sections = [
                {"title": eform_validation.text(section["title"]),
                 "widgets": section_widgets(section, answers.get(requirement.pk, {}), errors.get(requirement.pk, {}),
                                            prefix=f"e{requirement.pk}")}
                for section in requirement.eform["sections"]]


def _token(value):
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        return uuid.uuid4()


def _done(request, action, result):
    if isinstance(result, CounterSlip):
        messages.success(request, _("Đã lập %(slip)s số %(number)s.") % {"slip": result.get_kind_display().lower(),
                                                                          "number": result.number})
        return redirect("dossiers:slip", pk=result.pk)
    if action == "settle":
        messages.success(request, _("Hồ sơ %(code)s đã được giải quyết và trả kết quả ngay tại quầy.")
                         % {"code": result.code})
    else:
        messages.success(request, _("Đã tiếp nhận hồ sơ %(code)s. In giấy tiếp nhận và hẹn trả kết quả cho "
                                    "người nộp.") % {"code": result.code})
    return redirect("workflow:dossier", code=result.code)


@audited_read(ReadAccess.Action.LOOKUP)
@role_required(Role.CLERK)
def applicant_lookup(request):
    """htmx: fill the applicant fields from what the system already knows about an ID number
    (a citizen account, or the latest dossier this clerk may see)."""
    personal_id = "".join(ch for ch in request.GET.get("applicant_personal_id", "") if ch.isdigit())
    data = selectors.known_applicant(user=request.user, personal_id=personal_id) if len(personal_id) == 12 else None
    audit_subject(request, target=personal_id)
    form = ApplicantForm(initial={**(data or {}), "applicant_personal_id": personal_id})
    return render(request, "dossiers/_applicant_fields.html",
                  {"applicant_form": form, "lookup_done": True, "found": bool(data)})
