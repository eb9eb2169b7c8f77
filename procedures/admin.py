"""Django admin for superusers only; editors use the catalogue screens."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    ComponentRequirement,
    Fee,
    Field,
    ImportJob,
    LegalDocument,
    Procedure,
    ProcedureMethod,
    ProcedureVersion,
    RouteStep,
)


@admin.register(Field)
class FieldAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(LegalDocument)
class LegalDocumentAdmin(SimpleHistoryAdmin):
    list_display = ["number", "title", "issuer", "effective_from", "expired_on", "replaced_by"]
    search_fields = ["number", "title"]
    raw_id_fields = ["replaced_by"]


class VersionInline(admin.TabularInline):
    model = ProcedureVersion
    fields = ["number", "status", "effective_from", "effective_to", "name"]
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = ["national_code", "name", "field", "managing_unit"]
    list_filter = ["field"]
    search_fields = ["national_code", "search_text"]
    inlines = [VersionInline]


class MethodInline(admin.TabularInline):
    model = ProcedureMethod
    extra = 0


class FeeInline(admin.TabularInline):
    model = Fee
    extra = 0


class ComponentInline(admin.TabularInline):
    model = ComponentRequirement
    extra = 0


class StepInline(admin.TabularInline):
    model = RouteStep
    extra = 0


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(SimpleHistoryAdmin):
    list_display = ["procedure", "number", "status", "effective_from", "effective_to", "online_level"]
    list_filter = ["status", "online_level", "time_unit"]
    search_fields = ["procedure__national_code", "name"]
    raw_id_fields = ["procedure", "created_by", "published_by"]
    filter_horizontal = ["implementing_units", "receiving_units", "legal_documents"]
    inlines = [MethodInline, FeeInline, ComponentInline, StepInline]


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ["original_name", "status", "total_rows", "processed_rows", "created_by", "created_at"]
    readonly_fields = ["errors", "summary"]
