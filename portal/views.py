from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseServerError
from django.shortcuts import redirect, render
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import selectors, throttle
from .forms import LoginForm
from .models import Unit
from .permissions import home_url_name, staff_required


def index(request):
    """The public home page: search a procedure, look a dossier up."""
    return render(request, "portal/index.html")


@login_required
def home(request):
    """After login every user lands on the home page of their role."""
    return redirect(home_url_name(request.user))


@staff_required
def unit_list(request):
    units = selectors.unit_list(user=request.user)
    return render(request, "portal/unit_list.html", {"units": units})


@staff_required
def unit_detail(request, code):
    try:
        unit = selectors.unit_detail(user=request.user, code=code)
    except Unit.DoesNotExist:
        raise Http404 from None
    return render(request, "portal/unit_detail.html", {"unit": unit})


@require_POST
@staff_required
def switch_unit(request):
    try:
        unit_id = int(request.POST.get("unit", ""))
    except ValueError:
        raise PermissionDenied from None
    units = {u.pk: u for u in selectors.units_of_user(user=request.user)}
    if unit_id not in units:
        raise PermissionDenied
    request.session["current_unit_id"] = unit_id
    messages.success(request, _("Đang làm việc tại: %(unit)s") % {"unit": units[unit_id].name})
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "home"
    return redirect(next_url)


def error_403(request, exception=None):
    return render(request, "403.html", status=403)


def _api_error(request, status):
    """Errors under /api/ are JSON, as the API's schema documents them."""
    if request.path.startswith("/api/"):
        from django.http import JsonResponse

        detail = {404: _("Không tìm thấy."), 500: _("Lỗi máy chủ.")}.get(status, "")
        return JsonResponse({"detail": str(detail)}, status=status)
    return None


def error_404(request, exception=None):
    return _api_error(request, 404) or render(request, "404.html", status=404)


def error_500(request):
    if request.path.startswith("/api/"):
        return _api_error(request, 500)
    # No context processors: the database may be the thing that failed.
    return HttpResponseServerError(loader.get_template("500.html").render())


# --- sign-in and password reset, throttled (portal/throttle.py) ---------------------------------


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.locked_until is not None:
            response.status_code = 429
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """Every request counts, per e-mail typed and per address, since each sends a message; the
    answer is the same whether the address has an account or not."""

    def form_valid(self, form):
        pairs = [(throttle.RESET_ACCOUNT, throttle.text_key(form.cleaned_data["email"])),
                 (throttle.RESET_IP, throttle.ip_key(self.request))]
        until = throttle.locked(pairs)
        if until is not None:
            throttle.refused(self.request, until, "password-reset")
            form.add_error(None, _("Bạn đã yêu cầu lấy lại mật khẩu quá nhiều lần.") + " "
                           + throttle.wait_message(until))
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        throttle.fail(pairs, request=self.request)
        return super().form_valid(form)
