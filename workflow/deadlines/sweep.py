"""The deadline sweep: deadlines are data, swept by the database (STYLE rule 7).

Every five minutes beat runs `sweep()`. Each threshold is one set-based pass over an indexed
column, never a task per dossier:

- hand-offs (steps) — due soon, due today, overdue: `Handoff(state, due_at)` index. The
  handler hears about each crossing; overdue steps are also escalated to the unit's leaders
  and the supervisors above it.
- dossiers — apology due (Form 04: one working day before the appointment, no apology yet)
  and overdue (escalated): `Dossier(status, due_at)` index.
- consultations — a consulted unit late with its opinion is escalated to the head of the
  counter: `Consultation(unit, answered_at, due_at)` index and `Consultation.notified`.

A crossing is claimed by inserting a mark (HandoffMark, DeadlineMark: row, threshold, due
date) with INSERT … SELECT … ON CONFLICT DO NOTHING RETURNING: one statement per threshold,
insert-only (rewriting 50,000 hand-off rows with their dozen indexes would take seconds), and a
moved due date (a resumed pause, an apology) can cross again.
Re-running finds nothing new. Two sweeps at once never double: the second waits on the
first's uncommitted marks and then skips them (unique constraint); consultations are locked
with SELECT … FOR UPDATE SKIP LOCKED. Staff hear one grouped notification per unit and threshold
per pass, not one per dossier.

"Due soon" is defined once, in workflow/deadlines/windows.py (the supervision dashboard counts
with the same definition): each step in its own unit's working calendar, still one statement
per threshold (one branch per distinct end of the window).
"""

import datetime
import json
from collections import defaultdict

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import F, Func, Q
from django.utils import timezone

from dossiers.models import Dossier, Status, StatusGroup
from portal import workdays
from portal.models import Membership, Role, Unit, User
from workflow.deadlines import windows
from workflow.models import Apology, Consultation, DeadlineMark, Handoff, HandoffMark, Notification, NotificationChannel
from workflow.notifications.outbox import Kind, counter_heads, outbox_add, preference_of

DUE_SOON, DUE_TODAY, OVERDUE = "due_soon", "due_today", "overdue"
APOLOGY_DUE, LATE = "apology_due", "late"
MAX_CODES = 20
# Turned off for the claiming statements (see _claim); JIT compilation alone costs ~200 ms a
# statement and buys nothing for index probes.
PLANNER_HINTS = ("enable_seqscan", "enable_hashjoin", "enable_mergejoin", "jit")
CHUNK = 900  # below SQLite's variable limit (PostgreSQL: see _chunks)


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


def _chunks(items, size=None):
    size = size or (20000 if connection.vendor == "postgresql" else CHUNK)
    for start in range(0, len(items), size):
        yield items[start:start + size]


# --- thresholds --------------------------------------------------------------------------------


def end_of_day(now):
    local = timezone.localtime(now)
    return local.replace(hour=23, minute=59, second=59, microsecond=999999)


def overdue_floor(now, *, full):
    """Lower bound of the overdue passes. Overdue crossings accumulate (50,000 overdue dossiers
    in a big province), so a regular pass only looks at what fell due in the last
    WORKFLOW_SWEEP_LOOKBACK minutes; the first pass of every hour (and of every process) looks
    at everything, catching anything a stopped beat or a back-dated reception left behind."""
    if full:
        return None
    return now - datetime.timedelta(minutes=settings.WORKFLOW_SWEEP_LOOKBACK)


def _full_pass(now):
    global _swept_once
    full = not _swept_once or timezone.localtime(now).minute < 5
    _swept_once = True
    return full


_swept_once = False


def handoff_thresholds(now, *, full=True):
    floor = overdue_floor(now, full=full)
    overdue = ("h.due_at <= %s", [now]) if floor is None else ("h.due_at > %s AND h.due_at <= %s", [floor, now])
    return [
        (OVERDUE, *overdue),
        (DUE_TODAY, "h.due_at > %s AND h.due_at <= %s", [now, end_of_day(now)]),
        # "Due soon" as workflow.deadlines.windows defines it, in each step's unit calendar.
        (DUE_SOON, *windows.due_soon_sql(now, due="h.due_at", unit="h.unit_id", start="h.started_at")),
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
        self._members, self._escalation = {}, {}

    def load(self, user_ids):
        missing = set(user_ids) - set(self.users)
        if missing:
            users = User.objects.filter(pk__in=missing).select_related("notification_preference")
            self.users.update({user.pk: user for user in users})
        return [self.users[pk] for pk in user_ids if pk in self.users]

    def members(self, unit_id, *roles):
        key = (unit_id, roles)
        if key not in self._members:
            self._members[key] = [user for role in roles for user in self.by_unit_role[(unit_id, role)]]
        return self._members[key]

    def escalation(self, unit_id):
        """Leaders of the unit and supervisors of it or any unit above it."""
        if unit_id not in self._escalation:
            ids = list(self.members(unit_id, Role.LEADER))
            for ancestor in self.ancestors.get(unit_id, [unit_id]):
                ids += self.members(ancestor, Role.SUPERVISOR)
            self._escalation[unit_id] = list(dict.fromkeys(ids))
        return self._escalation[unit_id]


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


def _claim(*, mark, key, source, params, details, threshold, now):
    """INSERT … SELECT the marks of the rows of `source` (aliased s, with id and due_at) that
    have none for this threshold and due date; return `details` (SQL over the claimed ids,
    aliased c.id) of the rows this pass claimed. A concurrent pass waits on our uncommitted
    marks, then skips them (ON CONFLICT DO NOTHING): nothing is claimed twice."""
    insert = (
        f"INSERT INTO {mark} ({key}, threshold, due_at, marked_at) "
        f"SELECT s.id, %s, s.due_at, %s FROM ({source}) s "
        f"WHERE NOT EXISTS (SELECT 1 FROM {mark} m WHERE m.{key} = s.id AND m.threshold = %s "
        f"AND m.due_at = s.due_at) "
        f"ON CONFLICT DO NOTHING RETURNING {key} AS id"
    )
    insert_params = [threshold, now, *params, threshold]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Closed rows have past due dates too, so the planner overestimates the open,
            # overdue rows ~5x (state and due_at are correlated) and scans or hashes whole
            # tables; index range scans and primary-key probes are the right plan at any size.
            for setting in PLANNER_HINTS:
                cursor.execute(f"SET LOCAL {setting} = off")
            cursor.execute(f"WITH c AS ({insert}) {details}", insert_params)
            rows = cursor.fetchall()
            for setting in PLANNER_HINTS:
                cursor.execute(f"SET LOCAL {setting} TO DEFAULT")
            if len(rows) > 1000:
                # Fresh statistics, or the next pass plans its anti-join against an "empty" table.
                cursor.execute(f"ANALYZE {mark}")
            return rows
        cursor.execute(insert, insert_params)
        ids = [row[0] for row in cursor.fetchall()]
        rows = []
        for chunk in _chunks(ids):
            cursor.execute(f"WITH c(id) AS (VALUES {', '.join(['(%s)'] * len(chunk))}) {details}", chunk)
            rows += cursor.fetchall()
        return rows


def _claim_handoff_marks(threshold, where, params, now):
    """Active steps crossing `threshold` while their dossier's clock runs: (unit id, unit name,
    assignee id, kind, dossier code) of those this pass claimed."""
    handoff, dossier = Handoff._meta.db_table, Dossier._meta.db_table
    source = (
        f"SELECT h.id, h.due_at FROM {handoff} h WHERE h.state = %s AND {where} "
        f"AND NOT EXISTS (SELECT 1 FROM {dossier} p WHERE p.id = h.dossier_id AND p.status = %s)"
    )
    details = (f"SELECT h.unit_id, h.unit_name, h.assignee_id, h.kind, d.code FROM c "
               f"JOIN {handoff} h ON h.id = c.id JOIN {dossier} d ON d.id = h.dossier_id")
    return _claim(mark=HandoffMark._meta.db_table, key="handoff_id", source=source,
                  params=[Handoff.State.ACTIVE, *params, Status.SUPPLEMENT_REQUESTED], details=details,
                  threshold=threshold, now=now)


def sweep_handoffs(now, *, full=True):
    counts = {}
    for threshold, where, params in handoff_thresholds(now, full=full):
        with transaction.atomic():
            found = _claim_handoff_marks(threshold, where, params, now)
            counts[threshold] = len(found)
            if not found:
                continue
            directory = Directory(row[0] for row in found)
            handlers, escalations = {}, {}
            for unit_id, unit_name, assignee_id, kind, code in found:
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
    return counts


def _claim_dossier_marks(threshold, where, params, now):
    """Dossiers with a running clock crossing `threshold`: (current unit id, its name, code) of
    those this pass claimed."""
    dossier, unit = Dossier._meta.db_table, Unit._meta.db_table
    states = ", ".join(["%s"] * len(StatusGroup.CLOCK_RUNNING))
    source = f"SELECT d.id, d.due_at FROM {dossier} d WHERE d.status IN ({states}) AND {where}"
    details = (f"SELECT d.current_unit_id, u.name, d.code FROM c JOIN {dossier} d ON d.id = c.id "
               f"JOIN {unit} u ON u.id = d.current_unit_id")
    return _claim(mark=DeadlineMark._meta.db_table, key="dossier_id", source=source,
                  params=[*StatusGroup.CLOCK_RUNNING, *params], details=details, threshold=threshold, now=now)


def sweep_dossiers(now, *, full=True):
    counts = {}
    apology = Apology._meta.db_table
    hours = workdays.calendar_for(None).hours_per_day
    window = workdays.add_working_hours(now, hours)
    floor = overdue_floor(now, full=full)
    passes = [
        (OVERDUE, Kind.DOSSIER_OVERDUE, *(("d.due_at <= %s", [now]) if floor is None
                                          else ("d.due_at > %s AND d.due_at <= %s", [floor, now]))),
        (APOLOGY_DUE, Kind.APOLOGY_DUE,
         f"d.due_at > %s AND d.due_at <= %s AND NOT EXISTS (SELECT 1 FROM {apology} a WHERE a.dossier_id = d.id)",
         [now, window]),
    ]
    for threshold, kind, where, params in passes:
        with transaction.atomic():
            found = _claim_dossier_marks(threshold, where, params, now)
            counts[f"dossier_{threshold}"] = len(found)
            if not found:
                continue
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


def sweep(*, now=None, full=None):
    """One pass over every threshold; returns how many crossings each found. `full`: look at
    every overdue row, not only those fallen due lately (default: hourly, see overdue_floor)."""
    now = now or timezone.now()
    full = _full_pass(now) if full is None else full
    counts = {}
    counts.update(sweep_handoffs(now, full=full))
    counts.update(sweep_dossiers(now, full=full))
    counts.update(sweep_consultations(now))
    return counts

