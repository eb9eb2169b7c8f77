"""The national-portal adapter against the loopback simulator (in-process, eager outbox): every
status change pushed once, in order, in the national vocabulary; submissions pulled once."""

import base64

import pytest

from dossiers.models import Channel, Dossier, Status
from tests.api.conftest import online_version
from tests.api.simulator import Simulator
from tests.dossiers.factories import SCAN
from workflow.api.national import national_pull
from workflow.models import NationalSubmission, Notification
from workflow.routing import services as routing


@pytest.fixture
def national(settings):
    server = Simulator(secret="bi-mat-quoc-gia").start()
    settings.NATIONAL_PORTAL_URL = server.url
    settings.NATIONAL_PORTAL_SECRET = "bi-mat-quoc-gia"
    settings.NATIONAL_PORTAL_TOKEN = "token"
    yield server
    server.stop()


def submission(version, unit, national_id="QG-0001"):
    return {"id": national_id, "procedure_code": version.procedure.national_code, "unit_code": unit.code,
            "submitted_at": "2026-12-01T08:00:00+07:00",
            "applicant": {"name": "Đỗ Thị Mai", "personal_id": "001190000001", "phone": "0912345000"},
            "components": [{"name": "Tờ khai đăng ký khai sinh", "originals": 1,
                            "files": [{"name": "to-khai.pdf", "content_base64": base64.b64encode(SCAN).decode()}]}]}


def test_pulled_submission_becomes_one_online_dossier_and_its_changes_are_pushed_in_order(
        national, org, clerk, leader_c1, django_capture_on_commit_callbacks):
    version = online_version()
    national.submissions = [submission(version, org.c1), {"id": "QG-0002", "procedure_code": "9.9"}]
    with django_capture_on_commit_callbacks(execute=True):
        run = national_pull()
        national_pull()  # served again: nothing created twice
    assert (run.fetched, run.created, run.refused) == (2, 1, 1)
    dossier = Dossier.objects.get(pk=NationalSubmission.objects.get(national_id="QG-0001").dossier_id)
    assert (dossier.channel, dossier.status, dossier.applicant_name) == (Channel.ONLINE, Status.SUBMITTED,
                                                                         "Đỗ Thị Mai")
    assert NationalSubmission.objects.get(national_id="QG-0002").error
    with django_capture_on_commit_callbacks(execute=True):
        routing.online_accept(dossier=dossier, clerk=clerk)
        routing.dossier_decide(dossier=dossier, leader=leader_c1, outcome="refused", note="Không đủ điều kiện")
    payloads = national.payloads()
    assert [(p["sequence"], p["status"]) for p in payloads] == [(1, 1), (2, 2), (3, 4), (4, 9)]
    assert payloads[-1]["dossier_code"] == dossier.code and payloads[-1]["channel"] == 2
    assert payloads[-1]["procedure_code"] == "1.001193" and payloads[-1]["receiving_unit_code"] == org.c1.code
    assert payloads[-1]["on_time"] is True and payloads[-1]["result_at"]
    assert all(c["headers"]["Authorization"] == "Bearer token" for c in national.received)
    assert len(national.received) == 4


def test_a_supervisor_sees_the_backlog_and_resends_a_failure(national, org, clerk, supervisor, client,
                                                             django_capture_on_commit_callbacks):
    from tests.helpers import pass_second_step

    version = online_version()
    national.answers = [400]
    national.submissions = [submission(version, org.c1)]
    with django_capture_on_commit_callbacks(execute=True):
        national_pull()
    row = Notification.objects.get(channel="national")
    assert row.failed_permanently
    client.force_login(supervisor)
    pass_second_step(client, supervisor)
    page = client.get("/integration/national/")
    assert page.status_code == 200 and "HTTP 400" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/integration/national/{row.pk}/resend/")
    row.refresh_from_db()
    assert row.sent_at and [p["status"] for p in national.payloads()] == [1]


def test_a_clerk_does_not_see_the_sync_screen(client, clerk):
    from tests.helpers import pass_second_step

    client.force_login(clerk)
    pass_second_step(client, clerk)
    assert client.get("/integration/national/").status_code == 403
