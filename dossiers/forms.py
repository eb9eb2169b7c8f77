from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from portal.forms import PlainFieldsMixin


class LookupForm(PlainFieldsMixin, forms.Form):
    code = forms.CharField(
        label=_("Mã hồ sơ"),
        max_length=64,
        widget=forms.TextInput(attrs={"placeholder": "H56.20.01-261122-0001", "autocapitalize": "characters",
                                      "autocomplete": "off", "class": "form-control"}),
    )
    secret = forms.CharField(
        label=_("4 số cuối điện thoại người nộp hoặc mã tra cứu 6 số in trên giấy tiếp nhận"),
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "class": "form-control"}),
    )

    def clean_code(self):
        return self.cleaned_data["code"].strip().upper()

    def clean_secret(self):
        digits = "".join(ch for ch in self.cleaned_data["secret"] if ch.isdigit())
        if len(digits) not in (4, 6):
            raise forms.ValidationError(_("Nhập 4 số cuối số điện thoại hoặc mã tra cứu gồm 6 chữ số."))
        return digits


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
