"""The working calendar itself: national holidays, and `WorkingCalendar` (working days, office
hours, working-time arithmetic) built from plain periods and exceptions, without the database.
The rules, and the counting rule precisely, are stated in the package docstring
(portal/workdays/__init__.py)."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator, Mapping, Sequence
from decimal import ROUND_CEILING, Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from django.utils.translation import get_language
from django.utils.translation import gettext as _

TZ = ZoneInfo("Asia/Ho_Chi_Minh")

# The usual office hours, used when the database holds no default schedule.
DEFAULT_PERIODS = {
    weekday: ((datetime.time(7, 0), datetime.time(11, 30)), (datetime.time(13, 30), datetime.time(17, 0)))
    for weekday in range(5)
}
# WorkSchedule.forwarding_cutoff's default (the rule is cited there), when no schedule is stored.
DEFAULT_FORWARDING_CUTOFF = datetime.time(15, 0)

# How far to look for the next working day before concluding the calendar is broken.
MAX_SCAN_DAYS = 3660

_MICROSECONDS_PER_HOUR = 3_600_000_000
_MICROSECONDS_PER_DAY = 24 * _MICROSECONDS_PER_HOUR

Number = Decimal | int | float
Periods = Mapping[int, Sequence[tuple[datetime.time, datetime.time]]]
# date -> (is_working_day, reason)
Overrides = dict[datetime.date, tuple[bool, str]]


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
        """The moment `hours` working hours after `start` (see the package docstring)."""
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
            overlap = _span(
                period_start if start is None else max(period_start, start),
                period_end if end is None else min(period_end, end),
            )
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
        """When paper received at `received_at` is forwarded to the competent body: the same
        moment on a working day up to the cut-off (`WorkSchedule.forwarding_cutoff`, where the
        rule is cited); received later, after closing, or on a day off, at the next working
        day's opening."""
        received = to_local(received_at)
        day = received.date()
        if self.is_working_day(day) and received.time() <= self.forwarding_cutoff and received < self.closing(day):
            return received
        return self.opening(self.next_working_day(day))


# Helpers -------------------------------------------------------------------------------------


def to_local(moment: datetime.datetime) -> datetime.datetime:
    """`moment` in Asia/Ho_Chi_Minh; naive datetimes are refused (USE_TZ is on)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"Expected an aware datetime, got {moment!r}.")
    return moment.astimezone(TZ)


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
