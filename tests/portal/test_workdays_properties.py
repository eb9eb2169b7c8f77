"""Properties of the working-day calendar over 2026–2027, checked with hypothesis.

The calendars are built in memory (no database): the default office hours, and a Saturday
morning schedule with a make-up Saturday and compensatory days off, so every rule of
`WorkingCalendar` is exercised without a query per example.
"""

import datetime
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from portal.workdays import TZ, WorkingCalendar
from portal.workdays.due_dates import compute_due_in

DEFAULT = WorkingCalendar()
SATURDAY_MORNINGS = WorkingCalendar(
    periods={
        **{
            weekday: [(datetime.time(7), datetime.time(11, 30)), (datetime.time(13, 30), datetime.time(17))]
            for weekday in range(5)
        },
        5: [(datetime.time(7, 30), datetime.time(11, 30))],
    },
    exceptions={
        datetime.date(2026, 12, 6): (True, "Chủ nhật làm bù"),
        datetime.date(2026, 12, 28): (False, "Nghỉ bù"),
        datetime.date(2027, 3, 8): (False, "Nghỉ bù"),
        datetime.date(2027, 2, 6): (True, "Trực Tết"),
    },
)

calendars = st.sampled_from([DEFAULT, SATURDAY_MORNINGS])

# Boundary times are where off-by-one errors live: favour them.
BOUNDARIES = [datetime.time(h, m) for h, m in [(7, 0), (7, 30), (11, 30), (13, 30), (15, 0), (17, 0), (0, 0)]]
times = st.one_of(
    st.sampled_from(BOUNDARIES),
    st.builds(datetime.time, st.integers(0, 23), st.integers(0, 59)),
)
dates = st.dates(min_value=datetime.date(2026, 1, 1), max_value=datetime.date(2027, 12, 31))
moments = st.builds(lambda day, time: datetime.datetime.combine(day, time, tzinfo=TZ), dates, times)
# Budgets in hundredths of an hour (36 s), exact in microseconds: up to 40 working days.
hours = st.integers(0, 320 * 100).map(lambda n: Decimal(n) / 100)
positive_hours = st.integers(1, 320 * 100).map(lambda n: Decimal(n) / 100)
days = st.integers(0, 40 * 4).map(lambda n: Decimal(n) / 4)

examples = settings(max_examples=150, deadline=None)


@examples
@given(calendars, moments, moments, hours)
def test_later_start_is_never_due_earlier(calendar, first, second, budget):
    early, late = sorted([first, second])
    assert calendar.add_working_hours(early, budget) <= calendar.add_working_hours(late, budget)


@examples
@given(calendars, moments, hours, hours)
def test_larger_budget_is_never_due_earlier(calendar, start, first, second):
    small, large = sorted([first, second])
    assert calendar.add_working_hours(start, small) <= calendar.add_working_hours(start, large)


@examples
@given(calendars, moments, positive_hours)
def test_due_falls_within_office_hours_of_a_working_day(calendar, start, budget):
    due = calendar.add_working_hours(start, budget)
    assert due > start
    assert calendar.is_working_day(due.date())
    assert any(opening < due <= closing for opening, closing in calendar.periods_on(due.date()))


@examples
@given(calendars, moments, hours, hours)
def test_adding_hours_in_two_steps_equals_adding_them_at_once(calendar, start, first, second):
    assert calendar.add_working_hours(calendar.add_working_hours(start, first), second) == (
        calendar.add_working_hours(start, first + second)
    )


@examples
@given(calendars, moments, hours)
def test_working_hours_between_inverts_add_working_hours(calendar, start, budget):
    assert calendar.working_hours_between(start, calendar.add_working_hours(start, budget)) == budget
    normalised = calendar.normalise(start)
    assert calendar.working_hours_between(normalised, calendar.add_working_hours(normalised, budget)) == budget


@examples
@given(calendars, moments)
def test_normalised_start_is_office_time_and_loses_no_working_time(calendar, moment):
    normalised = calendar.normalise(moment)
    assert normalised >= moment
    assert calendar.is_office_time(normalised)
    assert calendar.working_hours_between(moment, normalised) == 0
    assert calendar.normalise(normalised) == normalised


@examples
@given(calendars, moments, days)
def test_working_days_are_standard_days_of_hours_from_the_normalised_start(calendar, received, amount):
    due = compute_due_in(calendar, received, amount=amount, time_unit="working_days")
    assert due.start_at == calendar.normalise(received)
    assert due.due_at == calendar.add_working_hours(due.start_at, amount * 8)
    assert calendar.working_days_between(due.start_at, due.due_at) == amount
    assert due.explanation[-1].startswith("Hạn trả kết quả")


@examples
@given(calendars, moments, st.integers(0, 60))
def test_calendar_day_due_is_on_a_working_day_and_not_before_the_plain_count(calendar, start, amount):
    due = calendar.add_calendar_days(start, amount)
    assert calendar.is_working_day(due.date())
    assert due >= start + datetime.timedelta(days=amount)


@examples
@given(calendars, moments)
def test_forwarding_happens_on_a_working_day_never_before_reception(calendar, received):
    forwarded = calendar.forwarding_moment(received)
    assert forwarded >= received
    assert calendar.is_working_day(forwarded.date())
    if forwarded != received:
        assert forwarded == calendar.opening(forwarded.date())


@examples
@given(calendars, moments)
def test_same_day_due_is_the_closing_of_the_forwarding_day(calendar, received):
    due = compute_due_in(calendar, received, amount=0, time_unit="same_day")
    assert due.due_at == calendar.closing(calendar.forwarding_moment(received).date())
    assert due.due_at > received


@examples
@given(calendars, dates)
def test_a_day_is_off_exactly_when_it_has_a_reason(calendar, day):
    reason = calendar.day_off_reason(day)
    assert (reason is None) == calendar.is_working_day(day)
    assert (reason is None) == bool(calendar.periods_on(day))
