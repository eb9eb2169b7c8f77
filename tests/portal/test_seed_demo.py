import pytest
from django.core.management import CommandError, call_command

from portal.models import Membership, Role, Unit, User


def test_seed_demo_is_refused_without_debug(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo")


def test_seed_demo_is_idempotent_and_covers_every_role(db, settings):
    settings.DEBUG = True
    call_command("seed_demo")
    counts = (Unit.objects.count(), User.objects.count(), Membership.objects.count())
    call_command("seed_demo")
    assert (Unit.objects.count(), User.objects.count(), Membership.objects.count()) == counts
    assert Unit.objects.filter(level__code="district").count() >= 2
    assert Unit.objects.filter(level__code="commune").count() >= 4
    assert set(Membership.objects.values_list("role", flat=True)) == set(Role.values)
    clerk = User.objects.get(username="motcua.phandinhphung")
    assert clerk.check_password(settings.DEMO_PASSWORD)
    assert Unit.objects.get(code="H56.20.01").name == "Ủy ban nhân dân phường Phan Đình Phùng"


def test_seed_demo_runs_with_force_outside_debug(db, settings):
    settings.DEBUG = False
    call_command("seed_demo", "--force")
    assert User.objects.filter(username="giamsat.tinh").exists()


def test_seed_demo_creates_dossiers_in_every_state(db, settings):
    from dossiers.models import Dossier, Status

    settings.DEBUG = True
    call_command("seed_demo")
    count = Dossier.objects.count()
    assert set(Dossier.objects.values_list("status", flat=True)) == set(Status.values)
    assert Dossier.objects.values("receiving_unit").distinct().count() >= 4
    call_command("seed_demo")
    assert Dossier.objects.count() == count
