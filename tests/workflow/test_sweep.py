import threading

import pytest
from django.db import connection

from dossiers.models import Status
from portal.models import Membership
from tests.dossiers.factories import DossierFactory
from tests.workflow.factories import ApologyFactory, ConsultationFactory, HandoffFactory, at
from workflow.deadlines.sweep import sweep
from workflow.models import DeadlineMark, Handoff, HandoffMark, Notification

# Monday 23 November 2026, 10:00 in Hà Nội: a working day.
NOW = at(23, 10)


def dossier_with_step(unit, *, step_due, dossier_due=None, assignee=None, status=Status.PROCESSING, **fields):
    dossier = DossierFactory(receiving_unit=unit, status=status, received_at=at(18, 9),
                             due_at=dossier_due or at(27, 17))
    handoff = HandoffFactory(dossier=dossier, unit=unit, order=1, state=Handoff.State.ACTIVE, started_at=at(18, 9),
                             due_at=step_due, assignee=assignee, **fields)
    return dossier, handoff


def marks(handoff):
    return list(HandoffMark.objects.filter(handoff=handoff).order_by("marked_at", "pk").values_list(
        "threshold", flat=True))


def received(kind):
    return set(Notification.objects.filter(kind=kind).values_list("recipient__username", "channel"))


def test_an_overdue_step_notifies_its_unit_and_escalates_to_leader_and_supervisors_once(
        org, officer_c1, leader_c1, supervisor_d1, supervisor, other_clerk):
    dossier, handoff = dossier_with_step(org.c1, step_due=at(23, 9))
    counts = sweep(now=NOW)
    assert counts["overdue"] == 1
    assert marks(handoff) == ["overdue"]
    assert received("overdue") == {("officer_c1", "in_app"), ("leader_c1", "in_app")}
    assert received("escalated") == {(name, channel) for name in ("leader_c1", "supervisor_d1", "supervisor")
                                     for channel in ("in_app", "email")}
    row = Notification.objects.filter(kind="escalated").first()
    assert row.context["codes"] == [dossier.code] and row.context["count"] == 1
    total = Notification.objects.count()
    again = sweep(now=NOW)
    assert again["overdue"] == 0 and Notification.objects.count() == total


def test_each_threshold_is_announced_once_as_time_passes(org, officer_c1):
    _dossier, handoff = dossier_with_step(org.c1, step_due=at(24, 9), assignee=officer_c1)
    assert sweep(now=NOW)["due_soon"] == 1
    assert sweep(now=at(23, 16))["due_soon"] == 0
    assert sweep(now=at(24, 8))["due_today"] == 1
    assert sweep(now=at(24, 10))["overdue"] == 1
    assert marks(handoff) == ["due_soon", "due_today", "overdue"]
    assert list(Notification.objects.filter(recipient=officer_c1).order_by("pk").values_list("kind", flat=True)) \
        == ["due_soon", "due_today", "overdue"]


def test_regular_passes_look_back_an_hour_and_hourly_passes_look_at_everything(org, officer_c1, settings):
    settings.WORKFLOW_SWEEP_LOOKBACK = 60
    _dossier, old = dossier_with_step(org.c1, step_due=at(20, 9), dossier_due=at(20, 9), assignee=officer_c1)
    _dossier, recent = dossier_with_step(org.c1, step_due=at(23, 9, 30), assignee=officer_c1)
    counts = sweep(now=at(23, 10, 10), full=False)
    assert counts["overdue"] == 1 and marks(recent) == ["overdue"] and marks(old) == []
    assert counts["dossier_overdue"] == 0
    counts = sweep(now=at(23, 11, 0))  # first pass of the hour
    assert counts["overdue"] == 1 and marks(old) == ["overdue"] and counts["dossier_overdue"] == 1


def test_a_resumed_step_with_a_new_due_date_can_cross_again(org, officer_c1):
    _dossier, handoff = dossier_with_step(org.c1, step_due=at(23, 9), assignee=officer_c1)
    assert sweep(now=NOW)["overdue"] == 1
    Handoff.objects.filter(pk=handoff.pk).update(due_at=at(23, 9, 45))
    assert sweep(now=NOW)["overdue"] == 1
    assert marks(handoff) == ["overdue", "overdue"]


def test_a_share_of_the_budget_can_define_due_soon(org, officer_c1, settings):
    settings.WORKFLOW_DUE_SOON = "75%"
    # Started Wednesday 18th, due Friday 27th: 75% of the way is about Wednesday 25th.
    dossier_with_step(org.c1, step_due=at(27, 9), assignee=officer_c1)
    assert sweep(now=NOW)["due_soon"] == 0
    assert sweep(now=at(25, 12))["due_soon"] == 1


def test_a_dossier_waiting_for_supplementation_is_not_overdue(org, officer_c1):
    dossier_with_step(org.c1, step_due=at(23, 9), status=Status.SUPPLEMENT_REQUESTED, dossier_due=at(23, 8))
    counts = sweep(now=NOW)
    assert counts["overdue"] == 0 and counts["dossier_overdue"] == 0


def test_a_dossier_past_its_appointment_is_escalated_once_per_due_date(org, leader_c1, supervisor_d1):
    dossier, _handoff = dossier_with_step(org.c1, step_due=at(27, 9), dossier_due=at(23, 9))
    assert sweep(now=NOW)["dossier_overdue"] == 1
    assert received("dossier_overdue") >= {("leader_c1", "email"), ("supervisor_d1", "in_app")}
    assert sweep(now=NOW)["dossier_overdue"] == 0
    # The appointment moved (an apology) and passed again: a new crossing.
    type(dossier).objects.filter(pk=dossier.pk).update(due_at=at(23, 9, 30))
    assert sweep(now=NOW)["dossier_overdue"] == 1
    assert DeadlineMark.objects.filter(dossier=dossier, threshold="overdue").count() == 2


def test_units_are_reminded_that_an_apology_is_due_unless_one_exists(org, officer_c1, leader_c1):
    late, _ = dossier_with_step(org.c1, step_due=at(27, 9), dossier_due=at(24, 9))
    excused, _ = dossier_with_step(org.c1, step_due=at(27, 9), dossier_due=at(24, 9))
    ApologyFactory(dossier=excused, drafted_by=officer_c1)
    assert sweep(now=NOW)["dossier_apology_due"] == 1
    row = Notification.objects.get(kind="apology_due", recipient=leader_c1)
    assert row.context["codes"] == [late.code]
    assert sweep(now=NOW)["dossier_apology_due"] == 0


def test_a_late_consultation_is_escalated_to_the_head_of_the_counter(org, clerk, officer, officer_c1):
    Membership.objects.filter(user=clerk).update(is_head=True)
    dossier, _ = dossier_with_step(org.c1, step_due=at(27, 9))
    consultation = ConsultationFactory(dossier=dossier, unit=org.department, requested_by=officer_c1,
                                       due_at=at(23, 9))
    ConsultationFactory(dossier=dossier, unit=org.c2, requested_by=officer_c1, due_at=at(25, 9))
    assert sweep(now=NOW)["consultation_late"] == 1
    assert received("consultation_late") == {("clerk", "in_app"), ("clerk", "email")}
    consultation.refresh_from_db()
    assert consultation.notified == ["late"]
    assert sweep(now=NOW)["consultation_late"] == 0


@pytest.mark.skipif("connection.vendor != 'postgresql'")
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_the_same_moment_never_double(org, officer_c1, leader_c1, supervisor_d1):
    for _ in range(30):
        dossier_with_step(org.c1, step_due=at(23, 9), dossier_due=at(23, 8))
    barrier, results, errors = threading.Barrier(2), [], []

    def run():
        try:
            barrier.wait()
            results.append(sweep(now=NOW))
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sum(r["overdue"] for r in results) == 30
    assert sum(r["dossier_overdue"] for r in results) == 30
    assert HandoffMark.objects.filter(threshold="overdue").count() == 30
    assert DeadlineMark.objects.filter(threshold="overdue").count() == 30
    # The escalation codes of both passes together name each dossier exactly once.
    rows = Notification.objects.filter(kind="escalated", recipient=leader_c1, channel="in_app")
    codes = [code for row in rows for code in row.context["codes"]]
    assert sum(row.context["count"] for row in rows) == 30 and len(codes) == len(set(codes))


# --- digests, catalogue watch, the in-process scheduler ----------------------------------------


def test_each_leader_and_supervisor_gets_one_digest_a_day_with_their_units_figures(
        org, leader_c1, supervisor_d1, officer_c1):
    from workflow.deadlines.digests import send_digests

    dossier_with_step(org.c1, step_due=at(27, 9), dossier_due=at(23, 9))   # overdue
    dossier_with_step(org.c1, step_due=at(27, 9), dossier_due=at(23, 16))  # due today
    dossier_with_step(org.c3, step_due=at(27, 9), dossier_due=at(23, 9))   # another district
    assert send_digests(now=NOW) == 2
    assert send_digests(now=NOW) == 0
    row = Notification.objects.get(kind="digest", recipient=leader_c1, channel="in_app")
    [figures] = row.context["units"]
    assert figures["name"] == org.c1.name and figures["overdue"] == 1 and figures["due_today"] == 1
    assert figures["apology_pending"] == 2
    [district] = Notification.objects.get(kind="digest", recipient=supervisor_d1, channel="email").context["units"]
    assert district["overdue"] == 1  # c3 is not under d1
    assert not Notification.objects.filter(kind="digest", recipient=officer_c1).exists()
    assert send_digests(now=at(24, 7)) == 2  # the next day


def test_the_catalogue_watch_flags_expired_or_replaced_legal_bases_to_editors_once(org, editor):
    import datetime

    from procedures.models import LegalDocument
    from tests.dossiers.factories import published_version
    from workflow.deadlines.digests import legal_basis_watch

    version = published_version(code="1.000894", name="Đăng ký kết hôn")
    old = LegalDocument.objects.create(number="123/2015/NĐ-CP", title="Nghị định hướng dẫn Luật Hộ tịch")
    new = LegalDocument.objects.create(number="87/2020/NĐ-CP", title="Nghị định thay thế")
    law = LegalDocument.objects.create(number="60/2014/QH13", title="Luật Hộ tịch")
    version.legal_documents.set([old, law])
    assert legal_basis_watch() == 0
    LegalDocument.objects.filter(pk=old.pk).update(replaced_by=new)
    assert legal_basis_watch() == 1
    row = Notification.objects.get(kind="legal_basis", recipient=editor, channel="in_app")
    assert row.context["items"][0]["document"] == "123/2015/NĐ-CP" and row.context["items"][0]["replaced_by"]
    assert legal_basis_watch() == 0
    LegalDocument.objects.filter(pk=law.pk).update(expired_on=datetime.date(2025, 1, 1))
    assert legal_basis_watch() == 1
    assert Notification.objects.filter(kind="legal_basis", recipient=editor, channel="in_app").count() == 2


def test_run_periodic_runs_the_beat_schedule_in_process(org, officer_c1, leader_c1, capsys):
    import datetime

    from django.core.management import call_command
    from django.utils import timezone

    _dossier, handoff = dossier_with_step(org.c1, step_due=timezone.now() - datetime.timedelta(minutes=10))
    call_command("run_periodic", "--once", "--task", "workflow.tasks.deadline_sweep")
    assert marks(handoff) == ["overdue"]
    assert "workflow-deadline-sweep" in capsys.readouterr().out
    assert Notification.objects.filter(kind="overdue", recipient=officer_c1).count() == 1


def test_every_scheduled_task_of_the_workflow_is_registered():
    from django.conf import settings
    from django.utils.module_loading import import_string

    names = [entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values() if entry["task"].startswith("workflow")]
    assert {"workflow.tasks.deadline_sweep", "workflow.tasks.send_pending_notifications",
            "workflow.tasks.send_daily_digests", "workflow.tasks.catalogue_watch"} <= set(names)
    for name in names:
        assert import_string(name).name == name
