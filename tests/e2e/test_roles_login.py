import pytest

from tests.e2e.conftest import login, screenshot
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_home_page_on_a_phone(phone_page):
    phone_page.goto("/")
    assert phone_page.locator("html").get_attribute("lang") == "vi"
    assert phone_page.get_by_role("heading", name="Dịch vụ công một cửa").is_visible()
    # Nothing overflows the 390 px viewport.
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    # The vendored font with Vietnamese glyphs is loaded, not a fallback.
    phone_page.evaluate("document.fonts.ready")
    assert phone_page.evaluate("document.fonts.check('16px \"Be Vietnam Pro\"', 'Đăng ký khai sinh')")
    path = screenshot(phone_page, "home-390x844")
    assert path.stat().st_size > 10_000


@pytest.mark.parametrize(
    "fixture, landing, title",
    [
        ("clerk", "/counter/", "Bộ phận một cửa"),
        ("officer", "/inbox/", "Hồ sơ cần xử lý"),
        ("leader", "/inbox/", "Hồ sơ cần xử lý"),
        ("supervisor", "/supervision/dashboard/", "Giám sát giải quyết hồ sơ"),
        ("editor", "/catalogue/", "Quản lý danh mục thủ tục"),
        ("citizen", "/my/", "Hồ sơ của tôi"),
    ],
)
def test_each_role_logs_in_and_sees_its_home(request, page, live_server, fixture, landing, title):
    user = request.getfixturevalue(fixture)
    login(page, user.username)
    assert page.url == live_server.url + landing
    assert page.get_by_test_id("page-title").inner_text() == title
    assert page.get_by_test_id("empty-state").first.is_visible()  # a new user's home has nothing yet
    screenshot(page, f"home-{fixture}")


def test_staff_header_shows_the_unit_and_logout_works(page, clerk):
    login(page, "clerk")
    assert page.get_by_test_id("current-unit").inner_text() == "Ủy ban nhân dân xã Mỹ Hà"
    page.get_by_test_id("user-menu").click()
    page.get_by_role("button", name="Đăng xuất").click()
    assert page.get_by_role("heading", name="Bạn đã đăng xuất").is_visible()


def test_language_switch_to_english_and_back(page, db):
    page.goto("/")
    page.get_by_role("button", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="One-stop public services").is_visible()
    page.get_by_role("button", name="Tiếng Việt").click()
    assert page.locator("html").get_attribute("lang") == "vi"


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/track/", "/procedures/"])
def test_public_pages_fit_a_360px_screen(browser, live_server, path):
    context = browser.new_context(viewport={"width": 360, "height": 740}, base_url=live_server.url, is_mobile=True)
    page = context.new_page()
    page.goto(path)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, path
    context.close()


def test_staff_pages_fit_a_360px_screen(browser, live_server, clerk):
    context = browser.new_context(viewport={"width": 360, "height": 740}, base_url=live_server.url, is_mobile=True)
    page = context.new_page()
    login(page, "clerk")
    for path in ["/counter/", "/counter/receive/", "/units/"]:
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, path
    screenshot(page, "units-360")
    context.close()


def test_a_clerk_sets_the_second_step_up_on_first_sign_in(page, live_server, clerk):
    """Issue 19: the first sign-in of a staff member asks for an authenticator app; the key
    shown on the page gives the codes; recovery codes are shown once; then the counter opens."""
    import base64

    from django_otp.oath import totp

    page.goto("/accounts/login/")
    page.get_by_test_id("login-form").get_by_label("Tên đăng nhập").fill("clerk")
    page.get_by_test_id("login-form").get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    assert "/accounts/mfa/setup/" in page.url
    assert page.locator(".mfa-qr svg").is_visible()
    screenshot(page, "mfa-setup")
    key = base64.b32decode(page.get_by_test_id("mfa-key").inner_text().replace(" ", ""))
    page.get_by_label("Mã xác thực").fill(f"{totp(key):06d}")
    page.get_by_role("button", name="Kích hoạt").click()
    assert page.get_by_test_id("recovery-codes").locator("li").count() == 10
    screenshot(page, "mfa-recovery-codes")
    page.get_by_role("link", name="Tôi đã cất các mã, tiếp tục").click()
    assert page.get_by_test_id("page-title").inner_text() == "Bộ phận một cửa"
