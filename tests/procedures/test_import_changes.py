"""Issue 21, "unchanged means unchanged": re-importing an export or the same file in another
order reports every procedure unchanged; an edited copy reports exactly the edited procedures,
field by field (old → new)."""

import json

import pytest
from django.urls import reverse

from procedures.models import Field, ImportJob, Procedure

from . import importdata, national
from .test_import_export import run_on_commit, upload  # noqa: F401 — the autouse fixture

pytestmark = pytest.mark.django_db

N = 12


def _import(client, content, name):
    job = upload(client, content, name)
    assert job.status == ImportJob.Status.PREVIEW, job.errors[:5]
    return job


def _counts(job):
    return job.summary["create"], job.summary["update"], job.summary["unchanged"]


@pytest.fixture
def imported(client_for, editor, national_setup):
    client = client_for(editor)
    items = national.catalogue(N, **national_setup)
    job = _import(client, importdata.to_json(items), "quoc-gia.json")
    assert _counts(job) == (N, 0, 0)
    client.post(reverse("procedures:import_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE, job.message
    return client, items


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
def test_the_same_file_with_shuffled_lists_is_unchanged(imported, fmt):
    client, items = imported
    again = national.shuffled(items)
    content = importdata.to_json(again) if fmt == "json" else getattr(importdata, f"to_{fmt}")(
        national.as_cells(again))
    job = _import(client, content, f"lai.{fmt}")
    assert _counts(job) == (0, 0, N)
    assert all(not row["changes"] for row in job.summary["rows"])


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
def test_reimporting_an_export_is_unchanged(imported, fmt):
    client, _items = imported
    response = client.get(reverse("procedures:export"), {"format": fmt})
    assert response.status_code == 200
    job = _import(client, response.content, f"xuat.{fmt}")
    assert _counts(job) == (0, 0, N)


def test_an_edited_copy_reports_exactly_the_edited_procedures_old_to_new(imported):
    client, items = imported
    edited = national.shuffled(items)
    edited[2]["ten_thu_tuc"] = "Tên mới"
    edited[2]["hieu_luc_tu"] = "2025-09-01"
    edited[5]["cach_thuc"][0]["phi"] = 5000
    edited[5]["hieu_luc_tu"] = "2025-09-01"
    assert len(items[7]["noi_tiep_nhan"]) == 2
    edited[7]["noi_tiep_nhan"] = ["P01.30.01", "P01.20.02", "P01.20.01"]
    edited[7]["hieu_luc_tu"] = "2025-09-01"
    edited[9]["hieu_luc_tu"] = "2025-10-01"  # a new date alone changes nothing
    job = _import(client, importdata.to_json(edited), "sua.json")
    changed = {row["code"]: row["changes"] for row in job.summary["rows"] if row["action"] == "update"}
    assert set(changed) == {edited[2]["ma_thu_tuc"], edited[5]["ma_thu_tuc"], edited[7]["ma_thu_tuc"]}
    assert changed[edited[7]["ma_thu_tuc"]] == [{"column": "noi_tiep_nhan",
                                                 "old": "; ".join(sorted(items[7]["noi_tiep_nhan"])),
                                                 "new": "P01.20.01; P01.20.02; P01.30.01"}]
    assert changed[edited[2]["ma_thu_tuc"]] == [
        {"column": "ten_thu_tuc", "old": items[2]["ten_thu_tuc"], "new": "Tên mới"}]
    [fee_change] = changed[edited[5]["ma_thu_tuc"]]
    assert fee_change["column"] == "cach_thuc"
    assert "online | 5 | 0 |" in fee_change["old"] and "online | 5 | 5000 |" in fee_change["new"]
    assert _counts(job) == (0, 3, N - 3)

    page = client.get(reverse("procedures:import_job", args=[job.pk])).content.decode()
    assert f'data-testid="import-changes-{edited[2]["ma_thu_tuc"]}"' in page
    assert "Tên mới" in page and items[2]["ten_thu_tuc"] in page
    assert 'data-testid="import-changes-' + edited[0]["ma_thu_tuc"] not in page


def test_a_new_field_code_is_applied_and_then_unchanged(imported):
    client, items = imported
    edited = json.loads(json.dumps(items))
    edited[0]["ma_linh_vuc"], edited[0]["ten_linh_vuc"] = "dat-dai", "Đất đai"
    edited[0]["hieu_luc_tu"] = "2025-09-01"
    job = _import(client, importdata.to_json(edited), "linh-vuc.json")
    assert _counts(job) == (0, 1, N - 1)
    assert job.summary["rows"][0]["changes"] == [{"column": "ma_linh_vuc", "old": "ho-tich", "new": "dat-dai"}]
    client.post(reverse("procedures:import_confirm", args=[job.pk]), {"overwrite": "1"})
    assert Procedure.objects.get(national_code=items[0]["ma_thu_tuc"]).field == Field.objects.get(code="dat-dai")
    job = _import(client, importdata.to_json(edited), "linh-vuc.json")
    assert _counts(job) == (0, 0, N)


def test_components_only_shown_are_imported_and_kept(imported):
    """Issue 20: "xuất trình" components (shown, never uploaded) come in from every format as
    a sixth part of the component line and survive the export round trip (above)."""
    from procedures.models import ComponentRequirement

    _client, items = imported
    expected = sum(1 for item in items for c in item["thanh_phan"] if c.get("xuat_trinh"))
    assert expected and ComponentRequirement.objects.filter(presented_only=True).count() == expected
