"""The sandbox provider: a bank-like confirmation page inside the portal, clearly labelled as
a test environment. Its callbacks are signed exactly like a real provider's."""

import secrets
import time

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .base import HmacSigner, PaymentProvider


class SandboxProvider(PaymentProvider):
    label = _("Cổng thanh toán thử nghiệm")
    is_sandbox = True

    def __init__(self, name="sandbox"):
        self.name = name
        self.signer = HmacSigner(settings.PAYMENT_SANDBOX_SECRET)

    def create_payment(self, *, payment, request):
        return reverse("citizens:sandbox_pay", args=[payment.reference])

    def signed_payload(self, payment, *, status, transaction, at=None):
        payload = {"amount": str(payment.amount), "reference": payment.reference, "status": status,
                   "transaction": transaction, "timestamp": str(int(at if at is not None else time.time())),
                   "nonce": secrets.token_hex(16)}
        return payload, self.signer.sign(payload)

    def verify_callback(self, payload, signature):
        return self.signer.verify(payload, signature)
