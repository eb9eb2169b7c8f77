"""The Django admin, for superusers only, after the second sign-in step (issue 19 item 6).

It lives at settings.ADMIN_URL (not the well-known /admin/ when a site changes it) and, when
settings.ADMIN_ALLOWED_IPS is set, only answers those addresses
(portal.middleware.AdminAccessMiddleware). Its own sign-in page is not used: everybody signs
in through the portal's page, with its throttling and its second step.
"""

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import reverse


class PortalAdminSite(admin.AdminSite):
    def has_permission(self, request):
        user = request.user
        verified = getattr(user, "is_verified", lambda: False)()
        return bool(user.is_active and user.is_superuser and verified)

    def login(self, request, extra_context=None):
        next_url = request.GET.get("next") or reverse("admin:index")
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(next_url, reverse("login"))
        if user.is_superuser and not user.is_verified():
            return redirect_to_login(next_url, reverse("mfa_verify"))
        # Staff and citizens get real screens, never the admin.
        raise PermissionDenied
