"""Faults around the notification outbox, with real worker processes and real Redis:
a worker killed while sending, Redis down while a clerk receives a dossier, two sweeps at once.

E-mails go to a directory sink that the worker processes write to (the locmem backend does not
cross processes); the sink stores one file per Message-ID, like a provider deduplicating on its
idempotency key, so "exactly one e-mail" is "exactly one file with that notification's id"."""

import datetime
import os
import socket
import subprocess
import time
import uuid
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from dossiers.models import Status
from tests.conftest import _reset_connections
from tests.dossiers.factories import DossierFactory, published_version, walk_in
from tests.integration.conftest import WorkerProcess
from tests.workflow.factories import HandoffFactory
from workflow.models import DeadlineMark, Handoff, HandoffMark, Notification
from workflow.notifications.channels import IdempotentFileEmailBackend
from workflow.tasks import deadline_sweep, send_pending_notifications

pytestmark = pytest.mark.integration


class SlowFileBackend(IdempotentFileEmailBackend):
    """The sink, slowed down so that a test can kill the worker in the middle of a send."""

    def send_messages(self, email_messages):
        time.sleep(float(os.environ.get("SINK_DELAY_BEFORE", "0")))
        sent = super().send_messages(email_messages)
        time.sleep(float(os.environ.get("SINK_DELAY_AFTER", "0")))
        return sent


def wait_for(predicate, timeout=40, interval=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return None


@pytest.fixture
def outbox_env(settings, tmp_path, monkeypatch):
    """Environment of the worker processes: the sink, short claim and visibility timeouts."""
    queue = f"q-{uuid.uuid4().hex[:10]}"
    sink = tmp_path / "mail"
    settings.NOTIFY_QUEUE = queue
    for name, value in {
        "NOTIFY_QUEUE": queue,
        "NOTIFY_EMAIL_BACKEND": f"{__name__}.SlowFileBackend",
        "NOTIFY_EMAIL_FILE_PATH": str(sink),
        "NOTIFY_CLAIM_TIMEOUT": "2",
        "NOTIFY_RESEND_AFTER": "0",
        "CELERY_VISIBILITY_TIMEOUT": "3",
    }.items():
        monkeypatch.setenv(name, value)
    return {"queue": queue, "sink": sink, "tmp": tmp_path}


def start_worker(outbox_env, name="w", **env):
    previous = {key: os.environ.get(key) for key in env}
    os.environ.update(env)
    try:
        worker = WorkerProcess(queue=outbox_env["queue"], log_path=outbox_env["tmp"] / f"{name}.log")
        worker.name = f"{name}-{uuid.uuid4().hex[:6]}@localhost"
        return worker.start()
    finally:
        for key, value in previous.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def mails(sink):
    return sorted(sink.glob("*.eml")) if sink.exists() else []


def commune_version():
    return published_version(code="2.000301", name="Đăng ký khai sinh", processing_time=Decimal("3"))


def receive(clerk, unit):
    with transaction.atomic():
        return walk_in(
            clerk=clerk, unit=unit, version=commune_version(),
            applicant={"applicant_name": "Hoàng Thị Lan", "applicant_email": "lan@example.vn",
                       "applicant_personal_id": "019190004321"},
        )


@pytest.mark.parametrize("moment", ["before the provider accepted it", "after the provider accepted it"])
def test_a_worker_killed_while_sending_leaves_exactly_one_email_after_restart(
        transactional_db, celery_on_redis, outbox_env, org, clerk, moment):
    before = moment.startswith("before")
    worker = start_worker(outbox_env, "first", SINK_DELAY_BEFORE="2" if before else "0",
                          SINK_DELAY_AFTER="0" if before else "2")
    try:
        dossier = receive(clerk, org.c1)
        row = Notification.objects.get(dossier=dossier, channel="email")
        if before:
            assert wait_for(lambda: Notification.objects.filter(pk=row.pk, claimed_at__isnull=False).exists())
            time.sleep(0.5)
        else:
            assert wait_for(lambda: mails(outbox_env["sink"]))
        worker.kill()
    finally:
        worker.stop()
    row.refresh_from_db()
    assert row.sent_at is None and row.claimed_at is not None
    assert len(mails(outbox_env["sink"])) == (0 if before else 1)

    restarted = start_worker(outbox_env, "restarted")
    try:
        # The killed worker's claim expires; beat's resend task (and the redelivered message,
        # acks_late) then find the row. Whichever claims it first sends it.
        wait_for(lambda: timezone.now() > row.claimed_at + datetime.timedelta(seconds=2.5), timeout=10)
        send_pending_notifications.apply_async(kwargs={"min_age": 0}, queue=restarted.queue)
        assert wait_for(lambda: Notification.objects.get(pk=row.pk).sent_at), restarted.read_log()
        time.sleep(4)  # leave time for the redelivered message to run too
        marker = send_pending_notifications.apply_async(kwargs={"min_age": 0}, queue=restarted.queue)
        assert marker.get(timeout=30) == 0
    finally:
        restarted.stop()
    files = mails(outbox_env["sink"])
    assert len(files) == 1 and f"notification-{row.pk}" in files[0].name
    assert dossier.code in files[0].read_text(errors="replace") or "Subject:" in files[0].read_text()
    row.refresh_from_db()
    assert row.sent_at and not row.failed_permanently


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """A private redis-server, so stopping it never disturbs anyone else's Redis."""

    def __init__(self, port, directory):
        self.port, self.directory, self.process = port, directory, None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.directory)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        assert wait_for(lambda: self._answers(), timeout=10), "redis-server did not start"
        return self

    def _answers(self):
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"


@pytest.fixture
def private_redis(tmp_path):
    server = RedisServer(free_port(), tmp_path).start()
    yield server
    server.stop()


def test_reception_succeeds_while_redis_is_down_and_the_email_goes_out_once_it_is_back(
        transactional_db, celery_on_redis, outbox_env, private_redis, settings, org, clerk):
    app = celery_on_redis
    app.conf.update(broker_url=private_redis.url, result_backend=private_redis.url)
    _reset_connections(app)
    worker = start_worker(outbox_env, "redis-test", TEST_REDIS_URL=private_redis.url)
    try:
        private_redis.stop()
        started = time.monotonic()
        dossier = receive(clerk, org.c1)
        assert time.monotonic() - started < 10, "the clerk must not wait for the broker"
        assert dossier.status == Status.RECEIVED and dossier.pk
        row = Notification.objects.get(dossier=dossier, channel="email")
        assert row.sent_at is None and row.claimed_at is None and mails(outbox_env["sink"]) == []

        private_redis.start()
        _reset_connections(app)
        # Beat's resend task, once the broker is back.
        result = send_pending_notifications.apply_async(kwargs={"min_age": 0}, queue=worker.queue)
        assert result.get(timeout=60) == 1, worker.read_log()
    finally:
        worker.stop()
    row.refresh_from_db()
    assert row.sent_at
    files = mails(outbox_env["sink"])
    assert len(files) == 1 and f"notification-{row.pk}" in files[0].name


def test_sweeps_run_twice_and_concurrently_by_two_workers_escalate_once(
        transactional_db, celery_on_redis, outbox_env, org, officer_c1, leader_c1, supervisor_d1):
    now = timezone.now()
    for _ in range(25):
        dossier = DossierFactory(receiving_unit=org.c1, status=Status.PROCESSING, received_at=now - datetime.timedelta(
            days=5), due_at=now - datetime.timedelta(hours=2))
        HandoffFactory(dossier=dossier, unit=org.c1, order=1, state=Handoff.State.ACTIVE,
                       started_at=now - datetime.timedelta(days=5), due_at=now - datetime.timedelta(hours=1))
    first, second = start_worker(outbox_env, "sweep-a"), start_worker(outbox_env, "sweep-b")
    try:
        results = [deadline_sweep.apply_async(queue=first.queue) for _ in range(4)]
        counts = [result.get(timeout=60) for result in results]
        assert wait_for(lambda: not Notification.objects.filter(channel="email", sent_at__isnull=True).exists())
        again = deadline_sweep.apply_async(queue=first.queue).get(timeout=60)
    finally:
        first.stop()
        second.stop()
    assert sum(c["overdue"] for c in counts) == 25 and sum(c["dossier_overdue"] for c in counts) == 25
    assert again["overdue"] == 0 and again["dossier_overdue"] == 0
    assert HandoffMark.objects.filter(threshold="overdue").count() == 25
    assert DeadlineMark.objects.filter(threshold="overdue").count() == 25
    rows = Notification.objects.filter(kind="escalated", recipient=leader_c1, channel="email")
    assert sum(row.context["count"] for row in rows) == 25
    codes = [code for row in rows for code in row.context["codes"]]
    assert len(codes) == len(set(codes))
    # One sink file per e-mail row: nothing was sent twice.
    assert len(mails(outbox_env["sink"])) == Notification.objects.filter(channel="email").count()
