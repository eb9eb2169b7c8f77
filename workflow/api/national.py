"""The national public-service portal adapter (Cổng Dịch vụ công quốc gia).

Its protocol is not public here, so the adapter is an interface (`NationalPortalAdapter`) with
one implementation against the JSON contract documented in docs/api.md: `JsonHttpAdapter`.
NATIONAL_PORTAL_ADAPTER names the class to use.

- push: every status change is an outbox row (workflow/api/outbound.py) that the outbox
  delivers through `adapter.push_status`, in order per dossier, retried with backoff;
- pull: `national_pull` fetches the dossiers submitted on the national portal and submits each
  here as an online submission (`dossier_submit_online`), once per national id."""

import base64
import binascii

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils.dateparse import parse_datetime
from django.utils.module_loading import import_string

from dossiers.models import Delivery
from dossiers.services import dossier_submit_online
from portal.models import Unit, User
from procedures.models import ProcedureVersion
from workflow.notifications import channels

from .models import NationalPull, NationalSubmission

SYSTEM_USERNAME = "national-portal"


class NationalPortalAdapter:
    """What the portal needs from the national portal."""

    def push_status(self, *, url: str, body: bytes, headers: dict):
        """Deliver one status change (the contract's JSON, signed by the outbox) to `url`; raise
        channels.TemporaryFailure or channels.PermanentFailure when it was not accepted."""
        raise NotImplementedError

    def fetch_submissions(self) -> list:
        """The dossiers submitted on the national portal not yet acknowledged, as dicts of the
        contract's `submission` shape."""
        raise NotImplementedError


class JsonHttpAdapter(NationalPortalAdapter):
    """POST {NATIONAL_PORTAL_URL} (the address kept on each outbox row), GET
    {NATIONAL_PORTAL_URL}/submissions; bearer token and HMAC signature as in docs/api.md."""

    def push_status(self, *, url, body, headers):
        if settings.NATIONAL_PORTAL_TOKEN:
            headers = {**headers, "Authorization": f"Bearer {settings.NATIONAL_PORTAL_TOKEN}"}
        return channels.post_json(url=url, body=body, headers=headers)

    def fetch_submissions(self):
        import requests

        headers = {"Authorization": f"Bearer {settings.NATIONAL_PORTAL_TOKEN}"} if settings.NATIONAL_PORTAL_TOKEN \
            else {}
        try:
            response = requests.get(settings.NATIONAL_PORTAL_URL.rstrip("/") + "/submissions", headers=headers,
                                    timeout=settings.OUTBOUND_HTTP_TIMEOUT)
            response.raise_for_status()
            return list(response.json().get("submissions", []))
        except (requests.RequestException, ValueError, AttributeError) as exc:
            raise channels.TemporaryFailure(f"{type(exc).__name__}: {exc}") from exc


def adapter():
    return import_string(settings.NATIONAL_PORTAL_ADAPTER)()


def system_user():
    user, created = User.objects.get_or_create(username=SYSTEM_USERNAME,
                                               defaults={"full_name": "Cổng Dịch vụ công quốc gia"})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _files(component):
    for item in component.get("files", []):
        try:
            data = base64.b64decode(item.get("content_base64", ""), validate=True)
        except (binascii.Error, ValueError):
            raise ValidationError(f"file {item.get('name')!r}: not base64") from None
        yield ContentFile(data, name=str(item.get("name") or "tep"))


@transaction.atomic
def submission_create(submission, *, actor):
    """One national submission → one online dossier (ValidationError when it cannot be)."""
    version = (ProcedureVersion.objects.in_force().filter(procedure__national_code=submission.get("procedure_code"))
               .first())
    unit = Unit.objects.active().filter(code=submission.get("unit_code")).first()
    if version is None or unit is None:
        raise ValidationError("unknown procedure_code or unit_code")
    requirements = {r.name: r for r in version.components.all()}
    components, files = [], []
    for index, line in enumerate(submission.get("components", [])):
        requirement = requirements.get(line.get("name"))
        if requirement is None:
            raise ValidationError(f"component {line.get('name')!r} is not in the procedure")
        components.append({"requirement": requirement, "name": requirement.name,
                           "originals": int(line.get("originals", 1) or 0)})
        files += [(index, upload) for upload in _files(line)]
    applicant = submission.get("applicant") or {}
    fields = {"applicant_name": str(applicant.get("name", ""))[:150],
              "applicant_personal_id": str(applicant.get("personal_id", ""))[:12],
              "applicant_phone": str(applicant.get("phone", ""))[:20],
              "applicant_email": str(applicant.get("email", ""))[:254],
              "applicant_address": str(applicant.get("address", ""))[:300]}
    submitted_at = parse_datetime(str(submission.get("submitted_at", ""))) or None
    delivery = submission.get("delivery") if submission.get("delivery") in Delivery.values else Delivery.ONLINE
    return dossier_submit_online(citizen=None, actor=actor, unit=unit, version=version, applicant=fields,
                                 components=components, files=files, delivery=delivery,
                                 submitted_at=submitted_at if submitted_at and submitted_at.tzinfo else None)


def national_pull():
    """Fetch and submit the national portal's new dossiers. Safe to re-run: each national id is
    created once (`NationalSubmission`); one that cannot be created is kept with its error."""
    run = NationalPull()
    try:
        submissions = adapter().fetch_submissions()
    except channels.TemporaryFailure as exc:
        run.error = str(exc)[:2000]
        run.save()
        return run
    actor = system_user()
    run.fetched = len(submissions)
    for submission in submissions:
        national_id = str(submission.get("id", ""))[:100]
        done = NationalSubmission.objects.filter(national_id=national_id, dossier__isnull=False)
        if not national_id or done.exists():
            continue
        try:
            dossier = submission_create(submission, actor=actor)
        except (ValidationError, ValueError, TypeError) as exc:
            messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            NationalSubmission.objects.update_or_create(national_id=national_id,
                                                        defaults={"error": "; ".join(messages)[:2000]})
            run.refused += 1
            continue
        try:
            NationalSubmission.objects.update_or_create(national_id=national_id,
                                                        defaults={"dossier": dossier, "error": ""})
        except IntegrityError:
            continue
        run.created += 1
    run.save()
    return run


def last_pull():
    return NationalPull.objects.first()


def pull_refusals():
    return NationalSubmission.objects.filter(dossier__isnull=True).order_by("-pulled_at")[:50]
