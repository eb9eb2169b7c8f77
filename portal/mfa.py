"""Two-step sign-in for staff and superusers (issue 19 item 6; security level 3: MFA for
administrators and remote access).

After the password, anyone who holds a staff role (a membership), `is_staff` or `is_superuser`
must give a code from an authenticator app (TOTP, django-otp) or one of their one-time
recovery codes (django-otp static tokens) before any other page opens
(portal.middleware.MfaRequiredMiddleware). On their first sign-in they set the app up: the page
shows a QR code and the key, they type the first code, and get 10 recovery codes, shown once.
Citizens are not asked (their accounts hold only their own data; national sign-in covers
the stronger case).
"""

import base64

import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_otp import devices_for_user, match_token
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import throttle
from .permissions import is_staff_member

RECOVERY_CODES = 10
SETUP_DEVICE_NAME = "authenticator"


def mfa_required(user):
    """Whether `user` must pass the second step: staff (by role), `is_staff` and superusers."""
    if not getattr(user, "is_authenticated", False):
        return False
    if not getattr(settings, "MFA_REQUIRED", True):
        return False
    return bool(user.is_superuser or user.is_staff or is_staff_member(user))


def has_device(user):
    return any(True for _device in devices_for_user(user, confirmed=True))


def _next_url(request):
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return candidate
    return reverse("home")


class TokenForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("Mã xác thực"), max_length=16,
        help_text=gettext_lazy("6 số trong ứng dụng xác thực trên điện thoại, hoặc một mã dự phòng."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True,
                                      "spellcheck": "false"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["token"].error_messages["required"] = _("Vui lòng nhập mã xác thực.")

    def clean_token(self):
        return "".join(self.cleaned_data["token"].split()).lower()


def _check(request, form, verify):
    """Run `verify(token)` under the per-account lock; add the error to `form` when it fails.
    Returns (device or None, status)."""
    pairs = [(throttle.MFA_ACCOUNT, throttle.user_key(request.user))]
    until = throttle.locked(pairs)
    if until is not None:
        throttle.refused(request, until, "mfa")
        form.add_error(None, _("Xác thực hai bước tạm bị khóa vì đã nhập sai mã quá nhiều lần.") + " "
                       + throttle.wait_message(until))
        return None, 429
    device = verify(form.cleaned_data["token"])
    if device is None:
        until = throttle.fail(pairs, request=request)
        form.add_error("token", _("Mã xác thực không đúng hoặc đã hết hạn."))
        return None, 429 if until is not None else 200
    throttle.clear(pairs)
    return device, 200


@login_required
def verify(request):
    """The second step of sign-in."""
    if not mfa_required(request.user) or request.user.is_verified():
        return redirect(_next_url(request))
    if not has_device(request.user):
        return redirect(reverse("mfa_setup") + "?next=" + _next_url(request))
    form = TokenForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        device, status = _check(request, form, lambda token: match_token(request.user, token))
        if device is not None:
            otp_login(request, device)
            if isinstance(device, StaticDevice):
                messages.warning(request, _("Bạn vừa dùng một mã dự phòng; còn %(left)s mã. Hãy tạo bộ mã mới nếu "
                                            "sắp hết.") % {"left": device.token_set.count()})
            return redirect(_next_url(request))
    return render(request, "registration/mfa_verify.html", {"form": form, "next": _next_url(request)}, status=status)


def _qr_svg(url):
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    # Inline in the page: the SVG element alone, without the XML declaration (not valid in HTML).
    return image.to_string(encoding="unicode")


@login_required
def setup(request):
    """First sign-in of a staff member: set an authenticator app up, then get recovery codes."""
    user = request.user
    if not mfa_required(user):
        return redirect("home")
    if has_device(user) and not user.is_verified():
        return redirect(reverse("mfa_verify") + "?next=" + _next_url(request))
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=SETUP_DEVICE_NAME, confirmed=False)
    form = TokenForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        accepted, status = _check(request, form, lambda token: device if device.verify_token(token) else None)
        if accepted is not None:
            with transaction.atomic():
                # One authenticator per account: a new one replaces the old (lost phone).
                TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                codes = recovery_codes_issue(user=user)
            otp_login(request, device)
            return render(request, "registration/mfa_recovery_codes.html", {"codes": codes, "next": _next_url(request)})
    key = base64.b32encode(device.bin_key).decode()
    grouped_key = " ".join(key[i:i + 4] for i in range(0, len(key), 4))
    context = {"form": form, "qr": _qr_svg(device.config_url), "key": grouped_key,
               "next": _next_url(request)}
    return render(request, "registration/mfa_setup.html", context, status=status)


@transaction.atomic
def recovery_codes_issue(*, user):
    """A new set of one-time recovery codes for `user` (the old ones stop working)."""
    device, _created = StaticDevice.objects.get_or_create(user=user, name="recovery", defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@require_POST
@login_required
def recovery_codes(request):
    """Replace the recovery codes (a verified session only: the middleware sees to that)."""
    if not mfa_required(request.user):
        return redirect("home")
    if not request.user.is_verified():
        return redirect_to_login(request.get_full_path(), reverse("mfa_verify"))
    codes = recovery_codes_issue(user=request.user)
    return render(request, "registration/mfa_recovery_codes.html", {"codes": codes, "next": reverse("home")})
