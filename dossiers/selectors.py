"""Reads of dossiers, always scoped to the requesting user. Views never use Dossier.objects."""

from django.apps import apps
from django.db.models import Exists, OuterRef, Q

from portal.permissions import STAFF_ROLES, has_role, is_staff_member, units_visible_to

from .models import Dossier


def dossiers_visible_to(user):
    """Staff: dossiers received by, now at, or handled at some step by a unit they may see
    (one identity across levels: the receiving counter keeps seeing a dossier sent up, and a
    higher level sees it once it arrives). Citizens: their own."""
    if not getattr(user, "is_authenticated", False):
        return Dossier.objects.none()
    if user.is_superuser:
        return Dossier.objects.all()
    if is_staff_member(user):
        units = units_visible_to(user).values("pk")
        # workflow.Handoff, looked up by name: dossiers/ must not import workflow/.
        handoff = apps.get_model("workflow", "Handoff")
        handled = handoff.objects.filter(dossier=OuterRef("pk"), unit__in=units).exclude(state="pending")
        return Dossier.objects.filter(Q(receiving_unit__in=units) | Q(current_unit__in=units) | Exists(handled))
    return Dossier.objects.filter(citizen=user)


def own_dossiers(user):
    """The dossiers of `user` as the applicant's account holder, whatever units they work in:
    a staff member who also applies for something sees their own applications, and only those,
    in "my dossiers"."""
    if not getattr(user, "is_authenticated", False):
        return Dossier.objects.none()
    return Dossier.objects.filter(citizen=user)


# What a row of dossiers/_table.html shows (status and due date also make the overdue badge).
TABLE_FIELDS = ("code", "is_priority", "applicant_name", "received_at", "due_at", "status", "submitted_at",
                "procedure__name")


def counter_dossiers(*, user, unit):
    """The dossiers received at `unit`'s counter, for a staff member of that unit (they see
    every one of them), with only what the counter's tables show. Without the visibility
    OR-filter of dossiers_visible_to, which is redundant here and was most of each query."""
    from portal.selectors import units_of_user

    if unit is None or unit not in units_of_user(user=user):
        return Dossier.objects.none()
    return Dossier.objects.filter(receiving_unit=unit).select_related("procedure").only(*TABLE_FIELDS)


def dossier_for_user(*, user, code):
    """The dossier with `code` if the user may see it, else Dossier.DoesNotExist (-> 404).

    The same rule as dossiers_visible_to, decided for one dossier: read it by its code, then
    its receiving and current units are checked against the user's memberships in Python
    (already loaded for the request), and only when neither is in scope the steps handled
    elsewhere are looked up. On the dossier page the visibility filter was a quarter of the
    time (the OR and EXISTS built by the ORM for a query that reads one row)."""
    if not getattr(user, "is_authenticated", False):
        raise Dossier.DoesNotExist
    dossiers = Dossier.objects.select_related("procedure", "procedure_version", "receiving_unit", "current_unit",
                                              "received_by")
    if user.is_superuser:
        return dossiers.get(code=code)
    if not is_staff_member(user):
        return dossiers.get(code=code, citizen=user)
    dossier = dossiers.get(code=code)
    if any(unit is not None and has_role(user, *STAFF_ROLES, unit=unit)
           for unit in (dossier.receiving_unit, dossier.current_unit)):
        return dossier
    handoff = apps.get_model("workflow", "Handoff")
    if handoff.objects.filter(dossier=dossier, unit__in=units_visible_to(user).values("pk")).exclude(
            state="pending").exists():
        return dossier
    raise Dossier.DoesNotExist


LOOKUP_FIELDS = ("code", "status", "applicant_name", "applicant_phone", "lookup_pin", "received_at", "due_at",
                 "finished_at", "returned_at", "procedure_version__name", "receiving_unit__name")


def public_lookup(*, code, secret):
    """The dossier for the public lookup page, only when `secret` is its 6-digit PIN or the
    last 4 digits of the applicant's phone (protects the page from enumeration)."""
    secret = "".join(ch for ch in (secret or "") if ch.isdigit())
    if len(secret) not in (4, 6):
        return None
    # Only what the lookup page shows (and checks), unordered: the code is unique. The busiest
    # public page; the ORM's work on ordering and 90 columns was half of its query time.
    found = list(
        Dossier.objects.select_related("procedure_version", "receiving_unit")
        .only(*LOOKUP_FIELDS)
        .filter(code=code.strip().upper())
        .order_by()[:1]
    )
    if not found:
        return None
    dossier = found[0]
    phone_ok = len(secret) == 4 and len(dossier.applicant_phone) >= 4 and dossier.applicant_phone[-4:] == secret
    pin_ok = len(secret) == 6 and dossier.lookup_pin == secret
    return dossier if (phone_ok or pin_ok) else None


APPLICANT_FIELDS = ["applicant_name", "applicant_birth_date", "applicant_address", "applicant_phone",
                    "applicant_email"]


def known_applicant(*, user, personal_id):
    """What the system already knows about a personal ID number, for pre-filling a form:
    the citizen's own account first, then the latest dossier the user may see."""
    from portal.models import User

    citizen = User.objects.filter(personal_id=personal_id, is_active=True).first()
    latest = (
        dossiers_visible_to(user).filter(applicant_personal_id=personal_id).order_by("-received_at")
        .values(*APPLICANT_FIELDS).first()
    )
    if citizen is None and latest is None:
        return None
    data = dict(latest or {})
    if citizen is not None:
        data.update({k: v for k, v in {
            "applicant_name": citizen.get_full_name() if citizen.full_name else "",
            "applicant_phone": citizen.phone, "applicant_email": citizen.email,
        }.items() if v})
    return data


def counter_slips_visible_to(user):
    from portal.permissions import units_visible_to

    from .models import CounterSlip

    return CounterSlip.objects.filter(unit__in=units_visible_to(user).values("pk")).select_related(
        "unit", "clerk", "procedure_version", "procedure_version__procedure"
    )
