"""Amounts in đồng, written the Vietnamese way on every page, print and message."""


def vnd(amount):
    """8000 -> '8.000': a dot between thousands whatever the active locale (`intcomma` would
    write '8,000' in English, and a slip in English still quotes the Vietnamese fee)."""
    try:
        return f"{int(amount):,}".replace(",", ".")
    except (TypeError, ValueError):
        return amount
