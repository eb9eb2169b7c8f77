"""Supervision statistics: the counting rules, one documented function per figure and per
indicator, computed by direct SQL counts (`workflow.supervision.daily_counters` holds the
pre-aggregated daily counters that answer the same questions fast on large databases; a test
checks that both give identical numbers).

Counting rules (DOMAIN §8, §11; Decision 766/QĐ-TTg):

* **Once overall.** A dossier has ONE identity across levels: it counts once overall, under
  its *receiving unit* (the counter that received it), its procedure and that procedure's
  field. An inter-level dossier (commune → district → province) is never counted twice.
* **Per unit, for its own steps.** Each unit is also measured on its own steps of every route,
  from the hand-offs (`Handoff`, the rows of Form 05): a finished step is early / on time /
  late as its `outcome` says; a step still in progress is late when its own due date passed.
* **Period.** Times are local (Asia/Ho_Chi_Minh); a period is [first day 00:00, day after the
  last day 00:00). *Received* = `received_at` in the period. *Finished* = `finished_at` in the
  period and a result exists (status RESULT_READY or RETURNED; stopped dossiers are counted
  apart). *In progress* = received before the period's end (or now, if earlier) and not yet
  finished at that moment; withdrawn and not-accepted dossiers are not in progress.
* **Early / on time / late** compare `finished_at` with the *counted due date* (Circular
  01/2018 Form 05: early = finished before the due *day*, on time = on the due day up to the
  due moment, late = after it). The counted due date is `due_at`, except after an approved
  apology (Form 04): then it is the date the apology moved, `Apology.old_due_at` — an apology
  letter does not make late processing on time (Decree 61/2018 art. 19, Circular 01/2018), and
  Decision 766 measures against the appointment given at reception; see `measured()`. A
  dossier with **two or more supplementation requests counts late** whatever its dates
  (Decision 766). A dossier in progress is late when its counted due date is before the end of
  the period, except while it waits for the applicant's supplement (the clock is stopped).
* **Paused time is excluded** without any arithmetic here: when the applicant supplies the
  missing components the due date is moved by the time the clock was stopped
  (`workflow.routing.services.supplement_resume`), so comparing with the due date is enough.
* **Refusals** = dossiers refused after appraisal (`outcome = refused`, finished in the period)
  + online dossiers not accepted at reception (status `not_accepted`, refused in the period,
  from the event trail). **Withdrawals** = status `withdrawn`, withdrawn in the period.
* **Supplementation requests** = supplementation pauses (`Pause`) requested in the period.
* **Shares**: online = online channel / received; digitised = received dossiers with at least
  one scanned component file / received; electronic result = finished dossiers with a result
  file / finished; online payment = dossiers whose fees were paid online in the period / dossiers
  whose fees were paid in the period (citizens.Payment).
* **Ratings** come from citizens.Rating (1–5 per dossier), given in the period. **Satisfaction**
  (Decision 766) = 100 − (% late + % complaints), complaints from citizens.Feedback.
* **Average processing time** = mean of `working_days_between(received_at, finished_at)` in
  the receiving unit's calendar, over the dossiers finished in the period.
* **On-time rate (Decision 766)** = (finished early or on time + in progress within due) /
  (finished + in progress) × 100.

Everything is scoped by a list of unit ids (the supervisor's subtree); callers get them from
`portal.permissions.units_visible_to`.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from django.apps import apps
from django.db.models import Avg, Count, DurationField, Exists, ExpressionWrapper, F, FilteredRelation, OuterRef, Q
from django.db.models.functions import Coalesce, TruncDay, TruncMonth
from django.db.models.lookups import LessThan
from django.utils import timezone
from django.utils.translation import gettext_lazy

from dossiers.models import Channel, Dossier, DossierEvent, DossierFile, Outcome, Status, StatusGroup
from portal import workdays
from workflow.deadlines import windows
from workflow.deadlines.windows import calendars_for  # noqa: F401  (processing times, daily_counters)
from workflow.models import Apology, Handoff, Pause
from workflow.supervision.indicators import _percent
from workflow.supervision.periods import month_period

TZ = workdays.TZ
# Decision 766: more than one supplementation request makes a dossier late.
LATE_SUPPLEMENTS = 2
COUNTED_DUE = "counted_due_at"


def measured(dossiers):
    """The dossiers with `counted_due_at`, the due date timeliness is measured against: the
    appointment before an approved apology (`Apology.old_due_at`), else `due_at`.

    An apology (Form 04) moves `Dossier.due_at` so that the applicant and the sweep follow the
    new appointment, but it does not make a late dossier on time: Decree 61/2018 art. 19 and
    Circular 01/2018 treat the apology as the consequence of the delay, and Decision 766 counts
    on-time against the appointment given at reception. One apology per dossier (a unique
    constraint), so the LEFT JOIN never repeats a row; a join rather than a correlated
    subquery because the date is read by five figures of every row."""
    approved = FilteredRelation("apologies", condition=Q(apologies__state=Apology.State.APPROVED))
    return dossiers.alias(approved_apology=approved).alias(
        **{COUNTED_DUE: Coalesce(F("approved_apology__old_due_at"), F("due_at"))})


# --- the figures: one function per figure, each a COUNT filter on Dossier ---------------------
# Each function returns the Q a dossier must satisfy to be counted; `dossier_figures` counts
# them all in one grouped query.


def in_period(field, period):
    return Q(**{f"{field}__gte": period.start, f"{field}__lt": period.end})


def received(period):
    """Tiếp nhận: received in the period (counter, online or post)."""
    return in_period("received_at", period)


def received_by_channel(period, channel):
    """Tiếp nhận qua một kênh (1 trực tiếp, 2 trực tuyến, 3 bưu chính)."""
    return received(period) & Q(channel=channel)


def finished(period):
    """Đã giải quyết: a result (approval or refusal after appraisal) in the period."""
    return in_period("finished_at", period) & Q(status__in=StatusGroup.FINISHED)


def late_by_supplements():
    """Decision 766: two or more supplementation requests make a dossier late."""
    return Q(supplement_count__gte=LATE_SUPPLEMENTS)


# The three timeliness figures read the counted due date: their querysets go through `measured`.


def late_after_due():
    """Finished after the counted due moment, or after 2+ supplement requests."""
    return Q(finished_at__gt=F(COUNTED_DUE)) | late_by_supplements()


def finished_late(period):
    """Giải quyết quá hạn: finished after the (counted) due moment, or after 2+ supplement
    requests."""
    return finished(period) & late_after_due()


def finished_early(period):
    """Giải quyết trước hạn: finished before the (counted) due day (Form 05) and not late by
    supplements."""
    return (finished(period) & Q(finished_at__lt=TruncDay(COUNTED_DUE, tzinfo=TZ))
            & ~late_by_supplements())


def finished_on_time(period):
    """Giải quyết đúng hạn: finished on the (counted) due day up to the due moment (or without
    a due date: settled on the spot), and not late by supplements."""
    on_due_day = Q(finished_at__gte=TruncDay(COUNTED_DUE, tzinfo=TZ), finished_at__lte=F(COUNTED_DUE))
    return finished(period) & (on_due_day | Q(due_at__isnull=True)) & ~late_by_supplements()


def in_progress(period, now=None):
    """Đang giải quyết: received before the cut-off (period end or now) and not finished,
    stopped, withdrawn or refused at reception by then."""
    cutoff = period.cutoff(now)
    return (Q(received_at__lt=cutoff) & ~Q(status__in=StatusGroup.DROPPED)
            & (Q(finished_at__isnull=True) | Q(finished_at__gte=cutoff)))


def in_progress_late(period, now=None):
    """Đang giải quyết quá hạn: due before the cut-off while the clock runs (a dossier waiting
    for the applicant's supplement is not late), or 2+ supplement requests."""
    return in_progress(period, now) & _late_at_cutoff(period, now)


def in_progress_on_time(period, now=None):
    """Đang giải quyết trong hạn: in progress and not late."""
    return in_progress(period, now) & ~_late_at_cutoff(period, now)


def _late_at_cutoff(period, now=None):
    cutoff = period.cutoff(now)
    return (Q(LessThan(F(COUNTED_DUE), cutoff)) & ~Q(status=Status.SUPPLEMENT_REQUESTED)) | late_by_supplements()


def stopped(period):
    """Dừng xử lý: stopped by the unit in the period (national status 8)."""
    return in_period("finished_at", period) & Q(status=Status.STOPPED)


def _event_in_period(transition, period):
    return Exists(DossierEvent.objects.filter(dossier=OuterRef("pk"), transition=transition,
                                              at__gte=period.start, at__lt=period.end))


def refused_after_appraisal(period):
    """Từ chối giải quyết: a refusal with reasons after appraisal, in the period."""
    return finished(period) & Q(outcome=Outcome.REFUSED)


def not_accepted(period):
    """Không được tiếp nhận: an online dossier refused at the counter's check in the period."""
    return Q(status=Status.NOT_ACCEPTED) & Q(_event_in_period("refuse_reception", period))


def refusals(period):
    """Từ chối = refused after appraisal + not accepted at reception."""
    return refused_after_appraisal(period) | not_accepted(period)


def withdrawals(period):
    """Rút hồ sơ: withdrawn by the applicant in the period (national status 7)."""
    return Q(status=Status.WITHDRAWN) & Q(_event_in_period("withdraw", period))


def digitised(period):
    """Received in the period with at least one scanned or uploaded component file."""
    files = DossierFile.objects.filter(dossier=OuterRef("pk"), kind=DossierFile.Kind.COMPONENT)
    return received(period) & Q(Exists(files))


def electronic_result(period):
    """Finished in the period with an electronic result file."""
    files = DossierFile.objects.filter(dossier=OuterRef("pk"), kind=DossierFile.Kind.RESULT)
    return finished(period) & Q(Exists(files))


def _payments():
    return apps.get_model("citizens", "Payment")


def paid(period):
    """Fee-bearing dossiers whose fees were paid in the period (online or at the counter)."""
    payments = _payments().objects.filter(dossier=OuterRef("pk"), state="paid", paid_at__gte=period.start,
                                          paid_at__lt=period.end)
    return Q(Exists(payments))


def paid_online(period):
    """Fee-bearing dossiers whose fees were paid online in the period (Decision 766)."""
    payments = _payments().objects.filter(dossier=OuterRef("pk"), state="paid", method="online",
                                          paid_at__gte=period.start, paid_at__lt=period.end)
    return Q(Exists(payments))


# The figures of the tables, in column order: key -> Q.
def figure_filters(period, now=None):
    return {
        "received": received(period),
        "received_counter": received_by_channel(period, Channel.COUNTER),
        "received_online": received_by_channel(period, Channel.ONLINE),
        "received_postal": received_by_channel(period, Channel.POSTAL),
        "finished": finished(period),
        "finished_early": finished_early(period),
        "finished_on_time": finished_on_time(period),
        "finished_late": finished_late(period),
        "in_progress": in_progress(period, now),
        "in_progress_on_time": in_progress_on_time(period, now),
        "in_progress_late": in_progress_late(period, now),
        "refusals": refusals(period),
        "withdrawals": withdrawals(period),
        "stopped": stopped(period),
        "digitised": digitised(period),
        "electronic_result": electronic_result(period),
        "paid": paid(period),
        "paid_online": paid_online(period),
    }


FIGURE_LABELS = {
    "received": gettext_lazy("Tiếp nhận"),
    "received_counter": gettext_lazy("Trực tiếp"),
    "received_online": gettext_lazy("Trực tuyến"),
    "received_postal": gettext_lazy("Bưu chính"),
    "finished": gettext_lazy("Đã giải quyết"),
    "finished_early": gettext_lazy("Trước hạn"),
    "finished_on_time": gettext_lazy("Đúng hạn"),
    "finished_late": gettext_lazy("Quá hạn"),
    "in_progress": gettext_lazy("Đang giải quyết"),
    "in_progress_on_time": gettext_lazy("Trong hạn"),
    "in_progress_late": gettext_lazy("Quá hạn"),
    "supplement_requests": gettext_lazy("Yêu cầu bổ sung"),
    "refusals": gettext_lazy("Từ chối"),
    "withdrawals": gettext_lazy("Rút hồ sơ"),
    "stopped": gettext_lazy("Dừng xử lý"),
    "digitised": gettext_lazy("Có thành phần số hóa"),
    "electronic_result": gettext_lazy("Có kết quả điện tử"),
    "paid": gettext_lazy("Đã nộp phí, lệ phí"),
    "paid_online": gettext_lazy("Nộp phí trực tuyến"),
    "average_days": gettext_lazy("Thời gian giải quyết trung bình (ngày làm việc)"),
    "on_time_rate": gettext_lazy("Tỷ lệ đúng hạn (%)"),
    "online_share": gettext_lazy("Tỷ lệ trực tuyến (%)"),
}
COUNT_KEYS = [
    "received", "received_counter", "received_online", "received_postal", "finished", "finished_early",
    "finished_on_time", "finished_late", "in_progress", "in_progress_on_time", "in_progress_late",
    "supplement_requests", "refusals", "withdrawals", "stopped", "digitised", "electronic_result", "paid",
    "paid_online",
]

GROUP_FIELDS = {"unit": "receiving_unit", "field": "procedure__field", "procedure": "procedure"}


def _base(unit_ids, period, *, with_in_progress=True):
    """Dossiers of the scope that can appear in some figure of the period, selected through
    indexes: received in it, finished since its start (in it, or in progress at its end),
    open now, refused at reception or withdrawn in it, or paid in it."""
    payments = _payments().objects.filter(state="paid", paid_at__gte=period.start, paid_at__lt=period.end)
    events = DossierEvent.objects.filter(transition__in=["refuse_reception", "withdraw"], at__gte=period.start,
                                         at__lt=period.end)
    # Fetched first, so that every branch of the OR below is an index condition and the
    # database combines index scans instead of filtering every row of the scope.
    others = {*events.values_list("dossier", flat=True), *payments.values_list("dossier", flat=True)}
    candidates = in_period("received_at", period) | Q(pk__in=sorted(others))
    if with_in_progress:
        candidates |= Q(finished_at__gte=period.start) | Q(status__in=StatusGroup.IN_PROGRESS)
    else:
        candidates |= in_period("finished_at", period)
    return measured(Dossier.objects.filter(receiving_unit__in=unit_ids).filter(candidates))


def empty_row():
    row = dict.fromkeys(COUNT_KEYS, 0)
    row.update(days_sum=Decimal("0"), days_count=0)
    return row


def dossier_figures(*, unit_ids, period, group="unit", now=None, procedure_ids=None, field_ids=None,
                    with_in_progress=True):
    """Counts per group ('unit' = receiving unit, 'field', 'procedure') for the dossiers of
    the scope: {group key: {figure: count, 'days_sum', 'days_count'}}. Direct counts: one
    grouped query for the dossier figures, one for the supplementation requests, one (plus a
    calendar per unit) for the processing times. `with_in_progress=False` leaves the three
    'in progress' figures at zero and reads fewer rows."""
    key = GROUP_FIELDS[group]
    base = _base(unit_ids, period, with_in_progress=with_in_progress)
    pauses = Pause.objects.filter(dossier__receiving_unit__in=unit_ids, requested_at__gte=period.start,
                                  requested_at__lt=period.end)
    if procedure_ids is not None:
        base, pauses = base.filter(procedure__in=procedure_ids), pauses.filter(dossier__procedure__in=procedure_ids)
    if field_ids is not None:
        base = base.filter(procedure__field__in=field_ids)
        pauses = pauses.filter(dossier__procedure__field__in=field_ids)
    aggregates = {name: Count("pk", filter=q) for name, q in figure_filters(period, now).items()
                  if with_in_progress or not name.startswith("in_progress")}
    rows = defaultdict(empty_row)
    for values in base.values(key).annotate(**aggregates).order_by():
        row = rows[values.pop(key)]
        for name, value in values.items():
            row[name] += value
    for values in pauses.values(f"dossier__{key}").annotate(n=Count("pk")).order_by():
        rows[values[f"dossier__{key}"]]["supplement_requests"] += values["n"]
    for group_key, days in processing_days(base.filter(finished(period)), key=key):
        rows[group_key]["days_sum"] += days
        rows[group_key]["days_count"] += 1
    return {k: v for k, v in rows.items() if any(v[name] for name in COUNT_KEYS)}


def processing_days(finished_dossiers, *, key="receiving_unit"):
    """(group key, working days from reception to result) for each finished dossier, in its
    receiving unit's calendar."""
    rows = list(finished_dossiers.values_list(key, "receiving_unit", "received_at", "finished_at").order_by())
    calendars = calendars_for({row[1] for row in rows})
    for group_key, unit_id, received_at, finished_at in rows:
        yield group_key, calendars[unit_id].working_days_between(received_at, finished_at)


def total(rows):
    """The sum of every group's row: each dossier is in exactly one group."""
    result = empty_row()
    for row in rows.values():
        for name, value in row.items():
            result[name] += value
    return result


# --- per unit, for their own steps (hand-offs) -----------------------------------------------

STEP_KEYS = ["steps_finished", "steps_early", "steps_on_time", "steps_late", "steps_in_progress",
             "steps_in_progress_late"]


def step_figures(*, unit_ids, period, now=None, with_running=True):
    """Per unit: its own steps of every route, from the hand-offs (Form 05 rows). A step
    finished in the period counts as its outcome says; a step in progress at the cut-off is
    late when its own due date passed (not while the dossier waits for the applicant).
    `with_running=False` counts only the finished steps."""
    cutoff = period.cutoff(now)
    done = Q(state=Handoff.State.DONE) & in_period("finished_at", period)
    running = (Q(state__in=[Handoff.State.ACTIVE, Handoff.State.DONE]) & Q(started_at__lt=cutoff)
               & (Q(finished_at__isnull=True) | Q(finished_at__gte=cutoff)))
    # An active step is not the unit's delay while the dossier waits for the applicant (a
    # supplement, or the collection of a result that is ready).
    late = Q(due_at__lt=cutoff) & ~Q(state=Handoff.State.ACTIVE, dossier__status__in=StatusGroup.WAITING_FOR_APPLICANT)
    rows = (
        # Through indexes: the active steps, and the steps finished since the period began.
        Handoff.objects.filter(unit__in=unit_ids)
        .filter(Q(state=Handoff.State.ACTIVE) | Q(finished_at__gte=period.start) if with_running
                else in_period("finished_at", period))
        .values("unit")
        .annotate(
            steps_finished=Count("pk", filter=done),
            steps_early=Count("pk", filter=done & Q(outcome="early")),
            steps_on_time=Count("pk", filter=done & Q(outcome="on_time")),
            steps_late=Count("pk", filter=done & Q(outcome="late")),
            steps_in_progress=Count("pk", filter=running),
            steps_in_progress_late=Count("pk", filter=running & late),
        )
        .order_by()
    )
    return {row.pop("unit"): row for row in rows if any(row[k] for k in STEP_KEYS)}


# --- current state (dashboard) ----------------------------------------------------------------


PROCESSING_WINDOW_DAYS = 30


def processing_times_by_channel(*, unit_ids, now=None, days=PROCESSING_WINDOW_DAYS):
    """How long dossiers took from reception to result, by channel (counter, online, post):
    those received by these units in the last `days` days and already finished, with their
    number and mean time in days (issue 20: does the priority given to online dossiers show?).
    Chosen by reception date, so the (receiving unit, received_at) index serves it; one query."""
    now = now or timezone.now()
    took = ExpressionWrapper(F("finished_at") - F("received_at"), output_field=DurationField())
    rows = (Dossier.objects.filter(receiving_unit__in=unit_ids, received_at__gte=now - datetime.timedelta(days=days),
                                   received_at__lt=now, status__in=StatusGroup.FINISHED, finished_at__isnull=False)
            .values("channel").annotate(n=Count("pk"), mean=Avg(took)).order_by())
    found = {row["channel"]: row for row in rows}
    return [{"channel": channel, "label": channel.label, "count": found.get(channel, {}).get("n", 0),
             "mean_days": (found[channel]["mean"].total_seconds() / 86400
                           if channel in found and found[channel]["mean"] is not None else None)}
            for channel in Channel]


def supervised(unit_ids):
    """Dossiers a supervisor of these units oversees: received by them or now at one of them."""
    return Dossier.objects.filter(Q(receiving_unit__in=unit_ids) | Q(current_unit__in=unit_ids))


def clock_running():
    """Open, received dossiers whose clock runs (not waiting for the applicant's supplement)."""
    return Q(status__in=StatusGroup.CLOCK_RUNNING, due_at__isnull=False)


# The dashboard's deadline lists follow the appointment in force (`due_at`, moved by an approved
# apology): it is what the applicant was told and what the unit must now meet. Whether the
# dossier was on time is the statistics' question, answered against the original date.


def deadline_filter(state, now=None, *, window=None):
    """The Q of a dashboard list: overdue, due_today, due_soon (clock running; "due soon" as
    workflow.deadlines.windows defines it, in the receiving unit's calendar), or a status."""
    now = now or timezone.now()
    if state == "overdue":
        return clock_running() & Q(due_at__lt=now)
    if state == "due_today":
        return clock_running() & Q(due_at__gte=now, due_at__lt=windows.end_of_today(now))
    if state == "due_soon":
        return clock_running() & windows.due_soon_q(now, due="due_at", unit="receiving_unit", start="received_at",
                                                    window=window)
    if state in Status.values:
        return Q(status=state)
    return None


def dashboard_counts(*, unit_ids, now=None):
    """Open dossiers of the scope by status, and the deadline counts: one query."""
    now = now or timezone.now()
    aggregates = {f"status_{s}": Count("pk", filter=Q(status=s)) for s in StatusGroup.OPEN}
    for state in ("overdue", "due_today", "due_soon"):
        aggregates[state] = Count("pk", filter=deadline_filter(state, now))
    return supervised(unit_ids).filter(status__in=StatusGroup.OPEN).aggregate(**aggregates)


def with_original_due(dossiers):
    """The dossiers with `original_due_at`: the appointment before an approved apology (None
    without one), shown beside the new one in the supervision lists."""
    return measured(dossiers).annotate(original_due_at=F("approved_apology__old_due_at"))


def overdue_steps(*, unit_ids, now=None):
    """Overdue steps (active hand-offs past their own due date while the dossier's clock runs:
    not waiting for a supplement, no result yet) by unit and by step: the unit that causes a
    delay shows even when another unit received the dossier."""
    now = now or timezone.now()
    qs = Handoff.objects.filter(unit__in=unit_ids, state=Handoff.State.ACTIVE, due_at__lt=now,
                                dossier__status__in=StatusGroup.CLOCK_RUNNING)
    # One grouped query; the per-unit totals are summed from it.
    steps = list(qs.values("unit", "unit__name", "action").annotate(n=Count("pk")).order_by())
    units = {}
    for row in steps:
        units.setdefault(row["unit"], {"unit": row["unit"], "unit__name": row["unit__name"], "n": 0})["n"] += row["n"]
    by_unit = sorted(units.values(), key=lambda r: (-r["n"], r["unit__name"]))
    by_step = sorted(steps, key=lambda r: (-r["n"], r["unit__name"], r["action"]))[:20]
    return by_unit, by_step


def overdue_steps_filter(unit_id, now=None):
    """Dossiers whose active step at `unit_id` is overdue."""
    now = now or timezone.now()
    steps = Handoff.objects.filter(dossier=OuterRef("pk"), unit=unit_id, state=Handoff.State.ACTIVE,
                                   due_at__lt=now)
    return Q(Exists(steps)) & Q(status__in=StatusGroup.CLOCK_RUNNING)


def monthly_trend(*, unit_ids, period, now=None):
    """Per month of the period (up to now): received, finished, finished late, and the share
    finished early or on time, for the trend chart. Two queries grouped by local month."""
    now = now or timezone.now()
    rows = {
        (r["month"].year, r["month"].month): r
        for r in measured(Dossier.objects.filter(receiving_unit__in=unit_ids).filter(finished(period)))
        .annotate(month=TruncMonth("finished_at", tzinfo=TZ)).values("month")
        .annotate(finished=Count("pk"), late=Count("pk", filter=late_after_due()))
        .order_by()
    }
    arrivals = {
        (r["month"].year, r["month"].month): r["n"]
        for r in Dossier.objects.filter(receiving_unit__in=unit_ids).filter(received(period))
        .annotate(month=TruncMonth("received_at", tzinfo=TZ)).values("month").annotate(n=Count("pk")).order_by()
    }
    result = []
    for year, month in period.months():
        if month_period(year, month).start > now:
            break
        row = rows.get((year, month), {"finished": 0, "late": 0})
        result.append({"label": f"{month:02d}/{year}", "received": arrivals.get((year, month), 0),
                       "finished": row["finished"], "late": row["late"],
                       "rate": _percent(row["finished"] - row["late"], row["finished"])})
    return result
