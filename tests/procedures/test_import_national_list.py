"""Issue 21, item 6: a list exported by the national procedure database (per authority: code,
name, level, field, implementing agency, decision) starts a province's localisation as drafts."""

import pytest
from django.urls import reverse

from portal.models import Role
from procedures.models import Field, ImportJob, Procedure, ProcedureVersion
from tests.factories import staff

from . import national
from .factories import FieldFactory, published_version
from .test_import_export import run_on_commit, upload  # noqa: F401 — the autouse fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_national_list_creates_drafts_for_editors_to_complete(client_for, editor, org, media, fmt):
    FieldFactory(code="ho-tich", name="Hộ tịch")
    client = client_for(editor)
    lines = national.national_list(6, agency=org.c1.name)
    content = national.list_to_xlsx(lines) if fmt == "xlsx" else national.list_to_csv(lines)
    job = upload(client, content, f"danh-sach-quoc-gia.{fmt}")
    assert job.status == ImportJob.Status.PREVIEW, job.errors
    assert (job.summary["create"], job.summary["update"], job.summary["unchanged"]) == (6, 0, 0)
    page = client.get(reverse("procedures:import_job", args=[job.pk])).content.decode()
    assert "6 thủ tục mới được tạo dưới dạng bản nháp" in page
    assert Procedure.objects.count() == 0

    client.post(reverse("procedures:import_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE, job.message
    versions = ProcedureVersion.objects.filter(procedure__national_code__startswith="1.7").order_by(
        "procedure__national_code")
    assert [v.status for v in versions] == ["draft"] * 6
    first, second = versions[0], versions[1]
    assert first.procedure.national_code == "1.700000"  # six digits back from Excel's 1.7
    assert first.name == "Thủ tục danh sách quốc gia số 0" and first.decision_number == "1000/QĐ-BTP"
    assert first.procedure.field.code == "ho-tich"  # the group line, matched by name
    assert second.procedure.field.name == "Chứng thực"  # a new field from the group line
    assert (first.authority_level.code, list(first.other_levels.values_list("code", flat=True))) == ("commune", [])
    assert list(second.other_levels.values_list("code", flat=True)) == ["district"]
    assert list(first.implementing_units.all()) == [org.c1]  # the agency named a unit of the portal
    assert first.created_by == editor and not first.steps.exists()
    # The editor completes the draft on the usual page.
    assert client.get(reverse("procedures:version", args=["1.700000", 1])).status_code == 200


def test_an_agency_that_is_no_unit_is_kept_in_the_draft_note(client_for, editor, org, media):
    job = upload(client_for(editor), national.list_to_xlsx(national.national_list(2)), "ds.xlsx")
    client_for(editor).post(reverse("procedures:import_confirm", args=[job.pk]))
    version = ProcedureVersion.objects.get(procedure__national_code="1.700000")
    assert not version.implementing_units.exists()
    assert version.change_note == ("Nhập từ danh sách thủ tục của Cơ sở dữ liệu quốc gia. "
                                   "Cơ quan thực hiện: UBND cấp xã.")


def test_codes_already_in_the_catalogue_are_left_alone(client_for, editor, org, media):
    existing = published_version(code="1.700001", name="Đã bản địa hóa", receiving=[org.c1])
    job = upload(client_for(editor), national.list_to_xlsx(national.national_list(4)), "ds.xlsx")
    assert (job.summary["create"], job.summary["unchanged"]) == (3, 1)
    client_for(editor).post(reverse("procedures:import_confirm", args=[job.pk]))
    assert list(ProcedureVersion.objects.filter(procedure=existing.procedure).values_list("status", "name")) == [
        ("published", "Đã bản địa hóa")]


def test_bad_lines_of_a_national_list_are_named_and_nothing_is_written(client_for, editor, org, media):
    lines = national.national_list(4)
    lines[4][3] = ""  # no level
    lines[5][1] = "ABC"
    lines[-1][2] = ""  # no name
    job = upload(client_for(editor), national.list_to_csv(lines), "ds.csv")
    assert job.status == ImportJob.Status.INVALID
    assert {(e["row"], e["column"]) for e in job.errors} == {
        (5, "Cấp thực hiện"), (6, "Mã thủ tục"), (len(lines), "Tên thủ tục")}
    assert not Field.objects.filter(name="Chứng thực").exists() and Procedure.objects.count() == 0


def test_a_file_that_is_neither_format_names_the_missing_columns(client_for, editor, org, media):
    job = upload(client_for(editor), national.list_to_csv([["Tên", "Ghi chú"], ["a", "b"]]), "khac.csv")
    assert job.status == ImportJob.Status.INVALID
    assert job.errors[0]["message"].startswith("Thiếu cột bắt buộc: ma_thu_tuc")


def test_a_clerk_cannot_import_a_national_list(client_for, org, media):
    clerk = staff(Role.CLERK, org.c1)
    response = client_for(clerk).post(reverse("procedures:import"), {})
    assert response.status_code == 403
