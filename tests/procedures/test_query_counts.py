"""Query-count gates of the catalogue's list pages: each costs the same number of queries for
2 rows as for 12, and the rows made really are on the page.

Gated elsewhere: the public catalogue (test_public_pages) and the editor's procedure list
(test_editor_pages)."""

import csv
import datetime
import io
import itertools
from decimal import Decimal

import pytest
from django.urls import reverse

from procedures.models import ComponentRequirement, Fee, ImportJob, RouteStep
from tests.factories import level
from tests.helpers import assert_queries_do_not_grow

from .factories import FieldFactory, LegalDocumentFactory, ProcedureFactory, VersionFactory, published_version

pytestmark = pytest.mark.django_db


def _codes():
    """Distinct national codes, so the rows of one test never collide."""
    return (f"1.{n:06d}" for n in itertools.count(700000))


def _add_version_rows(version, n, start):
    """n more components, route steps (with a handler unit), fees and legal documents."""
    for i in range(start, start + n):
        ComponentRequirement.objects.create(version=version, order=100 + i, name=f"Giấy tờ số {i}", originals=1)
        RouteStep.objects.create(version=version, order=100 + i, action=f"Bước xử lý số {i}", budget=Decimal("0.5"),
                                 handler_unit=version.receiving_units.first())
        Fee.objects.create(version=version, order=100 + i, name=f"Lệ phí số {i}", amount=1000 + i)
        replacement = LegalDocumentFactory(number=f"{i}/2025/TT-BTP")
        version.legal_documents.add(LegalDocumentFactory(number=f"{i}/2016/TT-BTP", replaced_by=replacement))


def test_public_procedure_detail_query_count_does_not_grow(client, org):
    version = published_version(code="1.001193", name="Đăng ký khai sinh", receiving=[org.c1])
    made = itertools.count()

    def make_rows(n):
        _add_version_rows(version, n, next(made) * 100)

    assert_queries_do_not_grow(make_rows=make_rows, fetch=lambda: client.get("/procedures/1.001193/"))
    body = client.get("/procedures/1.001193/").content.decode()
    assert body.count("Bước xử lý số") == 12 and body.count("Giấy tờ số") == 12 and body.count("Lệ phí số") == 12
    assert "102/2016/TT-BTP" in body


def test_legal_basis_report_query_count_does_not_grow(client_for, editor):
    client = client_for(editor)
    codes = _codes()
    made = []

    def make_rows(n):
        for _ in range(n):
            version = published_version(code=next(codes), name=f"Thủ tục căn cứ cũ {len(made)}")
            old = LegalDocumentFactory(number=f"{len(made)}/2010/NĐ-CP", expired_on=datetime.date(2024, 1, 1),
                                       replaced_by=LegalDocumentFactory(number=f"{len(made)}/2024/NĐ-CP"))
            version.legal_documents.add(old)
            made.append(version)

    url = reverse("procedures:legal_report")
    assert_queries_do_not_grow(make_rows=make_rows, fetch=lambda: client.get(url))
    body = client.get(url).content.decode()
    assert all(v.procedure.national_code in body for v in made) and "Được thay thế bởi 11/2024/NĐ-CP" in body


def test_fields_list_query_count_does_not_grow(client_for, editor):
    client = client_for(editor)
    made = []

    def make_rows(n):
        for _ in range(n):
            field = FieldFactory(name=f"Lĩnh vực thử số {len(made)}")
            ProcedureFactory(field=field)
            made.append(field)

    url = reverse("procedures:fields")
    assert_queries_do_not_grow(make_rows=make_rows, fetch=lambda: client.get(url))
    body = client.get(url).content.decode()
    assert all(reverse("procedures:field_edit", args=[f.pk]) in body for f in made)


def test_legal_documents_list_query_count_does_not_grow(client_for, editor):
    client = client_for(editor)
    codes = _codes()
    made = []

    def make_rows(n):
        for _ in range(n):
            document = LegalDocumentFactory(number=f"{len(made)}/2019/QĐ-UBND",
                                            replaced_by=LegalDocumentFactory(number=f"{len(made)}/2025/QĐ-UBND"))
            published_version(code=next(codes)).legal_documents.add(document)
            made.append(document)

    url = reverse("procedures:legal_documents")
    assert_queries_do_not_grow(make_rows=make_rows, fetch=lambda: client.get(url))
    body = client.get(url).content.decode()
    assert all(reverse("procedures:legal_document_edit", args=[d.pk]) in body for d in made)
    assert "Được thay thế bởi 11/2025/QĐ-UBND" in body


def test_recent_imports_list_query_count_does_not_grow(client_for, editor):
    client = client_for(editor)

    def make_rows(n):
        for _ in range(n):
            name = f"danh-muc-{ImportJob.objects.count()}.csv"
            ImportJob.objects.create(file=f"procedures/imports/{name}", original_name=name, format="csv",
                                     created_by=editor, status=ImportJob.Status.DONE)

    url = reverse("procedures:import")
    # The page shows the last ten imports.
    assert_queries_do_not_grow(make_rows=make_rows, fetch=lambda: client.get(url), small=2, large=9)
    assert client.get(url).content.decode().count("danh-muc-") == 9


def test_draft_version_editor_query_count_does_not_grow(client_for, editor, org):
    version = VersionFactory(procedure=ProcedureFactory(national_code="1.001193"), number=1)
    version.receiving_units.add(org.c1)
    made = itertools.count()

    def make_rows(n):
        _add_version_rows(version, n, next(made) * 100)

    client = client_for(editor)
    url = reverse("procedures:version", args=["1.001193", 1])
    assert_queries_do_not_grow(make_rows=make_rows, fetch=lambda: client.get(url))
    body = client.get(url).content.decode()
    assert body.count("Bước xử lý số") == 12 and body.count("Giấy tờ số") == 12 and body.count("Lệ phí số") == 12


def test_published_version_page_query_count_does_not_grow(client_for, editor, org):
    version = published_version(code="1.001193", name="Đăng ký khai sinh", receiving=[org.c1])
    made = itertools.count()

    def make_rows(n):
        _add_version_rows(version, n, next(made) * 100)

    client = client_for(editor)
    url = reverse("procedures:version", args=["1.001193", 1])
    assert_queries_do_not_grow(make_rows=make_rows, fetch=lambda: client.get(url))
    body = client.get(url).content.decode()
    assert body.count("Bước xử lý số") == 12 and body.count("Giấy tờ số") == 12 and "102/2016/TT-BTP" in body


def test_version_history_query_count_does_not_grow(client_for, editor, org):
    version = VersionFactory(procedure=ProcedureFactory(national_code="1.001193"), number=1)
    made = itertools.count()

    def make_rows(n):
        """n components created then renamed, and n edits of the version itself: 3n entries."""
        for _ in range(n):
            i = next(made)
            component = ComponentRequirement.objects.create(version=version, order=i, name=f"Tờ khai {i}",
                                                            originals=1)
            component.name = f"Tờ khai đã sửa {i}"
            component.save()
            version.processing_time = Decimal(10 + i)
            version.authority_level = level("commune" if i % 2 else "district")
            version.save()

    client = client_for(editor)
    url = reverse("procedures:history", args=["1.001193", 1])
    assert_queries_do_not_grow(make_rows=make_rows, fetch=lambda: client.get(url))
    body = client.get(url).content.decode()
    # A header, the version's creation, then per row: created, renamed, version edited (two fields).
    assert body.count("<tr>") == 1 + 1 + 3 * 12 and body.count("<del>") == 12 + 2 * 12
    assert "<del>Tờ khai 11</del> → Tờ khai đã sửa 11" in body


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_catalogue_export_query_count_does_not_grow(client_for, editor, org, fmt):
    client = client_for(editor)
    codes = _codes()
    made = []

    def make_rows(n):
        for _ in range(n):
            version = published_version(code=next(codes), name=f"Thủ tục xuất {len(made)}", receiving=[org.c1])
            _add_version_rows(version, 2, len(made) * 100)
            made.append(version)

    url = reverse("procedures:export")
    assert_queries_do_not_grow(make_rows=make_rows, fetch=lambda: client.get(url, {"format": fmt}))
    response = client.get(url, {"format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 1 + 12 and made[-1].procedure.national_code in {row[0] for row in rows}

