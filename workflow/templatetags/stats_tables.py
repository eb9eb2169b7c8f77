"""The rows of the statistics tables, built in Python.

A province's table has one row per unit (or per procedure: 2,200 rows) and 19 figures per row;
rendered through `{% include %}` and one `{{ }}` per cell it cost about half of the page's time
on a 1,000,000-dossier database. The markup is the same as the template's was: values are
localised (the decimal comma in Vietnamese) and escaped exactly as `{{ value }}` does.
"""

from django import template
from django.conf import settings
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()

FIGURE_COLUMNS = [
    # (key, highlight when not zero)
    ("received", False), ("received_counter", False), ("received_online", False), ("received_postal", False),
    ("finished", False), ("finished_early", False), ("finished_on_time", False), ("finished_late", True),
    ("in_progress", False), ("in_progress_on_time", False), ("in_progress_late", True),
    ("supplement_requests", False), ("refusals", False), ("withdrawals", False),
]
SHARE_COLUMNS = ["average_days", "online_share", "digitised_share", "on_time_rate"]
STEP_COLUMNS = [("steps_finished", False), ("steps_early", False), ("steps_on_time", False), ("steps_late", True),
                ("steps_in_progress", False), ("steps_in_progress_late", True)]


def _cell(value, css="num"):
    if type(value) is int and not settings.USE_THOUSAND_SEPARATOR:
        text = str(value)  # what localize() gives for a plain int, without its lookups (most cells)
    else:
        text = conditional_escape(localize(value))
    return f'<td class="{css}">{text}</td>'


def _figure_cells(row, columns, late_css):
    cells = []
    for key, highlight in columns:
        value = row.get(key, "")
        cells.append(_cell(value, f"num {late_css}" if highlight and value else "num"))
    return cells


def _or_dash(value):
    """`default_if_none:"—"` of the template: a missing key stays empty."""
    return "—" if value is None else value


def _figures_row(row, header, tr=""):
    """One <tr> of the figures table: the counts, then the shares (a missing one is a dash)."""
    cells = _figure_cells(row, FIGURE_COLUMNS, "text-danger")
    cells += [_cell(_or_dash(row.get(key))) for key in SHARE_COLUMNS]
    return f"<tr{tr}>{header}" + "".join(cells) + "</tr>"


@register.simple_tag
def figures_rows(rows):
    """The <tr> of every row of the figures table (unit, field or procedure)."""
    return mark_safe("\n".join(  # noqa: S308 - every value is escaped
        _figures_row(row, f'<th scope="row" class="fw-normal">{conditional_escape(row.get("name", ""))}</th>')
        for row in rows))


@register.simple_tag
def figures_total(total):
    return mark_safe(_figures_row(  # noqa: S308 - every value is escaped
        total, f'<th scope="row">{conditional_escape(_("Tổng cộng"))}</th>', tr=' class="table-light"'))


@register.simple_tag
def steps_rows(rows):
    """The <tr> of every unit of the steps table (Form 05: each unit on its own steps)."""
    html = []
    for row in rows:
        cells = _figure_cells(row, STEP_COLUMNS, "text-danger fw-semibold")
        cells.append(_cell(_or_dash(row.get("rate", ""))))
        html.append(f'<tr><th scope="row" class="fw-normal">{conditional_escape(row.get("name", ""))}</th>'
                    + "".join(cells) + "</tr>")
    return mark_safe("\n".join(html))  # noqa: S308 - every value above is escaped
