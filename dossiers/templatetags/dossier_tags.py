"""Markup repeated on every row of the dossier tables, built in Python: an `{% include %}` per
row was a seventh of the counter page's time (82 rows, bench/profile_pages.py)."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()

STATUS_CSS = {
    "returned": "text-bg-success",
    "result_ready": "text-bg-primary",
    "not_accepted": "text-bg-secondary",
    "stopped": "text-bg-secondary",
    "withdrawn": "text-bg-secondary",
    "supplement_requested": "text-bg-warning",
    "payment_requested": "text-bg-warning",
}


@register.simple_tag
def status_badge(dossier):
    """The status of a dossier as a badge, and an 'overdue' badge when it is."""
    badge = format_html('<span class="badge rounded-pill {}" data-testid="status">{}</span>',
                        STATUS_CSS.get(dossier.status, "text-bg-info"), dossier.get_status_display())
    if dossier.is_overdue:
        badge += format_html(' <span class="badge rounded-pill text-bg-danger">{}</span>', _("Quá hạn"))
    return mark_safe(badge)  # noqa: S308 - both parts come from format_html
