"""Citizen pages besides the main flow, on a phone: feedback with a tracking code, the
procedure guide, the document wallet; and the clerk's assisted account with its link."""

import pytest

from citizens.models import Feedback
from tests.citizens.conftest import online_version, submitted
from tests.e2e.conftest import login, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def fits(page):
    return page.evaluate("document.documentElement.scrollWidth") <= 390


def test_feedback_guide_and_wallet_on_a_phone(phone_page, citizen, org, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    version = online_version(org)
    dossier = submitted(citizen, version, org)
    page = phone_page
    page.goto("/feedback/")
    page.get_by_label("Tiêu đề").fill("Chờ lâu tại quầy")
    page.get_by_role("button", name="Gửi", exact=True).click()
    assert page.get_by_text("Để lại thư điện tử hoặc số điện thoại").is_visible()
    assert page.get_by_label("Tiêu đề").input_value() == "Chờ lâu tại quầy"
    page.get_by_label("Họ và tên").fill("Phạm Văn Tú")
    page.get_by_label("Số điện thoại").fill("0912000999")
    page.get_by_label("Nội dung").fill("Tôi phải chờ hơn một giờ.")
    page.get_by_role("button", name="Gửi", exact=True).click()
    code = Feedback.objects.get().tracking_code
    assert page.get_by_test_id("tracking-code").inner_text() == code
    assert fits(page)
    screenshot(page, "citizen-feedback-sent")

    page.goto(f"/procedures/{version.procedure.national_code}/guide/")
    assert page.get_by_text("Giấy chứng sinh").is_visible() and fits(page)
    screenshot(page, "citizen-guide")

    login(page, citizen.email)  # sign-in by e-mail
    page.goto("/my/wallet/")
    distinct = len({f.sha256 for f in dossier.files.all()})
    assert page.get_by_test_id("wallet-file").count() == distinct and fits(page)
    screenshot(page, "citizen-wallet")


def test_clerk_opens_an_account_for_a_walk_in_citizen(page, browser, live_server, clerk):
    login(page, "clerk")
    page.goto("/counter/citizens/new/")
    page.get_by_label("Họ và tên").fill("Vũ Văn Cường")
    page.get_by_label("Số định danh cá nhân").fill("034090001111")
    page.get_by_label("Số điện thoại").fill("0987654321")
    page.get_by_role("button", name="Tạo tài khoản").click()
    link = page.get_by_test_id("activation-link").inner_text()
    screenshot(page, "clerk-assisted-account")
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    citizen_page = context.new_page()
    assert link.startswith(live_server.url)
    citizen_page.goto(link)
    citizen_page.locator("#id_password1").fill("Cuong@2026x")
    citizen_page.locator("#id_password2").fill("Cuong@2026x")
    citizen_page.get_by_role("button", name="Đặt mật khẩu và đăng nhập").click()
    assert citizen_page.get_by_test_id("page-title").inner_text() == "Hồ sơ của tôi"
    context.close()
