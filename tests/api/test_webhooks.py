"""Webhooks through the outbox: signed, retried with backoff, in order per dossier, visible on
the delivery log and re-sendable — against a real HTTP server on loopback."""

import datetime
import json

import pytest
import time_machine
from django.utils import timezone

from dossiers.models import Dossier
from portal.api.clients import api_client_create
from portal.api.models import Scope, WebhookEvent
from tests.api.conftest import Caller, create_body, online_version
from tests.api.simulator import Simulator
from tests.helpers import pass_second_step
from workflow.models import Notification
from workflow.routing import services as routing
from workflow.tasks import send_pending_notifications


@pytest.fixture
def receiver():
    server = Simulator().start()
    yield server
    server.stop()


@pytest.fixture
def subscribed(org, receiver):
    client, key, secret = api_client_create(
        name="Phần mềm hộ tịch", unit=org.c1, scopes=[s.value for s in Scope], created_by=None,
        webhook_url=receiver.url + "/hooks", webhook_events=[e.value for e in WebhookEvent])
    receiver.secret = secret
    return client, key


def submit(client, key, version, unit, capture):
    with capture(execute=True):
        response = Caller(client, key).post("/api/v1/dossiers/", create_body(version, unit), idempotency_key="k")
    assert response.status_code == 201, response.content
    return Dossier.objects.get(code=response.json()["code"])


def test_status_changes_arrive_signed_and_in_order(client, org, clerk, subscribed, receiver,
                                                   django_capture_on_commit_callbacks):
    version = online_version()
    dossier = submit(client, subscribed[1], version, org.c1, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        routing.online_accept(dossier=dossier, clerk=clerk)
    payloads = receiver.payloads()
    assert [(p["type"], p["dossier"]["national_status"]) for p in payloads] == [
        ("status_changed", 1), ("status_changed", 2), ("status_changed", 4)]
    assert all(call["headers"]["X-Portal-Signature"].startswith("sha256=") for call in receiver.received)
    assert len(receiver.accepted) == len(receiver.received)  # every signature checked out


def test_a_forged_or_stale_signature_is_refused_by_the_receiver(client, org, subscribed, receiver,
                                                                django_capture_on_commit_callbacks):
    receiver.secret = "not-the-secret"
    dossier = submit(client, subscribed[1], online_version(), org.c1, django_capture_on_commit_callbacks)
    row = Notification.objects.get(dossier=dossier, channel="webhook")
    assert row.failed_permanently and "401" in row.last_error  # a 401 is not retried
    assert receiver.accepted == []


def test_a_rejected_call_is_retried_with_backoff_and_holds_back_the_next_one(
        client, org, clerk, subscribed, receiver, django_capture_on_commit_callbacks):
    receiver.answers = [503]
    dossier = submit(client, subscribed[1], online_version(), org.c1, django_capture_on_commit_callbacks)
    first = Notification.objects.get(dossier=dossier, channel="webhook")
    assert first.sent_at is None and first.next_attempt_at > timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        routing.online_accept(dossier=dossier, clerk=clerk)
    # The later changes wait behind the first one: nothing accepted out of order.
    assert receiver.accepted == []
    assert Notification.objects.filter(dossier=dossier, channel="webhook", sent_at__isnull=True).count() == 3
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=2)):
        send_pending_notifications(min_age=0)
    assert [p["dossier"]["national_status"] for p in receiver.payloads()] == [1, 2, 4]
    assert len(receiver.received) == 4  # the rejected call, then three


def test_delivery_log_shows_calls_and_resends_one(client, org, subscribed, receiver, superuser_client,
                                                  django_capture_on_commit_callbacks):
    receiver.answers = [410]
    dossier = submit(client, subscribed[1], online_version(), org.c1, django_capture_on_commit_callbacks)
    row = Notification.objects.get(dossier=dossier, channel="webhook")
    assert row.failed_permanently
    page = superuser_client.get("/integration/deliveries/")
    assert page.status_code == 200
    assert dossier.code in page.content.decode() and "410" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = superuser_client.post(f"/integration/deliveries/{row.pk}/resend/")
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.sent_at and not row.failed_permanently
    assert json.loads(receiver.accepted[0]["body"])["dossier"]["code"] == dossier.code


def test_only_administrators_see_the_delivery_log(client, clerk):
    client.force_login(clerk)
    pass_second_step(client, clerk)
    assert client.get("/integration/deliveries/").status_code == 403
    assert client.get("/integration/clients/").status_code == 403
    assert client.post("/integration/deliveries/1/resend/").status_code == 403
