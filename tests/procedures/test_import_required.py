"""Issue 21, "required means required": an empty list of receiving units, legal bases,
components or route steps is refused in every format, with the row and the column."""

import pytest

from procedures.models import ImportJob

from . import importdata, national
from .factories import FieldFactory, LegalDocumentFactory
from .test_import_export import run_on_commit, upload  # noqa: F401 — the autouse fixture

pytestmark = pytest.mark.django_db

LISTS = ["noi_tiep_nhan", "can_cu_phap_ly", "thanh_phan", "quy_trinh"]


@pytest.fixture
def items(org, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    FieldFactory(code="ho-tich", name="Hộ tịch")
    LegalDocumentFactory(number="60/2014/QH13")
    return national.catalogue(3, units=[org.c1.code], documents=["60/2014/QH13"])


@pytest.mark.parametrize("empty", [[], [""], None, "missing"])
def test_json_empty_lists_are_refused(client_for, editor, items, empty):
    for column, item in zip(LISTS, [items[0], items[1], items[2], items[0]], strict=True):
        if empty == "missing":
            del item[column]
        else:
            item[column] = empty
    job = upload(client_for(editor), importdata.to_json(items), "x.json")
    assert job.status == ImportJob.Status.INVALID
    assert {(e["row"], e["column"]) for e in job.errors} == {
        (1, "noi_tiep_nhan"), (2, "can_cu_phap_ly"), (3, "thanh_phan"), (1, "quy_trinh")}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("empty_codes,empty_lines", [("", ""), ("  ", "  "), (" ; ", " | "), ("\n \n", "\n \n")])
def test_spreadsheet_empty_lists_are_refused(client_for, editor, items, fmt, empty_codes, empty_lines):
    cells = national.as_cells(items)
    for column, row in zip(LISTS, [cells[0], cells[1], cells[2], cells[2]], strict=True):
        row[column] = empty_codes if column in {"noi_tiep_nhan", "can_cu_phap_ly"} else empty_lines
    job = upload(client_for(editor), getattr(importdata, f"to_{fmt}")(cells), f"x.{fmt}")
    assert job.status == ImportJob.Status.INVALID
    assert {(e["row"], e["column"]) for e in job.errors} == {
        (2, "noi_tiep_nhan"), (3, "can_cu_phap_ly"), (4, "thanh_phan"), (4, "quy_trinh")}
