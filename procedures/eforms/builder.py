"""Small edits of a definition made by the editor's builder (the JSON stays editable as a
whole for power users): start a form, add a field to a section, remove or move a field."""

import copy

from .schema import FORMAT

KEY_ORDER = ["format", "code", "form_number", "title", "legal_basis", "recipient", "intro", "commitment",
             "signature", "signer_field", "signatures", "key", "type", "label", "vi", "en", "help", "required",
             "show_if", "prefill", "default", "sections", "fields", "options", "value", "rules"]


def canonical(value):
    """The definition with its keys in reading order (PostgreSQL's jsonb sorts them), for the
    editor's JSON box."""
    if isinstance(value, dict):
        rank = {k: i for i, k in enumerate(KEY_ORDER)}
        return {k: canonical(value[k]) for k in sorted(value, key=lambda k: (rank.get(k, len(rank)), k))}
    if isinstance(value, list):
        return [canonical(v) for v in value]
    return value


def blank(*, code, title):
    return {"format": FORMAT, "code": code, "title": {"vi": title}, "legal_basis": {"vi": ""}, "sections": []}


def add_field(definition, *, section_key, section_title, field):
    definition = copy.deepcopy(definition) if definition else blank(code="TO-KHAI", title="TỜ KHAI")
    sections = definition.setdefault("sections", [])
    section = next((s for s in sections if s.get("key") == section_key), None)
    if section is None:
        section = {"key": section_key, "title": {"vi": section_title or section_key}, "fields": []}
        sections.append(section)
    section.setdefault("fields", []).append(field)
    return definition


def remove_field(definition, key):
    definition = copy.deepcopy(definition)
    for section in definition.get("sections", []):
        section["fields"] = [f for f in section.get("fields", []) if f.get("key") != key]
    definition["sections"] = [s for s in definition.get("sections", []) if s.get("fields")]
    return definition


def move_field(definition, key, offset):
    definition = copy.deepcopy(definition)
    for section in definition.get("sections", []):
        fields = section.get("fields", [])
        index = next((i for i, f in enumerate(fields) if f.get("key") == key), None)
        if index is not None and 0 <= index + offset < len(fields):
            fields[index], fields[index + offset] = fields[index + offset], fields[index]
    return definition
