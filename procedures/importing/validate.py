"""Checking parsed rows against the catalogue: one ParsedRow and its RowErrors per row, and
whether each row creates, updates or leaves a procedure unchanged. Nothing is written."""

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from portal.models import Unit, UnitLevel
from procedures.importing import eforms, national
from procedures.importing.documents import parse_references
from procedures.importing.export import _row_prefetches, version_to_row
from procedures.importing.parse import read_rows
from procedures.importing.schema import (
    PROGRESS_EVERY,
    FileError,
    ParsedRow,
    RowError,
    _plain,
    fee_cell,
    join_continuations,
    limit_of,
)
from procedures.models import (
    ComponentRequirement,
    Fee,
    Field,
    LegalDocument,
    OnlineLevel,
    Procedure,
    ProcedureMethod,
    ProcedureVersion,
    RouteStep,
    TimeUnit,
)
from procedures.selectors import procedures_managed_by
from procedures.text import NATIONAL_CODE_RE, fee_is_optional, nfc, search_key

FIELD_CODE_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
MAX_ROWS = 10000


class Context:
    """Everything rows are checked against, loaded once."""

    def __init__(self, user):
        self.user = user
        self.fields = {f.code: f for f in Field.objects.all()}
        self.levels = {lv.code: lv for lv in UnitLevel.objects.all()}
        self.level_lookup = _level_lookup(self.levels)
        self.units = {u.code: u for u in Unit.objects.all().only("pk", "code", "name")}
        self.documents = {d.number: d for d in LegalDocument.objects.all()}
        self.notices = []
        self.managed = set(procedures_managed_by(user).values_list("national_code", flat=True))
        self.existing = {p.national_code: p for p in Procedure.objects.all().only("pk", "national_code", "name")}
        self.new_fields = {}
        self.new_documents = {}
        self.missing_documents = set()
        self.unknown_units = set()


def _text(value):
    return "" if value is None else nfc(str(value)).strip()


def _limited(model, field_name):
    """A converter to the text of a model field, whose message names the field, its limit and
    the length found (the national database has texts longer than a form would allow)."""
    limit, label = limit_of(model, field_name)

    def convert(value):
        text = _text(value)
        if len(text) > limit:
            raise ValueError(_("“%(field)s” dài %(length)s ký tự, quá giới hạn %(limit)s ký tự.")
                             % {"field": label, "length": len(text), "limit": limit})
        return text
    return convert


# The first figure of a processing time as the national database writes it:
# "15 ngày làm việc; trường hợp phức tạp không quá 20 ngày" → 15.
_FIRST_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_UNIT_WORDS = [("ngày làm việc", TimeUnit.WORKING_DAYS), ("giờ", TimeUnit.HOURS), ("ngày", TimeUnit.CALENDAR_DAYS)]


def _time(value):
    """(Decimal, note, time unit or ""): a number as is; a text keeps its whole wording as the
    note and takes its first figure (and the unit it names, if any)."""
    if isinstance(value, int | float | Decimal):
        return _decimal(value), "", ""
    text = nfc(str(value)).strip()
    try:
        return _decimal(text), "", ""
    except ValueError:
        pass
    match = _FIRST_NUMBER.search(text)
    if not match:
        raise ValueError(_("Không tìm thấy số ngày hoặc giờ trong “%(value)s”.") % {"value": text})
    lowered = text.lower()
    unit = next((u for words, u in _UNIT_WORDS if words in lowered), "")
    return _decimal(match.group()), text, unit


# An amount in đồng as written in a cell: "8000", "8.000", "8.000 đồng", "8,000 VNĐ".
_DONG = re.compile(r"^\d[\d.,\s]*\s*(đ|đồng|vnđ|vnd)?\.?$", re.IGNORECASE)
# …or at the start of a longer wording: "50.000 đồng/lần", "100.000 đồng/hồ sơ (bản giấy)".
_DONG_FIRST = re.compile(r"^(\d[\d.,]*)\s*(đồng|vnđ|vnd|đ)(?![\w])", re.IGNORECASE)


def _money(value, model, text_field):
    """(amount in đồng, text as published). A bare amount in đồng is a number and no text;
    a wording ("25 USD", "Theo quy định", "50.000 đồng/lần") is kept as written, with the
    amount in đồng it starts with, if any, else 0."""
    if isinstance(value, int | float | Decimal):
        return _int(int(value)), ""
    text = nfc(str(value or "")).strip()
    if not text:
        return 0, ""
    if _DONG.match(text):
        return _int(re.sub(r"\D", "", text)), ""
    first = _DONG_FIRST.match(text)
    amount = _int(re.sub(r"\D", "", first.group(1))) if first else 0
    return amount, _limited(model, text_field)(text)


def _level_lookup(levels):
    """{code or normalised name: level}: a level is named by its code or as published
    ("Cấp Xã", "cấp huyện", "Cấp tỉnh")."""
    lookup = {}
    for level in levels.values():
        lookup[search_key(level.name)] = level
        lookup[level.code] = level
    return lookup


def _level_list(value, lookup):
    """(levels in the order given, unknown names). Separated by `;`, `,` or line breaks."""
    if isinstance(value, list):
        names = [str(v) for v in value]
    else:
        names = re.split(r"[;,\n]", nfc(str(value or "")))
    found, unknown = [], []
    for name in (n.strip() for n in names):
        if not name:
            continue
        level = lookup.get(name) or lookup.get(search_key(name))
        if level is None:
            unknown.append(name)
        elif level not in found:
            found.append(level)
    return found, unknown


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
    name = get("ten_thu_tuc", _limited(ProcedureVersion, "name"), required=True, default="")
    field_code = get("ma_linh_vuc", _limited(Field, "code"), required=True, default="")
    if field_code and field_code not in ctx.fields and not FIELD_CODE_RE.match(field_code):
        err("ma_linh_vuc", _("Mã lĩnh vực chỉ gồm chữ thường không dấu, số và dấu gạch ngang (ví dụ: ho-tich)."))
    elif field_code and field_code not in ctx.fields:
        field_name = get("ten_linh_vuc", _limited(Field, "name"), default="")
        if field_name:
            ctx.new_fields.setdefault(field_code, field_name)
        else:
            err("ma_linh_vuc", _("Lĩnh vực “%(code)s” chưa có; nhập thêm cột ten_linh_vuc để tạo mới.")
                % {"code": field_code})
    # Several levels ("Cấp Tỉnh; Cấp Huyện; Cấp Xã"): the first is the level of the procedure,
    # the others are kept as other_levels.
    levels, unknown_levels = get("cap_thuc_hien", lambda v: _level_list(v, ctx.level_lookup), required=True,
                                 default=([], []))
    if unknown_levels:
        err("cap_thuc_hien", _("Không có cấp “%(code)s”. Các cấp: %(levels)s.")
            % {"code": "; ".join(unknown_levels),
               "levels": ", ".join(f"{lv.code} ({lv.name})" for lv in ctx.levels.values())})
    elif not levels and not any(e.column == "cap_thuc_hien" for e in errors):
        err("cap_thuc_hien", _("Bắt buộc nhập."))

    def units(column, required):
        codes = get(column, _codes, required=required, default=[])
        if required and not codes and not any(e.column == column for e in errors):  # [] or " ; "
            err(column, _("Bắt buộc nhập."))
        unknown = [c for c in codes if c not in ctx.units]
        if unknown:
            ctx.unknown_units.update(unknown)
            err(column, _("Không có đơn vị mã: %(codes)s.") % {"codes": ", ".join(unknown)})
        return sorted(c for c in codes if c in ctx.units)

    receiving = units("noi_tiep_nhan", True)
    implementing = units("co_quan_thuc_hien", False)
    online = get("muc_do", lambda v: _int(v, minimum=1, maximum=4), required=True, default=OnlineLevel.LEVEL_2)
    total, time_note, named_unit = get("thoi_han", _time, required=True, default=(Decimal("0"), "", ""))
    time_unit = get("don_vi_thoi_gian", lambda v: _text(v), required=not named_unit, default=named_unit)
    if time_unit and time_unit not in TimeUnit.values:
        err("don_vi_thoi_gian", _("Phải là một trong: %(values)s.") % {"values": ", ".join(TimeUnit.values)})
    note = get("ghi_chu_thoi_han", _limited(ProcedureVersion, "processing_time_note"), default="")
    if time_note and time_note not in note:
        note = f"{time_note}; {note}" if note else time_note
        if len(note) > limit_of(ProcedureVersion, "processing_time_note")[0]:
            err("ghi_chu_thoi_han", _("“%(field)s” dài %(length)s ký tự, quá giới hạn %(limit)s ký tự.") % {
                "field": limit_of(ProcedureVersion, "processing_time_note")[1], "length": len(note),
                "limit": limit_of(ProcedureVersion, "processing_time_note")[0]})
    effective_from = get("hieu_luc_tu", _date, required=True)
    clock = get("tinh_thoi_gian_bo_sung", lambda v: _text(v), default="pause")
    if clock not in ProcedureVersion.ClockRule.values:
        err("tinh_thoi_gian_bo_sung", _("Phải là pause hoặc restart."))
    fee_payment = get("nop_phi", lambda v: _text(v), default="before")
    if fee_payment not in ProcedureVersion.FeePayment.values:
        err("nop_phi", _("Phải là before hoặc after."))
    # Legal bases: known numbers, or documents described (number | title | …) to be created.
    documents = []
    try:
        references = parse_references(raw.get("can_cu_phap_ly"))
    except ValueError as exc:
        err("can_cu_phap_ly", exc)
        references = None
    if references == []:
        err("can_cu_phap_ly", _("Bắt buộc nhập."))
    for reference in references or []:
        document_number = reference["number"]
        documents.append(document_number)
        if document_number in ctx.documents:
            continue
        if reference["title"]:
            ctx.new_documents.setdefault(document_number, reference)
        else:
            row.pending_documents.append(document_number)

    # Components: name | originals | certified copies | photocopies | required (1/0) [| shown only (1/0)]
    for i, parts in enumerate(_items(raw.get("thanh_phan"), ["ten", "ban_chinh", "ban_sao", "ban_photo",
                                                             "bat_buoc", "xuat_trinh"]), start=1):
        parts += [""] * (6 - len(parts))
        try:
            component = {
                "order": i, "name": _limited(ComponentRequirement, "name")(parts[0]),
                "originals": _int(parts[1] or 0, maximum=99),
                "certified_copies": _int(parts[2] or 0, maximum=99), "photocopies": _int(parts[3] or 0, maximum=99),
                "is_required": _bool(parts[4] if parts[4] != "" else "1"),
                "presented_only": _bool(parts[5] if parts[5] != "" else "0"),
            }
            if not component["name"]:
                raise ValueError(_("Thiếu tên giấy tờ."))
            row.components.append(component)
        except ValueError as exc:
            err("thanh_phan", _("Dòng %(line)s: %(problem)s") % {"line": i, "problem": exc})
    if not row.components and not any(e.column == "thanh_phan" for e in errors):
        err("thanh_phan", _("Thủ tục phải có ít nhất một thành phần hồ sơ."))
    eforms.read(raw, row, err)  # electronic declarations (JSON only), on their components

    # Route: handler | action | budget. Handler: counter, counter:<level>, level:<code>, unit:<code>
    for i, parts in enumerate(_items(raw.get("quy_trinh"), ["noi_xu_ly", "cong_viec", "thoi_gian"]), start=1):
        parts += [""] * (3 - len(parts))
        try:
            step = {"order": i, "action": _limited(RouteStep, "action")(parts[1]), "budget": _decimal(parts[2] or "x"),
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
    if not row.steps and not any(e.column == "quy_trinh" for e in errors):
        err("quy_trinh", _("Quy trình phải có ít nhất một bước xử lý."))
    if row.steps and not any(e.column in {"quy_trinh", "thoi_han"} for e in errors):
        route_total = sum((s["budget"] for s in row.steps), Decimal("0"))
        if route_total != total:
            err("quy_trinh", _("Tổng thời gian các bước (%(sum)s) khác thời hạn giải quyết (%(total)s).")
                % {"sum": _plain(route_total), "total": _plain(total)})

    # Fees: name | amount | exemptions [| optional, charged only when asked for (1/0)]
    for i, parts in enumerate(_items(raw.get("phi_le_phi"), ["ten", "so_tien", "mien_giam", "tuy_chon"]), start=1):
        parts += [""] * (4 - len(parts))
        try:
            if not parts[0]:
                raise ValueError(_("Thiếu tên phí, lệ phí."))
            amount, amount_text = _money(parts[1], Fee, "amount_text")
            fee_name = _limited(Fee, "name")(parts[0])
            row.fees.append({"order": i, "name": fee_name, "amount": amount, "amount_text": amount_text,
                             "exemptions": _text(parts[2]),
                             "is_optional": _bool(parts[3]) if parts[3] != "" else fee_is_optional(fee_name)})
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
            fee_amount, fee_text = _money(parts[2], ProcedureMethod, "fee_text")
            row.methods.append({"channel": channel, "processing_time": _time(parts[1] or total or 0)[0],
                                "fee_amount": fee_amount, "fee_text": fee_text,
                                "fee_note": _limited(ProcedureMethod, "fee_note")(parts[3])})
        except ValueError as exc:
            err("cach_thuc", _("Dòng %(line)s: %(problem)s") % {"line": i, "problem": exc})

    try:
        row.version = {
            "name": name,
            "authority_level": levels[0] if levels else None,
            "online_level": online,
            "time_unit": time_unit,
            "processing_time": total,
            "processing_time_note": note,
            "effective_from": effective_from,
            "decision_number": get("quyet_dinh_cong_bo", _limited(ProcedureVersion, "decision_number"), default=""),
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
    row.m2m = {"receiving_units": receiving, "implementing_units": implementing,
               "legal_documents": sorted(set(documents)), "other_levels": levels[1:]}
    row.comparable = _comparable(row)
    return row, errors


def _lookup(mapping, key, what):
    if key not in mapping:
        raise ValueError(_("Không có %(what)s “%(key)s”.") % {"what": what, "key": key})
    return mapping[key]


# What an update compares, column by column. hieu_luc_tu is left out: a new date alone
# publishes nothing new. Lists whose order carries no meaning are compared as sorted lists;
# the route is ordered.
COMPARED = [
    "ten_thu_tuc", "ma_linh_vuc", "cap_thuc_hien", "noi_tiep_nhan", "co_quan_thuc_hien", "muc_do",
    "don_vi_thoi_gian", "thoi_han", "ghi_chu_thoi_han", "quyet_dinh_cong_bo", "doi_tuong", "ket_qua",
    "yeu_cau", "tinh_thoi_gian_bo_sung", "nop_phi", "giai_quyet_ngay", "can_cu_phap_ly", "thanh_phan",
    "quy_trinh", "phi_le_phi", "cach_thuc",
]


def _handler_text(step):
    if step["is_counter"]:
        return f"counter:{step['handler_level'].code}" if step["handler_level"] else "counter"
    if step["handler_unit"]:
        return f"unit:{step['handler_unit'].code}"
    return f"level:{step['handler_level'].code}" if step["handler_level"] else ""


def _comparable(row):
    """{column: canonical text} of what a row says, to compare it field by field with the
    version in force regardless of the order of unordered lists."""
    v = row.version

    def lines(items):
        return "\n".join(sorted(items))

    level = v.get("authority_level")
    return {
        "ten_thu_tuc": v.get("name", ""),
        "ma_linh_vuc": row.procedure.get("field_code", ""),
        "cap_thuc_hien": "; ".join([level.code] + sorted(lv.code for lv in row.m2m.get("other_levels", [])))
        if level else "",
        "noi_tiep_nhan": "; ".join(sorted(row.m2m.get("receiving_units", []))),
        "co_quan_thuc_hien": "; ".join(sorted(row.m2m.get("implementing_units", []))),
        "muc_do": str(v.get("online_level", "")),
        "don_vi_thoi_gian": v.get("time_unit", ""),
        "thoi_han": _plain(v.get("processing_time") or 0),
        "ghi_chu_thoi_han": v.get("processing_time_note", ""),
        "quyet_dinh_cong_bo": v.get("decision_number", ""),
        "doi_tuong": v.get("subjects", ""),
        "ket_qua": v.get("result", ""),
        "yeu_cau": v.get("requirements", ""),
        "tinh_thoi_gian_bo_sung": v.get("supplement_clock_rule", ""),
        "nop_phi": v.get("fee_payment", ""),
        "giai_quyet_ngay": "1" if v.get("settled_on_spot") else "0",
        "can_cu_phap_ly": "; ".join(sorted(row.m2m.get("legal_documents", []))),
        "thanh_phan": lines(f"{c['name']} | {c['originals']} | {c['certified_copies']} | {c['photocopies']} | "
                            f"{1 if c['is_required'] else 0}{' | 1' if c.get('presented_only') else ''}"
                            for c in row.components),
        "quy_trinh": "\n".join(f"{_handler_text(s)} | {s['action']} | {_plain(s['budget'])}" for s in row.steps),
        "phi_le_phi": lines(f"{f['name']} | {fee_cell(f['amount'], f['amount_text'])} | {f['exemptions']}"
                            f"{' | 1' if f.get('is_optional') else ''}" for f in row.fees),
        "cach_thuc": lines(f"{m['channel']} | {_plain(m['processing_time'])} | "
                           f"{fee_cell(m['fee_amount'], m['fee_text'])} | {m['fee_note']}" for m in row.methods),
    }


def row_changes(old, new):
    """[{column, old, new}] of the compared columns that differ (in COMPARED order)."""
    return [{"column": c, "old": old.get(c, ""), "new": new.get(c, "")} for c in COMPARED
            if old.get(c, "") != new.get(c, "")]


def validate_file(*, job, user, on_progress=None):
    """Parse and validate the job's file: (rows, errors). Marks each row create/update/unchanged."""
    with job.file.open("rb") as handle:
        content = handle.read()
    check = validate_row
    try:
        raw_rows = read_rows(content, job.format)
    except FileError:
        # Not our format: perhaps a list exported by the national procedure database.
        raw_rows = national.read_list(content, job.format)
        if raw_rows is None:
            raise
        check = national.validate_list_row
    if len(raw_rows) > MAX_ROWS:
        raise FileError(_("Tệp có quá %(max)s thủ tục; hãy chia nhỏ tệp.") % {"max": MAX_ROWS})
    ctx = Context(user)
    ctx.notices = join_continuations(raw_rows)
    existing = {} if check is not validate_row else _existing_comparables(
        [code for _n, raw in raw_rows if (code := str(raw.get("ma_thu_tuc") or "").strip()) in ctx.existing])
    rows, errors, seen = [], [], {}
    for index, (number, raw) in enumerate(raw_rows, start=1):
        row, row_errors = check(number, raw, ctx)
        if row.code in seen:
            row_errors.append(RowError(number, "ma_thu_tuc", _("Mã thủ tục trùng với dòng %(row)s.")
                                       % {"row": seen[row.code]}))
        seen.setdefault(row.code, number)
        if row.draft:
            # A national list only starts procedures: those already in the catalogue stay as they are.
            row.action = "unchanged" if row.code in ctx.existing else "create"
        elif row.code in ctx.existing and not row_errors:
            latest, latest_from = existing.get(row.code, ({}, None))
            row.changes = row_changes(latest, row.comparable)
            if not row.changes:
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
    # A number without a title is fine if another row of the file describes that document.
    for row in rows:
        missing = [n for n in row.pending_documents if n not in ctx.new_documents]
        if missing:
            ctx.missing_documents.update(missing)
            errors.append(RowError(row.row, "can_cu_phap_ly", _(
                "Chưa có văn bản số: %(numbers)s. Ghi kèm trích yếu để tạo mới (số | trích yếu).")
                % {"numbers": ", ".join(missing)}))
    errors.sort(key=lambda e: e.row)
    return rows, errors, ctx


def _existing_comparables(codes):
    """{code: (comparable columns of the latest published version, its effective_from)}."""
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
        result[code] = (row.comparable, version.effective_from)
    return result


class _ExportContext(Context):
    """A validation context for re-reading our own export: every reference exists."""

    def __init__(self):
        self.fields = {f.code: f for f in Field.objects.all()}
        self.levels = {lv.code: lv for lv in UnitLevel.objects.all()}
        self.level_lookup = _level_lookup(self.levels)
        self.units = {u.code: u for u in Unit.objects.all().only("pk", "code", "name")}
        self.documents = {d.number: d for d in LegalDocument.objects.all()}
        self.managed = set()
        self.existing = {}
        self.new_fields = {}
        self.new_documents = {}
        self.missing_documents = set()
        self.unknown_units = set()
