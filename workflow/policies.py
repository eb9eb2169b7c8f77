"""Who may see which dossier and who may do what to it now: the one policy.

Services enforce it (`require`), and the dossier page's panel, the inbox and the templates
only ask it (`may`, `allowed`). Nothing else in the code decides these questions.

Seeing a dossier (staff):
- the dossier roles are clerk, officer, leader and supervisor; a catalogue editor sees no
  dossier unless they also hold one of these roles;
- clerks and officers see the dossiers of their own units, leaders and supervisors also those
  of the units below theirs (oversight, `portal.permissions.units_visible_to`);
- "the dossiers of a unit": received by it, now at it, one of whose route steps it actually
  held (active or done — a step skipped because the dossier was withdrawn, stopped or decided
  earlier gives no sight of it), or on which its officers and leaders were consulted;
- a citizen sees their own dossiers on the citizen pages only (`citizens/`), never the staff
  page with its internal opinions and staff names.

Acting on a dossier: only staff of the unit whose step is active, by a direct membership —
a leader of a parent unit oversees a commune's dossiers but does not decide them
(Decree 61/2018 art. 16: the competent unit handles its own step). Each action names the
roles that may take it and where (`RULES`); `may` adds the dossier's state.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q

from dossiers.models import Dossier, Status, StatusGroup
from portal.models import Role
from portal.permissions import memberships_of, units_visible_to
from workflow.models import Apology, Consultation, Handoff

DOSSIER_ROLES = (Role.CLERK, Role.OFFICER, Role.LEADER, Role.SUPERVISOR)
PROCESS_ROLES = (Role.OFFICER, Role.LEADER)
HELD_STEP_STATES = (Handoff.State.ACTIVE, Handoff.State.DONE)
# A consultation is addressed to the consulted unit's officers and leaders, not its counter.
CONSULTED_ROLES = (Role.OFFICER, Role.LEADER, Role.SUPERVISOR)


# --- seeing -------------------------------------------------------------------------------------


def _scope(user, roles=DOSSIER_ROLES):
    """The units whose dossiers `user` sees through `roles` (a queryset of pks)."""
    return units_visible_to(user, *roles).values("pk")


def dossiers_visible_to(user):
    """Every dossier the staff member may open on the staff pages. Citizens get none here."""
    if not getattr(user, "is_authenticated", False):
        return Dossier.objects.none()
    if user.is_superuser:
        return Dossier.objects.all()
    if not any(m.role in DOSSIER_ROLES for m in memberships_of(user)):
        return Dossier.objects.none()
    units = _scope(user)
    held = Handoff.objects.filter(dossier=OuterRef("pk"), unit__in=units, state__in=HELD_STEP_STATES)
    consulted = Consultation.objects.filter(dossier=OuterRef("pk"), unit__in=_scope(user, CONSULTED_ROLES))
    return Dossier.objects.filter(
        Q(receiving_unit__in=units) | Q(current_unit__in=units) | Exists(held) | Exists(consulted))


def _sees_unit(user, unit_id, path):
    """Whether a dossier role of `user` covers the unit (its own, or below it for oversight)."""
    for m in memberships_of(user):
        if m.role not in DOSSIER_ROLES:
            continue
        if m.unit_id == unit_id or (m.role in (Role.LEADER, Role.SUPERVISOR) and path.startswith(m.unit.path)):
            return True
    return False


def can_see(user, dossier):
    """The rule of dossiers_visible_to decided for one loaded dossier: its receiving and current
    units are checked in Python against the memberships already loaded for the request; the
    steps and consultations are looked up only when neither is in scope."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    if not any(m.role in DOSSIER_ROLES for m in memberships_of(user)):
        return False
    for unit in (dossier.receiving_unit, dossier.current_unit):
        if unit is not None and _sees_unit(user, unit.pk, unit.path):
            return True
    return (Handoff.objects.filter(dossier=dossier, unit__in=_scope(user), state__in=HELD_STEP_STATES).exists()
            or Consultation.objects.filter(dossier=dossier, unit__in=_scope(user, CONSULTED_ROLES)).exists())


def visible_dossier(*, user, code):
    """The dossier with `code` for the staff pages, or Dossier.DoesNotExist (→ 404)."""
    dossier = (Dossier.objects.select_related("procedure", "procedure_version", "receiving_unit", "current_unit",
                                              "received_by").get(code=code))
    if not can_see(user, dossier):
        raise Dossier.DoesNotExist
    return dossier


def printable_dossier(*, user, code):
    """The dossier with `code` for its printed papers (receipt, Forms 04 and 05): the staff who
    may see it, and the citizen who owns it (the papers are theirs). Else Dossier.DoesNotExist."""
    dossier = (Dossier.objects.select_related("procedure", "procedure_version", "receiving_unit", "current_unit",
                                              "received_by").get(code=code))
    if not (can_see(user, dossier) or owns(user, dossier)):
        raise Dossier.DoesNotExist
    return dossier


def owns(user, dossier):
    """The citizen whose account submitted the dossier (or for whom it was received)."""
    return getattr(user, "is_authenticated", False) and dossier.citizen_id == user.pk


# --- acting -------------------------------------------------------------------------------------


def holds(user, roles, unit):
    """A direct membership of `user` in `unit` with one of `roles` (no oversight from above)."""
    if unit is None:
        return False
    return any(m.unit_id == unit.pk and m.role in roles for m in memberships_of(user))


@dataclass(frozen=True)
class Rule:
    """Who may take an action: `roles` in the unit given by `where` (a function of the dossier
    and the objects of the action)."""

    roles: tuple
    where: str  # "receiving" | "active" | "current" | "apology" | "consultation" | "handoff"
    owner: bool = False  # the citizen who owns the dossier may take it too (online)


def _active_roles(active):
    return (Role.CLERK,) if active is not None and active.kind == Handoff.Kind.COUNTER else PROCESS_ROLES


RULES = {
    "online_accept": Rule((Role.CLERK,), "receiving"),
    "online_completion": Rule((Role.CLERK,), "receiving"),
    "online_refuse": Rule((Role.CLERK,), "receiving"),
    "forward": Rule((), "active"),  # the active step's roles: clerks at the counter, else officers and leaders
    "supplement": Rule((), "active"),
    "consult": Rule(PROCESS_ROLES, "active"),
    "approve": Rule((Role.LEADER,), "active"),
    "refuse": Rule((Role.LEADER,), "active"),
    "stop": Rule((Role.LEADER,), "active"),
    "payment_request": Rule((Role.CLERK, *PROCESS_ROLES), "active"),
    "resume": Rule((Role.CLERK,), "receiving", owner=True),
    "return": Rule((Role.CLERK,), "receiving"),
    "walk_in_rating": Rule((Role.CLERK,), "receiving"),  # the counter's kiosk screen and the return slip
    "withdraw": Rule((Role.CLERK,), "receiving", owner=True),
    "payment_confirm": Rule((Role.CLERK, *PROCESS_ROLES), "receiving", owner=True),
    "payment_record": Rule((Role.CLERK,), "receiving"),  # a fee paid in cash or by card at the counter
    "result": Rule((Role.CLERK, *PROCESS_ROLES), "active"),  # also the receiving counter's clerks
    "apology": Rule((Role.CLERK, *PROCESS_ROLES), "current"),
    "apology_approve": Rule((Role.LEADER,), "apology"),
    "consult_answer": Rule(PROCESS_ROLES, "consultation"),
    "assign": Rule((Role.LEADER,), "handoff"),
}


def active_step(dossier, route=None):
    if route is not None:
        return next((h for h in route if h.state == Handoff.State.ACTIVE), None)
    return dossier.handoffs.filter(state=Handoff.State.ACTIVE).select_related("unit").first()


def entitled(user, action, dossier, *, active=None, apology=None, consultation=None, handoff=None):
    """Whether `user` may take `action` on `dossier` as far as who and where go (not the
    dossier's state: `may` adds that). `active` is the active step (looked up if not given)."""
    rule = RULES[action]
    if rule.owner and owns(user, dossier):
        return True
    if rule.where == "receiving":
        return holds(user, rule.roles, dossier.receiving_unit)
    if rule.where == "current":
        return holds(user, rule.roles, dossier.current_unit)
    if rule.where == "apology":
        return apology is not None and holds(user, rule.roles, apology.unit)
    if rule.where == "consultation":
        return consultation is not None and holds(user, rule.roles, consultation.unit)
    if rule.where == "handoff":
        return handoff is not None and holds(user, rule.roles, handoff.unit)
    active = active if active is not None else active_step(dossier)
    if active is None:
        return False
    roles = rule.roles or _active_roles(active)
    if action == "result" and holds(user, (Role.CLERK,), dossier.receiving_unit):
        return True
    return holds(user, roles, active.unit)


def require(user, action, dossier, **objects):
    """For services: PermissionDenied unless `user` is entitled to `action`."""
    if not entitled(user, action, dossier, **objects):
        raise PermissionDenied


# The dossier states in which each action can be taken (the FSM and the services say why not).
STATES = {
    "online_accept": (Status.SUBMITTED,),
    "online_completion": (Status.SUBMITTED,),
    "online_refuse": (Status.SUBMITTED,),
    "forward": (Status.RECEIVED, Status.PROCESSING),
    "supplement": (Status.RECEIVED, Status.PROCESSING),
    "consult": (Status.PROCESSING,),
    "approve": (Status.PROCESSING,),
    "refuse": (Status.PROCESSING,),
    "stop": (Status.PROCESSING, Status.SUPPLEMENT_REQUESTED, Status.PAYMENT_REQUESTED),
    "payment_request": (Status.RECEIVED, Status.PROCESSING),
    "resume": (Status.SUPPLEMENT_REQUESTED,),
    "return": (Status.RESULT_READY,),
    "withdraw": StatusGroup.IN_PROGRESS,
    "payment_confirm": (Status.PAYMENT_REQUESTED,),
    "result": (Status.PROCESSING, Status.RESULT_READY),
    "apology": StatusGroup.IN_PROGRESS,
}


def may(user, action, dossier, *, route, apology=None, consultation=None, handoff=None, apology_window=None):
    """Whether the panel offers `action` now: the user is entitled and the dossier's state
    allows it. `route` is the dossier's hand-offs, already loaded by the page."""
    active = active_step(dossier, route)
    states = STATES.get(action)
    if states is not None and dossier.status not in states:
        return False
    if action in ("forward", "supplement", "consult", "approve", "refuse", "payment_request") and active is None:
        return False
    if action in ("approve", "refuse", "consult") and active.kind != Handoff.Kind.PROCESS:
        return False
    if action == "forward":
        decision = max((h.order for h in route if h.kind == Handoff.Kind.PROCESS), default=None)
        if active.order == decision:
            return False
    if action == "apology" and (apology is not None or not apology_window):
        return False
    if action == "apology_approve" and (apology is None or apology.state != Apology.State.DRAFT):
        return False
    if action == "consult_answer" and (consultation is None or consultation.answered_at is not None):
        return False
    return entitled(user, action, dossier, active=active, apology=apology, consultation=consultation,
                    handoff=handoff)


def answerable_consultations(user, consultations):
    """The open consultations the user's unit was asked and may answer."""
    return [c for c in consultations if c.answered_at is None and holds(user, PROCESS_ROLES, c.unit)]


def may_submit_for(*, client_unit, unit):
    """A connected system (portal/api, issue 17) submits dossiers for its own unit or a unit
    below it; what the procedure accepts is `dossier_submit_online`'s to check."""
    return unit.path.startswith(client_unit.path)


def may_receive(user, unit, version):
    """Counter reception of `version` at `unit` (Decree 61/2018 art. 15): a clerk of `unit`
    itself (a direct membership: a parent unit's clerk does not receive for a commune), for a
    published version that `unit` receives (listed among its receiving units, or no list)."""
    if not holds(user, (Role.CLERK,), unit) or version.status != version.Status.PUBLISHED:
        return False
    receiving = [u.pk for u in version.receiving_units.all()]
    return not receiving or unit.pk in receiving
