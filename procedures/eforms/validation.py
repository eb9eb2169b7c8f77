"""Reading and checking the answers of an electronic declaration.

Answers are stored flat, one value per top-level field key (a group is a list of dicts, an
address a dict {detail, commune, province}), as the citizen or clerk typed them once
normalised, so that nothing typed is ever lost: `parse_section` reads a POSTed section,
`section_errors` and `declaration_errors` say what is wrong, field by field, in words."""

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from portal.validators import normalise_phone, validate_phone

from .reference import ETHNIC_NAMES, ID_PROVINCE_CODES, NATIONALITY_NAMES, PROVINCES

ADDRESS_PARTS = ("detail", "commune", "province")


def text(obj, lang=None):
    """The label of a {vi, en} object in the active language (Vietnamese by default)."""
    if not obj:
        return ""
    lang = (lang or get_language() or "vi")[:2]
    return obj.get(lang) or obj.get("vi", "")


def validate_personal_id_number(value):
    """12 digits whose first three are the code of a province (Circular 07/2016/TT-BCA)."""
    if not re.fullmatch(r"\d{12}", value or ""):
        raise ValidationError(_("Số định danh cá nhân phải gồm đúng 12 chữ số (ví dụ 001090012345)."))
    if value[:3] not in ID_PROVINCE_CODES:
        raise ValidationError(_("Số định danh cá nhân không hợp lệ: 3 chữ số đầu (%(code)s) không phải mã tỉnh, "
                                "thành phố nơi đăng ký khai sinh.") % {"code": value[:3]})


def parse_date(value):
    if isinstance(value, datetime.date):
        return value
    value = (value or "").strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return datetime.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


def is_visible(condition, data):
    if not condition:
        return True
    value = data.get(condition["field"])
    if "equals" in condition:
        return value == condition["equals"]
    if "in" in condition:
        return value in condition["in"]
    filled = value not in (None, "", [], {}, False)
    return filled if condition.get("filled", True) else not filled


def visible_sections(definition, data):
    return [s for s in definition["sections"] if is_visible(s.get("show_if"), data)]


def find_section(definition, key):
    return next((s for s in definition["sections"] if s["key"] == key), None)


def all_fields(definition):
    return {f["key"]: f for s in definition["sections"] for f in s["fields"]}


# --- reading a POSTed section -------------------------------------------------------------------


def _read_scalar(field, post, name):
    if field["type"] == "boolean":
        return post.get(name) in ("1", "on", "true", "yes")
    if field["type"] == "address":
        return {part: (post.get(f"{name}-{part}") or "").strip() for part in ADDRESS_PARTS}
    value = (post.get(name) or "").strip()
    if field["type"] == "personal_id":
        value = "".join(value.split())
    elif field["type"] == "phone":
        value = normalise_phone(value) if value else ""
    elif field["type"] == "email":
        value = value.lower()
    elif field["type"] == "date":
        parsed = parse_date(value)
        value = parsed.isoformat() if parsed else value
    elif field.get("uppercase"):
        value = value.upper()
    return value


def parse_section(section, post, *, prefix="f"):
    """The answers of one section from a POST (a QueryDict or a dict). File fields are handled
    by the caller (uploads) and left out."""
    values = {}
    for field in section["fields"]:
        name = f"{prefix}-{field['key']}"
        if field["type"] == "file":
            continue
        if field["type"] == "group":
            try:
                count = min(int(post.get(f"{name}-count") or 0), field.get("max_items", 100))
            except ValueError:
                count = 0
            rows = []
            for index in range(count):
                if post.get(f"{name}-{index}-delete"):
                    continue
                row = {sub["key"]: _read_scalar(sub, post, f"{name}-{index}-{sub['key']}") for sub in field["fields"]}
                if any(v not in ("", False, None) and v != {p: "" for p in ADDRESS_PARTS} for v in row.values()):
                    rows.append(row)
            values[field["key"]] = rows
        else:
            values[field["key"]] = _read_scalar(field, post, name)
    return values


def parse_section_all(definition, post, *, prefix="f"):
    """The answers of every section of `definition` from one POST (the counter's single page)."""
    values = {}
    for section in definition["sections"]:
        values.update(parse_section(section, post, prefix=prefix))
    return values


# --- checking ---------------------------------------------------------------------------------


def _empty(field, value):
    if field["type"] == "address":
        return not value or not any((value or {}).get(p) for p in ADDRESS_PARTS)
    if field["type"] == "boolean":
        return value is not True
    return value in (None, "", [], {})


def _field_errors(field, value, *, today, units=None):
    """Errors of one non-empty value, as {suffix: [messages]} ("" = the field itself)."""
    kind = field["type"]
    errors = {}

    def add(message, suffix=""):
        errors.setdefault(suffix, []).append(message)

    if kind in ("text", "textarea"):
        if field.get("min_length") and len(value) < field["min_length"]:
            add(_("Cần ít nhất %(n)s ký tự.") % {"n": field["min_length"]})
        if len(value) > field.get("max_length", 500 if kind == "text" else 2000):
            add(_("Không quá %(n)s ký tự.") % {"n": field.get("max_length", 500 if kind == "text" else 2000)})
        if field.get("pattern") and not re.fullmatch(field["pattern"], value):
            add(text(field.get("pattern_message")) or _("Không đúng định dạng."))
    elif kind == "number":
        try:
            number = Decimal(str(value).replace(",", "."))
            if not number.is_finite():
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            add(_("Hãy nhập một số (ví dụ 12 hoặc 12,5)."))
        else:
            if "min" in field and number < Decimal(str(field["min"])):
                add(_("Không nhỏ hơn %(n)s.") % {"n": field["min"]})
            if "max" in field and number > Decimal(str(field["max"])):
                add(_("Không lớn hơn %(n)s.") % {"n": field["max"]})
    elif kind == "date":
        day = parse_date(value)
        if day is None:
            add(_("Ngày không hợp lệ: nhập theo dạng ngày/tháng/năm (ví dụ 25/03/2026)."))
        elif field.get("not_future") and day > today:
            add(_("Ngày này không thể sau hôm nay (%(today)s).") % {"today": today.strftime("%d/%m/%Y")})
        elif field.get("not_past") and day < today:
            add(_("Ngày này không thể trước hôm nay."))
        elif day.year < 1900:
            add(_("Năm phải từ 1900 trở đi."))
    elif kind == "choice":
        if value not in {o["value"] for o in field["options"]}:
            add(_("Hãy chọn một trong các lựa chọn đã cho."))
    elif kind == "personal_id":
        try:
            validate_personal_id_number(value)
        except ValidationError as error:
            add(error.messages[0])
    elif kind == "phone":
        try:
            validate_phone(value)
        except ValidationError as error:
            add(error.messages[0])
    elif kind == "email":
        try:
            validate_email(value)
        except ValidationError:
            add(_("Thư điện tử không hợp lệ (ví dụ ten@example.vn)."))
    elif kind == "ethnicity":
        if value not in ETHNIC_NAMES:
            add(_("Hãy chọn dân tộc trong danh mục."))
    elif kind == "nationality":
        if value not in NATIONALITY_NAMES:
            add(_("Hãy chọn quốc tịch trong danh mục."))
    elif kind == "address":
        if not value.get("detail"):
            add(_("Vui lòng ghi số nhà, đường, thôn, tổ dân phố."), "detail")
        if not value.get("commune"):
            add(_("Vui lòng nhập xã, phường, đặc khu."), "commune")
        elif field.get("source") == "units" and units is not None and value["commune"] not in units:
            add(_("Hãy chọn xã, phường trong danh sách."), "commune")
        if not value.get("province"):
            add(_("Vui lòng chọn tỉnh, thành phố."), "province")
        elif value["province"] not in PROVINCES:
            add(_("Hãy chọn tỉnh, thành phố trong danh sách."), "province")
    return errors


def _check_field(field, value, errors, path, *, today, units):
    if _empty(field, value):
        if field.get("required"):
            if field["type"] == "group":
                errors.setdefault(path, []).append(_("Vui lòng khai ít nhất một dòng."))
            elif field["type"] == "file":
                errors.setdefault(path, []).append(_("Vui lòng đính kèm tệp."))
            else:
                label = text(field["label"]).lower()
                errors.setdefault(path, []).append(_("Vui lòng nhập %(label)s.") % {"label": label})
        return
    if field["type"] == "group":
        rows = value if isinstance(value, list) else []
        if field.get("min_items") and len(rows) < field["min_items"]:
            errors.setdefault(path, []).append(_("Cần ít nhất %(n)s dòng.") % {"n": field["min_items"]})
        for index, row in enumerate(rows):
            for sub in field["fields"]:
                if is_visible(sub.get("show_if"), row):
                    _check_field(sub, row.get(sub["key"]), errors, f"{path}-{index}-{sub['key']}", today=today,
                                 units=units)
        return
    if field["type"] == "file":
        return
    for suffix, messages in _field_errors(field, value, today=today, units=units).items():
        errors.setdefault(f"{path}-{suffix}" if suffix else path, []).extend(messages)


def section_errors(definition, section, data, *, today=None, units=None):
    """{field path: [messages]} for one section; `data` holds every answer (conditions may
    look at other sections). Paths: `key`, `key-detail` (address part), `key-0-sub` (group row)."""
    today = today or timezone.localdate()
    errors = {}
    if not is_visible(section.get("show_if"), data):
        return errors
    for field in section["fields"]:
        if is_visible(field.get("show_if"), data):
            _check_field(field, data.get(field["key"]), errors, field["key"], today=today, units=units)
    keys = {f["key"] for f in section["fields"]}
    for rule in definition.get("rules", []):
        if rule.get("field") in keys or rule.get("at") in keys or rule.get("before") in keys:
            message = _rule_error(rule, data, today=today)
            if message:
                errors.setdefault(rule["field"], []).append(message)
    return errors


def _rule_error(rule, data, *, today):
    if not is_visible(rule.get("when"), data):
        return None
    start = parse_date(data.get(rule["field"]) or "")
    if start is None:
        return None
    if rule["type"] == "min_age":
        at = parse_date(data.get(rule["at"]) or "") if rule.get("at") else today
        if at is None:
            return None
        years = at.year - start.year - ((at.month, at.day) < (start.month, start.day))
        return text(rule["message"]) if years < rule["years"] else None
    end = parse_date(data.get(rule["before"]) or "")
    return text(rule["message"]) if end is not None and start > end else None


def declaration_errors(definition, data, *, today=None, units=None):
    """Every error of a whole declaration, {field path: [messages]} (empty when complete)."""
    errors = {}
    for section in definition["sections"]:
        for path, messages in section_errors(definition, section, data, today=today, units=units).items():
            errors.setdefault(path, []).extend(m for m in messages if m not in errors.get(path, []))
    return errors


def visible_data(definition, data):
    """The answers of the visible fields only (what is printed and stored on the dossier)."""
    kept = {}
    for section in visible_sections(definition, data):
        for field in section["fields"]:
            if is_visible(field.get("show_if"), data) and field["key"] in data:
                kept[field["key"]] = data[field["key"]]
    return kept


def display_value(field, value, lang=None):
    """A stored answer as words (labels of choices, names of reference entries)."""
    kind = field["type"]
    if value in (None, "", [], {}):
        return ""
    if kind == "boolean":
        return _("Có") if value else _("Không")
    if kind == "choice":
        return next((text(o["label"], lang) for o in field["options"] if o["value"] == value), value)
    if kind == "ethnicity":
        return ETHNIC_NAMES.get(value, value)
    if kind == "nationality":
        return NATIONALITY_NAMES.get(value, value)
    if kind == "date":
        day = parse_date(value)
        return day.strftime("%d/%m/%Y") if day else value
    if kind == "address":
        return ", ".join(p for p in (value.get("detail"), value.get("commune"), value.get("province")) if p)
    if kind == "file":
        return ", ".join(item.get("name", "") for item in value)
    return str(value)


def search_text(definition, data):
    """The answers as one line of words, for the officers' search."""
    fields = all_fields(definition)
    parts = []
    for key, value in data.items():
        field = fields.get(key)
        if field is None:
            continue
        if field["type"] == "group":
            for row in value or []:
                parts.extend(display_value(sub, row.get(sub["key"])) for sub in field["fields"])
        else:
            parts.append(display_value(field, value))
    return " ".join(p for p in parts if p)
