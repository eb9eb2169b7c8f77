"""Issue 19, item 7: a payment notification carries a signed time and a one-time nonce; stale,
replayed and flooding callbacks are refused and change nothing."""

import time

import pytest
from django.urls import reverse

from citizens.models import Payment, PaymentCallback
from citizens.payments import services as pay
from citizens.payments.base import get_provider

from .conftest import online_version, submitted

URL = reverse("citizens:payment_callback", args=["sandbox"])


@pytest.fixture
def fee_version(org):
    return online_version(org, code="2.000300", fee=8000)


def signed(payment, *, status="success", at=None):
    payload, signature = get_provider("sandbox").signed_payload(payment, status=status, transaction="SBX9", at=at)
    return {**payload, "signature": signature}


def test_a_notification_older_than_the_window_is_refused(client, citizen, fee_version, org, settings):
    payment, _url = pay.payment_start(dossier=submitted(citizen, fee_version, org), payer=citizen)
    response = client.post(URL, signed(payment, at=time.time() - settings.PAYMENT_CALLBACK_MAX_AGE - 5))
    assert response.status_code == 400 and response.json() == {"outcome": "stale"}
    response = client.post(URL, signed(payment, at=time.time() + settings.PAYMENT_CALLBACK_MAX_AGE + 60))
    assert response.json() == {"outcome": "stale"}
    assert Payment.objects.get().state == Payment.State.PENDING


def test_changing_the_time_of_a_captured_notification_breaks_its_signature(client, citizen, fee_version, org):
    payment, _url = pay.payment_start(dossier=submitted(citizen, fee_version, org), payer=citizen)
    old = signed(payment, at=time.time() - 3600)
    response = client.post(URL, {**old, "timestamp": str(int(time.time()))})
    assert response.json() == {"outcome": "bad_signature"}
    assert Payment.objects.get().state == Payment.State.PENDING


def test_a_captured_cancellation_replayed_does_not_undo_or_fail_the_payment_again(client, citizen, fee_version,
                                                                                    org):
    payment, _url = pay.payment_start(dossier=submitted(citizen, fee_version, org), payer=citizen)
    cancel = signed(payment, status="cancelled")
    assert client.post(URL, cancel).json() == {"outcome": "failed"}
    Payment.objects.filter(pk=payment.pk).update(state=Payment.State.PENDING)  # the citizen tries again
    response = client.post(URL, cancel)
    assert response.status_code == 400 and response.json() == {"outcome": "replayed"}
    assert Payment.objects.get().state == Payment.State.PENDING
    assert client.post(URL, signed(payment)).json() == {"outcome": "applied"}


def test_a_notification_without_a_nonce_is_refused(client, citizen, fee_version, org):
    payment, _url = pay.payment_start(dossier=submitted(citizen, fee_version, org), payer=citizen)
    signer = get_provider("sandbox").signer
    payload = {"amount": str(payment.amount), "reference": payment.reference, "status": "success",
               "transaction": "T", "timestamp": str(int(time.time())), "nonce": ""}
    assert client.post(URL, {**payload, "signature": signer.sign(payload)}).json() == {"outcome": "stale"}
    assert Payment.objects.get().state == Payment.State.PENDING


def test_the_callback_is_throttled_per_address(client, citizen, fee_version, org, settings):
    settings.PAYMENT_CALLBACK_RATE = "3/m"
    payment, _url = pay.payment_start(dossier=submitted(citizen, fee_version, org), payer=citizen)
    for _ in range(3):
        assert client.post(URL, {"reference": payment.reference, "signature": "x"}).status_code == 400
    response = client.post(URL, signed(payment))
    assert response.status_code == 429 and response.json() == {"outcome": "throttled"}
    assert Payment.objects.get().state == Payment.State.PENDING
    assert PaymentCallback.objects.count() == 3


def test_the_browser_flow_shows_a_stale_notification_as_a_message(client_for, citizen, fee_version, org, settings):
    dossier = submitted(citizen, fee_version, org)
    payment, _url = pay.payment_start(dossier=dossier, payer=citizen)
    client = client_for(citizen)
    response = client.post(URL, {**signed(payment, at=time.time() - 3600), "return": "1"}, follow=True)
    assert "đã quá hạn" in response.content.decode()
