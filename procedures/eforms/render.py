"""The widgets of a declaration section, as plain dicts for templates/eforms/_section.html:
one renderer shared by the citizen wizard, the counter and the editor's preview."""

import json

from django.utils.translation import gettext as _

from portal.models import Unit

from .reference import ETHNIC_GROUPS, NATIONALITIES, PROVINCES
from .validation import is_visible, text


def commune_names():
    """The communes of the portal's own unit list (for addresses whose source is "units")."""
    return list(Unit.objects.filter(level__code="commune", valid_to__isnull=True).order_by("name")
                .values_list("name", flat=True))


def _choices(field):
    kind = field["type"]
    if kind == "choice":
        return [(o["value"], text(o["label"])) for o in field["options"]]
    if kind == "ethnicity":
        return ETHNIC_GROUPS
    if kind == "nationality":
        return NATIONALITIES
    return None


def _widget(field, value, errors, name, path, *, data, communes):
    kind = field["type"]
    widget = {
        "key": field["key"], "type": kind, "name": name, "id": f"id_{name}", "label": text(field["label"]),
        "help": text(field.get("help")), "required": bool(field.get("required")), "errors": errors.get(path, []),
        "value": value, "choices": _choices(field),
        "show_if": json.dumps(field["show_if"], ensure_ascii=False) if field.get("show_if") else "",
        "hidden": not is_visible(field.get("show_if"), data),
        "uppercase": field.get("uppercase", False),
    }
    if kind == "address":
        value = value if isinstance(value, dict) else {}
        widget["parts"] = [
            {"part": "detail", "name": f"{name}-detail", "id": f"id_{name}-detail", "value": value.get("detail", ""),
             "label": _("Số nhà, đường, thôn, tổ dân phố"), "errors": errors.get(f"{path}-detail", [])},
            {"part": "commune", "name": f"{name}-commune", "id": f"id_{name}-commune",
             "value": value.get("commune", ""), "label": _("Xã, phường, đặc khu"),
             "errors": errors.get(f"{path}-commune", []),
             "choices": communes if field.get("source") == "units" else None},
            {"part": "province", "name": f"{name}-province", "id": f"id_{name}-province",
             "value": value.get("province", ""), "label": _("Tỉnh, thành phố"),
             "errors": errors.get(f"{path}-province", []), "choices": [(p, p) for p in PROVINCES]},
        ]
        for part in widget["parts"]:
            if part["part"] == "commune" and part["choices"] is not None:
                part["choices"] = [(c, c) for c in part["choices"]]
    return widget


def section_widgets(section, data, errors=None, *, prefix="f", extra_rows=0):
    """The widgets of `section` filled with `data` (the answers so far) and `errors`
    ({path: [messages]}); a group shows its rows plus `extra_rows` (at least one) blank ones."""
    errors = errors or {}
    communes = None
    if any(f["type"] == "address" and f.get("source") == "units" for f in section["fields"]):
        communes = commune_names()
    widgets = []
    for field in section["fields"]:
        name = f"{prefix}-{field['key']}"
        value = data.get(field["key"], field.get("default", [] if field["type"] in ("group", "file") else ""))
        widget = _widget(field, value, errors, name, field["key"], data=data, communes=communes)
        widget["prefix"] = prefix
        if field["type"] == "group":
            rows = list(value) if isinstance(value, list) else []
            blank = max(extra_rows, 0 if rows else 1)
            rows += [{}] * blank
            widget["count"] = len(rows)
            widget["count_name"] = f"{name}-count"
            widget["headers"] = [text(s["label"]) for s in field["fields"]]
            widget["rows"] = [
                {"index": i, "delete_name": f"{name}-{i}-delete",
                 "cells": [_widget(sub, row.get(sub["key"], sub.get("default", "")), errors, f"{name}-{i}-{sub['key']}",
                                   f"{field['key']}-{i}-{sub['key']}", data=row, communes=communes)
                           for sub in field["fields"]]}
                for i, row in enumerate(rows)]
            widget["max_items"] = field.get("max_items", 100)
        if field["type"] == "file":
            widget["files"] = value if isinstance(value, list) else []
        widgets.append(widget)
    return widgets
