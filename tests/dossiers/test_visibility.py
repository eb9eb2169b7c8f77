from dossiers.selectors import dossiers_visible_to, public_lookup
from tests.dossiers.factories import DossierFactory


def test_clerk_sees_only_dossiers_of_own_unit(org, clerk, other_clerk):
    mine = DossierFactory(receiving_unit=org.c1)
    theirs = DossierFactory(receiving_unit=org.c2)
    assert list(dossiers_visible_to(clerk)) == [mine]
    assert list(dossiers_visible_to(other_clerk)) == [theirs]


def test_higher_unit_sees_a_dossier_sent_to_it(org, officer):
    sent_up = DossierFactory(receiving_unit=org.c1, current_unit=org.department)
    DossierFactory(receiving_unit=org.c1)
    assert list(dossiers_visible_to(officer)) == [sent_up]


def test_district_supervisor_sees_communes_below_but_not_other_district(org, supervisor_d1):
    c1 = DossierFactory(receiving_unit=org.c1)
    DossierFactory(receiving_unit=org.c3)
    assert list(dossiers_visible_to(supervisor_d1)) == [c1]


def test_citizen_sees_only_own_dossiers(org, citizen):
    own = DossierFactory(receiving_unit=org.c1, citizen=citizen)
    DossierFactory(receiving_unit=org.c1)
    assert list(dossiers_visible_to(citizen)) == [own]


def test_public_lookup_needs_the_phone_digits_or_the_pin(org):
    dossier = DossierFactory(receiving_unit=org.c1, applicant_phone="0912345678")
    assert public_lookup(code=dossier.code, secret="5678") == dossier
    assert public_lookup(code=dossier.code.lower(), secret=dossier.lookup_pin) == dossier
    assert public_lookup(code=dossier.code, secret="1234") is None
    assert public_lookup(code=dossier.code, secret="") is None
    assert public_lookup(code="KHONG-CO", secret="5678") is None
