"""Who may do what, and where. Every view of every app checks access through this module.

Scope rules:
- clerks and officers act in the units they are members of;
- leaders, supervisors and catalogue editors oversee their unit and every unit below it
  (a province supervisor sees the whole province);
- superusers see everything (they administer the system, they are not staff of a unit).
Refusals: a missing role is 403; an object outside the user's scope is 404, so that codes
and ids of other units are not disclosed.
"""

from functools import partial, wraps

from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import DEFAULT_DB_ALIAS, transaction
from django.http import Http404
from django.utils import timezone

from . import generations
from .models import Membership, Role, Unit

# Roles whose scope includes the units below their own.
SUBTREE_ROLES = frozenset({Role.LEADER, Role.SUPERVISOR, Role.EDITOR, Role.AUDITOR})
STAFF_ROLES = frozenset(Role.values)


# Every signed-in page reads the user's memberships (menus, scopes, the second sign-in step):
# kept on the user object for the request and, between requests, in the shared cache (Redis:
# every process and node) under the day (validity dates) and a generation. Saving or deleting a
# membership or a user forgets that user's entry; saving or deleting a unit or a unit level
# replaces the generation (portal.apps). Both happen at once and again after the transaction
# commits, so that no request caches what a rolled-back or not yet committed change left. A
# bulk write that sends no signal, or a request that read the old rows just before a change
# committed and stored them just after, is seen after SHARED_SECONDS at the latest: a minute,
# because these rows decide who may act (a clerk opens a page every few seconds, so the cache
# still saves nearly every query).
SHARED_SECONDS = 60
GENERATION_KEY = "portal:memberships:generation"


def memberships_of(user):
    """Active memberships of `user`, cached on the user object for the request and shared
    between requests (above)."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_portal_memberships", None)
    if cached is None:
        key = _shared_key(user.pk)
        cached = cache.get(key)
        if cached is None:
            # From the primary even inside a replica_view: a lagging replica must not be kept.
            cached = list(Membership.objects.using(DEFAULT_DB_ALIAS).active().filter(user=user)
                          .select_related("unit", "unit__level"))
            cache.set(key, cached, SHARED_SECONDS)
        user._portal_memberships = cached
    return cached


def forget_memberships(user):
    """Drop the per-request and the shared cache after memberships changed."""
    user.__dict__.pop("_portal_memberships", None)
    _forget_shared(user.pk)


def _shared_key(user_pk):
    return f"portal:memberships:{generations.current(GENERATION_KEY)}:{timezone.localdate().isoformat()}:{user_pk}"


def _forget_shared(user_pk):
    forget = partial(cache.delete, _shared_key(user_pk))
    forget()
    transaction.on_commit(forget)


def user_changed(sender, instance, **_signal_kwargs):
    """post_save/post_delete of a membership or a user (is_active, is_superuser…)."""
    _forget_shared(instance.user_id if sender is Membership else instance.pk)


def units_changed(**_signal_kwargs):
    """post_save/post_delete of a unit or a unit level: every entry may show it."""
    renew = partial(generations.renew, GENERATION_KEY)
    renew()
    transaction.on_commit(renew)


def roles_of(user):
    return {m.role for m in memberships_of(user)}


def is_staff_member(user):
    return bool(memberships_of(user))


def units_for_role(user, *roles):
    """Units where `user` holds one of `roles` directly (no subtree expansion)."""
    return [m.unit for m in memberships_of(user) if m.role in roles]


def units_visible_to(user, *roles):
    """Every unit the user may see, optionally only through some roles. A queryset."""
    if not getattr(user, "is_authenticated", False):
        return Unit.objects.none()
    if user.is_superuser and not roles:
        return Unit.objects.all()
    memberships = [m for m in memberships_of(user) if not roles or m.role in roles]
    direct = [m.unit.pk for m in memberships if m.role not in SUBTREE_ROLES]
    subtree = [m.unit for m in memberships if m.role in SUBTREE_ROLES]
    if not direct and not subtree:
        return Unit.objects.none()
    qs = Unit.objects.subtree_of(*subtree) if subtree else Unit.objects.none()
    if direct:
        qs = qs | Unit.objects.filter(pk__in=direct)
    return qs.distinct()


def can_see_unit(user, unit, *roles):
    return units_visible_to(user, *roles).filter(pk=unit.pk).exists()


def has_role(user, *roles, unit=None):
    """True if `user` holds one of `roles`; with `unit`, in that unit (or above it for
    subtree roles)."""
    if unit is None:
        return bool(roles_of(user) & set(roles))
    for m in memberships_of(user):
        if m.role not in roles:
            continue
        if m.unit_id == unit.pk or (m.role in SUBTREE_ROLES and unit.path.startswith(m.unit.path)):
            return True
    return False


def get_visible_unit_or_404(user, *roles, **lookup):
    try:
        return units_visible_to(user, *roles).get(**lookup)
    except Unit.DoesNotExist:
        raise Http404 from None


def role_required(*roles):
    """View decorator: anonymous users go to the login page, users without the role get 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not (roles_of(request.user) & set(roles)):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.required_roles = roles
        return wrapped

    return decorator


def staff_required(view):
    return role_required(*STAFF_ROLES)(view)


# Where each role lands after login, in order of precedence for users holding several.
HOME_BY_ROLE = [
    (Role.CLERK, "dossiers:counter"),
    (Role.OFFICER, "workflow:inbox"),
    (Role.LEADER, "workflow:inbox"),
    (Role.SUPERVISOR, "workflow:overview"),
    (Role.EDITOR, "procedures:manage"),
    (Role.AUDITOR, "read_audit"),
]
CITIZEN_HOME = "citizens:my_dossiers"


def home_url_name(user):
    roles = roles_of(user)
    for role, url_name in HOME_BY_ROLE:
        if role in roles:
            return url_name
    return CITIZEN_HOME


def navigation_for(user):
    """The staff menu: one entry per distinct home the user's roles give access to."""
    roles = roles_of(user)
    seen, items = set(), []
    for role, url_name in HOME_BY_ROLE:
        if role in roles and url_name not in seen:
            seen.add(url_name)
            items.append(url_name)
    return items


def may_manage_signing(user):
    """Unit certificates, their keys and the trust list: the portal's administrators
    (superusers) only — a key lets its holder sign in a unit's name."""
    return user.is_authenticated and user.is_superuser


def may_manage_api_clients(user):
    """Connected systems and their keys (issue 17): the portal's administrators only — a key
    lets a system act in a unit's name."""
    return user.is_authenticated and user.is_superuser


def _admin_required(may):
    """View decorator: anonymous users go to the login page, users `may` refuses get 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not may(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


signing_admin_required = _admin_required(may_manage_signing)

api_admin_required = _admin_required(may_manage_api_clients)


def may_read_audit(user):
    """The read audit log: auditors (their unit and below, portal.audit.read_accesses_visible_to)
    and the portal's administrators."""
    return user.is_authenticated and (user.is_superuser or Role.AUDITOR in roles_of(user))


audit_reader_required = _admin_required(may_read_audit)
