"""Reads of the citizens app, already scoped to the requesting user. A citizen only ever
reaches their own dossiers, drafts, files and payments: anything else is a 404."""

from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.utils import timezone

from dossiers.models import Dossier, DossierFile, Status
from dossiers.selectors import own_dossiers
from portal.models import Role, Unit
from portal.permissions import units_visible_to
from procedures.models import ProcedureVersion

from .models import Feedback, OnlineDraft, Payment, Rating

# What a row of "my dossiers" shows (and orders by): the dossier model has 50 columns.
MY_ROW_FIELDS = ("code", "status", "due_at", "submitted_at", "procedure__name")


def my_dossiers(user):
    """The user's own dossiers as applicant-account holder, with what their list shows (a
    staff member who is also a citizen sees only their own here, not their unit's)."""
    return (own_dossiers(user).select_related("procedure").only(*MY_ROW_FIELDS)
            .annotate(has_rating=Exists(Rating.objects.filter(dossier=OuterRef("pk"))))
            .order_by("-submitted_at", "-pk"))


def my_dossier(*, user, code):
    try:
        return own_dossiers(user).select_related("procedure", "procedure_version", "receiving_unit").get(code=code)
    except Dossier.DoesNotExist:
        raise Http404 from None


def my_drafts(user):
    return (OnlineDraft.objects.filter(citizen=user, state=OnlineDraft.State.OPEN)
            .select_related("version", "version__procedure").order_by("-updated_at"))


def my_draft(*, user, pk):
    draft = (OnlineDraft.objects.filter(citizen=user, pk=pk)
             .select_related("version", "version__procedure", "unit", "dossier").first())
    if draft is None:
        raise Http404
    return draft


def wallet_files(user):
    """The citizen's document wallet: component files of their own dossiers, and results
    issued to them once returned. Each row knows its dossier, so the page shows the source."""
    return (
        DossierFile.objects.filter(dossier__citizen=user)
        .filter(Q(kind=DossierFile.Kind.COMPONENT) | Q(kind=DossierFile.Kind.RESULT, dossier__status=Status.RETURNED))
        .select_related("dossier", "dossier__procedure", "component")
        .order_by("-uploaded_at", "-pk")
    )


def wallet_file(*, user, pk):
    found = wallet_files(user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def online_version(national_code):
    version = (ProcedureVersion.objects.in_force().filter(procedure__national_code=national_code)
               .select_related("procedure", "authority_level").first())
    if version is None or not version.accepts_online:
        raise Http404
    return version


def receiving_units_for(version):
    """Where an online dossier of `version` may be sent: its receiving units, or else every
    unit in force of the levels that implement it (the citizen picks their commune)."""
    units = list(version.receiving_units.active().order_by("name"))
    if units:
        return units
    if version.authority_level_id:
        levels = [version.authority_level_id, *version.other_levels.values_list("pk", flat=True)]
        return list(Unit.objects.active().filter(level__in=levels).order_by("level__tier", "name"))
    return []


def payments_of(*, user, dossier):
    return Payment.objects.filter(dossier=dossier, dossier__citizen=user).order_by("-created_at")


def my_payment(*, user, reference):
    payment = Payment.objects.filter(reference=reference, dossier__citizen=user).select_related(
        "dossier", "dossier__procedure", "dossier__receiving_unit", "recorded_by").first()
    if payment is None:
        raise Http404
    return payment


def feedback_for_supervisor(user):
    """Feedback about units the supervisor oversees, and feedback naming no unit (the
    province-level centre classifies it)."""
    units = units_visible_to(user, Role.SUPERVISOR).values("pk")
    return Feedback.objects.filter(Q(unit__in=units) | Q(unit__isnull=True)).select_related("unit", "answered_by")


def feedback_overdue(queryset):
    return queryset.filter(answered_at__isnull=True, due_at__lt=timezone.now())


def wallet_list(user, *, limit=200):
    """The wallet as shown: one row per distinct content (a document reused in several
    dossiers is stored once per dossier but listed once, newest first)."""
    rows, seen = [], set()
    for item in wallet_files(user)[: limit * 3]:
        if item.sha256 in seen:
            continue
        seen.add(item.sha256)
        rows.append(item)
        if len(rows) == limit:
            break
    return rows
