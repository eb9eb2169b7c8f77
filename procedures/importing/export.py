"""Exporting procedures in the import format: the versions in force as CSV, XLSX or JSON, so an
export can be edited and imported again."""

import io
import json

from django.db.models import Prefetch
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from portal.exports import csv_writer, xlsx_row
from procedures.importing import eforms
from procedures.importing.documents import reference_to_cell, reference_to_line
from procedures.importing.parse import read_rows
from procedures.importing.schema import COLUMNS, FileError, _plain, fee_cell, split_long_cells
from procedures.models import ComponentRequirement, ProcedureVersion, RouteStep


def _row_prefetches():
    return [
        "receiving_units", "implementing_units", "legal_documents", "fees", "methods", "other_levels",
        Prefetch("components", queryset=ComponentRequirement.objects.order_by("order", "pk")),
        Prefetch("steps", queryset=RouteStep.objects.select_related("handler_level", "handler_unit")
                 .order_by("order", "pk")),
    ]


def version_to_row(version, *, fmt):
    """The import/export representation of a version (JSON: lists; CSV/XLSX: lines)."""

    def handler(step):
        if step.is_counter:
            return f"counter:{step.handler_level.code}" if step.handler_level_id else "counter"
        if step.handler_unit_id:
            return f"unit:{step.handler_unit.code}"
        return f"level:{step.handler_level.code}"

    components = [
        {"ten": c.name, "ban_chinh": c.originals, "ban_sao": c.certified_copies, "ban_photo": c.photocopies,
         "bat_buoc": 1 if c.is_required else 0, **({"xuat_trinh": 1} if c.presented_only else {})}
        for c in version.components.all()
    ]
    steps = [{"noi_xu_ly": handler(s), "cong_viec": s.action, "thoi_gian": _plain(s.budget)}
             for s in version.steps.all()]
    fees = [{"ten": f.name, "so_tien": fee_cell(f.amount, f.amount_text), "mien_giam": f.exemptions,
             **({"tuy_chon": 1} if f.is_optional else {})}
            for f in sorted(version.fees.all(), key=lambda f: (f.order, f.pk))]
    methods = [{"kenh": m.channel, "thoi_han": _plain(m.processing_time), "phi": fee_cell(m.fee_amount, m.fee_text),
                "ghi_chu": m.fee_note} for m in sorted(version.methods.all(), key=lambda m: m.channel)]
    row = {
        "ma_thu_tuc": version.procedure.national_code,
        "ten_thu_tuc": version.name,
        "ma_linh_vuc": version.procedure.field.code,
        "ten_linh_vuc": version.procedure.field.name,
        "cap_thuc_hien": "; ".join([version.authority_level.code]
                                   + sorted(lv.code for lv in version.other_levels.all()))
        if version.authority_level_id else "",
        "noi_tiep_nhan": sorted(u.code for u in version.receiving_units.all()),
        "co_quan_thuc_hien": sorted(u.code for u in version.implementing_units.all()),
        "muc_do": version.online_level,
        "don_vi_thoi_gian": version.time_unit,
        "thoi_han": _plain(version.processing_time),
        "ghi_chu_thoi_han": version.processing_time_note,
        "hieu_luc_tu": version.effective_from.isoformat() if version.effective_from else "",
        "quyet_dinh_cong_bo": version.decision_number,
        "doi_tuong": version.subjects,
        "ket_qua": version.result,
        "yeu_cau": version.requirements,
        "tinh_thoi_gian_bo_sung": version.supplement_clock_rule,
        "nop_phi": version.fee_payment,
        "giai_quyet_ngay": 1 if version.settled_on_spot else 0,
        "can_cu_phap_ly": [reference_to_cell(d) for d in sorted(version.legal_documents.all(), key=lambda d: d.number)],
        "thanh_phan": components,
        "quy_trinh": steps,
        "phi_le_phi": fees,
        "cach_thuc": methods,
    }
    if fmt == "json":
        if cells := eforms.export_cell(version, fmt):
            row[eforms.COLUMN] = cells
        return row
    flat = dict(row)
    for key in ("noi_tiep_nhan", "co_quan_thuc_hien"):
        flat[key] = "; ".join(row[key])
    flat["can_cu_phap_ly"] = "\n".join(reference_to_line(cell) for cell in row["can_cu_phap_ly"])
    for key in ("thanh_phan", "quy_trinh", "phi_le_phi", "cach_thuc"):
        flat[key] = "\n".join(" | ".join(str(v).replace("|", "/").replace("\n", " ") for v in item.values())
                              for item in row[key])
    return flat


def export_procedures(*, procedures, fmt, on=None):
    """(bytes, content type) of the versions in force (or latest published) of `procedures`."""
    on = on or timezone.localdate()
    versions = (
        ProcedureVersion.objects.in_force(on)
        .filter(procedure__in=procedures)
        .select_related("procedure", "procedure__field", "authority_level")
        .prefetch_related(*_row_prefetches())
        .order_by("procedure__national_code")
    )
    rows = [version_to_row(v, fmt=fmt) for v in versions]
    if fmt == "json":
        content = json.dumps({"procedures": rows}, ensure_ascii=False, indent=1, default=str).encode("utf-8")
        return content, "application/json; charset=utf-8"
    if fmt == "xlsx":
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("thu_tuc")
        header, lines = split_long_cells(rows, COLUMNS)
        sheet.append(header)
        for line in lines:
            sheet.append(xlsx_row(sheet, [ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in line]))
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([row[c] for c in COLUMNS])
    # A BOM so that Excel opens the UTF-8 file with its Vietnamese letters intact.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8"), "text/csv; charset=utf-8"



def _cell(value):
    """A raw value of an uploaded row as one spreadsheet cell (JSON lists become lines)."""
    if isinstance(value, list):
        return "\n".join(" | ".join(str(v) for v in item.values()) if isinstance(item, dict) else str(item)
                         for item in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else value


def export_errors(*, job, fmt):
    """(bytes, content type): one line per error of `job` (row, column, message) followed by
    what the uploaded row said, so the editor can fix the rows in a spreadsheet."""
    raw = {}
    try:
        with job.file.open("rb") as handle:
            raw = dict(read_rows(handle.read(), job.format))
    except (FileError, OSError, ValueError):
        pass  # a file that cannot be read: the messages alone
    header = ["dong", "cot", "loi", *COLUMNS]
    lines = []
    for error in job.errors:
        values = {str(k).strip().lower(): v for k, v in raw.get(error["row"], {}).items()}
        lines.append([error["row"] or "", error["column"], error["message"], *[_cell(values.get(c)) for c in COLUMNS]])
    if fmt == "xlsx":
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("loi")
        header, lines = split_long_cells([dict(zip(header, line, strict=True)) for line in lines], header)
        sheet.append(header)
        for line in lines:
            sheet.append(xlsx_row(sheet, [ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in line]))
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    writer.writerow(header)
    writer.writerows(lines)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8"), "text/csv; charset=utf-8"
