"""Legal documents (căn cứ pháp lý) in files: the references a catalogue row carries in
`can_cu_phap_ly` (a number, or number | title | issuer | issued | effective, to create an unknown
one), and a separate import/export of the documents themselves for bulk maintenance
(docs/catalogue-import-format.md, "Legal documents")."""

import datetime
import io
import json

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from portal.exports import csv_writer, xlsx_row
from procedures.importing.parse import read_rows
from procedures.importing.schema import FileError, RowError
from procedures.models import LegalDocument
from procedures.text import nfc

# The columns of the legal-document file, in export order.
DOCUMENT_COLUMNS = ["so_ky_hieu", "trich_yeu", "co_quan_ban_hanh", "ngay_ban_hanh", "hieu_luc_tu",
                    "het_hieu_luc_tu", "thay_the_boi"]
DOCUMENT_REQUIRED = ["so_ky_hieu", "trich_yeu"]
# Keys of a reference given as an object in a catalogue row (JSON).
REFERENCE_KEYS = ["so_ky_hieu", "trich_yeu", "co_quan_ban_hanh", "ngay_ban_hanh", "hieu_luc_tu"]
LIMITS = {name: LegalDocument._meta.get_field(name).max_length for name in ("number", "title", "issuer")}


def _text(value, limit=None, what=""):
    value = "" if value is None else nfc(str(value)).strip()
    if limit and len(value) > limit:
        raise ValueError(_("%(what)s dài %(length)s ký tự, tối đa %(limit)s.")
                         % {"what": what, "length": len(value), "limit": limit})
    return value


def _date(value):
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(_("Ngày không hợp lệ: “%(value)s” (dùng dạng 2025-07-01 hoặc 01/07/2025).") % {"value": text})


def document_fields(number, title="", issuer="", issued_on="", effective_from=""):
    """The model fields of one document description; ValueError names what is wrong."""
    return {
        "number": _text(number, LIMITS["number"], _("Số, ký hiệu")),
        "title": _text(title, LIMITS["title"], _("Trích yếu")),
        "issuer": _text(issuer, LIMITS["issuer"], _("Cơ quan ban hành")),
        "issued_on": _date(issued_on),
        "effective_from": _date(effective_from),
    }


def parse_references(value):
    """The legal bases of a catalogue row: [{number, title, issuer, issued_on, effective_from}]
    (only `number` filled when the row names a document without describing it).

    CSV/XLSX: numbers separated by `;` or line breaks; a line with `|` describes one document as
    `number | title | issuer | issued | effective`. JSON: a list of such strings or of objects
    with the keys of REFERENCE_KEYS."""
    if value in (None, ""):
        return []
    if isinstance(value, list):
        lines = value
    else:
        lines = str(value).splitlines()
    references = []
    for line in lines:
        if isinstance(line, dict):
            references.append(document_fields(*[line.get(k, "") or "" for k in REFERENCE_KEYS]))
            continue
        line = str(line)
        if "|" in line:
            parts = [p.strip() for p in line.split("|")][:5]
            references.append(document_fields(*parts))
        else:
            references += [document_fields(n) for n in line.split(";") if n.strip()]
    return [r for r in references if r["number"]]


def reference_to_cell(document):
    """A document as the export writes it into a catalogue row (JSON object)."""
    return {
        "so_ky_hieu": document.number, "trich_yeu": document.title, "co_quan_ban_hanh": document.issuer,
        "ngay_ban_hanh": document.issued_on.isoformat() if document.issued_on else "",
        "hieu_luc_tu": document.effective_from.isoformat() if document.effective_from else "",
    }


def reference_to_line(cell):
    return " | ".join(str(cell[k]).replace("|", "/").replace("\n", " ") for k in REFERENCE_KEYS).rstrip(" |")


# --- the separate legal-document file ----------------------------------------------------------


def _document_row(document):
    return {
        "so_ky_hieu": document.number, "trich_yeu": document.title, "co_quan_ban_hanh": document.issuer,
        "ngay_ban_hanh": document.issued_on.isoformat() if document.issued_on else "",
        "hieu_luc_tu": document.effective_from.isoformat() if document.effective_from else "",
        "het_hieu_luc_tu": document.expired_on.isoformat() if document.expired_on else "",
        "thay_the_boi": document.replaced_by.number if document.replaced_by_id else "",
    }


def export_documents(*, fmt):
    """(bytes, content type) of every legal document, in the legal-document file format."""
    rows = [_document_row(d) for d in LegalDocument.objects.select_related("replaced_by").order_by("number")]
    if fmt == "json":
        content = json.dumps({"legal_documents": rows}, ensure_ascii=False, indent=1).encode("utf-8")
        return content, "application/json; charset=utf-8"
    if fmt == "xlsx":
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("van_ban")
        sheet.append(DOCUMENT_COLUMNS)
        for row in rows:
            sheet.append(xlsx_row(sheet, [row[c] for c in DOCUMENT_COLUMNS]))
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    writer.writerow(DOCUMENT_COLUMNS)
    for row in rows:
        writer.writerow([row[c] for c in DOCUMENT_COLUMNS])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8"), "text/csv; charset=utf-8"


def documents_import(*, user, content, fmt):
    """Create or update legal documents from a file, all or nothing.

    Returns ({"create": n, "update": n, "unchanged": n}, [RowError]); nothing is written when
    there is any error. A document is matched by its number."""
    try:
        raw_rows = read_rows(content, fmt, required=DOCUMENT_REQUIRED, keys=("legal_documents", "van_ban"))
    except FileError as exc:
        return None, [RowError(0, "", str(exc))]
    existing = {d.number: d for d in LegalDocument.objects.all()}
    errors, parsed, seen = [], [], {}
    for number, raw in raw_rows:
        raw = {str(k).strip().lower(): v for k, v in raw.items()}
        row_errors = []
        values = {}
        for column, key, convert in (
            ("so_ky_hieu", "number", lambda v: _text(v, LIMITS["number"], _("Số, ký hiệu"))),
            ("trich_yeu", "title", lambda v: _text(v, LIMITS["title"], _("Trích yếu"))),
            ("co_quan_ban_hanh", "issuer", lambda v: _text(v, LIMITS["issuer"], _("Cơ quan ban hành"))),
            ("ngay_ban_hanh", "issued_on", _date),
            ("hieu_luc_tu", "effective_from", _date),
            ("het_hieu_luc_tu", "expired_on", _date),
            ("thay_the_boi", "replaced_by", lambda v: _text(v)),
        ):
            try:
                values[key] = convert(raw.get(column))
            except ValueError as exc:
                row_errors.append(RowError(number, column, str(exc)))
        for column, key in (("so_ky_hieu", "number"), ("trich_yeu", "title")):
            if key in values and not values[key]:
                row_errors.append(RowError(number, column, _("Bắt buộc nhập.")))
        if values.get("number") in seen:
            row_errors.append(RowError(number, "so_ky_hieu", _("Số văn bản trùng với dòng %(row)s.")
                                       % {"row": seen[values["number"]]}))
        elif values.get("number"):
            seen[values["number"]] = number
        parsed.append((number, values))
        errors += row_errors
    for number, values in parsed:
        target = values.get("replaced_by")
        if target and target not in existing and target not in seen:
            errors.append(RowError(number, "thay_the_boi", _("Chưa có văn bản số: %(numbers)s.")
                                   % {"numbers": target}))
        if target and target == values.get("number"):
            errors.append(RowError(number, "thay_the_boi", _("Văn bản không thể thay thế chính nó.")))
    if errors:
        return None, sorted(errors, key=lambda e: e.row)
    return _write_documents(parsed, existing, user), []


@transaction.atomic
def _write_documents(parsed, existing, user):
    counts = {"create": 0, "update": 0, "unchanged": 0}
    new, changed = [], []
    fields = ["title", "issuer", "issued_on", "effective_from", "expired_on"]
    for _number, values in parsed:
        document = existing.get(values["number"])
        if document is None:
            new.append(LegalDocument(**{k: values[k] for k in ["number", *fields]}))
            counts["create"] += 1
        elif any(getattr(document, k) != values[k] for k in fields):
            for k in fields:
                setattr(document, k, values[k])
            changed.append(document)
    if new:
        bulk_create_with_history(new, LegalDocument, default_user=user)
    documents = {d.number: d for d in LegalDocument.objects.all()}
    for _number, values in parsed:
        document = existing.get(values["number"])
        target = documents.get(values["replaced_by"]) if values["replaced_by"] else None
        target_id = target.pk if target else None
        if document is not None and document.replaced_by_id != target_id:
            document.replaced_by_id = target_id
            if document not in changed:
                changed.append(document)
        elif document is None and target_id:
            created = documents[values["number"]]
            created.replaced_by_id = target_id
            created.save(update_fields=["replaced_by"])
    if changed:
        bulk_update_with_history(changed, LegalDocument, [*fields, "replaced_by"], default_user=user)
    counts["update"] = len(changed)
    counts["unchanged"] = len(parsed) - counts["create"] - counts["update"]
    return counts
