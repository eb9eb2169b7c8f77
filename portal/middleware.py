import ipaddress
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from .clientip import client_in_networks


class LanguageMiddleware:
    """Vietnamese unless the user chose another language with the header's switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language, so a citizen whose
    phone is set to English would land on an English portal they never asked for; the
    portal is Vietnamese first, so only the explicit choice (a cookie) changes it."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie",))
        return response


class MfaRequiredMiddleware:
    """Staff and superusers past the password but not the second step (portal/mfa.py) reach
    nothing but the second step itself, sign-out and the language switch."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from .mfa import has_device, mfa_required

        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not self._exempt(request.path) and mfa_required(user) \
                and not user.is_verified():
            target = "mfa_verify" if has_device(user) else "mfa_setup"
            return redirect_to_login(request.get_full_path(), reverse(target))
        return self.get_response(request)

    @staticmethod
    def _exempt(path):
        exempt = [reverse("mfa_verify"), reverse("mfa_setup"), reverse("logout"), reverse("set_language"),
                  reverse("healthz"), settings.STATIC_URL]
        return any(path.startswith(prefix) for prefix in exempt)


class SessionTimeoutMiddleware:
    """Signed-in sessions end after a time without activity (SESSION_IDLE_TIMEOUT_STAFF, 15
    minutes by default, for the shared PCs of the counters; SESSION_IDLE_TIMEOUT for
    citizens) and, whatever the activity, SESSION_ABSOLUTE_LIFETIME after the sign-in."""

    STARTED, SEEN = "auth_started_at", "auth_seen_at"

    def __init__(self, get_response):
        self.get_response = get_response

    @classmethod
    def stamp_login(cls, sender, request, user, **kwargs):
        """user_logged_in: the session's clocks start at the sign-in (and the first page after
        it need not write the session again)."""
        if request is not None and hasattr(request, "session"):
            now = int(time.time())
            request.session[cls.STARTED] = request.session[cls.SEEN] = now

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            expired = self._expired(request, user)
            if expired:
                logout(request)
                messages.info(request, _("Phiên làm việc đã hết hạn vì lâu không thao tác. Vui lòng đăng nhập lại.")
                              if expired == "idle" else _("Phiên làm việc đã quá thời hạn. Vui lòng đăng nhập lại."))
                return redirect_to_login(request.get_full_path())
        return self.get_response(request)

    def _expired(self, request, user):
        from .mfa import mfa_required

        session = request.session
        now = int(time.time())
        started = session.setdefault(self.STARTED, now)
        seen = session.get(self.SEEN, now)
        idle = settings.SESSION_IDLE_TIMEOUT_STAFF if mfa_required(user) else settings.SESSION_IDLE_TIMEOUT
        if now - started >= settings.SESSION_ABSOLUTE_LIFETIME:
            return "absolute"
        if now - seen > idle:
            return "idle"
        # Written at most once a minute, so that most requests do not save the session.
        if now - seen >= 60 or self.SEEN not in session:
            session[self.SEEN] = now
        return None


class AdminAccessMiddleware:
    """The admin (at settings.ADMIN_URL) answers only the addresses of ADMIN_ALLOWED_IPS
    (addresses or networks) when that list is set; any other visitor gets a plain 404."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.networks = [ipaddress.ip_network(item, strict=False) for item in settings.ADMIN_ALLOWED_IPS]
        self.prefix = "/" + settings.ADMIN_URL.strip("/") + "/"

    def __call__(self, request):
        if self.networks and request.path.startswith(self.prefix) and not self._allowed(request):
            raise Http404
        return self.get_response(request)

    def _allowed(self, request):
        return client_in_networks(request, self.networks)


class PermissionsPolicyMiddleware:
    """The Permissions-Policy header (settings.PERMISSIONS_POLICY) on every answer."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(settings, "PERMISSIONS_POLICY", "")
        if policy:
            response.setdefault("Permissions-Policy", policy)
        return response
