from django import forms
from django.utils.translation import gettext_lazy as _

from portal.models import Unit

from .models import Scope, WebhookEvent


class ApiClientForm(forms.Form):
    name = forms.CharField(label=_("Tên hệ thống"), max_length=150)
    unit = forms.ModelChoiceField(label=_("Đơn vị"), queryset=Unit.objects.none())
    scopes = forms.MultipleChoiceField(label=_("Quyền"), choices=Scope.choices, widget=forms.CheckboxSelectMultiple)
    webhook_url = forms.URLField(label=_("Địa chỉ nhận webhook"), required=False, assume_scheme="https",
                                 help_text=_("Để trống nếu hệ thống không nhận webhook."))
    webhook_events = forms.MultipleChoiceField(label=_("Sự kiện gửi webhook"), choices=WebhookEvent.choices,
                                               widget=forms.CheckboxSelectMultiple, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.active().order_by("path")

    def clean(self):
        data = super().clean()
        if data.get("webhook_events") and not data.get("webhook_url"):
            self.add_error("webhook_url", _("Hãy nhập địa chỉ nhận webhook cho các sự kiện đã chọn."))
        return data
