"""The national-portal simulator receives every status change of a dossier exactly once and in
order, even when the real Celery worker delivering them is killed in the middle of a call."""

import datetime
import time

import pytest
from django.db import transaction
from django.utils import timezone

from dossiers.models import Delivery, Outcome
from dossiers.services import dossier_submit_online
from tests.api.conftest import online_version
from tests.api.simulator import Simulator
from tests.integration.test_outbox_faults import outbox_env, start_worker, wait_for  # noqa: F401
from workflow.models import Notification
from workflow.routing import services as routing
from workflow.tasks import send_pending_notifications

pytestmark = pytest.mark.integration
SECRET = "bi-mat-quoc-gia"


@pytest.fixture
def national(settings, monkeypatch):
    server = Simulator(secret=SECRET).start()
    settings.NATIONAL_PORTAL_URL = server.url
    monkeypatch.setenv("NATIONAL_PORTAL_SECRET", SECRET)
    yield server
    server.stop()


def test_status_changes_arrive_once_and_in_order_after_the_worker_is_killed_mid_call(
        transactional_db, celery_on_redis, outbox_env, national, org, clerk, leader_c1):  # noqa: F811
    national.delays = {2: 4}  # the second call is held: the worker is killed while it waits
    version = online_version()
    requirement = version.components.get()
    worker = start_worker(outbox_env, "first")
    try:
        with transaction.atomic():
            dossier = dossier_submit_online(
                citizen=None, actor=clerk, unit=org.c1, version=version, delivery=Delivery.ONLINE,
                applicant={"applicant_name": "Hoàng Thị Lan"},
                components=[{"requirement": requirement, "name": requirement.name, "originals": 1}])
        assert wait_for(lambda: len(national.accepted) == 1), worker.read_log()
        with transaction.atomic():
            routing.online_accept(dossier=dossier, clerk=clerk)  # received, then processing
        assert wait_for(lambda: len(national.received) == 2), worker.read_log()
        time.sleep(0.5)
        worker.kill()
    finally:
        worker.stop()
    with transaction.atomic():
        routing.dossier_decide(dossier=dossier, leader=leader_c1, outcome=Outcome.REFUSED, note="Không đủ điều kiện")
    rows = Notification.objects.filter(dossier=dossier, channel="national").order_by("pk")
    assert rows.count() == 4 and rows.filter(sent_at__isnull=False).count() == 1

    claimed = rows.filter(claimed_at__isnull=False, sent_at__isnull=True).get()  # the call the kill cut off
    restarted = start_worker(outbox_env, "restarted")
    try:
        wait_for(lambda: timezone.now() > claimed.claimed_at + datetime.timedelta(seconds=2.5), timeout=10)
        send_pending_notifications.apply_async(kwargs={"min_age": 0}, queue=restarted.queue)
        assert wait_for(lambda: rows.filter(sent_at__isnull=True).count() == 0, timeout=60), restarted.read_log()
    finally:
        restarted.stop()
    payloads = national.payloads()
    assert [(p["sequence"], p["status"]) for p in payloads] == [(1, 1), (2, 2), (3, 4), (4, 9)]
    assert len({p["event_id"] for p in payloads}) == 4
    # The held call arrived twice (before the kill, and again after): the repeat was dropped.
    assert len(national.received) == 5
    assert [c["headers"]["Idempotency-Key"] for c in national.received].count(payloads[1]["event_id"]) == 2
