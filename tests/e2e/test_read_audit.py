"""The auditor signs in, lands on the read audit log, finds a refused attempt and exports it; the
page passes axe under the Content-Security-Policy (issue 19, item 2)."""

import pytest

from portal.models import ReadAccess, Role
from tests.e2e.conftest import login, screenshot
from tests.factories import staff

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_auditor_finds_a_refused_read_and_exports_the_log(page, live_server, org, clerk):
    staff(Role.AUDITOR, org.province, username="auditor", full_name="Hoàng Thanh Tra")
    ReadAccess.objects.create(user=clerk, username="clerk", role=Role.CLERK, unit=org.c1,
                              action=ReadAccess.Action.DOSSIER, target="P01.20.01-261102-0001", allowed=True)
    ReadAccess.objects.create(user=clerk, username="clerk", role=Role.CLERK, unit=org.c1,
                              action=ReadAccess.Action.FILE, target="P01.20.02-261102-0009 7", allowed=False)
    login(page, "auditor")
    assert page.url == live_server.url + "/audit/reads/"
    assert page.get_by_test_id("page-title").inner_text() == "Nhật ký truy cập dữ liệu cá nhân"
    assert page.get_by_test_id("audit-row").count() == 2
    page.get_by_label("Kết quả").select_option("refused")
    page.get_by_role("button", name="Tìm").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("audit-row").count() == 1
    assert page.get_by_test_id("refused").is_visible()
    screenshot(page, "read-audit-refused")
    with page.expect_download() as download:
        page.get_by_test_id("audit-export").click()
    text = open(download.value.path(), encoding="utf-8-sig").read()
    assert "P01.20.02-261102-0009 7" in text and "P01.20.01-261102-0001" not in text
