"""One "due soon" (workflow.deadlines.windows): the supervision dashboard counts, and the
deadline sweep notifies, the same dossiers, each in its unit's own working calendar."""

import datetime

import pytest

from dossiers.models import Status
from portal.models import CalendarException, Unit
from tests.dossiers.factories import DossierFactory
from tests.workflow.factories import HandoffFactory, at
from workflow.deadlines import windows
from workflow.deadlines.sweep import sweep
from workflow.models import Handoff, Notification
from workflow.supervision import direct_counts

# Friday 20 November 2026, 10:00 in Hà Nội. One working day later is Monday 10:00 in the default
# calendar, Saturday 10:00 for a commune working a make-up Saturday, and Wednesday 10:00 for a
# commune with Monday off (Tuesday 24/11 is a public holiday from 2026).
NOW = at(20, 10)


@pytest.fixture
def calendars(org):
    CalendarException.objects.create(date=at(21).date(), is_working_day=True, unit=org.c2,
                                     reason="Làm bù cho ngày nghỉ")
    CalendarException.objects.create(date=at(23).date(), is_working_day=False, unit=org.c3,
                                     reason="Nghỉ bù ngày lễ hội địa phương")


def dossier_due(unit, due, officer, code, *, status=Status.PROCESSING):
    """A dossier whose only active step, at its receiving unit, is due with it."""
    dossier = DossierFactory(code=code, receiving_unit=unit, status=status, received_at=at(16, 9), due_at=due)
    HandoffFactory(dossier=dossier, unit=unit, order=1, state=Handoff.State.ACTIVE, started_at=at(16, 9),
                   due_at=due, assignee=officer)
    return dossier


@pytest.fixture
def dossiers(org, calendars, officer_c1):
    rows = [
        (org.c1, at(20, 16), "c1-today"),
        (org.c1, at(21, 9), "c1-saturday"),
        (org.c1, at(23, 9, 30), "c1-monday-early"),
        (org.c1, at(23, 11), "c1-monday-late"),
        (org.c2, at(21, 9), "c2-saturday"),
        (org.c2, at(23, 9, 30), "c2-monday-early"),
        (org.c3, at(23, 9, 30), "c3-monday-early"),
        (org.c3, at(25, 9), "c3-wednesday-early"),
        (org.c3, at(25, 11), "c3-wednesday-late"),
    ]
    for unit, due, code in rows:
        dossier_due(unit, due, officer_c1, code)
    # Waiting for the applicant's supplement: its clock is stopped, so it is not due soon.
    dossier_due(org.c1, at(23, 9, 30), officer_c1, "c1-waiting", status=Status.SUPPLEMENT_REQUESTED)


def dashboard_due_soon(now):
    unit_ids = list(Unit.objects.values_list("pk", flat=True))
    listed = set(direct_counts.supervised(unit_ids).filter(direct_counts.deadline_filter("due_soon", now))
                 .values_list("code", flat=True))
    assert direct_counts.dashboard_counts(unit_ids=unit_ids, now=now)["due_soon"] == len(listed)
    return listed


def swept_due_soon(now):
    found = sweep(now=now, full=True)["due_soon"]
    codes = [code for context in Notification.objects.filter(kind="due_soon").values_list("context", flat=True)
             for code in context["codes"]]
    assert found == len(codes) == len(set(codes))
    return set(codes)


def test_dashboard_and_sweep_agree_on_due_soon_in_each_units_calendar(dossiers):
    expected = {"c1-saturday", "c1-monday-early", "c2-saturday", "c3-monday-early", "c3-wednesday-early"}
    assert dashboard_due_soon(NOW) == expected
    assert swept_due_soon(NOW) == expected


def test_a_share_of_the_budget_is_due_soon_for_both_alike(dossiers, settings):
    settings.WORKFLOW_DUE_SOON = "75%"
    dashboard = dashboard_due_soon(NOW)
    assert dashboard == swept_due_soon(NOW)
    # Received Monday 16 09:00: at Friday 10:00, 75% of the budget is used up to Sunday.
    assert "c1-saturday" in dashboard and "c3-wednesday-late" not in dashboard


def test_the_window_ends_per_calendar(org, calendars):
    window = windows.due_soon(NOW)
    assert window.start == datetime.datetime(2026, 11, 20, 17, 0, tzinfo=datetime.UTC)  # midnight in Hà Nội
    assert window.default_end == at(23, 10)
    assert window.end_for(org.c1.pk) == at(23, 10)
    assert window.end_for(org.c2.pk) == at(21, 10)
    assert window.end_for(org.c3.pk) == at(25, 10)
    assert window.end_for(org.d1.pk) == at(23, 10)  # the exceptions apply to the commune's subtree only


def test_the_label_says_what_due_soon_means(settings):
    assert windows.due_soon_label() == "Sắp đến hạn (trong 1 ngày làm việc)"
    settings.WORKFLOW_DUE_SOON = "0.5d"
    assert windows.due_soon_label() == "Sắp đến hạn (trong 0,5 ngày làm việc)"
    settings.WORKFLOW_DUE_SOON = "75%"
    assert windows.due_soon_label() == "Sắp đến hạn (đã dùng 75% thời hạn)"
