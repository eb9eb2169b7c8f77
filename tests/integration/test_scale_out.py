"""Several nodes (issue 22 item 4), with real processes on loopback against the test database and
the test Redis:

* two gunicorn servers on two ports: a citizen signs in on node A, withdraws a dossier on node
  B, sees it withdrawn on A; the public lookup's rate limit is counted across both nodes;
* two beat processes and a worker: the periodic task runs once per interval, not twice, and the
  second beat takes over when the first stops.
"""

import json
import os
import re
import socket
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import redis
import requests
from django.conf import settings
from django_ratelimit.core import _get_window

from dossiers.models import Status
from tests.citizens.conftest import submitted, version  # noqa: F401 - the fixture
from tests.factories import PASSWORD
from tests.helpers import stop_process, wait_for
from tests.integration.conftest import ROOT, WorkerProcess, database_url
from tests.portal.test_metrics import value as sample

pytestmark = pytest.mark.integration
METRICS_TOKEN = "scrape-token-of-the-test"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Node:
    """`gunicorn portal.wsgi:application` on a free loopback port, the test settings, the shared
    Redis cache and sessions (NODE_UNDER_TEST)."""

    def __init__(self, name, log_path, prefix):
        self.name = name
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.prefix = prefix
        self.process = None

    def start(self, timeout=60):
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.test", "DATABASE_URL": database_url(),
               "NODE_UNDER_TEST": "1", "CACHE_KEY_PREFIX": self.prefix, "LOG_FORMAT": "json",
               # Two worker processes per node, their request metrics summed (gunicorn.conf.py).
               "PROMETHEUS_MULTIPROC_DIR": str(Path(self.log_path).with_suffix(".prom")),
               "METRICS_TOKEN": METRICS_TOKEN}
        self.log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "portal.wsgi:application", "--bind", f"127.0.0.1:{self.port}",
             "--workers", "2", "--threads", "2", "--timeout", "60", "--access-logfile", "-",
             "--control-socket", str(Path(self.log_path).with_suffix(".ctl"))],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited: {self.read_log()}")
            try:
                if requests.get(f"{self.url}/healthz/", timeout=2).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"{self.name} did not answer: {self.read_log()}")

    def stop(self):
        stop_process(self.process)
        self.log.close()

    def read_log(self):
        return Path(self.log_path).read_text(errors="replace")[-4000:]


@pytest.fixture
def two_nodes(transactional_db, tmp_path):
    prefix = f"t-{uuid.uuid4().hex[:8]}"
    nodes = [Node("A", tmp_path / "a.log", prefix), Node("B", tmp_path / "b.log", prefix)]
    try:
        for node in nodes:
            node.start()
        yield nodes
    finally:
        for node in nodes:
            node.stop()
        client = redis.Redis.from_url(settings.TEST_REDIS_URL)
        keys = list(client.scan_iter(f"{prefix}:*"))
        if keys:
            client.delete(*keys)


def csrf_of(session, url):
    page = session.get(url, timeout=10)
    assert page.status_code == 200, page.status_code
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)


def test_a_citizen_signs_in_on_one_node_acts_on_the_other_and_sees_it_on_the_first(
        two_nodes, citizen, version, org):  # noqa: F811
    a, b = two_nodes
    version.components.update(is_required=False)  # no files: nothing to store for this journey
    dossier = submitted(citizen, version, org, files=False)
    session = requests.Session()  # cookies are per host, not per port: one browser, two nodes
    token = csrf_of(session, f"{a.url}/accounts/login/")
    signed_in = session.post(f"{a.url}/accounts/login/", timeout=10, allow_redirects=False,
                             data={"csrfmiddlewaretoken": token, "username": citizen.username, "password": PASSWORD})
    assert signed_in.status_code == 302, signed_in.text[:500]

    on_b = session.get(f"{b.url}/my/", timeout=10, allow_redirects=False)
    assert on_b.status_code == 200 and dossier.code in on_b.text  # the session made on A, read on B
    token = csrf_of(session, f"{b.url}/my/dossiers/{dossier.code}/")
    withdrawn = session.post(f"{b.url}/my/dossiers/{dossier.code}/withdraw/", timeout=10, allow_redirects=False,
                             data={"csrfmiddlewaretoken": token, "reason": "Nộp nhầm thủ tục"})
    assert withdrawn.status_code == 302

    on_a = session.get(f"{a.url}/my/dossiers/{dossier.code}/", timeout=10, allow_redirects=False)
    assert on_a.status_code == 200 and "Đã rút hồ sơ" in on_a.text
    dossier.refresh_from_db()
    assert dossier.status == Status.WITHDRAWN

    # Signed out on B: the session is gone on A too.
    token = csrf_of(session, f"{b.url}/my/")
    assert session.post(f"{b.url}/accounts/logout/", data={"csrfmiddlewaretoken": token}, timeout=10,
                        allow_redirects=False).status_code in (200, 302)
    assert session.get(f"{a.url}/my/", timeout=10, allow_redirects=False).status_code == 302

    # Each node's answers carry request ids and its JSON log lines the same ids.
    rid = on_a.headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", rid)
    assert f"rid={rid}" in Path(a.log_path).read_text()  # gunicorn's access line
    missing = requests.get(f"{b.url}/khong-co-trang-nay/", headers={"X-Request-ID": "journey-404-on-b"}, timeout=10)
    assert missing.status_code == 404 and missing.headers["X-Request-ID"] == "journey-404-on-b"
    logged = [json.loads(line) for line in Path(b.log_path).read_text(errors="replace").splitlines()
              if line.startswith("{") and "journey-404-on-b" in line]
    assert any(line["logger"] == "django.request" and line["request_id"] == "journey-404-on-b" for line in logged)


def test_the_rate_limit_is_counted_across_both_nodes(two_nodes, db):
    a, b = two_nodes
    for node in (a, b):  # warm every worker process up (the first answers of a process are slow)
        for _ in range(4):
            requests.get(f"{node.url}/", timeout=30)
    # django-ratelimit counts in fixed one-minute windows: start near the beginning of one.
    window_end = _get_window("127.0.0.1", 60)
    if window_end - time.time() < 40:
        # Past the end's whole second: during that second django-ratelimit still counts in the
        # window that ends then (its end is compared with int(time.time())).
        time.sleep(window_end - time.time() + 1.5)
    window_end = _get_window("127.0.0.1", 60)
    # The public lookup allows 30 a minute per address: 15 to each node, sent a few at a time so
    # that a busy machine still stays inside the window.
    urls = [f"{(a if number % 2 == 0 else b).url}/d/P01.20.01-261120-{number:04d}/" for number in range(30)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(lambda url: requests.get(url, timeout=20).status_code, urls))
    assert answers == [200] * 30
    counters = redis.Redis.from_url(settings.TEST_REDIS_URL)
    counted = [counters.get(key) for key in counters.scan_iter(f"{a.prefix}:*")]
    assert requests.get(f"{a.url}/d/P01.20.01-261120-0999/", timeout=10).status_code == 429, (
        counted, window_end - time.time())
    assert requests.get(f"{b.url}/d/P01.20.01-261120-0999/", timeout=10).status_code == 429

    # Each node's /metrics counts the answers of both its worker processes, by URL name.
    for node in (a, b):
        scraped = requests.get(f"{node.url}/metrics", timeout=10,
                               headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
        assert scraped.status_code == 200
        assert sample(scraped.text, "portal_http_requests_total", view="dossiers:qr", status="200") == 15
        assert sample(scraped.text, "portal_http_requests_total", view="dossiers:qr", status="429") == 1
        assert requests.get(f"{node.url}/metrics", timeout=10).status_code == 401
    assert _get_window("127.0.0.1", 60) == window_end, "the test ran across two rate-limit windows"


# --- two beats ----------------------------------------------------------------------------------


class Beat:
    def __init__(self, name, log_path, env):
        self.name, self.log_path, self.env = name, log_path, env
        self.process = None

    def start(self):
        self.log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "portal", "beat", "--loglevel=INFO",
             "--schedule", str(Path(self.log_path).with_suffix(".db"))],
            cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        return self

    def stop(self):
        stop_process(self.process)
        self.log.close()

    def text(self):
        return Path(self.log_path).read_text(errors="replace")

    def sent(self):
        return self.text().count("Sending due task test-tick")

    def holds_lock(self):
        return "Acquired lock" in self.text()


def ticks(worker_log):
    count = 0
    for raw in Path(worker_log).read_text(errors="replace").splitlines():
        try:
            line = json.loads(raw)
        except ValueError:
            continue
        count += line.get("message") == "echo task ran"
    return count


def test_two_beats_send_a_periodic_task_once_per_interval(celery_on_redis, tmp_path, monkeypatch, db):
    interval = 2.0
    queue = f"q-{uuid.uuid4().hex[:10]}"
    prefix = f"redbeat-{uuid.uuid4().hex[:8]}:"
    monkeypatch.setenv("LOG_FORMAT", "json")
    worker = WorkerProcess(queue=queue, log_path=tmp_path / "worker.log").start()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.test", "CELERY_WORKER_UNDER_TEST": "1",
           "DATABASE_URL": database_url(), "BEAT_UNDER_TEST": "1", "BEAT_TEST_INTERVAL": str(interval),
           "BEAT_TEST_QUEUE": queue, "BEAT_KEY_PREFIX": prefix, "BEAT_LOCK_TIMEOUT": "5"}
    beats = [Beat("one", tmp_path / "beat-one.log", env), Beat("two", tmp_path / "beat-two.log", env)]
    try:
        for beat in beats:
            beat.start()
        assert wait_for(lambda: any(beat.holds_lock() for beat in beats), 30), beats[0].text()[-2000:]
        assert wait_for(lambda: ticks(worker.log_path) >= 1, 20), worker.read_log()
        first = ticks(worker.log_path)
        started = time.monotonic()
        time.sleep(5 * interval)
        ran = ticks(worker.log_path) - first
        elapsed = time.monotonic() - started
        # Once per interval (give or take the edges); two beats sending would make it twice.
        assert elapsed / interval - 2 <= ran <= elapsed / interval + 1, (ran, elapsed)
        holders = [beat for beat in beats if beat.holds_lock()]
        assert len(holders) == 1
        standby = next(beat for beat in beats if beat is not holders[0])
        assert standby.sent() == 0

        # The active beat stops (a node goes away): the standby takes the lock and carries on.
        holders[0].stop()
        assert wait_for(standby.holds_lock, 30), standby.text()[-2000:]
        assert wait_for(lambda: standby.sent() >= 2, 20), standby.text()[-2000:]
        before = ticks(worker.log_path)
        assert wait_for(lambda: ticks(worker.log_path) >= before + 2, 20), worker.read_log()
    finally:
        for beat in beats:
            beat.stop()
        worker.stop()
        client = redis.Redis.from_url(settings.TEST_REDIS_URL)
        keys = list(client.scan_iter(f"{prefix}*"))
        if keys:
            client.delete(*keys)
