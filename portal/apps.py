from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Hệ thống và tổ chức")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from . import checks  # noqa: F401  (registers the deploy checks)
        from .middleware import SessionTimeoutMiddleware

        user_logged_in.connect(SessionTimeoutMiddleware.stamp_login, dispatch_uid="session-timeout-login")
        from django.core.signals import request_finished, request_started
        from django.db.models.signals import post_delete, post_save

        from .models import CalendarException, Membership, Unit, UnitLevel, User, WorkPeriod, WorkSchedule
        from .permissions import units_changed, user_changed
        from .workdays.unit_calendars import begin_request_calendars, end_request_calendars, forget_calendars

        request_started.connect(begin_request_calendars, dispatch_uid="calendars-begin")
        request_finished.connect(end_request_calendars, dispatch_uid="calendars-end")
        for model in (WorkSchedule, WorkPeriod, CalendarException, Unit):
            post_save.connect(forget_calendars, sender=model, dispatch_uid=f"calendars-{model.__name__}-save")
            post_delete.connect(forget_calendars, sender=model,
                                dispatch_uid=f"calendars-{model.__name__}-delete")
        # The memberships kept between requests (portal/permissions.py).
        for model, receiver in ((Membership, user_changed), (User, user_changed), (Unit, units_changed),
                                (UnitLevel, units_changed)):
            post_save.connect(receiver, sender=model, dispatch_uid=f"memberships-{model.__name__}-save")
            post_delete.connect(receiver, sender=model, dispatch_uid=f"memberships-{model.__name__}-delete")


class PortalAdminConfig(admin_apps.AdminConfig):
    """The admin site of portal/admin_site.py (superusers past the second step only)."""

    default = False  # portal's own config stays PortalConfig
    default_site = "portal.admin_site.PortalAdminSite"
