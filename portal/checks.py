"""Deploy checks of our own (`manage.py check --deploy`, run by tests/portal/test_project.py)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def account_security(app_configs, **kwargs):
    problems = []
    if settings.ADMIN_URL.strip("/") == "admin":
        problems.append(Warning(
            "The Django admin is at the well-known /admin/.",
            hint="Set ADMIN_URL to a path of your own, and ADMIN_ALLOWED_IPS to the administrators' network "
                 "(docs/security.md).", id="portal.W001"))
    if not getattr(settings, "MFA_REQUIRED", True):
        problems.append(Warning("Staff and superusers sign in without a second step (MFA_REQUIRED is off).",
                                id="portal.W002"))
    return problems
