"""The format of an electronic declaration (tờ khai điện tử) definition, as a JSON Schema
(validated with `jsonschema`), plus the checks a schema cannot express (unique keys,
conditions and rules naming fields that exist). Documented in docs/eforms.md."""

from functools import lru_cache

from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator

FORMAT = "portal.eform/1"

FIELD_TYPES = ["text", "textarea", "number", "date", "boolean", "choice", "personal_id", "phone", "email",
               "address", "ethnicity", "nationality", "group", "file"]
PREFILL = ["account.full_name", "account.personal_id", "account.birth_date", "account.address", "account.phone",
           "account.email", "previous"]

_TEXT = {"type": "object", "required": ["vi"], "additionalProperties": False,
         "properties": {"vi": {"type": "string", "minLength": 1}, "en": {"type": "string"}}}
_KEY = {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,39}$"}
_CONDITION = {
    "type": "object", "required": ["field"], "additionalProperties": False,
    "properties": {"field": _KEY, "equals": {}, "in": {"type": "array"}, "filled": {"type": "boolean"}},
}

SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://portal.example/schemas/eform-1.json",
    "title": "Electronic declaration (tờ khai điện tử)",
    "type": "object",
    "required": ["format", "code", "title", "legal_basis", "sections"],
    "additionalProperties": False,
    "properties": {
        "format": {"const": FORMAT},
        "code": {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$"},
        "form_number": {"type": "string", "maxLength": 80},
        "title": _TEXT,
        "legal_basis": _TEXT,
        "recipient": _TEXT,
        "intro": _TEXT,
        "commitment": _TEXT,
        "signature": _TEXT,
        # Who signs: one block (`signature`, the name printed from `signer_field`), or several
        # side by side (`signatures`, e.g. the bride and the groom).
        "signer_field": _KEY,
        "signatures": {"type": "array", "minItems": 1, "maxItems": 3, "items": {
            "type": "object", "required": ["title"], "additionalProperties": False,
            "properties": {"title": _TEXT, "signer_field": _KEY}}},
        "sections": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/section"}},
        "rules": {"type": "array", "items": {"$ref": "#/$defs/rule"}},
    },
    "$defs": {
        "text": _TEXT,
        "section": {
            "type": "object", "required": ["key", "title", "fields"], "additionalProperties": False,
            "properties": {"key": _KEY, "title": _TEXT, "help": _TEXT, "show_if": _CONDITION,
                           "fields": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/field"}}},
        },
        "option": {
            "type": "object", "required": ["value", "label"], "additionalProperties": False,
            "properties": {"value": {"type": "string", "minLength": 1, "maxLength": 40}, "label": _TEXT},
        },
        "field": {
            "type": "object", "required": ["key", "type", "label"], "additionalProperties": False,
            "properties": {
                "key": _KEY,
                "type": {"enum": FIELD_TYPES},
                "label": _TEXT,
                "help": _TEXT,
                "required": {"type": "boolean"},
                "show_if": _CONDITION,
                "prefill": {"enum": PREFILL},
                "default": {"type": ["string", "boolean"]},
                "min_length": {"type": "integer", "minimum": 0},
                "max_length": {"type": "integer", "minimum": 1, "maximum": 2000},
                "pattern": {"type": "string", "maxLength": 200},
                "pattern_message": _TEXT,
                "min": {"type": "number"},
                "max": {"type": "number"},
                "not_future": {"type": "boolean"},
                "not_past": {"type": "boolean"},
                "uppercase": {"type": "boolean"},
                "options": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/option"}},
                "source": {"enum": ["reference", "units"]},
                "fields": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/field"}},
                "min_items": {"type": "integer", "minimum": 0},
                "max_items": {"type": "integer", "minimum": 1, "maximum": 100},
            },
            "allOf": [
                {"if": {"properties": {"type": {"const": "choice"}}}, "then": {"required": ["options"]}},
                {"if": {"properties": {"type": {"const": "group"}}}, "then": {"required": ["fields"]}},
            ],
        },
        "rule": {
            "type": "object", "required": ["type", "message"], "additionalProperties": False,
            "properties": {
                "type": {"enum": ["min_age", "date_order"]},
                # min_age: the person born on `field` is at least `years` old on `at` (a date
                # field) or today; date_order: `field` is not after `before` (a date field).
                "field": {"type": "string"},
                "years": {"type": "integer", "minimum": 0, "maximum": 150},
                "at": {"type": "string"},
                "before": {"type": "string"},
                "when": _CONDITION,
                "message": _TEXT,
            },
        },
    },
}


@lru_cache(maxsize=1)
def _validator():
    Draft202012Validator.check_schema(SCHEMA)
    return Draft202012Validator(SCHEMA)


def _where(path):
    return "/".join(str(p) for p in path) or "(gốc)"


def iter_fields(definition):
    """(section, field) pairs of the top-level fields, in order."""
    for section in definition.get("sections", []):
        for field in section.get("fields", []):
            yield section, field


def definition_errors(definition):
    """Why `definition` is not a valid declaration (empty list when it is)."""
    if not isinstance(definition, dict):
        return [_("Định nghĩa tờ khai phải là một đối tượng JSON.")]
    errors = [
        _("Vị trí %(where)s: %(message)s") % {"where": _where(error.absolute_path), "message": error.message}
        for error in sorted(_validator().iter_errors(definition), key=lambda e: list(map(str, e.absolute_path)))
    ]
    if errors:
        return errors
    keys, section_keys = {}, set()
    for section in definition["sections"]:
        if section["key"] in section_keys:
            errors.append(_("Trùng mã phần “%(key)s”.") % {"key": section["key"]})
        section_keys.add(section["key"])
        for field in section["fields"]:
            if field["key"] in keys:
                errors.append(_("Trùng mã trường “%(key)s”: mỗi trường của tờ khai cần một mã riêng.")
                              % {"key": field["key"]})
            keys[field["key"]] = field
            if field["type"] == "group":
                sub = [f["key"] for f in field["fields"]]
                if len(sub) != len(set(sub)):
                    errors.append(_("Nhóm “%(key)s” có trường trùng mã.") % {"key": field["key"]})
                if any(f["type"] in ("group", "file") for f in field["fields"]):
                    errors.append(_("Nhóm “%(key)s” không được chứa nhóm hoặc tệp đính kèm.") % {"key": field["key"]})
            if field["type"] == "choice":
                values = [o["value"] for o in field["options"]]
                if len(values) != len(set(values)):
                    errors.append(_("Trường “%(key)s” có lựa chọn trùng giá trị.") % {"key": field["key"]})
            if field.get("pattern"):
                import re

                try:
                    re.compile(field["pattern"])
                except re.error:
                    errors.append(_("Trường “%(key)s”: biểu thức kiểm tra không hợp lệ.") % {"key": field["key"]})
    order = list(keys)
    for section, field in iter_fields(definition):
        for owner, condition in ((field, field.get("show_if")), (section, section.get("show_if"))):
            if condition and condition["field"] not in keys:
                errors.append(_("Điều kiện hiển thị của “%(key)s” nhắc tới trường không có: “%(ref)s”.")
                              % {"key": owner["key"], "ref": condition["field"]})
            elif condition and owner is field and order.index(condition["field"]) >= order.index(field["key"]):
                errors.append(_("Điều kiện hiển thị của “%(key)s” phải dựa vào một trường đứng trước nó.")
                              % {"key": field["key"]})
    signers = [definition.get("signer_field")] + [s.get("signer_field") for s in definition.get("signatures", [])]
    for ref in filter(None, signers):
        if ref not in keys:
            errors.append(_("Chữ ký: “%(ref)s” không phải một trường của tờ khai.") % {"ref": ref})
    for index, rule in enumerate(definition.get("rules", [])):
        for name in ("field", "at", "before"):
            ref = rule.get(name)
            if ref and (ref not in keys or keys[ref]["type"] != "date"):
                errors.append(_("Quy tắc %(n)s: “%(ref)s” không phải một trường ngày của tờ khai.")
                              % {"n": index + 1, "ref": ref})
        if rule["type"] == "min_age" and ("field" not in rule or "years" not in rule):
            errors.append(_("Quy tắc %(n)s: cần “field” và “years”.") % {"n": index + 1})
        if rule["type"] == "date_order" and ("field" not in rule or "before" not in rule):
            errors.append(_("Quy tắc %(n)s: cần “field” và “before”.") % {"n": index + 1})
        when = rule.get("when")
        if when and when["field"] not in keys:
            errors.append(_("Quy tắc %(n)s: điều kiện nhắc tới trường không có: “%(ref)s”.")
                          % {"n": index + 1, "ref": when["field"]})
    return errors
