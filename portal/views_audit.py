"""The auditor's screen of the read audit log: search and export (issue 19, item 2)."""

import datetime

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .audit import audited_read, read_accesses_visible_to, role_label
from .exports import csv_bytes
from .models import ReadAccess
from .paging import page_of, query_without_page
from .permissions import audit_reader_required

PAGE_SIZE = 50
EXPORT_LIMIT = 50_000


class ReadAuditSearchForm(forms.Form):
    q = forms.CharField(label=_("Tài khoản, đối tượng hoặc địa chỉ IP"), required=False, max_length=100)
    action = forms.ChoiceField(label=_("Thao tác"), required=False,
                               choices=[("", _("Tất cả"))] + list(ReadAccess.Action.choices))
    outcome = forms.ChoiceField(label=_("Kết quả"), required=False,
                                choices=[("", _("Tất cả")), ("allowed", _("Được phép")), ("refused", _("Bị từ chối"))])
    date_from = forms.DateField(label=_("Từ ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("Đến ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("“Từ ngày” phải trước hoặc bằng “Đến ngày”."))
        return data

    def filter(self, qs):
        data = self.cleaned_data
        if data.get("q"):
            q = data["q"].strip()
            qs = qs.filter(username__icontains=q) | qs.filter(target__icontains=q) | qs.filter(path__icontains=q)
        if data.get("action"):
            qs = qs.filter(action=data["action"])
        if data.get("outcome"):
            qs = qs.filter(allowed=data["outcome"] == "allowed")
        tz = timezone.get_current_timezone()
        if data.get("date_from"):
            qs = qs.filter(at__gte=datetime.datetime.combine(data["date_from"], datetime.time.min, tzinfo=tz))
        if data.get("date_to"):
            qs = qs.filter(at__lt=datetime.datetime.combine(data["date_to"] + datetime.timedelta(days=1),
                                                            datetime.time.min, tzinfo=tz))
        return qs


def _wants_export(request):
    return request.GET.get("format") == "csv"


@audit_reader_required
@audited_read(ReadAccess.Action.EXPORT, when=_wants_export)
def read_audit(request):
    """Search the reads of personal data in the auditor's scope; `?format=csv` exports them
    (itself an export of personal data, so it is logged too)."""
    form = ReadAuditSearchForm(request.GET or None)
    qs = read_accesses_visible_to(request.user)
    if form.is_bound and form.is_valid():
        qs = form.filter(qs)
    elif form.is_bound:
        qs = qs.none()
    if _wants_export(request):
        header = [_("Thời điểm"), _("Tài khoản"), _("Vai trò"), _("Đơn vị"), _("Thao tác"), _("Đối tượng"),
                  _("Đường dẫn"), _("Địa chỉ IP"), _("Kết quả")]
        rows = ([timezone.localtime(r.at).isoformat(timespec="seconds"), r.username, str(role_label(r.role)),
                 r.unit.name if r.unit else "", r.get_action_display(), r.target, r.path, r.ip or "",
                 str(_("Được phép") if r.allowed else _("Bị từ chối"))] for r in qs[:EXPORT_LIMIT].iterator())
        response = HttpResponse(csv_bytes([str(h) for h in header], rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="nhat-ky-truy-cap-{timezone.localdate():%Y%m%d}.csv"'
        response["Cache-Control"] = "private, no-store"
        return response
    page = page_of(request, qs, PAGE_SIZE)
    for row in page.object_list:
        row.role_label = role_label(row.role)
    return render(request, "portal/read_audit.html",
                  {"form": form, "page": page, "query": query_without_page(request),
                   "export_query": query_without_page(request, "format")})
