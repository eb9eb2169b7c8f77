"""Every CSV and XLSX the portal hands out goes through here (issue 19, item 7).

A spreadsheet treats a cell starting with `=`, `+`, `-` or `@` (or a tab or carriage return
before one) as a formula: an applicant named `=HYPERLINK("http://…")` or a procedure title
`=cmd|' /C calc'!A0` would run in the clerk's Excel ("CSV injection"). `safe_cell` makes such a
text cell plain text by prefixing an apostrophe, which Excel and LibreOffice hide and treat as
"this is text". Numbers, dates and empty cells are left as they are.
"""

import csv
import io

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def safe_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(row):
    return [safe_cell(value) for value in row]


def csv_bytes(header, rows):
    """UTF-8 CSV with a BOM (Excel shows Vietnamese diacritics only with one), every cell safe."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(safe_row(header))
    writer.writerows(safe_row(row) for row in rows)
    return out.getvalue().encode("utf-8")
