"""Electronic declarations in the catalogue's JSON import/export (docs/eforms.md).

One optional key per procedure, `to_khai_dien_tu`: {component name: definition}. Exported
for the JSON format only (a definition is a JSON document; CSV/XLSX cells do not carry it).
On import each definition must name a component of the row and pass the declaration schema;
it then travels with the component (`eform`) to `apply`."""

from django.utils.translation import gettext as _

from procedures.eforms.schema import definition_errors

COLUMN = "to_khai_dien_tu"


def export_cell(version, fmt):
    if fmt != "json":
        return None
    return {c.name: c.eform for c in version.components.all() if c.eform}


def read(raw, row, err):
    """Put each definition of the row's `to_khai_dien_tu` on its component, or report why not."""
    value = raw.get(COLUMN)
    if value in (None, "", {}):
        return
    if not isinstance(value, dict):
        err(COLUMN, _("Phải là một đối tượng JSON {tên thành phần hồ sơ: tờ khai}."))
        return
    by_name = {c["name"]: c for c in row.components}
    for name, definition in value.items():
        component = by_name.get(name)
        if component is None:
            err(COLUMN, _("Không có thành phần hồ sơ “%(name)s” để gắn tờ khai.") % {"name": name})
            continue
        problems = definition_errors(definition)
        if problems:
            err(COLUMN, _("Tờ khai của “%(name)s”: %(problems)s") % {"name": name, "problems": "; ".join(problems)})
            continue
        component["eform"] = definition
