from django import template

register = template.Library()


@register.filter
def vnd(amount):
    """8000 -> '8.000' (Vietnamese thousands separator, whatever the active locale)."""
    try:
        return f"{int(amount):,}".replace(",", ".")
    except (TypeError, ValueError):
        return amount
