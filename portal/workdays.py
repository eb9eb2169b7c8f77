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
"""

from __future__ import annotations

import contextvars
import datetime
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from django.db.models import Q
from django.utils.formats import number_format
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

TZ = ZoneInfo("Asia/Ho_Chi_Minh")

# Time units of a processing time; the same values as procedures.TimeUnit.
WORKING_DAYS = "working_days"
CALENDAR_DAYS = "calendar_days"
HOURS = "hours"
SAME_DAY = "same_day"
TIME_UNITS = (WORKING_DAYS, CALENDAR_DAYS, HOURS, SAME_DAY)

# The usual office hours, used when the database holds no default schedule.
DEFAULT_PERIODS = {
    weekday: ((datetime.time(7, 0), datetime.time(11, 30)), (datetime.time(13, 30), datetime.time(17, 0)))
    for weekday in range(5)
}
DEFAULT_FORWARDING_CUTOFF = datetime.time(15, 0)

# How far to look for the next working day before concluding the calendar is broken.
MAX_SCAN_DAYS = 3660

_MICROSECONDS_PER_HOUR = 3_600_000_000
_MICROSECONDS_PER_DAY = 24 * _MICROSECONDS_PER_HOUR

WEEKDAY_NAMES = (
    gettext_lazy("Thứ Hai"),
    gettext_lazy("Thứ Ba"),
    gettext_lazy("Thứ Tư"),
    gettext_lazy("Thứ Năm"),
    gettext_lazy("Thứ Sáu"),
    gettext_lazy("Thứ Bảy"),
    gettext_lazy("Chủ nhật"),
)

Number = Decimal | int | float
Periods = Mapping[int, Sequence[tuple[datetime.time, datetime.time]]]
# date -> (is_working_day, reason)
Overrides = dict[datetime.date, tuple[bool, str]]


@dataclass(frozen=True)
class Due:
    """A computed due date that can explain itself (DOMAIN §7).

    `explanation` holds translated, human-readable lines: when the dossier was received, when
    the clock started and why, the budget, every day that was not counted and why, and the
    due date. `skipped_days` holds the same days as (date, reason) pairs for templates."""

    due_at: datetime.datetime
    start_at: datetime.datetime
    explanation: list[str] = field(default_factory=list)
    skipped_days: tuple[tuple[datetime.date, str], ...] = ()


# National holidays ------------------------------------------------------------------------


def _holiday_language():
    return "vi" if (get_language() or "vi").startswith("vi") else "en_US"


@lru_cache(maxsize=64)
def national_holidays(year: int, language: str = "vi") -> tuple[dict[datetime.date, str], frozenset[datetime.date]]:
    """The public holidays of `year` (date -> name in `language`) and its make-up working
    days (weekend days the government turned into working days), from `holidays.VN`."""
    calendar = holidays.VN(years=year, language=language)
    days_off = {day: name for day, name in calendar.items() if day.year == year}
    workdays = frozenset(day for day in getattr(calendar, "weekend_workdays", ()) if day.year == year)
    return days_off, workdays


# The calendar ----------------------------------------------------------------------------


class WorkingCalendar:
    """Working days and office hours of one unit (or of the default schedule).

    Build it with `calendar_for(unit)`; tests may build one directly from plain periods and
    exceptions without touching the database:

        WorkingCalendar(periods={0: [(time(7), time(11, 30))]}, exceptions={date(...): (False, "…")})
    """

    def __init__(
        self,
        *,
        periods: Periods = DEFAULT_PERIODS,
        forwarding_cutoff: datetime.time = DEFAULT_FORWARDING_CUTOFF,
        exceptions: Mapping[datetime.date, tuple[bool, str]] | None = None,
        load_exceptions: Callable[[datetime.date, datetime.date], Overrides] | None = None,
    ):
        self.periods = {
            weekday: tuple(sorted((start, end) for start, end in day_periods))
            for weekday, day_periods in periods.items()
            if day_periods
        }
        if not self.periods:
            raise ValueError("A working calendar needs at least one office period.")
        for day_periods in self.periods.values():
            for start, end in day_periods:
                if end <= start:
                    raise ValueError(f"Office period {start}–{end} ends before it starts.")
        self.forwarding_cutoff = forwarding_cutoff
        # The standard day: the weekday with the most office hours (the earliest on a tie).
        self.standard_periods = max((self.periods[weekday] for weekday in sorted(self.periods)), key=_periods_length)
        self.hours_per_day = Decimal(_periods_length(self.standard_periods)) / _MICROSECONDS_PER_HOUR
        self._load_exceptions = load_exceptions
        self._overrides: Overrides = dict(exceptions or {})
        self._loaded_years: set[int] = set()
        self._periods_cache: dict[datetime.date, tuple[tuple[datetime.datetime, datetime.datetime], ...]] = {}
        self._day_length_cache: dict[datetime.date, int] = {}

    # Days ----------------------------------------------------------------------------------

    def _override(self, day: datetime.date) -> tuple[bool, str] | None:
        if self._load_exceptions is not None and day.year not in self._loaded_years:
            # One query for this year and the next: most deadlines stay within them.
            first, last = day.year, day.year + 1
            self._overrides.update(self._load_exceptions(datetime.date(first, 1, 1), datetime.date(last, 12, 31)))
            self._loaded_years.update((first, last))
        return self._overrides.get(day)

    def is_working_day(self, day: datetime.date) -> bool:
        override = self._override(day)
        if override is not None:
            return override[0]
        days_off, workdays = national_holidays(day.year)
        if day in days_off:
            return False
        if day in workdays:
            return True
        return day.weekday() in self.periods

    def day_off_reason(self, day: datetime.date) -> str | None:
        """Why `day` is not a working day (translated), or None when it is one."""
        if self.is_working_day(day):
            return None
        override = self._override(day)
        if override is not None:
            return override[1]
        days_off, _workdays = national_holidays(day.year, _holiday_language())
        if day in days_off:
            return days_off[day]
        return _("Ngày nghỉ hằng tuần")

    def next_working_day(self, day: datetime.date) -> datetime.date:
        """The first working day strictly after `day`."""
        for offset in range(1, MAX_SCAN_DAYS):
            candidate = day + datetime.timedelta(days=offset)
            if self.is_working_day(candidate):
                return candidate
        raise ValueError(f"No working day within {MAX_SCAN_DAYS} days after {day}.")

    def iter_working_days(self, start: datetime.date, end: datetime.date) -> Iterator[datetime.date]:
        """Working days from `start` to `end`, both included."""
        day = start
        while day <= end:
            if self.is_working_day(day):
                yield day
            day += datetime.timedelta(days=1)

    def iter_days_off(self, start: datetime.date, end: datetime.date) -> Iterator[tuple[datetime.date, str]]:
        """(date, reason) of the non-working days from `start` to `end`, both included."""
        day = start
        while day <= end:
            reason = self.day_off_reason(day)
            if reason is not None:
                yield day, reason
            day += datetime.timedelta(days=1)

    # Office hours --------------------------------------------------------------------------

    def periods_on(self, day: datetime.date) -> tuple[tuple[datetime.datetime, datetime.datetime], ...]:
        """The office periods of `day` as aware datetimes; empty on a non-working day."""
        try:
            return self._periods_cache[day]
        except KeyError:
            pass
        if not self.is_working_day(day):
            result = ()
        else:
            times = self.periods.get(day.weekday(), self.standard_periods)
            result = tuple(
                (datetime.datetime.combine(day, start, tzinfo=TZ), datetime.datetime.combine(day, end, tzinfo=TZ))
                for start, end in times
            )
        self._periods_cache[day] = result
        return result

    def opening(self, day: datetime.date) -> datetime.datetime:
        """Opening time of a working day."""
        return self._require_periods(day)[0][0]

    def closing(self, day: datetime.date) -> datetime.datetime:
        """Closing time of a working day."""
        return self._require_periods(day)[-1][1]

    def _require_periods(self, day):
        periods = self.periods_on(day)
        if not periods:
            raise ValueError(f"{day} is not a working day.")
        return periods

    def is_office_time(self, moment: datetime.datetime) -> bool:
        """True within an office period (opening included, closing excluded)."""
        moment = to_local(moment)
        return any(start <= moment < end for start, end in self.periods_on(moment.date()))

    def normalise(self, moment: datetime.datetime) -> datetime.datetime:
        """When the clock starts for something received at `moment`: that moment within
        office hours, else the next opening (after lunch, next morning, next working day)."""
        moment = to_local(moment)
        day = moment.date()
        for _offset in range(MAX_SCAN_DAYS):
            for start, end in self.periods_on(day):
                if moment < end:
                    return max(start, moment)
            day += datetime.timedelta(days=1)
        raise ValueError(f"No working day within {MAX_SCAN_DAYS} days after {moment}.")

    # Arithmetic ----------------------------------------------------------------------------

    def add_working_hours(self, start: datetime.datetime, hours: Number) -> datetime.datetime:
        """The moment `hours` working hours after `start` (see the module docstring)."""
        remaining = _microseconds(hours, _MICROSECONDS_PER_HOUR)
        moment = to_local(start)
        if remaining == 0:
            return moment
        day = moment.date()
        for _offset in range(MAX_SCAN_DAYS):
            for period_start, period_end in self.periods_on(day):
                if period_end <= moment:
                    continue
                begin = max(period_start, moment)
                available = _span(begin, period_end)
                if remaining <= available:
                    return begin + datetime.timedelta(microseconds=remaining)
                remaining -= available
            day += datetime.timedelta(days=1)
        raise ValueError(f"Budget of {hours} hours does not fit in {MAX_SCAN_DAYS} days.")

    def add_working_days(self, start: datetime.datetime, days: Number) -> datetime.datetime:
        """N working days = N × the standard day's hours, counted from `start`."""
        return self.add_working_hours(start, _decimal(days) * self.hours_per_day)

    def working_hours_between(self, start: datetime.datetime, end: datetime.datetime) -> Decimal:
        """Working hours from `start` to `end` (negative when `end` is earlier)."""
        start, end = to_local(start), to_local(end)
        if end < start:
            return -self.working_hours_between(end, start)
        first, last = start.date(), end.date()
        if first == last:
            total = self._overlap(first, start, end)
        else:
            # Partial first and last days; whole days in between from their cached totals
            # (the statistics call this once per finished dossier).
            total = self._overlap(first, start, None) + self._overlap(last, None, end)
            day = first + _ONE_DAY
            while day < last:
                total += self._day_length(day)
                day += _ONE_DAY
        return Decimal(total) / _MICROSECONDS_PER_HOUR

    def _overlap(self, day, start, end):
        """Microseconds of `day`'s office periods between start and end (None: open-ended)."""
        total = 0
        for period_start, period_end in self.periods_on(day):
            overlap = _span(period_start if start is None else max(period_start, start),
                            period_end if end is None else min(period_end, end))
            if overlap > 0:
                total += overlap
        return total

    def _day_length(self, day):
        try:
            return self._day_length_cache[day]
        except KeyError:
            length = self._day_length_cache[day] = self._overlap(day, None, None)
            return length

    def working_days_between(self, start: datetime.datetime, end: datetime.datetime) -> Decimal:
        """Working hours from `start` to `end` divided by the standard day's hours."""
        return self.working_hours_between(start, end) / self.hours_per_day

    def add_calendar_days(self, start: datetime.datetime, days: Number) -> datetime.datetime:
        """`days` calendar days after `start`; a result on a non-working day moves to the next
        working day's opening. Civil Code 2015 art. 148 lets a deadline that ends on a day off
        run to the end of the next working day; the opening is the stricter reading, so an
        office that meets it is on time under either."""
        moment = to_local(start) + datetime.timedelta(microseconds=_microseconds(days, _MICROSECONDS_PER_DAY))
        if self.is_working_day(moment.date()):
            return moment
        return self.opening(self.next_working_day(moment.date()))

    def forwarding_moment(self, received_at: datetime.datetime) -> datetime.datetime:
        """Decree 61/2018 art. 17 (forwarding to the competent body): paper received on a
        working day up to the cut-off (15:00) is forwarded the same day; received later, after
        closing, or on a day off, it is forwarded at the next working day's opening."""
        received = to_local(received_at)
        day = received.date()
        if self.is_working_day(day) and received.time() <= self.forwarding_cutoff and received < self.closing(day):
            return received
        return self.opening(self.next_working_day(day))

    # Due dates -----------------------------------------------------------------------------

    def compute_due(self, received_at: datetime.datetime, *, amount: Number, time_unit: str) -> Due:
        """The due date of a processing time of `amount` `time_unit` for something received
        at `received_at`, with its explanation. `time_unit` is one of TIME_UNITS:

        * working_days: amount × hours_per_day working hours from the normalised start;
        * hours: amount working hours from the normalised start;
        * calendar_days: amount × 24 h from the normalised start, moved to the next working
          day's opening when it ends on a day off;
        * same_day (amount ignored): closing time of the reception day, or of the next working
          day when received after the forwarding cut-off, after closing or on a day off.
        """
        if time_unit not in TIME_UNITS:
            raise ValueError(f"Unknown time unit {time_unit!r}; expected one of {TIME_UNITS}.")
        received = to_local(received_at)
        amount = _decimal(amount)
        if amount < 0:
            raise ValueError("A processing time cannot be negative.")
        lines = [_("Tiếp nhận: %(moment)s.") % {"moment": format_moment(received)}]

        if time_unit == SAME_DAY:
            start = self.normalise(self.forwarding_moment(received))
            due = self.closing(start.date())
            lines.append(self._start_line(received, start, same_day=True))
            lines.append(_("Thời hạn giải quyết: trong ngày làm việc, trả kết quả trước khi hết giờ làm việc."))
            skipped = list(self.iter_days_off(received.date(), due.date()))
            lines.extend(_skipped_line(day, reason) for day, reason in skipped)
        elif time_unit == CALENDAR_DAYS:
            start = self.normalise(received)
            lines.append(self._start_line(received, start))
            lines.append(_("Thời hạn giải quyết: %(days)s ngày, tính cả ngày nghỉ.") % {"days": format_number(amount)})
            plain_end = start + datetime.timedelta(microseconds=_microseconds(amount, _MICROSECONDS_PER_DAY))
            due = self.add_calendar_days(start, amount)
            skipped = list(self.iter_days_off(plain_end.date(), due.date() - datetime.timedelta(days=1)))
            if skipped:
                lines.append(
                    _(
                        "Ngày cuối của thời hạn là ngày nghỉ nên hạn chuyển sang đầu giờ làm việc của ngày làm việc "
                        "tiếp theo."
                    )
                )
                lines.extend(
                    _("Ngày nghỉ: %(weekday)s %(date)s (%(reason)s).") % _day_values(day, reason)
                    for day, reason in skipped
                )
        else:
            start = self.normalise(received)
            lines.append(self._start_line(received, start))
            if time_unit == WORKING_DAYS:
                hours = amount * self.hours_per_day
                lines.append(
                    _(
                        "Thời hạn giải quyết: %(days)s ngày làm việc, tức %(hours)s giờ làm việc "
                        "(mỗi ngày làm việc %(per_day)s giờ)."
                    )
                    % {
                        "days": format_number(amount),
                        "hours": format_number(hours),
                        "per_day": format_number(self.hours_per_day),
                    }
                )
            else:
                hours = amount
                lines.append(_("Thời hạn giải quyết: %(hours)s giờ làm việc.") % {"hours": format_number(hours)})
            due = self.add_working_hours(start, hours)
            skipped = list(self.iter_days_off(received.date(), due.date()))
            lines.extend(_skipped_line(day, reason) for day, reason in skipped)

        lines.append(_("Hạn trả kết quả: %(moment)s.") % {"moment": format_moment(due)})
        return Due(due_at=due, start_at=start, explanation=lines, skipped_days=tuple(skipped))

    def _start_line(self, received, start, *, same_day=False):
        values = {"start": format_moment(start)}
        day = received.date()
        if not self.is_working_day(day):
            values["reason"] = self.day_off_reason(day)
            return _("Ngày tiếp nhận là ngày nghỉ (%(reason)s): bắt đầu tính từ %(start)s.") % values
        if same_day and received.time() > self.forwarding_cutoff:
            values["cutoff"] = received.replace(
                hour=self.forwarding_cutoff.hour, minute=self.forwarding_cutoff.minute
            ).strftime("%H:%M")
            return (
                _(
                    "Tiếp nhận sau %(cutoff)s nên chuyển sang ngày làm việc tiếp theo "
                    "(Nghị định 61/2018/NĐ-CP): bắt đầu tính từ %(start)s."
                )
                % values
            )
        if start == received:
            return _("Tiếp nhận trong giờ làm việc: bắt đầu tính ngay từ lúc tiếp nhận.")
        periods = self.periods_on(day)
        if received < periods[0][0]:
            return _("Tiếp nhận trước giờ làm việc: bắt đầu tính từ %(start)s.") % values
        if received >= periods[-1][1]:
            return _("Tiếp nhận sau giờ làm việc: bắt đầu tính từ %(start)s.") % values
        return _("Tiếp nhận trong giờ nghỉ trưa: bắt đầu tính từ %(start)s.") % values


# Calendars built during one web request, by unit: a dossier page asks for its unit's calendar
# several times (the due date's explanation, the apology window, time left), three queries
# each. Emptied when a request starts and ends, and whenever a schedule, an office period, a
# calendar exception or a unit is saved or deleted (portal.apps); outside requests (tasks,
# commands, tests calling services) every call builds a new calendar, as before.
_REQUEST_CALENDARS: contextvars.ContextVar[dict | None] = contextvars.ContextVar("request_calendars", default=None)


def begin_request_calendars(**_signal_kwargs):
    _REQUEST_CALENDARS.set({})


def end_request_calendars(**_signal_kwargs):
    _REQUEST_CALENDARS.set(None)


def forget_calendars(**_signal_kwargs):
    memo = _REQUEST_CALENDARS.get()
    if memo:
        memo.clear()


def calendar_for(unit=None) -> WorkingCalendar:
    """The working calendar of `unit` (its effective schedule and the calendar exceptions of
    its subtree chain), or of the default schedule when `unit` is None."""
    memo = _REQUEST_CALENDARS.get()
    if memo is None or (unit is not None and unit.pk is None):
        return _build_calendar(unit)
    key = None if unit is None else (unit.pk, unit.path, unit.schedule_id)
    if key not in memo:
        memo[key] = _build_calendar(unit)
    return memo[key]


def _build_calendar(unit) -> WorkingCalendar:
    from .models import CalendarException, WorkSchedule

    schedule = unit.effective_schedule() if unit is not None else WorkSchedule.default()
    periods, cutoff = DEFAULT_PERIODS, DEFAULT_FORWARDING_CUTOFF
    if schedule is not None:
        periods = {}
        for weekday, start, end in schedule.periods.values_list("weekday", "start", "end"):
            periods.setdefault(weekday, []).append((start, end))
        cutoff = schedule.forwarding_cutoff

    # The unit and its ancestors, nearest last: a row of a nearer unit wins.
    if unit is None:
        chain = []
    elif unit.path:
        chain = [int(pk) for pk in unit.path.strip("/").split("/") if pk]
    else:
        chain = [unit.pk] if unit.pk else []
    rank = {pk: position for position, pk in enumerate(chain)}

    def load(first: datetime.date, last: datetime.date) -> Overrides:
        rows = CalendarException.objects.filter(date__range=(first, last)).filter(
            Q(unit__isnull=True) | Q(unit_id__in=chain)
        )
        best: dict[datetime.date, tuple[int, bool, str]] = {}
        for day, unit_id, is_working_day, reason in rows.values_list("date", "unit_id", "is_working_day", "reason"):
            position = -1 if unit_id is None else rank[unit_id]
            if day not in best or position > best[day][0]:
                best[day] = (position, is_working_day, reason)
        return {day: (is_working_day, reason) for day, (_position, is_working_day, reason) in best.items()}

    return WorkingCalendar(periods=periods, forwarding_cutoff=cutoff, load_exceptions=load)


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
    """The due date and its explanation; see `WorkingCalendar.compute_due`."""
    return calendar_for(unit).compute_due(received_at, amount=amount, time_unit=time_unit)


def explain_due(received_at: datetime.datetime, *, amount: Number, time_unit: str, unit=None) -> list[str]:
    """Only the explanation lines of `compute_due`."""
    return compute_due(received_at, amount=amount, time_unit=time_unit, unit=unit).explanation


# Helpers -------------------------------------------------------------------------------------


def to_local(moment: datetime.datetime) -> datetime.datetime:
    """`moment` in Asia/Ho_Chi_Minh; naive datetimes are refused (USE_TZ is on)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"Expected an aware datetime, got {moment!r}.")
    return moment.astimezone(TZ)


def format_moment(moment: datetime.datetime) -> str:
    """A moment as "Thứ Hai 16/11/2026 lúc 08:15" in the active language."""
    moment = to_local(moment)
    return _("%(weekday)s %(date)s lúc %(time)s") % {
        "weekday": WEEKDAY_NAMES[moment.weekday()],
        "date": moment.strftime("%d/%m/%Y"),
        "time": moment.strftime("%H:%M"),
    }


def format_number(value: Number) -> str:
    """A number without trailing zeros, with the active language's decimal separator."""
    value = _decimal(value)
    value = value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()
    return number_format(value)


def _day_values(day, reason):
    return {"weekday": WEEKDAY_NAMES[day.weekday()], "date": day.strftime("%d/%m/%Y"), "reason": reason}


def _skipped_line(day, reason):
    return _("Không tính %(weekday)s %(date)s: %(reason)s.") % _day_values(day, reason)


def _decimal(value: Number) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


def _microseconds(amount: Number, unit: int) -> int:
    value = _decimal(amount)
    if value < 0:
        raise ValueError("A time budget cannot be negative.")
    return int((value * unit).to_integral_value(rounding=ROUND_CEILING))


_ONE_DAY = datetime.timedelta(days=1)


def _span(start: datetime.datetime, end: datetime.datetime) -> int:
    delta = end - start
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def _periods_length(periods) -> int:
    """Total length of (start, end) times in microseconds."""
    day = datetime.date(2000, 1, 3)
    return sum(
        _span(datetime.datetime.combine(day, start), datetime.datetime.combine(day, end)) for start, end in periods
    )
