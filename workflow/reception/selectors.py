"""Reads of counter reception, scoped to the clerk."""

from portal.models import User
from workflow.policies import dossiers_visible_to

APPLICANT_FIELDS = ["applicant_name", "applicant_birth_date", "applicant_address", "applicant_phone",
                    "applicant_email"]


def known_applicant(*, user, personal_id):
    """What the system already knows about a personal ID number, for pre-filling a form:
    the citizen's own account first, then the latest dossier the user may see."""
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


