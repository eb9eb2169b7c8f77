from decimal import Decimal

import pytest
from django.core import mail
from django.db import transaction

from dossiers.models import Delivery
from dossiers.services import dossier_receive_at_counter
from procedures.models import RouteStep
from tests.dossiers.factories import published_version
from tests.factories import level
from workflow import notifications, services
from workflow.models import Notification, NotificationChannel, NotificationPreference
from workflow.tasks import send_pending_notifications  # also connects the outbox receiver

EMAIL, IN_APP, SMS = NotificationChannel.EMAIL, NotificationChannel.IN_APP, NotificationChannel.SMS


def commune_version():
    version = published_version(code="2.000201", name="Đăng ký khai sinh", processing_time=Decimal("3"))
    for order, (is_counter, budget) in enumerate([(True, "0.5"), (False, "2"), (True, "0.5")]):
        RouteStep.objects.create(version=version, order=order, is_counter=is_counter, action="Bước",
                                 handler_level=None if is_counter else level("commune"), budget=Decimal(budget))
    return version


def receive(clerk, unit, *, email="lan@example.vn", phone="0912000111", citizen=None):
    dossier = dossier_receive_at_counter(
        clerk=clerk, unit=unit, version=commune_version(),
        applicant={"applicant_name": "Hoàng Thị Lan", "applicant_phone": phone, "applicant_email": email,
                   "applicant_personal_id": "019190004321"},
        components=[], delivery=Delivery.COUNTER,
    )
    if citizen is not None:
        type(dossier).objects.filter(pk=dossier.pk).update(citizen=citizen)
        dossier.citizen = citizen
    return dossier


@pytest.fixture
def sms_log(settings, tmp_path):
    settings.NOTIFY_SMS_LOG_PATH = str(tmp_path / "sms.log")
    return tmp_path / "sms.log"


def test_reception_writes_email_and_sms_to_a_walk_in_applicant_and_sends_them_after_commit(
        org, clerk, django_capture_on_commit_callbacks, sms_log):
    with django_capture_on_commit_callbacks(execute=True):
        dossier = receive(clerk, org.c1)
        assert Notification.objects.filter(dossier=dossier, sent_at__isnull=True).count() == 2
        assert mail.outbox == []
    rows = Notification.objects.filter(dossier=dossier, kind="received")
    assert sorted(rows.values_list("channel", "address")) == [(EMAIL, "lan@example.vn"), (SMS, "0912000111")]
    assert all(row.sent_at for row in rows)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["lan@example.vn"]
    assert dossier.code in message.subject and "tiếp nhận" in message.subject
    assert "Hoàng Thị Lan" not in message.subject
    assert dossier.code in message.body and message.alternatives[0][1] == "text/html"
    assert message.extra_headers["Message-ID"].startswith("<notification-")
    assert "0912000111" in sms_log.read_text() and dossier.code in sms_log.read_text()


def test_a_rolled_back_action_leaves_no_notification(org, clerk, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        receive(clerk, org.c1)
        raise RuntimeError("rollback")
    assert Notification.objects.count() == 0 and mail.outbox == []


def test_a_citizen_account_gets_the_bell_and_respects_channel_preferences(
        org, clerk, citizen, officer_c1, django_capture_on_commit_callbacks):
    NotificationPreference.objects.create(user=citizen, sms=False)
    dossier = receive(clerk, org.c1, citizen=citizen)
    with django_capture_on_commit_callbacks(execute=True):
        services.supplement_request(dossier=dossier, actor=clerk, reason="Thiếu giấy chứng sinh",
                                    missing_components=["Giấy chứng sinh"])
    rows = Notification.objects.filter(dossier=dossier, kind="supplement_requested")
    assert sorted(rows.values_list("channel", flat=True)) == [EMAIL, IN_APP]
    bell = rows.get(channel=IN_APP)
    assert bell.recipient == citizen and bell.sent_at
    assert dossier.code in notifications.for_display([bell])[0].subject
    assert notifications.unread_count(citizen) == 1
    assert notifications.mark_read(user=citizen, pk=bell.pk) == 1
    assert notifications.unread_count(citizen) == 0


def test_forwarding_tells_the_officers_of_the_next_unit_in_app(
        org, clerk, officer_c1, leader_c1, other_clerk, django_capture_on_commit_callbacks):
    dossier = receive(clerk, org.c1, email="", phone="")
    with django_capture_on_commit_callbacks(execute=True):
        services.dossier_forward(dossier=dossier, actor=clerk)
    rows = Notification.objects.filter(dossier=dossier, kind="transferred")
    assert set(rows.values_list("recipient__username", "channel")) == {("officer_c1", IN_APP),
                                                                         ("leader_c1", IN_APP)}


def test_a_notification_is_sent_once_however_often_it_is_delivered(org, clerk, django_capture_on_commit_callbacks):
    dossier = receive(clerk, org.c1, phone="")
    row = Notification.objects.get(dossier=dossier, channel=EMAIL)
    assert notifications.deliver(row.pk) == "sent"
    assert notifications.deliver(row.pk) is None
    assert send_pending_notifications(min_age=0) == 0
    assert len(mail.outbox) == 1


def test_a_claim_is_exclusive_until_it_expires(org, clerk, settings):
    dossier = receive(clerk, org.c1, phone="")
    row = Notification.objects.get(dossier=dossier, channel=EMAIL)
    assert notifications.claim(row.pk) is not None
    assert notifications.claim(row.pk) is None
    settings.NOTIFY_CLAIM_TIMEOUT = 0
    assert notifications.claim(row.pk) is not None  # a killed worker's claim is taken over


def test_provider_errors_back_off_then_fail_permanently(org, clerk, settings, monkeypatch):
    settings.NOTIFY_MAX_ATTEMPTS = 3
    dossier = receive(clerk, org.c1, phone="")
    row = Notification.objects.get(dossier=dossier, channel=EMAIL)

    def broken(**kwargs):
        raise ConnectionRefusedError("SMTP down")

    monkeypatch.setattr(notifications.channels, "send_email", broken)
    assert notifications.deliver(row.pk) == "retry"
    row.refresh_from_db()
    assert row.attempts == 1 and "SMTP down" in row.last_error and row.next_attempt_at and row.claimed_at is None
    assert notifications.deliver(row.pk) is None  # waiting for its backoff
    for _attempt in (2, 3):
        Notification.objects.filter(pk=row.pk).update(next_attempt_at=None)
        result = notifications.deliver(row.pk)
    assert result == "failed"
    row.refresh_from_db()
    assert row.failed_permanently and row.sent_at is None and row.attempts == 3
    assert row.pk not in notifications.pending_ids(min_age=0)


def test_reception_succeeds_when_the_broker_is_down_and_the_resend_task_sends_later(
        org, clerk, monkeypatch, django_capture_on_commit_callbacks):
    from workflow.tasks import send_notification

    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("Redis is down")

    monkeypatch.setattr(send_notification, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        dossier = receive(clerk, org.c1, phone="")
    assert dossier.pk and mail.outbox == []
    monkeypatch.undo()
    assert send_pending_notifications(min_age=0) == 1
    assert len(mail.outbox) == 1 and Notification.objects.get(dossier=dossier, channel=EMAIL).sent_at


def test_english_speakers_get_english_templates_rendered_in_their_language(org, clerk, citizen):
    NotificationPreference.objects.create(user=citizen, language="en")
    row = Notification(recipient=citizen, channel=EMAIL, kind="received", address="x@example.vn", language="en",
                       context={"code": "P01-261120-0001", "procedure": "Birth", "receiving_unit": "C1",
                                "due_at": "2026-11-23T10:00:00+00:00"})
    subject, text, html = notifications.render(row)
    assert "P01-261120-0001" in subject and "17:00 23/11/2026" in text
    assert "<html lang=\"en\">" in html
