"""Import and export of the catalogue in one documented format (docs/catalogue-import-format.md).

One row (CSV/XLSX) or one object (JSON) per procedure. Import is two-phase: validate every row
and build a preview (create / update / unchanged) without writing; then, once the editor
confirms, apply everything in ONE transaction, so a failure leaves nothing half-imported.
Both phases run as Celery tasks (procedures.tasks) and report progress on the ImportJob.
"""

import csv
import datetime
import io
import json
import logging
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from portal.models import Role, Unit, UnitLevel
from portal.permissions import memberships_of

from .catalogue_cache import catalogue_changed
from .models import (
    ComponentRequirement,
    Fee,
    Field,
    ImportJob,
    LegalDocument,
    OnlineLevel,
    Procedure,
    ProcedureMethod,
    ProcedureVersion,
    RouteStep,
    TimeUnit,
)
from .text import NATIONAL_CODE_RE, nfc, search_key

# Columns, in export order. Lists inside a cell: one item per line, parts separated by "|".
COLUMNS = [
    "ma_thu_tuc", "ten_thu_tuc", "ma_linh_vuc", "ten_linh_vuc", "cap_thuc_hien", "noi_tiep_nhan",
    "co_quan_thuc_hien", "muc_do", "don_vi_thoi_gian", "thoi_han", "ghi_chu_thoi_han", "hieu_luc_tu",
    "quyet_dinh_cong_bo", "doi_tuong", "ket_qua", "yeu_cau", "tinh_thoi_gian_bo_sung", "nop_phi",
    "giai_quyet_ngay", "can_cu_phap_ly", "thanh_phan", "quy_trinh", "phi_le_phi", "cach_thuc",
]
REQUIRED = ["ma_thu_tuc", "ten_thu_tuc", "ma_linh_vuc", "cap_thuc_hien", "noi_tiep_nhan", "muc_do",
            "don_vi_thoi_gian", "thoi_han", "hieu_luc_tu", "can_cu_phap_ly", "thanh_phan", "quy_trinh"]
PROGRESS_EVERY = 50
FIELD_CODE_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
logger = logging.getLogger(__name__)
MAX_ROWS = 10000


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def as_dict(self):
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class ParsedRow:
    row: int
    code: str
    procedure: dict = field(default_factory=dict)
    version: dict = field(default_factory=dict)
    m2m: dict = field(default_factory=dict)
    steps: list = field(default_factory=list)
    components: list = field(default_factory=list)
    fees: list = field(default_factory=list)
    methods: list = field(default_factory=list)
    fingerprint: str = ""
    action: str = ""


class FileError(Exception):
    """The file as a whole cannot be read."""


# --- reading -----------------------------------------------------------------------------------


def read_rows(content: bytes, fmt: str):
    """[(row number, {column: raw value})]: CSV/XLSX rows count from 2 (row 1 is the header),
    JSON objects from 1."""
    if fmt == "json":
        try:
            data = json.loads(content.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise FileError(_("Tệp JSON không hợp lệ: %(error)s") % {"error": exc}) from None
        if isinstance(data, dict):
            data = data.get("procedures", data.get("thu_tuc"))
        if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
            raise FileError(_("Tệp JSON phải là một danh sách các thủ tục (hoặc {\"procedures\": [...]})."))
        return [(i, item) for i, item in enumerate(data, start=1)]
    if fmt == "csv":
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise FileError(_("Tệp CSV phải được lưu với mã hóa UTF-8.")) from None
        # Excel in a Vietnamese locale saves CSV with semicolons: decide from the header line.
        header_line = text.split("\n", 1)[0]
        delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
        reader = csv.reader(io.StringIO(text), delimiter=delimiter)
        rows = list(reader)
    elif fmt == "xlsx":
        from openpyxl import load_workbook

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
    header = [str(h).strip().lower() for h in rows[0]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise FileError(_("Thiếu cột bắt buộc: %(columns)s.") % {"columns": ", ".join(missing)})
    result = []
    for number, values in enumerate(rows[1:], start=2):
        if not any(str(v).strip() for v in values):
            continue
        result.append((number, {header[i]: values[i] for i in range(min(len(header), len(values)))}))
    return result


# --- validation --------------------------------------------------------------------------------


class Context:
    """Everything rows are checked against, loaded once."""

    def __init__(self, user):
        self.user = user
        self.fields = {f.code: f for f in Field.objects.all()}
        self.levels = {lv.code: lv for lv in UnitLevel.objects.all()}
        self.units = {u.code: u for u in Unit.objects.all().only("pk", "code", "name")}
        self.documents = {d.number: d for d in LegalDocument.objects.all()}
        from .selectors import procedures_managed_by

        self.managed = set(procedures_managed_by(user).values_list("national_code", flat=True))
        self.existing = {p.national_code: p for p in Procedure.objects.all().only("pk", "national_code", "name")}
        self.new_fields = {}


def _text(value, limit=None):
    value = "" if value is None else nfc(str(value)).strip()
    if limit and len(value) > limit:
        raise ValueError(_("Dài quá %(limit)s ký tự.") % {"limit": limit})
    return value


def _decimal(value):
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value))
    else:
        try:
            number = Decimal(str(value).strip().replace(",", "."))
        except InvalidOperation:
            raise ValueError(_("Không phải là số: “%(value)s”.") % {"value": value}) from None
    if number < 0 or number >= 10000:
        raise ValueError(_("Số phải từ 0 đến 9999."))
    return number.quantize(Decimal("0.01"))


def _int(value, *, minimum=0, maximum=2_000_000_000):
    try:
        number = int(Decimal(str(value).strip().replace(".", "").replace(",", "") or "0")) if not isinstance(
            value, int) else value
    except (InvalidOperation, ValueError):
        raise ValueError(_("Không phải là số nguyên: “%(value)s”.") % {"value": value}) from None
    if not minimum <= number <= maximum:
        raise ValueError(_("Giá trị phải từ %(min)s đến %(max)s.") % {"min": minimum, "max": maximum})
    return number


def _date(value):
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


def _bool(value):
    text = str(value).strip().lower()
    if text in {"1", "true", "x", "có", "co", "yes"}:
        return True
    if text in {"", "0", "false", "không", "khong", "no"}:
        return False
    raise ValueError(_("Giá trị đúng/sai không hợp lệ: “%(value)s” (dùng 1 hoặc 0).") % {"value": value})


def _items(value, keys):
    """A list cell: JSON gives a list of objects or strings; CSV/XLSX give lines of "a | b | c"."""
    if value in (None, ""):
        return []
    if isinstance(value, list):
        items = []
        for item in value:
            if isinstance(item, dict):
                items.append([item.get(k, "") for k in keys])
            else:
                items.append([p.strip() for p in str(item).split("|")])
        return items
    return [[p.strip() for p in line.split("|")] for line in str(value).splitlines() if line.strip()]


def _codes(value):
    if isinstance(value, list):
        return [nfc(str(v)).strip() for v in value if str(v).strip()]
    return [c.strip() for c in nfc(str(value or "")).replace("\n", ";").split(";") if c.strip()]


def validate_row(number, raw, ctx):
    """(ParsedRow, [RowError]) for one row; every problem is reported, not only the first."""
    errors = []
    raw = {str(k).strip().lower(): v for k, v in raw.items()}

    def err(column, message):
        errors.append(RowError(number, column, str(message)))

    def get(column, convert=None, required=False, default=None):
        value = raw.get(column)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                err(column, _("Bắt buộc nhập."))
            return default
        if convert is None:
            return value
        try:
            return convert(value)
        except ValueError as exc:
            err(column, exc)
            return default

    code_value = raw.get("ma_thu_tuc")
    if isinstance(code_value, float):
        # Excel turns 1.001190 into the number 1.00119: restore the six digits.
        code_value = f"{code_value:.6f}"
    code = _text(code_value)
    row = ParsedRow(row=number, code=code)
    if not code:
        err("ma_thu_tuc", _("Bắt buộc nhập."))
    elif not NATIONAL_CODE_RE.match(code):
        err("ma_thu_tuc", _("Mã thủ tục phải có dạng như 1.001193."))
    elif code in ctx.existing and code not in ctx.managed:
        err("ma_thu_tuc", _("Bạn không có quyền sửa thủ tục này."))
    name = get("ten_thu_tuc", lambda v: _text(v, 500), required=True, default="")
    field_code = get("ma_linh_vuc", lambda v: _text(v, 40), required=True, default="")
    if field_code and field_code not in ctx.fields and not FIELD_CODE_RE.match(field_code):
        err("ma_linh_vuc", _("Mã lĩnh vực chỉ gồm chữ thường không dấu, số và dấu gạch ngang (ví dụ: ho-tich)."))
    elif field_code and field_code not in ctx.fields:
        field_name = get("ten_linh_vuc", lambda v: _text(v, 200), default="")
        if field_name:
            ctx.new_fields.setdefault(field_code, field_name)
        else:
            err("ma_linh_vuc", _("Lĩnh vực “%(code)s” chưa có; nhập thêm cột ten_linh_vuc để tạo mới.")
                % {"code": field_code})
    level_code = get("cap_thuc_hien", lambda v: _text(v), required=True, default="")
    if level_code and level_code not in ctx.levels:
        err("cap_thuc_hien", _("Không có cấp “%(code)s”. Các cấp: %(levels)s.")
            % {"code": level_code, "levels": ", ".join(ctx.levels)})

    def units(column, required):
        codes = get(column, _codes, required=required, default=[])
        unknown = [c for c in codes if c not in ctx.units]
        if unknown:
            err(column, _("Không có đơn vị mã: %(codes)s.") % {"codes": ", ".join(unknown)})
        return sorted(c for c in codes if c in ctx.units)

    receiving = units("noi_tiep_nhan", True)
    implementing = units("co_quan_thuc_hien", False)
    online = get("muc_do", lambda v: _int(v, minimum=1, maximum=4), required=True, default=OnlineLevel.LEVEL_2)
    time_unit = get("don_vi_thoi_gian", lambda v: _text(v), required=True, default="")
    if time_unit and time_unit not in TimeUnit.values:
        err("don_vi_thoi_gian", _("Phải là một trong: %(values)s.") % {"values": ", ".join(TimeUnit.values)})
    total = get("thoi_han", _decimal, required=True, default=Decimal("0"))
    effective_from = get("hieu_luc_tu", _date, required=True)
    clock = get("tinh_thoi_gian_bo_sung", lambda v: _text(v), default="pause")
    if clock not in ProcedureVersion.ClockRule.values:
        err("tinh_thoi_gian_bo_sung", _("Phải là pause hoặc restart."))
    fee_payment = get("nop_phi", lambda v: _text(v), default="before")
    if fee_payment not in ProcedureVersion.FeePayment.values:
        err("nop_phi", _("Phải là before hoặc after."))
    documents = get("can_cu_phap_ly", _codes, required=True, default=[])
    unknown = [d for d in documents if d not in ctx.documents]
    if unknown:
        err("can_cu_phap_ly", _("Chưa có văn bản số: %(numbers)s (thêm văn bản vào danh mục trước).")
            % {"numbers": ", ".join(unknown)})

    # Components: name | originals | certified copies | photocopies | required (1/0)
    for i, parts in enumerate(_items(raw.get("thanh_phan"), ["ten", "ban_chinh", "ban_sao", "ban_photo",
                                                             "bat_buoc"]), start=1):
        parts += [""] * (5 - len(parts))
        try:
            component = {
                "order": i, "name": _text(parts[0], 500), "originals": _int(parts[1] or 0, maximum=99),
                "certified_copies": _int(parts[2] or 0, maximum=99), "photocopies": _int(parts[3] or 0, maximum=99),
                "is_required": _bool(parts[4] if parts[4] != "" else "1"),
            }
            if not component["name"]:
                raise ValueError(_("Thiếu tên giấy tờ."))
            row.components.append(component)
        except ValueError as exc:
            err("thanh_phan", _("Dòng %(line)s: %(problem)s") % {"line": i, "problem": exc})
    if "thanh_phan" in raw and not row.components and not any(e.column == "thanh_phan" for e in errors):
        err("thanh_phan", _("Thủ tục phải có ít nhất một thành phần hồ sơ."))

    # Route: handler | action | budget. Handler: counter, counter:<level>, level:<code>, unit:<code>
    for i, parts in enumerate(_items(raw.get("quy_trinh"), ["noi_xu_ly", "cong_viec", "thoi_gian"]), start=1):
        parts += [""] * (3 - len(parts))
        try:
            step = {"order": i, "action": _text(parts[1], 500), "budget": _decimal(parts[2] or "x"),
                    "is_counter": False, "handler_level": None, "handler_unit": None}
            kind, _sep, ref = parts[0].partition(":")
            kind = kind.strip().lower()
            ref = ref.strip()
            if kind == "counter":
                step["is_counter"] = True
                if ref:
                    step["handler_level"] = _lookup(ctx.levels, ref, _("cấp"))
            elif kind == "level":
                step["handler_level"] = _lookup(ctx.levels, ref, _("cấp"))
            elif kind == "unit":
                step["handler_unit"] = _lookup(ctx.units, ref, _("đơn vị"))
            else:
                raise ValueError(_("Nơi xử lý phải là counter, counter:<cấp>, level:<cấp> hoặc unit:<mã đơn vị>."))
            if not step["action"]:
                raise ValueError(_("Thiếu nội dung công việc."))
            row.steps.append(step)
        except ValueError as exc:
            err("quy_trinh", _("Bước %(line)s: %(problem)s") % {"line": i, "problem": exc})
    if row.steps and not any(e.column in {"quy_trinh", "thoi_han"} for e in errors):
        route_total = sum((s["budget"] for s in row.steps), Decimal("0"))
        if route_total != total:
            err("quy_trinh", _("Tổng thời gian các bước (%(sum)s) khác thời hạn giải quyết (%(total)s).")
                % {"sum": _plain(route_total), "total": _plain(total)})

    for i, parts in enumerate(_items(raw.get("phi_le_phi"), ["ten", "so_tien", "mien_giam"]), start=1):
        parts += [""] * (3 - len(parts))
        try:
            if not parts[0]:
                raise ValueError(_("Thiếu tên phí, lệ phí."))
            row.fees.append({"order": i, "name": _text(parts[0], 300), "amount": _int(parts[1] or 0),
                             "exemptions": _text(parts[2])})
        except ValueError as exc:
            err("phi_le_phi", _("Dòng %(line)s: %(problem)s") % {"line": i, "problem": exc})

    channels = set()
    for i, parts in enumerate(_items(raw.get("cach_thuc"), ["kenh", "thoi_han", "phi", "ghi_chu"]), start=1):
        parts += [""] * (4 - len(parts))
        try:
            channel = parts[0].strip().lower()
            if channel not in ProcedureMethod.Channel.values:
                raise ValueError(_("Cách thức phải là counter, online hoặc postal."))
            if channel in channels:
                raise ValueError(_("Cách thức “%(channel)s” bị lặp.") % {"channel": channel})
            channels.add(channel)
            row.methods.append({"channel": channel, "processing_time": _decimal(parts[1] or total or 0),
                                "fee_amount": _int(parts[2] or 0), "fee_note": _text(parts[3], 500)})
        except ValueError as exc:
            err("cach_thuc", _("Dòng %(line)s: %(problem)s") % {"line": i, "problem": exc})

    try:
        row.version = {
            "name": name,
            "authority_level": ctx.levels.get(level_code),
            "online_level": online,
            "time_unit": time_unit,
            "processing_time": total,
            "processing_time_note": get("ghi_chu_thoi_han", lambda v: _text(v, 300), default=""),
            "effective_from": effective_from,
            "decision_number": get("quyet_dinh_cong_bo", lambda v: _text(v, 120), default=""),
            "subjects": get("doi_tuong", lambda v: _text(v), default=""),
            "result": get("ket_qua", lambda v: _text(v), default=""),
            "requirements": get("yeu_cau", lambda v: _text(v), default=""),
            "supplement_clock_rule": clock,
            "fee_payment": fee_payment,
            "settled_on_spot": get("giai_quyet_ngay", _bool, default=False),
        }
    except ValueError as exc:  # pragma: no cover - converters above report their own errors
        err("", exc)
    row.procedure = {"field_code": field_code, "name": name}
    row.m2m = {"receiving_units": receiving, "implementing_units": implementing, "legal_documents": sorted(documents)}
    row.fingerprint = _fingerprint(row)
    return row, errors


def _lookup(mapping, key, what):
    if key not in mapping:
        raise ValueError(_("Không có %(what)s “%(key)s”.") % {"what": what, "key": key})
    return mapping[key]


def _plain(value):
    return f"{Decimal(value).normalize():f}".replace(".", ",")


def _fingerprint(row):
    """A canonical text of what a row says, to tell an unchanged procedure from an update."""
    version = {k: (v.code if isinstance(v, UnitLevel) else str(v)) for k, v in row.version.items()}
    steps = [{k: (v.code if hasattr(v, "code") else str(v)) for k, v in s.items()} for s in row.steps]
    return json.dumps(
        [row.code, row.procedure.get("field_code"), version, row.m2m, steps, row.components, row.fees, row.methods],
        sort_keys=True, default=str, ensure_ascii=False,
    )


def validate_file(*, job, user, on_progress=None):
    """Parse and validate the job's file: (rows, errors). Marks each row create/update/unchanged."""
    with job.file.open("rb") as handle:
        content = handle.read()
    raw_rows = read_rows(content, job.format)
    if len(raw_rows) > MAX_ROWS:
        raise FileError(_("Tệp có quá %(max)s thủ tục; hãy chia nhỏ tệp.") % {"max": MAX_ROWS})
    ctx = Context(user)
    existing = _existing_fingerprints([code for _n, raw in raw_rows
                                       if (code := str(raw.get("ma_thu_tuc") or "").strip()) in ctx.existing])
    rows, errors, seen = [], [], {}
    for index, (number, raw) in enumerate(raw_rows, start=1):
        row, row_errors = validate_row(number, raw, ctx)
        if row.code in seen:
            row_errors.append(RowError(number, "ma_thu_tuc", _("Mã thủ tục trùng với dòng %(row)s.")
                                       % {"row": seen[row.code]}))
        seen.setdefault(row.code, number)
        if row.code in ctx.existing and not row_errors:
            latest_fp, latest_from = existing.get(row.code, ("", None))
            if latest_fp == row.fingerprint:
                row.action = "unchanged"
            else:
                row.action = "update"
                if latest_from and row.version["effective_from"] <= latest_from:
                    row_errors.append(RowError(number, "hieu_luc_tu", _(
                        "Ngày hiệu lực phải sau ngày hiệu lực của phiên bản hiện hành (%(date)s).")
                        % {"date": latest_from.strftime("%d/%m/%Y")}))
        else:
            row.action = "create"
        rows.append(row)
        errors.extend(row_errors)
        if on_progress and (index % PROGRESS_EVERY == 0 or index == len(raw_rows)):
            on_progress(index, len(raw_rows))
    return rows, errors, ctx


def _existing_fingerprints(codes):
    """{code: (fingerprint of the latest published version, its effective_from)}."""
    result = {}
    if not codes:
        return result
    latest = {}
    for version in (
        ProcedureVersion.objects.filter(procedure__national_code__in=codes)
        .exclude(status=ProcedureVersion.Status.DRAFT)
        .select_related("procedure", "procedure__field", "authority_level")
        .prefetch_related(*_row_prefetches())
        .order_by("procedure_id", "-number")
    ):
        latest.setdefault(version.procedure.national_code, version)
    ctx = _ExportContext()
    for code, version in latest.items():
        row, _errors = validate_row(0, version_to_row(version, fmt="json"), ctx)
        result[code] = (row.fingerprint, version.effective_from)
    return result


class _ExportContext(Context):
    """A validation context for re-reading our own export: every reference exists."""

    def __init__(self):
        self.fields = {f.code: f for f in Field.objects.all()}
        self.levels = {lv.code: lv for lv in UnitLevel.objects.all()}
        self.units = {u.code: u for u in Unit.objects.all().only("pk", "code", "name")}
        self.documents = {d.number: d for d in LegalDocument.objects.all()}
        self.managed = set()
        self.existing = {}
        self.new_fields = {}


# --- applying ----------------------------------------------------------------------------------


def apply_rows(*, rows, ctx, user, on_progress=None):
    """Write every create/update row in the caller's transaction. Returns the counts."""
    today = timezone.localdate()
    for code, name in ctx.new_fields.items():
        ctx.fields[code], _created = Field.objects.get_or_create(code=code, defaults={"name": name})
    managing_unit = _default_managing_unit(user)
    todo = [r for r in rows if r.action in {"create", "update"}]
    counts = {"create": 0, "update": 0, "unchanged": sum(1 for r in rows if r.action == "unchanged")}
    for start in range(0, len(todo), PROGRESS_EVERY):
        chunk = todo[start:start + PROGRESS_EVERY]
        _apply_chunk(chunk, ctx, user, managing_unit, today)
        for row in chunk:
            counts[row.action] += 1
        if on_progress:
            on_progress(start + len(chunk), len(todo))
    return counts


def _default_managing_unit(user):
    if user.is_superuser:
        return None
    editor_units = [m.unit for m in memberships_of(user) if m.role == Role.EDITOR]
    if any(u.parent_id is None for u in editor_units):
        return None
    return editor_units[0] if editor_units else None


def _apply_chunk(rows, ctx, user, managing_unit, today):
    new = [
        Procedure(national_code=r.code, field=ctx.fields[r.procedure["field_code"]], name=r.version["name"],
                  search_text=search_key(f"{r.version['name']} {r.code}"), managing_unit=managing_unit)
        for r in rows if r.action == "create"
    ]
    Procedure.objects.bulk_create(new)
    procedures = {p.national_code: p for p in Procedure.objects.filter(national_code__in=[r.code for r in rows])}
    numbers = dict(
        ProcedureVersion.objects.filter(procedure__in=procedures.values())
        .values("procedure_id").annotate(n=Max("number")).values_list("procedure_id", "n")
    )
    # Versions being superseded end the day before the new one starts (and are retired if
    # that day has passed); dossiers keep pointing at them.
    superseded = []
    for row in rows:
        if row.action != "update":
            continue
        for old in ProcedureVersion.objects.filter(procedure=procedures[row.code], status="published"):
            end = max(row.version["effective_from"] - datetime.timedelta(days=1), old.effective_from)
            if old.effective_to is None or old.effective_to > end:
                old.effective_to = end
            if old.effective_to < today:
                old.status = ProcedureVersion.Status.RETIRED
            superseded.append(old)
    if superseded:
        bulk_update_with_history(superseded, ProcedureVersion, ["effective_to", "status"], default_user=user)
    now = timezone.now()
    versions = []
    for row in rows:
        procedure = procedures[row.code]
        versions.append(ProcedureVersion(
            procedure=procedure, number=numbers.get(procedure.pk, 0) + 1, status=ProcedureVersion.Status.PUBLISHED,
            created_by=user, published_by=user, published_at=now,
            change_note=_("Nhập từ tệp"), **row.version,
        ))
    versions = bulk_create_with_history(versions, ProcedureVersion, default_user=user)
    if any(v.pk is None for v in versions):  # backends that return no ids
        lookup = {
            (v.procedure_id, v.number): v.pk
            for v in ProcedureVersion.objects.filter(procedure__in=procedures.values())
        }
        for v in versions:
            v.pk = v.id = lookup[(v.procedure_id, v.number)]
    through = {name: getattr(ProcedureVersion, name).through for name in
               ("receiving_units", "implementing_units", "legal_documents")}
    links = {name: [] for name in through}
    # Form templates are files, not part of the format: an update keeps those of the
    # components it still lists (matched by name).
    templates = {}
    for component in ComponentRequirement.objects.filter(
        version__procedure__in=[procedures[r.code] for r in rows if r.action == "update"],
        version__status__in=["published", "retired"],
    ).exclude(form_template="").order_by("version__number"):
        templates[(component.version.procedure_id, component.name)] = component.form_template.name
    steps, components, fees, methods = [], [], [], []
    for row, version in zip(rows, versions, strict=True):
        for code in row.m2m["receiving_units"]:
            links["receiving_units"].append(through["receiving_units"](procedureversion=version,
                                                                       unit=ctx.units[code]))
        for code in row.m2m["implementing_units"]:
            links["implementing_units"].append(through["implementing_units"](procedureversion=version,
                                                                             unit=ctx.units[code]))
        for number in row.m2m["legal_documents"]:
            links["legal_documents"].append(through["legal_documents"](procedureversion=version,
                                                                       legaldocument=ctx.documents[number]))
        steps += [RouteStep(version=version, **s) for s in row.steps]
        components += [
            ComponentRequirement(version=version, form_template=templates.get((version.procedure_id, c["name"]), ""),
                                 **c)
            for c in row.components
        ]
        fees += [Fee(version=version, **f) for f in row.fees]
        methods += [ProcedureMethod(version=version, **m) for m in row.methods]
    for name, objs in links.items():
        through[name].objects.bulk_create(objs)
    for model, objs in ((RouteStep, steps), (ComponentRequirement, components), (Fee, fees),
                        (ProcedureMethod, methods)):
        if objs:
            bulk_create_with_history(objs, model, default_user=user)
    # The listing name follows the version in force.
    renamed = []
    for row in rows:
        procedure = procedures[row.code]
        if row.version["effective_from"] <= today and procedure.name != row.version["name"]:
            procedure.name = row.version["name"]
            procedure.search_text = search_key(f"{procedure.name} {procedure.national_code}")
            renamed.append(procedure)
    if renamed:
        Procedure.objects.bulk_update(renamed, ["name", "search_text"])
    catalogue_changed()  # bulk writes send no signals


# --- jobs ----------------------------------------------------------------------------------------


def progress_key(job_id):
    return f"procedures:import:{job_id}:progress"


@transaction.atomic
def import_job_create(*, user, upload):
    """Store the uploaded file and queue its validation (after commit)."""
    from .tasks import validate_import

    job = ImportJob(original_name=upload.name[:255], format=upload.import_format, created_by=user)
    job.file.save(upload.name, upload, save=False)
    job.save()
    transaction.on_commit(lambda: validate_import.delay(job.pk))
    return job


@transaction.atomic
def import_job_confirm(*, job, user):
    """The editor confirmed the preview: queue the import (claimed so it runs once)."""
    from .tasks import apply_import

    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.PREVIEW).update(
        status=ImportJob.Status.IMPORTING, processed_rows=0
    )
    if not claimed:
        raise ValidationError(_("Lượt nhập này không ở trạng thái chờ xác nhận."))
    transaction.on_commit(lambda: apply_import.delay(job.pk, user.pk))


def run_validation(job_id):
    """Phase 1 (task body). Safe to re-run: only a pending job is claimed."""
    if not ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.PENDING).update(
        status=ImportJob.Status.VALIDATING
    ):
        return
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)

    def progress(done, total):
        ImportJob.objects.filter(pk=job_id).update(processed_rows=done, total_rows=total)

    try:
        rows, errors, _ctx = validate_file(job=job, user=job.created_by, on_progress=progress)
    except FileError as exc:
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportJob.Status.INVALID, errors=[RowError(0, "", str(exc)).as_dict()],
            finished_at=timezone.now(),
        )
        return
    summary = {
        "create": sum(1 for r in rows if r.action == "create"),
        "update": sum(1 for r in rows if r.action == "update"),
        "unchanged": sum(1 for r in rows if r.action == "unchanged"),
        "rows": [{"row": r.row, "code": r.code, "name": r.version.get("name", ""), "action": r.action}
                 for r in rows[:500]],
    }
    ImportJob.objects.filter(pk=job_id).update(
        status=ImportJob.Status.INVALID if errors else ImportJob.Status.PREVIEW,
        errors=[e.as_dict() for e in errors[:2000]],
        summary=summary,
        total_rows=len(rows),
        processed_rows=len(rows),
        finished_at=timezone.now() if errors else None,
    )


def run_import(job_id, user_id):
    """Phase 2 (task body): re-validate (the catalogue may have changed since the preview)
    and apply in one transaction. Safe to re-run: only an `importing` job without a finish
    time is processed, and the whole write is atomic."""
    from portal.models import User

    job = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.IMPORTING, finished_at=None).first()
    if job is None:
        return
    user = User.objects.get(pk=user_id)

    def progress(done, total):
        # Inside the transaction the job row's changes are invisible to the polling page:
        # report through the cache instead.
        cache.set(progress_key(job_id), (done, total), 3600)

    try:
        rows, errors, ctx = validate_file(job=job, user=user)
        if errors:
            ImportJob.objects.filter(pk=job_id).update(
                status=ImportJob.Status.INVALID, errors=[e.as_dict() for e in errors[:2000]],
                finished_at=timezone.now(),
            )
            return
        with transaction.atomic():
            counts = apply_rows(rows=rows, ctx=ctx, user=user, on_progress=progress)
            ImportJob.objects.filter(pk=job_id).update(
                status=ImportJob.Status.DONE, summary={**job.summary, **counts},
                processed_rows=len(rows), total_rows=len(rows), finished_at=timezone.now(),
            )
    except FileError as exc:
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportJob.Status.FAILED, message=str(exc), finished_at=timezone.now()
        )
    except Exception as exc:  # noqa: BLE001 — the job must end visibly failed, never stay "importing"
        logger.exception("Import job %s failed", job_id)
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportJob.Status.FAILED,
            message=_("Lỗi khi ghi dữ liệu, không có thủ tục nào được nhập: %(error)s") % {"error": exc},
            finished_at=timezone.now(),
        )
    finally:
        cache.delete(progress_key(job_id))


def job_progress(job):
    """(done, total) for the progress bar, from the cache while importing."""
    if job.status == ImportJob.Status.IMPORTING:
        cached = cache.get(progress_key(job.pk))
        if cached:
            return cached
        return 0, max(job.total_rows, 1)
    return job.processed_rows, job.total_rows


# --- export --------------------------------------------------------------------------------------


def _row_prefetches():
    return [
        "receiving_units", "implementing_units", "legal_documents", "fees", "methods",
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
         "bat_buoc": 1 if c.is_required else 0} for c in version.components.all()
    ]
    steps = [{"noi_xu_ly": handler(s), "cong_viec": s.action, "thoi_gian": _plain(s.budget)}
             for s in version.steps.all()]
    fees = [{"ten": f.name, "so_tien": f.amount, "mien_giam": f.exemptions}
            for f in sorted(version.fees.all(), key=lambda f: (f.order, f.pk))]
    methods = [{"kenh": m.channel, "thoi_han": _plain(m.processing_time), "phi": m.fee_amount,
                "ghi_chu": m.fee_note} for m in sorted(version.methods.all(), key=lambda m: m.channel)]
    row = {
        "ma_thu_tuc": version.procedure.national_code,
        "ten_thu_tuc": version.name,
        "ma_linh_vuc": version.procedure.field.code,
        "ten_linh_vuc": version.procedure.field.name,
        "cap_thuc_hien": version.authority_level.code if version.authority_level_id else "",
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
        "can_cu_phap_ly": sorted(d.number for d in version.legal_documents.all()),
        "thanh_phan": components,
        "quy_trinh": steps,
        "phi_le_phi": fees,
        "cach_thuc": methods,
    }
    if fmt == "json":
        return row
    flat = dict(row)
    for key in ("noi_tiep_nhan", "co_quan_thuc_hien", "can_cu_phap_ly"):
        flat[key] = "; ".join(row[key])
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
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("thu_tuc")
        sheet.append(COLUMNS)
        for row in rows:
            sheet.append([row[c] for c in COLUMNS])
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([row[c] for c in COLUMNS])
    # A BOM so that Excel opens the UTF-8 file with its Vietnamese letters intact.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8"), "text/csv; charset=utf-8"
