from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dossiers import slips
from dossiers.declarations import declaration_lines
from dossiers.files import private_file_response
from dossiers.models import Delivery, Dossier, Outcome, Status
from dossiers.services import ConcurrentChange, due_explanation
from portal.audit import audit_subject, audited_read
from portal.models import ReadAccess, Role, Unit, User
from portal.pdf import pdf_response
from portal.permissions import role_required
from portal.prefetched import set_prefetched
from portal.selectors import current_unit
from procedures import catalogue_cache
from workflow import policies
from workflow.models import Apology, Consultation, Handoff
from workflow.routing import selectors, services
from workflow.routing.forms import InboxFilterForm

# --- the staff page of a dossier ---------------------------------------------------------------


def _dossier_or_404(request, code):
    try:
        return policies.visible_dossier(user=request.user, code=code)
    except Dossier.DoesNotExist:
        raise Http404 from None


def _components_and_files(dossier):
    """The dossier's components, each with its files as `component.files.all` (prefetched), and
    the files of no component: one query for the files instead of two. The files' own ordering
    (component order, upload time) is kept within each list."""
    files = list(dossier.files.all())
    components = list(dossier.components.all())
    for component in components:
        set_prefetched(component, "files", [f for f in files if f.component_id == component.pk])
    return components, [f for f in files if f.component_id is None]


# What the history of the staff dossier page shows (dossiers/detail.html): not the full rows of
# every actor and unit.
EVENT_FIELDS = ("dossier_id", "at", "to_status", "note", "unit__name", "actor__full_name", "actor__first_name",
                "actor__last_name", "actor__username")


def detail_context(request, dossier):
    components, loose_files = _components_and_files(dossier)
    return {
        "dossier": dossier,
        "components": components,
        "loose_files": loose_files,
        "events": dossier.events.select_related("actor", "unit").only(*EVENT_FIELDS),
        "due_explanation": due_explanation(dossier),
        # Declarations are made only from a component with an electronic form, fixed once the
        # version is published: no query for the (many) procedures without one.
        "declarations": [{"declaration": d, "sections": declaration_lines(d)}
                         for d in dossier.declarations.select_related("file")]
        if any(r.has_eform for r in dossier.procedure_version.components.all()) else [],
        "postal_slip": _postal_slip_available(request.user, dossier),
    }


@login_required
@audited_read(ReadAccess.Action.DOSSIER)
def dossier_detail(request, code):
    """The staff page of a dossier: its components, files, history and the workflow panel. The
    citizen who owns it is sent to their own page, which shows no internal opinion or staff name."""
    try:
        dossier = _dossier_or_404(request, code)
    except Http404:
        if Dossier.objects.filter(code=code, citizen=request.user).exists():
            return redirect("citizens:dossier", code=code)
        raise
    # Read by the due date's explanation and by the fee panel: once, from the shared cache.
    catalogue_cache.prefetch_version_parts(dossier.procedure_version)
    audit_subject(request, dossier=dossier)
    return render(request, "dossiers/detail.html", detail_context(request, dossier))


@login_required
@audited_read(ReadAccess.Action.FILE)
def dossier_file(request, code, file_id):
    """Serve one file of a dossier to someone allowed to see the dossier. Files live outside
    the web root; this view is their only way out."""
    dossier = _dossier_or_404(request, code)
    stored = dossier.files.filter(pk=file_id).first()
    if stored is None:
        raise Http404
    audit_subject(request, dossier=dossier, target=f"{dossier.code} {stored.pk} {stored.original_name}")
    return private_file_response(stored, name=f"{dossier.code}-{stored.pk}")


@login_required
@audited_read(ReadAccess.Action.EXPORT)
def declarations_json(request, code):
    """The structured data of the dossier's electronic declarations, with the form each was
    filled with (for export and for systems that re-use it)."""
    dossier = _dossier_or_404(request, code)
    audit_subject(request, dossier=dossier)
    payload = {"dossier": dossier.code, "declarations": [
        {"code": d.code, "title": d.title, "component": d.component.name, "filled_at": d.created_at.isoformat(),
         "data": d.data, "definition": d.definition}
        for d in dossier.declarations.select_related("component")]}
    response = JsonResponse(payload, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'attachment; filename="{dossier.code}-to-khai.json"'
    return response


@login_required
@audited_read(ReadAccess.Action.SLIP)
def receipt_pdf(request, code):
    """Form 01, for the staff who may see the dossier and the citizen who owns it."""
    try:
        dossier = policies.printable_dossier(user=request.user, code=code)
    except Dossier.DoesNotExist:
        raise Http404 from None
    if dossier.received_at is None:
        raise Http404
    audit_subject(request, dossier=dossier)
    pdf = slips.signed_slip(slips.render_receipt(dossier, request), unit=dossier.receiving_unit,
                            title=_("Giấy tiếp nhận hồ sơ và hẹn trả kết quả (mẫu 01)"), dossier=dossier,
                            actor=request.user)
    return pdf_response(pdf, filename=f"giay-tiep-nhan-{dossier.code}")


@login_required
@audited_read(ReadAccess.Action.SLIP)
def postal_slip_pdf(request, code):
    """The slip the postman carries with a result returned by post, for the receiving counter's
    clerks (who return results, workflow.policies) once the result is ready."""
    dossier = _dossier_or_404(request, code)
    if not _postal_slip_available(request.user, dossier):
        raise Http404
    audit_subject(request, dossier=dossier)
    pdf = slips.signed_slip(slips.render_postal_slip(dossier, request), unit=dossier.receiving_unit,
                            title=_("Phiếu chuyển phát kết quả qua bưu chính"), dossier=dossier, actor=request.user)
    return pdf_response(pdf, filename=f"phieu-chuyen-phat-{dossier.code}")


def _postal_slip_available(user, dossier):
    return (dossier.delivery == Delivery.POST and dossier.status in (Status.RESULT_READY, Status.RETURNED)
            and policies.entitled(user, "return", dossier))


# --- the inbox ---------------------------------------------------------------------------------


@role_required(Role.OFFICER, Role.LEADER)
def inbox(request):
    """Officers' and leaders' inbox: active steps of their unit, most urgent first."""
    units = selectors.inbox_units(request.user)
    chosen = current_unit(request=request)
    unit = chosen if chosen in units else units[0]
    form = InboxFilterForm(request.GET or None)
    filters = selectors.InboxFilters(**form.cleaned_data) if form.is_valid() else selectors.InboxFilters()
    rows, next_cursor = selectors.inbox_page(user=request.user, unit=unit, filters=filters,
                                             cursor=request.GET.get("after"))
    is_leader = policies.holds(request.user, (Role.LEADER,), unit)
    context = {
        "unit": unit, "form": form, "rows": rows, "next_cursor": next_cursor,
        "consultations": selectors.open_consultations(unit=unit),
        "officers": selectors.unit_officers(unit) if is_leader else [], "is_leader": is_leader,
        "query": request.GET.copy(),
    }
    return render(request, "workflow/inbox.html", context)


@require_POST
@role_required(Role.LEADER)
def assign(request, handoff_id):
    handoff = Handoff.objects.filter(pk=handoff_id).select_related("dossier", "unit").first()
    if handoff is None:
        raise Http404
    officer = User.objects.filter(pk=request.POST.get("officer") or 0).first()
    try:
        if officer is None:
            raise ValidationError(_("Hãy chọn cán bộ."))
        services.handoff_assign(handoff=handoff, leader=request.user, officer=officer)
        messages.success(request, _("Đã giao hồ sơ %(code)s cho %(name)s.") % {
            "code": handoff.dossier.code, "name": officer.get_full_name()})
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("workflow:inbox")


@role_required(Role.SUPERVISOR, Role.LEADER)
def overview(request):
    """Supervisors' home: the deadline dashboard."""
    return redirect("workflow:supervision")


# --- actions on a dossier ------------------------------------------------------------------

def _parse_components(request):
    names = [n.strip() for n in request.POST.getlist("missing") if n.strip()]
    extra = request.POST.get("missing_other", "").strip()
    return names + ([extra] if extra else [])


def _new_due(request):
    value = parse_datetime(request.POST.get("new_due_at", ""))
    if value is None:
        raise ValidationError(_("Ngày giờ hẹn mới không hợp lệ."))
    return timezone.make_aware(value) if timezone.is_naive(value) else value


ACTIONS = {
    "online_accept": lambda r, d, e: services.online_accept(dossier=d, clerk=r.user, expected_status=e),
    "online_completion": lambda r, d, e: services.online_request_completion(
        dossier=d, clerk=r.user, reason=r.POST.get("note", ""), missing_components=_parse_components(r),
        expected_status=e),
    "online_refuse": lambda r, d, e: services.online_refuse(
        dossier=d, clerk=r.user, reason=r.POST.get("note", ""), expected_status=e),
    "forward": lambda r, d, e: services.dossier_forward(
        dossier=d, actor=r.user, note=r.POST.get("note", ""), expected_status=e,
        expected_handoff=int(r.POST["handoff"]) if r.POST.get("handoff", "").isdigit() else None),
    "approve": lambda r, d, e: services.dossier_decide(
        dossier=d, leader=r.user, outcome=Outcome.APPROVED, note=r.POST.get("note", ""), expected_status=e),
    "refuse": lambda r, d, e: services.dossier_decide(
        dossier=d, leader=r.user, outcome=Outcome.REFUSED, note=r.POST.get("note", ""), expected_status=e),
    "supplement": lambda r, d, e: services.supplement_request(
        dossier=d, actor=r.user, reason=r.POST.get("note", ""), missing_components=_parse_components(r),
        expected_status=e),
    "resume": lambda r, d, e: services.supplement_resume(
        dossier=d, actor=r.user, uploads=r.FILES.getlist("files"), note=r.POST.get("note", ""), expected_status=e),
    "result": lambda r, d, e: _require_file(r) and services.result_file_add(
        dossier=d, actor=r.user, upload=r.FILES["file"]),
    "return": lambda r, d, e: services.dossier_return(
        dossier=d, clerk=r.user, collected_by=r.POST.get("collected_by", ""),
        tracking_number=r.POST.get("tracking_number", ""), note=r.POST.get("note", ""), expected_status=e,
        confirmed=r.POST.get("confirmed") == "1"),
    "withdraw": lambda r, d, e: services.dossier_withdraw(
        dossier=d, actor=r.user, reason=r.POST.get("note", ""), expected_status=e),
    "stop": lambda r, d, e: services.dossier_stop(
        dossier=d, leader=r.user, reason=r.POST.get("note", ""), expected_status=e),
    "apology": lambda r, d, e: services.apology_draft(
        dossier=d, actor=r.user, reason=r.POST.get("note", ""), new_due_at=_new_due(r)),
    "apology_approve": lambda r, d, e: services.apology_approve(
        apology=Apology.objects.get(dossier=d), leader=r.user),
    "consult": lambda r, d, e: services.consultation_request(
        dossier=d, actor=r.user, unit=Unit.objects.get(pk=r.POST.get("unit") or 0),
        question=r.POST.get("note", "")),
    "consult_answer": lambda r, d, e: services.consultation_answer(
        consultation=Consultation.objects.get(pk=r.POST.get("consultation") or 0, dossier=d), actor=r.user,
        opinion=r.POST.get("note", "")),
}

SUCCESS = {
    "online_accept": _("Đã tiếp nhận hồ sơ trực tuyến; người nộp được thông báo."),
    "online_completion": _("Đã yêu cầu người nộp bổ sung hồ sơ trực tuyến."),
    "online_refuse": _("Đã từ chối tiếp nhận hồ sơ trực tuyến."),
    "forward": _("Đã chuyển hồ sơ sang bước tiếp theo."),
    "approve": _("Đã phê duyệt kết quả; hồ sơ chuyển về bộ phận một cửa để trả."),
    "refuse": _("Đã từ chối giải quyết; văn bản trả lời chuyển về bộ phận một cửa."),
    "supplement": _("Đã yêu cầu bổ sung; thời hạn giải quyết tạm dừng."),
    "resume": _("Đã nhận giấy tờ bổ sung; thời hạn giải quyết tiếp tục."),
    "result": _("Đã tải lên văn bản kết quả."),
    "return": _("Đã trả kết quả."),
    "withdraw": _("Đã ghi nhận rút hồ sơ."),
    "stop": _("Đã dừng xử lý hồ sơ."),
    "apology": _("Đã lập phiếu xin lỗi, chờ lãnh đạo duyệt."),
    "apology_approve": _("Đã duyệt phiếu xin lỗi; ngày hẹn trả đã được điều chỉnh."),
    "consult": _("Đã gửi xin ý kiến."),
    "consult_answer": _("Đã gửi ý kiến."),
}


def _require_file(request):
    if "file" not in request.FILES:
        raise ValidationError(_("Hãy chọn tệp kết quả."))
    return True


@require_POST
@login_required
def act(request, code, action):
    """Every button of the dossier page's workflow panel posts here. A refused action comes
    back to the same page with the message and what was typed."""
    if action not in ACTIONS:
        raise Http404
    try:
        dossier = policies.visible_dossier(user=request.user, code=code)
    except Dossier.DoesNotExist:
        raise Http404 from None
    expected = request.POST.get("expected_status") or None
    try:
        ACTIONS[action](request, dossier, expected)
    except PermissionDenied:
        raise
    except ConcurrentChange:
        error = _("Người khác vừa thay đổi hồ sơ này. Trang đã được cập nhật; hãy kiểm tra lại trước khi thao tác.")
    except (ValidationError, Apology.DoesNotExist, Consultation.DoesNotExist, Unit.DoesNotExist) as exc:
        error = " ".join(getattr(exc, "messages", [])) or _("Thao tác không hợp lệ.")
    else:
        messages.success(request, SUCCESS[action])
        return redirect("workflow:dossier", code=code)
    messages.error(request, error)
    dossier.refresh_from_db()
    context = {**detail_context(request, dossier), "failed_action": action, "posted": request.POST}
    return render(request, "dossiers/detail.html", context, status=200)
