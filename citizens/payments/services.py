"""Payment actions: start a payment, apply a provider's callback (checked and idempotent),
record a counter payment. Each is one transaction."""

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dossiers import fees
from dossiers.models import Status
from portal import money
from procedures.models import OnlineLevel, ProcedureVersion
from workflow import policies

from ..models import Payment, PaymentCallback
from .base import get_provider, providers

logger = logging.getLogger("citizens.payments")

BEFORE_RECEIPT_STATES = (Status.SUBMITTED, Status.RECEIVED, Status.PROCESSING, Status.SUPPLEMENT_REQUESTED)


def payable_now(dossier):
    """Level 4 procedures with a fee: before receipt (as soon as submitted) or after, when the
    processing unit asks for payment, as the procedure says."""
    version = dossier.procedure_version
    if version.online_level < OnlineLevel.LEVEL_4 or fees.amount_due(dossier) <= 0:
        return False
    if dossier.status == Status.PAYMENT_REQUESTED:
        return True
    return version.fee_payment == ProcedureVersion.FeePayment.BEFORE and dossier.status in BEFORE_RECEIPT_STATES


def payment_options(*, dossier, user):
    lines = fees.dossier_fee_lines(dossier)
    due = sum(line.amount for line in lines)
    # A dossier that owes nothing has no payment to list: no query then (most are free).
    payments = list(Payment.objects.filter(dossier=dossier, dossier__citizen=user)) if due else []
    paid = next((p for p in payments if p.state == Payment.State.PAID), None)
    return {"due": due, "lines": lines, "paid": paid, "payments": payments,
            "can_pay": paid is None and payable_now(dossier),
            "online": bool(providers()),
            "timing": dossier.procedure_version.get_fee_payment_display()}


@transaction.atomic
def payment_start(*, dossier, payer, provider_name=None, request=None):
    """A pending payment for the amount due (the open one is reused), and the provider's URL.
    Without a provider name, the first one configured."""
    provider = get_provider(provider_name) if provider_name else next(iter(providers().values()), None)
    if provider is None:
        raise ValidationError(_("Cổng thanh toán không khả dụng."))
    if dossier.citizen_id != payer.pk:
        raise PermissionDenied
    if Payment.objects.filter(dossier=dossier, state=Payment.State.PAID).exists():
        raise ValidationError(_("Hồ sơ này đã được thanh toán."))
    if not payable_now(dossier):
        raise ValidationError(_("Hồ sơ này hiện chưa cần nộp phí, lệ phí trực tuyến."))
    amount = fees.amount_due(dossier)
    payment = Payment.objects.filter(dossier=dossier, state=Payment.State.PENDING, amount=amount,
                                     provider=provider.name).first()
    if payment is None:
        payment = Payment.objects.create(
            dossier=dossier, payer=payer, amount=amount, provider=provider.name, method=Payment.Method.ONLINE,
            description=_("Phí, lệ phí hồ sơ %(code)s") % {"code": dossier.code},
        )
    return payment, provider.create_payment(payment=payment, request=request)


CALLBACK_FIELDS = ("amount", "reference", "status", "transaction", "timestamp", "nonce")
# Refused notifications do not use up their nonce (it was never trusted).
NOT_CONSUMING = (PaymentCallback.Outcome.BAD_SIGNATURE, PaymentCallback.Outcome.STALE,
                 PaymentCallback.Outcome.REPLAYED)


def _fresh(timestamp, *, now=None):
    """A signed Unix time within PAYMENT_CALLBACK_MAX_AGE seconds of now (either side: clocks drift)."""
    try:
        at = int(timestamp)
    except (TypeError, ValueError):
        return False
    now = now if now is not None else timezone.now().timestamp()
    return abs(now - at) <= settings.PAYMENT_CALLBACK_MAX_AGE


def _log(*, provider, payload, signature, outcome, payment=None, remote_addr=None):
    PaymentCallback.objects.create(provider=provider, payload=payload, signature=signature or "", outcome=outcome,
                                   payment=payment, remote_addr=remote_addr, nonce=payload.get("nonce", "")[:64])
    level = logging.INFO if outcome == PaymentCallback.Outcome.APPLIED else logging.WARNING
    logger.log(level, "payment callback %s: %s reference=%s", provider, outcome, payload.get("reference"))
    return outcome


@transaction.atomic
def payment_callback(*, provider_name, payload, signature, remote_addr=None):
    """Apply a provider's notification. Signature (HMAC), reference and amount are checked; a
    repeated notification of a settled payment changes nothing. Every call writes a
    PaymentCallback row, whatever its outcome. Returns (outcome, payment or None)."""
    payload = {key: str(payload.get(key, "")) for key in CALLBACK_FIELDS}
    provider = get_provider(provider_name)
    if provider is None or not provider.verify_callback(payload, signature):
        return _log(provider=provider_name, payload=payload, signature=signature,
                    outcome=PaymentCallback.Outcome.BAD_SIGNATURE, remote_addr=remote_addr), None
    payment = (Payment.objects.select_for_update().select_related("dossier")
               .filter(reference=payload["reference"], provider=provider.name).first())
    if not _fresh(payload["timestamp"]) or not payload["nonce"]:
        return _log(provider=provider_name, payload=payload, signature=signature, payment=payment,
                    outcome=PaymentCallback.Outcome.STALE, remote_addr=remote_addr), payment
    # Under the payment's row lock: two copies of one notification arriving together are
    # decided one after the other, and the second sees the first's nonce.
    if payment is not None and PaymentCallback.objects.filter(
            payment=payment, nonce=payload["nonce"]).exclude(outcome__in=NOT_CONSUMING).exists():
        return _log(provider=provider_name, payload=payload, signature=signature, payment=payment,
                    outcome=PaymentCallback.Outcome.REPLAYED, remote_addr=remote_addr), payment
    if payment is None or payload["amount"] != str(payment.amount):
        return _log(provider=provider_name, payload=payload, signature=signature, payment=payment,
                    outcome=PaymentCallback.Outcome.MISMATCH, remote_addr=remote_addr), payment
    if payment.state == Payment.State.PAID:
        return _log(provider=provider_name, payload=payload, signature=signature, payment=payment,
                    outcome=PaymentCallback.Outcome.DUPLICATE, remote_addr=remote_addr), payment
    if payload["status"] != "success":
        payment.state = Payment.State.FAILED
        payment.save(update_fields=["state"])
        return _log(provider=provider_name, payload=payload, signature=signature, payment=payment,
                    outcome=PaymentCallback.Outcome.FAILED, remote_addr=remote_addr), payment
    _settle(payment, transaction_id=payload["transaction"], actor=None)
    return _log(provider=provider_name, payload=payload, signature=signature, payment=payment,
                outcome=PaymentCallback.Outcome.APPLIED, remote_addr=remote_addr), payment


def _settle(payment, *, transaction_id="", actor=None):
    from workflow.routing.services import payment_confirm

    payment.state, payment.paid_at, payment.provider_transaction = Payment.State.PAID, timezone.now(), transaction_id
    try:
        with transaction.atomic():
            payment.save(update_fields=["state", "paid_at", "provider_transaction"])
    except IntegrityError:
        raise ValidationError(_("Hồ sơ này đã được thanh toán.")) from None
    if payment.dossier.status == Status.PAYMENT_REQUESTED:
        payment_confirm(dossier=payment.dossier, actor=actor,
                        note=_("Đã thanh toán %(amount)s đồng, mã giao dịch %(ref)s")
                        % {"amount": money.vnd(payment.amount), "ref": payment.reference})
    # Before receipt there is no transition: the paid row is what the counter sees.
    return payment


@transaction.atomic
def payment_record_counter(*, clerk, dossier, amount, note=""):
    """A clerk records a fee paid in cash or by card at the counter."""
    policies.require(clerk, "payment_record", dossier)
    if Payment.objects.filter(dossier=dossier, state=Payment.State.PAID).exists():
        raise ValidationError(_("Hồ sơ này đã được thanh toán."))
    payment = Payment.objects.create(
        dossier=dossier, payer=dossier.citizen, amount=amount, method=Payment.Method.COUNTER, recorded_by=clerk,
        description=" — ".join(filter(None, [_("Phí, lệ phí hồ sơ %(code)s") % {"code": dossier.code},
                                             note.strip()]))[:300],
    )
    return _settle(payment, actor=clerk)
