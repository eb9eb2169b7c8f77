"""The bell (in-app notifications), notification preferences, and the supervisors' list of
notifications that could not be delivered."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from portal.models import Role
from portal.permissions import role_required, units_visible_to
from workflow.models import Notification, NotificationPreference
from workflow.notifications import outbox as notifications


@login_required
def notification_list(request):
    # The messages name their recipient: joined here, not read once per row while rendering.
    rows = notifications.inbox_of(request.user).select_related("recipient")
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    notifications.for_display(page.object_list)
    return render(request, "workflow/notifications.html", {"page": page})


def _next(request, default):
    target = request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


@login_required
@require_POST
def notification_read(request, pk):
    row = get_object_or_404(notifications.inbox_of(request.user), pk=pk)
    notifications.mark_read(user=request.user, pk=row.pk)
    if request.htmx:
        return render(request, "_bell.html", {"notification_unread": notifications.unread_count(request.user)})
    return redirect(_next(request, "workflow:notifications"))


@login_required
@require_POST
def notification_read_all(request):
    notifications.mark_read(user=request.user)
    return redirect(_next(request, "workflow:notifications"))


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = NotificationPreference
        fields = ["in_app", "email", "sms", "digest", "language"]
        help_texts = {"digest": gettext_lazy("Chỉ dành cho lãnh đạo và cán bộ giám sát.")}


@login_required
def notification_preferences(request):
    preference = notifications.preference_of(request.user)
    form = PreferenceForm(request.POST or None, instance=preference)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Đã lưu tùy chọn nhận thông báo."))
        return redirect("workflow:notification_preferences")
    return render(request, "workflow/notification_preferences.html", {"form": form})


def failures_visible_to(user):
    """Permanently failed notifications about dossiers of the supervisor's units, or addressed
    to staff of those units."""
    failed = Notification.objects.filter(failed_permanently=True).select_related("dossier", "recipient")
    if user.is_superuser:
        return failed
    units = units_visible_to(user, Role.SUPERVISOR).values("pk")
    return failed.filter(
        Q(dossier__receiving_unit__in=units) | Q(dossier__current_unit__in=units)
        | Q(dossier__isnull=True, recipient__memberships__unit__in=units)
    ).distinct()


@role_required(Role.SUPERVISOR)
def notification_failures(request):
    page = Paginator(failures_visible_to(request.user).order_by("-created_at", "-pk"), 50).get_page(
        request.GET.get("page"))
    return render(request, "workflow/notification_failures.html", {"page": page})


@role_required(Role.SUPERVISOR)
@require_POST
def notification_retry(request, pk):
    """Give a failed notification another round of attempts (after the address was fixed)."""
    row = get_object_or_404(failures_visible_to(request.user), pk=pk)
    with transaction.atomic():
        Notification.objects.filter(pk=row.pk, failed_permanently=True).update(
            failed_permanently=False, attempts=0, next_attempt_at=None, claimed_at=None, claim=None)
        transaction.on_commit(lambda: notifications.enqueue(row.pk))
    messages.success(request, _("Đã đưa thông báo vào hàng đợi gửi lại."))
    return redirect("workflow:notification_failures")
