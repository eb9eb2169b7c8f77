import datetime
import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django_ratelimit.decorators import ratelimit

from portal.models import Role
from portal.paging import page_of, query_without_page
from portal.pdf import pdf_response
from portal.permissions import role_required
from portal.selectors import current_unit
from procedures.models import ProcedureVersion, TimeUnit
from procedures.selectors import public_versions
from workflow.reception.selectors import known_applicant  # moving to workflow/reception (views)

from . import lookup_cache, selectors, services, slips
from .forms import ApplicantForm, ComponentForm, CounterSearchForm, LookupForm, ReceptionActionForm
from .models import CounterSlip, Delivery, StagedUpload, Status

COUNTER_PAGE_SIZE = 20


@role_required(Role.CLERK)
def counter(request):
    """The one-stop counter: today's receptions, dossiers waiting for return, search."""
    unit = current_unit(request=request)
    base = selectors.counter_dossiers(user=request.user, unit=unit)
    start_of_today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    search = CounterSearchForm(request.GET or None)
    results = None
    if search.is_valid() and search.cleaned_data["q"]:
        q = search.cleaned_data["q"].strip()
        results = base.filter(
            Q(code__iexact=q) | Q(applicant_personal_id=q) | Q(applicant_name__icontains=q)
        ).order_by("-received_at")[:50]
    context = {
        "unit": unit,
        "search": search,
        "results": results,
        # A range on received_at (not __date) so the (receiving unit, received_at) index serves it.
        "today": base.filter(received_at__gte=start_of_today,
                             received_at__lt=start_of_today + datetime.timedelta(days=1)).order_by("-received_at"),
        # Results awaiting collection pile up (some are never collected): in pages.
        "to_return": page_of(request, base.filter(status=Status.RESULT_READY).order_by("due_at", "pk"),
                             COUNTER_PAGE_SIZE),
        "waiting_check": base.filter(status=Status.SUBMITTED).order_by("submitted_at"),
        "querystring": query_without_page(request),
    }
    return render(request, "dossiers/counter.html", context)


@ratelimit(key="ip", rate="30/m", block=False)
def track(request, code=None):
    """Public lookup (URL contract: /track/?code= and the QR target /d/<code>/): status, dates
    and the status history, with no personal data beyond a masked name."""
    data = request.GET.copy()
    if code is not None:
        data.setdefault("code", code)
    # Bound only once the check digits are given: a bare code (QR scan) just pre-fills the form.
    form = LookupForm(data if data.get("secret") else None, initial={"code": data.get("code", "")})
    dossier = None
    status = 200
    current = None  # the dossier's stamp, when its page may be kept (dossiers/lookup_cache.py)
    if getattr(request, "limited", False):
        messages.error(request, _("Bạn tra cứu quá nhiều lần. Vui lòng thử lại sau một phút."))
        form = LookupForm(initial={"code": data.get("code", "")})
        status = 429
    elif form.is_bound and form.is_valid():
        code = form.cleaned_data["code"]
        if lookup_cache.usable(request):
            kept, current = lookup_cache.kept_page(request, code)
            if kept is not None:
                return kept
        dossier = selectors.public_lookup(code=code, secret=form.cleaned_data["secret"])
        if dossier is None:
            form.add_error(None, _("Không tìm thấy hồ sơ với mã và số kiểm tra đã nhập. Hãy kiểm tra lại mã in "
                                   "trên giấy tiếp nhận."))
    events = dossier.events.only("dossier", "at", "to_status").order_by("at", "pk") if dossier else []
    context = {"form": form, "dossier": dossier, "events": events}
    if dossier is not None and current is not None:
        return lookup_cache.render_and_keep(request, "dossiers/track.html", context, current)
    return render(request, "dossiers/track.html", context, status=status)


# --- Counter reception -------------------------------------------------------------------


def _receivable_versions(unit, query):
    """Published versions this counter may receive (listed as receiving unit, or no list)."""
    qs = public_versions(query=query)
    return qs.filter(Q(receiving_units=unit) | Q(receiving_units__isnull=True)).distinct()[:30]


@role_required(Role.CLERK)
def receive_pick(request):
    """Step 1 of a walk-in reception: find the procedure (accent-insensitive search)."""
    unit = current_unit(request=request)
    query = request.GET.get("q", "")[:200]
    versions = _receivable_versions(unit, query) if query.strip() else []
    template = "dossiers/_receive_pick_results.html" if request.htmx else "dossiers/receive_pick.html"
    return render(request, template, {"query": query, "versions": versions, "unit": unit})


def _version_for_counter(unit, national_code):
    version = (
        ProcedureVersion.objects.in_force()
        .filter(procedure__national_code=national_code)
        .filter(Q(receiving_units=unit) | Q(receiving_units__isnull=True))
        .select_related("procedure")
        .prefetch_related("components", "methods", "fees")
        .first()
    )
    if version is None:
        raise Http404
    return version


@role_required(Role.CLERK)
def receive(request, national_code):
    """Step 2: the applicant, the component checklist with scans, then receive (Form 01),
    request completion (Form 02) or refuse (Form 03). Nothing typed or uploaded is lost when
    something is wrong: files are staged at once and the form comes back filled in."""
    unit = current_unit(request=request)
    version = _version_for_counter(unit, national_code)
    requirements = list(version.components.all())
    if request.method != "POST":
        token = uuid.uuid4()
        context = {
            "applicant_form": ApplicantForm(initial={"delivery": Delivery.COUNTER, "sets_count": 1}),
            "component_forms": [ComponentForm(requirement=r) for r in requirements],
            "action_form": ReceptionActionForm(initial={"form_token": token, "action": "receive"}),
        }
        return render(request, "dossiers/receive.html", {**context, "version": version, "unit": unit})

    action_form = ReceptionActionForm(request.POST)
    token = _token(request.POST.get("form_token"))
    action = request.POST.get("action", "receive")
    applicant_form = ApplicantForm(request.POST, require_personal_id=action in ("receive", "settle"))
    component_forms = [ComponentForm(request.POST, requirement=r) for r in requirements]
    services.staged_uploads_discard(token=token, user=request.user,
                                    ids=[i for i in request.POST.getlist("discard") if i.isdigit()])
    for form in component_forms:
        for upload in request.FILES.getlist(form.files_name):
            try:
                services.staged_upload_add(token=token, user=request.user, requirement=form.requirement,
                                           upload=upload)
            except ValidationError as error:
                form.upload_errors.extend(error.messages)
    staged = {}
    for item in StagedUpload.objects.filter(token=token, user=request.user):
        staged.setdefault(item.requirement_id, []).append(item)
    for form in component_forms:
        form.staged = staged.get(form.requirement.pk, [])

    valid = all([action_form.is_valid(), applicant_form.is_valid()] + [f.is_valid() for f in component_forms])
    problems = []
    if valid:
        problems = _reception_problems(action, action_form, component_forms)
        if action == "settle" and not (version.settled_on_spot or version.time_unit == TimeUnit.SAME_DAY):
            problems.append(_("Thủ tục này không giải quyết ngay tại quầy; hãy tiếp nhận và hẹn trả kết quả."))
    if valid and not problems:
        try:
            return _finish_reception(request, unit, version, action, applicant_form, component_forms, action_form,
                                     token)
        except ValidationError as error:
            problems.extend(error.messages)
    for problem in problems:
        messages.error(request, problem)
    if not valid:
        messages.error(request, _("Vui lòng sửa các mục được đánh dấu bên dưới. Thông tin và tệp đã tải lên "
                                  "vẫn được giữ nguyên."))
    action_form = ReceptionActionForm(request.POST)  # keep the token and the reason
    context = {"applicant_form": applicant_form, "component_forms": component_forms, "action_form": action_form,
               "version": version, "unit": unit, "token": token}
    return render(request, "dossiers/receive.html", context, status=200)


def _token(value):
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        return uuid.uuid4()


def _reception_problems(action, action_form, component_forms):
    problems = []
    reason = action_form.cleaned_data.get("reason", "").strip()
    if any(form.upload_errors for form in component_forms):
        problems.append(_("Có tệp không hợp lệ; các tệp hợp lệ đã được giữ lại."))
    if action in ("receive", "settle"):
        for form in component_forms:
            received = form.cleaned_data.get("received")
            if form.requirement.is_required and not received:
                problems.append(_("Thiếu giấy tờ bắt buộc: %(name)s. Hãy yêu cầu bổ sung thay vì tiếp nhận.")
                                % {"name": form.requirement.name})
            elif received and not form.staged:
                problems.append(_("Chưa quét giấy tờ: %(name)s. Mọi giấy tờ đã nhận phải được quét vào hệ thống.")
                                % {"name": form.requirement.name})
    elif action == "completion":
        if not any(not form.cleaned_data.get("received") for form in component_forms):
            problems.append(_("Hãy bỏ chọn những giấy tờ còn thiếu để ghi vào phiếu yêu cầu bổ sung."))
        if not reason:
            problems.append(_("Hãy ghi lý do yêu cầu bổ sung, hoàn thiện hồ sơ."))
    elif action == "refuse" and not reason:
        problems.append(_("Hãy ghi rõ lý do từ chối tiếp nhận."))
    return problems


def _finish_reception(request, unit, version, action, applicant_form, component_forms, action_form, token):
    applicant = applicant_form.applicant_data()
    if action in ("receive", "settle"):
        components = [
            {"requirement": form.requirement, "name": form.requirement.name,
             "originals": form.cleaned_data["originals"], "certified_copies": form.cleaned_data["certified_copies"],
             "photocopies": form.cleaned_data["photocopies"]}
            for form in component_forms if form.cleaned_data.get("received")
        ]
        options = {k: applicant_form.cleaned_data[k] for k in ("delivery", "sets_count", "is_priority", "note")}
        dossier = services.dossier_receive_with_staged_files(
            clerk=request.user, unit=unit, version=version, applicant=applicant, components=components,
            token=token, **options,
        )
        if action == "settle":
            dossier = services.dossier_settle_on_spot(dossier=dossier, clerk=request.user)
            messages.success(request, _("Hồ sơ %(code)s đã được giải quyết và trả kết quả ngay tại quầy.")
                             % {"code": dossier.code})
        else:
            messages.success(request, _("Đã tiếp nhận hồ sơ %(code)s. In giấy tiếp nhận và hẹn trả kết quả cho "
                                        "người nộp.") % {"code": dossier.code})
        return redirect("workflow:dossier", code=dossier.code)
    missing = [
        {"name": form.requirement.name, "originals": form.cleaned_data["originals"],
         "certified_copies": form.cleaned_data["certified_copies"], "photocopies": form.cleaned_data["photocopies"]}
        for form in component_forms if not form.cleaned_data.get("received")
    ]
    kind = CounterSlip.Kind.COMPLETION if action == "completion" else CounterSlip.Kind.REFUSAL
    slip = services.counter_slip_issue(
        clerk=request.user, unit=unit, version=version, kind=kind, applicant=applicant,
        missing_components=missing if kind == CounterSlip.Kind.COMPLETION else [],
        reason=action_form.cleaned_data["reason"],
    )
    services.staged_uploads_discard(token=token, user=request.user,
                                    ids=StagedUpload.objects.filter(token=token).values_list("pk", flat=True))
    messages.success(request, _("Đã lập %(slip)s số %(number)s.") % {"slip": slip.get_kind_display().lower(),
                                                                      "number": slip.number})
    return redirect("dossiers:slip", pk=slip.pk)


@role_required(Role.CLERK)
def applicant_lookup(request):
    """htmx: fill the applicant fields from what the system already knows about an ID number
    (a citizen account, or the latest dossier this clerk may see)."""
    personal_id = "".join(ch for ch in request.GET.get("applicant_personal_id", "") if ch.isdigit())
    data = known_applicant(user=request.user, personal_id=personal_id) if len(personal_id) == 12 else None
    initial = {**(data or {}), "applicant_personal_id": personal_id}
    form = ApplicantForm(initial=initial)
    return render(request, "dossiers/_applicant_fields.html",
                  {"applicant_form": form, "lookup_done": True, "found": bool(data)})


@role_required(Role.CLERK)
def slip_detail(request, pk):
    slip = _slip_or_404(request, pk)
    return render(request, "dossiers/slip.html", {"slip": slip})


@role_required(Role.CLERK)
def slip_pdf(request, pk):
    slip = _slip_or_404(request, pk)
    return pdf_response(slips.render_counter_slip(slip, request), filename=f"phieu-{slip.kind}-{slip.pk}")


def _slip_or_404(request, pk):
    slip = selectors.counter_slips_visible_to(request.user).filter(pk=pk).first()
    if slip is None:
        raise Http404
    return slip
