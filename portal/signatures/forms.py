from django import forms
from django.utils.translation import gettext_lazy as _

from portal.models import Unit


class CertificateUploadForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Đơn vị"), queryset=Unit.objects.none())
    file = forms.FileField(label=_("Tệp PKCS#12 (.p12, .pfx)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".p12,.pfx,application/x-pkcs12"}))
    # Never shown again, never stored: it only opens the file once.
    password = forms.CharField(label=_("Mật khẩu của tệp"), required=False,
                               widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.active().order_by("path")


class TrustAnchorForm(forms.Form):
    file = forms.FileField(label=_("Chứng thư gốc (PEM hoặc DER)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".pem,.crt,.cer,.der"}))
    name = forms.CharField(label=_("Tên"), max_length=255, required=False)

    def __init__(self, *args, **kwargs):
        # Shown on the same page as CertificateUploadForm, which also has a "file": ids must differ.
        kwargs.setdefault("auto_id", "trust_%s")
        super().__init__(*args, **kwargs)
