"""Read replicas (issue 22, item 2): heavy read-only pages read a PostgreSQL replica.

Nothing is guessed from the model: a view opts in with `@replica_view` (or code with
`with use_replica():`), and only the reads made inside that scope may go to the `replica`
alias. Everything else — every write, every page not marked, the dossier pages of the acting
user, sign-in, sessions — reads and writes the primary (`default`). Marked today: the
supervision dashboard, statistics and their exports, the monthly report, the public disclosure
page, the tracking book (Form 06) and the catalogue exports.

The replica is used only when DATABASE_REPLICA_URL is set (settings: DATABASE_REPLICA_ENABLED),
and inside a scope it is skipped — the primary serves the reads — when:

* the user changed something less than DATABASE_REPLICA_STICKY_SECONDS ago (any POST, PUT,
  PATCH or DELETE by a signed-in user sets the short-lived cookie `portal_primary_until`,
  ReplicaStickinessMiddleware), so they see their own change on the next page;
* the scope has written (a read after a write of the same request goes to the primary);
* the replica's replay lag (pg_last_xact_replay_timestamp) exceeds DATABASE_REPLICA_MAX_LAG
  seconds, or the replica does not answer. The lag is measured at most every
  DATABASE_REPLICA_LAG_CHECK_SECONDS per process. A replica whose received WAL is all replayed
  counts as 0 s behind (an idle primary writes nothing to replay, however old the last
  transaction); a database not in recovery (a logical replica) counts as 0 s.
"""

import contextvars
import logging
import threading
import time
from functools import wraps

from django.conf import settings
from django.db import Error, connections

logger = logging.getLogger("portal.db_router")

REPLICA = "replica"
PRIMARY = "default"
STICKY_COOKIE = "portal_primary_until"
LAG_SQL = """
SELECT CASE
    WHEN NOT pg_is_in_recovery() THEN 0
    WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
    ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 1e9)
END
"""


class _Scope:
    __slots__ = ("alias", "wrote")

    def __init__(self, alias):
        self.alias, self.wrote = alias, False


_scope = contextvars.ContextVar("portal_db_replica_scope", default=None)
_lag = {"value": None, "at": float("-inf")}
_lag_lock = threading.Lock()


def replica_enabled():
    return bool(getattr(settings, "DATABASE_REPLICA_ENABLED", False)) and REPLICA in settings.DATABASES


def replica_lag(*, fresh=False):
    """Seconds the replica is behind, or None when it does not answer (kept per process for
    DATABASE_REPLICA_LAG_CHECK_SECONDS)."""
    now = time.monotonic()
    with _lag_lock:
        if not fresh and now - _lag["at"] < settings.DATABASE_REPLICA_LAG_CHECK_SECONDS:
            return _lag["value"]
        try:
            with connections[REPLICA].cursor() as cursor:
                cursor.execute(LAG_SQL)
                value = float(cursor.fetchone()[0])
        except Error as error:
            # Django drops the broken connection at the end of the request.
            logger.warning("replica unavailable, reading the primary: %s", error)
            value = None
        _lag.update(value=value, at=now)
        return value


def sticky(request):
    """True while the user's last change is younger than DATABASE_REPLICA_STICKY_SECONDS."""
    try:
        until = float(request.COOKIES.get(STICKY_COOKIE, "0"))
    except ValueError:
        return False
    return until > time.time()


def replica_alias(request=None):
    """The alias reads of a replica scope should use now: REPLICA, or PRIMARY and why not."""
    if not replica_enabled():
        return PRIMARY
    if request is not None and sticky(request):
        return PRIMARY
    lag = replica_lag()
    if lag is None or lag > settings.DATABASE_REPLICA_MAX_LAG:
        if lag is not None:
            logger.info("replica %.1f s behind (limit %s s), reading the primary", lag,
                        settings.DATABASE_REPLICA_MAX_LAG)
        return PRIMARY
    return REPLICA


class use_replica:  # noqa: N801 - used like contextlib's helpers: `with use_replica():`, `@use_replica()`
    """Let the reads in this scope go to the replica, when it may be used (see the module)."""

    def __init__(self, request=None):
        self.request = request
        self._tokens = []

    def __enter__(self):
        self._tokens.append(_scope.set(_Scope(replica_alias(self.request))))
        return self

    def __exit__(self, *exc):
        _scope.reset(self._tokens.pop())
        return False

    def __call__(self, function):
        @wraps(function)
        def wrapped(*args, **kwargs):
            with use_replica(self.request):
                return function(*args, **kwargs)
        return wrapped


def replica_view(view):
    """A view whose reads may come from the replica (the request decides stickiness)."""
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        with use_replica(request):
            return view(request, *args, **kwargs)
    return wrapped


def current_read_alias():
    scope = _scope.get()
    return scope.alias if scope is not None and not scope.wrote else PRIMARY


class ReplicaRouter:
    """Reads in a replica scope -> the replica; everything else -> the primary."""

    def db_for_read(self, model, **hints):
        return current_read_alias()

    def db_for_write(self, model, **hints):
        scope = _scope.get()
        if scope is not None:
            scope.wrote = True
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica is a copy of the primary: the same rows

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # Migrate the primary only: a streaming replica follows it (and is read-only).
        return False if db == REPLICA else None


class ReplicaStickinessMiddleware:
    """After a change by a signed-in user (an unsafe method), keep their reads on the primary
    for DATABASE_REPLICA_STICKY_SECONDS: the cookie holds the moment until when."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (request.method not in ("GET", "HEAD", "OPTIONS", "TRACE") and replica_enabled()
                and getattr(getattr(request, "user", None), "is_authenticated", False)):
            seconds = settings.DATABASE_REPLICA_STICKY_SECONDS
            response.set_cookie(STICKY_COOKIE, f"{time.time() + seconds:.0f}", max_age=seconds, httponly=True,
                                samesite="Lax", secure=settings.SESSION_COOKIE_SECURE)
        return response
