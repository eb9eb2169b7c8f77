import datetime

from django.contrib import messages
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_ratelimit.decorators import ratelimit

from portal import throttle
from portal.audit import audit_subject, audited_read
from portal.models import ReadAccess, Role
from portal.paging import page_of, query_without_page
from portal.pdf import pdf_response
from portal.permissions import role_required
from portal.selectors import current_unit

from . import lookup_cache, selectors, slips
from .forms import CounterSearchForm, LookupForm, ResultCheckForm
from .models import Status

COUNTER_PAGE_SIZE = 20


@role_required(Role.CLERK)
def counter(request):
    """The one-stop counter: today's receptions, dossiers waiting for return, search."""
    unit = current_unit(request=request)
    base = selectors.counter_dossiers(user=request.user, unit=unit)
    start_of_today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    search = CounterSearchForm(request.GET or None)
    results = None
    if search.is_valid() and search.cleaned_data["q"]:
        results = selectors.counter_search(base, search.cleaned_data["q"]).order_by("-received_at")[:50]
    context = {
        "unit": unit,
        "search": search,
        "results": results,
        # A range on received_at (not __date) so the (receiving unit, received_at) index serves it.
        "today": base.filter(received_at__gte=start_of_today,
                             received_at__lt=start_of_today + datetime.timedelta(days=1)).order_by("-received_at"),
        # Results awaiting collection pile up (some are never collected): in pages.
        "to_return": page_of(request, base.filter(status=Status.RESULT_READY).order_by("due_at", "pk"),
                             COUNTER_PAGE_SIZE),
        "waiting_check": base.filter(status=Status.SUBMITTED).order_by("submitted_at"),
        "querystring": query_without_page(request),
    }
    return render(request, "dossiers/counter.html", context)


@ratelimit(key="ip", rate="30/m", block=False)
def track(request, code=None):
    """Public lookup (URL contract: /track/?code= and the QR target /d/<code>/): status, dates
    and the status history, with no personal data beyond a masked name.

    The secret printed on the receipt only ever comes by POST, so it never sits in a URL, a
    browser history or an access log; a GET (a QR scan, a link with ?code=) only pre-fills the
    code. Wrong secrets for one code lock that code for everybody after a few tries (issue 19),
    and a code that does not exist is counted and answered exactly like one that does."""
    bound = request.POST if request.method == "POST" else None
    form = LookupForm(bound, initial={"code": request.GET.get("code", "") or code or ""})
    dossier = None
    status = 200
    current = None  # the dossier's stamp, when its page may be kept (dossiers/lookup_cache.py)
    if getattr(request, "limited", False):
        messages.error(request, _("Bạn tra cứu quá nhiều lần. Vui lòng thử lại sau một phút."))
        form = LookupForm(initial={"code": (bound or {}).get("code", "") or request.GET.get("code", "") or code or ""})
        status = 429
    elif form.is_bound and form.is_valid():
        code, secret = form.cleaned_data["code"], form.cleaned_data["secret"]
        pairs = [(throttle.LOOKUP_CODE, throttle.text_key(code))]
        until = throttle.locked(pairs)
        if until is not None:
            throttle.refused(request, until, "lookup")
            form.add_error(None, _LOOKUP_LOCKED + " " + throttle.wait_message(until))
            status = 429
        else:
            if lookup_cache.usable(request):
                kept, current = lookup_cache.kept_page(request, code, secret)
                if kept is not None:
                    return kept
            dossier = selectors.public_lookup(code=code, secret=secret)
            if dossier is None:
                until = throttle.fail(pairs, request=request)
                form.add_error(None, _("Không tìm thấy hồ sơ với mã hồ sơ và mã tra cứu đã nhập. Hãy kiểm tra lại "
                                       "các mã in trên giấy tiếp nhận."))
                if until is not None:
                    form.add_error(None, _LOOKUP_LOCKED + " " + throttle.wait_message(until))
                    status = 429
    events = dossier.events.only("dossier", "at", "to_status").order_by("at", "pk") if dossier else []
    context = {"form": form, "dossier": dossier, "events": events}
    if dossier is not None and current is not None:
        return lookup_cache.render_and_keep(request, "dossiers/track.html", context, current, secret)
    return render(request, "dossiers/track.html", context, status=status)


_LOOKUP_LOCKED = gettext_lazy("Mã hồ sơ này tạm bị khóa tra cứu vì mã tra cứu đã bị nhập sai nhiều lần.")
@ratelimit(key="ip", rate="10/m", method="POST", block=False)
def result_check(request):
    """Public "check a result" (kiểm tra văn bản kết quả): upload a PDF, learn whether a unit of
    this portal signed it, whether it changed since, and which dossier it is the result of. No
    personal data; the file is read, never stored."""
    form = ResultCheckForm(request.POST or None, request.FILES or None)
    context, status = {"form": form}, 200
    if request.method == "POST":
        if getattr(request, "limited", False):
            form.add_error(None, _("Bạn kiểm tra quá nhiều lần. Vui lòng thử lại sau một phút."))
            status = 429
        elif form.is_valid():
            check, code, procedure = selectors.result_check(form.cleaned_data["data"])
            context.update(check=check, code=code, procedure=procedure)
        else:
            status = 400
    return render(request, "dossiers/result_check.html", context, status=status)


@audited_read(ReadAccess.Action.SLIP)
@role_required(Role.CLERK)
def slip_detail(request, pk):
    slip = _slip_or_404(request, pk)
    return render(request, "dossiers/slip.html", {"slip": slip})


@audited_read(ReadAccess.Action.SLIP)
@role_required(Role.CLERK)
def slip_pdf(request, pk):
    slip = _slip_or_404(request, pk)
    title = (_("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (mẫu 02)") if slip.kind == slip.Kind.COMPLETION
             else _("Phiếu từ chối tiếp nhận giải quyết hồ sơ (mẫu 03)"))
    pdf = slips.signed_slip(slips.render_counter_slip(slip, request), unit=slip.unit, title=title,
                            dossier=slip.dossier, actor=request.user)
    return pdf_response(pdf, filename=f"phieu-{slip.kind}-{slip.pk}")


def _slip_or_404(request, pk):
    slip = selectors.counter_slips_visible_to(request.user).filter(pk=pk).first()
    if slip is None:
        raise Http404
    audit_subject(request, dossier=slip.dossier, target=f"{slip.get_kind_display()} {slip.number}")
    return slip
