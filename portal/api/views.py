"""The administrator's screens of connected systems (not the Django admin): create a client and
see its key and webhook secret once, rotate them, revoke the client."""

from django.contrib import messages
from django.db.models import Count, Max
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from portal.permissions import api_admin_required

from .clients import api_client_create, api_client_revoke, api_client_rotate
from .forms import ApiClientForm
from .models import ApiClient


def _clients():
    return (ApiClient.objects.select_related("unit").annotate(calls_count=Count("calls"), last_call=Max("calls__at"))
            .order_by("revoked_at", "name", "pk"))


def _shown_once(request, client, key, secret):
    response = render(request, "portal/api/key_once.html", {"client": client, "key": key, "secret": secret})
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@api_admin_required
def clients(request):
    form = ApiClientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        client, key, secret = api_client_create(
            name=data["name"], unit=data["unit"], scopes=data["scopes"], created_by=request.user,
            webhook_url=data["webhook_url"], webhook_events=data["webhook_events"])
        return _shown_once(request, client, key, secret)
    return render(request, "portal/api/clients.html", {"clients": _clients(), "form": form},
                  status=400 if request.method == "POST" else 200)


@never_cache
@require_POST
@api_admin_required
def client_rotate(request, pk):
    client = get_object_or_404(ApiClient, pk=pk, revoked_at=None)
    key, secret = api_client_rotate(client=client)
    return _shown_once(request, client, key, secret)


@require_POST
@api_admin_required
def client_revoke(request, pk):
    client = get_object_or_404(ApiClient, pk=pk)
    api_client_revoke(client=client)
    messages.success(request, _("Đã thu hồi khóa của “%(name)s”.") % {"name": client.name})
    return redirect("api_admin:clients")
