import subprocess
from decimal import Decimal

import pytest

from dossiers.models import Dossier
from tests.dossiers.factories import published_version
from tests.e2e.conftest import login, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_walk_in_reception_end_to_end_then_public_lookup(page, browser, live_server, clerk, tmp_path):
    published_version(processing_time=Decimal("3"), components=("Tờ khai đăng ký khai sinh", "Giấy chứng sinh"))
    login(page, "clerk")
    page.get_by_test_id("new-reception").click()
    page.get_by_label("Chọn thủ tục hành chính").fill("dang ky khai sinh")
    page.get_by_test_id("procedure-results").get_by_role("link", name="Đăng ký khai sinh").click()

    page.get_by_label("Số định danh cá nhân").fill("019190001234")
    page.get_by_label("Họ và tên người nộp").fill("Trần Thị Bích Ngọc")
    page.get_by_label("Số điện thoại").fill("0987654321")
    page.get_by_label("Địa chỉ").fill("Tổ 5, xã Mỹ Hà")
    components = page.get_by_test_id("component")
    # First submit with a disguised file: the form comes back with everything kept.
    fake = tmp_path / "giay-chung-sinh.pdf"
    fake.write_bytes(b"GIF89a definitely not a pdf")
    good = tmp_path / "to-khai.pdf"
    good.write_bytes(PDF)
    components.nth(0).get_by_role("checkbox", name="Tờ khai đăng ký khai sinh").check()
    components.nth(0).locator("input[type=file]").set_input_files(str(good))
    components.nth(1).get_by_role("checkbox", name="Giấy chứng sinh").check()
    components.nth(1).locator("input[type=file]").set_input_files(str(fake))
    page.get_by_test_id("receive").click()
    assert page.get_by_text("không phải PDF, JPEG hoặc PNG").is_visible()
    assert page.get_by_label("Họ và tên người nộp").input_value() == "Trần Thị Bích Ngọc"
    assert page.get_by_test_id("staged-files").first.inner_text().count("to-khai.pdf") == 1
    screenshot(page, "reception-error-kept")

    scan = tmp_path / "chung-sinh.png"
    scan.write_bytes(PNG)
    page.get_by_test_id("component").nth(1).locator("input[type=file]").set_input_files(str(scan))
    page.get_by_test_id("receive").click()

    code = page.get_by_test_id("dossier-code").inner_text()
    dossier = Dossier.objects.get(code=code)
    assert dossier.files.count() == 2
    assert page.get_by_text("Đã tiếp nhận hồ sơ").first.is_visible()
    screenshot(page, "dossier-detail")

    receipt = page.request.get(page.get_by_test_id("receipt-link").get_attribute("href"))
    assert receipt.headers["content-type"] == "application/pdf"
    text = " ".join(subprocess.run(["pdftotext", "-", "-"], input=receipt.body(), capture_output=True,
                                   check=True).stdout.decode().split())
    assert code in text and "Trần Thị Bích Ngọc" in text

    anonymous = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    visitor = anonymous.new_page()
    visitor.goto("/")
    visitor.goto(f"/track/?code={code}")
    secret = Dossier.objects.get(code=code).lookup_pin_display()
    assert secret in text  # printed on the receipt
    visitor.get_by_label("Mã tra cứu").fill(secret)
    visitor.get_by_role("button", name="Tra cứu").click()
    result = visitor.get_by_test_id("lookup-result")
    assert "Đã tiếp nhận" in result.inner_text()
    assert "Trần Thị Bích Ngọc" not in visitor.content()
    screenshot(visitor, "track-390")
    anonymous.close()


def test_clerk_pages_through_results_awaiting_collection(page, live_server, clerk, org, monkeypatch):
    """The counter's results awaiting collection come in pages, earliest due first; the search
    typed stays when the clerk turns the page."""
    import datetime

    from django.utils import timezone

    from dossiers import views
    from dossiers.models import Status
    from tests.dossiers.factories import DossierFactory

    monkeypatch.setattr(views, "COUNTER_PAGE_SIZE", 2)  # the live server runs in this process
    start = timezone.now() - datetime.timedelta(days=3)
    made = [DossierFactory(receiving_unit=org.c1, status=Status.RESULT_READY, applicant_name=f"Lê Văn Cường {i}",
                           due_at=start + datetime.timedelta(hours=i)) for i in range(3)]
    login(page, "clerk")
    page.goto("/counter/?q=Lê Văn")
    assert page.get_by_test_id("to-return-count").inner_text() == "3"
    section = page.locator("#to-return + div")
    assert made[0].code in section.inner_text() and made[2].code not in section.inner_text()
    page.get_by_role("link", name="Trang sau").click()
    page.wait_for_load_state()
    assert "page=2" in page.url and "q=L" in page.url
    assert made[2].code in page.locator("#to-return + div").inner_text()
    assert page.get_by_text("Trang 2/2").is_visible()
    screenshot(page, "counter-to-return-page-2")
