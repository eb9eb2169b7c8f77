import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from dossiers import fees
from portal.clientip import client_ip
from portal.models import Role
from portal.pdf import pdf_response, render_pdf
from portal.permissions import role_required
from workflow.policies import dossiers_visible_to

from .. import selectors
from ..forms import CounterPaymentForm
from ..models import Payment, PaymentCallback
from . import services
from .base import get_provider


@login_required
@require_POST
def pay(request, code):
    dossier = selectors.my_dossier(user=request.user, code=code)
    try:
        _payment, url = services.payment_start(dossier=dossier, payer=request.user, request=request)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("citizens:dossier", code=dossier.code)
    return redirect(url)


@login_required
def sandbox_pay(request, reference):
    """The sandbox "bank": shows the amount and signs the notification it will send. Only the
    payer sees it; it says loudly that no real money moves."""
    payment = selectors.my_payment(user=request.user, reference=reference)
    provider = get_provider(payment.provider)
    if provider is None or not provider.is_sandbox:
        raise Http404
    transaction_id = f"SBX{payment.pk:08d}"
    success, success_signature = provider.signed_payload(payment, status="success", transaction=transaction_id)
    cancel, cancel_signature = provider.signed_payload(payment, status="cancelled", transaction=transaction_id)
    return render(request, "citizens/payments/sandbox.html", {
        "payment": payment, "success": success, "success_signature": success_signature,
        "cancel": cancel, "cancel_signature": cancel_signature, "provider": provider,
    })


MESSAGES = {
    PaymentCallback.Outcome.APPLIED: (
        messages.SUCCESS, gettext_lazy("Đã thanh toán thành công. Biên lai có trong trang hồ sơ.")),
    PaymentCallback.Outcome.DUPLICATE: (
        messages.INFO, gettext_lazy("Giao dịch này đã được ghi nhận trước đó; không thu thêm.")),
    PaymentCallback.Outcome.FAILED: (
        messages.WARNING, gettext_lazy("Giao dịch đã hủy hoặc không thành công. Bạn có thể thanh toán lại.")),
    PaymentCallback.Outcome.BAD_SIGNATURE: (
        messages.ERROR, gettext_lazy("Thông báo thanh toán không hợp lệ; không có gì thay đổi.")),
    PaymentCallback.Outcome.STALE: (
        messages.ERROR,
        gettext_lazy("Thông báo thanh toán đã quá hạn; không có gì thay đổi. Vui lòng thanh toán lại.")),
    PaymentCallback.Outcome.REPLAYED: (
        messages.ERROR, gettext_lazy("Thông báo thanh toán này đã được nhận trước đó; không có gì thay đổi.")),
    PaymentCallback.Outcome.MISMATCH: (
        messages.ERROR,
        gettext_lazy("Thông báo thanh toán không khớp số tiền hoặc mã giao dịch; không có gì thay đổi.")),
}


def _callback_rate(group, request):
    return settings.PAYMENT_CALLBACK_RATE


@csrf_exempt
@require_POST
@ratelimit(key="ip", rate=_callback_rate, block=False)
def callback(request, provider):
    """The provider's notification (server to server, or through the payer's browser for the
    sandbox). Signed with HMAC-SHA256, with a signed time and nonce (stale and replayed ones are
    refused, services.payment_callback); throttled per address. Trusted for nothing else."""
    if getattr(request, "limited", False):
        return JsonResponse({"outcome": "throttled"}, status=429)
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except ValueError:
            data = {}
    else:
        data = request.POST
    payload = {key: data.get(key, "") for key in services.CALLBACK_FIELDS}
    outcome, payment = services.payment_callback(
        provider_name=provider, payload=payload, signature=data.get("signature", ""),
        remote_addr=client_ip(request) or None,
    )
    if data.get("return") and payment is not None and request.user.is_authenticated \
            and payment.dossier.citizen_id == request.user.pk:
        level, text = MESSAGES[outcome]
        messages.add_message(request, level, text)
        return redirect("citizens:dossier", code=payment.dossier.code)
    status = 200 if outcome in (PaymentCallback.Outcome.APPLIED, PaymentCallback.Outcome.DUPLICATE,
                                PaymentCallback.Outcome.FAILED) else 400
    return JsonResponse({"outcome": outcome}, status=status)


def _receipt(request, payment):
    if payment.state != Payment.State.PAID:
        raise Http404
    pdf = render_pdf("pdf/payment_receipt.html", {"payment": payment, "dossier": payment.dossier}, request=request)
    return pdf_response(pdf, filename=f"bien-lai-{payment.reference}")


@login_required
def receipt(request, code, reference):
    payment = selectors.my_payment(user=request.user, reference=reference)
    if payment.dossier.code != code:
        raise Http404
    return _receipt(request, payment)


def _staff_dossier(request, code):
    dossier = dossiers_visible_to(request.user).select_related("procedure", "procedure_version",
                                                                "receiving_unit").filter(code=code).first()
    if dossier is None:
        raise Http404
    return dossier


@role_required(Role.CLERK)
def counter_payment(request, code):
    """Counter: record a fee paid at the desk, then print its receipt."""
    dossier = _staff_dossier(request, code)
    paid = Payment.objects.filter(dossier=dossier, state=Payment.State.PAID).first()
    form = CounterPaymentForm(request.POST or None, initial={"amount": fees.amount_due(dossier) or None})
    if request.method == "POST" and paid is None and form.is_valid():
        try:
            paid = services.payment_record_counter(clerk=request.user, dossier=dossier, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Đã ghi nhận khoản nộp %(ref)s.") % {"ref": paid.reference})
            return redirect("citizens:counter_payment", code=dossier.code)
    return render(request, "citizens/payments/counter.html", {"dossier": dossier, "form": form, "paid": paid})


@role_required(Role.CLERK)
def counter_receipt(request, code, reference):
    dossier = _staff_dossier(request, code)
    payment = Payment.objects.filter(dossier=dossier, reference=reference).select_related(
        "dossier", "dossier__procedure", "dossier__receiving_unit", "recorded_by").first()
    if payment is None:
        raise Http404
    return _receipt(request, payment)
