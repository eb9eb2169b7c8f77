from django.contrib import admin

from .models import CitizenProfile, DraftFile, Feedback, OnlineDraft, Payment, PaymentCallback, Rating


@admin.register(CitizenProfile)
class CitizenProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "email_verified_at", "phone_verified_at", "created_by"]
    raw_id_fields = ["user", "created_by"]


class DraftFileInline(admin.TabularInline):
    model = DraftFile
    extra = 0
    raw_id_fields = ["requirement", "source_file"]


@admin.register(OnlineDraft)
class OnlineDraftAdmin(admin.ModelAdmin):
    list_display = ["pk", "citizen", "version", "step", "state", "updated_at"]
    list_filter = ["state"]
    raw_id_fields = ["citizen", "version", "unit", "dossier"]
    inlines = [DraftFileInline]


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = ["reference", "dossier", "amount", "method", "state", "paid_at"]
    list_filter = ["state", "method"]
    search_fields = ["reference", "dossier__code"]
    raw_id_fields = ["dossier", "payer", "recorded_by"]


@admin.register(PaymentCallback)
class PaymentCallbackAdmin(admin.ModelAdmin):
    list_display = ["received_at", "provider", "payment", "outcome", "remote_addr"]
    list_filter = ["outcome", "provider"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = ["dossier", "score", "created_at"]
    list_filter = ["score"]
    raw_id_fields = ["dossier", "citizen"]


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ["tracking_code", "kind", "subject", "created_at", "due_at", "answered_at"]
    search_fields = ["tracking_code", "subject"]
    raw_id_fields = ["sender", "answered_by", "unit", "procedure"]
