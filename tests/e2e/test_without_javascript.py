"""Issue 20 item 2: with JavaScript off, the phone menu (sign in, sign up), the staff user menu
(sign out) and the counter's ID-number pre-fill still work."""

import pytest

from tests.dossiers.factories import published_version
from tests.e2e.conftest import PHONE, login, screenshot
from tests.factories import CitizenFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def no_js(browser, live_server):
    def open_page(viewport=PHONE):
        context = browser.new_context(viewport=viewport, locale="vi-VN", base_url=live_server.url,
                                      java_script_enabled=False)
        page = context.new_page()
        page.set_default_timeout(15000)
        return page
    return open_page


def test_phone_menu_offers_sign_in_and_sign_up_without_javascript(no_js):
    page = no_js()
    page.goto("/")
    assert page.evaluate("document.documentElement.className") == "no-js"
    sign_up = page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Đăng ký")
    assert sign_up.is_visible()
    screenshot(page, "no-js-phone-menu")
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Đăng nhập").click()
    assert page.get_by_test_id("login-form").is_visible()
    # The folded sign-up is a <details>: it opens without any script.
    page.get_by_test_id("signup-link").click()
    assert page.get_by_test_id("signup-form").is_visible()


def test_with_javascript_the_phone_menu_stays_folded(phone_page, live_server):
    phone_page.goto("/")
    assert phone_page.evaluate("document.documentElement.className") == "js"
    assert not phone_page.get_by_role("navigation", name="Điều hướng chính").get_by_role(
        "link", name="Đăng ký").is_visible()


def test_staff_signs_out_and_the_counter_looks_up_an_id_number_without_javascript(no_js, clerk):
    published_version(components=("Tờ khai đăng ký khai sinh",))
    CitizenFactory(personal_id="019190001234", full_name="Trần Thị Bích Ngọc")
    page = no_js({"width": 1280, "height": 900})
    login(page, "clerk")
    page.goto("/counter/receive/1.001193/")
    page.get_by_label("Số định danh cá nhân").fill("019190001234")
    page.get_by_label("Địa chỉ").fill("Tổ 5, xã Mỹ Hà")
    page.get_by_test_id("applicant-lookup").click()
    # The whole form came back: the name known for the ID number filled in, the typed address kept.
    assert page.get_by_label("Họ và tên người nộp").input_value() == "Trần Thị Bích Ngọc"
    assert page.get_by_label("Địa chỉ").input_value() == "Tổ 5, xã Mỹ Hà"
    assert page.get_by_text("Đã điền thông tin đã có trong hệ thống").is_visible()
    screenshot(page, "no-js-counter-lookup")
    page.get_by_test_id("user-menu").focus()  # the menu opens on keyboard focus, no script needed
    page.get_by_role("button", name="Đăng xuất").click()
    page.goto("/counter/")
    assert "/accounts/login/" in page.url
