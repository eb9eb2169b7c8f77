"""The citizen portal on a phone (390×844): sign up, find "khai sinh", submit online with two
uploads (double-clicking submit), see it in "my dossiers"; the counter receives it; the
citizen uploads a requested supplement; the result is delivered online, downloaded, rated."""

import pytest

from citizens.models import OnlineDraft, Rating
from dossiers.models import Dossier, Outcome, Status
from tests.citizens.conftest import PDF, PNG, online_version
from tests.e2e.conftest import login, screenshot
from workflow.routing import services as wf

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_citizen_signs_up_submits_online_and_rates_the_result(phone_page, browser, live_server, clerk, officer_c1,
                                                                leader_c1, org, tmp_path, settings, unit_certificate):
    settings.MEDIA_ROOT = tmp_path / "media"
    online_version(org)
    page = phone_page

    # Sign up: a wrong ID number first, nothing typed is lost.
    page.goto("/account/signup/")
    page.get_by_label("Họ và tên").fill("Trần Thị Mai")
    page.get_by_label("Số định danh cá nhân").fill("00119000")
    page.get_by_label("Số điện thoại").fill("0912 345 678")
    page.get_by_label("Thư điện tử").fill("mai@example.vn")
    page.locator("#id_password1").fill("Khai$inh2026")
    page.locator("#id_password2").fill("Khai$inh2026")
    page.get_by_role("button", name="Tạo tài khoản").click()
    assert page.get_by_text("Số định danh cá nhân phải gồm đúng 12 chữ số").is_visible()
    assert page.get_by_label("Họ và tên").input_value() == "Trần Thị Mai"
    screenshot(page, "citizen-signup-error")
    page.get_by_label("Số định danh cá nhân").fill("001190001234")
    page.locator("#id_password1").fill("Khai$inh2026")
    page.locator("#id_password2").fill("Khai$inh2026")
    page.get_by_role("button", name="Tạo tài khoản").click()
    # The page says the same whether the ID number had an account (issue 19): sign in next.
    assert page.get_by_test_id("page-title").inner_text() == "Kiểm tra hộp thư của bạn"
    # The same screen signs in: the ID number typed is already there, only the password is asked.
    assert page.get_by_label("Số định danh, thư điện tử hoặc tên đăng nhập").input_value() == "001190001234"
    page.locator("#id_password").fill("Khai$inh2026")
    page.get_by_test_id("signup-login").click()
    assert page.get_by_test_id("page-title").inner_text() == "Hồ sơ của tôi"

    # Find the procedure without accents and start the wizard from its page.
    page.goto("/procedures/?q=khai sinh")
    page.get_by_role("link", name="Đăng ký khai sinh").first.click()
    page.get_by_test_id("submit-online").click()
    assert page.get_by_label("Họ và tên người nộp").input_value() == "Trần Thị Mai"
    assert page.get_by_label("Số định danh cá nhân").input_value() == "001190001234"
    page.get_by_label("Địa chỉ").fill("Thôn Đông, xã Mỹ Hà")
    page.get_by_label("Nhận trực tuyến").check()  # how the result comes back: the same screen
    screenshot(page, "citizen-wizard-applicant")
    page.get_by_test_id("next").click()

    # Components: a wrong file type is refused by content, the good file is kept.
    fake = tmp_path / "anh.png"
    fake.write_bytes(b"not an image at all")
    form = tmp_path / "to-khai.pdf"
    form.write_bytes(PDF)
    birth = tmp_path / "giay-chung-sinh.png"
    birth.write_bytes(PNG)
    inputs = page.locator("input[type=file]")
    inputs.nth(0).set_input_files(str(form))
    inputs.nth(1).set_input_files(str(fake))
    page.get_by_test_id("next").click()
    assert page.get_by_test_id("upload-error").first.inner_text().startswith("Tệp “anh.png” không phải PDF")
    assert page.get_by_text("to-khai.pdf").is_visible()
    screenshot(page, "citizen-wizard-upload-error")
    page.locator("input[type=file]").nth(1).set_input_files(str(birth))
    page.get_by_test_id("next").click()

    # Review and a double-clicked submit.
    page.get_by_label("Tôi cam đoan").check()
    screenshot(page, "citizen-wizard-review")
    page.get_by_test_id("submit").dblclick()
    page.wait_for_url("**/my/dossiers/**")
    assert Dossier.objects.count() == 1
    dossier = Dossier.objects.get()
    assert dossier.files.count() == 2 and dossier.status == Status.SUBMITTED and dossier.is_priority
    assert OnlineDraft.objects.get().state == OnlineDraft.State.SUBMITTED
    page.goto("/my/")
    assert page.get_by_test_id("my-dossier").filter(has_text=dossier.code).is_visible()
    screenshot(page, "citizen-my-dossiers")

    # The counter checks and receives it on the staff dossier page.
    counter_context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    counter = counter_context.new_page()
    login(counter, "clerk")
    counter.goto(f"/dossiers/{dossier.code}/")
    counter.get_by_test_id("act-online-accept").click()
    counter.wait_for_load_state()
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED and dossier.due_at
    counter_context.close()

    page.get_by_role("link", name=dossier.code).click()
    assert page.get_by_test_id("status").inner_text() == "Đã tiếp nhận"
    assert page.get_by_test_id("receipt-slip").is_visible()

    # The commune officer asks for a clearer birth certificate; the citizen uploads it.
    dossier = wf.dossier_forward(dossier=dossier, actor=clerk)
    wf.supplement_request(dossier=dossier, actor=officer_c1, reason="Giấy chứng sinh chụp bị mờ",
                          missing_components=["Giấy chứng sinh"])
    page.reload()
    assert page.get_by_test_id("supplement").get_by_text("Giấy chứng sinh chụp bị mờ").is_visible()
    page.locator("#supplement-files").set_input_files(str(birth))
    screenshot(page, "citizen-supplement")
    page.get_by_test_id("supplement-submit").click()
    assert page.get_by_text("Đã gửi giấy tờ bổ sung").is_visible()
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING

    # Processing ends with an electronic result returned online.
    dossier = wf.dossier_forward(dossier=dossier, actor=officer_c1)
    from tests.citizens.conftest import result_pdf

    wf.result_file_add(dossier=dossier, actor=leader_c1, upload=result_pdf())
    dossier = wf.dossier_decide(dossier=dossier, leader=leader_c1, outcome=Outcome.APPROVED, note="Đã đăng ký")
    wf.dossier_return(dossier=dossier, clerk=clerk, confirmed=True)

    page.reload()
    link = page.get_by_test_id("result-download")
    assert link.is_visible()
    response = page.request.get(link.get_attribute("href"))
    assert response.status == 200 and response.body().startswith(b"%PDF")
    assert page.get_by_test_id("online-guide").is_visible()
    screenshot(page, "citizen-rating-form")
    page.get_by_text("Yêu thích").click()
    page.get_by_text("Thời gian giải quyết").click()
    page.get_by_label("Ý kiến khác").fill("Nhanh, không phải đi lại")
    page.get_by_test_id("rate-submit").click()
    assert page.get_by_test_id("rated").is_visible()
    screenshot(page, "citizen-rated")
    rating = Rating.objects.get()
    assert rating.score == 5 and rating.aspects == ["time"] and rating.dossier == dossier
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
