"""Electronic declarations in the browser: a first-time citizen on a 390 px phone files a
birth registration with the e-form from the procedure page to the confirmation page, counting
screens (page loads) and actions; a clerk files one for a walk-in; the PDF is read back and
rendered to PNG to be looked at."""

import shutil
import subprocess

import pytest
from pypdf import PdfReader

from dossiers.models import Declaration, Dossier, Status
from procedures.eforms import library
from procedures.models import ComponentRequirement, Fee
from tests.citizens.conftest import PNG, online_version
from tests.e2e.conftest import ARTIFACTS, login, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _birth_version(org):
    """Birth registration as published: free, with the 8.000 đ copies of the extract on request."""
    version = online_version(org)
    ComponentRequirement.objects.filter(version=version, name="Tờ khai đăng ký khai sinh").update(
        eform=library.load("khai-sinh"))
    Fee.objects.create(version=version, order=1, name="Lệ phí đăng ký khai sinh", amount=0)
    Fee.objects.create(version=version, order=2, name="Phí cấp bản sao trích lục khai sinh (nếu yêu cầu)",
                       amount=8000, amount_text="8.000 đồng/bản", is_optional=True)
    return version


class Journey:
    """Counts screens (main-frame page loads) and actions (clicks, fills, selections)."""

    def __init__(self, page):
        self.page, self.screens, self.actions, self.urls = page, 0, 0, []
        page.on("framenavigated", self._navigated)

    def _navigated(self, frame):
        if frame == self.page.main_frame:
            self.screens += 1
            self.urls.append(frame.url)

    def act(self, locator, method, *args):
        self.actions += 1
        getattr(locator, method)(*args)
        self.page.wait_for_load_state()


def _pdf_png(content, name):
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.pdf"
    path.write_bytes(content)
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(path), str(ARTIFACTS / name)],
                       check=True)
    return PdfReader(str(path)).pages[0].extract_text()


def test_first_time_citizen_files_a_birth_registration_on_a_phone_in_ten_screens(phone_page, live_server, org,
                                                                                  tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    version = _birth_version(org)
    page = phone_page
    journey = Journey(page)
    act = journey.act

    page.goto("/")                                                           # the home page, first screen
    screenshot(page, "eform-phone-home")
    shortcut = page.get_by_test_id("popular-procedures").get_by_role("link", name=version.name)
    assert shortcut.bounding_box()["y"] + shortcut.bounding_box()["height"] <= 844 * 2  # within two swipes
    act(shortcut, "click")                                                    # -> the procedure page
    assert page.get_by_test_id("eform-online").first.inner_text().startswith("Tờ khai điện tử")
    button = page.get_by_test_id("submit-online").bounding_box()
    assert button["y"] + button["height"] <= 844  # on the first phone screen, no scrolling
    act(page.get_by_test_id("submit-online"), "click")                       # -> sign in
    act(page.get_by_test_id("signup-link"), "click")                          # sign-up unfolds, same screen
    act(page.get_by_label("Họ và tên"), "fill", "Trần Thị Mai")
    act(page.get_by_label("Số định danh cá nhân"), "fill", "036195001234")
    act(page.get_by_label("Số điện thoại"), "fill", "0912345678")
    act(page.locator("#id_email"), "fill", "mai@example.vn")
    act(page.locator("#id_password1"), "fill", "Khai$inh2026")
    act(page.locator("#id_password2"), "fill", "Khai$inh2026")
    act(page.get_by_role("button", name="Tạo tài khoản"), "click")          # -> check mail + sign in
    assert page.get_by_test_id("page-title").inner_text() == "Kiểm tra hộp thư của bạn"
    act(page.locator("#id_password"), "fill", "Khai$inh2026")
    act(page.get_by_test_id("signup-login"), "click")                         # -> wizard: applicant
    assert page.get_by_label("Họ và tên người nộp").input_value() == "Trần Thị Mai"
    act(page.get_by_label("Địa chỉ"), "fill", "Thôn Đông, xã Mỹ Hà")
    act(page.get_by_label("Nhận trực tuyến"), "check")                      # how the result comes back
    copies = page.get_by_label("Phí cấp bản sao trích lục khai sinh (nếu yêu cầu) — số bản yêu cầu")
    assert copies.input_value() == "0"  # asked, never charged by default (issue 20)
    screenshot(page, "eform-phone-applicant-and-delivery")
    act(page.get_by_test_id("next"), "click")                                 # -> section 1: the child
    screenshot(page, "eform-phone-section-child")
    assert page.get_by_test_id("section-title").inner_text() == "Người được khai sinh", page.url
    act(page.locator("#id_f-child_name"), "fill", "Nguyễn An Nhiên")
    act(page.get_by_label("Ngày, tháng, năm sinh"), "fill", "2099-11-20")  # a typo: in the future
    act(page.get_by_label("Giới tính"), "select_option", "nu")
    act(page.get_by_label("Nơi sinh"), "fill", "Bệnh viện đa khoa tỉnh")
    act(page.get_by_label("Quê quán"), "fill", "Xã Mỹ Hà, tỉnh Ninh Bình")
    act(page.get_by_test_id("next"), "click")                                 # error screen
    error = page.get_by_test_id("eform-field-child_birth_date").get_by_test_id("eform-error")
    assert "không thể sau hôm nay" in error.inner_text()
    # The page came back scrolled to the first field in error, with the cursor in it.
    assert page.evaluate("document.activeElement.id") == page.get_by_label("Ngày, tháng, năm sinh").get_attribute("id")
    assert page.evaluate("(() => { const r = document.activeElement.getBoundingClientRect();"
                         " return r.top >= 0 && r.bottom <= window.innerHeight; })()")
    assert page.locator("#id_f-child_name").input_value() == "NGUYỄN AN NHIÊN"
    assert page.get_by_label("Nơi sinh").input_value() == "Bệnh viện đa khoa tỉnh"
    screenshot(page, "eform-phone-error-beside-field")
    error_screens = 1
    act(page.get_by_label("Ngày, tháng, năm sinh"), "fill", "2026-11-20")
    act(page.get_by_test_id("next"), "click")                                 # -> section 2: parents
    assert page.get_by_label("Họ, chữ đệm, tên người yêu cầu").input_value() == "TRẦN THỊ MAI"  # from the account
    act(page.get_by_label("Họ, chữ đệm, tên người mẹ"), "fill", "Trần Thị Mai")
    act(page.get_by_label("Ngày sinh của mẹ"), "fill", "1995-03-02")
    act(page.get_by_label("Số nhà, đường, thôn, tổ dân phố"), "fill", "Thôn Đông")
    act(page.get_by_label("Xã, phường, đặc khu"), "fill", "Xã Mỹ Hà")
    act(page.get_by_label("Tỉnh, thành phố"), "select_option", "Tỉnh Ninh Bình")
    act(page.get_by_label("Khai thông tin người cha"), "select_option", "khong")
    assert not page.get_by_label("Họ, chữ đệm, tên người cha").is_visible()  # the condition hides it
    act(page.get_by_label("Quan hệ với người được khai sinh"), "select_option", "me")
    screenshot(page, "eform-phone-section-parents")
    act(page.get_by_test_id("next"), "click")                                 # -> components
    assert page.get_by_test_id("eform-satisfied").is_visible()
    assert page.locator("input[type=file]").count() == 1  # only the birth certificate is uploaded
    certificate = tmp_path / "giay-chung-sinh.png"
    certificate.write_bytes(PNG)
    act(page.locator("input[type=file]"), "set_input_files", str(certificate))
    act(page.get_by_test_id("next"), "click")                                 # -> review
    assert page.get_by_test_id("fees").inner_text().strip() == "Không thu"
    assert page.get_by_test_id("review-declaration").get_by_text("NGUYỄN AN NHIÊN").is_visible()
    preview = page.request.get(page.get_by_test_id("declaration-preview").get_attribute("href"))
    assert preview.status == 200
    text = _pdf_png(preview.body(), "eform-birth-preview")
    assert "BẢN XEM TRƯỚC" in text and "NGUYỄN AN NHIÊN" in text
    screenshot(page, "eform-phone-review")
    act(page.get_by_label("Tôi cam đoan"), "check")
    act(page.get_by_test_id("submit"), "click")                               # -> confirmation
    page.wait_for_url("**/my/dossiers/**")
    screenshot(page, "eform-phone-confirmation")
    assert page.get_by_test_id("pay").count() == 0 and page.get_by_test_id("payment").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    dossier = Dossier.objects.get()
    assert dossier.status == Status.SUBMITTED and dossier.code in page.content()
    declaration = Declaration.objects.get(dossier=dossier)
    assert declaration.data["child_name"] == "NGUYỄN AN NHIÊN"
    assert dossier.files.count() == 2
    print(f"\nPHONE JOURNEY: {journey.screens} screens (page loads, incl. {error_screens} error re-display), "
          f"{journey.screens - error_screens} without the deliberate error; {journey.actions} actions")
    for url in journey.urls:
        print("  screen:", url.replace(live_server.url, ""))
    assert journey.screens - error_screens <= 10


def test_clerk_files_a_birth_declaration_for_a_walk_in(page, live_server, org, clerk, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    version = _birth_version(org)
    login(page, "clerk")
    page.goto(f"/counter/receive/{version.procedure.national_code}/")
    page.get_by_label("Họ và tên người nộp").fill("Trần Thị Mai")
    page.get_by_label("Số định danh cá nhân").first.fill("036195001234")
    page.get_by_label("Số điện thoại").fill("0912345678")
    eform = page.get_by_test_id("counter-eform")
    prefix = f"e{version.components.get(name='Tờ khai đăng ký khai sinh').pk}"
    eform.locator(f"#id_{prefix}-child_name").fill("Nguyễn An Nhiên")
    eform.get_by_label("Ngày, tháng, năm sinh").fill("2026-11-20")
    eform.get_by_label("Giới tính").select_option("nu")
    eform.get_by_label("Nơi sinh").fill("Trạm y tế xã Mỹ Hà")
    eform.get_by_label("Quê quán").fill("Tỉnh Ninh Bình")
    eform.get_by_label("Họ, chữ đệm, tên người mẹ").fill("Trần Thị Mai")
    eform.get_by_label("Ngày sinh của mẹ").fill("1995-03-02")
    eform.get_by_label("Số nhà, đường, thôn, tổ dân phố").fill("Thôn Đông")
    eform.get_by_label("Xã, phường, đặc khu").fill("Xã Mỹ Hà")
    eform.get_by_label("Tỉnh, thành phố").select_option("Tỉnh Ninh Bình")
    eform.get_by_label("Khai thông tin người cha").select_option("khong")
    eform.get_by_label("Họ, chữ đệm, tên người yêu cầu").fill("Trần Thị Mai")
    eform.get_by_label("Số định danh cá nhân của người yêu cầu").fill("036195001234")
    eform.get_by_label("Quan hệ với người được khai sinh").select_option("me")
    certificate = tmp_path / "giay-chung-sinh.png"
    certificate.write_bytes(PNG)
    card = page.get_by_test_id("component").filter(has_text="Giấy chứng sinh")
    card.locator("input[type=checkbox]").first.check()
    card.locator("input[type=file]").set_input_files(str(certificate))
    screenshot(page, "eform-counter-form")
    page.get_by_test_id("receive").click()
    page.wait_for_url("**/dossiers/**")
    dossier = Dossier.objects.get()
    assert dossier.status in (Status.RECEIVED, Status.PROCESSING)
    declaration = page.get_by_test_id("declaration")
    assert declaration.get_by_text("NGUYỄN AN NHIÊN").is_visible()
    screenshot(page, "eform-officer-dossier-page")
    stored = Declaration.objects.get(dossier=dossier)
    text = _pdf_png(stored.file.file.open("rb").read(), "eform-birth-declaration")
    for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "TỜ KHAI ĐĂNG KÝ KHAI SINH",
                     "Thông tư số 04/2020/TT-BTP", "NGUYỄN AN NHIÊN", "Trạm y tế xã Mỹ Hà", "Người yêu cầu",
                     "Kính gửi"):
        assert expected in text, expected


def test_editor_builds_and_previews_a_declaration(page, live_server, org, editor):
    from procedures import services
    from tests.procedures.factories import published_version

    version = published_version(code="1.001193", name="Đăng ký khai sinh", receiving=[org.c1])
    draft = services.procedure_version_duplicate(version=version, user=editor)
    login(page, "editor")
    page.goto(f"/catalogue/1.001193/v{draft.number}/")
    page.get_by_test_id("component-eform-link").first.click()
    page.get_by_label("Mẫu tờ khai").select_option("khai-sinh")
    page.get_by_test_id("eform-load").click()
    preview = page.get_by_test_id("eform-preview")
    assert preview.get_by_role("heading", name="Người được khai sinh").is_visible()
    preview.get_by_label("Khai thông tin người cha").select_option("khong")
    assert not preview.get_by_label("Họ, chữ đệm, tên người cha").is_visible()  # conditions work in the preview
    assert page.get_by_test_id("eform-field-row").count() > 20
    screenshot(page, "eform-editor")
    page.get_by_test_id("eform-json").fill('{"format": "portal.eform/1", "code": "X"}')
    page.get_by_test_id("eform-save-json").click()
    assert "sections" in page.get_by_test_id("eform-definition-errors").inner_text()
    screenshot(page, "eform-editor-invalid")
