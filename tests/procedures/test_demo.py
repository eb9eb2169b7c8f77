import pytest
from django.core.management import call_command

from procedures.models import Procedure, ProcedureVersion, RouteStep
from procedures.services import publish_problems

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings, tmp_path):
    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", verbosity=0)


def test_demo_catalogue_has_the_real_procedures_and_enough_others(seeded):
    assert Procedure.objects.in_force().count() >= 34
    assert Procedure.objects.values("field").distinct().count() >= 9
    birth = Procedure.objects.get(national_code="1.001193").current_version()
    assert birth.name == "Đăng ký khai sinh"
    assert birth.time_unit == ProcedureVersion.TimeUnit.SAME_DAY
    assert {d.number for d in birth.legal_documents.all()} >= {"60/2014/QH13", "123/2015/NĐ-CP", "04/2020/TT-BTP"}
    assert birth.components.filter(name__startswith="Tờ khai đăng ký khai sinh").exclude(form_template="").exists()
    assert birth.fees.filter(amount=8000).exists()
    judicial = Procedure.objects.get(national_code="2.001417").current_version()
    assert judicial.fees.get().amount == 200000 and judicial.processing_time == 10
    assert judicial.steps.filter(handler_unit__code="H56.15").exists()


def test_every_demo_version_satisfies_the_publish_rules(seeded):
    for version in ProcedureVersion.objects.in_force():
        # "a later version already published" is the only acceptable complaint: none exist.
        assert publish_problems(version) == [], version


def test_a_three_level_route_exists(seeded):
    tiers = set(
        RouteStep.objects.filter(version__procedure__national_code="1.004227", handler_level__isnull=False)
        .values_list("handler_level__tier", flat=True)
    )
    assert tiers == {1, 2, 3}


def test_seeding_twice_creates_nothing_new(seeded):
    count = ProcedureVersion.objects.count()
    call_command("seed_demo", verbosity=0)
    assert ProcedureVersion.objects.count() == count


def test_the_legal_report_has_demo_cases(seeded):
    from django.contrib.auth import get_user_model

    from procedures.selectors import legal_basis_report

    editor = get_user_model().objects.get(username="bientap.tinh")
    codes = {v.procedure.national_code for v in legal_basis_report(user=editor)}
    assert {"1.004837", "1.009995", "1.001990"} <= codes
