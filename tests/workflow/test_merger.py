"""Merging a unit into another (workflow.mergers.services.unit_merge and `manage.py merge_units`):
in-flight work moves to the successor, finished work keeps the old unit and its old name."""

import datetime
import logging
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from dossiers.models import Dossier, DossierEvent, Status
from portal.models import Membership, Role, Unit
from portal.permissions import forget_memberships, units_visible_to
from procedures.models import Procedure, ProcedureVersion, RouteStep
from tests.dossiers.factories import DossierFactory, published_version
from tests.factories import UnitFactory, UserFactory, level, staff
from workflow.mergers.services import unit_merge
from workflow.models import Apology, Consultation, Handoff

EFFECTIVE = datetime.date(2026, 7, 1)
LAST_DAY = datetime.date(2026, 6, 30)
DUE = datetime.datetime(2026, 11, 25, 10, 0, tzinfo=datetime.UTC)


def handoff(dossier, order, unit, state=Handoff.State.PENDING):
    return Handoff.objects.create(
        dossier=dossier, order=order, unit=unit, unit_name=unit.name, action="Thẩm định hồ sơ",
        budget=Decimal("1"), time_unit="working_days", state=state,
    )


def consultation(dossier, unit, *, answered=False):
    requester = UserFactory()
    return Consultation.objects.create(
        dossier=dossier, unit=unit, requested_by=requester, question="Xin ý kiến về hồ sơ", due_at=DUE,
        opinion="Đồng ý" if answered else "", answered_at=DUE if answered else None,
    )


def apology(dossier, unit, state=Apology.State.DRAFT):
    return Apology.objects.create(
        dossier=dossier, unit=unit, reason="Cần xác minh thêm", old_due_at=DUE,
        new_due_at=DUE + datetime.timedelta(days=3), drafted_by=UserFactory(), state=state,
    )


def merge(source, target, **kwargs):
    return unit_merge(source=source, target=target, effective=kwargs.pop("effective", EFFECTIVE), **kwargs)


def snapshot():
    """Everything a merger may touch, to compare before and after."""
    return {
        "units": sorted(Unit.objects.values_list("code", "parent_id", "path", "valid_to", "successor_id")),
        "dossiers": sorted(Dossier.objects.values_list("code", "receiving_unit_id", "current_unit_id")),
        "handoffs": sorted(Handoff.objects.values_list("pk", "unit_id", "unit_name")),
        "consultations": sorted(Consultation.objects.values_list("pk", "unit_id")),
        "apologies": sorted(Apology.objects.values_list("pk", "unit_id")),
        "memberships": sorted(Membership.objects.values_list("user_id", "unit_id", "role", "valid_from", "valid_to")),
        "receiving": sorted(ProcedureVersion.receiving_units.through.objects.values_list(
            "procedureversion_id", "unit_id")),
        "steps": sorted(RouteStep.objects.values_list("pk", "handler_unit_id")),
        "managing": sorted(Procedure.objects.values_list("pk", "managing_unit_id")),
    }


# --- dossiers -------------------------------------------------------------------------------

def test_open_dossier_at_source_is_repointed_and_keeps_its_code(org):
    received = DossierFactory(code="P01.20.02-260615-0001", receiving_unit=org.c2)
    sent_up = DossierFactory(code="P01.20.02-260615-0002", receiving_unit=org.c2, current_unit=org.department,
                             status=Status.PROCESSING)
    waiting = DossierFactory(code="P01.20.02-260615-0003", receiving_unit=org.c2, status=Status.RESULT_READY)
    elsewhere = DossierFactory(code="P01.20.01-260615-0001", receiving_unit=org.c1)

    report = merge(org.c2, org.c1)

    for dossier in (received, sent_up, waiting, elsewhere):
        dossier.refresh_from_db()
    assert (received.code, received.receiving_unit, received.current_unit) == (
        "P01.20.02-260615-0001", org.c1, org.c1)
    # The result goes back to a counter that still exists; the processing unit is unaffected.
    assert (sent_up.receiving_unit, sent_up.current_unit) == (org.c1, org.department)
    assert (waiting.receiving_unit, waiting.current_unit) == (org.c1, org.c1)
    assert report.dossiers == ["P01.20.02-260615-0001", "P01.20.02-260615-0002", "P01.20.02-260615-0003"]
    assert (report.dossiers_current, report.dossiers_receiving) == (2, 3)
    # Each re-pointed dossier's history says why its units changed; the others get nothing.
    assert sorted(DossierEvent.objects.values_list("dossier__code", flat=True)) == report.dossiers


def test_each_repointed_dossier_gets_one_merge_event_saying_what_moved(org, supervisor):
    received = DossierFactory(receiving_unit=org.c2, current_unit=org.c2, status=Status.PROCESSING)
    # Received elsewhere, with a step still to come at the merged commune: only its work moves.
    passing = DossierFactory(receiving_unit=org.c1, current_unit=org.department, status=Status.PROCESSING)
    handoff(passing, 1, org.c2, Handoff.State.PENDING)
    untouched = DossierFactory(receiving_unit=org.c1, status=Status.PROCESSING)

    merge(org.c2, org.c1, actor=supervisor)

    events = {e.dossier_id: e for e in DossierEvent.objects.all()}
    assert set(events) == {received.pk, passing.pk}
    assert untouched.pk not in events
    for dossier in (received, passing):
        event = events[dossier.pk]
        assert (event.transition, event.actor, event.unit) == ("unit_merge", supervisor, org.c1)
        assert event.from_status == event.to_status == Status.PROCESSING
        assert f"{org.c2.name} ({org.c2.code})" in event.note and f"{org.c1.name} ({org.c1.code})" in event.note
    assert "đơn vị đang xử lý" in events[received.pk].note
    assert "nơi tiếp nhận và trả kết quả" in events[received.pk].note
    assert "bước xử lý chưa hoàn thành" in events[passing.pk].note
    assert "nơi tiếp nhận" not in events[passing.pk].note
    # Shown in the dossier's history like any other event, and never written twice.
    assert list(received.events.values_list("transition", flat=True)) == ["unit_merge"]
    merge(org.c2, org.c1, actor=supervisor)
    assert DossierEvent.objects.count() == 2


def test_a_dry_run_writes_no_merge_event(org):
    DossierFactory(receiving_unit=org.c2, current_unit=org.c2, status=Status.PROCESSING)

    report = merge(org.c2, org.c1, dry_run=True)

    assert report.dossiers and not DossierEvent.objects.exists()


def test_dossier_sent_up_to_a_merged_district_moves_to_the_successor(org):
    dossier = DossierFactory(receiving_unit=org.c3, current_unit=org.d2, status=Status.PROCESSING)

    merge(org.d2, org.d1)

    dossier.refresh_from_db()
    assert (dossier.receiving_unit, dossier.current_unit) == (org.c3, org.d1)


@pytest.mark.parametrize("status", [Status.RETURNED, Status.WITHDRAWN, Status.NOT_ACCEPTED, Status.STOPPED])
def test_finished_dossier_keeps_the_source(org, status):
    finished = DossierFactory(code="P01.20.02-250310-0001", receiving_unit=org.c2, status=status)
    done_step = handoff(finished, 0, org.c2, Handoff.State.DONE)
    left_over = handoff(finished, 1, org.c2, Handoff.State.PENDING)

    report = merge(org.c2, org.c1)

    finished.refresh_from_db()
    assert (finished.receiving_unit, finished.current_unit) == (org.c2, org.c2)
    assert set(Handoff.objects.filter(pk__in=[done_step.pk, left_over.pk]).values_list("unit", flat=True)) == {
        org.c2.pk}
    assert report.dossiers == []


# --- hand-offs, consultations, apologies ----------------------------------------------------

def test_done_handoffs_keep_the_old_name_while_active_and_pending_move_with_the_new_name(org):
    old_name = org.c2.name
    dossier = DossierFactory(receiving_unit=org.c2, current_unit=org.c2, status=Status.PROCESSING)
    done = handoff(dossier, 0, org.c2, Handoff.State.DONE)
    active = handoff(dossier, 1, org.c2, Handoff.State.ACTIVE)
    at_department = handoff(dossier, 2, org.department, Handoff.State.PENDING)
    pending = handoff(dossier, 3, org.c2, Handoff.State.PENDING)

    report = merge(org.c2, org.c1)

    rows = {h.pk: (h.unit_id, h.unit_name) for h in Handoff.objects.all()}
    assert rows[done.pk] == (org.c2.pk, old_name)
    assert rows[active.pk] == (org.c1.pk, org.c1.name)
    assert rows[pending.pk] == (org.c1.pk, org.c1.name)
    assert rows[at_department.pk] == (org.department.pk, org.department.name)
    assert report.handoffs == 2


def test_open_consultations_and_draft_apologies_move(org):
    dossier = DossierFactory(receiving_unit=org.c1, current_unit=org.department, status=Status.PROCESSING)
    other = DossierFactory(receiving_unit=org.c1, current_unit=org.department, status=Status.PROCESSING)
    open_question = consultation(dossier, org.c2)
    answered = consultation(dossier, org.c2, answered=True)
    draft = apology(dossier, org.c2)
    approved = apology(other, org.c2, Apology.State.APPROVED)

    report = merge(org.c2, org.c1)

    units = {c.pk: c.unit_id for c in Consultation.objects.all()}
    assert units == {open_question.pk: org.c1.pk, answered.pk: org.c2.pk}
    apologies = {a.pk: a.unit_id for a in Apology.objects.all()}
    assert apologies == {draft.pk: org.c1.pk, approved.pk: org.c2.pk}
    assert (report.consultations, report.apologies) == (1, 1)


# --- the tree -------------------------------------------------------------------------------

def test_source_closes_with_the_target_as_successor_and_history(org, supervisor):
    report = merge(org.c2, org.c1, actor=supervisor)

    assert org.c2.valid_to == LAST_DAY
    assert org.c2.successor == org.c1
    assert org.c2.current_successor() == org.c1
    assert not org.c2.is_active(EFFECTIVE) and org.c2.is_active(LAST_DAY)
    assert org.c2 not in Unit.objects.active()
    latest = org.c2.history.first()
    assert (latest.valid_to, latest.successor_id) == (LAST_DAY, org.c1.pk)
    assert "P01.20.02" in latest.history_change_reason
    assert latest.history_user == supervisor
    assert report.unit_closed


def test_successor_chain_is_followed_after_two_mergers(org):
    merge(org.c2, org.c1)
    merge(org.d2, org.d1, effective=datetime.date(2026, 8, 1))
    merge(org.c1, org.c3, effective=datetime.date(2026, 9, 1))

    org.c2.refresh_from_db()
    assert org.c2.current_successor() == org.c3


def test_children_are_reparented_with_their_subtree_paths(org, supervisor_d1):
    ward_office = UnitFactory(name="Bộ phận một cửa xã Đồng Tâm", code="P01.30.01.01", level=level("commune"),
                              parent=org.c3)
    assert org.c3 not in units_visible_to(supervisor_d1)

    report = merge(org.d2, org.d1)

    org.c3.refresh_from_db()
    ward_office.refresh_from_db()
    assert org.c3.parent == org.d1
    assert org.c3.path == f"{org.d1.path}{org.c3.pk}/"
    assert ward_office.path == f"{org.d1.path}{org.c3.pk}/{ward_office.pk}/"
    assert not Unit.objects.filter(path__startswith=org.d2.path).exclude(pk=org.d2.pk).exists()
    assert list(org.c3.ancestors()) == [org.province, org.d1]
    forget_memberships(supervisor_d1)
    visible = set(units_visible_to(supervisor_d1))
    assert {org.c3, ward_office, org.c1, org.c2} <= visible
    assert org.d2 not in visible
    assert report.children == ["P01.30.01"]


# --- catalogue ------------------------------------------------------------------------------

def test_catalogue_points_at_the_target(org):
    published = published_version(code="1.000894", name="Đăng ký kết hôn", receiving_units=[org.c2])
    published.implementing_units.set([org.c2, org.c1])
    draft = ProcedureVersion.objects.create(
        procedure=published.procedure, number=2, status=ProcedureVersion.Status.DRAFT, name="Đăng ký kết hôn"
    )
    draft.receiving_units.set([org.c2])
    retired = published_version(code="1.001193", receiving_units=[org.c2])
    ProcedureVersion.objects.filter(pk=retired.pk).update(status=ProcedureVersion.Status.RETIRED)
    live_step = RouteStep.objects.create(version=published, order=1, handler_unit=org.c2, action="Thẩm định",
                                         budget=Decimal("2"))
    draft_step = RouteStep.objects.create(version=draft, order=1, handler_unit=org.c2, action="Thẩm định",
                                          budget=Decimal("2"))
    retired_step = RouteStep.objects.create(version=retired, order=1, handler_unit=org.c2, action="Thẩm định",
                                            budget=Decimal("2"))
    Procedure.objects.filter(pk=published.procedure_id).update(managing_unit=org.c2)
    history_before = published.history.count()

    report = merge(org.c2, org.c1)

    assert list(published.receiving_units.all()) == [org.c1]
    assert list(published.implementing_units.all()) == [org.c1]
    assert list(draft.receiving_units.all()) == [org.c1]
    assert list(retired.receiving_units.all()) == [org.c2]
    steps = dict(RouteStep.objects.values_list("pk", "handler_unit"))
    assert steps == {live_step.pk: org.c1.pk, draft_step.pk: org.c1.pk, retired_step.pk: org.c2.pk}
    assert Procedure.objects.get(pk=published.procedure_id).managing_unit == org.c1
    assert published.history.count() > history_before
    assert (report.versions_receiving, report.versions_implementing, report.route_steps, report.procedures) == (
        2, 1, 2, 1)


# --- staff ----------------------------------------------------------------------------------

def test_memberships_are_ended_and_granted_at_the_target(org, other_clerk):
    officer = staff(Role.OFFICER, org.c2, username="officer_c2", full_name="Vũ Thị Lan")
    Membership.objects.filter(user=officer).update(title="Chuyên viên hộ tịch", is_head=True)
    gone = staff(Role.CLERK, org.c2, username="gone_c2", full_name="Hà Văn Cũ")
    Membership.objects.filter(user=gone).update(valid_to=datetime.date(2025, 12, 31))

    report = merge(org.c2, org.c1)

    ended = {m.user.username: m.valid_to for m in Membership.objects.filter(unit=org.c2)}
    assert ended == {"other_clerk": LAST_DAY, "officer_c2": LAST_DAY, "gone_c2": datetime.date(2025, 12, 31)}
    granted = Membership.objects.get(user=officer, unit=org.c1)
    assert (granted.role, granted.title, granted.is_head, granted.valid_from, granted.valid_to) == (
        Role.OFFICER, "Chuyên viên hộ tịch", False, EFFECTIVE, None)
    assert Membership.objects.get(user=other_clerk, unit=org.c1).role == Role.CLERK
    assert not Membership.objects.filter(user=gone, unit=org.c1).exists()
    forget_memberships(other_clerk)
    assert list(units_visible_to(other_clerk)) == [org.c1]
    assert report.memberships_ended == ["Phạm Thu Trang — Cán bộ một cửa", "Vũ Thị Lan — Chuyên viên xử lý"]
    assert report.memberships_granted == report.memberships_ended
    assert "Vũ Thị Lan — Chuyên viên xử lý" in report.summary()


def test_staff_already_at_the_target_keep_their_membership_there(org, clerk):
    own = Membership.objects.get(user=clerk, unit=org.c1)
    Membership.objects.create(user=clerk, unit=org.c2, role=Role.CLERK, valid_from=datetime.date(2024, 1, 1))

    report = merge(org.c2, org.c1)

    own.refresh_from_db()
    assert (own.valid_from, own.valid_to) == (datetime.date(2020, 1, 1), None)
    assert report.memberships_already == ["Nguyễn Thị Hoa — Cán bộ một cửa"]
    assert report.memberships_granted == []


def test_no_keep_staff_only_ends_memberships(org, other_clerk):
    report = merge(org.c2, org.c1, keep_staff=False)

    assert Membership.objects.get(user=other_clerk).valid_to == LAST_DAY
    assert not Membership.objects.filter(unit=org.c1, user=other_clerk).exists()
    forget_memberships(other_clerk)
    assert list(units_visible_to(other_clerk)) == []
    assert (len(report.memberships_ended), report.memberships_granted) == (1, [])


# --- refusals -------------------------------------------------------------------------------

def test_refuses_merging_a_unit_into_itself(org):
    with pytest.raises(ValidationError, match="vào chính nó"):
        merge(org.c1, org.c1)


def test_refuses_merging_a_unit_into_its_descendant(org):
    with pytest.raises(ValidationError, match="cấp dưới"):
        merge(org.d1, org.c1)
    org.d1.refresh_from_db()
    assert (org.d1.valid_to, org.d1.successor) == (None, None)


def test_refuses_merging_a_merged_unit_into_another(org):
    merge(org.c2, org.c1)
    with pytest.raises(ValidationError, match="đã được sáp nhập vào Ủy ban nhân dân xã Mỹ Hà"):
        merge(org.c2, org.c3)
    with pytest.raises(ValidationError, match="ngày hiệu lực khác"):
        merge(org.c2, org.c1, effective=datetime.date(2026, 8, 1))
    org.c2.refresh_from_db()
    assert (org.c2.successor, org.c2.valid_to) == (org.c1, LAST_DAY)


@pytest.mark.parametrize("effective", [datetime.date(2019, 12, 31), datetime.date(2020, 1, 1)])
def test_refuses_an_effective_date_not_after_the_source_began(org, effective):
    with pytest.raises(ValidationError, match="phải sau ngày đơn vị"):
        merge(org.c2, org.c1, effective=effective)


def test_refuses_a_target_no_longer_in_force(org):
    merge(org.c2, org.c1)
    with pytest.raises(ValidationError, match="không có hiệu lực vào ngày 01/08/2026"):
        merge(org.c3, org.c2, effective=datetime.date(2026, 8, 1))


# --- dry run, idempotency -------------------------------------------------------------------

def populated(org, other_clerk):
    dossier = DossierFactory(receiving_unit=org.c2, status=Status.PROCESSING)
    handoff(dossier, 0, org.c2, Handoff.State.ACTIVE)
    consultation(dossier, org.c2)
    apology(dossier, org.c2)
    version = published_version(code="1.000894", receiving_units=[org.c2])
    RouteStep.objects.create(version=version, order=1, handler_unit=org.c2, action="Thẩm định", budget=Decimal("1"))
    UnitFactory(name="Tổ một cửa xã Mỹ Thắng", code="P01.20.02.01", parent=org.c2)


def test_dry_run_changes_nothing_and_reports_what_would_change(org, other_clerk):
    populated(org, other_clerk)
    before = snapshot()
    history_before = Unit.history.count()

    report = merge(org.c2, org.c1, dry_run=True)

    assert snapshot() == before
    assert Unit.history.count() == history_before
    assert (org.c2.valid_to, org.c2.successor_id) == (None, None)
    assert report.dry_run and report.changed
    assert report.counts() == {
        "unit_closed": 1, "children": 1, "dossiers": 1, "dossiers_current": 1, "dossiers_receiving": 1,
        "handoffs": 1, "consultations": 1, "apologies": 1, "versions_receiving": 1, "versions_implementing": 0,
        "route_steps": 1, "procedures": 0, "memberships_ended": 1, "memberships_granted": 1,
    }
    assert report.summary().startswith("CHẠY THỬ")
    # The real run does what the dry run announced.
    assert merge(org.c2, org.c1).counts() == report.counts()


def test_running_the_same_merger_again_changes_nothing_and_says_so(org, other_clerk, caplog):
    populated(org, other_clerk)
    first = merge(org.c2, org.c1)
    after_first = snapshot()
    history = Unit.history.count(), Membership.history.count()

    with caplog.at_level(logging.INFO, logger="portal.merger"):
        again = merge(org.c2, org.c1)

    assert first.changed and not again.changed
    assert snapshot() == after_first
    assert (Unit.history.count(), Membership.history.count()) == history
    assert "Không có gì thay đổi" in again.summary()
    assert "already done" in caplog.text


def test_a_rerun_moves_what_arrived_at_the_source_since(org):
    merge(org.c2, org.c1)
    straggler = DossierFactory(receiving_unit=org.c2)

    report = merge(org.c2, org.c1)

    straggler.refresh_from_db()
    assert straggler.receiving_unit == org.c1
    assert report.changed and not report.unit_closed


def test_merger_is_logged(org, caplog):
    with caplog.at_level(logging.INFO, logger="portal.merger"):
        merge(org.c2, org.c1)
    assert "Merged unit P01.20.02 into P01.20.01" in caplog.text


# --- the management command -----------------------------------------------------------------

def run(*args):
    out = StringIO()
    call_command("merge_units", *args, stdout=out)
    return out.getvalue()


def test_command_merges_and_prints_the_report(org, other_clerk):
    dossier = DossierFactory(code="P01.30.01-260620-0001", receiving_unit=org.c3)

    output = run("P01.30", "P01.20", "--effective", "2026-07-01", "-v", "2")

    org.d2.refresh_from_db()
    org.c3.refresh_from_db()
    dossier.refresh_from_db()
    assert (org.d2.successor, org.d2.valid_to, org.c3.parent) == (org.d1, LAST_DAY, org.d1)
    assert dossier.receiving_unit == org.c3  # the commune itself survives, only its parent changed
    assert "Sáp nhập Ủy ban nhân dân huyện Yên Thế (P01.30) vào Ủy ban nhân dân huyện Mỹ Lộc (P01.20)" in output
    assert "hiệu lực từ ngày 01/07/2026" in output
    assert "Đơn vị trực thuộc: P01.30.01" in output

    assert "Không có gì thay đổi" in run("P01.30", "P01.20", "--effective", "2026-07-01")


def test_command_dry_run_and_no_keep_staff(org, other_clerk):
    dossier = DossierFactory(code="P01.20.02-260620-0001", receiving_unit=org.c2)
    before = snapshot()

    output = run("P01.20.02", "P01.20.01", "--effective", "2026-07-01", "--dry-run", "-v", "2")

    assert snapshot() == before
    assert "CHẠY THỬ" in output and "P01.20.02-260620-0001" in output

    run("P01.20.02", "P01.20.01", "--effective", "2026-07-01", "--no-keep-staff")

    dossier.refresh_from_db()
    assert dossier.receiving_unit == org.c1
    assert not Membership.objects.filter(user=other_clerk, unit=org.c1).exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("X99", "P01.20.01", "--effective", "2026-07-01"), "Không tìm thấy đơn vị có mã định danh X99"),
        (("P01.20.02", "X99", "--effective", "2026-07-01"), "Không tìm thấy đơn vị có mã định danh X99"),
        (("P01.20.02", "P01.20.01", "--effective", "01/07/2026"), "Ngày hiệu lực không hợp lệ: 01/07/2026"),
        (("P01.20.02", "P01.20.01", "--effective", "2026-02-30"), "Ngày hiệu lực không hợp lệ"),
        (("P01.20.01", "P01.20.01", "--effective", "2026-07-01"), "vào chính nó"),
        (("P01.20", "P01.20.01", "--effective", "2026-07-01"), "cấp dưới"),
    ],
)
def test_command_explains_what_is_wrong(org, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
    assert not Unit.objects.filter(successor__isnull=False).exists()
