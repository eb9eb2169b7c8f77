"""/metrics (issue 22): refused without the token or from elsewhere, and what it reports."""

import datetime
import re
import uuid

import pytest
import redis
from django.utils import timezone

from dossiers.models import Status
from portal.metrics import SWEEP_CACHE_KEY
from portal.tasks import echo
from tests.dossiers.factories import DossierFactory
from workflow.api.models import NationalPull, NationalSubmission
from workflow.models import Notification
from workflow.tasks import deadline_sweep

TOKEN = "m3trics-t0ken-for-tests"


@pytest.fixture
def scraper(settings, client):
    settings.METRICS_TOKEN = TOKEN
    settings.METRICS_ALLOWED_IPS = []

    def scrape():
        response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
        assert response.status_code == 200, response.status_code
        assert response["Content-Type"].startswith("text/plain")
        return response.content.decode()

    return scrape


def value(text, name, **labels):
    """The sample `name{labels}` of the exposition text, as a float (None when absent)."""
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        match = re.match(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$", line)
        if not match or match.group(1) != name:
            continue
        found = dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', match.group(2) or ""))
        if all(found.get(key) == str(val) for key, val in labels.items()):
            return float(match.group(3))
    return None


# --- refusals ------------------------------------------------------------------------------------


def test_metrics_do_not_exist_when_neither_token_nor_network_is_configured(db, client, settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_IPS = []
    response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer anything")
    assert response.status_code == 404
    assert b"portal_" not in response.content


@pytest.mark.parametrize("authorization", [None, "", "Bearer", "Bearer wrong-token", f"Basic {TOKEN}",
                                           f"Bearer {TOKEN}x", f"Bearer {TOKEN[:-1]}", "Bearer mật-khẩu"])
def test_metrics_refuse_a_missing_or_wrong_token_without_leaking(db, client, settings, authorization):
    settings.METRICS_TOKEN = TOKEN
    settings.METRICS_ALLOWED_IPS = []
    extra = {} if authorization is None else {"HTTP_AUTHORIZATION": authorization}
    response = client.get("/metrics", **extra)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert b"portal_" not in response.content and TOKEN.encode() not in response.content
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_metrics_answer_only_the_allowed_network(db, client, settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_IPS = ["10.20.0.0/24"]
    assert client.get("/metrics").status_code == 404  # the test client is 127.0.0.1
    assert client.get("/metrics", REMOTE_ADDR="10.20.0.7").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="10.20.1.7").status_code == 404


def test_metrics_with_both_rules_need_both(db, client, settings):
    settings.METRICS_TOKEN = TOKEN
    settings.METRICS_ALLOWED_IPS = ["10.20.0.0/24"]
    right = {"HTTP_AUTHORIZATION": f"Bearer {TOKEN}"}
    assert client.get("/metrics", REMOTE_ADDR="192.168.1.9", **right).status_code == 404
    assert client.get("/metrics", REMOTE_ADDR="10.20.0.7").status_code == 401
    assert client.get("/metrics", REMOTE_ADDR="10.20.0.7", **right).status_code == 200


def test_metrics_behind_the_proxy_use_the_client_address_not_the_proxy(db, client, settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_IPS = ["10.20.0.0/24"]
    settings.TRUSTED_PROXY_COUNT = 1
    # The proxy (10.20.0.1) is in the network, the visitor is not: refused.
    assert client.get("/metrics", REMOTE_ADDR="10.20.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5").status_code == 404
    # A visitor cannot claim an allowed address: only the rightmost entry (the proxy's) counts.
    assert client.get("/metrics", REMOTE_ADDR="10.20.0.1",
                      HTTP_X_FORWARDED_FOR="10.20.0.7, 203.0.113.5").status_code == 404
    assert client.get("/metrics", REMOTE_ADDR="10.20.0.1", HTTP_X_FORWARDED_FOR="10.20.0.7").status_code == 200


# --- what it reports -----------------------------------------------------------------------------


def test_requests_are_counted_per_url_name_never_per_raw_path(db, client, scraper):
    before = value(scraper(), "portal_http_requests_total", view="dossiers:qr", method="GET", status="200") or 0
    for code in ("P01.20.01-261120-0001", "P01.20.01-261120-0002"):
        assert client.get(f"/d/{code}/").status_code == 200
    client.get("/no-such-page/")
    text = scraper()
    assert value(text, "portal_http_requests_total", view="dossiers:qr", method="GET", status="200") == before + 2
    assert value(text, "portal_http_requests_total", view="<unresolved>", method="GET", status="404") >= 1
    assert value(text, "portal_http_request_duration_seconds_count", view="dossiers:qr", method="GET") >= 2
    assert value(text, "portal_http_request_duration_seconds_bucket", view="dossiers:qr", method="GET",
                 le="+Inf") >= 2
    assert "261120-0001" not in text and "/d/" not in text


def test_outbox_backlog_and_failures_per_channel(db, scraper):
    old = timezone.now() - datetime.timedelta(minutes=30)
    Notification.objects.create(channel="email", kind="x", address="a@example.vn", created_at=old)
    Notification.objects.create(channel="email", kind="x", address="b@example.vn", attempts=2, last_error="550")
    Notification.objects.create(channel="webhook", kind="x", failed_permanently=True, attempts=6)
    Notification.objects.create(channel="sms", kind="x", address="0912345678", sent_at=timezone.now())
    text = scraper()
    assert value(text, "portal_outbox_pending", channel="email") == 2
    assert value(text, "portal_outbox_pending", channel="sms") == 0
    assert value(text, "portal_outbox_retrying", channel="email") == 1
    assert value(text, "portal_outbox_failed", channel="webhook") == 1
    assert value(text, "portal_outbox_failed", channel="email") == 0
    assert 29 * 60 < value(text, "portal_outbox_oldest_pending_age_seconds", channel="email") < 31 * 60
    assert value(text, "portal_outbox_oldest_pending_age_seconds", channel="national") == 0
    assert value(text, "portal_metrics_collect_error", part="outbox") == 0


def test_overdue_dossiers_and_national_sync_backlog(db, org, scraper):
    now = timezone.now()
    DossierFactory(receiving_unit=org.c1, status=Status.PROCESSING, due_at=now - datetime.timedelta(hours=1))
    DossierFactory(receiving_unit=org.c1, status=Status.RECEIVED, due_at=now + datetime.timedelta(days=1))
    DossierFactory(receiving_unit=org.c1, status=Status.RETURNED, due_at=now - datetime.timedelta(days=2))
    NationalPull.objects.create(at=now - datetime.timedelta(minutes=10), fetched=2, created=2)
    NationalPull.objects.create(at=now - datetime.timedelta(minutes=5), error="ConnectionError")
    NationalSubmission.objects.create(national_id="QG-1", error="Thủ tục không tồn tại")
    Notification.objects.create(channel="national", kind="status")
    text = scraper()
    assert value(text, "portal_dossiers_overdue") == 1
    assert value(text, "portal_national_pull_last_failed") == 1
    assert abs(value(text, "portal_national_pull_last_success_timestamp_seconds")
               - (now - datetime.timedelta(minutes=10)).timestamp()) < 1
    assert value(text, "portal_national_submissions_refused") == 1
    assert value(text, "portal_outbox_pending", channel="national") == 1


def test_the_deadline_sweep_reports_its_duration(db, scraper):
    assert value(scraper(), "portal_deadline_sweep_last_success_timestamp_seconds") == 0
    deadline_sweep.delay()
    text = scraper()
    assert abs(value(text, "portal_deadline_sweep_last_success_timestamp_seconds")
               - timezone.now().timestamp()) < 60
    assert 0 < value(text, "portal_deadline_sweep_last_duration_seconds") < 60


def test_queue_length_is_read_from_the_redis_broker(db, scraper, settings, celery_on_redis):
    queue = f"q-metrics-{uuid.uuid4().hex[:8]}"
    settings.CELERY_BROKER_URL = settings.TEST_REDIS_URL
    settings.METRICS_EXTRA_QUEUES = [queue]
    try:
        for number in range(3):
            echo.apply_async(args=[number], queue=queue)
        echo.apply_async(args=["urgent"], queue=queue, priority=5)
        text = scraper()
        assert value(text, "portal_celery_queue_length", queue=queue) == 4
        assert value(text, "portal_celery_queue_length", queue="default") is not None
        assert value(text, "portal_metrics_collect_error", part="queues") == 0
    finally:
        client = redis.Redis.from_url(settings.TEST_REDIS_URL)
        client.delete(*[queue + suffix for suffix in ("", "\x06\x163", "\x06\x166", "\x06\x169")])


def test_an_unreachable_broker_is_reported_not_a_500(db, scraper, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    text = scraper()
    assert value(text, "portal_metrics_collect_error", part="queues") == 1
    assert value(text, "portal_metrics_collect_error", part="outbox") == 0


def test_a_scrape_costs_a_fixed_number_of_queries(db, org, scraper, django_assert_max_num_queries):
    for _ in range(5):
        Notification.objects.create(channel="email", kind="x", address="a@example.vn")
        DossierFactory(receiving_unit=org.c1, status=Status.PROCESSING,
                       due_at=timezone.now() - datetime.timedelta(hours=1))
    with django_assert_max_num_queries(8):
        scraper()


def test_the_sweep_figure_lives_in_the_shared_cache(db, scraper, settings):
    from django.core.cache import cache

    cache.set(SWEEP_CACHE_KEY, {"duration": 1.5, "finished": 1_700_000_000.0, "crossings": 7}, None)
    text = scraper()
    assert value(text, "portal_deadline_sweep_last_duration_seconds") == 1.5
    assert value(text, "portal_deadline_sweep_last_crossings") == 7
