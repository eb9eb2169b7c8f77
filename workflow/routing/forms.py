from django import forms
from django.utils.translation import gettext_lazy as _

from dossiers.models import Status
from portal.forms import PlainFieldsMixin


class InboxFilterForm(PlainFieldsMixin, forms.Form):
    DUE_CHOICES = [("", _("Tất cả")), ("soon", _("Sắp đến hạn (1 ngày làm việc)")), ("overdue", _("Quá hạn"))]

    # Rendered field by field in workflow/inbox.html (the officers' busiest page), not by crispy.
    status = forms.ChoiceField(label=_("Trạng thái"), required=False,
                               choices=[("", _("Tất cả"))] + [(s.value, s.label) for s in (
                                   Status.RECEIVED, Status.PROCESSING, Status.SUPPLEMENT_REQUESTED,
                                   Status.PAYMENT_REQUESTED, Status.RESULT_READY)],
                               widget=forms.Select(attrs={"class": "form-select"}))
    due = forms.ChoiceField(label=_("Hạn xử lý"), required=False, choices=DUE_CHOICES,
                            widget=forms.Select(attrs={"class": "form-select"}))
    procedure = forms.CharField(label=_("Mã thủ tục"), required=False, max_length=40,
                                widget=forms.TextInput(attrs={"class": "form-control"}))
    mine = forms.BooleanField(label=_("Chỉ hồ sơ giao cho tôi"), required=False,
                              widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))
