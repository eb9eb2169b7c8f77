"""Issue 17, done when: a sectoral system creates a dossier through the API, the counter and the
leader process it in the browser, the system receives signed webhooks (a real server on
loopback) and reads the result through the API."""

import hashlib
import hmac

import pytest
import requests

from portal.api.clients import api_client_create
from portal.api.models import Scope, WebhookEvent
from tests.api.conftest import create_body, online_version
from tests.api.simulator import Simulator
from tests.helpers import real_pdf

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def receiver():
    server = Simulator().start()
    yield server
    server.stop()


def test_system_creates_a_dossier_staff_process_it_and_the_system_reads_the_result(
        session, live_server, org, clerk, leader_c1, receiver, tmp_path):
    version = online_version()
    _client, key, secret = api_client_create(
        name="Phần mềm hộ tịch", unit=org.c1, scopes=[Scope.DOSSIERS_READ, Scope.DOSSIERS_CREATE], created_by=None,
        webhook_url=receiver.url + "/hooks", webhook_events=[e.value for e in WebhookEvent])
    receiver.secret = secret
    api = requests.Session()
    api.headers["Authorization"] = f"Bearer {key}"
    created = api.post(f"{live_server.url}/api/v1/dossiers/", json=create_body(version, org.c1),
                       headers={"Idempotency-Key": "walkthrough-1"}, timeout=30)
    assert created.status_code == 201, created.text
    code = created.json()["code"]

    counter = session("clerk")
    counter.goto(f"/dossiers/{code}/")
    counter.get_by_test_id("act-online-accept").click()
    leader = session("leader_c1")
    leader.goto(f"/dossiers/{code}/")
    result = tmp_path / "trich-luc-khai-sinh.pdf"
    result.write_bytes(real_pdf().read())
    leader.locator("#result-file").set_input_files(str(result))
    leader.get_by_test_id("act-result").click()
    leader.get_by_test_id("act-approve").click()
    assert leader.get_by_text("Đã phê duyệt kết quả").is_visible()

    # Every webhook was signed with the secret shown once, and arrived in order.
    for call in receiver.received:
        expected = "sha256=" + hmac.new(secret.encode(), f"{call['headers']['X-Portal-Timestamp']}.".encode()
                                        + call["body"], hashlib.sha256).hexdigest()
        assert call["headers"]["X-Portal-Signature"] == expected
    events = [(p["type"], p["dossier"]["national_status"]) for p in receiver.payloads()]
    assert events == [("status_changed", 1), ("status_changed", 2), ("status_changed", 4), ("status_changed", 9),
                      ("result_ready", 9)]

    outcome = api.get(f"{live_server.url}/api/v1/dossiers/{code}/result/", timeout=30).json()
    assert outcome["outcome"] == "approved" and outcome["national_status"] == 9
    [document] = outcome["files"]
    download = api.get(f"{live_server.url}/api/v1/dossiers/{code}/files/{document['id']}/", timeout=30)
    assert download.content.startswith(b"%PDF") and hashlib.sha256(download.content).hexdigest() == document["sha256"]


def test_administrator_issues_a_key_on_the_connected_systems_screen(session, org, receiver):
    from tests.factories import UserFactory

    UserFactory(username="quantri", is_superuser=True, is_staff=True, full_name="Quản trị hệ thống")
    admin = session("quantri")
    admin.goto("/integration/clients/")
    admin.get_by_label("Tên hệ thống").fill("Phần mềm đất đai")
    admin.locator("#id_unit").select_option(label=org.c1.name)
    admin.get_by_label("Đọc hồ sơ của đơn vị").check()
    admin.get_by_label("Địa chỉ nhận webhook").fill(receiver.url + "/hooks")
    admin.get_by_label("Hồ sơ đổi trạng thái").check()
    admin.get_by_role("button", name="Tạo và cấp khóa").click()
    key = admin.get_by_test_id("api-key").inner_text()
    assert "." in key
    admin.get_by_role("link", name="Đã lưu, quay lại danh sách").click()
    assert admin.get_by_text("Phần mềm đất đai").is_visible()
    assert key not in admin.content()
    admin.goto("/integration/deliveries/")
    assert admin.get_by_text("Chưa có lần gửi nào.").is_visible()


def test_supervisor_sees_the_national_sync_screen(session, supervisor):
    page = session("supervisor")
    page.goto("/integration/national/")
    assert page.get_by_role("heading", name="Đồng bộ Cổng Dịch vụ công quốc gia").is_visible()
    assert page.get_by_test_id("national-backlog").is_visible()
