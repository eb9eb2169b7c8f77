"""The public lookup page, kept per URL for visitors without a session.

The lookup is the busiest public page: citizens come back to it, and scan the QR code of their
receipt, many times over the life of a dossier. What it shows changes only with the dossier
(every transition saves the dossier and appends an event), so a rendered page is kept together
with the dossier's stamp (its `updated_at` and the id of its last event) and served again for
as long as one indexed query finds the same stamp.

- Only pages that show a dossier are kept; a wrong code or check digits always goes through
  the check (and the rate limit, which runs before any of this).
- The key is the language, the code and the lookup secret (the form is POSTed, issue 19): a
  kept page is only ever served to someone who typed the same code and secret, and only once
  the code's lock was checked (dossiers/views.py).
- Only for visitors without a session or pending messages: nobody signed in (the header shows
  the user) and no message waiting to be shown.
- The CSRF token of the header's forms is put in when the page is served, never kept.
- The timeout bounds what no stamp covers (a unit or a procedure renamed).
"""

import hashlib
from functools import cache as once

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.utils import translation

from .models import Dossier, DossierEvent

TIMEOUT = 600
# Rendered in place of the CSRF token and replaced by the visitor's own when served.
TOKEN_PLACEHOLDER = "csrf-token-of-the-lookup-visitor-5d0c2f9a"


def usable(request):
    """Whether this request may be served a kept page (and its page kept)."""
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and CookieStorage.cookie_name not in cookies


def _key(code, secret):
    raw = f"{translation.get_language()}\n{code}\n{secret}"
    return "dossiers:lookup:" + hashlib.sha256(raw.encode()).hexdigest()


@once
def _stamp_sql():
    # One statement through the unique index on code; written out because it runs on every
    # lookup and the ORM would spend longer building it than PostgreSQL spends running it.
    quote = connection.ops.quote_name
    dossier, event = Dossier._meta, DossierEvent._meta
    return (
        f"SELECT d.{quote(dossier.get_field('updated_at').column)}, "
        f"(SELECT MAX(e.{quote(event.pk.column)}) FROM {quote(event.db_table)} e "
        f"WHERE e.{quote(event.get_field('dossier').column)} = d.{quote(dossier.pk.column)}) "
        f"FROM {quote(dossier.db_table)} d WHERE d.{quote(dossier.get_field('code').column)} = %s"
    )


def stamp(code):
    """What changes whenever the lookup page of the dossier `code` would: None if no such dossier."""
    with connection.cursor() as cursor:
        cursor.execute(_stamp_sql(), [code])
        row = cursor.fetchone()
    return None if row is None else tuple(row)


def _served(request, html):
    return HttpResponse(html.replace(TOKEN_PLACEHOLDER, get_token(request)))


def kept_page(request, code, secret):
    """(response, stamp): the kept page of this URL if the dossier has not changed since it was
    rendered (else None), and the dossier's current stamp, to keep the page rendered next."""
    current = stamp(code)
    if current is None:
        return None, None
    kept = cache.get(_key(code, secret))
    if kept is not None and kept[0] == current:
        return _served(request, kept[1]), current
    return None, current


def render_and_keep(request, template, context, current, secret):
    """Render the lookup page with a placeholder for the CSRF token, keep it under the stamp
    read before the dossier was (a change in between only makes the next request render
    again), and serve it with the visitor's token."""
    response = render(request, template, {**context, "csrf_token": TOKEN_PLACEHOLDER})
    html = response.content.decode()
    cache.set(_key(context["dossier"].code, secret), (current, html), TIMEOUT)
    return _served(request, html)
