"""Electronic declarations travel with the catalogue's JSON import/export: exported on their
components, imported back onto them, an invalid definition refused with its row and column."""

import json

import pytest
from django.urls import reverse

from procedures.eforms import library
from procedures.models import ComponentRequirement, ImportJob, ProcedureVersion

from . import importdata, national
from .test_import_export import run_on_commit, upload  # noqa: F401 — the autouse fixture

pytestmark = pytest.mark.django_db


def _items(setup):
    items = national.catalogue(1, **setup)
    name = items[0]["thanh_phan"][0]["ten"]
    items[0]["to_khai_dien_tu"] = {name: library.load("khai-sinh")}
    return items, name


def test_declarations_are_imported_on_their_component_and_exported_back(client_for, editor,
                                                                        national_setup):  # noqa: F811
    client = client_for(editor)
    items, name = _items(national_setup)
    job = upload(client, importdata.to_json(items), "to-khai.json")
    assert job.status == ImportJob.Status.PREVIEW, job.errors[:5]
    client.post(reverse("procedures:import_confirm", args=[job.pk]))
    component = ComponentRequirement.objects.get(name=name, version__status=ProcedureVersion.Status.PUBLISHED)
    assert component.eform["code"] == "HT-KHAI-SINH"
    exported = json.loads(client.get(reverse("procedures:export"), {"format": "json"}).content)
    rows = exported if isinstance(exported, list) else exported.get("thu_tuc") or exported.get("procedures")
    row = next(r for r in rows if r["ma_thu_tuc"] == items[0]["ma_thu_tuc"])
    assert row["to_khai_dien_tu"][name]["title"]["vi"] == "TỜ KHAI ĐĂNG KÝ KHAI SINH"


def test_an_invalid_declaration_is_refused_with_its_column(client_for, editor, national_setup):  # noqa: F811
    client = client_for(editor)
    items, name = _items(national_setup)
    items[0]["to_khai_dien_tu"][name]["sections"][0]["fields"][0]["type"] = "colour"
    items[0]["to_khai_dien_tu"]["Không có giấy này"] = library.load("khai-sinh")
    job = upload(client, importdata.to_json(items), "to-khai-sai.json")
    assert job.status == ImportJob.Status.INVALID
    messages = [e["message"] for e in job.errors if e["column"] == "to_khai_dien_tu"]
    assert any("colour" in m for m in messages)
    assert any("Không có thành phần hồ sơ “Không có giấy này”" in m for m in messages)
