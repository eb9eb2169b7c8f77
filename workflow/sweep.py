"""The deadline sweep: deadlines are data, swept by the database (STYLE rule 7).

Every five minutes beat runs `sweep()`. Each threshold is one set-based pass over an indexed
column, never a task per dossier:

- hand-offs (steps) — due soon, due today, overdue: `Handoff(state, due_at)` index; the
  crossed threshold is appended to `Handoff.notified`. The handler hears about each crossing;
  overdue steps are also escalated to the unit's leaders and the supervisors above it.
- dossiers — apology due (Form 04: one working day before the appointment, no apology yet)
  and overdue (escalated): `Dossier(status, due_at)` index; the crossing is claimed by
  inserting a DeadlineMark (dossier, threshold, due date) with ON CONFLICT DO NOTHING, so a
  moved appointment can cross again.
- consultations — a consulted unit late with its opinion is escalated to the head of the
  counter: `Consultation(unit, answered_at, due_at)` index and `Consultation.notified`.

Re-running finds nothing new. Two sweeps at once never double: hand-offs and consultations are
locked with SELECT … FOR UPDATE SKIP LOCKED and re-checked after the lock, dossier marks are
claimed by the unique constraint. Staff hear one grouped notification per unit and threshold
per pass, not one per dossier.

Known approximation: "due soon" in working days is measured with the default calendar, not
each unit's own schedule (one cut-off per pass keeps the query set-based).
"""

import json
import re
from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import DurationField, ExpressionWrapper, F, Func, Q, Value
from django.utils import timezone

from dossiers.models import Dossier, Status
from portal import workdays
from portal.models import Membership, Role, Unit, User

from .models import Apology, Consultation, DeadlineMark, Handoff, Notification, NotificationChannel
from .notifications import Kind, counter_heads, outbox_add, preference_of

DUE_SOON, DUE_TODAY, OVERDUE = "due_soon", "due_today", "overdue"
APOLOGY_DUE, LATE = "apology_due", "late"
# The clock runs in these states; it stops while waiting for supplementation (DOMAIN §7).
CLOCK_STATES = [Status.RECEIVED, Status.PROCESSING, Status.PAYMENT_REQUESTED]
MAX_CODES = 20
CHUNK = 900  # below SQLite's variable limit


class JSONAppend(Func):
    """`notified || '["overdue"]'` on PostgreSQL, json_insert on SQLite."""

    output_field = models.JSONField()

    def __init__(self, field, value):
        self.value = value
        super().__init__(F(field))

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"({sql} || %s::jsonb)", [*params, json.dumps([self.value])]

    def as_sql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"json_insert({sql}, '$[#]', %s)", [*params, self.value]


def _not_marked(threshold):
    if connection.vendor == "postgresql":
        return ~Q(notified__contains=[threshold])
    return ~Q(notified__icontains=f'"{threshold}"')


def _chunks(items, size=CHUNK):
    for start in range(0, len(items), size):
        yield items[start:start + size]


# --- thresholds --------------------------------------------------------------------------------


def end_of_day(now):
    local = timezone.localtime(now)
    return local.replace(hour=23, minute=59, second=59, microsecond=999999)


def due_soon_condition(now):
    """WORKFLOW_DUE_SOON: "1d" (working days before the due moment) or "75%" (of the step's
    budget used, measured on the wall clock between start and due)."""
    setting = str(settings.WORKFLOW_DUE_SOON).strip()
    after_today = Q(due_at__gt=end_of_day(now))
    share = re.fullmatch(r"(\d+(?:\.\d+)?)\s*%", setting)
    if share:
        left = 1 - float(share.group(1)) / 100
        remaining = ExpressionWrapper(F("due_at") - Value(now), output_field=DurationField())
        budget = ExpressionWrapper((F("due_at") - F("started_at")) * Value(left), output_field=DurationField())
        return after_today & Q(started_at__isnull=False) & Q(due_at__gt=now), {"remaining": remaining,
                                                                                "budget_left": budget}
    days = Decimal(setting.rstrip("d") or "1")
    hours = days * workdays.calendar_for(None).hours_per_day
    cutoff = workdays.add_working_hours(now, hours)
    return after_today & Q(due_at__lte=cutoff), {}


def handoff_thresholds(now):
    soon, annotations = due_soon_condition(now)
    return [
        (OVERDUE, Q(due_at__lte=now), {}),
        (DUE_TODAY, Q(due_at__gt=now, due_at__lte=end_of_day(now)), {}),
        (DUE_SOON, soon, annotations),
    ]


# --- recipients in bulk ------------------------------------------------------------------------


class Directory:
    """Unit members, preferences and ancestors loaded once per pass for every unit involved."""

    def __init__(self, unit_ids):
        unit_ids = set(unit_ids)
        paths = dict(Unit.objects.filter(pk__in=unit_ids).values_list("pk", "path"))
        self.ancestors = {pk: [int(p) for p in path.strip("/").split("/") if p] for pk, path in paths.items()}
        every_unit = set(unit_ids).union(*self.ancestors.values()) if self.ancestors else unit_ids
        self.by_unit_role = defaultdict(list)
        for unit_id, role, user_id in Membership.objects.active().filter(unit__in=every_unit).values_list(
                "unit_id", "role", "user_id").order_by("user_id"):
            self.by_unit_role[(unit_id, role)].append(user_id)
        self.users = {}

    def load(self, user_ids):
        missing = set(user_ids) - set(self.users)
        if missing:
            users = User.objects.filter(pk__in=missing).select_related("notification_preference")
            self.users.update({user.pk: user for user in users})
        return [self.users[pk] for pk in user_ids if pk in self.users]

    def members(self, unit_id, *roles):
        return [user for role in roles for user in self.by_unit_role[(unit_id, role)]]

    def escalation(self, unit_id):
        """Leaders of the unit and supervisors of it or any unit above it."""
        ids = self.members(unit_id, Role.LEADER)
        for ancestor in self.ancestors.get(unit_id, [unit_id]):
            ids += self.members(ancestor, Role.SUPERVISOR)
        return list(dict.fromkeys(ids))


def grouped_rows(groups, *, kind, directory, email, day):
    """One notification per (recipient, unit): {(user_id, unit_id): (unit name, [codes])}."""
    rows = []
    directory.load([user_id for user_id, _unit in groups])
    for (user_id, _unit_id), (unit_name, codes) in groups.items():
        user = directory.users.get(user_id)
        if user is None:
            continue
        codes = sorted(set(codes))
        context = {"unit": unit_name, "count": len(codes), "codes": codes[:MAX_CODES],
                   "more": max(len(codes) - MAX_CODES, 0), "day": day}
        preference = preference_of(user)
        channels = [NotificationChannel.IN_APP] if preference.in_app else []
        if email and preference.email and user.email:
            channels.append(NotificationChannel.EMAIL)
        for channel in channels:
            rows.append(Notification(recipient=user, channel=channel, kind=kind, context=context,
                                     address=user.email if channel == NotificationChannel.EMAIL else "",
                                     language=preference.language or "vi"))
    return rows


# --- passes ------------------------------------------------------------------------------------


def sweep_handoffs(now):
    counts = {}
    for threshold, condition, annotations in handoff_thresholds(now):
        with transaction.atomic():
            qs = (Handoff.objects.filter(state=Handoff.State.ACTIVE).filter(condition)
                  .exclude(dossier__status=Status.SUPPLEMENT_REQUESTED).filter(_not_marked(threshold)))
            if annotations:
                qs = qs.annotate(**annotations).filter(remaining__lte=F("budget_left"))
            found = list(qs.select_for_update(skip_locked=True, of=("self",)).values_list(
                "pk", "unit_id", "unit_name", "assignee_id", "kind", "dossier__code"))
            if not found:
                counts[threshold] = 0
                continue
            for chunk in _chunks([row[0] for row in found]):
                Handoff.objects.filter(pk__in=chunk).update(notified=JSONAppend("notified", threshold))
            directory = Directory(row[1] for row in found)
            handlers, escalations = {}, {}
            for _pk, unit_id, unit_name, assignee_id, kind, code in found:
                if assignee_id:
                    users = [assignee_id]
                elif kind == Handoff.Kind.COUNTER:
                    users = directory.members(unit_id, Role.CLERK)
                else:
                    users = directory.members(unit_id, Role.LEADER, Role.OFFICER)
                for user_id in users:
                    handlers.setdefault((user_id, unit_id), (unit_name, []))[1].append(code)
                if threshold == OVERDUE:
                    for user_id in directory.escalation(unit_id):
                        escalations.setdefault((user_id, unit_id), (unit_name, []))[1].append(code)
            day = timezone.localdate(now).isoformat()
            rows = grouped_rows(handlers, kind=threshold, directory=directory, email=False, day=day)
            rows += grouped_rows(escalations, kind=Kind.ESCALATED, directory=directory, email=True, day=day)
            outbox_add(rows, bulk=True)
            counts[threshold] = len(found)
    return counts


def _claim_dossier_marks(threshold, where, params, now):
    """INSERT the marks of every dossier crossing `threshold` that has none for its current
    due date; returns the ids this pass claimed (a concurrent pass gets the others)."""
    mark, dossier = DeadlineMark._meta.db_table, Dossier._meta.db_table
    states = ", ".join(["%s"] * len(CLOCK_STATES))
    sql = (
        f"INSERT INTO {mark} (dossier_id, threshold, due_at, marked_at) "
        f"SELECT d.id, %s, d.due_at, %s FROM {dossier} d "
        f"WHERE d.status IN ({states}) AND {where} "
        f"AND NOT EXISTS (SELECT 1 FROM {mark} m WHERE m.dossier_id = d.id AND m.threshold = %s "
        f"AND m.due_at = d.due_at) "
        f"ON CONFLICT DO NOTHING RETURNING dossier_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [threshold, now, *CLOCK_STATES, *params, threshold])
        return [row[0] for row in cursor.fetchall()]


def sweep_dossiers(now):
    counts = {}
    apology = Apology._meta.db_table
    hours = workdays.calendar_for(None).hours_per_day
    window = workdays.add_working_hours(now, hours)
    passes = [
        (OVERDUE, Kind.DOSSIER_OVERDUE, "d.due_at <= %s", [now]),
        (APOLOGY_DUE, Kind.APOLOGY_DUE,
         f"d.due_at > %s AND d.due_at <= %s AND NOT EXISTS (SELECT 1 FROM {apology} a WHERE a.dossier_id = d.id)",
         [now, window]),
    ]
    for threshold, kind, where, params in passes:
        with transaction.atomic():
            ids = _claim_dossier_marks(threshold, where, params, now)
            counts[f"dossier_{threshold}"] = len(ids)
            if not ids:
                continue
            found = []
            for chunk in _chunks(ids):
                found += Dossier.objects.filter(pk__in=chunk).values_list(
                    "current_unit_id", "current_unit__name", "code")
            directory = Directory(row[0] for row in found)
            groups = {}
            for unit_id, unit_name, code in found:
                users = (directory.escalation(unit_id) if threshold == OVERDUE
                         else directory.members(unit_id, Role.LEADER, Role.OFFICER))
                for user_id in dict.fromkeys(users):
                    groups.setdefault((user_id, unit_id), (unit_name, []))[1].append(code)
            outbox_add(grouped_rows(groups, kind=kind, directory=directory, email=threshold == OVERDUE,
                                    day=timezone.localdate(now).isoformat()), bulk=True)
    return counts


def sweep_consultations(now):
    with transaction.atomic():
        late = list(
            Consultation.objects.filter(answered_at__isnull=True, due_at__lte=now).filter(_not_marked(LATE))
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("dossier", "dossier__receiving_unit", "unit")
        )
        if not late:
            return {"consultation_late": 0}
        Consultation.objects.filter(pk__in=[c.pk for c in late]).update(notified=JSONAppend("notified", LATE))
        rows = []
        for consultation in late:
            dossier = consultation.dossier
            context = {"code": dossier.code, "consulted_unit": consultation.unit.name,
                       "due_at": consultation.due_at.isoformat(), "unit": dossier.receiving_unit.name}
            for user in counter_heads(dossier.receiving_unit):
                preference = preference_of(user)
                for channel in ([NotificationChannel.IN_APP] if preference.in_app else []) + (
                        [NotificationChannel.EMAIL] if preference.email and user.email else []):
                    rows.append(Notification(
                        recipient=user, channel=channel, kind=Kind.CONSULTATION_LATE, dossier=dossier,
                        context=context, language=preference.language or "vi",
                        address=user.email if channel == NotificationChannel.EMAIL else "",
                        dedupe_key=f"consultation_late:{consultation.pk}:{user.pk}:{channel}"))
        outbox_add(rows, bulk=True)
        return {"consultation_late": len(late)}


def sweep(*, now=None):
    """One pass over every threshold; returns how many crossings each found."""
    now = now or timezone.now()
    counts = {}
    counts.update(sweep_handoffs(now))
    counts.update(sweep_dossiers(now))
    counts.update(sweep_consultations(now))
    return counts

