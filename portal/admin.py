from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from .models import Membership, Unit, UnitLevel, User, WorkPeriod, WorkSchedule


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = BaseUserAdmin.fieldsets + ((None, {"fields": ("full_name", "personal_id", "phone")}),)
    list_display = ("username", "full_name", "email", "personal_id", "is_active", "is_superuser")
    search_fields = ("username", "full_name", "email", "personal_id")


@admin.register(UnitLevel)
class UnitLevelAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "tier", "is_administrative")


class WorkPeriodInline(admin.TabularInline):
    model = WorkPeriod
    extra = 0


@admin.register(WorkSchedule)
class WorkScheduleAdmin(admin.ModelAdmin):
    list_display = ("name", "is_default", "forwarding_cutoff")
    inlines = [WorkPeriodInline]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Unit)
class UnitAdmin(SimpleHistoryAdmin):
    list_display = ("name", "code", "level", "parent", "valid_from", "valid_to")
    list_filter = ("level",)
    search_fields = ("name", "code")
    autocomplete_fields = ["parent", "successor"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ("user", "unit", "role", "is_head", "valid_from", "valid_to")
    list_filter = ("role",)
    search_fields = ("user__username", "user__full_name", "unit__name")
    autocomplete_fields = ["user", "unit"]


# Working-day calendar: compensatory days off and make-up working Saturdays (portal.workdays).
from .models import CalendarException  # noqa: E402


@admin.register(CalendarException)
class CalendarExceptionAdmin(SimpleHistoryAdmin):
    list_display = ("date", "is_working_day", "reason", "unit")
    list_filter = ("is_working_day",)
    search_fields = ("reason", "unit__name", "unit__code")
    date_hierarchy = "date"
    autocomplete_fields = ["unit"]
