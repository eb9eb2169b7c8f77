"""Issue 20 items 4 and 11 in the browser: a dossier that arrived by post is registered at the
counter as channel 3 with its tracking number; its result goes back by post with the slip the
postman carries."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from dossiers.models import Channel, Dossier, DossierFile, Status
from tests.dossiers.factories import published_version
from tests.e2e.conftest import login, screenshot
from tests.e2e.test_counter_reception import PDF

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_postal_intake_and_return_by_post(page, live_server, clerk, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    version = published_version(processing_time=Decimal("3"), components=("Tờ khai đăng ký khai sinh",))
    login(page, "clerk")
    page.goto(f"/counter/receive/{version.procedure.national_code}/")
    page.get_by_label("Số định danh cá nhân").fill("019190004322")
    page.get_by_label("Họ và tên người nộp").fill("Đỗ Văn Hùng")
    page.get_by_label("Số điện thoại").fill("0912000222")
    page.get_by_label("Địa chỉ").fill("Thôn Bắc, xã Mỹ Hà")
    page.get_by_label("Qua bưu chính công ích").check()
    page.get_by_label("Hình thức nhận kết quả").select_option("post")
    scan = tmp_path / "to-khai.pdf"
    scan.write_bytes(PDF)
    component = page.get_by_test_id("component").first
    component.get_by_role("checkbox", name="Tờ khai đăng ký khai sinh").check()
    component.locator("input[type=file]").set_input_files(str(scan))
    page.get_by_test_id("receive").click()
    # No tracking number: the form comes back whole with the message beside the field.
    expect(page.get_by_text("Hồ sơ gửi qua bưu chính: ghi số hiệu bưu gửi.").first).to_be_visible()
    assert page.get_by_label("Họ và tên người nộp").input_value() == "Đỗ Văn Hùng"
    page.get_by_label("Số hiệu bưu gửi khi nộp").fill("RR123456789VN")
    page.get_by_test_id("receive").click()
    page.wait_for_load_state()
    dossier = Dossier.objects.get()
    assert (dossier.channel, dossier.intake_tracking_number) == (Channel.POSTAL, "RR123456789VN")
    screenshot(page, "postal-intake-received")

    # The result is ready: the clerk returns it by post and prints the postman's slip.
    DossierFile.objects.create(dossier=dossier, kind=DossierFile.Kind.RESULT, original_name="trich-luc.pdf",
                               content_type="application/pdf", size=10, sha256="0" * 64)
    Dossier.objects.filter(pk=dossier.pk).update(status=Status.RESULT_READY)
    page.goto(f"/dossiers/{dossier.code}/")
    slip = page.request.get(page.get_by_test_id("postal-slip-link").get_attribute("href"))
    assert slip.status == 200 and slip.body().startswith(b"%PDF")
    page.get_by_label("Số hiệu bưu gửi").fill("RR987654321VN")
    page.get_by_test_id("act-return").click()
    page.wait_for_load_state()
    dossier.refresh_from_db()
    assert (dossier.status, dossier.post_tracking_number) == (Status.RETURNED, "RR987654321VN")
    screenshot(page, "postal-returned")
