"""Reading a catalogue file (CSV, XLSX or JSON) into raw rows, before any validation."""

import csv
import io
import json

from django.utils.translation import gettext as _
from openpyxl import load_workbook

from portal.exports import unquote_cell
from procedures.importing.schema import REQUIRED, FileError


def read_rows(content: bytes, fmt: str, *, required=REQUIRED, keys=("procedures", "thu_tuc")):
    """[(row number, {column: raw value})]: CSV/XLSX rows count from 2 (row 1 is the header),
    JSON objects from 1. `required` columns must be in the header; a JSON object holds its list
    under one of `keys`."""
    if fmt == "json":
        try:
            data = json.loads(content.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise FileError(_("Tệp JSON không hợp lệ: %(error)s") % {"error": exc}) from None
        if isinstance(data, dict):
            data = next((data[k] for k in keys if k in data), None)
        if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
            raise FileError(_("Tệp JSON phải là một danh sách (hoặc {\"%(key)s\": [...]}).") % {"key": keys[0]})
        return [(i, item) for i, item in enumerate(data, start=1)]
    rows = read_table(content, fmt)
    header = [str(h).strip().lower() for h in rows[0]]
    missing = [c for c in required if c not in header]
    if missing:
        raise FileError(_("Thiếu cột bắt buộc: %(columns)s.") % {"columns": ", ".join(missing)})
    result = []
    for number, values in enumerate(rows[1:], start=2):
        if not any(str(v).strip() for v in values):
            continue
        # Cells our own exports neutralised against formulas ('=…) come back as they were.
        result.append((number, {header[i]: unquote_cell(values[i]) for i in range(min(len(header), len(values)))}))
    return result


def read_table(content: bytes, fmt: str):
    """The rows of a CSV file or of an XLSX file's first sheet, as lists of cell values."""
    if fmt == "csv":
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise FileError(_("Tệp CSV phải được lưu với mã hóa UTF-8.")) from None
        # Excel in a Vietnamese locale saves CSV with semicolons: decide from the header line.
        # (A national list may start with title lines: the first line with separators decides.)
        header_line = next((line for line in text.split("\n", 20)[:20] if "," in line or ";" in line), "")
        delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
        reader = csv.reader(io.StringIO(text), delimiter=delimiter)
        rows = list(reader)
    elif fmt == "xlsx":
        try:
            workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception:  # noqa: BLE001 — openpyxl raises many kinds on a broken file
            raise FileError(_("Không đọc được tệp Excel (.xlsx).")) from None
        sheet = workbook.worksheets[0]
        rows = [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]
        workbook.close()
    else:
        raise FileError(_("Định dạng tệp không được hỗ trợ."))
    if not rows:
        raise FileError(_("Tệp không có dữ liệu."))
    return rows
