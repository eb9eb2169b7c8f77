"""Display helpers for catalogue pages: durations in the version's time unit and amounts in đồng."""

from decimal import Decimal

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from procedures.models import TimeUnit

register = template.Library()


def number(value):
    """10.00 -> '10', 0.50 -> '0,5' (Vietnamese decimal comma)."""
    if value is None:
        return ""
    value = Decimal(value)
    text = f"{value.normalize():f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


@register.filter
def amount(value):
    """12000 -> '12.000'."""
    if value in (None, ""):
        return ""
    return f"{int(value):,}".replace(",", ".")


@register.filter
def duration(value, time_unit):
    """A time budget in a version's unit: '10 ngày làm việc', '4 giờ làm việc', 'Trong ngày'."""
    if time_unit == TimeUnit.SAME_DAY:
        return _("Trong ngày")
    formats = {
        TimeUnit.WORKING_DAYS: _("%(n)s ngày làm việc"),
        TimeUnit.CALENDAR_DAYS: _("%(n)s ngày"),
        TimeUnit.HOURS: _("%(n)s giờ làm việc"),
    }
    return formats.get(time_unit, "%(n)s") % {"n": number(value)}


@register.filter
def decimal(value):
    return number(value)


@register.simple_tag
def select_options(bound_field):
    """The <option>s of a filter's <select>, built in Python: the catalogue's agency filter has
    one option per unit (hundreds in a province), which a template loop rendered in tens of
    milliseconds. The current value is read once; labels and values are escaped."""
    current = str(bound_field.value())
    selected = mark_safe(" selected")  # noqa: S308 - a constant
    return format_html_join("", '<option value="{}"{}>{}</option>', (
        (value, selected if str(value) == current else "", label) for value, label in bound_field.field.choices))
