import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django_ratelimit.decorators import ratelimit

from portal.models import Role
from portal.pdf import pdf_response
from portal.permissions import role_required
from portal.selectors import current_unit

from . import selectors, services, slips
from .forms import CounterSearchForm, LookupForm
from .models import Dossier, Status


@role_required(Role.CLERK)
def counter(request):
    """The one-stop counter: today's receptions, dossiers waiting for return, search."""
    unit = current_unit(request=request)
    base = (
        selectors.dossiers_visible_to(request.user)
        .filter(receiving_unit=unit)
        .select_related("procedure", "current_unit")
    )
    today = timezone.localdate()
    search = CounterSearchForm(request.GET or None)
    results = None
    if search.is_valid() and search.cleaned_data["q"]:
        q = search.cleaned_data["q"].strip()
        results = base.filter(
            Q(code__iexact=q) | Q(applicant_personal_id=q) | Q(applicant_name__icontains=q)
        ).order_by("-received_at")[:50]
    context = {
        "unit": unit,
        "search": search,
        "results": results,
        "today": base.filter(received_at__date=today).order_by("-received_at"),
        "to_return": base.filter(status=Status.RESULT_READY).order_by("due_at"),
        "waiting_check": base.filter(status=Status.SUBMITTED).order_by("submitted_at"),
    }
    return render(request, "dossiers/counter.html", context)


def _dossier_or_404(request, code):
    try:
        return selectors.dossier_for_user(user=request.user, code=code)
    except Dossier.DoesNotExist:
        raise Http404 from None


@login_required
def dossier_detail(request, code):
    dossier = _dossier_or_404(request, code)
    context = {
        "dossier": dossier,
        "components": dossier.components.prefetch_related("files"),
        "loose_files": dossier.files.filter(component__isnull=True),
        "events": dossier.events.select_related("actor", "unit"),
        "due_explanation": services.due_explanation(dossier),
    }
    return render(request, "dossiers/detail.html", context)


@login_required
def dossier_file(request, code, file_id):
    """Serve one file of a dossier to someone allowed to see the dossier. Files live outside
    the web root; this view is their only way out."""
    dossier = _dossier_or_404(request, code)
    stored = dossier.files.filter(pk=file_id).first()
    if stored is None:
        raise Http404
    extension = mimetypes.guess_extension(stored.content_type) or ""
    response = FileResponse(stored.file.open("rb"), content_type=stored.content_type)
    response["Content-Disposition"] = f'inline; filename="{dossier.code}-{stored.pk}{extension}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def receipt_pdf(request, code):
    dossier = _dossier_or_404(request, code)
    if dossier.received_at is None:
        raise Http404
    return pdf_response(slips.render_receipt(dossier, request), filename=f"giay-tiep-nhan-{dossier.code}")


@ratelimit(key="ip", rate="30/m", block=False)
def track(request, code=None):
    """Public lookup (URL contract: /track/?code= and the QR target /d/<code>/): status, dates
    and the status history, with no personal data beyond a masked name."""
    data = request.GET.copy() if "code" in request.GET else None
    if code is not None:
        data = data or request.GET.copy()
        data.setdefault("code", code)
    form = LookupForm(data if data and data.get("secret") else None, initial={"code": (data or {}).get("code", "")})
    dossier = None
    status = 200
    if getattr(request, "limited", False):
        messages.error(request, _("Bạn tra cứu quá nhiều lần. Vui lòng thử lại sau một phút."))
        form = LookupForm(initial={"code": (data or {}).get("code", "")})
        status = 429
    elif form.is_bound and form.is_valid():
        dossier = selectors.public_lookup(code=form.cleaned_data["code"], secret=form.cleaned_data["secret"])
        if dossier is None:
            form.add_error(None, _("Không tìm thấy hồ sơ với mã và số kiểm tra đã nhập. Hãy kiểm tra lại mã in "
                                   "trên giấy tiếp nhận."))
    events = dossier.events.order_by("at", "pk") if dossier else []
    return render(request, "dossiers/track.html", {"form": form, "dossier": dossier, "events": events},
                  status=status)

