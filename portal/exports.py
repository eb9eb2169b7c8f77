"""Every CSV and XLSX the portal hands out goes through here (issue 19, item 7).

A spreadsheet treats a cell starting with `=`, `+`, `-` or `@` (or a tab, carriage return or
line feed before one) as a formula: an applicant named `=HYPERLINK("http://…")` or a procedure
title `=cmd|' /C calc'!A0` would run in the clerk's Excel ("CSV injection").

- CSV has no cell types: `safe_cell` prefixes such a text with an apostrophe, which Excel and
  LibreOffice read as "this is text" (OWASP's advice). The catalogue import strips it again
  (`unquote_cell`), so an export re-imported is unchanged.
- XLSX has: `xlsx_row` writes such a text as an explicit string cell, never a formula (openpyxl
  would otherwise store any text starting with `=` as one); the text itself is unchanged.
Numbers, dates and empty cells are left as they are.
"""

import csv
import io

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def risky(value):
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def safe_cell(value):
    """A CSV cell that no spreadsheet evaluates."""
    return "'" + value if risky(value) else value


def safe_row(row):
    return [safe_cell(value) for value in row]


def unquote_cell(value):
    """The text `safe_cell` neutralised, as it was (for imports of our own exports)."""
    if isinstance(value, str) and value.startswith("'") and risky(value[1:]):
        return value[1:]
    return value


def csv_writer(out, **kwargs):
    """A csv.writer whose rows are made safe."""
    return _SafeWriter(csv.writer(out, **kwargs))


class _SafeWriter:
    def __init__(self, writer):
        self.writer = writer

    def writerow(self, row):
        return self.writer.writerow(safe_row(row))

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def csv_bytes(header, rows):
    """UTF-8 CSV with a BOM (Excel shows Vietnamese diacritics only with one), every cell safe."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv_writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def xlsx_cell(sheet, value):
    """`value` for `sheet.append`: a risky text becomes a string cell (never a formula)."""
    if not risky(value):
        return value
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell


def neutralise(cell):
    """An openpyxl cell already made: a risky text stays a string, never a formula."""
    if risky(cell.value):
        cell.data_type = "s"
    return cell


def xlsx_row(sheet, row):
    return [xlsx_cell(sheet, value) for value in row]


# Excel refuses these in a sheet's name, and names longer than 31 characters.
SHEET_FORBIDDEN = str.maketrans({c: "-" for c in "[]:*?/\\"})
SHEET_MAX = 31


def sheet_title(text, *, used=(), fallback="Sheet"):
    """A sheet name Excel accepts that keeps the Vietnamese letters ("Tỷ lệ đúng hạn theo
    tháng", not "ty-le-dung-han-theo-thang"): the forbidden []:*?/\\ become "-", no apostrophe
    at either end, at most 31 characters (cut at a word when one ends late enough), and unique
    among `used` (case-insensitive, as Excel compares them) with a " (2)" suffix."""
    import unicodedata

    name = " ".join(unicodedata.normalize("NFC", str(text)).translate(SHEET_FORBIDDEN).split()).strip("'")
    name = name or fallback

    def cut(value, limit):
        if len(value) <= limit:
            return value
        head = value[:limit]
        space = head.rfind(" ")
        return (head[:space] if space >= limit * 2 // 3 else head).rstrip(" -'")

    name = cut(name, SHEET_MAX)
    taken = {u.lower() for u in used}
    candidate, number = name, 2
    while candidate.lower() in taken:
        suffix = f" ({number})"
        candidate = cut(name, SHEET_MAX - len(suffix)) + suffix
        number += 1
    return candidate
