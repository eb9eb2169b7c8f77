"""Returning a result warns — a confirm step, not a block — when no result document was
uploaded or a fee of the procedure has no payment recorded (workflow/routing/services.py,
`return_warnings`)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from citizens.models import Payment
from dossiers.models import Outcome, Status
from procedures.models import Fee
from tests.helpers import real_pdf
from tests.workflow.test_processing import commune_version, receive
from workflow.routing import services


@pytest.fixture
def ready(org, clerk, officer_c1, leader_c1):
    """A commune dossier approved and back at the counter, with no result file yet."""
    version = commune_version()
    dossier = receive(clerk, org.c1, version)
    dossier = services.dossier_forward(dossier=dossier, actor=clerk)
    dossier = services.dossier_forward(dossier=dossier, actor=officer_c1)
    return services.dossier_decide(dossier=dossier, leader=leader_c1, outcome=Outcome.APPROVED)


def with_result(dossier, leader):
    services.result_file_add(dossier=dossier, actor=leader, upload=real_pdf("trich-luc.pdf"))
    return dossier


def test_returning_without_a_result_file_asks_for_confirmation(clerk, ready):
    with pytest.raises(services.ReturnNeedsConfirmation, match="Chưa có văn bản kết quả"):
        services.dossier_return(dossier=ready, clerk=clerk, collected_by="Hoàng Thị Lan")
    ready.refresh_from_db()
    assert ready.status == Status.RESULT_READY


def test_returning_without_a_result_file_goes_through_once_confirmed(clerk, ready):
    dossier = services.dossier_return(dossier=ready, clerk=clerk, collected_by="Hoàng Thị Lan", confirmed=True)
    assert dossier.status == Status.RETURNED


def test_unpaid_fee_is_warned_with_its_amount(clerk, leader_c1, ready):
    Fee.objects.create(version=ready.procedure_version, name="Lệ phí cấp bản sao trích lục", amount=8000)
    with_result(ready, leader_c1)
    assert services.return_warnings(ready) == ["Thủ tục có phí, lệ phí 8.000 đồng nhưng chưa ghi nhận đã thu."]
    with pytest.raises(ValidationError):
        services.dossier_return(dossier=ready, clerk=clerk, collected_by="Hoàng Thị Lan")


def test_paid_fee_and_uploaded_result_return_without_a_question(clerk, leader_c1, ready):
    Fee.objects.create(version=ready.procedure_version, name="Lệ phí cấp bản sao trích lục", amount=8000)
    with_result(ready, leader_c1)
    Payment.objects.create(dossier=ready, amount=8000, state=Payment.State.PAID, method=Payment.Method.COUNTER,
                           description="Lệ phí", reference="TEST-0001")
    assert services.return_warnings(ready) == []
    dossier = services.dossier_return(dossier=ready, clerk=clerk, collected_by="Hoàng Thị Lan")
    assert dossier.status == Status.RETURNED


def test_panel_shows_the_warnings_and_a_confirm_box_and_keeps_what_was_typed(client_for, clerk, ready):
    client = client_for(clerk)
    body = client.get(reverse("workflow:dossier", args=[ready.code])).content.decode()
    assert 'data-testid="return-warnings"' in body and 'name="confirmed"' in body
    response = client.post(reverse("workflow:act", args=[ready.code, "return"]),
                           {"expected_status": Status.RESULT_READY, "collected_by": "Hoàng Thị Lan"})
    body = response.content.decode()
    assert response.status_code == 200 and "Vẫn trả kết quả" in body and 'value="Hoàng Thị Lan"' in body
    ready.refresh_from_db()
    assert ready.status == Status.RESULT_READY
    response = client.post(reverse("workflow:act", args=[ready.code, "return"]),
                           {"expected_status": Status.RESULT_READY, "collected_by": "Hoàng Thị Lan", "confirmed": "1"})
    assert response.status_code == 302
    ready.refresh_from_db()
    assert ready.status == Status.RETURNED and ready.collected_by == "Hoàng Thị Lan"
