from django.conf import settings

from .permissions import navigation_for, roles_of
from .selectors import current_unit, units_of_user


def staff_context(request):
    """Header data: the portal's name, the staff member's unit and menu. Cheap for anonymous
    visitors (no query) and one query for signed-in users (memberships are cached)."""
    context = {"portal_name": settings.PORTAL_NAME}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        context.update(
            current_unit=current_unit(request=request),
            my_units=units_of_user(user=user),
            my_roles=roles_of(user),
            staff_nav=navigation_for(user),
        )
    return context
