"""Deadline windows, defined once: "due today" and "due soon" (sắp đến hạn). The supervision
dashboard and its lists, the deadline sweep's notices and the inbox filter all ask this module,
so a dossier that the dashboard counts as due soon is the one its handlers hear about.

* **Due today**: due from now to the end of the local day.
* **Due soon**: due after today (due today is its own window) and no later than
  `WORKFLOW_DUE_SOON` from now:
  - `"1d"` (the default; `"2d"`, `"0.5d"`…): that many working days of the *unit's own*
    calendar — its schedule and its calendar exceptions (a make-up working Saturday, a
    compensatory day off, a unit's own day off) — counted as working hours from now, like every
    other deadline (`portal.workdays`: N days = N × the unit's standard day);
  - `"75%"`: once that share of the budget is used, on the wall clock between the start (a
    step's start, a dossier's reception) and the due date.

Whose calendar: a step (hand-off) is measured in its own unit's calendar, a dossier's
appointment in its receiving unit's (where its due date was computed).

Set-based: the end of the window is computed once per distinct calendar — most units of a
province share the default one, and only units with their own schedule or with unit calendar
exceptions before that end can differ — and the query holds one branch per distinct end:
`due_soon_q` for the ORM, `due_soon_sql` for the sweep's raw SQL, from the same `DueSoon`.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import connection
from django.db.models import DurationField, ExpressionWrapper, F, Q, Value
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import workdays
from portal.models import CalendarException, Unit, WorkPeriod, WorkSchedule

TZ = workdays.TZ


def end_of_today(now):
    """The next local midnight: the end of the "due today" window."""
    today = timezone.localtime(now, TZ).date()
    return datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time.min, tzinfo=TZ)


@dataclass(frozen=True)
class Setting:
    """WORKFLOW_DUE_SOON parsed: working days of the unit's calendar, or a share of the budget."""

    days: Decimal | None = None
    share: Decimal | None = None  # of the budget used, 0.75 for "75%"


def due_soon_setting():
    raw = str(getattr(settings, "WORKFLOW_DUE_SOON", "1d") or "1d").strip()
    share = re.fullmatch(r"(\d+(?:\.\d+)?)\s*%", raw)
    if share:
        return Setting(share=Decimal(share.group(1)) / 100)
    return Setting(days=Decimal(raw.rstrip("dD").strip() or "1"))


@dataclass(frozen=True)
class DueSoon:
    """The window at one moment. `start`: due at or after it (the end of today). Days form:
    `default_end` for every unit but those of `ends` ((end, unit ids), each end different from
    the default). Share form: `share` of the budget used."""

    now: datetime.datetime
    start: datetime.datetime
    default_end: datetime.datetime | None = None
    ends: tuple = ()
    share: Decimal | None = None

    @property
    def latest(self):
        return max([self.default_end, *(end for end, _ids in self.ends)])

    def end_for(self, unit_id):
        for end, ids in self.ends:
            if unit_id in ids:
                return end
        return self.default_end


def due_soon(now=None):
    """The due-soon window at `now` (a handful of queries, whatever the number of units)."""
    now = now or timezone.now()
    setting = due_soon_setting()
    start = end_of_today(now)
    if setting.share is not None:
        return DueSoon(now=now, start=start, share=setting.share)
    default_end = workdays.calendar_for(None).add_working_days(now, setting.days)
    special = _units_with_own_calendar(timezone.localtime(now, TZ).date(), default_end.date())
    by_end = defaultdict(set)
    for unit_id, calendar in calendars_for(special).items():
        end = calendar.add_working_days(now, setting.days)
        if end != default_end:
            by_end[end].add(unit_id)
    ends = tuple(sorted((end, frozenset(ids)) for end, ids in by_end.items()))
    return DueSoon(now=now, start=start, default_end=default_end, ends=ends)


def _units_with_own_calendar(first, last):
    """Units whose calendar may differ from the default one between `first` and `last`: a
    schedule of their own, or a unit calendar exception (theirs or an ancestor's) in those
    days. Exceptions after `last` cannot move an end that the default calendar reaches by then."""
    default = WorkSchedule.objects.filter(is_default=True).values_list("pk", flat=True).first()
    condition = Q(schedule__isnull=False) & ~Q(schedule=default) if default else Q(schedule__isnull=False)
    paths = CalendarException.objects.filter(unit__isnull=False, date__range=(first, last)).values_list(
        "unit__path", flat=True).distinct()
    for path in paths:
        condition |= Q(path__startswith=path)
    return list(Unit.objects.filter(condition).values_list("pk", flat=True))


def due_soon_q(now=None, *, due="due_at", unit="receiving_unit", start="received_at", window=None):
    """The Q of "due soon" on a queryset: `due` the due date, `unit` the unit whose calendar
    counts, `start` when the budget began (used by the share form only)."""
    window = window or due_soon(now)
    if window.share is not None:
        # Budget used >= share  <=>  10000 × (due − now) <= (10000 − share × 10000) × (due − start):
        # integers, because a duration times a decimal is not portable.
        left = int((1 - window.share) * 10000)
        remaining = ExpressionWrapper((F(due) - Value(window.now)) * 10000, output_field=DurationField())
        budget = ExpressionWrapper((F(due) - F(start)) * left, output_field=DurationField())
        return (Q(**{f"{due}__gte": window.start, f"{start}__isnull": False})
                & Q(LessThanOrEqual(remaining, budget)))
    branches = Q()
    special = set()
    for end, ids in window.ends:
        branches |= Q(**{f"{unit}__in": sorted(ids), f"{due}__lte": end})
        special |= ids
    default = Q(**{f"{due}__lte": window.default_end})
    branches |= (~Q(**{f"{unit}__in": sorted(special)}) & default) if special else default
    # The outer bounds keep an index range scan on the due date.
    return Q(**{f"{due}__gte": window.start, f"{due}__lte": window.latest}) & branches


def due_soon_sql(now=None, *, due="h.due_at", unit="h.unit_id", start="h.started_at", window=None):
    """The same condition as `due_soon_q`, as (SQL, params) for raw queries (the sweep)."""
    window = window or due_soon(now)
    if window.share is not None:
        remaining = _interval_sql(due, "%s")
        budget = _interval_sql(due, start)
        return (f"{due} >= %s AND {start} IS NOT NULL AND {remaining} <= {budget} * %s",
                [window.start, window.now, float(1 - window.share)])
    branches, params, special = [], [], []
    for end, ids in window.ends:
        ids = sorted(ids)
        branches.append(f"({unit} IN ({', '.join(['%s'] * len(ids))}) AND {due} <= %s)")
        params += [*ids, end]
        special += ids
    if special:
        branches.append(f"({unit} NOT IN ({', '.join(['%s'] * len(special))}) AND {due} <= %s)")
        params += [*special, window.default_end]
    else:
        branches.append(f"{due} <= %s")
        params.append(window.default_end)
    return (f"{due} >= %s AND {due} <= %s AND ({' OR '.join(branches)})",
            [window.start, window.latest, *params])


def _interval_sql(later, earlier):
    if connection.vendor == "postgresql":
        return f"EXTRACT(EPOCH FROM ({later} - {earlier}))"
    return f"((julianday({later}) - julianday({earlier})) * 86400.0)"


def due_soon_label():
    """What "due soon" means, for the dashboard's card and the inbox filter."""
    setting = due_soon_setting()
    if setting.share is not None:
        return _("Sắp đến hạn (đã dùng %(share)s%% thời hạn)") % {"share": _number(setting.share * 100)}
    return _("Sắp đến hạn (trong %(days)s ngày làm việc)") % {"days": _number(setting.days)}


def _number(value):
    return f"{value.normalize():f}".replace(".", ",")


def calendars_for(unit_ids):
    """{unit id: WorkingCalendar} built like `portal.workdays.calendar_for(unit)` (the unit's
    schedule or the default one; calendar exceptions global, then of ancestors, then of the
    unit, the nearest winning) but in four queries whatever the number of units."""
    units = list(Unit.objects.filter(pk__in=unit_ids).values_list("pk", "path", "schedule_id"))
    default = WorkSchedule.objects.filter(is_default=True).values_list("pk", flat=True).first()
    schedule_ids = {schedule for _pk, _path, schedule in units if schedule} | ({default} if default else set())
    cutoffs = dict(WorkSchedule.objects.filter(pk__in=schedule_ids).values_list("pk", "forwarding_cutoff"))
    periods = defaultdict(lambda: defaultdict(list))
    for schedule, weekday, start, end in WorkPeriod.objects.filter(schedule__in=schedule_ids).values_list(
            "schedule", "weekday", "start", "end"):
        periods[schedule][weekday].append((start, end))
    exceptions = list(CalendarException.objects.values_list("date", "unit_id", "is_working_day", "reason"))
    result, shared = {}, {}
    for pk, path, schedule in units:
        schedule = schedule or default
        chain = [int(p) for p in path.strip("/").split("/") if p] or [pk]
        rank = {unit_pk: position for position, unit_pk in enumerate(chain)}
        best = {}
        for day, unit_id, is_working_day, reason in exceptions:
            if unit_id is not None and unit_id not in rank:
                continue
            position = -1 if unit_id is None else rank[unit_id]
            if day not in best or position > best[day][0]:
                best[day] = (position, is_working_day, reason)
        overrides = {day: (working, reason) for day, (_p, working, reason) in best.items()}
        # Units with the same schedule and exceptions (most of a province) share one calendar,
        # and with it the cached office periods and day lengths.
        same = (schedule, tuple(sorted(overrides.items())))
        if same not in shared:
            shared[same] = workdays.WorkingCalendar(
                periods=dict(periods[schedule]) if periods.get(schedule) else workdays.DEFAULT_PERIODS,
                forwarding_cutoff=cutoffs.get(schedule, workdays.DEFAULT_FORWARDING_CUTOFF),
                exceptions=overrides,
            )
        result[pk] = shared[same]
    return result
