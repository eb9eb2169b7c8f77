"""Operations screens of the integration: the webhook delivery log (administrators) and the
national-portal sync (supervisors: backlog and failures of their units), both with re-send."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.api.models import ApiClient
from portal.models import Role
from portal.permissions import api_admin_required, role_required, units_visible_to
from workflow.models import NotificationChannel

from .national import last_pull
from .outbound import backlog, deliveries, outbound_resend


@api_admin_required
def delivery_log(request):
    rows = deliveries(channel=NotificationChannel.WEBHOOK)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    names = dict(ApiClient.objects.values_list("pk", "name"))
    for row in page.object_list:
        row.client_name = names.get((row.context or {}).get("client"), "")
    return render(request, "workflow/api/deliveries.html", {"page": page, "backlog": backlog(rows)})


@require_POST
@api_admin_required
def delivery_resend(request, pk):
    row = get_object_or_404(deliveries(channel=NotificationChannel.WEBHOOK), pk=pk)
    outbound_resend(row=row)
    messages.success(request, _("Đã đưa lần gửi vào hàng đợi gửi lại."))
    return redirect("integration:deliveries")


def _national_rows(user):
    rows = deliveries(channel=NotificationChannel.NATIONAL)
    units = units_visible_to(user, Role.SUPERVISOR).values("pk")
    return rows.filter(dossier__receiving_unit__in=units)


@role_required(Role.SUPERVISOR)
def national_sync(request):
    rows = _national_rows(request.user)
    failed = rows.filter(failed_permanently=True)[:100]
    waiting = rows.filter(sent_at__isnull=True, failed_permanently=False, attempts__gt=0)[:100]
    return render(request, "workflow/api/national.html", {
        "backlog": backlog(rows), "failed": failed, "waiting": waiting, "pull": last_pull()})


@require_POST
@role_required(Role.SUPERVISOR)
def national_resend(request, pk):
    row = get_object_or_404(_national_rows(request.user), pk=pk)
    outbound_resend(row=row)
    messages.success(request, _("Đã đưa lần gửi vào hàng đợi gửi lại."))
    return redirect("integration:national")
