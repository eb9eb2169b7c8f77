"""Prometheus metrics at /metrics (issue 22; docs/operations.md "Metrics").

Two kinds of figures:

* counted in the process that serves the request (prometheus-client): requests and their
  duration per view, labelled by the URL's name (never the raw path, whose dossier codes would
  make one series per dossier). Under gunicorn with several worker processes, set
  PROMETHEUS_MULTIPROC_DIR (an empty directory per node, emptied at start: gunicorn.conf.py) so
  that any worker answering /metrics reports the sum of all of them;
* read when Prometheus asks (`PortalCollector`): the Celery queue lengths in Redis, the
  outbox's backlog and failures per channel, overdue dossiers, the national portal's sync
  backlog and the last deadline sweep's duration (recorded in the shared cache by the worker
  that ran it). These are the same on every node.

/metrics answers only a scraper with the bearer token METRICS_TOKEN and/or from an address of
METRICS_ALLOWED_IPS; with neither set it does not exist (404).
"""

import hmac
import logging
import os
import time

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from prometheus_client import CONTENT_TYPE_PLAIN_0_0_4, REGISTRY, CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import generate_latest

from .clientip import client_in_networks

logger = logging.getLogger("portal.metrics")

LATENCY_BUCKETS = (0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 2.0, 5.0, 10.0, 30.0)
METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
UNRESOLVED = "<unresolved>"

HTTP_REQUESTS = Counter("portal_http_requests", "Requests answered, per view (URL name), method and status.",
                        ["view", "method", "status"])
HTTP_LATENCY = Histogram("portal_http_request_duration_seconds", "Time to answer a request, per view and method.",
                         ["view", "method"], buckets=LATENCY_BUCKETS)

SWEEP_CACHE_KEY = "portal:metrics:deadline-sweep"


class MetricsMiddleware:
    """Counts and times every request by the name of the URL it resolved to."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        view = (match.view_name or UNRESOLVED) if match is not None else UNRESOLVED
        method = request.method if request.method in METHODS else "other"
        HTTP_LATENCY.labels(view, method).observe(time.perf_counter() - started)
        HTTP_REQUESTS.labels(view, method, str(response.status_code)).inc()
        return response


def record_sweep(duration, counts):
    """Called by the deadline sweep task: its duration and when it ended, in the shared cache."""
    cache.set(SWEEP_CACHE_KEY, {"duration": duration, "finished": time.time(),
                                "crossings": sum(counts.values()) if counts else 0}, None)


# --- figures read at scrape time ----------------------------------------------------------------


def _queue_names():
    names = {settings.CELERY_TASK_DEFAULT_QUEUE}
    if settings.NOTIFY_QUEUE:
        names.add(settings.NOTIFY_QUEUE)
    names.update(getattr(settings, "METRICS_EXTRA_QUEUES", []))
    return sorted(names)


def queue_lengths():
    """{queue: waiting messages} from the Redis broker (kombu keeps one list per queue and
    priority step); {} when Celery is eager (no broker)."""
    if settings.CELERY_TASK_ALWAYS_EAGER or not settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
        return {}
    import redis

    client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=2, socket_connect_timeout=2)
    try:
        pipe = client.pipeline(transaction=False)
        names = _queue_names()
        for name in names:
            for suffix in ("", "\x06\x163", "\x06\x166", "\x06\x169"):
                pipe.llen(name + suffix)
        counts = pipe.execute()
    finally:
        client.close()
    return {name: sum(counts[index * 4:index * 4 + 4]) for index, name in enumerate(names)}


class PortalCollector:
    """Gauges computed from the database, Redis and the cache when Prometheus scrapes."""

    def describe(self):
        return []

    def collect(self):
        errors = GaugeMetricFamily("portal_metrics_collect_error",
                                   "1 when a part of the metrics could not be read (see the log).", labels=["part"])
        for part, produce in (("queues", self._queues), ("outbox", self._outbox), ("overdue", self._overdue),
                              ("national", self._national), ("sweep", self._sweep)):
            try:
                yield from produce()
                errors.add_metric([part], 0)
            except Exception:  # noqa: BLE001 - one part down must not hide the others
                logger.exception("metrics: %s could not be read", part)
                errors.add_metric([part], 1)
        yield errors

    def _queues(self):
        family = GaugeMetricFamily("portal_celery_queue_length", "Tasks waiting in a Celery queue.", labels=["queue"])
        for name, length in queue_lengths().items():
            family.add_metric([name], length)
        yield family

    def _outbox(self):
        from django.db.models import Count, Min

        from workflow.notifications.models import Notification, NotificationChannel

        now = timezone.now()
        pending = {row["channel"]: row for row in Notification.objects.filter(sent_at__isnull=True,
                                                                              failed_permanently=False)
                   .values("channel").annotate(n=Count("pk"), oldest=Min("created_at")).order_by()}
        retrying = dict(Notification.objects.filter(sent_at__isnull=True, failed_permanently=False, attempts__gt=0)
                        .values("channel").annotate(n=Count("pk")).order_by().values_list("channel", "n"))
        failed = dict(Notification.objects.filter(failed_permanently=True)
                      .values("channel").annotate(n=Count("pk")).order_by().values_list("channel", "n"))
        backlog = GaugeMetricFamily("portal_outbox_pending", "Outbox rows not sent yet (nor given up), per channel.",
                                    labels=["channel"])
        age = GaugeMetricFamily("portal_outbox_oldest_pending_age_seconds",
                                "Age of the oldest unsent outbox row, per channel (0: none).", labels=["channel"])
        retry = GaugeMetricFamily("portal_outbox_retrying",
                                  "Unsent outbox rows that failed at least once and wait for a retry.",
                                  labels=["channel"])
        gave_up = GaugeMetricFamily("portal_outbox_failed",
                                    "Outbox rows given up after NOTIFY_MAX_ATTEMPTS (or refused for good).",
                                    labels=["channel"])
        for channel in NotificationChannel.values:
            row = pending.get(channel)
            backlog.add_metric([channel], row["n"] if row else 0)
            age.add_metric([channel], (now - row["oldest"]).total_seconds() if row else 0)
            retry.add_metric([channel], retrying.get(channel, 0))
            gave_up.add_metric([channel], failed.get(channel, 0))
        yield from (backlog, age, retry, gave_up)

    def _overdue(self):
        from dossiers.models import Dossier, StatusGroup

        count = Dossier.objects.filter(status__in=StatusGroup.OPEN, due_at__lt=timezone.now()).count()
        yield GaugeMetricFamily("portal_dossiers_overdue", "Open dossiers past their due moment.", value=count)

    def _national(self):
        from workflow.api.models import NationalPull, NationalSubmission

        last = NationalPull.objects.order_by("-at", "-pk").values("at", "error").first()
        last_ok = NationalPull.objects.filter(error="").order_by("-at").values_list("at", flat=True).first()
        yield GaugeMetricFamily("portal_national_pull_last_success_timestamp_seconds",
                                "When the last pull from the national portal succeeded (0: never).",
                                value=last_ok.timestamp() if last_ok else 0)
        yield GaugeMetricFamily("portal_national_pull_last_failed",
                                "1 when the latest pull from the national portal failed.",
                                value=1 if last and last["error"] else 0)
        yield GaugeMetricFamily("portal_national_submissions_refused",
                                "Submissions pulled from the national portal that could not become a dossier.",
                                value=NationalSubmission.objects.filter(dossier__isnull=True).count())

    def _sweep(self):
        recorded = cache.get(SWEEP_CACHE_KEY) or {}
        yield GaugeMetricFamily("portal_deadline_sweep_last_duration_seconds",
                                "How long the last deadline sweep took.", value=recorded.get("duration", 0))
        yield GaugeMetricFamily("portal_deadline_sweep_last_success_timestamp_seconds",
                                "When the last deadline sweep ended (0: none recorded).",
                                value=recorded.get("finished", 0))
        yield GaugeMetricFamily("portal_deadline_sweep_last_crossings",
                                "Thresholds crossed (marks made) by the last deadline sweep.",
                                value=recorded.get("crossings", 0))


def exposition():
    """The text Prometheus reads: this process's (or, in multi-process mode, every worker's)
    request metrics, then the shared gauges."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        local = CollectorRegistry()
        multiprocess.MultiProcessCollector(local)
    else:
        local = REGISTRY
    shared = CollectorRegistry(auto_describe=False)
    shared.register(PortalCollector())
    return generate_latest(local) + generate_latest(shared)


# --- the view -----------------------------------------------------------------------------------


def scraper_allowed(request):
    """None when the request may read the metrics, else the status to refuse it with: 404 when
    the endpoint is off or the address is not allowed (nothing to see here), 401 without the
    right bearer token."""
    token = settings.METRICS_TOKEN
    networks = settings.METRICS_ALLOWED_IPS
    if not token and not networks:
        return 404
    if networks and not client_in_networks(request, networks):
        return 404
    if token:
        scheme, _, offered = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(offered.strip().encode(), token.encode()):
            return 401
    return None


@never_cache
def metrics(request):
    refusal = scraper_allowed(request)
    if refusal == 404:
        raise Http404
    if refusal == 401:
        response = HttpResponse("401 Unauthorized\n", status=401, content_type="text/plain; charset=utf-8")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_PLAIN_0_0_4)
