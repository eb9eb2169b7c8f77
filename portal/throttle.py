"""Attempts counted per account, per address and per code, with locks that grow (issue 19).

A guesser must not get around the count by changing what they type: sign-in failures are
counted under the ACCOUNT the identifier designates (username, ID number or e-mail, in any
case), and separately under the client's address (portal/clientip.py), so neither rotating
addresses nor rotating accounts gives more guesses. Every lock after the first of a day lasts
twice as long as the one before.

Counters live in the database (`portal.Throttle`), not in process memory: every web process
of every node sees the same counts and locks, and a restart forgets nothing.

    pairs = [(LOGIN_ACCOUNT, account_key(typed)), (LOGIN_IP, ip_key(request))]
    until = locked(pairs)           # refuse before checking anything when set
    until = fail(pairs, request=r)  # after a failure: the lock it led to, if any
    clear([(LOGIN_ACCOUNT, key)])   # after a success
"""

import datetime
import hashlib
import logging
import math
from dataclasses import dataclass, replace

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .clientip import client_ip
from .models import Throttle

logger = logging.getLogger("portal.security")


@dataclass(frozen=True)
class Rule:
    scope: str
    limit: int  # attempts within `window` that lead to a lock
    window: datetime.timedelta  # attempts older than this are forgotten
    lock: datetime.timedelta  # the first lock; each lock after it lasts twice as long
    max_lock: datetime.timedelta = datetime.timedelta(hours=24)
    forgive: datetime.timedelta = datetime.timedelta(hours=24)  # quiet this long: back to the first lock

    def configured(self):
        """This rule with the overrides of settings.THROTTLE_RULES[scope] (limit, window and
        lock in seconds), so a site can tune limits without a code change."""
        override = getattr(settings, "THROTTLE_RULES", {}).get(self.scope, {})
        changes = {name: (datetime.timedelta(seconds=value) if name != "limit" else value)
                   for name, value in override.items()}
        return replace(self, **changes) if changes else self


MINUTE = datetime.timedelta(minutes=1)
HOUR = datetime.timedelta(hours=1)
# Sign-in: 5 wrong passwords for one account, or 20 for any accounts from one address
# (a commune office behind one NAT address has many honest users).
LOGIN_ACCOUNT = Rule("login-account", limit=5, window=15 * MINUTE, lock=15 * MINUTE)
LOGIN_IP = Rule("login-ip", limit=20, window=15 * MINUTE, lock=15 * MINUTE)
# Password reset: every request counts (each sends an e-mail).
RESET_ACCOUNT = Rule("reset-account", limit=3, window=HOUR, lock=HOUR)
RESET_IP = Rule("reset-ip", limit=10, window=HOUR, lock=HOUR)
# Sign-up: every attempt counts, per address and per ID number / e-mail typed.
SIGNUP_IP = Rule("signup-ip", limit=10, window=HOUR, lock=HOUR)
SIGNUP_IDENTITY = Rule("signup-identity", limit=3, window=HOUR, lock=HOUR)
# Activation and reset links: wrong or used tokens, per address and per account.
LINK_IP = Rule("link-ip", limit=10, window=HOUR, lock=30 * MINUTE)
LINK_ACCOUNT = Rule("link-account", limit=5, window=HOUR, lock=30 * MINUTE)
# Public lookup: wrong secrets for one dossier code, whatever the address.
LOOKUP_CODE = Rule("lookup-code", limit=5, window=HOUR, lock=HOUR)
# Second factor: wrong TOTP or recovery codes for one account.
MFA_ACCOUNT = Rule("mfa-account", limit=5, window=15 * MINUTE, lock=15 * MINUTE)


def text_key(text):
    """A key for something typed (an e-mail, an ID number, a dossier code), case- and
    space-insensitive and hashed: the table holds no personal data in clear."""
    normalised = "".join((text or "").split()).casefold()
    return "h:" + hashlib.sha256(normalised.encode()).hexdigest()[:40]


def ip_key(request):
    return "ip:" + (client_ip(request) or "unknown")


def user_key(user):
    return f"user:{user.pk}"


def account_of(identifier):
    """The account an identifier typed on the sign-in form designates (username, ID number or
    e-mail, in any case and with stray spaces), or None when none or several do."""
    value = (identifier or "").strip()
    if not value:
        return None
    User = get_user_model()
    found = list(User.objects.filter(Q(username__iexact=value) | Q(personal_id=value) | Q(email__iexact=value))
                 .only("pk")[:2])
    return found[0] if len(found) == 1 else None


def account_key(identifier):
    """The sign-in counter key of what was typed: the account's own key when it designates one
    (so "An@Example.vn" and "an@example.vn" share one count), else the typed text's."""
    user = account_of(identifier)
    return user_key(user) if user is not None else text_key(identifier)


def _rules_and_keys(pairs):
    return [(rule.configured(), key) for rule, key in pairs if key]


def locked(pairs):
    """When the latest lock among these (rule, key) pairs ends, or None if none holds."""
    pairs = _rules_and_keys(pairs)
    if not pairs:
        return None
    now = timezone.now()
    match = Q()
    for rule, key in pairs:
        match |= Q(scope=rule.scope, key=key)
    until = Throttle.objects.filter(match, locked_until__gt=now).order_by("-locked_until").values_list(
        "locked_until", flat=True).first()
    return until


def fail(pairs, *, request=None):
    """Count one attempt under each pair; returns when the latest lock it led to ends, or None."""
    latest = None
    for rule, key in _rules_and_keys(pairs):
        until = _count(rule, key, request)
        if until is not None and (latest is None or until > latest):
            latest = until
    return latest


def _count(rule, key, request):
    now = timezone.now()
    with transaction.atomic():
        row, _created = Throttle.objects.select_for_update().get_or_create(
            scope=rule.scope, key=key, defaults={"window_started_at": now, "updated_at": now})
        if now - row.updated_at > rule.forgive:
            row.lockouts = 0
        if now - row.window_started_at > rule.window:
            row.failures, row.window_started_at = 0, now
        row.failures += 1
        until = None
        if row.failures >= rule.limit:
            duration = min(rule.lock * (2 ** min(row.lockouts, 16)), rule.max_lock)
            until = row.locked_until = now + duration
            row.lockouts += 1
            row.failures, row.window_started_at = 0, now
        row.updated_at = now
        row.save()
    if until is not None:
        logger.warning(
            "throttle lock scope=%s key=%s lockouts=%s until=%s ip=%s path=%s", rule.scope, key, row.lockouts,
            until.isoformat(), client_ip(request) if request is not None else "-",
            request.path if request is not None else "-",
        )
    return until


def clear(pairs):
    """Forget the failures counted under these pairs (after a success). A lock that holds stays,
    and so does the number of past locks: the next lock of a persistent guesser still grows."""
    for rule, key in _rules_and_keys(pairs):
        Throttle.objects.filter(scope=rule.scope, key=key, failures__gt=0).update(failures=0)


def refused(request, until, what):
    """Log an attempt refused because of a lock."""
    logger.info("throttle refused what=%s until=%s ip=%s path=%s", what, until.isoformat(),
                client_ip(request), request.path)


def wait_message(until):
    """'... until 14:35 (about 15 minutes)' in plain Vietnamese."""
    minutes = max(1, math.ceil((until - timezone.now()).total_seconds() / 60))
    return ngettext(
        "Vui lòng thử lại sau %(time)s (khoảng %(minutes)s phút nữa).",
        "Vui lòng thử lại sau %(time)s (khoảng %(minutes)s phút nữa).",
        minutes,
    ) % {"time": time_format(timezone.localtime(until), "H:i"), "minutes": minutes}


def login_locked_message(until):
    return _("Đăng nhập tạm bị khóa vì đã nhập sai mật khẩu quá nhiều lần.") + " " + wait_message(until) + " " + _(
        "Nếu quên mật khẩu, hãy dùng chức năng “Quên mật khẩu”.")
