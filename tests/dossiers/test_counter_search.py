"""The counter's search: code, personal ID, or the applicant's name without accents."""

from django.urls import reverse

from tests.dossiers.factories import DossierFactory


def search(client, q):
    """The codes in the search results (the page also lists today's receptions)."""
    return [d.code for d in client.get(reverse("dossiers:counter"), {"q": q}).context["results"]]


def test_counter_name_search_without_accents_finds_the_accented_name(client_for, clerk, org):
    found = DossierFactory(receiving_unit=org.c1, applicant_name="Nguyễn Văn An")
    codes = search(client_for(clerk), "nguyen van an")
    assert found.code in codes


def test_counter_name_search_ignores_case_word_order_and_the_letter_d(client_for, clerk, org):
    found = DossierFactory(receiving_unit=org.c1, applicant_name="Đỗ Thị Hằng")
    codes = search(client_for(clerk), "HANG do")
    assert found.code in codes


def test_counter_name_search_needs_every_word(client_for, clerk, org):
    other = DossierFactory(receiving_unit=org.c1, applicant_name="Nguyễn Văn Bình")
    codes = search(client_for(clerk), "nguyen van an")
    assert other.code not in codes


def test_counter_name_search_stays_in_the_clerks_unit(client_for, clerk, org):
    elsewhere = DossierFactory(receiving_unit=org.c2, applicant_name="Nguyễn Văn An")
    codes = search(client_for(clerk), "nguyen van an")
    assert elsewhere.code not in codes


def test_counter_search_by_code_still_matches_exactly(client_for, clerk, org):
    found = DossierFactory(receiving_unit=org.c1, applicant_name="Lê Văn Cường")
    codes = search(client_for(clerk), found.code.lower())
    assert found.code in codes
