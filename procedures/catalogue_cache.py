"""The public catalogue's filters and results, cached per query.

The catalogue is the portal's most visited page and changes only when editors publish: its
content block is rendered once per (language, day, query) and kept until the catalogue
changes. Any save or delete of what the listing shows (procedures, versions and their
receiving or implementing units, fields, units, levels), the daily retirement of superseded
versions and every import apply move a generation number, which is part of every key; the day
is part too, because versions come into force at midnight. The timeout only bounds memory.
"""

import hashlib
import uuid

from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone, translation

from portal.models import Unit, UnitLevel
from procedures.models import ComponentRequirement, Field, Procedure, ProcedureMethod, ProcedureVersion

GENERATION_KEY = "procedures:catalogue:generation"
TIMEOUT = 600
# The parameters that select content (anything else in the URL is ignored, as by the view).
PARAMS = ("q", "field", "level", "unit", "online_level", "page")


def generation():
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, None)
        value = cache.get(GENERATION_KEY)
    return value


def catalogue_changed(**_signal_kwargs):
    """Forget every cached catalogue page (a signal receiver, also called after bulk writes)."""
    cache.set(GENERATION_KEY, uuid.uuid4().hex, None)


def content_key(params):
    """The key of the content for these GET parameters (a QueryDict: its last value of each
    name, as the form reads it)."""
    selected = [(name, params.get(name, "")) for name in PARAMS]
    raw = repr((translation.get_language(), timezone.localdate().isoformat(), generation(), selected))
    return "procedures:catalogue:" + hashlib.sha256(raw.encode()).hexdigest()


def connect():
    for model in (Procedure, ProcedureVersion, Field, Unit, UnitLevel, ProcedureMethod, ComponentRequirement):
        post_save.connect(catalogue_changed, sender=model, dispatch_uid=f"catalogue-{model.__name__}-save")
        post_delete.connect(catalogue_changed, sender=model, dispatch_uid=f"catalogue-{model.__name__}-delete")
    for through in (ProcedureVersion.receiving_units.through, ProcedureVersion.implementing_units.through):
        m2m_changed.connect(catalogue_changed, sender=through, dispatch_uid=f"catalogue-{through.__name__}")
