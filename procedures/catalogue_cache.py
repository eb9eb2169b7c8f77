"""The public catalogue's filters and results, cached per query.

The catalogue is the portal's most visited page and changes only when editors publish: its
content block is rendered once per (language, day, query) and kept until the catalogue
changes. Any save or delete of what the listing shows (procedures, versions and their
receiving or implementing units, fields, units, levels, methods, fees), the daily retirement of
superseded versions and every import apply move a generation number, which is part of every
key; the day is part too, because versions come into force at midnight. The timeout only
bounds memory. A version's methods, fees and components, read by the dossier pages, are kept
under the same generation (prefetch_version_parts).
"""

import hashlib

from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone, translation

from portal import generations
from portal.models import Unit, UnitLevel
from portal.prefetched import set_prefetched
from procedures.models import ComponentRequirement, Fee, Field, Procedure, ProcedureMethod, ProcedureVersion

GENERATION_KEY = "procedures:catalogue:generation"
TIMEOUT = 600
# The parameters that select content (anything else in the URL is ignored, as by the view).
PARAMS = ("q", "field", "level", "unit", "online_level", "page")


def generation():
    return generations.current(GENERATION_KEY)


def catalogue_changed(**_signal_kwargs):
    """Forget every cached catalogue page (a signal receiver, also called after bulk writes)."""
    generations.renew(GENERATION_KEY)


def content_key(params):
    """The key of the content for these GET parameters (a QueryDict: its last value of each
    name, as the form reads it)."""
    selected = [(name, params.get(name, "")) for name in PARAMS]
    raw = repr((translation.get_language(), timezone.localdate().isoformat(), generation(), selected))
    return "procedures:catalogue:" + hashlib.sha256(raw.encode()).hexdigest()


def prefetch_version_parts(version):
    """The version's methods, fees and components (processing times, charges and the checklist,
    read by the dossier pages), from the shared cache under the catalogue's generation:
    `version.methods.all()`, `.fees.all()` and `.components.all()` then run no query. Three
    queries on a miss."""
    key = f"procedures:version-parts:{generation()}:{version.pk}"
    parts = cache.get(key)
    if parts is None:
        parts = (list(ProcedureMethod.objects.filter(version_id=version.pk)),
                 list(Fee.objects.filter(version_id=version.pk)),
                 list(ComponentRequirement.objects.filter(version_id=version.pk)))
        cache.set(key, parts, TIMEOUT)
    for relation, rows in zip(("methods", "fees", "components"), parts, strict=True):
        set_prefetched(version, relation, rows)


def connect():
    for model in (Procedure, ProcedureVersion, Field, Unit, UnitLevel, ProcedureMethod, ComponentRequirement, Fee):
        post_save.connect(catalogue_changed, sender=model, dispatch_uid=f"catalogue-{model.__name__}-save")
        post_delete.connect(catalogue_changed, sender=model, dispatch_uid=f"catalogue-{model.__name__}-delete")
    for through in (ProcedureVersion.receiving_units.through, ProcedureVersion.implementing_units.through):
        m2m_changed.connect(catalogue_changed, sender=through, dispatch_uid=f"catalogue-{through.__name__}")
