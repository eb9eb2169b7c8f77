"""Issue 21, item 5: the national database's data as it is — long texts, level names as
published and several levels per procedure, fees in foreign currency or as text, processing
times written as sentences, and XLSX cells longer than 32,767 characters that round-trip."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from procedures.importing.schema import XLSX_CELL_LIMIT
from procedures.models import Fee, ImportJob, ProcedureMethod, ProcedureVersion

from . import importdata, national
from .test_import_export import run_on_commit, upload  # noqa: F401 — the autouse fixture

pytestmark = pytest.mark.django_db

N = 6


def _content(items, fmt):
    if fmt == "json":
        return importdata.to_json(items)
    return getattr(importdata, f"to_{fmt}")(national.as_cells(items))


def _import(client, content, name):
    job = upload(client, content, name)
    assert job.status == ImportJob.Status.PREVIEW, job.errors[:5]
    client.post(reverse("procedures:import_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE, job.message
    return job


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
def test_national_data_is_kept_as_published(client_for, editor, national_setup, fmt):
    items = national.as_published(national.catalogue(N, **national_setup))
    _import(client_for(editor), _content(items, fmt), f"quoc-gia.{fmt}")

    first = ProcedureVersion.objects.get(procedure__national_code=items[0]["ma_thu_tuc"])
    assert first.authority_level.code == "commune"
    assert [lv.code for lv in first.other_levels.all()] == ["district"]
    # "5 ngày làm việc; trường hợp phức tạp không quá 20 ngày": the first figure, the whole note.
    assert first.processing_time == 5 and first.processing_time_note == national.TIME_NOTE
    assert len(first.name) > 500
    fees = {f.name: (f.amount, f.amount_text) for f in Fee.objects.filter(version=first)}
    assert fees == {"Lệ phí cấp giấy": (8000, ""), "Phí thẩm định hồ sơ của người nước ngoài": (0, "25 USD"),
                    "Phí cấp bản sao": (3000, "3.000 đồng/bản")}
    counter = ProcedureMethod.objects.get(version=first, channel="counter")
    assert (counter.fee_amount, counter.fee_text) == (0, "Theo quy định")

    second = ProcedureVersion.objects.get(procedure__national_code=items[1]["ma_thu_tuc"])
    assert second.subjects == national.HUGE.strip() and len(second.subjects) > XLSX_CELL_LIMIT
    assert not second.other_levels.exists()


def test_xlsx_export_continues_long_cells_and_the_import_joins_them_back(client_for, editor, national_setup):
    client = client_for(editor)
    items = national.as_published(national.catalogue(N, **national_setup))
    _import(client, importdata.to_json(items), "quoc-gia.json")

    content = client.get(reverse("procedures:export"), {"format": "xlsx"}).content
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    assert "doi_tuong__2" in header
    assert all(len(v) <= XLSX_CELL_LIMIT for row in rows for v in row if isinstance(v, str))
    long_row = next(r for r in rows[1:] if r[header.index("ma_thu_tuc")] == items[1]["ma_thu_tuc"])
    assert long_row[header.index("doi_tuong")] + long_row[header.index("doi_tuong__2")] == national.HUGE.strip()

    job = upload(client, content, "xuat.xlsx")
    assert job.status == ImportJob.Status.PREVIEW, job.errors[:5]
    assert (job.summary["create"], job.summary["update"], job.summary["unchanged"]) == (0, 0, N)
    page = client.get(reverse("procedures:import_job", args=[job.pk])).content.decode()
    assert "Cột doi_tuong: văn bản dài hơn 32.767 ký tự được ghép lại từ các cột tiếp nối ở 1 dòng (3)." in page


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
def test_reimporting_national_data_is_unchanged(client_for, editor, national_setup, fmt):
    client = client_for(editor)
    items = national.as_published(national.catalogue(N, **national_setup))
    _import(client, importdata.to_json(items), "quoc-gia.json")
    job = upload(client, _content(national.shuffled(items), fmt), f"lai.{fmt}")
    assert job.status == ImportJob.Status.PREVIEW, job.errors[:5]
    assert (job.summary["create"], job.summary["update"], job.summary["unchanged"]) == (0, 0, N)


def test_a_text_over_the_limit_names_the_field_the_limit_and_the_length(client_for, editor, national_setup):
    items = national.catalogue(2, **national_setup)
    items[0]["ten_thu_tuc"] = "x" * 1001
    items[1]["quyet_dinh_cong_bo"] = "1/QĐ-UBND " * 30
    job = upload(client_for(editor), importdata.to_json(items), "dai.json")
    assert job.status == ImportJob.Status.INVALID
    messages = {(e["row"], e["column"]): e["message"] for e in job.errors}
    assert messages[(1, "ten_thu_tuc")] == "“tên thủ tục” dài 1001 ký tự, quá giới hạn 1000 ký tự."
    assert messages[(2, "quyet_dinh_cong_bo")] == "“quyết định công bố” dài 299 ký tự, quá giới hạn 255 ký tự."


def test_an_unknown_level_name_is_refused_with_the_levels_there_are(client_for, editor, national_setup):
    items = national.catalogue(1, **national_setup)
    items[0]["cap_thuc_hien"] = "Cấp Xã, Cấp Thôn"
    job = upload(client_for(editor), importdata.to_json(items), "cap.json")
    assert job.status == ImportJob.Status.INVALID
    [error] = job.errors
    assert error["column"] == "cap_thuc_hien"
    assert error["message"].startswith("Không có cấp “Cấp Thôn”.") and "commune (Cấp xã)" in error["message"]


def test_a_time_without_any_figure_is_refused(client_for, editor, national_setup):
    items = national.catalogue(1, **national_setup)
    items[0]["thoi_han"] = "Theo quy định"
    job = upload(client_for(editor), importdata.to_json(items), "thoi-han.json")
    assert job.status == ImportJob.Status.INVALID
    assert {"row": 1, "column": "thoi_han",
            "message": "Không tìm thấy số ngày hoặc giờ trong “Theo quy định”."} in job.errors


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
def test_missing_documents_are_summarised_once_and_described_ones_created(client_for, editor, national_setup,
                                                                          fmt):
    from procedures.models import LegalDocument

    client = client_for(editor)
    base = national.as_published(national.catalogue(20, **national_setup))
    missing, numbers = national.with_new_documents(base, 8, described=False)
    job = upload(client, national.to_file(missing, fmt), f"thieu.{fmt}")
    assert job.status == ImportJob.Status.INVALID
    [cause] = [c for c in job.summary["causes"] if c["column"] == "can_cu_phap_ly" and not c["rows"]]
    assert cause["count"] == 8 and all(n in cause["message"] for n in numbers)
    assert not LegalDocument.objects.filter(number__in=numbers).exists()

    described, _numbers = national.with_new_documents(base, 8)
    job = _import(client, national.to_file(described, fmt), f"du.{fmt}")
    assert sorted(d["number"] for d in job.summary["documents_create"]) == sorted(numbers)
    assert job.summary["documents_created"] == 8
    assert LegalDocument.objects.get(number="1/2026/NĐ-CP").issuer == "Chính phủ"


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
def test_an_edited_national_copy_with_shuffled_lists_changes_exactly_the_edited(client_for, editor, national_setup,
                                                                                 fmt):
    client = client_for(editor)
    items, _numbers = national.with_new_documents(national.as_published(national.catalogue(10, **national_setup)), 6)
    _import(client, national.to_file(items, fmt), f"quoc-gia.{fmt}")

    edited = national.shuffled(items)
    edited[3]["phi_le_phi"][1]["so_tien"] = "30 USD"
    edited[3]["hieu_luc_tu"] = "2025-09-01"
    edited[6]["cap_thuc_hien"] = "Cấp Xã, Cấp Tỉnh"
    edited[6]["hieu_luc_tu"] = "2025-09-01"
    job = upload(client, national.to_file(edited, fmt), f"sua.{fmt}")
    assert job.status == ImportJob.Status.PREVIEW, job.errors[:5]
    assert (job.summary["create"], job.summary["update"], job.summary["unchanged"]) == (0, 2, 8)
    changes = {r["code"]: r["changes"] for r in job.summary["rows"] if r["action"] == "update"}
    fee_change, = changes[items[3]["ma_thu_tuc"]]
    assert fee_change["column"] == "phi_le_phi" and "25 USD" in fee_change["old"] and "30 USD" in fee_change["new"]
    assert changes[items[6]["ma_thu_tuc"]] == [
        {"column": "cap_thuc_hien", "old": "commune; district", "new": "commune; province"}]
