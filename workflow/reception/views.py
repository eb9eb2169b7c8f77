"""The counter's walk-in reception pages: pick the procedure, fill in the applicant and the
checklist with its scans, then receive, settle on the spot, request completion or refuse.
The rules are the services'; the page keeps everything typed and uploaded when they say no."""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from dossiers import services as dossier_services
from dossiers.models import CounterSlip, Delivery
from portal.models import Role
from portal.permissions import role_required
from portal.selectors import current_unit
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
    if request.method != "POST":
        context = {
            "applicant_form": ApplicantForm(initial={"delivery": Delivery.COUNTER, "sets_count": 1}),
            "component_forms": [ComponentForm(requirement=r) for r in requirements],
            "action_form": ReceptionActionForm(initial={"form_token": uuid.uuid4(), "action": "receive"}),
        }
        return render(request, "dossiers/receive.html", {**context, "version": version, "unit": unit})

    action_form = ReceptionActionForm(request.POST)
    token = _token(request.POST.get("form_token"))
    action = request.POST.get("action", "receive")
    applicant_form = ApplicantForm(request.POST, require_personal_id=action in ("receive", "settle"))
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

    valid = all([action_form.is_valid(), applicant_form.is_valid()] + [f.is_valid() for f in component_forms])
    problems = []
    if any(form.upload_errors for form in component_forms):
        problems.append(_("Có tệp không hợp lệ; các tệp hợp lệ đã được giữ lại."))
    if valid:
        lines = [form.line() for form in component_forms]
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
                    **options)
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


@role_required(Role.CLERK)
def applicant_lookup(request):
    """htmx: fill the applicant fields from what the system already knows about an ID number
    (a citizen account, or the latest dossier this clerk may see)."""
    personal_id = "".join(ch for ch in request.GET.get("applicant_personal_id", "") if ch.isdigit())
    data = selectors.known_applicant(user=request.user, personal_id=personal_id) if len(personal_id) == 12 else None
    form = ApplicantForm(initial={**(data or {}), "applicant_personal_id": personal_id})
    return render(request, "dossiers/_applicant_fields.html",
                  {"applicant_form": form, "lookup_done": True, "found": bool(data)})
