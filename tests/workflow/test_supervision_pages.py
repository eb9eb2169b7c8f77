"""Supervision pages: dashboard, filtered list, statistics, exports, monthly report, public
disclosure. The hand-built month of test_stats, seen on 20 October 2026 at noon."""

import csv
import io
import subprocess

import pytest
from django.core.cache import cache
from django.urls import reverse
from openpyxl import load_workbook

from tests.helpers import assert_queries_do_not_grow
from tests.workflow import test_stats
from tests.workflow.test_processing import commune_version, receive
from tests.workflow.test_stats import at

october = test_stats.october  # the hand-built month, as a fixture of this module too
apologised = test_stats.apologised

DASHBOARD = "/supervision/dashboard/"
LIST = "/supervision/dossiers/"
STATS = "/supervision/statistics/"
OCTOBER_QUERY = "period=month&year=2026&month=10"


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def text(response):
    return response.content.decode()


def test_dashboard_shows_deadlines_and_overdue_steps_by_unit(org, october, supervisor, client_for, on_the_20th):
    response = client_for(supervisor).get(DASHBOARD)
    assert response.status_code == 200
    cards = response.context["counts"]
    assert (cards["overdue"], cards["due_today"]) == (2, 0)
    body = text(response)
    assert f"{LIST}?state=overdue" in body
    assert f"state=step_overdue&unit={org.c3.pk}" in body  # the unit holding the late step
    assert org.c3.name in body


def test_district_supervisor_sees_only_the_district(org, october, supervisor_d1, client_for, on_the_20th):
    client = client_for(supervisor_d1)
    response = client.get(DASHBOARD)
    assert response.context["counts"]["overdue"] == 1
    assert org.c3.name not in text(response)
    response = client.get(f"{DASHBOARD}?unit={org.c3.pk}")
    assert response.status_code == 400
    assert "ngoài phạm vi giám sát" in text(response)


def test_unknown_unit_gets_a_friendly_message(org, supervisor, client_for):
    for url in (f"{DASHBOARD}?unit=999999", f"{LIST}?unit=abc", f"{STATS}?unit=99999999999999999999"):
        response = client_for(supervisor).get(url)
        assert response.status_code == 400 and "Không tìm thấy đơn vị" in text(response), url


def test_clerk_cannot_open_supervision(org, clerk, client_for):
    assert client_for(clerk).get(DASHBOARD).status_code == 403
    assert client_for(clerk).get(STATS).status_code == 403


def test_overdue_list_links_each_dossier_and_its_slip(org, october, supervisor, client_for, on_the_20th):
    response = client_for(supervisor).get(f"{LIST}?state=overdue")
    assert response.status_code == 200
    body = text(response)
    for letter in ("H", "L"):
        code = october[letter].code
        assert reverse("workflow:dossier", args=[code]) in body
        assert reverse("workflow:process_slip", args=[code]) in body
    assert october["G"].code not in body


def test_list_shows_the_original_due_date_and_the_new_one_beside_it(org, october, apologised, supervisor,
                                                                   client_for, on_the_20th):
    response = client_for(supervisor).get(f"{LIST}?state=processing")
    rows = {d.code: d for d in response.context["page"].object_list}
    running = rows[apologised["running"].code]
    assert (running.original_due_at, running.due_at) == (at(19, 8), at(23, 17))
    assert rows[october["H"].code].original_due_at is None
    body = text(response)
    row = body[body.index(running.code):]
    row = row[:row.index("</tr>")]
    assert "08:00 19/10/2026" in row and "hẹn lại 17:00 23/10/2026" in row and "text-danger" in row


def test_overdue_steps_of_a_unit(org, october, supervisor, client_for, on_the_20th):
    response = client_for(supervisor).get(f"{LIST}?state=step_overdue&unit={org.c1.pk}")
    codes = {d.code for d in response.context["page"].object_list}
    assert codes == {october["H"].code, october["G"].code}


def test_bad_filter_gets_a_friendly_message(org, supervisor, client_for):
    response = client_for(supervisor).get(f"{LIST}?state=nonsense")
    assert response.status_code == 400 and "Bộ lọc không hợp lệ" in text(response)


def test_list_query_count_does_not_grow(org, clerk, supervisor, client_for, on_the_20th):
    version = commune_version()
    client = client_for(supervisor)
    assert_queries_do_not_grow(
        make_rows=lambda n: [receive(clerk, org.c1, version, at(5, 8)) for _ in range(n)],
        fetch=lambda: client.get(f"{LIST}?state=overdue"),
    )


def test_statistics_page_shows_figures_and_formulas(org, october, supervisor, client_for, on_the_20th):
    response = client_for(supervisor).get(f"{STATS}?{OCTOBER_QUERY}")
    assert response.status_code == 200
    total = response.context["total"]
    assert (total["received"], total["finished"], total["finished_late"], total["in_progress_late"]) == (11, 8, 3, 2)
    body = text(response)
    assert "Tháng 10/2026" in body
    assert "54.5" in body or "54,5" in body
    assert "(Đã giải quyết trước hạn và đúng hạn + Đang giải quyết trong hạn)" in body
    assert "chưa có dữ liệu đánh giá" in body
    assert "vendor/chart.js/chart.umd.min.js" in body and "cdn" not in body.lower()
    assert "Hoàng Thị Lan" not in body


def test_statistics_by_field_and_procedure(org, october, supervisor, client_for, on_the_20th):
    client = client_for(supervisor)
    for group in ("field", "procedure"):
        response = client.get(f"{STATS}?{OCTOBER_QUERY}&group={group}")
        assert response.status_code == 200 and response.context["total"]["received"] == 11


def test_a_long_figures_table_comes_in_pages_with_the_total_of_every_row(org, october, supervisor, client_for,
                                                                         on_the_20th, monkeypatch):
    from workflow.supervision import views as views_supervision

    monkeypatch.setattr(views_supervision, "STATISTICS_PAGE_ROWS", 1)
    client = client_for(supervisor)
    first = client.get(f"{STATS}?{OCTOBER_QUERY}")  # two receiving units: c1 and c3
    second = client.get(f"{STATS}?{OCTOBER_QUERY}&page=2")
    names = [[row["name"] for row in r.context["rows"]] for r in (first, second)]
    assert len(names[0]) == len(names[1]) == 1 and names[0] != names[1]
    assert first.context["total"]["received"] == second.context["total"]["received"] == 11
    assert 'data-testid="figures-pages"' in first.content.decode()
    assert "page=2" in first.content.decode() and "page=" not in first.context["query"]
    assert client.get(f"{STATS}?{OCTOBER_QUERY}&page=abc").status_code == 200  # a bad page: the first
    csv_rows = client.get(f"/supervision/statistics/figures.csv?{OCTOBER_QUERY}&page=2").content.decode("utf-8-sig")
    assert len(csv_rows.strip().splitlines()) == 4  # header, both units and the total: exports are whole


@pytest.mark.parametrize("query", ["period=month&month=13", "period=custom&from=2026-10-10&to=2026-10-01",
                                   "period=decade", "group=citizen", "field=abc", "period=year&year=x"])
def test_bad_statistics_input_gets_a_friendly_message(org, supervisor, client_for, query):
    response = client_for(supervisor).get(f"{STATS}?{query}")
    assert response.status_code == 400
    assert response.context["error"]


def test_statistics_query_count_does_not_grow_with_units(org, clerk, supervisor, client_for, on_the_20th):
    from portal.models import Role
    from tests.factories import UnitFactory, staff

    version = commune_version()
    client = client_for(supervisor)
    created = []

    def make_rows(n):
        for _ in range(n):
            unit = UnitFactory(parent=org.d2, code=f"P01.30.{len(created) + 10}")
            counter_clerk = staff(Role.CLERK, unit, username=f"clerk{len(created)}", full_name="Cán bộ")
            created.append(unit)
            dossier = receive(counter_clerk, unit, version, at(5, 8))
            from workflow.routing import services
            services.dossier_forward(dossier=dossier, actor=counter_clerk, at=at(5, 9))

    assert_queries_do_not_grow(make_rows=make_rows, fetch=lambda: client.get(f"{STATS}?{OCTOBER_QUERY}"),
                               small=1, large=4)


def test_every_table_exports_to_csv_and_xlsx(org, october, supervisor, client_for, on_the_20th):
    client = client_for(supervisor)
    for table in ("figures", "steps", "indicators", "trend", "ratings"):
        response = client.get(f"/supervision/statistics/{table}.csv?{OCTOBER_QUERY}")
        assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert len(rows) >= 2, table
        response = client.get(f"/supervision/statistics/{table}.xlsx?{OCTOBER_QUERY}")
        assert response.status_code == 200
        load_workbook(io.BytesIO(response.content))
    rows = list(csv.reader(io.StringIO(client.get(f"/supervision/statistics/figures.csv?{OCTOBER_QUERY}")
                                       .content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["Đơn vị tiếp nhận", "Tiếp nhận"]
    assert rows[-1][:2] == ["Tổng cộng", "11"]
    assert client.get(f"/supervision/statistics/secrets.csv?{OCTOBER_QUERY}").status_code == 400


def test_monthly_report_xlsx_and_pdf(org, october, supervisor, client_for, on_the_20th):
    client = client_for(supervisor)
    response = client.get("/supervision/report.xlsx?year=2026&month=10")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[-1][:2] == ["Tổng cộng", 11]
    assert len(book.worksheets) == 5
    response = client.get("/supervision/report.pdf?year=2026&month=10")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf_text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=response.content, capture_output=True,
                              check=True).stdout.decode()
    assert "Tháng 10/2026" in pdf_text and "Tỷ lệ đúng hạn theo tháng" in pdf_text
    assert b"<svg" not in response.content  # drawn into the PDF, not embedded as text
    assert client.get("/supervision/report.pdf?year=2026&month=99").status_code == 400


def test_public_disclosure_needs_no_login_and_names_no_citizen(org, october, client, on_the_20th):
    response = client.get("/cong-khai/")
    assert response.status_code == 200
    body = text(response)
    assert org.c1.name in body and "Hộ tịch" in body
    assert "Hoàng Thị Lan" not in body and "Đỗ Minh Khôi" not in body
    assert october["A"].code not in body
    unit_month = response.context["sections"][0]
    assert unit_month["total"] == {"received": 11, "on_time": 5, "late": 3}


def test_public_disclosure_is_cached(org, october, client, clerk, on_the_20th, django_assert_max_num_queries):
    client.get("/cong-khai/")
    receive(clerk, org.c1, commune_version(), at(19, 9))
    with django_assert_max_num_queries(2):
        response = client.get("/cong-khai/")
    assert response.context["sections"][0]["total"]["received"] == 11  # still the cached figures
    cache.clear()
    assert client.get("/cong-khai/").context["sections"][0]["total"]["received"] == 12


def test_dashboard_query_count_does_not_grow_with_units(org, clerk, supervisor, client_for, on_the_20th):
    from portal.models import Role
    from tests.factories import UnitFactory, staff
    from workflow.routing import services

    version = commune_version()
    client = client_for(supervisor)
    created = []

    def make_rows(n):
        for _ in range(n):
            unit = UnitFactory(parent=org.d2, code=f"P01.30.{len(created) + 10}")
            counter_clerk = staff(Role.CLERK, unit, username=f"clerk{len(created)}", full_name="Cán bộ")
            created.append(unit)
            dossier = receive(counter_clerk, unit, version, at(5, 8))
            services.dossier_forward(dossier=dossier, actor=counter_clerk, at=at(5, 9))

    assert_queries_do_not_grow(make_rows=make_rows, fetch=lambda: client.get(DASHBOARD), small=1, large=4)


def test_dashboard_compares_processing_times_online_and_at_the_counter(org, supervisor, supervisor_d1, client_for):
    """Issue 20 item 7: dossiers received in the last 30 days with a result, mean time from
    reception to result by channel; older ones and open ones are not counted, nor other units'."""
    import datetime

    from django.utils import timezone

    from dossiers.models import Channel, Status
    from tests.dossiers.factories import DossierFactory

    now = timezone.now()
    version = commune_version()

    def finished(channel, days, unit=org.c1, received_days_ago=10, status=Status.RETURNED):
        received = now - datetime.timedelta(days=received_days_ago)
        DossierFactory(procedure_version=version, receiving_unit=unit, channel=channel, status=status,
                       received_at=received, finished_at=received + datetime.timedelta(days=days))

    finished(Channel.ONLINE, 1)
    finished(Channel.ONLINE, 2)
    finished(Channel.COUNTER, 4)
    finished(Channel.COUNTER, 9, received_days_ago=40)  # received before the window
    finished(Channel.COUNTER, 9, status=Status.PROCESSING)  # no result yet
    finished(Channel.COUNTER, 9, unit=org.c3)  # another district

    response = client_for(supervisor_d1).get(DASHBOARD)
    rows = {row["channel"]: row for row in response.context["channel_times"]}
    assert (rows[Channel.ONLINE]["count"], rows[Channel.ONLINE]["mean_days"]) == (2, 1.5)
    assert (rows[Channel.COUNTER]["count"], rows[Channel.COUNTER]["mean_days"]) == (1, 4.0)
    assert rows[Channel.POSTAL]["count"] == 0 and rows[Channel.POSTAL]["mean_days"] is None
    body = text(response)
    assert "1,5 ngày" in body and "4,0 ngày" in body
    province = {row["channel"]: row for row in client_for(supervisor).get(DASHBOARD).context["channel_times"]}
    assert province[Channel.COUNTER]["count"] == 2
