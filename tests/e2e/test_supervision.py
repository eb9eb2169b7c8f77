"""A supervisor in the browser: the dashboard, the overdue list, a dossier and its slip, the
statistics page with its charts, and the monthly report downloaded as XLSX and PDF."""

import io
import subprocess

import pytest
from openpyxl import load_workbook

from tests.e2e.conftest import login, screenshot
from tests.workflow import test_stats

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

october = test_stats.october  # the hand-built month of the statistics tests


def test_supervisor_follows_overdue_to_a_dossier_and_downloads_the_monthly_report(page, org, october, supervisor,
                                                                                   tmp_path):
    login(page, "supervisor")
    page.goto("/supervision/dashboard/")
    assert page.get_by_test_id("page-title").inner_text() == "Giám sát giải quyết hồ sơ"
    assert page.get_by_test_id("overdue-by-unit").get_by_text(org.c3.name).is_visible()
    screenshot(page, "supervision-dashboard")

    page.get_by_test_id("deadline-overdue").click()
    page.wait_for_url("**/supervision/dossiers/?state=overdue*")
    table = page.get_by_test_id("dossier-table")
    code = october["H"].code
    assert table.get_by_role("link", name=code).is_visible()
    screenshot(page, "supervision-overdue-list")
    slip = page.request.get(f"/dossiers/{code}/process-slip.pdf")
    assert slip.status == 200 and slip.body().startswith(b"%PDF")
    table.get_by_role("link", name=code).click()
    assert page.get_by_test_id("dossier-code").inner_text() == code

    page.goto("/supervision/statistics/?period=month&year=2026&month=10")
    assert page.get_by_test_id("sum-received").inner_text() == "11"
    page.wait_for_function("() => window.Chart && Object.keys(Chart.instances).length >= 3")
    screenshot(page, "supervision-statistics")

    with page.expect_download() as download:
        page.get_by_test_id("report-xlsx").click()
    path = tmp_path / "report.xlsx"
    download.value.save_as(path)
    sheet = load_workbook(path).worksheets[0]
    assert [c.value for c in list(sheet.iter_rows())[-1]][:2] == ["Tổng cộng", 11]

    with page.expect_download() as download:
        page.get_by_test_id("report-pdf").click()
    path = tmp_path / "report.pdf"
    download.value.save_as(path)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True).stdout.decode()
    assert "BÁO CÁO TÌNH HÌNH GIẢI QUYẾT" in text.upper() and "Tháng 10/2026" in text
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", str(path),
                    str(screenshot(page, "supervision-statistics").with_name("supervision-report"))], check=True)
    assert io.BytesIO(path.read_bytes()).getbuffer().nbytes > 5000
