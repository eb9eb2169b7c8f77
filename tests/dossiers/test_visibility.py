from dossiers.selectors import own_dossiers, public_lookup
from tests.dossiers.factories import DossierFactory
from workflow.policies import dossiers_visible_to, visible_dossier


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


def test_citizen_sees_only_own_dossiers_and_none_on_the_staff_pages(org, citizen):
    own = DossierFactory(receiving_unit=org.c1, citizen=citizen)
    DossierFactory(receiving_unit=org.c1)
    assert list(own_dossiers(citizen)) == [own]
    assert not dossiers_visible_to(citizen).exists()


def test_public_lookup_needs_the_secret_not_the_phone_digits(org):
    dossier = DossierFactory(receiving_unit=org.c1, applicant_phone="0912345678")
    assert len(dossier.lookup_pin) == 10
    assert public_lookup(code=dossier.code, secret="5678") is None  # guessable: refused since issue 19
    assert public_lookup(code=dossier.code.lower(), secret=dossier.lookup_pin) == dossier
    assert public_lookup(code=dossier.code, secret=dossier.lookup_pin_display().lower()) == dossier
    assert public_lookup(code=dossier.code, secret="") is None
    assert public_lookup(code="KHONG-CO", secret=dossier.lookup_pin) is None


def test_receipts_printed_before_keep_their_six_digits(org):
    dossier = DossierFactory(receiving_unit=org.c1, lookup_pin="123456")
    assert public_lookup(code=dossier.code, secret="123456") == dossier
    assert dossier.lookup_pin_display() == "123456"


def test_one_dossier_is_visible_exactly_when_the_list_holds_it(
        org, clerk, other_clerk, officer, officer_c1, leader, supervisor, supervisor_d1, editor, citizen,
        django_user_model):
    """visible_dossier decides for one dossier in Python what dossiers_visible_to filters:
    receiving unit, current unit, a step held (active or done, not pending or skipped) or a
    consultation at a unit in scope; superusers see all, citizens, editors and anonymous
    visitors nothing."""
    from django.contrib.auth.models import AnonymousUser

    from dossiers.models import Dossier
    from tests.workflow.factories import ConsultationFactory, HandoffFactory, at
    from workflow.models import Handoff

    dossiers = [
        DossierFactory(receiving_unit=org.c1, citizen=citizen),
        DossierFactory(receiving_unit=org.c2),
        DossierFactory(receiving_unit=org.c3, current_unit=org.department),
        DossierFactory(receiving_unit=org.department, current_unit=org.c1),
    ]
    handled_elsewhere = DossierFactory(receiving_unit=org.c3, current_unit=org.c3)
    HandoffFactory(dossier=handled_elsewhere, unit=org.department, state=Handoff.State.DONE, started_at=at(16, 14),
                   due_at=at(19, 17), finished_at=at(18, 9))
    HandoffFactory(dossier=handled_elsewhere, unit=org.c1, state=Handoff.State.PENDING)  # not yet: not seen
    dossiers.append(handled_elsewhere)
    skipped = DossierFactory(receiving_unit=org.c3, current_unit=org.c3)
    HandoffFactory(dossier=skipped, unit=org.c1, state=Handoff.State.SKIPPED)  # never reached: not seen
    consulted = DossierFactory(receiving_unit=org.c3, current_unit=org.c3)
    ConsultationFactory(dossier=consulted, unit=org.c1, requested_by=officer)
    dossiers += [skipped, consulted]
    superuser = django_user_model.objects.create_superuser("root", "root@example.gov.vn", "x")
    users = [clerk, other_clerk, officer, officer_c1, leader, supervisor, supervisor_d1, editor, citizen, superuser,
             AnonymousUser()]
    for user in users:
        listed = set(dossiers_visible_to(user).values_list("code", flat=True))
        for dossier in dossiers:
            try:
                seen = visible_dossier(user=user, code=dossier.code).code == dossier.code
            except Dossier.DoesNotExist:
                seen = False
            assert seen == (dossier.code in listed), (user, dossier.code)
    assert {d.code for d in dossiers if d.code in set(dossiers_visible_to(officer).values_list("code", flat=True))} \
        == {dossiers[2].code, dossiers[3].code, handled_elsewhere.code}
    assert not dossiers_visible_to(officer_c1).filter(code__in=[handled_elsewhere.code, skipped.code]).exists()
    assert dossiers_visible_to(officer_c1).filter(code=consulted.code).exists()
    assert not dossiers_visible_to(editor).exists() and not dossiers_visible_to(citizen).exists()
