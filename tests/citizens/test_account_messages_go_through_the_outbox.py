"""Citizen-account and feedback messages are outbox rows like every dossier notice: an SMTP
relay that is down never turns a committed sign-up, activation or feedback into an error page,
the message waits (with its error) and goes out on a later resend run; and a delivered row no
longer holds the one-time link it carried."""

import datetime
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse
from django.utils import timezone

from citizens import services
from citizens.models import CitizenProfile, Feedback
from portal.models import User
from tests.citizens.test_accounts import SIGNUP
from workflow.models import Notification
from workflow.notifications import outbox
from workflow.tasks import send_pending_notifications


class SmtpDownBackend(BaseEmailBackend):
    """The mail relay refuses every message."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPException("451 relay unavailable")


@pytest.fixture
def smtp_down(settings):
    settings.EMAIL_BACKEND = f"{__name__}.SmtpDownBackend"
    settings.NOTIFY_EMAIL_BACKEND = ""
    return settings


def pending_email(kind):
    row = Notification.objects.get(kind=kind, channel="email")
    assert row.sent_at is None and not row.failed_permanently
    assert row.attempts == 1 and "451 relay unavailable" in row.last_error and row.next_attempt_at
    return row


def relay_back_and_resend_later(settings, time_machine):
    """The relay works again; beat's resend task runs once the backoff has passed."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    time_machine.move_to(timezone.now() + datetime.timedelta(minutes=2), tick=False)
    return send_pending_notifications()


def test_signup_succeeds_while_smtp_is_down_and_the_link_goes_out_later(
        client, db, smtp_down, time_machine, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("citizens:signup"), SIGNUP, follow=True)
    assert response.status_code == 200 and 'data-testid="signup-done"' in response.content.decode()
    user = User.objects.get(personal_id=SIGNUP["personal_id"])
    row = pending_email("verify_email")
    assert row.address == "mai@example.vn" and row.recipient == user and mail.outbox == []

    assert relay_back_and_resend_later(smtp_down, time_machine) == 1
    row.refresh_from_db()
    assert row.sent_at and row.last_error == ""
    assert [message.to for message in mail.outbox] == [["mai@example.vn"]]
    link = next(line for line in mail.outbox[0].body.splitlines() if "/account/verify-email/" in line)
    client.get(link[link.index("/account/"):])
    assert CitizenProfile.objects.get(user=user).email_verified_at is not None


def test_an_account_opened_at_the_counter_survives_smtp_down_and_the_activation_link_goes_out_later(
        client_for, clerk, org, smtp_down, time_machine, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(clerk).post(reverse("citizens:assisted_account"), {
            "full_name": "Vũ Văn Cường", "personal_id": "034090001111", "phone": "0987654321",
            "email": "cuong@example.vn"})
    assert response.status_code == 200 and response.context["created"].personal_id == "034090001111"
    link = response.context["link"]
    assert link in response.content.decode()
    row = pending_email("activation")
    assert row.context["secret"]["url"] == link

    assert relay_back_and_resend_later(smtp_down, time_machine) == 1
    message = mail.outbox[0]
    assert message.to == ["cuong@example.vn"] and "Kích hoạt" in message.subject
    assert link in message.body and f'href="{link}"' in message.alternatives[0][0]
    assert "Vũ Văn Cường" in message.body and org.c1.name in message.body


def test_feedback_survives_smtp_down_and_the_receipt_goes_out_later(
        client, db, smtp_down, time_machine, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("citizens:feedback_new"), {
            "kind": "complaint", "sender_name": "Phạm Văn Tú", "sender_email": "tu@example.vn",
            "subject": "Chờ lâu", "body": "Tôi phải chờ hơn một giờ tại quầy."}, follow=True)
    feedback = Feedback.objects.get()
    assert response.status_code == 200 and feedback.tracking_code in response.content.decode()
    pending_email("feedback_received")

    assert relay_back_and_resend_later(smtp_down, time_machine) == 1
    message = mail.outbox[0]
    assert message.to == ["tu@example.vn"] and feedback.tracking_code in message.subject
    assert timezone.localtime(feedback.due_at).strftime("%d/%m/%Y") in message.body


def test_a_feedback_answer_survives_smtp_down_and_goes_out_later(
        client_for, supervisor, org, smtp_down, time_machine, django_capture_on_commit_callbacks):
    feedback = services.feedback_submit(sender=None, kind="proposal", sender_name="Lý Thị Hạnh",
                                        sender_email="hanh@example.vn", subject="Mở cửa thứ Bảy",
                                        body="Đề nghị làm việc sáng thứ Bảy.", unit=org.c1)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(supervisor).post(reverse("citizens:feedback_answer", args=[feedback.tracking_code]),
                                               {"answer": "Đã bố trí từ tháng sau."})
    assert response.status_code == 302
    feedback.refresh_from_db()
    assert feedback.answered_at is not None
    pending_email("feedback_answered")

    assert relay_back_and_resend_later(smtp_down, time_machine) == 2  # with the receipt, never attempted
    answer = next(m for m in mail.outbox if "trả lời" in m.subject)
    assert answer.to == ["hanh@example.vn"] and "Đã bố trí từ tháng sau." in answer.body


def test_a_delivered_verification_keeps_no_usable_link_in_the_outbox(citizen, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.verification_send(user=citizen)
    link = next(line for line in mail.outbox[0].body.splitlines() if "/account/verify-email/" in line)
    token = link.rstrip("/").rsplit("/", 1)[1]
    row = Notification.objects.get(kind="verify_email")
    assert row.sent_at and "secret" not in row.context and row.context["secret_removed_at"]
    assert token not in row.body and "[…]" in row.body
    assert token not in str(Notification.objects.filter(recipient=citizen).values_list("context", "subject", "body"))


def test_a_verification_that_failed_for_good_forgets_its_link_and_is_not_resent(citizen, settings, smtp_down):
    settings.NOTIFY_MAX_ATTEMPTS = 1
    services.verification_send(user=citizen)
    row = Notification.objects.get(kind="verify_email")
    assert outbox.deliver(row.pk) == "failed"
    row.refresh_from_db()
    assert row.failed_permanently and "secret" not in row.context
    # A supervisor's "retry" cannot send an e-mail without its link: the citizen asks for a new one.
    smtp_down.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    Notification.objects.filter(pk=row.pk).update(failed_permanently=False, attempts=0)
    assert outbox.deliver(row.pk) == "failed" and mail.outbox == []


def test_an_online_submission_is_confirmed_to_the_citizen_from_the_submit_event(
        citizen, version, org, settings, django_capture_on_commit_callbacks):
    from tests.citizens.conftest import submitted
    from tests.citizens.test_accounts import RecordingSms

    settings.NOTIFY_SMS_PROVIDER = "tests.citizens.test_accounts.RecordingSms"
    RecordingSms.sent = []
    with django_capture_on_commit_callbacks(execute=True):
        dossier = submitted(citizen, version, org)
    rows = Notification.objects.filter(dossier=dossier, kind="online_submitted")
    assert sorted(rows.values_list("channel", "recipient")) == [
        ("email", citizen.pk), ("in_app", citizen.pk), ("sms", citizen.pk)]
    assert all(row.sent_at for row in rows)
    message = next(m for m in mail.outbox if dossier.code in m.subject)
    assert message.to == [citizen.email] and "nộp trực tuyến" in message.body and org.c1.name in message.body
    assert [(phone, dossier.code in text) for phone, text in RecordingSms.sent] == [(citizen.phone, True)]
