"""Scoped reads of the organisation. Views never query Unit or Membership directly."""

from django.db.models import Prefetch

from .models import Membership, Unit
from .permissions import memberships_of, units_visible_to


def unit_list(*, user):
    return units_visible_to(user).select_related("level", "parent").order_by("path")


def unit_detail(*, user, code):
    """The unit with its children and staff, or Unit.DoesNotExist if outside the user's scope."""
    return (
        units_visible_to(user)
        .select_related("level", "parent", "successor", "schedule")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.active().select_related("user").order_by("role", "user__full_name"),
                to_attr="active_memberships",
            ),
            Prefetch("children", queryset=Unit.objects.active().select_related("level"), to_attr="active_children"),
        )
        .get(code=code)
    )


def current_unit(*, request):
    """The unit the staff member is working for now: the one chosen in the session if still
    valid, otherwise the first membership's unit."""
    memberships = memberships_of(request.user)
    if not memberships:
        return None
    chosen = request.session.get("current_unit_id")
    for m in memberships:
        if m.unit_id == chosen:
            return m.unit
    return memberships[0].unit


def units_of_user(*, user):
    """Distinct units of the user's memberships, for the unit switcher."""
    seen, units = set(), []
    for m in memberships_of(user):
        if m.unit_id not in seen:
            seen.add(m.unit_id)
            units.append(m.unit)
    return units
