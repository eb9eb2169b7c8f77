"""A level-4 fee paid through the sandbox provider in the browser; a replayed or tampered
callback changes nothing and is logged; the PDF receipt downloads."""

import subprocess

import pytest

from citizens.models import Payment, PaymentCallback
from tests.citizens.conftest import online_version, submitted
from tests.e2e.conftest import login, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_fee_paid_through_the_sandbox_replay_and_tamper_change_nothing(phone_page, citizen, org, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    version = online_version(org, code="2.000300", fee=8000)
    dossier = submitted(citizen, version, org)
    page = phone_page
    login(page, citizen.personal_id)  # sign-in by ID number
    page.goto(f"/my/dossiers/{dossier.code}/")
    page.get_by_test_id("pay").click()
    assert page.get_by_test_id("sandbox-banner").inner_text().strip().startswith("MÔI TRƯỜNG THỬ NGHIỆM")
    assert page.get_by_test_id("sandbox-amount").inner_text() == "8.000 ₫"
    screenshot(page, "citizen-sandbox-bank")
    form = page.get_by_test_id("sandbox-confirm-form")
    fields = {name: form.locator(f"input[name={name}]").input_value()
              for name in ("amount", "reference", "status", "transaction", "timestamp", "nonce", "signature")}
    page.get_by_test_id("sandbox-confirm").click()
    assert page.get_by_test_id("paid").is_visible()
    screenshot(page, "citizen-paid")
    payment = Payment.objects.get()
    paid_at = payment.paid_at
    assert payment.state == Payment.State.PAID

    replay = page.request.post("/payments/callback/sandbox/", form=fields)
    assert replay.status == 400 and replay.json() == {"outcome": "replayed"}
    tampered = page.request.post("/payments/callback/sandbox/", form={**fields, "amount": "800"})
    assert tampered.status == 400 and tampered.json() == {"outcome": "bad_signature"}
    payment.refresh_from_db()
    assert payment.paid_at == paid_at and Payment.objects.count() == 1
    assert list(PaymentCallback.objects.order_by("pk").values_list("outcome", flat=True)) == [
        "applied", "replayed", "bad_signature"]

    receipt = page.request.get(page.get_by_test_id("payment-receipt").get_attribute("href"))
    assert receipt.status == 200
    text = subprocess.run(["pdftotext", "-", "-"], input=receipt.body(), capture_output=True).stdout.decode()
    assert "BIÊN NHẬN THANH TOÁN PHÍ, LỆ PHÍ" in text and "8.000 đồng" in text and "THỬ NGHIỆM" in text
