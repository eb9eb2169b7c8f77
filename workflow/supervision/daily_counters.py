"""Pre-aggregated daily counters of the supervision statistics.

Every *event* figure of `direct_counts` counts dossiers by one moment (received_at, finished_at,
the refusal or withdrawal event, the payment, the supplementation pause): grouping those
moments by local day partitions the dossiers, so a period's figure is the sum of its days'
counters. `refresh_range` rebuilds the counters of a range of days with the same Q functions
as the direct count (direct_counts.figure_filters, on dossiers `direct_counts.measured` gives
their counted due date: the one before an approved apology), so the numbers are identical by
construction, and a test compares them.

A counter counts a dossier's timeliness as it was when its day was rebuilt. An apology is drafted
while the dossier is in progress (Form 04, before the due date), so a finished dossier's counted
due date is settled by the time its day is counted; an approval signed more than RECENT_DAYS
after the result would only be seen by a back-fill.

What is not pre-aggregated, and why:
* what happened since the counters of today were last built (`refresh_today`, every few
  minutes: today's counters cover the day up to a moment, `Period.since` the direct count the
  rest), or every day after `CounterRefresh.complete_until` when today's are not current:
  counted directly, through the indexes on received_at / finished_at;
* "in progress" figures: they depend on the moment they are measured at, so they are counted
  directly (open dossiers through the (status, due_at) index).

Who refreshes: `refresh_recent` (a Celery task run every few minutes by the beat schedule)
rebuilds yesterday and the days before it up to `RECENT_DAYS` back, because a component or
result file can still be added to a dossier after the day it was received or finished, then
today up to a minute ago (`refresh_today`; the minute lets transactions that began before it
commit, and the next run recounts the whole day, so a late row is missing for minutes at most);
`manage.py refresh_counters --from ... --to ...` back-fills history. Re-running either is safe:
each day is deleted and rebuilt in one transaction.
"""

from __future__ import annotations

import datetime
import hashlib
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from celery import shared_task
from django.apps import apps
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Min, Q, Sum
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone

from dossiers.models import Channel, Dossier, DossierEvent, Status, StatusGroup
from workflow.models import CounterRefresh, DailyCounter, DailyStepCounter, Handoff, Pause
from workflow.supervision import direct_counts, indicators, periods

TZ = direct_counts.TZ
RECENT_DAYS = 7
EVENT_KEYS = [k for k in direct_counts.COUNT_KEYS if not k.startswith("in_progress")]
STEP_DONE_KEYS = ["steps_finished", "steps_early", "steps_on_time", "steps_late"]
STATE = "daily"
TODAY = "today"  # CounterRefresh row: complete_until = the partial day, refreshed_at = up to when
TODAY_MARGIN = datetime.timedelta(minutes=1)


def _day(field):
    return TruncDate(field, tzinfo=TZ)


def compute_range(first, last, *, until=None):
    """{(day, unit id, procedure id): counters} for the local days first..last (up to the
    moment `until` within the last day when given), and {(day, unit id): step counters}. A
    handful of grouped queries for the whole range."""
    period = periods.Period("custom", first, last, until=until)
    rows = defaultdict(lambda: {**dict.fromkeys(EVENT_KEYS, 0), "days_sum": Decimal("0"), "days_count": 0})
    scope = direct_counts.measured(Dossier.objects.all())

    def add(queryset, day_field, keys, prefix=""):
        group = [f"{prefix}receiving_unit", f"{prefix}procedure"]
        for values in queryset.annotate(d=_day(day_field)).values("d", *group).annotate(**keys).order_by():
            row = rows[(values["d"], values[group[0]], values[group[1]])]
            for name in keys:
                row[name] += values[name]

    filters = direct_counts.figure_filters(period)
    received_keys = ["received", "received_counter", "received_online", "received_postal", "digitised"]
    add(scope.filter(direct_counts.received(period)), "received_at",
        {k: Count("pk", filter=filters[k]) for k in received_keys})
    finished_keys = ["finished", "finished_early", "finished_on_time", "finished_late", "stopped", "electronic_result"]
    finished_q = direct_counts.in_period("finished_at", period)
    refused = direct_counts.refused_after_appraisal(period)
    add(scope.filter(finished_q), "finished_at",
        {**{k: Count("pk", filter=filters[k]) for k in finished_keys}, "refusals": Count("pk", filter=refused)})
    # Refused at reception and withdrawn: by the day of their event.
    events = DossierEvent.objects.filter(at__gte=period.start, at__lt=period.end).filter(
        Q(transition="refuse_reception", dossier__status=Status.NOT_ACCEPTED)
        | Q(transition="withdraw", dossier__status=Status.WITHDRAWN))
    add(events, "at", {"refusals": Count("dossier", filter=Q(transition="refuse_reception"), distinct=True),
                       "withdrawals": Count("dossier", filter=Q(transition="withdraw"), distinct=True)},
        prefix="dossier__")
    payments = apps.get_model("citizens", "Payment").objects.filter(state="paid", paid_at__gte=period.start,
                                                                     paid_at__lt=period.end)
    add(payments, "paid_at", {"paid": Count("dossier", distinct=True),
                              "paid_online": Count("dossier", filter=Q(method="online"), distinct=True)},
        prefix="dossier__")
    pauses = Pause.objects.filter(requested_at__gte=period.start, requested_at__lt=period.end)
    add(pauses, "requested_at", {"supplement_requests": Count("pk")}, prefix="dossier__")
    finished = list(scope.filter(direct_counts.finished(period)).values_list(
        "receiving_unit", "procedure", "received_at", "finished_at").order_by())
    calendars = direct_counts.calendars_for({r[0] for r in finished})
    for unit_id, procedure_id, received_at, finished_at in finished:
        row = rows[(timezone.localtime(finished_at, TZ).date(), unit_id, procedure_id)]
        row["days_sum"] += calendars[unit_id].working_days_between(received_at, finished_at)
        row["days_count"] += 1

    steps = {}
    done = Handoff.objects.filter(state=Handoff.State.DONE, finished_at__gte=period.start, finished_at__lt=period.end)
    for values in done.annotate(d=_day("finished_at")).values("d", "unit").annotate(
            steps_finished=Count("pk"), steps_early=Count("pk", filter=Q(outcome="early")),
            steps_on_time=Count("pk", filter=Q(outcome="on_time")),
            steps_late=Count("pk", filter=Q(outcome="late"))).order_by():
        steps[(values.pop("d"), values.pop("unit"))] = values
    return rows, steps


@transaction.atomic
def refresh_range(first, last, *, from_beginning=False):
    """Rebuild the counters of the local days first..last (delete, then insert). Idempotent;
    concurrent runs serialise on the CounterRefresh row. The readers use counters up to
    `complete_until` only: it moves to `last` when the days before `first` were already
    complete, or when `from_beginning` says no dossier has anything before `first`."""
    CounterRefresh.objects.get_or_create(name=STATE)
    state = CounterRefresh.objects.select_for_update().get(name=STATE)
    rows, steps = compute_range(first, last)
    _replace_counters(first, last, rows, steps)
    contiguous = state.complete_until is not None and first <= state.complete_until + datetime.timedelta(days=1)
    if from_beginning or contiguous:
        state.complete_until = max(last, state.complete_until or last)
    state.refreshed_at = timezone.now()
    state.save(update_fields=["complete_until", "refreshed_at"])
    return len(rows), len(steps)


def _replace_counters(first, last, rows, steps):
    """The counters of the days first..last, deleted and written again from compute_range's."""
    DailyCounter.objects.filter(day__range=(first, last)).delete()
    DailyStepCounter.objects.filter(day__range=(first, last)).delete()
    DailyCounter.objects.bulk_create(
        [DailyCounter(day=day, unit_id=unit_id, procedure_id=procedure_id, **values)
         for (day, unit_id, procedure_id), values in rows.items()], batch_size=2000)
    DailyStepCounter.objects.bulk_create(
        [DailyStepCounter(day=day, unit_id=unit_id, **values) for (day, unit_id), values in steps.items()],
        batch_size=2000)


def refresh_all(*, until=None):
    """Back-fill: every day from the first dossier's up to `until` (yesterday by default)."""
    until = until or timezone.localdate() - datetime.timedelta(days=1)
    bounds = Dossier.objects.aggregate(submitted=Min("submitted_at"), received=Min("received_at"))
    earliest = min((v for v in bounds.values() if v is not None), default=None)
    first = timezone.localtime(earliest, TZ).date() if earliest else until
    first = min(first, until)
    return refresh_range(first, until, from_beginning=True)


@shared_task(ignore_result=True)
def refresh_recent(days=RECENT_DAYS):
    """Run by the beat schedule every few minutes: rebuild the last `days` complete days (up to
    yesterday), then today up to a minute ago. Safe to re-run or to run twice at once (see
    refresh_range)."""
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    refresh_range(yesterday - datetime.timedelta(days=days - 1), yesterday)
    refresh_today()


@transaction.atomic
def refresh_today(now=None):
    """Rebuild today's counters up to `now` minus TODAY_MARGIN. Readers use them only while
    the days before today are complete (today follows complete_until), and count what came
    after that moment directly."""
    CounterRefresh.objects.get_or_create(name=STATE)
    state = CounterRefresh.objects.select_for_update().get(name=STATE)  # one refresh at a time
    moment = (now or timezone.now()) - TODAY_MARGIN
    day = timezone.localtime(moment, TZ).date()
    if state.complete_until is not None and day <= state.complete_until:
        return 0, 0  # just after midnight: that day is already complete, never overwrite it
    rows, steps = compute_range(day, day, until=moment)
    _replace_counters(day, day, rows, steps)
    CounterRefresh.objects.update_or_create(name=TODAY, defaults={"complete_until": day, "refreshed_at": moment})
    return len(rows), len(steps)


def complete_until():
    return _state()[0]


def _state():
    """(complete_until, refreshed_at) of the counters, or (None, None) before any refresh."""
    return CounterRefresh.objects.filter(name=STATE).values_list("complete_until", "refreshed_at").first() or (
        None, None)


@dataclass(frozen=True)
class Cover:
    """How a period is read: summed counters of its days up to `counted` (complete, cached),
    those of the `partial` day (today, up to a moment), and a direct count of `rest`."""

    counted: datetime.date | None
    partial: datetime.date | None
    rest: periods.Period | None


def cover(period):
    """The Cover of `period`, or None when the counters do not reach its first day (then the
    whole period is counted directly)."""
    states = dict((name, (day, at)) for name, day, at in CounterRefresh.objects.filter(
        name__in=[STATE, TODAY]).values_list("name", "complete_until", "refreshed_at"))
    until = states.get(STATE, (None, None))[0]
    partial, partial_at = states.get(TODAY, (None, None))
    if until is None or partial is None or partial != until + datetime.timedelta(days=1):
        partial = None  # today's counters are usable only right after the complete days
    through = partial or until
    if through is None or through < period.first:
        return None
    counted = min(until, period.last) if until is not None and until >= period.first else None
    if partial is not None and partial <= period.last:
        return Cover(counted, partial, periods.Period("custom", partial, period.last, since=partial_at))
    next_day = (counted or period.first - datetime.timedelta(days=1)) + datetime.timedelta(days=1)
    return Cover(counted, None, periods.Period("custom", next_day, period.last) if next_day <= period.last else None)


def _counter_rows(name, counters, period, covered, build, *key_parts):
    """build(counters of the covered days) as rows: the complete days summed once per refresh
    (cached), the partial day read each time (a few hundred rows)."""
    rows = []
    if covered.counted is not None:
        complete = counters.filter(day__gte=period.first, day__lte=covered.counted)
        rows += _counter_sums(name, lambda: build(complete), *key_parts, period.first, covered.counted)
    if covered.partial is not None:
        rows += list(build(counters.filter(day=covered.partial)))
    return rows


CACHE_TTL = 3600


def _counter_sums(name, queryset_fn, *key_parts):
    """The rows summed from the counters, cached until the next refresh: counters only change
    when refresh_range runs, and refreshed_at is part of the key."""
    until, refreshed_at = _state()
    digest = hashlib.sha1(repr((name, until, refreshed_at, key_parts)).encode()).hexdigest()
    key = f"workflow:counters:{digest}"
    rows = cache.get(key)
    if rows is None:
        rows = list(queryset_fn())
        cache.set(key, rows, CACHE_TTL)
    return rows


# --- reading: counters for the complete days, direct counts for the rest -------------------


def dossier_figures(*, unit_ids, period, group="unit", now=None, field_ids=None):
    """The same result as direct_counts.dossier_figures, from the counters where they are complete."""
    covered = cover(period)
    if covered is None:
        return direct_counts.dossier_figures(unit_ids=unit_ids, period=period, group=group, now=now,
                                             field_ids=field_ids)
    key = {"unit": "unit", "field": "procedure__field", "procedure": "procedure"}[group]
    counters = DailyCounter.objects.filter(unit__in=unit_ids)
    if field_ids is not None:
        counters = counters.filter(procedure__field__in=field_ids)
    rows = defaultdict(direct_counts.empty_row)
    sums = {name: Sum(name) for name in [*EVENT_KEYS, "days_sum", "days_count"]}
    summed = _counter_rows("figures", counters, period, covered,
                           lambda qs: qs.values(key).annotate(**sums).order_by(), sorted(unit_ids), key, field_ids)
    for values in (dict(v) for v in summed):
        row = rows[values.pop(key)]
        for name, value in values.items():
            row[name] += value or 0
    if covered.rest is not None:
        direct = direct_counts.dossier_figures(unit_ids=unit_ids, period=covered.rest, group=group, now=now,
                                       field_ids=field_ids, with_in_progress=False)
        for group_key, values in direct.items():
            for name, value in values.items():
                if not name.startswith("in_progress"):
                    rows[group_key][name] += value
    for group_key, values in in_progress_figures(unit_ids=unit_ids, period=period, group=group, now=now,
                                                 field_ids=field_ids).items():
        rows[group_key].update(values)
    return {k: v for k, v in rows.items() if any(v[name] for name in direct_counts.COUNT_KEYS)}


def online_procedures(*, unit_ids, period):
    """The same result as indicators.online_procedures. "Used" (an online dossier received in the
    scope) is read from the counters' received_online for the complete days (cached until the
    next refresh, like the sums) and counted directly for the rest: the direct EXISTS probes
    every procedure's dossiers whatever the period."""
    covered = cover(period)
    if covered is None:
        return indicators.online_procedures(unit_ids=unit_ids, period=period)
    offered = set(indicators.offered_online(period).values_list("pk", flat=True))
    counters = DailyCounter.objects.filter(unit__in=unit_ids, received_online__gt=0)
    used = {row["procedure"] for row in _counter_rows(
        "online-used", counters, period, covered, lambda qs: qs.values("procedure").distinct().order_by(),
        sorted(unit_ids))}
    if covered.rest is not None:
        rest = covered.rest
        used |= set(Dossier.objects.filter(
            receiving_unit__in=unit_ids, channel=Channel.ONLINE, received_at__gte=rest.start,
            received_at__lt=rest.end).values_list("procedure", flat=True).distinct().order_by())
    return indicators.online_share_of(len(offered), len(used & offered))


def in_progress_figures(*, unit_ids, period, group="unit", now=None, field_ids=None):
    """The three 'in progress' counts at the period's cut-off, counted directly.

    Candidates in two disjoint queries, summed: dossiers still open (read from the partial
    index dossier_open alone) and dossiers finished after the cut-off (index on finished_at)."""
    cutoff = period.cutoff(now)
    key = direct_counts.GROUP_FIELDS[group]
    scope = direct_counts.measured(Dossier.objects.filter(receiving_unit__in=unit_ids))
    if field_ids is not None:
        scope = scope.filter(procedure__field__in=field_ids)
    still_open = Q(status__in=StatusGroup.IN_PROGRESS)
    counts = {"in_progress": Count("pk"),
              "in_progress_on_time": Count("pk", filter=direct_counts.in_progress_on_time(period, now)),
              "in_progress_late": Count("pk", filter=direct_counts.in_progress_late(period, now))}
    return _sum_grouped(
        (scope.filter(candidates).filter(direct_counts.in_progress(period, now)).values(key).annotate(**counts)
         .order_by()
         for candidates in (still_open, Q(finished_at__gte=cutoff) & ~still_open)), key, counts)


def _sum_grouped(querysets, key, names):
    """{group: {name: total}} over grouped querysets that count disjoint rows."""
    rows = {}
    for queryset in querysets:
        for values in queryset:
            row = rows.setdefault(values[key], dict.fromkeys(names, 0))
            for name in names:
                row[name] += values[name]
    return rows


def running_steps(*, unit_ids, period, now=None):
    """Steps in progress at the period's cut-off (and late ones), counted directly.

    Two grouped queries, summed: running steps (state active, read from the small partial
    index one_active_handoff) and steps finished after the cut-off (through the index on
    finished_at). Together they are exactly the steps started before the cut-off and not
    finished before it; an OR of the two would make PostgreSQL read every hand-off."""
    cutoff = period.cutoff(now)
    # A running step is not late while its dossier waits for the applicant or for collection;
    # those dossiers are read once (hashed) from the partial index dossier_open.
    waiting = Dossier.objects.filter(status__in=StatusGroup.WAITING_FOR_APPLICANT).values("pk")
    started = Handoff.objects.filter(unit__in=unit_ids, started_at__lt=cutoff)
    parts = [
        (started.filter(Q(state=Handoff.State.ACTIVE) & (Q(finished_at__isnull=True) | Q(finished_at__gte=cutoff))),
         Q(due_at__lt=cutoff) & ~Q(dossier__in=waiting)),
        (started.filter(state=Handoff.State.DONE, finished_at__gte=cutoff), Q(due_at__lt=cutoff)),
    ]
    return _sum_grouped((qs.values("unit").annotate(steps_in_progress=Count("pk"),
                                                    steps_in_progress_late=Count("pk", filter=late)).order_by()
                         for qs, late in parts), "unit", ["steps_in_progress", "steps_in_progress_late"])


def step_figures(*, unit_ids, period, now=None):
    """The same result as direct_counts.step_figures: finished steps from the counters (complete
    days), the rest and the running steps directly."""
    covered = cover(period)
    if covered is None:
        return direct_counts.step_figures(unit_ids=unit_ids, period=period, now=now)
    rows = defaultdict(lambda: dict.fromkeys(direct_counts.STEP_KEYS, 0))
    counters = DailyStepCounter.objects.filter(unit__in=unit_ids)
    summed = _counter_rows("steps", counters, period, covered, lambda qs: qs.values("unit").annotate(
        **{k: Sum(k) for k in STEP_DONE_KEYS}).order_by(), sorted(unit_ids))
    for values in (dict(v) for v in summed):
        row = rows[values.pop("unit")]
        for name, value in values.items():
            row[name] += value or 0
    if covered.rest is not None:
        for unit_id, values in direct_counts.step_figures(unit_ids=unit_ids, period=covered.rest, now=now,
                                                  with_running=False).items():
            for name in STEP_DONE_KEYS:
                rows[unit_id][name] += values[name]
    for unit_id, values in running_steps(unit_ids=unit_ids, period=period, now=now).items():
        rows[unit_id].update(values)
    return {k: v for k, v in rows.items() if any(v[name] for name in direct_counts.STEP_KEYS)}


def monthly_trend(*, unit_ids, period, now=None):
    """The same result as direct_counts.monthly_trend, from the counters where they are complete."""
    covered = cover(period)
    if covered is None:
        return direct_counts.monthly_trend(unit_ids=unit_ids, period=period, now=now)
    totals = defaultdict(lambda: {"received": 0, "finished": 0, "late": 0})
    counters = DailyCounter.objects.filter(unit__in=unit_ids)
    summed = _counter_rows(
        "trend-received", counters, period, covered,
        lambda qs: qs.annotate(m=TruncMonth("day")).values("m").annotate(
            r=Sum("received"), f=Sum("finished"), late=Sum("finished_late")).order_by(),
        sorted(unit_ids))
    for values in summed:
        totals[(values["m"].year, values["m"].month)]["received"] += values["r"] or 0
        totals[(values["m"].year, values["m"].month)]["finished"] += values["f"] or 0
        totals[(values["m"].year, values["m"].month)]["late"] += values["late"] or 0
    if covered.rest is not None:
        for item in direct_counts.monthly_trend(unit_ids=unit_ids, period=covered.rest, now=now):
            month, year = (int(x) for x in item["label"].split("/"))
            totals[(year, month)]["received"] += item["received"]
            totals[(year, month)]["finished"] += item["finished"]
            totals[(year, month)]["late"] += item["late"]
    now = now or timezone.now()
    result = []
    for year, month in period.months():
        if periods.month_period(year, month).start > now:
            break
        row = totals[(year, month)]
        result.append({"label": f"{month:02d}/{year}", "received": row["received"], "finished": row["finished"],
                       "late": row["late"],
                       "rate": indicators._percent(row["finished"] - row["late"], row["finished"])})
    return result
