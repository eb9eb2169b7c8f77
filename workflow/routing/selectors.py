"""Reads of the workflow app, already scoped to the requesting user."""

import base64
import datetime
from dataclasses import dataclass

from django.db import connections, router
from django.db.models import Q
from django.utils import timezone

from dossiers.models import Dossier
from portal.models import Membership, Role
from portal.permissions import units_for_role
from workflow import policies
from workflow.deadlines import windows
from workflow.models import Apology, Consultation, Handoff, Pause

PAGE_SIZE = 25
# What a row of the inbox shows (workflow/inbox.html): 4 tables of 100 columns were most of
# the time spent turning rows into objects.
INBOX_FIELDS = ("unit_id", "state", "action", "due_at", "assignee", "dossier__code", "dossier__is_priority",
                "dossier__applicant_name", "dossier__status", "dossier__due_at", "dossier__procedure__name",
                "assignee__full_name", "assignee__first_name", "assignee__last_name", "assignee__username")

# What the inbox's list of open consultations shows (workflow/inbox.html): the full rows of the
# dossier, its procedure and the asker cost more to read than the page's own list.
CONSULTATION_FIELDS = ("unit_id", "question", "due_at", "answered_at", "dossier__code", "dossier__procedure__name")


def inbox_units(user):
    """Units whose inbox the user works in (officer or leader there)."""
    return units_for_role(user, Role.OFFICER, Role.LEADER)


@dataclass
class InboxFilters:
    status: str = ""
    procedure: str = ""
    due: str = ""  # "soon" | "overdue" | ""
    mine: bool = False


def encode_cursor(handoff):
    raw = f"{handoff.due_at.isoformat() if handoff.due_at else ''}|{int(handoff.dossier.is_priority)}|{handoff.pk}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor):
    """(due_at, is_priority, pk) from a cursor, or None when it is missing or malformed."""
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        due, priority, pk = raw.split("|")
        if priority not in ("0", "1"):
            return None
        return (datetime.datetime.fromisoformat(due) if due else None), priority == "1", int(pk)
    except (ValueError, UnicodeDecodeError):
        return None


def inbox_page(*, user, unit, filters, cursor=None, limit=PAGE_SIZE):
    """Active steps at `unit`, most urgent first, one keyset page: (rows, next_cursor).
    Keyset rather than OFFSET so page 50 costs what page 1 does. Among steps due at the same
    time, priority dossiers (every online one, dossiers.services) come first (issue 20)."""
    if not policies.holds(user, policies.PROCESS_ROLES, unit):
        return [], None
    qs = (
        Handoff.objects.filter(unit=unit, state=Handoff.State.ACTIVE)
        .select_related("dossier", "dossier__procedure", "assignee")
        .only(*INBOX_FIELDS)
        .order_by("due_at", "-dossier__is_priority", "pk")
    )
    now = timezone.now()
    if filters.status:
        qs = qs.filter(dossier__status=filters.status)
    if filters.procedure:
        qs = qs.filter(dossier__procedure__national_code=filters.procedure)
    if filters.due == "overdue":
        qs = qs.filter(due_at__lt=now)
    elif filters.due == "soon":
        # Not overdue yet: due later today, or due soon as the dashboard and the sweep count it.
        qs = qs.filter(Q(due_at__gte=now) & (Q(due_at__lt=windows.end_of_today(now))
                                              | windows.due_soon_q(now, unit="unit", start="started_at")))
    if filters.mine:
        qs = qs.filter(assignee=user)
    position = decode_cursor(cursor)
    if position is not None:
        due, priority, pk = position
        same_due = Q(due_at=due) if due else Q(due_at__isnull=True)
        after = same_due & (Q(dossier__is_priority__lt=priority) | Q(dossier__is_priority=priority, pk__gt=pk))
        qs = qs.filter(Q(due_at__gt=due) | Q(due_at__isnull=True) | after) if due else qs.filter(after)
    rows = list(qs[: limit + 1])
    next_cursor = encode_cursor(rows[limit - 1]) if len(rows) > limit else None
    return rows[:limit], next_cursor


def open_consultations(*, unit):
    """The questions other units asked `unit` and it has not answered yet, most urgent first:
    the inbox's second list (a consultation is answered from the dossier's page)."""
    return list(Consultation.objects.filter(unit=unit, answered_at__isnull=True)
                .select_related("dossier", "dossier__procedure").only(*CONSULTATION_FIELDS).order_by("due_at", "pk"))


def unit_officers(unit):
    return [m.user for m in Membership.objects.active().filter(unit=unit, role__in=[Role.OFFICER, Role.LEADER])
            .select_related("user").order_by("user__full_name")]


def route_of(dossier):
    """The hand-offs of the dossier page's panel, which shows the assignee's name and decides
    with each step's unit (workflow.policies); the other people of a step are not shown."""
    return list(dossier.handoffs.select_related("unit", "assignee").only(*_route_fields()).order_by("order"))


def _route_fields():
    """Every field of a hand-off; of its unit what deciding needs (its id, place in the tree and
    name: the panel shows the step's own unit_name); of its assignee the name. The full rows
    of units and people were most of the panel's cost (bench/profile_pages.py)."""
    return [*(f.attname for f in Handoff._meta.concrete_fields), "unit__name", "unit__code", "unit__path",
            "unit__level_id", "unit__parent_id", "assignee__full_name", "assignee__first_name",
            "assignee__last_name", "assignee__username"]


def panel_rows(dossier):
    """(apology, consultations, pauses) of the dossier page's panel. Most dossiers have none of
    them: one query asks which exist, and only those are read."""
    apology, consulted, paused = _panel_rows_exist(dossier.pk)
    return (apology_of(dossier) if apology else None, consultations_of(dossier) if consulted else [],
            list(dossier.pauses.all()) if paused else [])


def _panel_rows_exist(dossier_pk):
    """Three EXISTS in one statement. Written as SQL: built by the ORM (three Exists
    annotations) it cost the staff dossier page more CPU than the rest of its panel
    (bench/profile_pages.py); the tables' names still come from the models."""
    sql = "SELECT " + ", ".join(
        f"EXISTS (SELECT 1 FROM {model._meta.db_table} WHERE {model._meta.get_field('dossier').column} = %s)"
        for model in (Apology, Consultation, Pause))
    with connections[router.db_for_read(Dossier)].cursor() as cursor:
        cursor.execute(sql, [dossier_pk] * 3)
        return tuple(bool(value) for value in cursor.fetchone())


def consultations_of(dossier):
    return list(Consultation.objects.filter(dossier=dossier).select_related("unit", "answered_by"))


def apology_of(dossier):
    return Apology.objects.filter(dossier=dossier).first()
