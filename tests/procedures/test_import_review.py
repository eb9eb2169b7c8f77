"""Issue 21, "nothing is cut silently": every error is kept, repeated causes are summarised,
the errors download with their rows; the preview lists every row (paged); overwriting existing
procedures needs an explicit confirmation."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from procedures.models import ImportJob, ProcedureVersion

from . import importdata, national
from .factories import FieldFactory, LegalDocumentFactory
from .test_import_export import run_on_commit, upload  # noqa: F401 — the autouse fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def units(org, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    FieldFactory(code="ho-tich", name="Hộ tịch")
    LegalDocumentFactory(number="60/2014/QH13")
    return [org.c1.code]


def test_every_error_is_kept_summarised_and_downloadable(client_for, editor, units):
    n = 1100
    items = national.as_cells(national.catalogue(n, units=units, documents=["60/2014/QH13"]))
    for i, item in enumerate(items):
        item["can_cu_phap_ly"] = f"60/2014/QH13; {i}/2024/QĐ-UBND"  # 1,100 numbers nobody described
        item["noi_tiep_nhan"] = f"X{i % 3}"
    client = client_for(editor)
    job = upload(client, importdata.to_csv(items), "lon.csv")
    assert job.status == ImportJob.Status.INVALID
    assert len(job.errors) == 2 * n  # more than the 2,000 that used to be kept
    causes = job.summary["causes"]
    assert causes[0]["column"] == "can_cu_phap_ly" and causes[0]["message"].startswith(
        "1100 số văn bản pháp lý chưa có trong danh mục và không được mô tả trong tệp: 0/2024/QĐ-UBND, ")
    assert causes[1]["message"] == "3 mã đơn vị không có trong cổng: X0, X1, X2."
    assert {"column": "noi_tiep_nhan", "message": "Không có đơn vị mã: X0.", "count": 367,
            "rows": [2, 5, 8, 11, 14, 17, 20, 23, 26, 29]} in causes

    url = reverse("procedures:import_job", args=[job.pk])
    page = client.get(url).content.decode()
    assert "Tệp có 2200 lỗi." in page and "Trang 1/22" in page and 'data-testid="import-causes"' in page
    assert "Trang 22/22" in client.get(url, {"page": 22}).content.decode()

    response = client.get(reverse("procedures:import_errors", args=[job.pk]), {"format": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    lines = list(sheet.iter_rows(values_only=True))
    assert lines[0][:4] == ("dong", "cot", "loi", "ma_thu_tuc")
    assert len(lines) == 1 + 2 * n
    assert lines[1][:4] == (2, "noi_tiep_nhan", "Không có đơn vị mã: X0.", "1.500000")
    csv_text = client.get(reverse("procedures:import_errors", args=[job.pk]), {"format": "csv"}).content.decode()
    assert csv_text.count("Chưa có văn bản số") == n


def test_the_errors_of_an_unreadable_file_download_too(client_for, editor, units):
    job = upload(client_for(editor), b"{broken", "x.json")
    response = client_for(editor).get(reverse("procedures:import_errors", args=[job.pk]), {"format": "csv"})
    assert response.status_code == 200 and "Tệp JSON không hợp lệ" in response.content.decode()


def test_the_preview_lists_every_row_paged(client_for, editor, units):
    client = client_for(editor)
    items = national.catalogue(150, units=units, documents=["60/2014/QH13"])
    job = upload(client, importdata.to_json(items), "x.json")
    assert len(job.summary["rows"]) == 150
    url = reverse("procedures:import_job", args=[job.pk])
    first = client.get(url).content.decode()
    assert "1.500099" in first and "1.500100" not in first and "Trang 1/2" in first
    assert "1.500149" in client.get(url, {"page": 2}).content.decode()


def test_overwriting_existing_procedures_is_highlighted_and_needs_confirmation(client_for, editor, units):
    client = client_for(editor)
    items = national.catalogue(3, units=units, documents=["60/2014/QH13"])
    job = upload(client, importdata.to_json(items), "x.json")
    client.post(reverse("procedures:import_confirm", args=[job.pk]))  # creations need no tick
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    items[1]["ket_qua"], items[1]["hieu_luc_tu"] = "Kết quả mới", "2025-09-01"
    job = upload(client, importdata.to_json(items), "sua.json")
    url = reverse("procedures:import_job", args=[job.pk])
    page = client.get(url).content.decode()
    assert 'data-testid="import-overwrite"' in page and 'class="table-warning"' in page
    only = client.get(url, {"action": "update"}).content.decode()
    assert items[1]["ma_thu_tuc"] in only and items[0]["ma_thu_tuc"] not in only

    response = client.post(reverse("procedures:import_confirm", args=[job.pk]), follow=True)
    assert "hãy đánh dấu ô đồng ý ghi đè" in response.content.decode()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.PREVIEW
    client.post(reverse("procedures:import_confirm", args=[job.pk]), {"overwrite": "1"})
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert ProcedureVersion.objects.filter(procedure__national_code=items[1]["ma_thu_tuc"]).count() == 2
