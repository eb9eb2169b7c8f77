"""Reads of counter reception, scoped to the clerk."""

from django.db.models import Q

from dossiers.models import StagedUpload
from portal.models import User
from procedures.models import ProcedureVersion
from procedures.selectors import public_versions
from workflow.policies import dossiers_visible_to

APPLICANT_FIELDS = ["applicant_name", "applicant_birth_date", "applicant_address", "applicant_phone",
                    "applicant_email"]


def _received_at(unit):
    return Q(receiving_units=unit) | Q(receiving_units__isnull=True)


def receivable_versions(*, unit, query):
    """Published versions matching `query` that this counter receives (listed as a receiving
    unit, or no list): the procedure picker, 30 at most."""
    return public_versions(query=query).filter(_received_at(unit)).distinct()[:30]


def version_for_counter(*, unit, national_code):
    """The version of the procedure in force that this counter receives, with its checklist,
    methods and fees; ProcedureVersion.DoesNotExist when there is none (→ 404)."""
    version = (
        ProcedureVersion.objects.in_force()
        .filter(procedure__national_code=national_code)
        .filter(_received_at(unit))
        .select_related("procedure")
        .prefetch_related("components", "methods", "fees")
        .first()
    )
    if version is None:
        raise ProcedureVersion.DoesNotExist
    return version


def staged_uploads(*, token, user):
    """The scans this clerk uploaded on the reception form with `token`, by requirement pk."""
    staged = {}
    for item in StagedUpload.objects.filter(token=token, user=user):
        staged.setdefault(item.requirement_id, []).append(item)
    return staged


def known_applicant(*, user, personal_id):
    """What the system already knows about a personal ID number, for pre-filling a form:
    the citizen's own account first, then the latest dossier the user may see."""
    citizen = User.objects.filter(personal_id=personal_id, is_active=True).select_related("citizen_profile").first()
    latest = (
        dossiers_visible_to(user).filter(applicant_personal_id=personal_id).order_by("-received_at")
        .values(*APPLICANT_FIELDS).first()
    )
    if citizen is None and latest is None:
        return None
    data = dict(latest or {})
    if citizen is not None:
        # Issue 19: an account's phone and e-mail are typed by whoever signed up, perhaps not
        # the ID number's owner; only verified ones may pre-fill (a clerk could otherwise send
        # the owner's notices to a squatter).
        profile = getattr(citizen, "citizen_profile", None)
        data.update({k: v for k, v in {
            "applicant_name": citizen.get_full_name() if citizen.full_name else "",
            "applicant_phone": citizen.phone if profile is not None and profile.phone_verified_at else "",
            "applicant_email": citizen.email if profile is not None and profile.email_verified_at else "",
        }.items() if v})
    return data


def citizen_account(personal_id):
    """The active citizen account holding `personal_id` (pre-fills declarations), or None."""
    personal_id = "".join(ch for ch in personal_id or "" if ch.isdigit())
    if len(personal_id) != 12:
        return None
    return User.objects.filter(personal_id=personal_id, is_active=True).select_related("citizen_profile").first()
