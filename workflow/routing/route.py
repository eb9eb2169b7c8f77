"""From a procedure's route template to a dossier's hand-offs."""

from portal import workdays
from portal.models import Unit
from procedures.models import TimeUnit
from workflow.models import Handoff


def step_time_unit(version):
    """Steps of a same-day procedure are budgeted in hours; otherwise in the version's unit."""
    return TimeUnit.HOURS if version.time_unit == TimeUnit.SAME_DAY else version.time_unit


def resolve_handler(step, dossier, implementing):
    """The unit that handles `step` for `dossier`, driven by data, never by hard-coded levels:
    the receiving counter; a named unit (followed to its successor after a merger); or, for a
    level, the nearest unit of that level along the receiving unit's path — itself, an
    ancestor, or a sibling office under an ancestor (preferring the version's implementing
    units when several qualify)."""
    receiving = dossier.receiving_unit
    if step.is_counter:
        return receiving
    if step.handler_unit_id:
        return step.handler_unit.current_successor()
    level_id = step.handler_level_id
    chain = [receiving, *reversed(list(receiving.ancestors()))]
    for unit in chain:
        if unit.level_id == level_id:
            return unit
    for unit in chain:
        candidates = list(Unit.objects.active().filter(parent=unit, level_id=level_id).order_by("path"))
        if candidates:
            preferred = [c for c in candidates if c.pk in implementing]
            return (preferred or candidates)[0]
    # No unit of that level along the path (e.g. after the district tier was dissolved):
    # the receiving unit keeps the step rather than losing the dossier.
    return receiving


def instantiate_route(dossier):
    """Create the dossier's hand-offs from its procedure version's route; returns them."""
    version = dossier.procedure_version
    implementing = set(version.implementing_units.values_list("pk", flat=True))
    steps = list(version.steps.select_related("handler_unit", "handler_level").order_by("order", "pk"))
    unit_for_time = step_time_unit(version)
    handoffs = []
    if not steps:
        # A procedure without a route: the receiving unit processes it in one step.
        steps = [None]
    for order, step in enumerate(steps):
        unit = resolve_handler(step, dossier, implementing) if step else dossier.receiving_unit
        handoffs.append(Handoff(
            dossier=dossier, order=order, step=step, unit=unit, unit_name=unit.name,
            kind=Handoff.Kind.COUNTER if (step and step.is_counter) else Handoff.Kind.PROCESS,
            action=step.action if step else version.name,
            budget=step.budget if step else version.processing_time,
            time_unit=unit_for_time,
        ))
    return Handoff.objects.bulk_create(handoffs)


def forwards_on_reception(handoffs):
    """Whether the dossier goes on to the next step by itself once received: the route's first
    step is the counter's and is budgeted no time (0) — reception was all its work, so there is
    nothing left for the clerk to do before forwarding. A counter step with time of its own
    (e.g. "counter 1 day": sorting, scanning, carrying the papers) waits for the clerk's
    "forward", as before. Data, not code: the catalogue editor sets the step's budget."""
    return (len(handoffs) > 1 and handoffs[0].kind == Handoff.Kind.COUNTER
            and handoffs[0].budget is not None and handoffs[0].budget == 0)


def step_due(handoff, start):
    return workdays.compute_due(start, amount=handoff.budget, time_unit=handoff.time_unit, unit=handoff.unit).due_at
