"""The national procedure database's lists (danh sách TTHC theo cơ quan) as a starting point
for a province's localisation (issue 21, item 6; docs/catalogue-import-format.md).

The national database exports, per authority, a spreadsheet of procedures with their code,
name, level, field, implementing agency and publishing decision — often under a title line or
two, sometimes grouped under a line naming the field. Such a list carries none of what a
dossier needs (components, route, fees), so each new code becomes a procedure with a **draft**
version that editors complete and publish; codes already in the catalogue are left alone."""

import datetime
import re

from django.utils.text import slugify
from django.utils.translation import gettext as _

from procedures.importing.parse import read_table
from procedures.importing.schema import ParsedRow, RowError
from procedures.models import Field, ProcedureVersion
from procedures.text import NATIONAL_CODE_RE, nfc, search_key, unaccent

# Headers as the national database writes them (compared without accents or case) → key.
HEADERS = {
    "ma thu tuc": "code", "ma tthc": "code", "ma thu tuc hanh chinh": "code", "ma so": "code",
    "ten thu tuc": "name", "ten tthc": "name", "ten thu tuc hanh chinh": "name",
    "cap thuc hien": "levels", "cap": "levels",
    "linh vuc": "field", "ten linh vuc": "field",
    "co quan thuc hien": "agency", "co quan giai quyet": "agency",
    "so quyet dinh": "decision", "quyet dinh cong bo": "decision", "so quyet dinh cong bo": "decision",
    "so, ky hieu quyet dinh": "decision", "quyet dinh": "decision",
}
# The columns of the list, in the order the docs give them; code and name must be there.
KEYS = ["code", "name", "levels", "field", "agency", "decision"]
HEADER_SEARCH = 20  # title lines above the header


def _key(header):
    return HEADERS.get(search_key(re.sub(r"\(.*?\)", "", str(header or ""))).strip(" .:"))


def _header(table):
    """(index of the header line, {cell index: key}) or None."""
    for index, cells in enumerate(table[:HEADER_SEARCH]):
        columns = {i: _key(cell) for i, cell in enumerate(cells) if _key(cell)}
        if {"code", "name"} <= set(columns.values()):
            return index, columns
    return None


def read_list(content, fmt):
    """[(row number, {key: value})] when the file is a national list (a header with at least
    the code and name columns within its first lines), else None."""
    if fmt not in {"csv", "xlsx"}:
        return None
    table = read_table(content, fmt)
    found = _header(table)
    if found is None:
        return None
    index, columns = found
    rows, group = [], ""
    for number, values in enumerate(table[index + 1:], start=index + 2):
        cells = {key: values[i] for i, key in columns.items() if i < len(values)}
        filled = [str(v).strip() for v in values if str(v).strip()]
        if not filled:
            continue
        code = cells.get("code")
        if code in (None, "") and len(filled) <= 2:
            # A group line ("I. Lĩnh vực Hộ tịch"): the field of the rows below it.
            group = re.sub(r"^[IVXLC\d]+[.)]\s*", "", filled[-1]).strip()
            group = re.sub(r"^lĩnh vực\s*:?\s*", "", nfc(group), flags=re.IGNORECASE).strip()
            continue
        if not str(cells.get("field") or "").strip() and group:
            cells["field"] = group
        rows.append((number, cells))
    return rows


def _field_code(name, ctx):
    """The code of the field named `name`: an existing field of that name, or a new code."""
    key = search_key(name)
    for field in ctx.fields.values():
        if search_key(field.name) == key:
            return field.code
    for code, new_name in ctx.new_fields.items():
        if search_key(new_name) == key:
            return code
    base = slugify(unaccent(name))[:36] or "linh-vuc"
    code, n = base, 1
    while code in ctx.fields or code in ctx.new_fields:
        n += 1
        code = f"{base}-{n}"
    ctx.new_fields[code] = name
    return code


def validate_list_row(number, raw, ctx):
    """(ParsedRow of a draft, [RowError]) for one line of a national list."""
    # In the function: validate imports this module to dispatch to it.
    from procedures.importing.validate import _level_list, _limited

    errors = []

    def err(column, message):
        errors.append(RowError(number, column, str(message)))

    def text(key, model=None, field_name=None):
        value = raw.get(key)
        if isinstance(value, datetime.date):
            value = value.strftime("%d/%m/%Y")
        try:
            return _limited(model, field_name)(value) if model else nfc(str(value or "")).strip()
        except ValueError as exc:
            err(COLUMN_NAMES[key], exc)
            return ""

    code_value = raw.get("code")
    if isinstance(code_value, float):
        code_value = f"{code_value:.6f}"  # Excel turns 1.001190 into 1.00119
    code = nfc(str(code_value or "")).strip()
    row = ParsedRow(row=number, code=code, draft=True)
    if not code:
        err(COLUMN_NAMES["code"], _("Bắt buộc nhập."))
    elif not NATIONAL_CODE_RE.match(code):
        err(COLUMN_NAMES["code"], _("Mã thủ tục phải có dạng như 1.001193."))
    name = text("name", ProcedureVersion, "name")
    if not name and not errors:
        err(COLUMN_NAMES["name"], _("Bắt buộc nhập."))
    levels, unknown = _level_list(raw.get("levels"), ctx.level_lookup)
    if unknown:
        err(COLUMN_NAMES["levels"], _("Không có cấp “%(code)s”. Các cấp: %(levels)s.")
            % {"code": "; ".join(unknown), "levels": ", ".join(f"{lv.code} ({lv.name})" for lv in ctx.levels.values())})
    elif not levels:
        err(COLUMN_NAMES["levels"], _("Bắt buộc nhập."))
    field_name = text("field", Field, "name")
    if not field_name:
        err(COLUMN_NAMES["field"], _("Bắt buộc nhập."))
    decision = text("decision", ProcedureVersion, "decision_number")
    agency = text("agency")
    # The agency is a unit of the portal when its code or name matches one; otherwise (often
    # "UBND cấp xã") it is kept in the draft's note for the editor.
    implementing = [u.code for u in ctx.units.values()
                    if agency and (u.code == agency or search_key(u.name) == search_key(agency))][:1]
    if errors:
        return row, errors
    field_code = _field_code(field_name, ctx)
    note = _("Nhập từ danh sách thủ tục của Cơ sở dữ liệu quốc gia.")
    if agency and not implementing:
        note = _("Nhập từ danh sách thủ tục của Cơ sở dữ liệu quốc gia. Cơ quan thực hiện: %(agency)s.") % {
            "agency": agency}
    row.procedure = {"field_code": field_code, "name": name}
    row.version = {"name": name, "authority_level": levels[0], "decision_number": decision,
                   "change_note": note[:ProcedureVersion._meta.get_field("change_note").max_length]}
    row.m2m = {"receiving_units": [], "implementing_units": implementing, "legal_documents": [],
               "other_levels": levels[1:]}
    return row, errors


# How messages name the list's columns (its own headers vary).
COLUMN_NAMES = {"code": "Mã thủ tục", "name": "Tên thủ tục", "levels": "Cấp thực hiện", "field": "Lĩnh vực",
                "agency": "Cơ quan thực hiện", "decision": "Số quyết định"}
