"""The working calendar of a unit, from the database: its effective schedule and the calendar
exceptions of its chain of units, memoised for the length of a web request and, within web
requests, kept in the shared cache between them."""

from __future__ import annotations

import contextvars
import datetime

from django.core.cache import cache
from django.db.models import Q

from portal import generations
from portal.models import CalendarException, WorkSchedule
from portal.workdays.calendars import DEFAULT_FORWARDING_CUTOFF, DEFAULT_PERIODS, Overrides, WorkingCalendar

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


# Between web requests, the data of a calendar (office periods, forwarding cut-off, the
# exceptions of a range of years) is kept in the shared cache (Redis: every process and node)
# under a generation that any save or deletion of a schedule, office period, calendar exception
# or unit replaces (forget_calendars), so a change is seen by the next request everywhere. A
# bulk write that sends no signal (QuerySet.update, raw SQL) is seen after SHARED_SECONDS at
# the latest. A dossier page asks for one or two calendars: three queries each before.
SHARED_SECONDS = 600
GENERATION_KEY = "workcal:generation"


def forget_calendars(**_signal_kwargs):
    memo = _REQUEST_CALENDARS.get()
    if memo:
        memo.clear()
    generations.renew(GENERATION_KEY)


def _generation():
    return generations.current(GENERATION_KEY)


def calendar_for(unit=None) -> WorkingCalendar:
    """The working calendar of `unit` (its effective schedule and the calendar exceptions of
    its subtree chain), or of the default schedule when `unit` is None."""
    memo = _REQUEST_CALENDARS.get()
    if memo is None or (unit is not None and unit.pk is None):
        return _build_calendar(unit)
    key = None if unit is None else (unit.pk, unit.path, unit.schedule_id)
    if key not in memo:
        shared = f"workcal:{_generation()}:" + ("-" if key is None else "{}:{}:{}".format(*key))
        memo[key] = _build_calendar(unit, shared=shared)
    return memo[key]


def _schedule(unit):
    """(office periods by weekday, forwarding cut-off) of the unit's effective schedule."""
    schedule = unit.effective_schedule() if unit is not None else WorkSchedule.default()
    periods, cutoff = DEFAULT_PERIODS, DEFAULT_FORWARDING_CUTOFF
    if schedule is not None:
        periods = {}
        for weekday, start, end in schedule.periods.values_list("weekday", "start", "end"):
            periods.setdefault(weekday, []).append((start, end))
        cutoff = schedule.forwarding_cutoff
    return periods, cutoff


def _build_calendar(unit, *, shared=None) -> WorkingCalendar:
    """The calendar of `unit`; with `shared` (a cache key of this unit and generation), its data
    is read from and kept in the shared cache."""
    kept = cache.get(shared) if shared else None
    if kept is None:
        kept = _schedule(unit)
        if shared:
            cache.set(shared, kept, SHARED_SECONDS)
    periods, cutoff = kept

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

    def load_shared(first: datetime.date, last: datetime.date) -> Overrides:
        key = f"{shared}:{first.isoformat()}:{last.isoformat()}"
        overrides = cache.get(key)
        if overrides is None:
            overrides = load(first, last)
            cache.set(key, overrides, SHARED_SECONDS)
        return overrides

    return WorkingCalendar(periods=periods, forwarding_cutoff=cutoff, load_exceptions=load_shared if shared else load)
