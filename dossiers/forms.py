from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from portal import money
from portal.forms import PlainFieldsMixin

from . import fees
from .models import LOOKUP_SECRET_LENGTH, normalise_lookup_secret


class LookupForm(PlainFieldsMixin, forms.Form):
    code = forms.CharField(
        label=_("Mã hồ sơ"),
        max_length=64,
        widget=forms.TextInput(attrs={"placeholder": "H56.20.01-261122-0001", "autocapitalize": "characters",
                                      "autocomplete": "off", "class": "form-control"}),
    )
    secret = forms.CharField(
        label=_("Mã tra cứu in trên giấy tiếp nhận"),
        max_length=24,
        widget=forms.TextInput(attrs={"placeholder": "K7Q2M-9XH4T", "autocapitalize": "characters",
                                      "autocomplete": "off", "spellcheck": "false", "class": "form-control"}),
    )

    def clean_code(self):
        return self.cleaned_data["code"].strip().upper()

    def clean_secret(self):
        secret = normalise_lookup_secret(self.cleaned_data["secret"])
        # 10 characters since issue 19; receipts printed before carry 6 digits.
        if len(secret) != LOOKUP_SECRET_LENGTH and not (len(secret) == 6 and secret.isdigit()):
            raise forms.ValidationError(_("Nhập mã tra cứu gồm 10 ký tự in trên giấy tiếp nhận (ví dụ K7Q2M-9XH4T)."))
        return secret


class CounterSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Tìm hồ sơ"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("Mã hồ sơ, họ tên hoặc số định danh"), "class": "form-control"}),
    )


class ResultCheckForm(PlainFieldsMixin, forms.Form):
    file = forms.FileField(
        label=_("Văn bản kết quả (PDF)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf", "class": "form-control"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.UPLOAD_MAX_BYTES:
            raise forms.ValidationError(_("Tệp quá lớn (tối đa %(limit)s).")
                                        % {"limit": filesizeformat(settings.UPLOAD_MAX_BYTES)})
        head = upload.read(1024)
        if b"%PDF-" not in head:
            raise forms.ValidationError(_("Tệp không phải PDF (kiểm tra theo nội dung tệp, không theo tên tệp)."))
        upload.seek(0)
        self.cleaned_data["data"] = upload.read()
        return upload


def optional_fee_field(fee):
    """How many of what an optional fee pays for (copies of the extract): 0 to MAX_COPIES, 0
    by default — asked, never charged unless the applicant says so (dossiers/fees.py)."""
    price = fee.amount_text or _("%(amount)s đồng") % {"amount": money.vnd(fee.amount)}
    return forms.IntegerField(
        label=_("%(name)s — số bản yêu cầu") % {"name": fee.name}, min_value=0, max_value=fees.MAX_COPIES,
        initial=0, required=False,
        help_text=_("Không bắt buộc; chỉ thu khi người nộp yêu cầu: %(price)s") % {"price": price},
        error_messages={"invalid": _("Nhập số bản là một số nguyên."),
                        "min_value": _("Số bản không được âm."),
                        "max_value": _("Nhiều nhất %(limit_value)s bản.")},
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class OptionalFeesMixin:
    """A form that asks, for each optional fee of the procedure, how many (citizen's delivery
    step, counter reception)."""

    @staticmethod
    def field_name(fee):
        return f"fee_{fee.pk}"

    def add_optional_fees(self, optional_fees):
        for fee in optional_fees:
            self.fields[self.field_name(fee)] = optional_fee_field(fee)

    def optional_fee_fields(self):
        """The bound fields, for templates."""
        return [self[name] for name in self.fields if name.startswith("fee_")]

    def requested_quantities(self):
        """{fee pk: quantity} of what was asked for."""
        return {int(name[4:]): value for name, value in self.cleaned_data.items()
                if name.startswith("fee_") and value}
