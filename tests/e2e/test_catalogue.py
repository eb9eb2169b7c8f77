"""The catalogue in a browser: an editor builds and publishes a procedure, the public finds it
without accents; imports with a progress bar; the public pages on a phone."""

import datetime
import re

import pytest

from procedures.models import ImportJob, Procedure
from tests.e2e.conftest import login, screenshot
from tests.factories import level
from tests.procedures import importdata
from tests.procedures.factories import FieldFactory, LegalDocumentFactory, published_version

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def catalogue_setup(org, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    level("commune")
    FieldFactory(code="ho-tich", name="Hộ tịch")
    LegalDocumentFactory(number="60/2014/QH13", title="Luật Hộ tịch", issuer="Quốc hội")
    return org


def test_editor_publishes_a_procedure_and_the_public_finds_it_without_accents(page, browser, live_server, editor,
                                                                                catalogue_setup):
    org = catalogue_setup
    login(page, "editor")
    page.goto("/catalogue/")
    page.get_by_role("link", name="Thêm thủ tục").click()
    page.get_by_label("Mã thủ tục").fill("1.999001")
    page.get_by_label("Lĩnh vực").select_option(label="Hộ tịch")
    page.get_by_label("Tên thủ tục").fill("Đăng ký khai sinh lưu động")
    page.get_by_label("Cấp thực hiện").select_option(label="Cấp xã")
    page.get_by_label("Hiệu lực từ ngày").fill(datetime.date.today().isoformat())
    page.get_by_label("Nơi tiếp nhận hồ sơ").select_option(label=org.c1.name)
    page.get_by_label("Mức độ dịch vụ công trực tuyến").select_option("4")
    page.locator("#id_version-processing_time").fill("3")
    page.get_by_label("Căn cứ pháp lý").select_option(label="60/2014/QH13 — Luật Hộ tịch")
    page.get_by_role("button", name="Tạo bản nháp").click()
    assert page.get_by_test_id("version-status").inner_text() == "Bản nháp"
    assert "Thủ tục phải có ít nhất một thành phần hồ sơ." in page.get_by_test_id("publish-problems").inner_text()

    components = page.locator("[data-formset=components]")
    components.locator("textarea[name='components-0-name']").fill("Tờ khai đăng ký khai sinh")
    components.locator("input[name='components-0-originals']").fill("1")
    components.locator("input[name='components-0-order']").fill("1")
    steps = page.locator("[data-formset=steps]")
    steps.get_by_role("button", name="Thêm dòng").click()
    steps.get_by_role("button", name="Thêm dòng").click()
    rows = [("1", "counter", None, "Tiếp nhận hồ sơ", "0.5"), ("2", None, "Cấp xã", "Thẩm định, trình ký", "2"),
            ("3", "counter", None, "Trả kết quả", "0.5")]
    for i, (order, counter, handler_level, action, budget) in enumerate(rows):
        steps.locator(f"input[name='steps-{i}-order']").fill(order)
        if counter:
            steps.locator(f"input[name='steps-{i}-is_counter']").check()
        if handler_level:
            steps.locator(f"select[name='steps-{i}-handler_level']").select_option(label=handler_level)
        steps.locator(f"textarea[name='steps-{i}-action']").fill(action)
        steps.locator(f"input[name='steps-{i}-budget']").fill(budget)
    assert page.get_by_test_id("route-total").inner_text() == "3"
    screenshot(page, "catalogue-editor-version")
    page.get_by_role("button", name="Lưu bản nháp").click()
    assert page.get_by_text("Đã lưu bản nháp.").is_visible()
    assert "Bản nháp đã đủ điều kiện công bố." in page.get_by_test_id("publish-box").inner_text()
    page.get_by_role("button", name="Công bố").click()
    assert page.get_by_test_id("version-status").inner_text() == "Đã công bố"

    # An anonymous visitor, without accents, words in another order, on a phone.
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, locale="vi-VN",
                                  base_url=live_server.url)
    visitor = context.new_page()
    visitor.goto("/")
    visitor.get_by_label("Tìm thủ tục hành chính").fill("khai sinh luu dong dang ky")
    visitor.get_by_role("button", name="Tìm").click()
    assert "Tìm thấy 1 thủ tục" in visitor.get_by_test_id("result-count").inner_text()
    visitor.get_by_role("link", name="Đăng ký khai sinh lưu động").click()
    assert visitor.get_by_test_id("page-title").inner_text() == "Đăng ký khai sinh lưu động"
    assert "Tờ khai đăng ký khai sinh" in visitor.get_by_test_id("components").inner_text()
    assert "Thẩm định, trình ký" in visitor.get_by_test_id("steps").inner_text()
    assert visitor.get_by_test_id("submit-online").is_visible()
    assert visitor.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(visitor, "catalogue-detail-phone")
    context.close()


def test_public_catalogue_on_a_phone(phone_page, catalogue_setup):
    org = catalogue_setup
    for i, name in enumerate(["Đăng ký khai sinh", "Đăng ký kết hôn", "Cấp Phiếu lý lịch tư pháp cho công dân "
                              "Việt Nam, người nước ngoài đang cư trú tại Việt Nam"]):
        published_version(code=f"1.00{i}193", name=name, receiving=[org.c1], online_level=3 + i % 2)
    phone_page.goto("/procedures/?q=DANG+KY")
    assert "Tìm thấy 2 thủ tục" in phone_page.get_by_test_id("result-count").inner_text()
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone_page, "catalogue-list-phone")


def test_importing_2000_procedures_shows_progress_and_completes(page, editor, catalogue_setup):
    org = catalogue_setup
    content = importdata.to_csv(importdata.rows(2000, unit_code=org.c1.code, document="60/2014/QH13"))
    login(page, "editor")
    page.goto("/catalogue/import/")
    page.get_by_label("Tệp danh mục").set_input_files(
        {"name": "danh-muc-2000.csv", "mimeType": "text/csv", "buffer": content}
    )
    page.get_by_role("button", name="Tải lên và kiểm tra").click()
    page.get_by_test_id("import-preview").wait_for(timeout=120000)
    assert "Sẽ tạo mới 2000, cập nhật 0, không đổi 0 thủ tục." in page.get_by_test_id("import-preview").inner_text()
    page.get_by_test_id("import-confirm").click()
    page.get_by_test_id("import-done").wait_for(timeout=240000)
    assert page.get_by_test_id("progress-bar").inner_text() == "100%"
    assert page.get_by_test_id("progress-bar").is_visible()
    screenshot(page, "catalogue-import-done")
    assert Procedure.objects.count() == 2000
    assert ImportJob.objects.get().status == ImportJob.Status.DONE


def test_a_file_with_bad_rows_imports_nothing_and_lists_them(page, editor, catalogue_setup):
    org = catalogue_setup
    items = importdata.rows(30, unit_code=org.c1.code, document="60/2014/QH13")
    items[4]["thoi_han"] = "7"
    items[9]["muc_do"] = "9"
    items[19]["hieu_luc_tu"] = "31/02/2025"
    login(page, "editor")
    page.goto("/catalogue/import/")
    page.get_by_label("Tệp danh mục").set_input_files(
        {"name": "co-loi.csv", "mimeType": "text/csv", "buffer": importdata.to_csv(items)}
    )
    page.get_by_role("button", name="Tải lên và kiểm tra").click()
    errors = page.get_by_test_id("import-errors")
    errors.wait_for()
    text = errors.inner_text()
    for row, column in ((6, "quy_trinh"), (11, "muc_do"), (21, "hieu_luc_tu")):
        assert re.search(rf"^{row}\s+{column}\s", text, re.M), text
    assert "Không thủ tục nào được nhập" in page.content()
    assert page.get_by_test_id("import-confirm").count() == 0
    screenshot(page, "catalogue-import-errors")
    assert Procedure.objects.count() == 0


def test_editor_imports_a_national_catalogue_previews_changes_and_confirms(page, editor, catalogue_setup, settings):
    """Issue 21: a catalogue of the national shape (level names, long texts, fees in USD, legal
    documents the portal has never seen) imported from the page with its progress polled from a
    background thread (the dev default without Redis); then an edited copy with its lists in
    another order shows exactly the edited procedure, old → new, and overwrites only once ticked."""
    from procedures.models import LegalDocument, ProcedureVersion
    from tests.procedures import national

    settings.CATALOGUE_IMPORT_IN_THREAD = True
    org = catalogue_setup
    units = [org.c1.code, org.c2.code]
    items = national.as_published(national.catalogue(30, units=units, documents=["-"]))
    items, numbers = national.with_new_documents(items, 12)
    login(page, "editor")

    page.goto("/catalogue/import/")
    page.get_by_label("Tệp danh mục").set_input_files({
        "name": "quoc-gia.xlsx", "buffer": national.to_file(items, "xlsx"),
        "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"})
    page.get_by_role("button", name="Tải lên và kiểm tra").click()
    page.get_by_test_id("progress-bar").wait_for()
    page.get_by_test_id("import-preview").wait_for(timeout=60000)
    assert "Sẽ tạo mới 30, cập nhật 0, không đổi 0 thủ tục." in page.get_by_test_id("import-preview").inner_text()
    assert "Sẽ tạo 12 văn bản pháp lý" in page.get_by_test_id("import-documents-create").inner_text()
    page.get_by_test_id("import-confirm").click()
    page.get_by_test_id("import-done").wait_for(timeout=60000)
    assert "Đã tạo 12 văn bản pháp lý." in page.get_by_test_id("import-done").inner_text()
    assert LegalDocument.objects.filter(number__in=numbers).count() == 12

    edited = national.shuffled(items)
    edited[4]["ten_thu_tuc"] = "Cấp giấy chứng nhận (tên mới theo quyết định sửa đổi)"
    edited[4]["hieu_luc_tu"] = "2025-09-01"
    page.goto("/catalogue/import/")
    page.get_by_label("Tệp danh mục").set_input_files({
        "name": "sua-doi.xlsx", "buffer": national.to_file(edited, "xlsx"),
        "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"})
    page.get_by_role("button", name="Tải lên và kiểm tra").click()
    page.get_by_test_id("import-preview").wait_for(timeout=60000)
    assert "Sẽ tạo mới 0, cập nhật 1, không đổi 29 thủ tục." in page.get_by_test_id("import-preview").inner_text()
    code = items[4]["ma_thu_tuc"]
    changes = page.get_by_test_id(f"import-changes-{code}")
    assert "ten_thu_tuc" in changes.inner_text()
    assert changes.locator("ins").inner_text() == "Cấp giấy chứng nhận (tên mới theo quyết định sửa đổi)"
    screenshot(page, "catalogue-import-national-changes")

    page.get_by_test_id("import-confirm").click()  # not ticked: the browser keeps the form
    assert page.get_by_test_id("import-preview").is_visible()
    page.get_by_label(re.compile("đồng ý ghi đè 1 thủ tục")).check()
    page.get_by_test_id("import-confirm").click()
    page.get_by_test_id("import-done").wait_for(timeout=60000)
    assert "cập nhật 1" in page.get_by_test_id("import-done").inner_text()
    latest = ProcedureVersion.objects.filter(procedure__national_code=code).order_by("-number").first()
    assert (latest.number, latest.name) == (2, "Cấp giấy chứng nhận (tên mới theo quyết định sửa đổi)")
