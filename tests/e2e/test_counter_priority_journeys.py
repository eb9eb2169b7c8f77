"""Issue 20 items 3 and 7 in the browser: the counter's journey (a dossier that goes on to its
first processing step by itself at reception, the warnings before a result is returned, the
accent-insensitive search, times and amounts as people say them) and priority that acts
(online dossiers first among those due together, at the counter and in the officers' inbox;
online vs counter processing times on the supervisor's dashboard)."""

import datetime
import subprocess
from decimal import Decimal

import pytest
from django.utils import timezone

from dossiers.models import Channel, Dossier, Outcome, Status
from procedures.models import Fee, RouteStep, TimeUnit
from tests.dossiers.factories import DossierFactory, published_version
from tests.e2e.conftest import login, screenshot
from tests.factories import level
from tests.workflow.factories import HandoffFactory
from workflow.models import Handoff
from workflow.routing import services

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def same_day_with_fee_and_forwarding_route():
    """A same-day procedure with an 8.000 đồng fee whose route's counter step has no time of its
    own (workflow.routing.route.forwards_on_reception): counter 0 → commune 4 h → counter 1 h."""
    version = published_version(time_unit=TimeUnit.SAME_DAY, processing_time=Decimal("8"),
                                components=("Tờ khai đăng ký khai sinh",))
    Fee.objects.create(version=version, name="Lệ phí cấp bản sao trích lục", amount=8000)
    for order, (is_counter, action, budget) in enumerate([
        (True, "Tiếp nhận", "0"), (False, "Thẩm định, trình ký", "4"), (True, "Trả kết quả", "1"),
    ]):
        RouteStep.objects.create(version=version, order=order, is_counter=is_counter, action=action,
                                 handler_level=None if is_counter else level("commune"), budget=Decimal(budget))
    return version


def codes_in(table):
    """The dossier codes of a table's rows, top to bottom, as the clerk or officer sees them."""
    return [code.strip() for code in table.locator("tbody tr td:first-child a").all_inner_texts()]


def test_counter_search_reception_forwarded_by_itself_and_return_after_warnings(page, clerk, leader_c1, org,
                                                                               tmp_path):
    version = same_day_with_fee_and_forwarding_route()
    an = DossierFactory(procedure_version=version, receiving_unit=org.c1, applicant_name="Nguyễn Văn An")
    other = DossierFactory(procedure_version=version, receiving_unit=org.c1, applicant_name="Trần Văn Nam")

    login(page, "clerk")
    page.goto("/counter/")
    # Typed without accents, as on a keyboard without Vietnamese input.
    page.get_by_label("Tìm hồ sơ").fill("nguyen van an")
    page.get_by_role("button", name="Tìm").click()
    results = page.locator("h2:has-text('Kết quả tìm kiếm') + div table")
    assert codes_in(results) == [an.code]
    assert other.code not in results.inner_text()
    assert "Nguyễn Văn An" in results.inner_text()

    page.get_by_test_id("new-reception").click()
    page.get_by_label("Chọn thủ tục hành chính").fill("dang ky khai sinh")
    page.get_by_test_id("procedure-results").get_by_role("link", name="Đăng ký khai sinh").click()
    heading = page.locator("h1 + p").inner_text()
    assert "Thời hạn giải quyết: trong ngày" in heading and "8 trong ngày" not in page.content()
    page.get_by_label("Số định danh cá nhân").fill("019190001234")
    page.get_by_label("Họ và tên người nộp").fill("Hoàng Thị Lan")
    page.get_by_label("Số điện thoại").fill("0912000111")
    page.get_by_label("Địa chỉ").fill("Tổ 5, xã Mỹ Hà")
    component = page.get_by_test_id("component").first
    component.get_by_role("checkbox", name="Tờ khai đăng ký khai sinh").check()
    declaration = tmp_path / "to-khai.pdf"
    declaration.write_bytes(PDF)
    component.locator("input[type=file]").set_input_files(str(declaration))
    page.get_by_test_id("receive").click()

    # Received and, with no "forward" click, already at the commune's processing step.
    code = page.get_by_test_id("dossier-code").inner_text()
    dossier = Dossier.objects.get(code=code)
    assert dossier.status == Status.PROCESSING
    route = page.get_by_test_id("route").locator("tbody tr")
    assert "table-primary" in (route.nth(1).get_attribute("class") or "")
    assert "Thẩm định, trình ký" in route.nth(1).inner_text()
    assert "table-primary" not in (route.nth(0).get_attribute("class") or "")
    assert page.get_by_test_id("act-forward").count() == 0
    screenshot(page, "counter-forwarded-at-reception")
    receipt = page.request.get(page.get_by_test_id("receipt-link").get_attribute("href"))
    text = " ".join(subprocess.run(["pdftotext", "-", "-"], input=receipt.body(), capture_output=True,
                                   check=True).stdout.decode().split())
    assert "Thời gian giải quyết hồ sơ theo quy định: trong ngày" in text and "8 trong ngày" not in text
    assert "Lệ phí cấp bản sao trích lục: 8.000 đồng" in text

    # The commune decides (no result file uploaded, the fee not collected): back at the counter.
    services.dossier_decide(dossier=dossier, leader=leader_c1, outcome=Outcome.APPROVED)
    page.reload()
    warnings = page.get_by_test_id("return-warnings")
    assert "Chưa có văn bản kết quả nào được tải lên hệ thống." in warnings.inner_text()
    assert "Thủ tục có phí, lệ phí 8.000 đồng nhưng chưa ghi nhận đã thu." in warnings.inner_text()
    assert page.get_by_text("Thu phí tại quầy (8.000 đồng)").is_visible()
    screenshot(page, "counter-return-warnings")
    # Not confirmed: the browser keeps the form (the box is required), nothing is returned.
    page.get_by_test_id("act-return").click()
    assert page.locator("#return-confirmed:invalid").count() == 1
    dossier.refresh_from_db()
    assert dossier.status == Status.RESULT_READY
    page.get_by_label("Vẫn trả kết quả").check()
    page.get_by_test_id("act-return").click()
    assert page.get_by_text("Đã trả kết quả.").is_visible()
    dossier.refresh_from_db()
    assert dossier.status == Status.RETURNED


def test_online_dossiers_first_among_those_due_together_at_the_counter_and_in_the_inbox(session, clerk, officer_c1,
                                                                                         org):
    version = published_version(components=("Tờ khai đăng ký khai sinh",))
    due = timezone.now() + datetime.timedelta(days=2)
    received = timezone.now() - datetime.timedelta(days=1)

    def made(channel, name, status, minutes, due_at=due):
        return DossierFactory(procedure_version=version, receiving_unit=org.c1, channel=channel,
                              is_priority=channel == Channel.ONLINE, status=status, applicant_name=name,
                              received_at=received + datetime.timedelta(minutes=minutes), due_at=due_at)

    # Results awaiting collection: two counter dossiers received before an online one, all due
    # together, and a counter dossier due earlier (urgency still comes first).
    earlier = made(Channel.COUNTER, "Lê Văn Sớm", Status.RESULT_READY, 0, due_at=due - datetime.timedelta(hours=3))
    walk_in_1 = made(Channel.COUNTER, "Phạm Văn Một", Status.RESULT_READY, 1)
    walk_in_2 = made(Channel.COUNTER, "Phạm Văn Hai", Status.RESULT_READY, 2)
    online = made(Channel.ONLINE, "Đỗ Thị Mạng", Status.RESULT_READY, 3)
    counter = session("clerk")
    counter.goto("/counter/")
    to_return = counter.locator("#to-return + div table")
    assert codes_in(to_return) == [earlier.code, online.code, walk_in_1.code, walk_in_2.code]
    assert "Ưu tiên" in to_return.locator("tbody tr").nth(1).inner_text()
    screenshot(counter, "counter-online-first")

    # The officers' inbox: active steps due at the same time, the online dossier's step made last.
    steps = []
    for minutes, channel in enumerate([Channel.COUNTER, Channel.COUNTER, Channel.ONLINE]):
        dossier = made(channel, f"Người nộp {minutes}", Status.PROCESSING, 10 + minutes)
        steps.append(HandoffFactory(dossier=dossier, order=1, unit=org.c1, state=Handoff.State.ACTIVE,
                                    started_at=dossier.received_at, due_at=due))
    officer = session("officer_c1")
    officer.goto("/inbox/")
    inbox = officer.get_by_test_id("inbox")
    assert codes_in(inbox) == [steps[2].dossier.code, steps[0].dossier.code, steps[1].dossier.code]
    screenshot(officer, "inbox-online-first")


def test_dashboard_shows_online_and_counter_processing_times(page, supervisor_d1, org):
    version = published_version(components=("Tờ khai đăng ký khai sinh",))
    now = timezone.now()

    def finished(channel, days):
        received = now - datetime.timedelta(days=10)
        DossierFactory(procedure_version=version, receiving_unit=org.c1, channel=channel, status=Status.RETURNED,
                       received_at=received, finished_at=received + datetime.timedelta(days=days))

    finished(Channel.ONLINE, 1)
    finished(Channel.ONLINE, 2)
    finished(Channel.COUNTER, 4)
    login(page, "supervisor_d1")
    page.goto("/supervision/dashboard/")
    table = page.get_by_test_id("channel-times")
    table.scroll_into_view_if_needed()
    online = page.get_by_test_id(f"channel-{Channel.ONLINE.value}").inner_text()
    walk_in = page.get_by_test_id(f"channel-{Channel.COUNTER.value}").inner_text()
    postal = page.get_by_test_id(f"channel-{Channel.POSTAL.value}").inner_text()
    assert "Trực tuyến" in online and "2" in online.split() and "1,5 ngày" in online
    assert "Trực tiếp" in walk_in and "1" in walk_in.split() and "4,0 ngày" in walk_in
    assert "Bưu chính công ích" in postal and "—" in postal
    screenshot(page, "dashboard-channel-times")
