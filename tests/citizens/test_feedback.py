import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from citizens import services
from citizens.models import Feedback
from portal import workdays


def test_anyone_sends_feedback_and_gets_a_tracking_code_and_a_due_date(client, db):
    response = client.post(reverse("citizens:feedback_new"), {
        "kind": "complaint", "sender_name": "Phạm Văn Tú", "sender_email": "tu@example.vn",
        "subject": "Chờ lâu", "body": "Tôi phải chờ hơn một giờ tại quầy."})
    feedback = Feedback.objects.get()
    assert response.url == reverse("citizens:feedback_detail", args=[feedback.tracking_code])
    assert feedback.due_at == workdays.add_working_days(feedback.created_at, 15)
    page = client.get(response.url).content.decode()
    assert feedback.tracking_code in page and "tu@example.vn" not in page


def test_feedback_without_contact_or_subject_explains(client, db):
    response = client.post(reverse("citizens:feedback_new"), {"kind": "proposal", "sender_name": "A", "body": "x"})
    content = response.content.decode()
    assert "Để lại thư điện tử hoặc số điện thoại" in content and "Vui lòng nhập tiêu đề" in content
    assert not Feedback.objects.exists()


def test_a_supervisor_answers_and_the_sender_sees_it(client_for, client, supervisor, clerk, org):
    feedback = services.feedback_submit(sender=None, kind="proposal", sender_name="Lý Thị Hạnh",
                                        sender_phone="0912000999", subject="Mở cửa thứ Bảy",
                                        body="Đề nghị làm việc sáng thứ Bảy.", unit=org.c1)
    assert client_for(clerk).get(reverse("citizens:feedback_manage")).status_code == 403
    staff = client_for(supervisor)
    assert feedback.tracking_code in staff.get(reverse("citizens:feedback_manage")).content.decode()
    staff.post(reverse("citizens:feedback_answer", args=[feedback.tracking_code]),
               {"answer": "Đã bố trí từ tháng sau."})
    feedback.refresh_from_db()
    assert feedback.answered_by == supervisor and feedback.answered_on_time
    staff.logout()
    assert "Đã bố trí từ tháng sau." in client.get(
        reverse("citizens:feedback_detail", args=[feedback.tracking_code])).content.decode()


def test_a_signed_in_sender_hears_of_the_answer_under_the_bell_by_email_and_by_sms(
        client_for, supervisor, citizen, org, settings, mailoutbox, django_capture_on_commit_callbacks):
    from tests.citizens.test_accounts import RecordingSms
    from workflow.models import Notification

    settings.NOTIFY_SMS_PROVIDER = "tests.citizens.test_accounts.RecordingSms"
    settings.PUBLIC_BASE_URL = "https://motcua.example.gov.vn"
    RecordingSms.sent = []
    feedback = services.feedback_submit(sender=citizen, kind="complaint", sender_name=citizen.full_name,
                                        sender_email="an@example.vn", sender_phone="0912000999",
                                        subject="Chờ lâu", body="Tôi chờ hơn một giờ.", unit=org.c1)
    with django_capture_on_commit_callbacks(execute=True):
        services.feedback_answer(feedback=feedback, supervisor=supervisor, answer="Đã bố trí thêm một quầy.")
    assert [m.to for m in mailoutbox] == [["an@example.vn"]]
    assert "Đã bố trí thêm một quầy." in mailoutbox[0].body
    assert [phone for phone, _text in RecordingSms.sent] == ["0912000999"]
    assert f"/feedback/{feedback.tracking_code}/" in RecordingSms.sent[0][1]
    row = Notification.objects.get(recipient=citizen, channel="in_app")
    assert row.channel == "in_app" and row.read_at is None
    client = client_for(citizen)
    assert 'data-testid="notification-unread">1<' in client.get(reverse("citizens:my_dossiers")).content.decode()
    page = client.get(reverse("workflow:notifications")).content.decode()
    assert "Phản ánh, kiến nghị của ông/bà đã được trả lời" in page and "Đã bố trí thêm một quầy." in page
    assert reverse("citizens:feedback_detail", args=[feedback.tracking_code]) in page


def test_an_anonymous_sender_is_told_only_at_the_contact_they_gave(supervisor, org, mailoutbox,
                                                                  django_capture_on_commit_callbacks):
    from workflow.models import Notification

    feedback = services.feedback_submit(sender=None, kind="proposal", sender_name="Lý Thị Hạnh",
                                        sender_email="hanh@example.vn", subject="Mở cửa thứ Bảy",
                                        body="Đề nghị làm việc sáng thứ Bảy.", unit=org.c1)
    with django_capture_on_commit_callbacks(execute=True):
        services.feedback_answer(feedback=feedback, supervisor=supervisor, answer="Đã bố trí từ tháng sau.")
    assert [m.to for m in mailoutbox] == [["hanh@example.vn"]]
    rows = Notification.objects.filter(kind="feedback_answered")
    assert list(rows.values_list("channel", "address", "recipient")) == [("email", "hanh@example.vn", None)]
    assert not Notification.objects.filter(channel="in_app").exists()


def test_a_supervisor_of_another_district_cannot_answer(supervisor_d1, org):
    feedback = services.feedback_submit(sender=None, kind="complaint", sender_name="A", sender_phone="0912000999",
                                        subject="x", body="y", unit=org.c3)
    with pytest.raises(PermissionDenied):
        services.feedback_answer(feedback=feedback, supervisor=supervisor_d1, answer="z")


def test_the_guide_lists_the_steps(client, version):
    page = client.get(reverse("citizens:guide", args=[version.procedure.national_code])).content.decode()
    assert "Giấy chứng sinh" in page and "Nộp hồ sơ trực tuyến" in page


def test_unanswered_feedback_past_its_due_date_is_flagged(client_for, supervisor, org):
    import datetime

    from django.utils import timezone

    feedback = services.feedback_submit(sender=None, kind="complaint", sender_name="A", sender_phone="0912000999",
                                        subject="Quá hạn", body="y", unit=org.c1)
    Feedback.objects.filter(pk=feedback.pk).update(due_at=timezone.now() - datetime.timedelta(days=1))
    assert "quá hạn" in client_for(supervisor).get(reverse("citizens:feedback_manage")).content.decode()
