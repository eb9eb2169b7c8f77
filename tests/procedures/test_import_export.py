import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from procedures.importing.export import export_procedures
from procedures.models import ImportJob, Procedure, ProcedureVersion, RouteStep
from procedures.selectors import procedures_managed_by

from . import importdata
from .factories import FieldFactory, LegalDocumentFactory, published_version

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def run_on_commit(monkeypatch):
    """Tests run inside a transaction that never commits: run on_commit callbacks at once,
    as a real commit would (the tasks themselves are eager in tests)."""
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())


@pytest.fixture
def setup(org, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    FieldFactory(code="ho-tich", name="Hộ tịch")
    LegalDocumentFactory(number="60/2014/QH13")
    return {"unit_code": org.c1.code, "document": "60/2014/QH13"}


def upload(client, content, name):
    response = client.post(reverse("procedures:import"), {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 302, response.content.decode()[:2000]
    return ImportJob.objects.latest("created_at")


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx"])
def test_a_valid_file_is_previewed_then_imported(client_for, editor, setup, fmt):
    client = client_for(editor)
    content = getattr(importdata, f"to_{fmt}")(importdata.rows(5, **setup))
    job = upload(client, content, f"danh-muc.{fmt}")
    assert job.status == ImportJob.Status.PREVIEW, job.errors
    assert job.summary["create"] == 5
    assert Procedure.objects.count() == 0  # nothing written before confirmation
    page = client.get(reverse("procedures:import_job", args=[job.pk])).content.decode()
    assert "Sẽ tạo mới 5, cập nhật 0, không đổi 0 thủ tục." in page

    response = client.post(reverse("procedures:import_confirm", args=[job.pk]), follow=True)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE, job.message
    assert "Đã nhập xong: tạo mới 5" in response.content.decode()
    assert Procedure.objects.count() == 5
    version = ProcedureVersion.objects.get(procedure__national_code="1.300000")
    assert version.status == "published" and version.created_by == editor
    assert [s.budget for s in version.steps.all()] == [0.5, 2, 0.5]
    assert version.components.count() == 2 and version.methods.count() == 2
    assert version.receiving_units.get().code == setup["unit_code"]
    assert version.history.first().history_user == editor
    assert "khai sinh" in client.get("/procedures/", {"q": "khai sinh thai nguyen"}).content.decode().lower()


def test_a_file_with_bad_rows_imports_nothing_and_names_each_problem(client_for, editor, setup):
    client = client_for(editor)
    items = importdata.rows(6, **setup)
    items[1]["ma_thu_tuc"] = "ABC"                       # row 3
    items[2]["thoi_han"] = "5"                            # row 4: route adds up to 3
    items[3]["noi_tiep_nhan"] = "X99"                     # row 5
    items[4]["can_cu_phap_ly"] = "999/2099/NĐ-CP"         # row 6
    items[5]["ma_thu_tuc"] = items[0]["ma_thu_tuc"]       # row 7: duplicate code
    job = upload(client, importdata.to_csv(items), "loi.csv")
    assert job.status == ImportJob.Status.INVALID
    problems = {(e["row"], e["column"]) for e in job.errors}
    assert {(3, "ma_thu_tuc"), (4, "quy_trinh"), (5, "noi_tiep_nhan"), (6, "can_cu_phap_ly"),
            (7, "ma_thu_tuc")} <= problems
    assert not any(e["row"] == 2 for e in job.errors)
    assert Procedure.objects.count() == 0
    page = client.get(reverse("procedures:import_job", args=[job.pk])).content.decode()
    assert "Không thủ tục nào được nhập" in page
    assert "Tổng thời gian các bước (3) khác thời hạn giải quyết (5)." in page
    assert "Không có đơn vị mã: X99." in page
    # No confirmation is possible for an invalid file.
    client.post(reverse("procedures:import_confirm", args=[job.pk]))
    assert Procedure.objects.count() == 0


@pytest.mark.parametrize("content,name,message", [
    (b"\xff\xfe\x00garbage", "x.csv", "UTF-8"),
    (b"a,b\n1,2\n", "x.csv", "Thiếu cột bắt buộc"),
    (b"{not json", "x.json", "Tệp JSON không hợp lệ"),
    (b"PK\x03\x04broken", "x.xlsx", "Không đọc được tệp Excel"),
])
def test_unreadable_files_get_a_clear_message(client_for, editor, setup, content, name, message):
    job = upload(client_for(editor), content, name)
    assert job.status == ImportJob.Status.INVALID
    assert message in job.errors[0]["message"]


def test_wrong_extension_is_refused_on_the_form(client_for, editor, setup):
    response = client_for(editor).post(reverse("procedures:import"),
                                       {"file": SimpleUploadedFile("x.pdf", b"%PDF")})
    assert response.status_code == 200
    assert "Chỉ nhận tệp .csv, .xlsx hoặc .json." in response.content.decode()
    assert ImportJob.objects.count() == 0


def test_export_then_import_is_unchanged_and_an_edit_is_an_update(client_for, editor, org, setup):
    published_version(code="1.001193", name="Đăng ký khai sinh", receiving=[org.c1])
    client = client_for(editor)
    response = client.get(reverse("procedures:export"), {"format": "json"})
    assert response.status_code == 200
    data = json.loads(response.content)
    assert data["procedures"][0]["ma_thu_tuc"] == "1.001193"
    job = upload(client, response.content, "xuat.json")
    assert job.status == ImportJob.Status.PREVIEW, job.errors
    assert (job.summary["create"], job.summary["update"], job.summary["unchanged"]) == (0, 0, 1)

    data["procedures"][0]["ten_thu_tuc"] = "Đăng ký khai sinh (sửa)"
    data["procedures"][0]["hieu_luc_tu"] = "2025-06-01"
    job = upload(client, json.dumps(data, ensure_ascii=False).encode(), "sua.json")
    assert job.summary["update"] == 1, (job.errors, job.summary)
    client.post(reverse("procedures:import_confirm", args=[job.pk]), {"overwrite": "1"})
    procedure = Procedure.objects.get(national_code="1.001193")
    assert procedure.versions.count() == 2
    old, new = procedure.versions.order_by("number")
    assert old.status == "retired" and str(old.effective_to) == "2025-05-31"
    assert procedure.current_version() == new and procedure.name == "Đăng ký khai sinh (sửa)"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_formats_round_trip(editor, org, setup, fmt):
    published_version(code="1.001193", name="Đăng ký khai sinh", receiving=[org.c1])
    content, content_type = export_procedures(procedures=procedures_managed_by(editor), fmt=fmt)
    from procedures.importing.parse import read_rows
    from procedures.importing.validate import Context, validate_row

    rows = read_rows(content, fmt)
    assert len(rows) == 1
    parsed, errors = validate_row(rows[0][0], rows[0][1], Context(editor))
    assert errors == []
    assert parsed.code == "1.001193" and len(parsed.steps) == 3


def test_import_of_a_procedure_managed_elsewhere_is_refused(client_for, org, setup):
    from portal.models import Role
    from tests.factories import staff

    published_version(code="1.300000", name="Thuộc tỉnh", receiving=[org.c1])
    district_editor = staff(Role.EDITOR, org.d1, username="editor_d1")
    job = upload(client_for(district_editor), importdata.to_csv(importdata.rows(1, **setup)), "x.csv")
    assert job.status == ImportJob.Status.INVALID
    assert job.errors[0]["message"] == "Bạn không có quyền sửa thủ tục này."


def test_other_editors_cannot_see_a_job(client_for, editor, org, setup):
    from portal.models import Role
    from tests.factories import staff

    job = upload(client_for(editor), importdata.to_csv(importdata.rows(1, **setup)), "x.csv")
    other = staff(Role.EDITOR, org.province, username="editor2")
    client = client_for(other)
    assert client.get(reverse("procedures:import_job", args=[job.pk])).status_code == 404
    assert client.post(reverse("procedures:import_confirm", args=[job.pk])).status_code == 404


def test_progress_partial_for_htmx_polling(client_for, editor, setup):
    client = client_for(editor)
    job = upload(client, importdata.to_csv(importdata.rows(2, **setup)), "x.csv")
    response = client.get(reverse("procedures:import_job", args=[job.pk]), headers={"HX-Request": "true"})
    content = response.content.decode()
    assert content.lstrip().startswith("<div id=\"import-job\"")
    assert 'data-testid="progress-bar"' in content and "100%" in content


def test_import_failure_rolls_everything_back(client_for, editor, setup, monkeypatch):
    from procedures.importing import apply

    client = client_for(editor)
    job = upload(client, importdata.to_csv(importdata.rows(120, **setup)), "x.csv")
    original = apply._apply_chunk
    calls = []

    def failing(rows, *args):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("mất kết nối")
        return original(rows, *args)

    monkeypatch.setattr(apply, "_apply_chunk", failing)
    client.post(reverse("procedures:import_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and "mất kết nối" in job.message
    assert Procedure.objects.count() == 0 and RouteStep.objects.count() == 0


def test_a_running_import_polls_and_shows_its_progress(client_for, editor, setup):
    from django.core.cache import cache

    from procedures.importing.jobs import progress_key

    job = ImportJob.objects.create(original_name="lon.csv", format="csv", file="x.csv", created_by=editor,
                                   status=ImportJob.Status.IMPORTING, total_rows=2000)
    cache.set(progress_key(job.pk), (1000, 2000))
    content = client_for(editor).get(reverse("procedures:import_job", args=[job.pk]),
                                     headers={"HX-Request": "true"}).content.decode()
    assert 'data-hx-trigger="every 1s"' in content
    assert "1000/2000" in content and "width: 50%" in content
    cache.delete(progress_key(job.pk))


def test_import_command_checks_and_imports(editor, setup, tmp_path):
    from django.core.management import CommandError, call_command

    good = tmp_path / "tot.csv"
    good.write_bytes(importdata.to_csv(importdata.rows(3, **setup)))
    call_command("import_catalogue", str(good), user="editor", dry_run=True, verbosity=0)
    assert Procedure.objects.count() == 0
    call_command("import_catalogue", str(good), user="editor", verbosity=0)
    assert Procedure.objects.count() == 3

    items = importdata.rows(3, **setup, start=700000)
    items[1]["muc_do"] = "7"
    bad = tmp_path / "loi.csv"
    bad.write_bytes(importdata.to_csv(items, delimiter=";"))  # as Excel saves it in a Vietnamese locale
    with pytest.raises(CommandError, match="1 lỗi"):
        call_command("import_catalogue", str(bad), user="editor", verbosity=0)
    assert Procedure.objects.count() == 3


def test_excel_numbers_and_new_fields(client_for, editor, setup):
    items = importdata.rows(2, **setup)
    items[0]["ma_linh_vuc"], items[0]["ten_linh_vuc"] = "Đất đai", "Đất đai"
    items[1]["ma_linh_vuc"], items[1]["ten_linh_vuc"] = "dat-dai", "Đất đai"
    items[1]["ma_thu_tuc"] = 1.00119  # what Excel keeps of 1.001190
    content = importdata.to_xlsx(items)
    job = upload(client_for(editor), content, "so.xlsx")
    assert [(e["row"], e["column"]) for e in job.errors] == [(2, "ma_linh_vuc")]
    items.pop(0)
    job = upload(client_for(editor), importdata.to_xlsx(items), "so.xlsx")
    assert job.status == ImportJob.Status.PREVIEW, job.errors
    assert job.summary["rows"][0]["code"] == "1.001190"
