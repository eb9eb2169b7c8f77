"""The benchmark generator writes consistent data (it is measured, so it must be right)."""

import io
from collections import Counter

import pytest
from django.db.models import Count

from bench import generate_load
from dossiers.models import Dossier, DossierEvent, Status
from workflow.models import Handoff


def generate(seed=3):
    generate_load.main(["--dossiers", "400", "--procedures", "40", "--citizens", "50", "--seed", str(seed)],
                       stdout=io.StringIO())


def test_generated_province_is_consistent(db):
    generate()
    dossiers = Dossier.objects.all()
    assert dossiers.count() == 400
    assert dossiers.values("code").distinct().count() == 400
    statuses = Counter(dossiers.values_list("status", flat=True))
    assert {Status.RETURNED, Status.PROCESSING, Status.SUBMITTED} <= set(statuses)
    # At most one active step per dossier, and every received dossier has its route.
    assert not Handoff.objects.filter(state="active").values("dossier").annotate(n=Count("pk")).filter(n__gt=1)
    received = dossiers.exclude(received_at=None)
    assert received.count() == received.filter(handoffs__order=0).count()
    assert DossierEvent.objects.filter(transition="receive").count() == received.count()
    returned = dossiers.filter(status=Status.RETURNED)
    assert not returned.filter(returned_at=None).exists() and not returned.filter(finished_at=None).exists()


def test_generation_is_deterministic_and_not_repeated(db):
    from django.db import transaction

    def snapshot(seed):
        with transaction.atomic():
            generate(seed)
            generate(seed)  # a second run adds nothing
            rows = list(Dossier.objects.order_by("code").values_list("code", "status", "applicant_name", "due_at"))
            transaction.set_rollback(True)
        return rows

    first = snapshot(3)
    assert len(first) == 400
    assert snapshot(3) == first
    assert snapshot(4) != first


def test_recent_dossiers_follow_their_route_timeline(db):
    """Over the last weeks the state is where `now` falls on the route: no result dated after
    the work that led to it, and the open dossiers are not mostly past their due dates."""
    from django.db.models import F
    from django.utils import timezone

    from bench import loadgen

    loadgen.generate(dossiers=300, seed=5, procedures=30, citizens=30, years=0.08)  # the last month
    now = timezone.now()
    finished = Dossier.objects.exclude(finished_at=None)
    assert finished.exists() and not finished.filter(finished_at__gt=now).exists()
    assert not Handoff.objects.filter(state="done", kind="process", dossier__finished_at__isnull=False,
                                      finished_at__gt=F("dossier__finished_at")).exists()
    running = Handoff.objects.filter(state="active", dossier__status__in=[Status.RECEIVED, Status.PROCESSING])
    assert running.count() >= 10
    assert running.filter(due_at__lt=now).count() < running.count() / 2


def _definitions(tables):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT indexrelid::regclass::text, CASE WHEN indisprimary THEN 'p' ELSE 'i' END "
                       "FROM pg_index WHERE indrelid = ANY(%s::regclass[]) "
                       "UNION ALL SELECT conname::text, contype::text FROM pg_constraint "
                       "WHERE conrelid = ANY(%s::regclass[])",
                       [tables, tables])
        return sorted(cursor.fetchall())


def test_large_loads_rebuild_every_index_and_constraint(db):
    """Indexes and constraints dropped for a bulk load come back, all of them, and are checked."""
    from django.db import IntegrityError, transaction

    from bench import loadgen

    models = (Dossier, Handoff)
    tables = [m._meta.db_table for m in models]
    before = _definitions(tables)
    assert len(before) > 20
    with transaction.atomic():
        with loadgen.rebuilt_after(*models):
            # Only primary keys and check constraints stay (cheap per row, nothing to rebuild).
            assert _definitions(tables) == [(name, kind) for name, kind in before if kind in "pc"]
    assert {kind for _name, kind in before} == set("pcfui")
    assert _definitions(tables) == before
    generate()  # the generated rows satisfy them (the 400 here are below REBUILD_FROM: maintained)
    # A row that breaks a foreign key is refused when the constraint comes back.
    with transaction.atomic():
        with pytest.raises(IntegrityError):
            with transaction.atomic(), loadgen.rebuilt_after(Handoff):
                handoff = Handoff.objects.first()
                Handoff.objects.filter(pk=handoff.pk).update(dossier_id=10**9)
    assert _definitions(tables) == before


def test_a_load_above_the_threshold_takes_the_rebuild_path(db, monkeypatch):
    from bench import loadgen

    monkeypatch.setattr(loadgen, "REBUILD_FROM", 100)
    calls = []
    real = loadgen.rebuilt_after

    def spy(*models):
        calls.append(models)
        return real(*models)

    monkeypatch.setattr(loadgen, "rebuilt_after", spy)
    generate()
    assert calls and Dossier in calls[0]
    assert Dossier.objects.count() == 400
    assert not Handoff.objects.filter(state="active").values("dossier").annotate(n=Count("pk")).filter(n__gt=1)
