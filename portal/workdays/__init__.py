"""The working-day calendar (lịch làm việc): which days count, office hours, and due dates.

Every app computes deadlines through this module, so the rules live in one place:

* **Working days** (ngày làm việc, DOMAIN §7). A weekday is a working day when the unit's
  schedule has office hours on it (a schedule with Saturday periods makes Saturday a working
  day). Public holidays come from the `holidays` package (`holidays.VN`: Labour Code 2019
  art. 112, 24/11 from 2026, and the government's announced swaps: compensatory days off and
  make-up working Saturdays). `CalendarException` rows override both: global rows (no unit),
  then rows of an ancestor unit, then rows of the unit itself — the nearest one wins. A row
  for a unit applies to that unit and every unit below it (materialised `Unit.path`).
* **Office hours** come from the unit's schedule (`Unit.effective_schedule()`, the default
  schedule without a unit, and 07:00–11:30, 13:30–17:00 Monday–Friday if the database has
  none). A working day that has no office hours of its own (a make-up Saturday, or a Sunday
  declared a working day) uses the hours of the *standard day* — the weekday with the most
  office hours, Monday in the default schedule.
* **Counting rule.** One working day is the length of the standard day (8 hours by default);
  N working days are N × 8 working hours, 0.5 day is 4 hours. The clock starts at the
  *normalised* start: a dossier received within office hours counts from that moment, before
  opening from opening, during the lunch break from 13:30, after closing or on a day off from
  the next working day's opening. A budget that runs out exactly at a closing time is due at
  that closing time (17:00), not at the next opening. So, in the default schedule, 1 working
  day from Monday 07:00 is due Monday 17:00, from Monday 08:00 it is due Tuesday 08:00, and
  3 working days from Monday 07:00 are due Wednesday 17:00.
* Precisely, `add_working_hours(start, h)` is the earliest moment `t >= start` for which
  `working_hours_between(start, t) == h`. This makes the two functions exact inverses and
  `add_working_hours(add_working_hours(s, a), b) == add_working_hours(s, a + b)`.
* Times may be given in any time zone but must be aware; everything is computed in
  Asia/Ho_Chi_Minh and returned as aware datetimes in that zone. Budgets are rounded up to
  the microsecond, so a due date is never earlier than the budget allows.

Module-level functions take `unit=` and build a calendar per call (a few queries: the
schedule, its periods, and the calendar exceptions of the years touched, one query per two
years). For bulk work (statistics, recomputing many due dates) build one calendar with
`calendar_for(unit)` and call its methods: it memoises days, periods and exceptions.

The package: `calendars` (national holidays and `WorkingCalendar`: working days, office hours
and working-time arithmetic, without the database), `unit_calendars` (`calendar_for(unit)`: a
unit's schedule and calendar exceptions from the database, memoised per request) and
`due_dates` (`Due`, and `compute_due_in(calendar, ...)`: a due date and its explanation on a
given calendar). This module is the package's public API: the one-calendar-per-call functions
below, and the few names callers build on (`__all__`).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from decimal import Decimal

from portal.workdays.calendars import (
    DEFAULT_FORWARDING_CUTOFF,
    DEFAULT_PERIODS,
    TZ,
    Number,
    WorkingCalendar,
)
from portal.workdays.due_dates import Due, compute_due_in, format_moment
from portal.workdays.unit_calendars import calendar_for

__all__ = [
    "DEFAULT_FORWARDING_CUTOFF",
    "DEFAULT_PERIODS",
    "TZ",
    "Due",
    "WorkingCalendar",
    "calendar_for",
    "format_moment",
    "is_working_day",
    "day_off_reason",
    "iter_working_days",
    "next_working_day",
    "add_working_hours",
    "add_working_days",
    "add_calendar_days",
    "forwarding_moment",
    "working_hours_between",
    "working_days_between",
    "compute_due",
    "explain_due",
]


# Module-level API: one calendar per call -----------------------------------------------------


def is_working_day(day: datetime.date, *, unit=None) -> bool:
    """Whether `day` is a working day for `unit` (or for the default schedule)."""
    return calendar_for(unit).is_working_day(day)


def day_off_reason(day: datetime.date, *, unit=None) -> str | None:
    """Why `day` is not a working day — the exception's reason, the holiday's name or the
    weekly day off — translated; None when it is a working day."""
    return calendar_for(unit).day_off_reason(day)


def iter_working_days(start: datetime.date, end: datetime.date, *, unit=None) -> Iterator[datetime.date]:
    """The working days from `start` to `end`, both included."""
    return calendar_for(unit).iter_working_days(start, end)


def next_working_day(day: datetime.date, *, unit=None) -> datetime.date:
    """The first working day strictly after `day`."""
    return calendar_for(unit).next_working_day(day)


def add_working_hours(start: datetime.datetime, hours: Number, *, unit=None) -> datetime.datetime:
    """`hours` working hours after `start`, counted from the normalised start."""
    return calendar_for(unit).add_working_hours(start, hours)


def add_working_days(start: datetime.datetime, days: Number, *, unit=None) -> datetime.datetime:
    """`days` working days (fractions allowed) = days × hours of a standard day, after `start`."""
    return calendar_for(unit).add_working_days(start, days)


def add_calendar_days(start: datetime.datetime, days: Number, *, unit=None) -> datetime.datetime:
    """`days` calendar days after `start`, moved to the next working day's opening when the
    result falls on a day off."""
    return calendar_for(unit).add_calendar_days(start, days)


def forwarding_moment(received_at: datetime.datetime, *, unit=None) -> datetime.datetime:
    """When a paper dossier received at `received_at` must be forwarded (Decree 61/2018)."""
    return calendar_for(unit).forwarding_moment(received_at)


def working_hours_between(start: datetime.datetime, end: datetime.datetime, *, unit=None) -> Decimal:
    """Working hours between two moments (for remaining budgets and on-time statistics)."""
    return calendar_for(unit).working_hours_between(start, end)


def working_days_between(start: datetime.datetime, end: datetime.datetime, *, unit=None) -> Decimal:
    """Working hours between two moments divided by the hours of a standard day."""
    return calendar_for(unit).working_days_between(start, end)


def compute_due(received_at: datetime.datetime, *, amount: Number, time_unit: str, unit=None) -> Due:
    """The due date and its explanation; see `due_dates.compute_due_in`."""
    return compute_due_in(calendar_for(unit), received_at, amount=amount, time_unit=time_unit)


def explain_due(received_at: datetime.datetime, *, amount: Number, time_unit: str, unit=None) -> list[str]:
    """Only the explanation lines of `compute_due`."""
    return compute_due(received_at, amount=amount, time_unit=time_unit, unit=unit).explanation
