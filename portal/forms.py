from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from . import throttle


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Số định danh, thư điện tử hoặc tên đăng nhập"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username", "autocapitalize": "none"}),
    )
    password = forms.CharField(
        label=_("Mật khẩu"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": _("Tên đăng nhập hoặc mật khẩu không đúng. Lưu ý chữ hoa và chữ thường."),
        "inactive": _("Tài khoản này đã bị khóa."),
    }
    locked_until = None  # set when the attempt was refused because of a lock (the view answers 429)

    def clean(self):
        """Refuse at once while the account or the address is locked; count a failure under
        both, whatever identifier was typed for the account (portal/throttle.py)."""
        username = self.cleaned_data.get("username")
        if username is None or self.request is None:
            return super().clean()
        pairs = [(throttle.LOGIN_ACCOUNT, throttle.account_key(username)),
                 (throttle.LOGIN_IP, throttle.ip_key(self.request))]
        until = throttle.locked(pairs)
        if until is not None:
            throttle.refused(self.request, until, "login")
            self.locked_until = until
            raise forms.ValidationError(throttle.login_locked_message(until), code="locked")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            if self.user_cache is None:  # a wrong password, not an inactive account
                until = throttle.fail(pairs, request=self.request)
                if until is not None:
                    self.locked_until = until
                    raise forms.ValidationError(throttle.login_locked_message(until), code="locked") from None
            raise
        throttle.clear(pairs[:1])
        return cleaned


class PlainFieldsMixin:
    """For forms written out field by field with templates/_plain_field.html instead of crispy
    (the busiest pages): a wrong field points at its message (Django marks it aria-invalid)."""

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["aria-describedby"] = f"id_{name}_error"
