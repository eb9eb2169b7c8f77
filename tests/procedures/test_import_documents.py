"""Issue 21, legal documents: a catalogue file may describe documents the portal does not have
yet (created on confirmation, listed in the preview), and documents have their own file."""

import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from procedures.importing.documents import DOCUMENT_COLUMNS
from procedures.models import ImportJob, LegalDocument, ProcedureVersion

from . import importdata, national
from .factories import FieldFactory, LegalDocumentFactory
from .test_import_export import run_on_commit, upload  # noqa: F401 — the autouse fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def units(org, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    FieldFactory(code="ho-tich", name="Hộ tịch")
    return [org.c1.code, org.c2.code]


def _described(i):
    return {"so_ky_hieu": f"{i}/2025/QĐ-UBND", "trich_yeu": f"Quyết định công bố số {i}",
            "co_quan_ban_hanh": "UBND tỉnh", "ngay_ban_hanh": "2025-06-20", "hieu_luc_tu": "01/07/2025"}


def test_unknown_documents_described_in_the_file_are_listed_then_created(client_for, editor, units):
    LegalDocumentFactory(number="60/2014/QH13")
    items = national.catalogue(6, units=units, documents=["60/2014/QH13"])
    for i, item in enumerate(items):
        item["can_cu_phap_ly"] = ["60/2014/QH13", _described(i % 3)]
    items[5]["can_cu_phap_ly"] = ["0/2025/QĐ-UBND"]  # number only: described by row 1
    client = client_for(editor)
    job = upload(client, importdata.to_json(items), "van-ban.json")
    assert job.status == ImportJob.Status.PREVIEW, job.errors
    assert [d["number"] for d in job.summary["documents_create"]] == [
        "0/2025/QĐ-UBND", "1/2025/QĐ-UBND", "2/2025/QĐ-UBND"]
    page = client.get(reverse("procedures:import_job", args=[job.pk])).content.decode()
    assert "Sẽ tạo 3 văn bản pháp lý chưa có trong danh mục." in page
    assert LegalDocument.objects.count() == 1

    client.post(reverse("procedures:import_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE, job.message
    document = LegalDocument.objects.get(number="1/2025/QĐ-UBND")
    assert (document.title, document.issuer, document.issued_on, document.effective_from) == (
        "Quyết định công bố số 1", "UBND tỉnh", datetime.date(2025, 6, 20), datetime.date(2025, 7, 1))
    version = ProcedureVersion.objects.get(procedure__national_code=items[1]["ma_thu_tuc"])
    assert sorted(version.legal_documents.values_list("number", flat=True)) == ["1/2025/QĐ-UBND", "60/2014/QH13"]
    assert "Đã tạo 3 văn bản pháp lý." in client.get(reverse("procedures:import_job", args=[job.pk])).content.decode()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_spreadsheet_cells_describe_documents_one_per_line(client_for, editor, units, fmt):
    items = national.as_cells(national.catalogue(2, units=units, documents=["x"]))
    items[0]["can_cu_phap_ly"] = ("8/2025/NQ-HĐND | Nghị quyết về lệ phí | HĐND tỉnh | 10/06/2025\n"
                                  "9/2025/NĐ-CP | Nghị định")
    items[1]["can_cu_phap_ly"] = "8/2025/NQ-HĐND; 77/2099/TT-BTP"  # the second is described nowhere
    job = upload(client_for(editor), getattr(importdata, f"to_{fmt}")(items), f"x.{fmt}")
    assert job.status == ImportJob.Status.INVALID
    assert [(e["row"], e["column"]) for e in job.errors] == [(3, "can_cu_phap_ly")]
    assert "77/2099/TT-BTP" in job.errors[0]["message"] and "8/2025" not in job.errors[0]["message"]


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
def test_an_export_carries_its_documents_to_another_portal(client_for, editor, units, fmt):
    LegalDocumentFactory(number="60/2014/QH13", title="Luật Hộ tịch", issuer="Quốc hội")
    client = client_for(editor)
    items = national.catalogue(3, units=units, documents=["60/2014/QH13"])
    job = upload(client, importdata.to_json(items), "a.json")
    client.post(reverse("procedures:import_confirm", args=[job.pk]))
    exported = client.get(reverse("procedures:export"), {"format": fmt}).content
    # Another portal: the same procedures and units, but no documents at all.
    from procedures.models import Procedure

    Procedure.objects.all().delete()
    LegalDocument.objects.all().delete()
    job = upload(client, exported, f"xuat.{fmt}")
    assert job.status == ImportJob.Status.PREVIEW, job.errors
    assert job.summary["documents_create"] == [{"number": "60/2014/QH13", "title": "Luật Hộ tịch"}]
    client.post(reverse("procedures:import_confirm", args=[job.pk]))
    assert LegalDocument.objects.get().issuer == "Quốc hội"


def test_an_empty_legal_basis_is_required(client_for, editor, units):
    items = national.catalogue(1, units=units, documents=["x"])
    items[0]["can_cu_phap_ly"] = []
    job = upload(client_for(editor), importdata.to_json(items), "x.json")
    assert [(e["row"], e["column"], e["message"]) for e in job.errors] == [(1, "can_cu_phap_ly", "Bắt buộc nhập.")]


# --- the separate legal-document file -----------------------------------------------------------


def _documents_csv(rows):
    lines = [",".join(DOCUMENT_COLUMNS)] + [",".join(f'"{v}"' for v in row) for row in rows]
    return "\n".join(lines).encode("utf-8")


def _post(client, content, name):
    return client.post(reverse("procedures:legal_documents_import"), {"file": SimpleUploadedFile(name, content)})


def test_documents_file_creates_updates_and_replaces(client_for, editor):
    LegalDocumentFactory(number="123/2015/NĐ-CP", title="Cũ")
    content = _documents_csv([
        ["123/2015/NĐ-CP", "Nghị định quy định chi tiết Luật Hộ tịch", "Chính phủ", "15/11/2015", "2016-01-01",
         "2026-01-01", "120/2025/NĐ-CP"],
        ["120/2025/NĐ-CP", "Nghị định thay thế", "Chính phủ", "", "", "", ""],
    ])
    client = client_for(editor)
    response = _post(client, content, "van-ban.csv")
    assert response.status_code == 302
    old = LegalDocument.objects.get(number="123/2015/NĐ-CP")
    assert old.title == "Nghị định quy định chi tiết Luật Hộ tịch" and old.issued_on == datetime.date(2015, 11, 15)
    assert old.expired_on == datetime.date(2026, 1, 1) and old.replaced_by.number == "120/2025/NĐ-CP"
    assert old.history.first().history_user == editor
    page = client.get(reverse("procedures:legal_documents")).content.decode()
    assert "tạo mới 1, cập nhật 1, không đổi 0" in page

    for fmt in ("csv", "xlsx", "json"):
        exported = client.get(reverse("procedures:legal_documents_export"), {"format": fmt})
        assert exported.status_code == 200
        response = _post(client, exported.content, f"lai.{fmt}")
        assert response.status_code == 302
        page = client.get(reverse("procedures:legal_documents")).content.decode()
        assert "tạo mới 0, cập nhật 0, không đổi 2" in page
    data = json.loads(client.get(reverse("procedures:legal_documents_export"), {"format": "json"}).content)
    assert {d["so_ky_hieu"] for d in data["legal_documents"]} == {"123/2015/NĐ-CP", "120/2025/NĐ-CP"}


def test_a_bad_documents_file_writes_nothing_and_names_row_and_column(client_for, editor):
    content = _documents_csv([
        ["1/2025/QĐ-UBND", "Tốt", "", "", "", "", ""],
        ["2/2025/QĐ-UBND", "", "", "31/02/2025", "", "", ""],
        ["3/2025/QĐ-UBND", "Thay bởi văn bản không có", "", "", "", "", "9/9999/X"],
        ["1/2025/QĐ-UBND", "Trùng", "", "", "", "", ""],
        ["4/2025/QĐ-UBND", "x" * 1001, "", "", "", "", ""],
    ])
    response = _post(client_for(editor), content, "loi.csv")
    assert response.status_code == 200
    errors = {(e.row, e.column) for e in response.context["errors"]}
    assert errors == {(3, "trich_yeu"), (3, "ngay_ban_hanh"), (4, "thay_the_boi"), (5, "so_ky_hieu"),
                      (6, "trich_yeu")}
    page = response.content.decode()
    assert "Không văn bản nào được nhập" in page and "Trích yếu dài 1001 ký tự, tối đa 1000." in page
    assert LegalDocument.objects.count() == 0
    response = _post(client_for(editor), b"{broken", "x.json")
    assert response.status_code == 200 and "Tệp JSON không hợp lệ" in response.content.decode()
