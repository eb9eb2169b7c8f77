from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from . import mfa, views, views_audit
from .health import healthz
from .metrics import metrics

urlpatterns = [
    path("", views.index, name="index"),
    path("home/", views.home, name="home"),
    path("healthz/", healthz, name="healthz"),
    path("metrics", metrics, name="metrics"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/password_reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/mfa/", mfa.verify, name="mfa_verify"),
    path("accounts/mfa/setup/", mfa.setup, name="mfa_setup"),
    path("accounts/mfa/recovery-codes/", mfa.recovery_codes, name="mfa_recovery_codes"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("audit/reads/", views_audit.read_audit, name="read_audit"),
    path("units/", views.unit_list, name="unit_list"),
    path("units/switch/", views.switch_unit, name="switch_unit"),
    path("units/<str:code>/", views.unit_detail, name="unit_detail"),
    path("api/v1/", include("portal.api.urls")),
    path("", include("portal.api.admin_urls")),
    path("", include("workflow.api.urls")),
    path("", include("portal.signatures.urls")),
    path("", include("procedures.urls")),
    path("", include("dossiers.urls")),
    path("", include("workflow.urls")),
    path("", include("citizens.urls")),
    path(settings.ADMIN_URL, admin.site.urls),
]

handler403 = "portal.views.error_403"
handler404 = "portal.views.error_404"
handler500 = "portal.views.error_500"
