"""Reads of dossiers, always scoped to the requesting user. Views never use Dossier.objects."""

import hashlib
from datetime import timedelta

from django.core.cache import cache
from django.db import connection
from django.db.models import CharField, Count, Exists, F, OuterRef, Q, Value
from django.db.models.functions import Concat, Lower
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from portal.models import Role
from portal.permissions import units_visible_to
from portal.selectors import units_of_user
from portal.signatures.verification import pdf_verify
from procedures import catalogue_cache
from procedures.models import ProcedureVersion
from procedures.selectors import Unaccent
from procedures.text import nfc, query_words

from .models import CounterSlip, Declaration, Dossier, DossierFile, normalise_lookup_secret


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
    if unit is None or unit not in units_of_user(user=user):
        return Dossier.objects.none()
    return Dossier.objects.filter(receiving_unit=unit).select_related("procedure").only(*TABLE_FIELDS)


def counter_search(base, query):
    """The counter's search over `base` (already scoped): the exact code, the exact personal
    ID, or the applicant's name with accents and case ignored, each query word the start of a
    word of the name, in any order —
    "nguyen van an" finds "Nguyễn Văn An". The same `portal_unaccent` function as the
    catalogue search (procedures/selectors.py); SQLite has no such function, so there the name
    only matches ignoring case."""
    query = nfc(query).strip()
    if not query:
        return base.none()
    # The answers of electronic declarations are searchable too (the child's or a party's name).
    exact = (Q(code__iexact=query) | Q(applicant_personal_id=query)
             | Exists(Declaration.objects.filter(dossier=OuterRef("pk"), search_text__icontains=query)))
    words = query_words(query)
    if not words:
        return base.filter(exact)
    if connection.vendor == "postgresql":
        name = Q()
        for word in words:
            name &= Q(_name_key__contains=" " + word)
        # A leading space so each query word matches the start of a word of the name: "an"
        # finds "An" and "Anh", not the "an" inside "Văn".
        key = Concat(Value(" "), Lower(Unaccent(F("applicant_name"))), output_field=CharField())
        return base.annotate(_name_key=key).filter(exact | name)
    return base.filter(exact | Q(applicant_name__icontains=query))


LOOKUP_FIELDS = ("code", "status", "applicant_name", "lookup_pin", "received_at", "due_at",
                 "finished_at", "returned_at", "procedure_version__name", "receiving_unit__name")


def public_lookup(*, code, secret):
    """The dossier for the public lookup page, only when `secret` is the lookup secret printed
    on its receipt (protects the page from enumeration; wrong tries lock the code, see
    dossiers/views.py track)."""
    secret = normalise_lookup_secret(secret)
    if len(secret) < 6:
        return None
    # Only what the lookup page shows (and checks), unordered: the code is unique. The busiest
    # public page; the ORM's work on ordering and 90 columns was half of its query time.
    found = list(
        Dossier.objects.select_related("procedure_version", "receiving_unit")
        .only(*LOOKUP_FIELDS)
        .filter(code=code.strip().upper())
        .order_by()[:1]
    )
    if not found or not found[0].lookup_pin:
        return None
    dossier = found[0]
    return dossier if constant_time_compare(dossier.lookup_pin, secret) else None


def counter_slips_visible_to(user):
    """Forms 02 and 03 issued at the counters where `user` is a clerk (they hold personal data:
    no oversight from above, no other role)."""
    return CounterSlip.objects.filter(unit__in=units_visible_to(user, Role.CLERK).values("pk")).select_related(
        "unit", "clerk", "procedure_version", "procedure_version__procedure"
    )


def result_check(data: bytes):
    """The public "check a result": the signatures of an uploaded PDF, and which dossier's
    result it is when it is byte for byte a result file kept by the portal. Returns (check,
    dossier code or "", procedure name or ""): nothing about the applicant."""
    check = pdf_verify(data)
    digest = hashlib.sha256(data).hexdigest()
    stored = (DossierFile.objects.filter(kind=DossierFile.Kind.RESULT, sha256=digest, signed_by_portal=True)
              .select_related("dossier__procedure_version").first())
    if stored is None or not check.signed_by_portal:
        return check, "", ""
    return check, stored.dossier.code, stored.dossier.procedure_version.name


MOST_REQUESTED_DAYS = 90
MOST_REQUESTED_TIMEOUT = 3600


def most_requested_procedures(*, limit=6):
    """The public home page's shortcuts (issue 20: a first-time citizen reaches the procedure
    page in one tap): the procedures in force with the most dossiers received in the last 90
    days, then those that can be filed online, as (national_code, name, online_level). Public
    data only, kept an hour under the catalogue's generation and the day."""
    key = f"dossiers:most-requested:{catalogue_cache.generation()}:{timezone.localdate().isoformat()}:{limit}"
    found = cache.get(key)
    if found is not None:
        return found
    since = timezone.now() - timedelta(days=MOST_REQUESTED_DAYS)
    counts = dict(Dossier.objects.filter(received_at__gte=since).values_list("procedure")
                  .annotate(n=Count("id")).order_by("-n")[:limit * 3])
    in_force = (ProcedureVersion.objects.in_force().select_related("procedure")
                .only("name", "online_level", "procedure__national_code"))
    requested = sorted(in_force.filter(procedure__in=list(counts)),
                       key=lambda v: (-counts[v.procedure_id], -v.online_level, v.name))
    online = in_force.filter(online_level__gte=3).exclude(procedure__in=list(counts)).order_by(
        "-online_level", "procedure__name")[:limit]
    found, seen = [], set()
    for version in [*requested, *online]:
        if version.procedure_id not in seen:
            seen.add(version.procedure_id)
            found.append((version.procedure.national_code, version.name, version.online_level))
    found = found[:limit]
    cache.set(key, found, MOST_REQUESTED_TIMEOUT)
    return found
