"""Supervision pages: the dashboard of deadlines, the filtered dossier list, the statistics of a
period with the Decision 766 indicators, their XLSX/CSV exports, the monthly PDF report and the
public disclosure page. Figures come from direct_counts (the counting rules, counted directly)
and daily_counters (the same figures from pre-aggregated daily counters); every page is
scoped to the units the user supervises (`units_visible_to(user, SUPERVISOR, LEADER)`).
The dashboard, statistics, exports, report and disclosure read the replica when one is set
(`replica_view`, portal/db_router.py); the dossier list behind a figure reads the primary."""

import datetime
import io

from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from dossiers.models import Status, StatusGroup
from portal import exports
from portal.db_router import replica_view
from portal.exports import csv_bytes, xlsx_row
from portal.models import Role, Unit
from portal.paging import page_of, query_without_page
from portal.pdf import pdf_response, render_pdf
from portal.permissions import role_required, units_visible_to
from procedures.models import Field, Procedure
from workflow.deadlines import windows
from workflow.supervision import daily_counters, direct_counts, indicators, periods

ROLES = (Role.SUPERVISOR, Role.LEADER)
PAGE_SIZE = 25
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DEADLINE_STATES = ("overdue", "due_today", "due_soon", "step_overdue")


class InputError(Exception):
    """A parameter the page cannot use: shown as a friendly message, never a 500."""


def _scope(request):
    """(units the user supervises, the chosen unit or None, ids of the units to count)."""
    units = list(units_visible_to(request.user, *ROLES).order_by("path"))
    raw = request.GET.get("unit", "")
    if not raw:
        return units, None, [u.pk for u in units]
    chosen = next((u for u in units if str(u.pk) == raw), None)
    if chosen is None:
        raise InputError(_("Không tìm thấy đơn vị đã chọn, hoặc đơn vị nằm ngoài phạm vi giám sát của bạn."))
    return units, chosen, [u.pk for u in units if u.path.startswith(chosen.path)]


def _field(request):
    raw = request.GET.get("field", "")
    if not raw:
        return None
    field = Field.objects.filter(pk=int(raw)).first() if raw.isdigit() and len(raw) < 10 else None
    if field is None:
        raise InputError(_("Không tìm thấy lĩnh vực đã chọn."))
    return field


def _error(request, template, message, context=None):
    return render(request, template, {**(context or {}), "error": message}, status=400)


# --- dashboard -------------------------------------------------------------------------------

TREND_MONTHS = 12


def last_months(today, count=TREND_MONTHS):
    """The period of the last `count` calendar months, this one included."""
    first = today.replace(day=1)
    for _i in range(count - 1):
        first = (first - datetime.timedelta(days=1)).replace(day=1)
    return periods.Period("custom", first, today)


def trend_chart(trend):
    """The trend chart's data: received, finished and finished late per month (bars) and the
    on-time rate (line). The page shows the same numbers as a table for screen readers."""
    return {"labels": [t["label"] for t in trend], "received": [t["received"] for t in trend],
            "finished": [t["finished"] for t in trend], "late": [t["late"] for t in trend],
            "rate": [_num(t["rate"]) for t in trend],
            "empty": not any(t["received"] or t["finished"] for t in trend)}


def chart_text():
    return {"rate": _("Tỷ lệ đúng hạn (%)"), "received": _("Tiếp nhận"), "finished": _("Đã giải quyết"),
            "late": _("Quá hạn"), "dossiers": _("Hồ sơ")}


@role_required(*ROLES)
@replica_view
def dashboard(request):
    """Deadlines of the supervised units now: open dossiers by state, due today, due soon,
    overdue (each a link to the list), and overdue steps by unit and by step."""
    try:
        units, chosen, unit_ids = _scope(request)
    except InputError as error:
        return _error(request, "workflow/supervision/dashboard.html", str(error))
    now = timezone.now()
    counts = direct_counts.dashboard_counts(unit_ids=unit_ids, now=now)
    by_unit, by_step = direct_counts.overdue_steps(unit_ids=unit_ids, now=now)
    unit_query = f"&unit={chosen.pk}" if chosen else ""
    states = [
        {"key": s, "label": Status(s).label, "count": counts[f"status_{s}"]}
        for s in StatusGroup.OPEN
    ]
    trend = daily_counters.monthly_trend(unit_ids=unit_ids, period=last_months(timezone.localdate(now)), now=now)
    context = {
        "trend": trend, "charts": {"trend": trend_chart(trend), "text": chart_text()},
        "units": units, "chosen": chosen, "counts": counts, "states": states, "unit_query": unit_query,
        "by_unit": by_unit, "by_step": by_step, "now": now,
        "channel_times": direct_counts.processing_times_by_channel(unit_ids=unit_ids, now=now),
        "channel_days": direct_counts.PROCESSING_WINDOW_DAYS,
        "deadlines": [
            {"key": "due_today", "label": _("Đến hạn hôm nay"), "count": counts["due_today"], "tone": "warning"},
            {"key": "due_soon", "label": windows.due_soon_label(), "count": counts["due_soon"], "tone": "info"},
            {"key": "overdue", "label": _("Quá hạn"), "count": counts["overdue"], "tone": "danger"},
        ],
    }
    return render(request, "workflow/supervision/dashboard.html", context)


@role_required(*ROLES)
def dossier_list(request):
    """The dossiers behind a dashboard figure, paginated; each links to its detail page and its
    process-control slip (Form 05)."""
    state = request.GET.get("state", "overdue")
    try:
        units, chosen, unit_ids = _scope(request)
        if state not in DEADLINE_STATES and state not in Status.values:
            raise InputError(_("Bộ lọc không hợp lệ."))
        if state == "step_overdue" and chosen is None:
            raise InputError(_("Hãy chọn đơn vị để xem các bước quá hạn."))
    except InputError as error:
        return _error(request, "workflow/supervision/dossier_list.html", str(error))
    now = timezone.now()
    if state == "step_overdue":
        qs = direct_counts.supervised(unit_ids).filter(direct_counts.overdue_steps_filter(chosen.pk, now))
        title = _("Hồ sơ quá hạn ở bước của %(unit)s") % {"unit": chosen.name}
    else:
        qs = direct_counts.supervised(unit_ids).filter(direct_counts.deadline_filter(state, now))
        labels = {"overdue": _("Hồ sơ quá hạn"), "due_today": _("Hồ sơ đến hạn hôm nay"),
                  "due_soon": _("Hồ sơ sắp đến hạn")}
        title = labels.get(state) or _("Hồ sơ: %(status)s") % {"status": Status(state).label}
        if chosen is not None:
            title = f"{title} — {chosen.name}"
    qs = direct_counts.with_original_due(qs).select_related("procedure", "receiving_unit", "current_unit").order_by(
        "due_at", "pk")
    context = {"page": page_of(request, qs, PAGE_SIZE), "title": title, "state": state, "chosen": chosen,
               "units": units, "now": now, "query": query_without_page(request)}
    return render(request, "workflow/supervision/dossier_list.html", context)


# --- statistics ------------------------------------------------------------------------------

GROUP_LABELS = {"unit": _lazy("Đơn vị tiếp nhận"), "field": _lazy("Lĩnh vực"), "procedure": _lazy("Thủ tục")}


def _names(group, keys):
    """Display names of the group keys, in one query."""
    if group == "unit":
        return {pk: name for pk, name in Unit.objects.filter(pk__in=keys).values_list("pk", "name")}
    if group == "field":
        return {pk: name for pk, name in Field.objects.filter(pk__in=keys).values_list("pk", "name")}
    return {pk: f"{code} {name}" for pk, code, name in
            Procedure.objects.filter(pk__in=keys).values_list("pk", "national_code", "name")}


def statistics_data(*, units, unit_ids, period, group="unit", field=None, now=None):
    """Everything the statistics page, its exports and the monthly report show."""
    now = now or timezone.now()
    field_ids = [field.pk] if field else None
    rows = daily_counters.dossier_figures(unit_ids=unit_ids, period=period, group=group, now=now,
                                      field_ids=field_ids)
    names = _names(group, list(rows))
    table = sorted(({"key": k, "name": names.get(k, "—"), **indicators.decorate(v)} for k, v in rows.items()),
                   key=lambda r: r["name"])
    total = direct_counts.total(rows)
    unit_names = {u.pk: u.name for u in units}
    steps = sorted(({"key": k, "name": unit_names.get(k, "—"), **v, "rate": indicators.step_on_time_rate(v)}
                    for k, v in daily_counters.step_figures(unit_ids=unit_ids, period=period, now=now).items()),
                   key=lambda r: r["name"])
    online = indicators.online_procedures(unit_ids=unit_ids, period=period)
    feedback = indicators.feedback_figures(unit_ids=unit_ids, period=period, now=now)
    last = period.last
    first_month = (last.replace(day=1) - datetime.timedelta(days=330)).replace(day=1)
    trend = daily_counters.monthly_trend(unit_ids=unit_ids, period=periods.Period("custom", first_month, last),
                                     now=now)
    ratings = indicators.ratings(unit_ids=unit_ids, period=period)
    if ratings is not None and not ratings["count"]:
        ratings = None  # shown as "no rating data"
    # Only units with late steps: a bar of zero says nothing, and no bar at all is "nothing late".
    late_by_unit = sorted(((r["name"], n) for r in steps if (n := r["steps_late"] + r["steps_in_progress_late"])),
                          key=lambda x: -x[1])[:12]
    channels = [(_("Trực tiếp"), total["received_counter"]), (_("Trực tuyến"), total["received_online"]),
                (_("Bưu chính"), total["received_postal"])]
    return {
        "period": period, "group": group, "group_label": GROUP_LABELS[group], "rows": table,
        "total": indicators.decorate(total), "steps": steps,
        "indicators": indicators.indicators_766(total, online=online, feedback=feedback),
        "online": online, "ratings": ratings, "trend": trend, "late_by_unit": late_by_unit, "channels": channels,
        "field": field, "now": now,
    }


def _statistics_input(request):
    units, chosen, unit_ids = _scope(request)
    try:
        period = periods.parse_period(request.GET)
    except periods.PeriodError as error:
        raise InputError(str(error)) from None
    group = request.GET.get("group") or "unit"
    if group not in direct_counts.GROUP_FIELDS:
        raise InputError(_("Cách nhóm số liệu không hợp lệ."))
    return units, chosen, unit_ids, period, group, _field(request)


def _period_choices():
    today = timezone.localdate()
    return {"years": list(range(today.year, today.year - 6, -1)), "months": list(range(1, 13)),
            "quarters": [1, 2, 3, 4]}


STATISTICS_PAGE_ROWS = 300  # every unit of a province on one page; procedures in pages


@role_required(*ROLES)
@replica_view
def statistics(request):
    """Statistics of a period by unit, field or procedure, the units' own steps, the Decision 766
    indicators with their formulas, ratings and charts."""
    base = {"units": [], "fields": Field.objects.order_by("name"), **_period_choices(), "params": request.GET}
    try:
        units, chosen, unit_ids, period, group, field = _statistics_input(request)
    except InputError as error:
        return _error(request, "workflow/supervision/statistics.html", str(error), base)
    data = statistics_data(units=units, unit_ids=unit_ids, period=period, group=group, field=field)
    charts = {
        "trend": trend_chart(data["trend"]),
        "late": {"labels": [n for n, _v in data["late_by_unit"]], "values": [v for _n, v in data["late_by_unit"]]},
        "channels": {"labels": [str(n) for n, _v in data["channels"]], "values": [v for _n, v in data["channels"]]},
        "ratings": ({"labels": [str(label) for _s, label, _c in data["ratings"]["distribution"]],
                     "values": [c for _s, _l, c in data["ratings"]["distribution"]]} if data["ratings"] else None),
        "text": chart_text(),
    }
    # The figures table in pages (a province has 2,200 procedures); the total row and the
    # exports cover every row.
    page = page_of(request, data["rows"], STATISTICS_PAGE_ROWS)
    context = {**base, **data, "rows": page.object_list, "page": page, "units": units, "chosen": chosen,
               "charts": charts, "query": query_without_page(request, "format"),
               "report_query": _report_query(period, chosen, field)}
    return render(request, "workflow/supervision/statistics.html", context)


def _report_query(period, chosen, field):
    values = {"year": period.last.year, "month": period.last.month}
    if chosen:
        values["unit"] = chosen.pk
    if field:
        values["field"] = field.pk
    return "&".join(f"{k}={v}" for k, v in values.items())


def _num(value):
    return None if value is None else float(value)


# --- exports: every table as XLSX and CSV -------------------------------------------------------

COUNT_COLUMNS = [
    ("received", _lazy("Tiếp nhận")),
    ("received_counter", _lazy("Trực tiếp")),
    ("received_online", _lazy("Trực tuyến")),
    ("received_postal", _lazy("Bưu chính")),
    ("finished", _lazy("Đã giải quyết")),
    ("finished_early", _lazy("Trước hạn")),
    ("finished_on_time", _lazy("Đúng hạn")),
    ("finished_late", _lazy("Quá hạn")),
    ("in_progress", _lazy("Đang giải quyết")),
    ("in_progress_on_time", _lazy("Đang giải quyết trong hạn")),
    ("in_progress_late", _lazy("Đang giải quyết quá hạn")),
    ("supplement_requests", _lazy("Yêu cầu bổ sung")),
    ("refusals", _lazy("Từ chối")),
    ("withdrawals", _lazy("Rút hồ sơ")),
    ("average_days", _lazy("Thời gian trung bình (ngày làm việc)")),
    ("online_share", _lazy("Tỷ lệ trực tuyến (%)")),
    ("digitised_share", _lazy("Tỷ lệ số hóa (%)")),
    ("online_payment_share", _lazy("Tỷ lệ thanh toán trực tuyến (%)")),
    ("on_time_rate", _lazy("Tỷ lệ đúng hạn (%)")),
]
STEP_COLUMNS = [
    ("steps_finished", _lazy("Bước đã xử lý")),
    ("steps_early", _lazy("Trước hạn")),
    ("steps_on_time", _lazy("Đúng hạn")),
    ("steps_late", _lazy("Quá hạn")),
    ("steps_in_progress", _lazy("Đang xử lý")),
    ("steps_in_progress_late", _lazy("Đang xử lý quá hạn")),
    ("rate", _lazy("Tỷ lệ đúng hạn (%)")),
]
TABLES = ("figures", "steps", "indicators", "trend", "ratings")


def _cell(value):
    if value is None:
        return ""
    if hasattr(value, "as_tuple"):  # Decimal -> float for spreadsheets
        return float(value)
    return value


def export_tables(data):
    """[(sheet title, header, rows)] of every table of the statistics page."""
    group_rows = [[r["name"], *[_cell(r[k]) for k, _l in COUNT_COLUMNS]] for r in data["rows"]]
    group_rows.append([_("Tổng cộng"), *[_cell(data["total"][k]) for k, _l in COUNT_COLUMNS]])
    tables = {
        "figures": (_("Số liệu theo %(group)s") % {"group": data["group_label"].lower()},
                    [str(data["group_label"]), *[str(label) for _k, label in COUNT_COLUMNS]], group_rows),
        "steps": (_("Đơn vị theo bước xử lý"), [_("Đơn vị"), *[str(label) for _k, label in STEP_COLUMNS]],
                  [[r["name"], *[_cell(r[k]) for k, _l in STEP_COLUMNS]] for r in data["steps"]]),
        "indicators": (_("Chỉ số Quyết định 766"), [_("Chỉ số"), _("Giá trị"), _("Đơn vị tính"), _("Công thức")],
                       [[str(i["name"]), _cell(i["value"]), str(i["unit"]), str(i["formula"])]
                        for i in data["indicators"]]),
        "trend": (_("Hồ sơ theo tháng"), [_("Tháng"), _("Tiếp nhận"), _("Đã giải quyết"), _("Quá hạn"),
                                          _("Tỷ lệ đúng hạn (%)")],
                  [[t["label"], t["received"], t["finished"], t["late"], _cell(t["rate"])] for t in data["trend"]]),
        "ratings": (_("Đánh giá của người dân"), [_("Mức"), _("Số đánh giá")],
                    [[f"{s}. {label}", c] for s, label, c in data["ratings"]["distribution"]]
                    if data["ratings"] else [[_("Chưa có dữ liệu đánh giá"), ""]]),
    }
    return tables


def _filename(data, suffix):
    return slugify(f"thong-ke-{data['period'].first:%Y%m%d}-{data['period'].last:%Y%m%d}-{suffix}")


def write_xlsx(tables, *, title):
    # openpyxl is loaded by the first spreadsheet export only (no cycle involved).
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    used = []
    for sheet_title, header, rows in tables:
        used.append(exports.sheet_title(sheet_title, used=used))
        sheet = book.create_sheet(title=used[-1])
        sheet.append(xlsx_row(sheet, [title]))
        sheet["A1"].font = Font(bold=True)
        sheet.append(xlsx_row(sheet, [sheet_title]))
        sheet.append(xlsx_row(sheet, header))
        for cell in sheet[3]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(xlsx_row(sheet, row))
        sheet.column_dimensions["A"].width = 48
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@role_required(*ROLES)
@replica_view
def statistics_export(request, table, fmt):
    """One table of the statistics page (or, for 'all', every table as sheets of one XLSX)."""
    try:
        units, chosen, unit_ids, period, group, field = _statistics_input(request)
        if (table not in TABLES and table != "all") or fmt not in ("xlsx", "csv") or (table == "all" and fmt == "csv"):
            raise InputError(_("Bảng hoặc định dạng tải về không hợp lệ."))
    except InputError as error:
        return _error(request, "workflow/supervision/statistics.html", str(error),
                      {"fields": Field.objects.order_by("name"), **_period_choices(), "params": request.GET})
    data = statistics_data(units=units, unit_ids=unit_ids, period=period, group=group, field=field)
    tables = export_tables(data)
    heading = _report_title(period, chosen)
    if fmt == "csv":
        _title, header, rows = tables[table]
        response = HttpResponse(csv_bytes(header, rows), content_type="text/csv; charset=utf-8")
    else:
        chosen_tables = tables.values() if table == "all" else [tables[table]]
        response = HttpResponse(write_xlsx(chosen_tables, title=heading), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_filename(data, table)}.{fmt}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _report_title(period, chosen):
    scope = chosen.name if chosen else _("Các đơn vị được giám sát")
    return _("Báo cáo tình hình giải quyết hồ sơ — %(scope)s — %(period)s") % {"scope": scope,
                                                                                "period": period.label}


# --- the monthly report (XLSX and PDF with server-side SVG charts) -----------------------------


def _month_input(request):
    units, chosen, unit_ids = _scope(request)
    params = {"period": "month", "year": request.GET.get("year", ""), "month": request.GET.get("month", "")}
    try:
        period = periods.parse_period(params)
    except periods.PeriodError as error:
        raise InputError(str(error)) from None
    return units, chosen, unit_ids, period, _field(request)


@role_required(*ROLES)
@replica_view
def monthly_report(request, fmt):
    """The monthly report: every table (XLSX), or tables and charts on A4 (PDF, WeasyPrint)."""
    if fmt not in ("xlsx", "pdf"):
        raise Http404
    try:
        units, chosen, unit_ids, period, field = _month_input(request)
    except InputError as error:
        return _error(request, "workflow/supervision/statistics.html", str(error),
                      {"fields": Field.objects.order_by("name"), **_period_choices(), "params": request.GET})
    data = statistics_data(units=units, unit_ids=unit_ids, period=period, field=field)
    title = _report_title(period, chosen)
    name = slugify(f"bao-cao-thang-{period.first:%m-%Y}")
    if fmt == "xlsx":
        response = HttpResponse(write_xlsx(export_tables(data).values(), title=title), content_type=XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        response["Cache-Control"] = "private, no-store"
        return response
    charts = {
        "trend": line_chart_svg([(t["label"], t["rate"]) for t in data["trend"]], maximum=100, suffix="%"),
        "late": bar_chart_svg(data["late_by_unit"]),
        "channels": bar_chart_svg([(str(n), v) for n, v in data["channels"]]),
        "ratings": (bar_chart_svg([(str(label), c) for _s, label, c in data["ratings"]["distribution"]])
                    if data["ratings"] else None),
    }
    context = {**data, "title": title, "chosen": chosen, "svg": charts, "columns": COUNT_COLUMNS[:14],
               "generated_at": timezone.localtime(data["now"])}
    pdf = render_pdf("pdf/monthly_report.html", context, request=request)
    return pdf_response(pdf, filename=name, inline=False)


def _fmt(value):
    return f"{value:g}" if isinstance(value, float) else str(value)


# About 7.5 px a character at 14 px: what fits the 250 px label column without being cut.
SVG_LABEL_CHARS = 31


def short_label(label, limit):
    """`label` cut at a word to at most `limit` characters, with "…" when cut (the full label
    goes in a tooltip or <title>)."""
    if len(label) <= limit:
        return label
    head = label[:limit - 1]
    space = head.rfind(" ")
    return (head[:space] if space >= limit // 2 else head).rstrip(" ,—-") + "…"


def bar_chart_svg(items, *, width=640, bar_height=22, color="#0d6efd"):
    """A horizontal bar chart as inline SVG (WeasyPrint runs no JavaScript): one labelled bar
    per (label, value), the value printed at the end of the bar."""
    items = [(str(label), float(value or 0)) for label, value in items]
    if not items:
        return mark_safe(format_html('<p class="muted">{}</p>', _("Không có số liệu.")))
    label_width, gap = 250, 6
    top = max(v for _l, v in items) or 1
    scale = (width - label_width - 60) / top
    height = len(items) * (bar_height + gap) + gap
    bars = format_html_join("", (
        '<text x="{}" y="{}" font-size="14" text-anchor="end"><title>{}</title>{}</text>'
        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>'
        '<text x="{}" y="{}" font-size="14">{}</text>'
    ), (
        (label_width - 6, gap + i * (bar_height + gap) + bar_height * 0.7, label, short_label(label, SVG_LABEL_CHARS),
         label_width, gap + i * (bar_height + gap), round(v * scale, 1), bar_height, color,
         label_width + round(v * scale, 1) + 4, gap + i * (bar_height + gap) + bar_height * 0.7, _fmt(v))
        for i, (label, v) in enumerate(items)
    ))
    return _svg(width, height, bars)


def line_chart_svg(points, *, width=640, height=200, maximum=100, suffix=""):
    """A line chart as inline SVG: months on the x axis, values (or gaps for None) on y."""
    left, right, top, bottom = 48, 28, 18, 34
    if not points:
        return mark_safe(format_html('<p class="muted">{}</p>', _("Không có số liệu.")))
    step = (width - left - right) / max(len(points) - 1, 1)

    def y(value):
        return round(top + (height - top - bottom) * (1 - float(value) / maximum), 1)

    grid = format_html_join("", '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#ccc" stroke-width="0.5"/>'
                                '<text x="{}" y="{}" font-size="13" text-anchor="end">{}{}</text>',
                            ((left, width - right, y(v), y(v), left - 4, y(v) + 3, v, suffix) for v in (0, 50, 100)))
    coords = [(round(left + i * step, 1), None if v is None else y(v)) for i, (_l, v) in enumerate(points)]
    path = " ".join(f"{x},{yy}" for x, yy in coords if yy is not None)
    dots = format_html_join("", '<circle cx="{}" cy="{}" r="3" fill="#198754"/>'
                                '<text x="{}" y="{}" font-size="13" text-anchor="middle">{}</text>',
                            ((x, yy, x, yy - 6, _fmt(float(v))) for (x, yy), (_l, v) in zip(coords, points, strict=True)
                             if yy is not None))
    labels = format_html_join("", '<text x="{}" y="{}" font-size="13" text-anchor="middle">{}</text>',
                              ((x, height - 12, _short_month(label))
                               for (x, _y), (label, _v) in zip(coords, points, strict=True)))
    line = format_html('<polyline points="{}" fill="none" stroke="#198754" stroke-width="2"/>', path) if path else ""
    return _svg(width, height, format_html("{}{}{}{}", grid, line, dots, labels))


def _short_month(label):
    """'10/2026' -> '10/26', so twelve months fit under the chart."""
    month, _sep, year = label.partition("/")
    return f"{month}/{year[-2:]}" if len(year) == 4 else label


PDF_CHART_WIDTH_MM = 128  # half of an A4 landscape page between its margins


def _svg(width, height, body):
    """The chart scaled to the PDF column: drawn in a `width`×`height` box of user units."""
    return format_html('<svg xmlns="http://www.w3.org/2000/svg" width="{}mm" height="{}mm" viewBox="0 0 {} {}" '
                       'font-family="Be Vietnam Pro" role="img">{}</svg>', PDF_CHART_WIDTH_MM,
                       round(PDF_CHART_WIDTH_MM * height / width, 1), width, height, body)


# --- public disclosure (no login) ---------------------------------------------------------------

DISCLOSURE_TTL = 600  # seconds: published figures may be ten minutes old


def disclosure_rows(*, period, group, now=None):
    """Per unit (receiving unit) or per field: received, finished on time (early or on time),
    finished late. Only names of units and fields, never anything about applicants."""
    unit_ids = list(Unit.objects.values_list("pk", flat=True))
    rows = daily_counters.dossier_figures(unit_ids=unit_ids, period=period, group=group, now=now)
    names = _names(group, list(rows))
    result = sorted(({"name": names.get(k, "—"), "received": r["received"],
                      "on_time": r["finished_early"] + r["finished_on_time"], "late": r["finished_late"]}
                     for k, r in rows.items()), key=lambda r: r["name"])
    total = {"received": sum(r["received"] for r in result), "on_time": sum(r["on_time"] for r in result),
             "late": sum(r["late"] for r in result)}
    return result, total


@replica_view
def disclosure(request):
    """Công khai tình hình giải quyết hồ sơ: per unit and per field, this month and this year.
    Each table is cached (per grouping and period, short TTL): the page is public and may be
    hit hard, and published figures may be a few minutes old."""
    today = timezone.localdate()
    month, year = periods.month_period(today.year, today.month), periods.parse_period({"period": "year"}, today=today)
    sections, oldest = [], None
    for group, group_label in (("unit", _("Theo đơn vị")), ("field", _("Theo lĩnh vực"))):
        for period in (month, year):
            key = f"disclosure:{group}:{period.kind}:{period.first.isoformat()}"
            cached = cache.get(key)
            if cached is None:
                cached = (*disclosure_rows(period=period, group=group), timezone.localtime())
                cache.set(key, cached, DISCLOSURE_TTL)
            rows, total, computed_at = cached
            oldest = min(oldest or computed_at, computed_at)
            sections.append({"group": group, "group_label": group_label, "period": period.label, "rows": rows,
                             "total": total, "id": f"{group}-{period.kind}"})
    return render(request, "public/disclosure.html", {"sections": sections, "generated_at": oldest})
