"""Views of the printed reports: Form 05 and Form 04 of one dossier, the tracking book
(Form 06) of a unit. Scoped through the dossier selectors: outside the user's scope is 404."""

import datetime
import tempfile

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dossiers.models import Dossier
from dossiers.slips import render_counter_slip, signed_slip
from portal.audit import audit_subject, audited_read
from portal.db_router import replica_view
from portal.models import ReadAccess, Role
from portal.pdf import pdf_response
from portal.permissions import role_required, units_visible_to
from portal.selectors import current_unit
from workflow import policies
from workflow.forms import printed as reports
from workflow.policies import printable_dossier


def _dossier_or_404(request, code):
    try:
        dossier = printable_dossier(user=request.user, code=code)
    except Dossier.DoesNotExist:
        raise Http404 from None
    if dossier.received_at is None:
        # Not received yet: no book entry, no route, nothing to print.
        raise Http404
    return dossier


@login_required
@audited_read(ReadAccess.Action.SLIP)
def process_slip(request, code):
    """Form 05 for anyone who may see the dossier (staff in scope, the citizen who owns it)."""
    dossier = _dossier_or_404(request, code)
    audit_subject(request, dossier=dossier)
    pdf = signed_slip(reports.render_process_slip(dossier, request), unit=dossier.receiving_unit,
                      title=_("Phiếu kiểm soát quá trình giải quyết hồ sơ (mẫu 05)"), dossier=dossier,
                      actor=request.user)
    return pdf_response(pdf, filename=f"phieu-kiem-soat-{dossier.code}")


@login_required
@audited_read(ReadAccess.Action.SLIP)
def apology_pdf(request, code):
    """Form 04, only once the leader approved it: a draft is not sent to anyone."""
    dossier = _dossier_or_404(request, code)
    audit_subject(request, dossier=dossier)
    apology = reports.approved_apology(dossier)
    if apology is None:
        raise Http404
    apology.dossier = dossier
    pdf = signed_slip(reports.render_apology(apology, request), unit=apology.unit,
                      title=_("Phiếu xin lỗi và hẹn lại ngày trả kết quả (mẫu 04)"), dossier=dossier,
                      actor=request.user)
    return pdf_response(pdf, filename=f"phieu-xin-loi-{dossier.code}")


@login_required
@audited_read(ReadAccess.Action.SLIP)
def dossier_slip_pdf(request, code, pk):
    """Form 02 or 03 issued for a dossier (the counter's check of an online dossier, or a
    supplement asked during processing): for the applicant who owns the dossier and the
    staff who may see it (workflow.policies.printable_dossier), like the dossier's other
    papers. A slip of another dossier, or of a dossier the user may not see, is 404."""
    try:
        dossier = printable_dossier(user=request.user, code=code)
    except Dossier.DoesNotExist:
        raise Http404 from None
    slip = dossier.slips.select_related("unit", "unit__parent", "clerk", "procedure_version__procedure").filter(
        pk=pk).first()
    if slip is None:
        raise Http404
    audit_subject(request, dossier=dossier, target=f"{slip.get_kind_display()} {slip.number}")
    title = (_("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (mẫu 02)") if slip.kind == slip.Kind.COMPLETION
             else _("Phiếu từ chối tiếp nhận giải quyết hồ sơ (mẫu 03)"))
    pdf = signed_slip(render_counter_slip(slip, request), unit=slip.unit, title=title, dossier=dossier,
                      actor=request.user)
    return pdf_response(pdf, filename=f"phieu-{slip.kind}-{dossier.code}-{slip.pk}")


# --- Form 06: the tracking book --------------------------------------------------------------

# Dates outside these years are typing mistakes; they would also overflow when converted to
# UTC at the edges of the calendar.
FIRST_YEAR, LAST_YEAR = 2000, 2100
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PREVIEW_ROWS = 100


class TrackingBookForm(forms.Form):
    """Which unit's book and which period. The unit list is the user's scope: a unit outside
    it is an invalid choice, never a 404 that would tell it exists."""

    unit = forms.ModelChoiceField(
        label=gettext_lazy("Đơn vị"), queryset=None, to_field_name="code",
        error_messages={
            "required": gettext_lazy("Hãy chọn đơn vị."),
            "invalid_choice": gettext_lazy("Bạn không được xem sổ theo dõi của đơn vị này."),
        },
    )
    date_from = forms.DateField(
        label=gettext_lazy("Từ ngày"), input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": gettext_lazy("Hãy nhập ngày bắt đầu."),
                        "invalid": gettext_lazy("Ngày không hợp lệ, hãy nhập theo dạng ngày/tháng/năm.")},
    )
    date_to = forms.DateField(
        label=gettext_lazy("Đến ngày"), input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": gettext_lazy("Hãy nhập ngày kết thúc."),
                        "invalid": gettext_lazy("Ngày không hợp lệ, hãy nhập theo dạng ngày/tháng/năm.")},
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units.order_by("path")
        self.fields["unit"].label_from_instance = lambda unit: unit.name

    def _clean_year(self, name):
        value = self.cleaned_data[name]
        if not FIRST_YEAR <= value.year <= LAST_YEAR:
            raise forms.ValidationError(
                _("Hãy chọn ngày trong khoảng từ năm %(first)s đến năm %(last)s.")
                % {"first": FIRST_YEAR, "last": LAST_YEAR}
            )
        return value

    def clean_date_from(self):
        return self._clean_year("date_from")

    def clean_date_to(self):
        return self._clean_year("date_to")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end:
            if start > end:
                self.add_error("date_to", _("Ngày kết thúc phải sau hoặc trùng ngày bắt đầu."))
            elif (end - start).days + 1 > reports.MAX_PERIOD_DAYS:
                self.add_error("date_to", _("Mỗi lần xuất sổ tối đa %(days)s ngày. Hãy chọn khoảng thời gian ngắn hơn.")
                               % {"days": reports.MAX_PERIOD_DAYS})
        return cleaned


def _book_defaults(request, units):
    """The current month of the unit the user works for now."""
    today = timezone.localdate()
    first = today.replace(day=1)
    last = (first + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    unit = current_unit(request=request)
    if unit is None or not units.filter(pk=unit.pk).exists():
        unit = units.order_by("path").first()
    return {"unit": unit.code if unit else "", "date_from": first.isoformat(), "date_to": last.isoformat()}


def _book_filename(unit, start, end, extension):
    return f"so-theo-doi-{unit.code}-{start:%Y%m%d}-{end:%Y%m%d}.{extension}"


@audited_read(ReadAccess.Action.EXPORT, when=lambda request: request.GET.get("format") in ("xlsx", "pdf"))
@role_required(Role.CLERK, Role.LEADER, Role.SUPERVISOR)
@replica_view
def tracking_book(request):
    """Form 06 of a unit for a period: a preview, and the book as PDF or XLSX (?format=)."""
    units = units_visible_to(request.user, *policies.DOSSIER_ROLES)
    data = request.GET.copy()
    for key, value in _book_defaults(request, units).items():
        data.setdefault(key, value)
    form = TrackingBookForm(data, units=units)
    export = request.GET.get("format")
    context = {"form": form, "rows": None, "total": 0, "preview_limit": PREVIEW_ROWS}
    if form.is_valid():
        unit, start, end = (form.cleaned_data[k] for k in ("unit", "date_from", "date_to"))
        dossiers = reports.tracking_book_dossiers(user=request.user, unit=unit, date_from=start, date_to=end)
        audit_subject(request, target=f"{unit.code} {start:%Y-%m-%d} {end:%Y-%m-%d} {export or ''}")
        if export == "xlsx":
            # Written to a temporary file (openpyxl write-only) and streamed from there.
            spool = tempfile.TemporaryFile()
            reports.write_tracking_book_xlsx(spool, unit=unit, date_from=start, date_to=end, dossiers=dossiers)
            spool.seek(0)
            response = FileResponse(spool, as_attachment=True, content_type=XLSX_TYPE,
                                    filename=_book_filename(unit, start, end, "xlsx"))
            response["Cache-Control"] = "private, no-store"
            return response
        total = dossiers.count()
        if export == "pdf":
            if total <= reports.PDF_ROW_LIMIT:
                pdf = reports.render_tracking_book_pdf(unit=unit, date_from=start, date_to=end, dossiers=dossiers,
                                                       request=request)
                return pdf_response(pdf, filename=_book_filename(unit, start, end, "pdf"), inline=False)
            form.add_error(None, _("Sổ có %(total)s hồ sơ, quá nhiều để in một lần (tối đa %(limit)s). Hãy chọn "
                                   "khoảng thời gian ngắn hơn hoặc tải tệp Excel.")
                           % {"total": total, "limit": reports.PDF_ROW_LIMIT})
        context.update(unit=unit, date_from=start, date_to=end, total=total,
                       rows=list(reports.book_rows(dossiers[:PREVIEW_ROWS])))
    return render(request, "workflow/tracking_book.html", context)
