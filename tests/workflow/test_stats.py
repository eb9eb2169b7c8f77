"""The counting rules of workflow.supervision.direct_counts (and the same numbers from
daily_counters), checked figure by figure against hand-built dossiers
that went through the real services (October 2026, no public holiday; 3 working days for the
commune procedure, 10 for the three-level one)."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from dossiers.models import Delivery, Outcome
from dossiers.services import dossier_submit_online
from portal.models import Role, Unit
from procedures.models import OnlineLevel
from tests.factories import staff
from tests.workflow.test_processing import commune_version, receive, three_level_version
from workflow.routing import services
from workflow.supervision import direct_counts, indicators, periods

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
OCTOBER = periods.month_period(2026, 10)
NOW = datetime.datetime(2026, 10, 20, 12, 0, tzinfo=HANOI)


def at(day, hour, minute=0, month=10):
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=HANOI)


def decide(dossier, *, clerk, officer, leader, when, outcome=Outcome.APPROVED, start=None):
    start = start or dossier.received_at
    services.dossier_forward(dossier=dossier, actor=clerk, at=start + datetime.timedelta(minutes=30))
    services.dossier_forward(dossier=dossier, actor=officer, at=start + datetime.timedelta(minutes=60))
    return services.dossier_decide(dossier=dossier, leader=leader, outcome=outcome, at=when,
                                   note="Không đủ điều kiện" if outcome == Outcome.REFUSED else "")


@pytest.fixture
def october(org, clerk, officer_c1, leader_c1, officer, leader, citizen):
    """The hand-built month. Letters are the dossiers of the module docstring's table."""
    version = commune_version()
    d = {}
    who = dict(clerk=clerk, officer=officer_c1, leader=leader_c1)
    d["A"] = decide(receive(clerk, org.c1, version, at(5, 8)), when=at(6, 10), **who)  # early
    d["B"] = receive(clerk, org.c1, version, at(5, 8))
    assert d["B"].due_at == at(8, 8)
    d["B"] = decide(d["B"], when=at(8, 7, 30), **who)  # on the due day, before the due moment: on time
    d["C"] = decide(receive(clerk, org.c1, version, at(5, 8)), when=at(9, 9), **who)  # late

    # D: paused for a supplement from Mon 5 10:00 to Mon 12 08:00; finished Tue 13, after the
    # original due date (Thu 8) but before the due date moved by the pause: early.
    dossier = receive(clerk, org.c1, version, at(5, 8))
    services.dossier_forward(dossier=dossier, actor=clerk, at=at(5, 8, 30))
    services.supplement_request(dossier=dossier, actor=officer_c1, reason="Thiếu giấy chứng sinh",
                                missing_components=["Giấy chứng sinh"], at=at(5, 10))
    dossier = services.supplement_resume(dossier=dossier, actor=clerk, at=at(12, 8))
    assert dossier.due_at == at(14, 16)
    services.dossier_forward(dossier=dossier, actor=officer_c1, at=at(12, 9))
    d["D"] = services.dossier_decide(dossier=dossier, leader=leader_c1, outcome=Outcome.APPROVED, at=at(13, 10))

    # E: two supplementation requests, finished early by its dates: counts late (Decision 766).
    dossier = receive(clerk, org.c1, version, at(5, 8))
    services.dossier_forward(dossier=dossier, actor=clerk, at=at(5, 8, 30))
    for hour in (9, 10):
        services.supplement_request(dossier=dossier, actor=officer_c1, reason="Thiếu giấy tờ",
                                    missing_components=["Giấy chứng sinh"], at=at(5, hour))
        dossier = services.supplement_resume(dossier=dossier, actor=clerk, at=at(5, hour, 30))
    services.dossier_forward(dossier=dossier, actor=officer_c1, at=at(5, 11))
    d["E"] = services.dossier_decide(dossier=dossier, leader=leader_c1, outcome=Outcome.APPROVED, at=at(6, 10))

    # F: commune → district office → province department → commune, returned Mon 12: early.
    three, office = three_level_version(org)
    district_officer = staff(Role.OFFICER, office, username="cv_huyen", full_name="Vi Văn Đức")
    dossier = receive(clerk, org.c1, three, at(5, 8))
    services.dossier_forward(dossier=dossier, actor=clerk, at=at(5, 9))
    services.dossier_forward(dossier=dossier, actor=district_officer, at=at(9, 10))  # its 2 days: late
    services.dossier_decide(dossier=dossier, leader=leader, outcome=Outcome.APPROVED, at=at(12, 10))
    d["F"] = services.dossier_return(dossier=dossier, clerk=clerk, collected_by="Hoàng Thị Lan", at=at(12, 11),
                                         confirmed=True)

    # G: online, accepted Mon 19: in progress within due on the 20th, with no scanned component.
    version.online_level = OnlineLevel.LEVEL_4
    version.save(update_fields=["online_level"])
    applicant = {"applicant_name": "Đỗ Minh Khôi", "applicant_phone": "0912000222"}
    dossier = dossier_submit_online(citizen=citizen, unit=org.c1, version=version, applicant=applicant,
                                    components=[], delivery=Delivery.ONLINE, submitted_at=at(18, 20))
    d["G"] = services.online_accept(dossier=dossier, clerk=clerk, at=at(19, 8))
    # H: in progress, due Thu 8: late.
    d["H"] = services.dossier_forward(dossier=receive(clerk, org.c1, version, at(5, 8)), actor=clerk, at=at(5, 9))
    # I: withdrawn Tue 6.
    d["I"] = services.dossier_withdraw(dossier=receive(clerk, org.c1, version, at(5, 8)), actor=clerk,
                                       reason="Người nộp xin rút", at=at(6, 9))
    # J: refused after appraisal Tue 6: a result (finished early) and a refusal.
    d["J"] = decide(receive(clerk, org.c1, version, at(5, 8)), when=at(6, 10), outcome=Outcome.REFUSED, **who)
    # K: received in September, finished Thu 1 October after its due moment: late, in October.
    d["K"] = decide(receive(clerk, org.c1, version, at(28, 8, month=9)), when=at(1, 10), **who)
    assert d["K"].due_at == at(1, 8)
    # N: online, not accepted at the counter's check on Wed 7.
    dossier = dossier_submit_online(citizen=citizen, unit=org.c1, version=version, applicant=applicant,
                                    components=[], delivery=Delivery.ONLINE, submitted_at=at(6, 20))
    d["N"] = services.online_refuse(dossier=dossier, clerk=clerk, reason="Không thuộc thẩm quyền", at=at(7, 9))
    # L: another district's commune, in progress and late.
    clerk_c3 = staff(Role.CLERK, org.c3, username="clerk_c3", full_name="Vũ Thị Mai")
    d["L"] = receive(clerk_c3, org.c3, version, at(5, 8))
    d["office"] = office
    return d


def all_units():
    return list(Unit.objects.values_list("pk", flat=True))


@pytest.fixture
def apologised(org, october, other_clerk, time_machine):
    """Two dossiers of commune c2 whose appointment an approved apology (Form 04) moved:
    "finished": due Thu 8 08:00, moved to Mon 12 17:00, finished Fri 9 (after the old date,
    before the new one); "running": due Mon 19 08:00, moved to Fri 23 17:00, still in progress
    on the 20th."""
    officer = staff(Role.OFFICER, org.c2, username="officer_c2", full_name="Lý Văn Hùng")
    leader = staff(Role.LEADER, org.c2, username="leader_c2", full_name="Mai Thị Hoa")
    version = october["A"].procedure_version
    result = {}
    for name, received, drafted, new_due in (("finished", at(5, 8), at(7, 9), at(12, 17)),
                                             ("running", at(14, 8), at(16, 9), at(23, 17))):
        dossier = receive(other_clerk, org.c2, version, received)
        dossier = services.dossier_forward(dossier=dossier, actor=other_clerk,
                                           at=received + datetime.timedelta(hours=1))
        steps = list(dossier.handoffs.order_by("order").values_list("due_at", flat=True))
        time_machine.move_to(drafted, tick=False)  # the apology is drafted within its window
        apology = services.apology_draft(dossier=dossier, actor=officer, reason="Cần xác minh nơi cư trú",
                                         new_due_at=new_due)
        services.apology_approve(apology=apology, leader=leader, at=drafted + datetime.timedelta(hours=1))
        dossier.refresh_from_db()
        assert dossier.due_at == new_due and apology.old_due_at < new_due
        # Form 05: the apology moves the dossier's appointment, not its steps' due dates.
        assert list(dossier.handoffs.order_by("order").values_list("due_at", flat=True)) == steps
        result[name] = dossier
    assert result["finished"].apologies.get().old_due_at == at(8, 8)
    dossier = services.dossier_forward(dossier=result["finished"], actor=officer, at=at(9, 8))
    result["finished"] = services.dossier_decide(dossier=dossier, leader=leader, outcome=Outcome.APPROVED,
                                                 at=at(9, 9))
    time_machine.move_to(NOW, tick=False)
    return result


def test_an_approved_apology_does_not_make_a_late_dossier_on_time(org, october, apologised):
    """Decree 61/2018 art. 19, Circular 01/2018, Decision 766: measured against the appointment
    before the apology, the finished dossier and the running one are both late."""
    rows = direct_counts.dossier_figures(unit_ids=all_units(), period=OCTOBER, now=NOW)
    row = rows[org.c2.pk]
    assert (row["finished"], row["finished_early"], row["finished_on_time"], row["finished_late"]) == (1, 0, 0, 1)
    assert (row["in_progress"], row["in_progress_on_time"], row["in_progress_late"]) == (1, 0, 1)
    assert indicators.on_time_rate(row) == Decimal("0.0")
    # The commune's figures without the apologised dossiers are unchanged.
    assert rows[org.c1.pk]["finished_late"] == 3
    trend = direct_counts.monthly_trend(unit_ids=[org.c2.pk], period=OCTOBER, now=NOW)
    assert [(t["finished"], t["late"]) for t in trend] == [(1, 1)]


def test_every_figure_of_the_month_for_the_province(org, october):
    rows = direct_counts.dossier_figures(unit_ids=all_units(), period=OCTOBER, now=NOW)
    row = direct_counts.total(rows)
    assert row["received"] == 11  # A–J and L; K was received in September, N never
    assert (row["received_counter"], row["received_online"], row["received_postal"]) == (10, 1, 0)
    assert row["finished"] == 8  # A B C D E F J K
    assert (row["finished_early"], row["finished_on_time"], row["finished_late"]) == (4, 1, 3)
    assert (row["in_progress"], row["in_progress_on_time"], row["in_progress_late"]) == (3, 1, 2)
    assert row["supplement_requests"] == 3  # D once, E twice
    assert row["refusals"] == 2  # J after appraisal, N at reception
    assert row["withdrawals"] == 1
    assert row["digitised"] == 10  # every paper received at the counter is scanned; G online has no scan
    assert indicators.on_time_rate(row) == Decimal("54.5")  # (4 + 1 + 1) / (8 + 3)
    assert indicators.online_share(row) == Decimal("9.1")  # 1 / 11
    assert indicators.digitised_share(row) == Decimal("90.9")  # 10 / 11


def test_inter_level_dossier_counts_once_overall_under_its_receiving_unit(org, october):
    rows = direct_counts.dossier_figures(unit_ids=all_units(), period=OCTOBER, now=NOW)
    office, department = october["office"], org.department
    assert set(rows) == {org.c1.pk, org.c3.pk}  # neither the office nor the department received anything
    assert rows[org.c1.pk]["received"] == 10 and rows[org.c3.pk]["received"] == 1
    by_procedure = direct_counts.dossier_figures(unit_ids=all_units(), period=OCTOBER, now=NOW, group="procedure")
    assert by_procedure[october["F"].procedure_id]["received"] == 1
    assert by_procedure[october["F"].procedure_id]["finished_early"] == 1
    # Per unit, for its own steps: the office was late on its step, the department early.
    steps = direct_counts.step_figures(unit_ids=all_units(), period=OCTOBER, now=NOW)
    assert steps[office.pk]["steps_finished"] == 1 and steps[office.pk]["steps_late"] == 1
    assert steps[department.pk]["steps_finished"] == 1 and steps[department.pk]["steps_early"] == 1
    assert steps[department.pk]["steps_in_progress"] == 0
    assert indicators.step_on_time_rate(steps[office.pk]) == Decimal("0.0")


def test_in_progress_step_is_late_for_the_unit_holding_it(org, october):
    steps = direct_counts.step_figures(unit_ids=all_units(), period=OCTOBER, now=NOW)
    # The other district's commune still holds L's reception step, due Mon 5 at noon.
    assert steps[org.c3.pk]["steps_in_progress"] == 1 and steps[org.c3.pk]["steps_in_progress_late"] == 1


def test_paused_dossier_is_measured_against_its_moved_due_date(org, october):
    dossier = october["D"]
    assert dossier.finished_at > dossier.pauses.get().due_before  # after the original due date
    rows = direct_counts.dossier_figures(unit_ids=all_units(), period=OCTOBER, now=NOW)
    assert direct_counts.total(rows)["finished_early"] == 4  # D is among the early ones


def test_district_supervisor_sees_only_the_district(org, october, supervisor_d1):
    from portal.permissions import units_visible_to

    unit_ids = list(units_visible_to(supervisor_d1, Role.SUPERVISOR, Role.LEADER).values_list("pk", flat=True))
    row = direct_counts.total(direct_counts.dossier_figures(unit_ids=unit_ids, period=OCTOBER, now=NOW))
    assert row["received"] == 10 and row["in_progress_late"] == 1


def test_by_field_groups_the_procedures_of_the_field(org, october):
    rows = direct_counts.dossier_figures(unit_ids=all_units(), period=OCTOBER, now=NOW, group="field")
    assert len(rows) == 1 and next(iter(rows.values()))["received"] == 11


def test_average_processing_time_in_working_days(org, clerk, officer_c1, leader_c1):
    version = commune_version()
    # Mon 08:00 → Tue 10:00: 7 h on Monday + 3 h on Tuesday = 10 h = 1.25 working days.
    decide(receive(clerk, org.c1, version, at(5, 8)), clerk=clerk, officer=officer_c1, leader=leader_c1,
           when=at(6, 10))
    # Mon 08:00 → Mon 16:00: 7 h - 1 h = 6 h... 08:00–11:30 + 13:30–16:00 = 6 h = 0.75 day.
    decide(receive(clerk, org.c1, version, at(5, 8)), clerk=clerk, officer=officer_c1, leader=leader_c1,
           when=at(5, 16))
    row = direct_counts.total(direct_counts.dossier_figures(unit_ids=all_units(), period=OCTOBER, now=NOW))
    assert indicators.average_days(row) == Decimal("1.00")


def test_a_month_without_dossiers_has_no_rates(org):
    row = direct_counts.total(direct_counts.dossier_figures(unit_ids=all_units(), period=OCTOBER, now=NOW))
    assert row["received"] == 0 and indicators.on_time_rate(row) is None and indicators.average_days(row) is None


def test_indicators_show_their_formulas(org, october):
    row = direct_counts.total(direct_counts.dossier_figures(unit_ids=all_units(), period=OCTOBER, now=NOW))
    online = indicators.online_procedures(unit_ids=all_units(), period=OCTOBER)
    assert online == {"offered": 1, "used": 1, "share": Decimal("100.0")}
    feedback = indicators.feedback_figures(unit_ids=all_units(), period=OCTOBER, now=NOW)
    by_key = {i["key"]: i for i in indicators.indicators_766(row, online=online, feedback=feedback)}
    assert by_key["on_time"]["value"] == Decimal("54.5")
    assert "× 100" in by_key["on_time"]["formula"]
    assert by_key["online_payment"]["value"] is None  # no fee paid in the month
    assert by_key["feedback"]["value"] is None
    assert by_key["satisfaction"]["value"] == Decimal("100") - Decimal("45.5")


def test_dashboard_counts_and_overdue_steps(org, october):
    counts = direct_counts.dashboard_counts(unit_ids=all_units(), now=NOW)
    assert counts["overdue"] == 2  # H and L
    assert counts["status_processing"] == 1 and counts["status_received"] == 2  # H; G and L
    by_unit, by_step = direct_counts.overdue_steps(unit_ids=all_units(), now=NOW)
    # The commune holds H's appraisal step and G's reception step (half a day from Mon 19 08:00).
    assert {(r["unit__name"], r["n"]) for r in by_unit} == {(org.c1.name, 2), (org.c3.name, 1)}
    assert {r["action"] for r in by_step} == {"Thẩm định, dự thảo", "Tiếp nhận"}


def test_monthly_trend(org, october):
    trend = direct_counts.monthly_trend(unit_ids=all_units(), period=periods.Period("year", datetime.date(2026, 9, 1),
                                                                          datetime.date(2026, 12, 31)), now=NOW)
    assert [(t["label"], t["finished"], t["late"]) for t in trend] == [("09/2026", 0, 0), ("10/2026", 8, 3)]


@pytest.mark.parametrize("params,label", [
    ({}, "Tháng 11/2026"),
    ({"period": "quarter", "year": "2026", "quarter": "2"}, "Quý 2/2026"),
    ({"period": "year", "year": "2025"}, "Năm 2025"),
    ({"period": "custom", "from": "2026-01-05", "to": "2026-02-10"}, "Từ 05/01/2026 đến 10/02/2026"),
])
def test_periods(params, label):
    assert periods.parse_period(params, today=datetime.date(2026, 11, 22)).label == label


@pytest.mark.parametrize("params", [
    {"period": "week"}, {"period": "month", "month": "13"}, {"period": "year", "year": "abc"},
    {"period": "custom", "from": "2026-02-10", "to": "2026-01-05"}, {"period": "custom", "from": "x"},
    {"period": "year", "year": "99999"},
])
def test_bad_periods_raise_a_friendly_error(params):
    with pytest.raises(periods.PeriodError):
        periods.parse_period(params, today=datetime.date(2026, 11, 22))


def test_ratings_payments_and_feedback(org, october, citizen):
    from citizens.models import Feedback, Payment, Rating

    for letter, score in (("A", 5), ("B", 4), ("C", 1)):
        Rating.objects.create(dossier=october[letter], citizen=citizen, score=score, created_at=at(15, 9))
    Rating.objects.create(dossier=october["K"], citizen=citizen, score=2, created_at=at(30, 9, month=9))  # September
    Payment.objects.create(dossier=october["A"], amount=8000, description="Lệ phí", method="online", state="paid",
                           paid_at=at(6, 9))
    Payment.objects.create(dossier=october["B"], amount=8000, description="Lệ phí", method="counter", state="paid",
                           paid_at=at(6, 9))
    Payment.objects.create(dossier=october["C"], amount=8000, description="Lệ phí", method="online",
                           state="pending")
    Feedback.objects.create(unit=org.c1, sender_name="Lê Văn Tám", subject="Chậm", body="Chậm trả kết quả",
                            created_at=at(9, 9), due_at=at(14, 17), answered_at=at(12, 9))
    Feedback.objects.create(unit=org.c1, kind="proposal", sender_name="Lê Văn Tám", subject="Đề nghị",
                            body="Thêm quầy", created_at=at(9, 9), due_at=at(15, 17))

    result = indicators.ratings(unit_ids=all_units(), period=OCTOBER)
    assert [c for _s, _l, c in result["distribution"]] == [1, 0, 0, 1, 1]
    assert result["average"] == Decimal("3.33") and result["count"] == 3
    row = direct_counts.total(direct_counts.dossier_figures(unit_ids=all_units(), period=OCTOBER, now=NOW))
    assert (row["paid"], row["paid_online"]) == (2, 1)
    assert indicators.online_payment_share(row) == Decimal("50.0")
    feedback = indicators.feedback_figures(unit_ids=all_units(), period=OCTOBER, now=NOW)
    assert feedback == {"complaints": 1, "due": 2, "answered_on_time": 1, "on_time_share": Decimal("50.0")}
    # 100 − (45.5 % late + 1 complaint / 11 received = 9.1 %)
    assert indicators.satisfaction(row, feedback) == Decimal("45.4")


# --- the pre-aggregated daily counters give the numbers of the direct count -------------------


@pytest.mark.parametrize("period", [
    OCTOBER,
    periods.Period("custom", datetime.date(2026, 9, 28), datetime.date(2026, 10, 8)),
    periods.Period("year", datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)),
])
def test_daily_counters_equal_the_direct_count(org, october, apologised, citizen, period, time_machine):
    from django.core.cache import cache

    from citizens.models import Payment
    from workflow.supervision import daily_counters

    cache.clear()
    Payment.objects.create(dossier=october["A"], amount=8000, description="Lệ phí", method="online", state="paid",
                           paid_at=at(6, 9))
    time_machine.move_to(NOW, tick=False)
    # Counters up to the 15th; the days after it are counted directly.
    daily_counters.refresh_range(datetime.date(2026, 9, 1), datetime.date(2026, 10, 15), from_beginning=True)
    assert daily_counters.complete_until() == datetime.date(2026, 10, 15)
    for group in ("unit", "field", "procedure"):
        direct = direct_counts.dossier_figures(unit_ids=all_units(), period=period, group=group, now=NOW)
        counted = daily_counters.dossier_figures(unit_ids=all_units(), period=period, group=group, now=NOW)
        assert counted == direct, group
    # The apologised dossiers of c2 count late in both (finished Fri 9 after the old date, from
    # the counters; in progress past the old date, directly), never on time.
    for rows in (direct_counts.dossier_figures(unit_ids=[org.c2.pk], period=period, now=NOW),
                 daily_counters.dossier_figures(unit_ids=[org.c2.pk], period=period, now=NOW)):
        row = rows[org.c2.pk]
        assert row["finished_late"] + row["in_progress_late"] == (1 if period.last < datetime.date(2026, 10, 9) else 2)
        assert row["finished_early"] + row["finished_on_time"] + row["in_progress_on_time"] == 0
    assert (daily_counters.step_figures(unit_ids=all_units(), period=period, now=NOW)
            == direct_counts.step_figures(unit_ids=all_units(), period=period, now=NOW))
    assert (daily_counters.monthly_trend(unit_ids=all_units(), period=period, now=NOW)
            == direct_counts.monthly_trend(unit_ids=all_units(), period=period, now=NOW))
    assert (indicators.online_procedures(unit_ids=all_units(), period=period)
            == indicators.online_procedures(unit_ids=all_units(), period=period))


def _assert_counters_equal_direct(period, now):
    from workflow.supervision import daily_counters

    for group in ("unit", "field", "procedure"):
        direct = direct_counts.dossier_figures(unit_ids=all_units(), period=period, group=group, now=now)
        counted = daily_counters.dossier_figures(unit_ids=all_units(), period=period, group=group, now=now)
        assert counted == direct, group
    assert (daily_counters.step_figures(unit_ids=all_units(), period=period, now=now)
            == direct_counts.step_figures(unit_ids=all_units(), period=period, now=now))
    assert (daily_counters.monthly_trend(unit_ids=all_units(), period=period, now=now)
            == direct_counts.monthly_trend(unit_ids=all_units(), period=period, now=now))
    assert (indicators.online_procedures(unit_ids=all_units(), period=period)
            == indicators.online_procedures(unit_ids=all_units(), period=period))


@pytest.mark.parametrize("period", [
    OCTOBER,
    periods.Period("custom", datetime.date(2026, 10, 19), datetime.date(2026, 10, 19)),
    periods.Period("custom", datetime.date(2026, 10, 12), datetime.date(2026, 10, 25)),
])
def test_todays_counters_up_to_a_moment_and_the_direct_count_after_it(org, october, clerk, officer_c1, leader_c1,
                                                                       period, time_machine):
    """Today's counters cover the day up to a minute before their refresh; what came after is
    counted directly: together, the numbers of the direct count."""
    from django.core.cache import cache

    from workflow.models import DailyCounter
    from workflow.supervision import daily_counters

    cache.clear()
    time_machine.move_to(at(19, 12), tick=False)
    daily_counters.refresh_range(datetime.date(2026, 9, 1), datetime.date(2026, 10, 18), from_beginning=True)
    daily_counters.refresh_today()
    covered = daily_counters.cover(OCTOBER)
    assert covered.counted == datetime.date(2026, 10, 18) and covered.partial == datetime.date(2026, 10, 19)
    assert covered.rest.start == at(19, 11, 59)
    # G, accepted at 08:00 on the 19th, is in today's counters.
    assert sum(DailyCounter.objects.filter(day=datetime.date(2026, 10, 19)).values_list("received", flat=True)) == 1
    # After the refresh: one received and finished the same afternoon, one received the next morning.
    version = october["A"].procedure_version
    who = dict(clerk=clerk, officer=officer_c1, leader=leader_c1)
    decide(receive(clerk, org.c1, version, at(19, 13)), when=at(19, 16), **who)
    receive(clerk, org.c1, version, at(20, 8))
    time_machine.move_to(NOW, tick=False)
    _assert_counters_equal_direct(period, NOW)
    row = direct_counts.total(daily_counters.dossier_figures(unit_ids=all_units(), period=OCTOBER, now=NOW))
    # Received: A–J, L and the two above (K in September); finished: A–F, J, K and the afternoon one.
    assert (row["received"], row["finished"]) == (13, 9)


def test_todays_counters_are_ignored_when_the_days_before_are_not_complete(org, october, time_machine):
    from workflow.supervision import daily_counters

    time_machine.move_to(at(19, 12), tick=False)
    daily_counters.refresh_range(datetime.date(2026, 9, 1), datetime.date(2026, 10, 15), from_beginning=True)
    daily_counters.refresh_today()  # the 16th to 18th are not in the counters: today's cannot follow them
    covered = daily_counters.cover(OCTOBER)
    assert covered.partial is None and covered.rest.start == at(16, 0)
    time_machine.move_to(NOW, tick=False)
    _assert_counters_equal_direct(OCTOBER, NOW)


def test_todays_refresh_never_overwrites_a_complete_day(org, october, time_machine):
    """Thirty seconds after midnight "a minute ago" is still yesterday, which the daily refresh
    may already have completed: today's refresh leaves it alone."""
    from workflow.models import DailyCounter
    from workflow.supervision import daily_counters

    time_machine.move_to(at(20, 0, 0) + datetime.timedelta(seconds=30), tick=False)
    daily_counters.refresh_range(datetime.date(2026, 9, 1), datetime.date(2026, 10, 19), from_beginning=True)
    complete = list(DailyCounter.objects.filter(day=datetime.date(2026, 10, 19)).values_list("received", flat=True))
    assert complete and daily_counters.refresh_today() == (0, 0)
    assert list(DailyCounter.objects.filter(day=datetime.date(2026, 10, 19)).values_list(
        "received", flat=True)) == complete
    assert daily_counters.cover(OCTOBER).partial is None


def test_refreshing_twice_changes_nothing(org, october):
    from workflow.models import DailyCounter
    from workflow.supervision import daily_counters

    daily_counters.refresh_all(until=datetime.date(2026, 10, 31))
    first = list(DailyCounter.objects.order_by("day", "unit", "procedure").values())
    daily_counters.refresh_all(until=datetime.date(2026, 10, 31))
    again = list(DailyCounter.objects.order_by("day", "unit", "procedure").values())
    assert [{k: v for k, v in r.items() if k != "id"} for r in first] == [
        {k: v for k, v in r.items() if k != "id"} for r in again]
    assert sum(r["received"] for r in again) == 12  # A–J, K (September) and L
