"""Generations of shared-cache entries: a key holds a random value that is part of every entry's
key, so replacing it forgets every entry at once, on every process and node (the catalogue's
pages, working calendars, memberships). The value is made by whoever asks first (`add`, so two
processes agree) and kept without timeout; `renew` replaces it."""

import uuid

from django.core.cache import cache


def current(key):
    value = cache.get(key)
    if value is None:
        cache.add(key, uuid.uuid4().hex, None)
        value = cache.get(key)
    return value


def renew(key):
    cache.set(key, uuid.uuid4().hex, None)
