from decimal import Decimal

import pytest
from django.core import mail
from django.db import transaction

from procedures.models import RouteStep
from tests.dossiers.factories import published_version, walk_in
from tests.factories import level
from workflow.models import Notification, NotificationChannel, NotificationPreference
from workflow.notifications import outbox as notifications
from workflow.routing import services
from workflow.tasks import send_pending_notifications  # also connects the outbox receiver

EMAIL, IN_APP, SMS = NotificationChannel.EMAIL, NotificationChannel.IN_APP, NotificationChannel.SMS


def commune_version():
    version = published_version(code="2.000201", name="Đăng ký khai sinh", processing_time=Decimal("3"))
    for order, (is_counter, budget) in enumerate([(True, "0.5"), (False, "2"), (True, "0.5")]):
        RouteStep.objects.create(version=version, order=order, is_counter=is_counter, action="Bước",
                                 handler_level=None if is_counter else level("commune"), budget=Decimal(budget))
    return version


def receive(clerk, unit, *, email="lan@example.vn", phone="0912000111", citizen=None):
    dossier = walk_in(
        clerk=clerk, unit=unit, version=commune_version(),
        applicant={"applicant_name": "Hoàng Thị Lan", "applicant_phone": phone, "applicant_email": email,
                   "applicant_personal_id": "019190004321"},
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


# --- the bell, preferences and failures pages ----------------------------------------------------
# workflow/notify_urls.py is included from workflow/urls.py; until then this module serves as
# the URLconf of the page tests, with the notification URLs added to the workflow namespace.


def _urlpatterns():
    from django.urls import include, path

    import workflow.urls
    from portal.urls import urlpatterns as portal_patterns

    names = {p.name for p in workflow.urls.urlpatterns if hasattr(p, "name")}
    extra = [] if "notifications" in names else [path("", include("workflow.notifications.urls"))]
    patterns = [p for p in portal_patterns if getattr(p, "app_name", None) != "workflow"]
    return patterns + [path("", include((workflow.urls.urlpatterns + extra, "workflow")))]


urlpatterns = _urlpatterns()
pages = pytest.mark.urls(__name__)


@pytest.fixture
def bell_settings(settings):
    processors = settings.TEMPLATES[0]["OPTIONS"]["context_processors"]
    if "workflow.notifications.context_processors.notifications" not in processors:
        settings.TEMPLATES = [{**settings.TEMPLATES[0], "OPTIONS": {
            **settings.TEMPLATES[0]["OPTIONS"],
            "context_processors": [*processors, "workflow.notifications.context_processors.notifications"]}}]
    return settings


@pages
def test_the_bell_shows_the_unread_count_and_the_list_marks_read(org, clerk, citizen, client_for, bell_settings):
    from django.template import RequestContext, Template
    from django.test import RequestFactory

    dossier = receive(clerk, org.c1, citizen=citizen, email="", phone="")
    notifications.outbox_add(notifications.applicant_rows(dossier, kind="result_ready",
                                                          context=notifications.dossier_context(dossier)))
    request = RequestFactory().get("/")
    request.user = citizen
    bell = Template('{% include "_bell.html" %}').render(RequestContext(request, {"user": citizen}))
    assert 'data-testid="notification-unread">1<' in bell
    client = client_for(citizen)
    page = client.get("/notifications/").content.decode()
    assert f"Hồ sơ {dossier.code} đã có kết quả" in page and f"/d/{dossier.code}/" in page
    row = Notification.objects.get(recipient=citizen, channel=IN_APP)
    response = client.post(f"/notifications/{row.pk}/read/", {"next": "/notifications/"})
    assert response.status_code == 302 and response["Location"] == "/notifications/"
    assert notifications.unread_count(citizen) == 0
    other = client_for(clerk).post(f"/notifications/{row.pk}/read/")
    assert other.status_code == 404


@pages
def test_a_citizen_turns_sms_off_and_gets_no_more_sms(org, clerk, citizen, client_for):
    client = client_for(citizen)
    assert client.get("/notifications/preferences/").status_code == 200
    response = client.post("/notifications/preferences/", {"in_app": "on", "email": "on", "language": "en"})
    assert response.status_code == 302
    preference = NotificationPreference.objects.get(user=citizen)
    assert not preference.sms and preference.email and preference.language == "en"
    dossier = receive(clerk, org.c1, citizen=citizen)
    services.supplement_request(dossier=dossier, actor=clerk, reason="Thiếu giấy chứng sinh",
                                missing_components=["Giấy chứng sinh"])
    rows = Notification.objects.filter(dossier=dossier, kind="supplement_requested")
    channels = set(rows.values_list("channel", "language"))
    assert channels == {(IN_APP, "en"), (EMAIL, "en")}


@pages
def test_supervisors_see_permanent_failures_of_their_units_and_can_retry(
        org, clerk, supervisor_d1, officer_c1, client_for, django_capture_on_commit_callbacks):
    dossier = receive(clerk, org.c1, phone="")
    elsewhere = receive(clerk, org.c1, phone="")
    Notification.objects.filter(dossier__in=[dossier, elsewhere]).update(
        failed_permanently=True, attempts=6, last_error="SMTPRecipientsRefused: 550 no such user")
    type(elsewhere).objects.filter(pk=elsewhere.pk).update(receiving_unit=org.c3, current_unit=org.c3)
    page = client_for(supervisor_d1).get("/notifications/failures/").content.decode()
    assert dossier.code in page and "550 no such user" in page and elsewhere.code not in page
    assert client_for(officer_c1).get("/notifications/failures/").status_code == 403
    row = Notification.objects.get(dossier=dossier)
    client = client_for(supervisor_d1)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/notifications/failures/{row.pk}/retry/")
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.sent_at and not row.failed_permanently and len(mail.outbox) == 1


@pages
def test_the_bells_count_kept_between_pages_follows_new_and_read_notifications(org, clerk, citizen, client_for,
                                                                             django_assert_num_queries):
    """Issue 22 item 5: the count is kept in the shared cache (one query fewer on every signed-in
    page) and forgotten when in-app rows are written or marked read."""
    dossier = receive(clerk, org.c1, citizen=citizen, email="", phone="")
    assert notifications.unread_count(citizen) == 0
    with django_assert_num_queries(0):
        assert notifications.unread_count(citizen) == 0  # kept
    notifications.outbox_add(notifications.applicant_rows(dossier, kind="result_ready",
                                                          context=notifications.dossier_context(dossier)))
    assert notifications.unread_count(citizen) == 1  # forgotten by outbox_add
    notifications.outbox_add(notifications.applicant_rows(dossier, kind="result_ready",
                                                          context=notifications.dossier_context(dossier)),
                             bulk=True)
    assert notifications.unread_count(citizen) == 2  # the sweep's bulk writes too
    notifications.mark_read(user=citizen)
    assert notifications.unread_count(citizen) == 0
