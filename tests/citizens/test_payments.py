import subprocess
import time

import pytest
from django.urls import reverse

from citizens.models import Payment, PaymentCallback
from citizens.payments import services as pay
from citizens.payments.base import get_provider
from dossiers.models import Status
from procedures.models import ProcedureVersion
from workflow.routing import services as wf

from .conftest import online_version, submitted


@pytest.fixture
def fee_version(org):
    return online_version(org, code="2.000300", fee=8000)


def _start(client, dossier):
    response = client.post(reverse("citizens:pay", args=[dossier.code]))
    payment = Payment.objects.get(dossier=dossier)
    assert response.url == reverse("citizens:sandbox_pay", args=[payment.reference])
    return payment


def _signed(payment, **changes):
    provider = get_provider("sandbox")
    payload, signature = provider.signed_payload(payment, status="success", transaction="SBX1")
    payload.update(changes)
    return payload, signature


def test_pre_receipt_payment_through_the_sandbox(client_for, citizen, fee_version, org):
    dossier = submitted(citizen, fee_version, org)
    client = client_for(citizen)
    payment = _start(client, dossier)
    page = client.get(reverse("citizens:sandbox_pay", args=[payment.reference])).content.decode()
    assert "MÔI TRƯỜNG THỬ NGHIỆM" in page and "8.000" in page, page[page.find("<main"):][:3000]
    payload, signature = _signed(payment)
    response = client.post(reverse("citizens:payment_callback", args=["sandbox"]),
                           {**payload, "signature": signature, "return": "1"})
    assert response.url == reverse("citizens:dossier", args=[dossier.code])
    payment.refresh_from_db()
    assert payment.state == Payment.State.PAID and payment.paid_at and payment.provider_transaction == "SBX1"
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED  # before receipt: paid, no transition
    assert "Đã thanh toán" in client.get(response.url).content.decode()


def test_replayed_and_tampered_callbacks_change_nothing_and_are_logged(client, citizen, fee_version, org):
    dossier = submitted(citizen, fee_version, org)
    payment, _url = pay.payment_start(dossier=dossier, payer=citizen)
    payload, signature = _signed(payment)
    url = reverse("citizens:payment_callback", args=["sandbox"])
    assert client.post(url, {**payload, "signature": signature}).json() == {"outcome": "applied"}
    paid_at = Payment.objects.get().paid_at
    # The same notification again (a replay) is refused; the provider's own second notification
    # of a settled payment (a new nonce) is a harmless duplicate.
    assert client.post(url, {**payload, "signature": signature}).json() == {"outcome": "replayed"}
    again, again_signature = _signed(payment)
    assert client.post(url, {**again, "signature": again_signature}).json() == {"outcome": "duplicate"}
    tampered = client.post(url, {**payload, "amount": "1", "signature": signature})
    assert tampered.status_code == 400 and tampered.json() == {"outcome": "bad_signature"}
    assert client.post(url, {**payload, "signature": ""}).status_code == 400
    assert Payment.objects.get().paid_at == paid_at and Payment.objects.count() == 1
    assert list(PaymentCallback.objects.values_list("outcome", flat=True)) == [
        "applied", "replayed", "duplicate", "bad_signature", "bad_signature"]


def test_a_correctly_signed_callback_with_a_wrong_amount_is_refused(client, citizen, fee_version, org):
    dossier = submitted(citizen, fee_version, org)
    payment, _url = pay.payment_start(dossier=dossier, payer=citizen)
    provider = get_provider("sandbox")
    payload = {"amount": "1000", "reference": payment.reference, "status": "success", "transaction": "X",
               "timestamp": str(int(time.time())), "nonce": "n-1"}
    response = client.post(reverse("citizens:payment_callback", args=["sandbox"]),
                           {**payload, "signature": provider.signer.sign(payload)})
    assert response.json() == {"outcome": "mismatch"}
    unknown = {**payload, "reference": "TTNOPE", "amount": "8000", "nonce": "n-2"}
    response = client.post(reverse("citizens:payment_callback", args=["sandbox"]),
                           {**unknown, "signature": provider.signer.sign(unknown)}, content_type="application/json")
    assert response.json() == {"outcome": "mismatch"}
    assert Payment.objects.get().state == Payment.State.PENDING


def test_payment_after_request_resumes_processing(citizen, clerk, officer_c1, org):
    version = online_version(org, code="2.000301", fee=200000, fee_payment=ProcedureVersion.FeePayment.AFTER)
    dossier = submitted(citizen, version, org)
    assert not pay.payable_now(dossier)
    dossier = wf.online_accept(dossier=dossier, clerk=clerk)
    dossier = wf.dossier_forward(dossier=dossier, actor=clerk)
    dossier = wf.payment_request(dossier=dossier, actor=officer_c1, note="Lệ phí 200.000 đồng")
    payment, _url = pay.payment_start(dossier=dossier, payer=citizen)
    payload, signature = _signed(payment)
    assert pay.payment_callback(provider_name="sandbox", payload=payload, signature=signature)[0] == "applied"
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING


def test_others_cannot_pay_see_the_sandbox_page_or_the_receipt(client_for, citizen, other_citizen, fee_version, org):
    dossier = submitted(citizen, fee_version, org)
    payment, _url = pay.payment_start(dossier=dossier, payer=citizen)
    payload, signature = _signed(payment)
    pay.payment_callback(provider_name="sandbox", payload=payload, signature=signature)
    client = client_for(other_citizen)
    assert client.post(reverse("citizens:pay", args=[dossier.code])).status_code == 404
    assert client.get(reverse("citizens:sandbox_pay", args=[payment.reference])).status_code == 404
    assert client.get(reverse("citizens:payment_receipt", args=[dossier.code, payment.reference])).status_code == 404


def test_counter_payment_and_receipt_pdf(client_for, clerk, other_clerk, citizen, fee_version, org, tmp_path):
    dossier = submitted(citizen, fee_version, org)
    assert client_for(other_clerk).get(reverse("citizens:counter_payment", args=[dossier.code])).status_code == 404
    client = client_for(clerk)
    response = client.post(reverse("citizens:counter_payment", args=[dossier.code]),
                           {"amount": "8000", "note": "BL 0001234"})
    assert response.status_code == 302
    payment = Payment.objects.get()
    assert payment.method == Payment.Method.COUNTER and payment.recorded_by == clerk
    response = client.get(reverse("citizens:counter_receipt", args=[dossier.code, payment.reference]))
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / "receipt.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    assert "Biên nhận thanh toán phí, lệ phí".upper() in text.upper() and "8.000" in text
    assert citizen.full_name in text
    assert client_for(citizen).get(reverse("citizens:payment_receipt",
                                           args=[dossier.code, payment.reference])).status_code == 200


def test_no_payment_button_for_free_or_level_3_procedures(client_for, citizen, version, org):
    dossier = submitted(citizen, version, org)
    assert not pay.payable_now(dossier)
    assert client_for(citizen).post(reverse("citizens:pay", args=[dossier.code])).status_code == 302
    assert not Payment.objects.exists()


def test_staff_payment_tag_shows_the_payment_and_the_counter_link(rf, clerk, citizen, fee_version, org):
    from django.template import Context, Template

    dossier = submitted(citizen, fee_version, org)
    request = rf.get("/")
    request.user = clerk
    template = Template("{% load citizen_tags %}{% dossier_payment dossier %}")
    html = template.render(Context({"dossier": dossier, "request": request}))
    assert reverse("citizens:counter_payment", args=[dossier.code]) in html and "8.000" in html
    pay.payment_record_counter(clerk=clerk, dossier=dossier, amount=8000)
    html = template.render(Context({"dossier": dossier, "request": request}))
    assert "Đã nộp phí, lệ phí" in html


def test_without_an_online_provider_fees_are_paid_at_the_counter(client_for, citizen, fee_version, org, settings):
    """Production has no sandbox: no button that could mark a fee paid with no money moving,
    a clear note instead, and a forged form post changes nothing."""
    settings.PAYMENT_PROVIDERS = {}
    dossier = submitted(citizen, fee_version, org)
    client = client_for(citizen)
    page = client.get(reverse("citizens:dossier", args=[dossier.code])).content.decode()
    assert 'data-testid="pay-at-counter"' in page and 'data-testid="pay"' not in page
    response = client.post(reverse("citizens:pay", args=[dossier.code]), follow=True)
    assert "Cổng thanh toán không khả dụng" in response.content.decode()
    assert not Payment.objects.filter(dossier=dossier).exists()
    assert client.get(reverse("citizens:sandbox_pay", args=["PAY-ANY"])).status_code == 404
