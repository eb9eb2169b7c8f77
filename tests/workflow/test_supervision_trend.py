"""The supervision dashboard's and statistics page's 12-month trend (received, finished, late,
on-time rate, from the daily counters), its data table, the empty states, chart labels that fit,
and spreadsheet sheet names that keep their Vietnamese letters."""

import io
import json

import pytest
from openpyxl import Workbook, load_workbook

from portal.exports import sheet_title
from tests.workflow import test_stats
from tests.workflow.test_stats import NOW
from tests.workflow.test_supervision_pages import DASHBOARD, OCTOBER_QUERY, STATS
from workflow.supervision import views as supervision

october = test_stats.october

def chart_data(response):
    body = response.content.decode()
    start = body.index('<script id="chart-data" type="application/json">') + len(
        '<script id="chart-data" type="application/json">')
    return json.loads(body[start:body.index("</script>", start)])


def test_dashboard_shows_the_12_month_trend_with_its_table(org, october, supervisor, client_for, on_the_20th):
    response = client_for(supervisor).get(DASHBOARD)
    assert response.status_code == 200
    trend = response.context["trend"]
    assert [t["label"] for t in trend][0] == "11/2025" and trend[-1]["label"] == "10/2026" and len(trend) == 12
    october_row = trend[-1]
    assert october_row["received"] == 11  # the hand-built month: eleven dossiers received
    body = response.content.decode()
    assert 'id="chart-trend"' in body and 'data-testid="trend-table"' in body and "chart.umd.min.js" in body
    assert "<td class=\"text-end\">11</td>" in body
    data = chart_data(response)["trend"]
    assert data["labels"][-1] == "10/2026" and data["received"][-1] == 11 and not data["empty"]
    assert data["finished"][-1] == october_row["finished"] and data["late"][-1] == october_row["late"]


def test_statistics_trend_counts_received_from_the_counters_as_directly(org, october, supervisor, client_for,
                                                                       on_the_20th):
    from workflow.supervision import daily_counters, direct_counts, periods

    unit_ids = [org.c1.pk, org.c2.pk, org.c3.pk]
    period = periods.Period("custom", NOW.date().replace(month=1, day=1), NOW.date())
    daily_counters.refresh_range(NOW.date().replace(day=1), NOW.date())
    assert daily_counters.monthly_trend(unit_ids=unit_ids, period=period, now=NOW) == \
        direct_counts.monthly_trend(unit_ids=unit_ids, period=period, now=NOW)
    response = client_for(supervisor).get(f"{STATS}?{OCTOBER_QUERY}")
    assert chart_data(response)["trend"]["received"][-1] == 11


def test_empty_dashboard_and_statistics_say_nothing_here(org, supervisor, client_for, on_the_20th):
    client = client_for(supervisor)
    body = client.get(DASHBOARD).content.decode()
    assert "Chưa có hồ sơ nào trong 12 tháng qua" in body and 'id="chart-trend"' not in body
    assert "Không có bước nào quá hạn" in body
    assert "chart.umd.min.js" not in body  # nothing to draw, no script to load
    body = client.get(f"{STATS}?{OCTOBER_QUERY}").content.decode()
    assert "Không có hồ sơ nào trong kỳ." in body and "Không có bước xử lý nào trong kỳ." in body
    assert "Chưa có hồ sơ nào trong 12 tháng qua" in body
    assert 'id="chart-late"' not in body and 'id="chart-channels"' not in body
    assert body.count('data-testid="empty-state"') >= 4


def test_empty_supervision_list_says_nothing_here(org, supervisor, client_for, on_the_20th):
    body = client_for(supervisor).get("/supervision/dossiers/?state=overdue").content.decode()
    assert "Không có hồ sơ nào" in body and 'data-testid="empty-state"' in body


def test_the_empty_state_is_translated(org, supervisor, client_for, on_the_20th):
    client = client_for(supervisor)
    client.cookies["django_language"] = "en"
    body = client.get(DASHBOARD, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="empty-state"' in body


def test_pdf_chart_labels_are_shortened_with_the_full_name_kept():
    name = "Ủy ban nhân dân phường Phan Đình Phùng, thành phố Thái Nguyên"
    svg = str(supervision.bar_chart_svg([(name, 3)]))
    assert f"<title>{name}</title>" in svg
    shown = svg.split("</title>")[1].split("</text>")[0]
    assert shown.endswith("…") and len(shown) <= supervision.SVG_LABEL_CHARS and shown.startswith("Ủy ban nhân dân")


@pytest.mark.parametrize("text, expected", [
    ("Tỷ lệ đúng hạn theo tháng", "Tỷ lệ đúng hạn theo tháng"),
    ("Số liệu theo đơn vị: tháng 10/2026 [bản nháp]", "Số liệu theo đơn vị- tháng"),
    ("Hồ sơ quá hạn? *Ủy ban* nhân dân\\xã", "Hồ sơ quá hạn- -Ủy ban- nhân"),
    ("'Đánh giá'", "Đánh giá"),
    ("", "Sheet"),
])
def test_sheet_titles_keep_vietnamese_letters_and_obey_excel(text, expected):
    title = sheet_title(text)
    assert title == expected
    assert len(title) <= 31 and not set(title) & set("[]:*?/\\")
    Workbook().create_sheet(title)  # openpyxl refuses what Excel refuses


def test_sheet_titles_are_unique_and_still_fit():
    long = "Chỉ số phục vụ người dân, doanh nghiệp (Quyết định 766)"
    first = sheet_title(long)
    second = sheet_title(long, used=[first])
    assert first != second and second.endswith(" (2)") and len(second) <= 31


def test_statistics_workbook_sheets_are_named_in_vietnamese(org, october, supervisor, client_for, on_the_20th):
    response = client_for(supervisor).get(f"/supervision/statistics/all.xlsx?{OCTOBER_QUERY}")
    assert response.status_code == 200
    names = load_workbook(io.BytesIO(response.content)).sheetnames
    assert "Hồ sơ theo tháng" in names and "Đánh giá của người dân" in names
    assert any("đơn vị" in name for name in names)
    assert all(len(name) <= 31 for name in names) and len(set(names)) == len(names)


def test_tracking_book_sheet_is_named_in_vietnamese(org, clerk, client_for):
    response = client_for(clerk).get("/counter/book/?format=xlsx")
    assert response.status_code == 200
    assert load_workbook(io.BytesIO(b"".join(response.streaming_content))).sheetnames == ["Sổ theo dõi hồ sơ"]
