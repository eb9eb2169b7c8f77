"""The read audit log (issue 19, item 2): who read which personal data, from where, allowed or
refused. Rows are written by `audited_read` around the views that show or hand out personal
data, and never changed (portal.models.ReadAccess: a trigger refuses UPDATE and DELETE).

Retention: `READ_AUDIT_RETENTION_MONTHS` (default and minimum 12, security level 3). The purge
goes through the SQL function `portal_read_access_purge(months)`, the only path the trigger
lets a DELETE through: it sets a transaction-local flag the trigger honours, and the trigger
still refuses any row younger than 12 months. A dedicated function rather than a session
setting the application sets itself: the rule (what may go, and when) lives in the database,
next to the trigger, and a bug or a stolen application account cannot shorten the retention.
"""

import datetime
from functools import wraps

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Count, Max, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .clientip import client_ip
from .models import ReadAccess, Role
from .permissions import memberships_of, units_visible_to

# When a reader holds several roles, the one recorded: the one closest to dossiers first.
ROLE_ORDER = (Role.CLERK, Role.OFFICER, Role.LEADER, Role.SUPERVISOR, Role.AUDITOR, Role.EDITOR)
CITIZEN, ADMIN = "citizen", "admin"


def reader_role(user, *, dossier=None):
    """(role, unit) of `user` for the log: the membership in the dossier's receiving or current
    unit when there is one, else the first by ROLE_ORDER; citizens and administrators have no unit."""
    memberships = sorted(memberships_of(user), key=lambda m: ROLE_ORDER.index(m.role))
    if dossier is not None:
        here = {dossier.receiving_unit_id, dossier.current_unit_id}
        memberships = sorted(memberships, key=lambda m: m.unit_id not in here)
    if memberships:
        return memberships[0].role, memberships[0].unit
    return (ADMIN if user.is_superuser else CITIZEN), None


def read_record(request, *, action, allowed, target="", dossier=None):
    """Write one row: the reader (from the request), what they read or tried to read."""
    user = request.user if request.user.is_authenticated else None
    role, unit = reader_role(user, dossier=dossier) if user is not None else ("", None)
    ip = client_ip(request) or None
    return ReadAccess.objects.create(
        user=user, username=user.get_username() if user else "", role=role, unit=unit, action=action,
        target=str(target)[:200], dossier_pk=dossier.pk if dossier is not None else None,
        dossier_unit_id=dossier.receiving_unit_id if dossier is not None else None,
        path=request.path[:300], ip=ip, allowed=allowed)


def audit_subject(request, *, dossier=None, target=None):
    """Tell `audited_read` which dossier (and object) the view served, once it has checked access."""
    request.audit_dossier = dossier
    if target is not None:
        request.audit_target = target


def audited_read(action, *, when=None):
    """View decorator: a row for every answer of the view, allowed (a 200) or refused (404 or
    403, the refusals of the policy). `when(request)` limits it to some requests (an export
    format asked for). Put it outside `role_required` so a missing role is logged too; an
    anonymous visitor sent to the sign-in page is not a read."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if when is not None and not when(request):
                return view(request, *args, **kwargs)
            target = " ".join(str(value) for value in kwargs.values())
            try:
                response = view(request, *args, **kwargs)
            except (Http404, PermissionDenied):
                if request.user.is_authenticated:
                    read_record(request, action=action, allowed=False, target=target)
                raise
            if response.status_code == 200:
                read_record(request, action=action, allowed=True, target=getattr(request, "audit_target", target),
                            dossier=getattr(request, "audit_dossier", None))
            return response

        return wrapped

    return decorator


# --- reading the log ----------------------------------------------------------------------------


def read_accesses_visible_to(user):
    """The rows an auditor may search: readers of their unit and the units below it, and reads
    of dossiers those units received. Superusers see every row; anyone else none."""
    if not getattr(user, "is_authenticated", False):
        return ReadAccess.objects.none()
    qs = ReadAccess.objects.select_related("unit")
    if user.is_superuser:
        return qs
    if not any(m.role == Role.AUDITOR for m in memberships_of(user)):
        return ReadAccess.objects.none()
    units = units_visible_to(user, Role.AUDITOR).values("pk")
    return qs.filter(Q(unit__in=units) | Q(dossier_unit__in=units))


def dossier_readers(dossier, *, limit=20):
    """For the citizen's page, "who opened my dossier": staff reads that were allowed, as units
    and roles (never the staff's names), the latest first, one query."""
    return list(
        ReadAccess.objects.filter(dossier_pk=dossier.pk, allowed=True).exclude(role__in=(CITIZEN, ""))
        .exclude(user_id=dossier.citizen_id)
        .values("unit__name", "role").annotate(last=Max("at"), times=Count("id")).order_by("-last")[:limit])


ROLE_LABELS = {**dict(Role.choices), CITIZEN: _("Công dân"), ADMIN: _("Quản trị hệ thống")}


def role_label(value):
    return ROLE_LABELS.get(value, value)


# --- retention ----------------------------------------------------------------------------------


def read_accesses_purge(*, months=None):
    """Delete the rows older than the retention (never less than 12 months); returns how many."""
    months = max(12, months or getattr(settings, "READ_AUDIT_RETENTION_MONTHS", 12))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT portal_read_access_purge(%s)", [months])
            return cursor.fetchone()[0]
    cutoff = timezone.now() - datetime.timedelta(days=31 * months)
    return ReadAccess.objects.filter(at__lt=cutoff).delete()[0]
