"""Accent-, case- and word-order-insensitive search. The suite runs on PostgreSQL, where the
unaccent + trigram path is used; the SQLite fallback column is checked separately."""

import pytest
from django.db import connection

from procedures import selectors
from procedures.models import Procedure
from procedures.text import query_words, search_key

from .factories import published_version


@pytest.fixture
def catalogue(org):
    names = [
        ("1.001193", "Đăng ký khai sinh"),
        ("1.000894", "Đăng ký kết hôn"),
        ("1.004859", "Đăng ký lại khai sinh"),
        ("1.000656", "Đăng ký khai tử"),
        ("2.000815", "Chứng thực bản sao từ bản chính giấy tờ, văn bản"),
        ("2.001417", "Cấp Phiếu lý lịch tư pháp"),
        ("1.009994", "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ"),
    ]
    return {code: published_version(code=code, name=name, receiving=[org.c1]) for code, name in names}


def names(query, **filters):
    return [v.procedure.name for v in selectors.public_versions(query=query, **filters)]


def test_runs_on_postgresql(db):
    assert connection.vendor == "postgresql"


@pytest.mark.parametrize(
    "query", ["dang ky khai sinh", "khai sinh", "KHAI SINH", "Đăng ký khai sinh", "khai sinh dang ky", "  Khai   SINH "]
)
def test_birth_registration_is_found_whatever_the_accents_case_and_order(catalogue, query):
    assert "Đăng ký khai sinh" in names(query)


def test_all_words_must_match(catalogue):
    assert names("khai sinh lai") == ["Đăng ký lại khai sinh"]
    assert names("khai sinh ket hon") == []


def test_the_closest_name_ranks_first(catalogue):
    assert names("dang ky khai sinh")[0] == "Đăng ký khai sinh"


def test_d_with_stroke_matches_d(catalogue):
    assert names("ĐĂNG KÝ KẾT HÔN") == ["Đăng ký kết hôn"]
    assert names("dang ky ket hon") == ["Đăng ký kết hôn"]


def test_decomposed_unicode_input_is_normalised(catalogue):
    import unicodedata

    assert "Đăng ký khai sinh" in names(unicodedata.normalize("NFD", "khai sinh"))
    assert names(unicodedata.normalize("NFD", "lý lịch tư pháp")) == ["Cấp Phiếu lý lịch tư pháp"]


def test_search_by_national_code(catalogue):
    assert names("1.001193") == ["Đăng ký khai sinh"]


def test_nothing_found_for_unrelated_words(catalogue):
    assert names("hộ chiếu") == []
    assert names("!!!") == []


def test_drafts_and_retired_procedures_are_not_listed(catalogue, org):
    from procedures.models import ProcedureVersion

    ProcedureVersion.objects.filter(procedure__national_code="1.000656").update(status="draft")
    assert "Đăng ký khai tử" not in names("khai tu")


def test_sqlite_fallback_column_is_unaccented_lower_case(catalogue):
    procedure = Procedure.objects.get(national_code="1.001193")
    assert procedure.search_text == "dang ky khai sinh 1.001193"
    assert search_key("Ủy ban nhân dân xã ĐỒNG TÂM") == "uy ban nhan dan xa dong tam"
    assert query_words("Đăng  ký, khai-sinh đăng") == ["dang", "ky", "khai", "sinh"]


def test_the_trigram_index_exists(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'procedures_procedure_name_trgm'")
        (definition,) = cursor.fetchone()
    assert "gin_trgm_ops" in definition and "portal_unaccent" in definition


def test_sqlite_fallback_path_finds_the_same(catalogue, monkeypatch):
    """`make run` uses SQLite: the stored search_text column, AND of words."""
    from types import SimpleNamespace

    monkeypatch.setattr(selectors, "connection", SimpleNamespace(vendor="sqlite"))
    assert "Đăng ký khai sinh" in names("KHAI SINH dang ky")
    assert names("khai sinh lai") == ["Đăng ký lại khai sinh"]
    assert names("ĐĂNG KÝ KẾT HÔN") == ["Đăng ký kết hôn"]
