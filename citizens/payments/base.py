import hashlib
import hmac

from django.conf import settings
from django.utils.module_loading import import_string


class PaymentProvider:
    """Interface of a payment provider (a bank gateway, VNPay, the national payment platform).

    create_payment(): where to send the payer's browser. verify_callback(): True only if the
    provider really signed `payload`; amount and reference are then checked against the
    Payment row by the service, never trusted from the payload alone."""

    name = ""
    label = ""
    is_sandbox = False

    def create_payment(self, *, payment, request):
        raise NotImplementedError

    def verify_callback(self, payload, signature):
        raise NotImplementedError


class HmacSigner:
    """HMAC-SHA256 over the payload's fields in key order: `amount=…&reference=…&…`. The time
    (Unix seconds) and the nonce are signed too, so that neither can be changed to pass a
    captured notification off as a fresh one."""

    FIELDS = ("amount", "reference", "status", "transaction", "timestamp", "nonce")

    def __init__(self, secret):
        self.secret = secret.encode()

    def canonical(self, payload):
        return "&".join(f"{key}={payload.get(key, '')}" for key in self.FIELDS)

    def sign(self, payload):
        return hmac.new(self.secret, self.canonical(payload).encode(), hashlib.sha256).hexdigest()

    def verify(self, payload, signature):
        return bool(signature) and hmac.compare_digest(self.sign(payload), str(signature))


def providers():
    configured = getattr(settings, "PAYMENT_PROVIDERS", {})
    return {name: import_string(path)(name) for name, path in configured.items()}


def get_provider(name):
    return providers().get(name)
