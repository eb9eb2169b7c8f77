"""Forms in the browser: an officer asks for a supplement during processing and the citizen
downloads the Form 02 it issued from their dossier page; the supervision dashboard draws its
12-month trend with a table beside it, and long unit names on the statistics chart are wrapped,
not cut."""

import subprocess

import pytest
from django.urls import reverse

from dossiers.models import Status
from portal.models import Unit
from tests.citizens.conftest import online_version, submitted
from tests.e2e.conftest import screenshot
from tests.workflow import test_stats
from workflow.routing import services as wf

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

october = test_stats.october


def pdftotext(pdf):
    return " ".join(subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
                    .stdout.decode().split())


def test_officer_asks_for_a_supplement_and_the_citizen_downloads_form_02(session, citizen, clerk, officer_c1, org,
                                                                         tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    version = online_version(org)
    dossier = wf.dossier_forward(dossier=wf.online_accept(dossier=submitted(citizen, version, org), clerk=clerk),
                                 actor=clerk)

    officer = session("officer_c1")
    officer.goto(f"/dossiers/{dossier.code}/")
    officer.get_by_label("Giấy chứng sinh").first.check()
    officer.get_by_label("Lý do yêu cầu bổ sung").fill("Giấy chứng sinh chụp bị mờ, không đọc được số")
    officer.get_by_test_id("act-supplement").click()
    officer.wait_for_load_state()
    dossier.refresh_from_db()
    assert dossier.status == Status.SUPPLEMENT_REQUESTED
    # The officer's page offers the slip too (to print for the counter).
    assert officer.get_by_test_id("dossier-slip-completion").is_visible()

    me = session("citizen")
    me.set_viewport_size({"width": 390, "height": 844})
    me.goto("/my/")
    me.goto(reverse("citizens:dossier", args=[dossier.code]))
    link = me.get_by_test_id("dossier-slip-completion")
    assert link.is_visible() and "Phiếu yêu cầu bổ sung số" in link.inner_text()
    screenshot(me, "citizen-form-02-link")
    response = me.request.get(link.get_attribute("href"))  # with the citizen's session
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    path = tmp_path / "form-02.pdf"
    path.write_bytes(response.body())
    text = pdftotext(path.read_bytes())
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text
    assert "Giấy chứng sinh chụp bị mờ, không đọc được số" in text and dossier.code in text
    assert "trong quá trình giải quyết hồ sơ" in text and "Trần Văn Bình" in text
    png = screenshot(me, "citizen-form-02-link").with_name("form-02")
    subprocess.run(["pdftoppm", "-r", "80", "-png", "-f", "1", "-l", "1", str(path), str(png)], check=True)


def test_dashboard_trend_chart_and_wrapped_unit_labels(session, org, october, supervisor):
    # A commune with a long name holds late steps: its label must be wrapped, not cut.
    Unit.objects.filter(pk=org.c3.pk).update(name="Ủy ban nhân dân xã Đồng Tâm Thượng, huyện Yên Thế Mới")
    page = session("supervisor")
    page.goto("/supervision/dashboard/")
    trend = page.get_by_test_id("trend")
    assert trend.is_visible()
    page.wait_for_function("() => window.Chart && Object.keys(Chart.instances).length === 1")
    chart = page.evaluate("""() => { const c = Object.values(Chart.instances)[0];
        return {labels: c.data.labels, sets: c.data.datasets.map(d => d.label),
                received: c.data.datasets[0].data}; }""")
    assert len(chart["labels"]) == 12 and chart["labels"][-3] == "10/2026"
    assert chart["sets"] == ["Tiếp nhận", "Đã giải quyết", "Quá hạn", "Tỷ lệ đúng hạn (%)"]
    assert chart["received"][-3] == 11
    # The same numbers as a table, for screen readers and keyboards.
    trend.get_by_text("Xem số liệu dạng bảng").click()
    assert trend.get_by_role("row", name="10/2026").is_visible()
    trend.scroll_into_view_if_needed()
    screenshot(page, "supervision-dashboard-trend")

    page.goto("/supervision/statistics/?period=month&year=2026&month=10")
    page.wait_for_function("() => window.Chart && Object.keys(Chart.instances).length >= 3")
    ticks = page.evaluate("""() => { const c = Object.values(Chart.instances).find(c => c.canvas.id === 'chart-late');
        const y = c.scales.y; return {ticks: y.ticks.map((t, i) => y.getLabelForValue(i)),
        shown: y._labelItems ? y._labelItems.map(i => i.label) : null, width: y.width, left: c.chartArea.left}; }""")
    assert "Ủy ban nhân dân xã Đồng Tâm Thượng, huyện Yên Thế Mới" in ticks["ticks"]
    shown = [line for item in ticks["shown"] for line in (item if isinstance(item, list) else [item])]
    assert all(len(line) <= 28 for line in shown), shown
    assert ticks["left"] >= ticks["width"] - 1  # the axis has the room its labels need
    page.locator("#chart-late").scroll_into_view_if_needed()
    screenshot(page, "supervision-statistics-labels")
