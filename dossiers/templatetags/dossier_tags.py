"""Markup repeated on every row of the dossier tables, built in Python: an `{% include %}` per
row was a seventh of the counter page's time (82 rows, bench/profile_pages.py)."""

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from portal import money
from procedures.models import TimeUnit

from .. import selectors
from ..models import Status

register = template.Library()


register.filter("vnd", money.vnd)


@register.simple_tag
def most_requested_procedures(limit=6):
    """The home page's shortcuts to the procedures most filed (dossiers.selectors, cached)."""
    return selectors.most_requested_procedures(limit=limit)


@register.filter
def processing_time(version, budget=None):
    """A procedure version's processing time as people say it: "trong ngày" for a same-day
    procedure (its stored budget is the 8 working hours of a day, never shown), else
    "3 ngày làm việc". `budget` overrides the version's own (a channel's time)."""
    unit = TimeUnit(version.time_unit) if version.time_unit in TimeUnit.values else None
    if unit == TimeUnit.SAME_DAY:
        return str(unit.label)
    amount = version.processing_time if budget in (None, "") else budget
    label = unit.label if unit else version.time_unit
    if amount is None:
        return str(label)
    return f"{amount.normalize():f} {label}"

STATUS_CSS = {
    Status.RETURNED: "text-bg-success",
    Status.RESULT_READY: "text-bg-primary",
    Status.NOT_ACCEPTED: "text-bg-secondary",
    Status.STOPPED: "text-bg-secondary",
    Status.WITHDRAWN: "text-bg-secondary",
    Status.SUPPLEMENT_REQUESTED: "text-bg-warning",
    Status.PAYMENT_REQUESTED: "text-bg-warning",
}  # any other (open) status: text-bg-info


@register.simple_tag
def status_badge(dossier):
    """The status of a dossier as a badge, and an 'overdue' badge when it is."""
    badge = format_html('<span class="badge rounded-pill {}" data-testid="status">{}</span>',
                        STATUS_CSS.get(dossier.status, "text-bg-info"), dossier.get_status_display())
    if dossier.is_overdue:
        badge += format_html(' <span class="badge rounded-pill text-bg-danger">{}</span>', _("Quá hạn"))
    return mark_safe(badge)  # noqa: S308 - both parts come from format_html


def local_datetime(value):
    """`value|date:"H:i d/m/Y"` of the templates, without the template filter's machinery."""
    return timezone.localtime(value).strftime("%H:%M %d/%m/%Y") if value else ""


@register.simple_tag
def dossier_rows(dossiers):
    """The <tr> of every dossier of dossiers/_table.html (the counter's lists, search results):
    code with its link and priority, applicant, procedure, received and due dates, status."""
    priority = format_html(' <span class="badge text-bg-warning">{}</span>', _("Ưu tiên"))
    return format_html_join("\n", (
        '<tr>\n'
        '      <td><a href="{}" class="font-monospace">{}</a>{}</td>\n'
        '      <td>{}</td>\n'
        '      <td class="small">{}</td>\n'
        '      <td class="small text-nowrap">{}</td>\n'
        '      <td class="small text-nowrap">{}</td>\n'
        '      <td>{}</td>\n'
        '    </tr>'), (
        (reverse("workflow:dossier", args=[d.code]), d.code, priority if d.is_priority else "", d.applicant_name,
         d.procedure.name, local_datetime(d.received_at), local_datetime(d.due_at) or "—", status_badge(d))
        for d in dossiers))
