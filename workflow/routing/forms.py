from django import forms
from django.utils.translation import gettext_lazy as _

from dossiers.models import StatusGroup
from portal.forms import PlainFieldsMixin
from workflow.deadlines.windows import due_soon_label


def _due_choices():
    """"Due soon" as workflow/deadlines/windows.py defines it for the dashboard and the sweep."""
    return [("", _("Tất cả")), ("soon", due_soon_label()), ("overdue", _("Quá hạn"))]


class InboxFilterForm(PlainFieldsMixin, forms.Form):
    # Rendered field by field in workflow/inbox.html (the officers' busiest page), not by crispy.
    status = forms.ChoiceField(label=_("Trạng thái"), required=False,
                               choices=[("", _("Tất cả"))] + [(s.value, s.label) for s in StatusGroup.IN_HAND],
                               widget=forms.Select(attrs={"class": "form-select"}))
    due = forms.ChoiceField(label=_("Hạn xử lý"), required=False, choices=_due_choices,
                            widget=forms.Select(attrs={"class": "form-select"}))
    procedure = forms.CharField(label=_("Mã thủ tục"), required=False, max_length=40,
                                widget=forms.TextInput(attrs={"class": "form-control"}))
    mine = forms.BooleanField(label=_("Chỉ hồ sơ giao cho tôi"), required=False,
                              widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))
