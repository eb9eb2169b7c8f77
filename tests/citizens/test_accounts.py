import pytest
from django.contrib.auth import authenticate
from django.core import mail
from django.urls import reverse

from citizens import services
from citizens.identity import IdentityClaims, IdentityProvider
from citizens.models import CitizenProfile
from portal.models import User
from workflow.models import Notification
from workflow.notifications.channels import SmsProvider

SIGNUP = {"full_name": "Trần Thị Mai", "personal_id": "001190001234", "phone": "0912 345 678",
          "email": "mai@example.vn", "password1": "Khai$inh2026", "password2": "Khai$inh2026"}


def test_signup_creates_an_account_and_sends_the_verification_link(client, db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("citizens:signup"), SIGNUP)
    assert response.status_code == 200 and 'data-testid="signup-done"' in response.content.decode()
    user = User.objects.get(personal_id="001190001234")
    assert user.full_name == "Trần Thị Mai" and user.phone == "0912345678" and user.username == "001190001234"
    assert CitizenProfile.objects.get(user=user).email_verified_at is None
    assert len(mail.outbox) == 1 and "xác thực" in mail.outbox[0].subject.lower()
    html, mimetype = mail.outbox[0].alternatives[0]
    assert mimetype == "text/html" and '<a href="http' in html
    link = next(line for line in mail.outbox[0].body.splitlines() if "/account/verify-email/" in line)
    client.get(link[link.index("/account/"):])
    assert CitizenProfile.objects.get(user=user).email_verified_at is not None
    client.post(reverse("login"), {"username": "mai@example.vn", "password": SIGNUP["password1"]})
    assert client.get(reverse("citizens:my_dossiers")).status_code == 200


@pytest.mark.parametrize("field, value, message", [
    ("personal_id", "12345", "12 chữ số"),
    ("personal_id", "", "Vui lòng nhập số định danh"),
    ("phone", "123", "Số điện thoại không hợp lệ"),
    ("email", "khong-phai-email", "Thư điện tử không hợp lệ"),
    ("password2", "khac-nhau", "không khớp"),
])
def test_signup_errors_are_vietnamese_and_keep_what_was_typed(client, db, field, value, message):
    response = client.post(reverse("citizens:signup"), {**SIGNUP, field: value})
    assert response.status_code == 200
    content = response.content.decode()
    assert message in content
    assert 'value="Trần Thị Mai"' in content
    assert not User.objects.exists()


def test_signup_with_an_existing_id_number_creates_nothing(client, citizen):
    response = client.post(reverse("citizens:signup"), {**SIGNUP, "personal_id": citizen.personal_id})
    assert 'data-testid="signup-done"' in response.content.decode()  # the page says nothing more
    assert User.objects.filter(personal_id=citizen.personal_id).count() == 1
    assert not User.objects.filter(email="mai@example.vn").exists()


def test_login_by_id_number_or_email(db, citizen, rf):
    from tests.factories import PASSWORD

    request = rf.post("/accounts/login/")
    assert authenticate(request, username=citizen.personal_id, password=PASSWORD) == citizen
    assert authenticate(request, username=citizen.email.upper(), password=PASSWORD) == citizen
    assert authenticate(request, username=citizen.personal_id, password="wrong") is None
    assert authenticate(request, username="999999999999", password=PASSWORD) is None


def test_login_page_accepts_the_id_number(client, citizen):
    from tests.factories import PASSWORD

    response = client.post(reverse("login"), {"username": citizen.personal_id, "password": PASSWORD})
    assert response.status_code == 302


def test_clerk_creates_an_account_for_a_walk_in_citizen_with_a_one_time_link(client_for, clerk, org):
    client = client_for(clerk)
    response = client.post(reverse("citizens:assisted_account"),
                           {"full_name": "Vũ Văn Cường", "personal_id": "034090001111", "phone": "0987654321"})
    assert response.status_code == 200
    link = response.context["link"]
    created = User.objects.get(personal_id="034090001111")
    assert not created.has_usable_password() and created.citizen_profile.created_by == clerk
    client.logout()
    path = link[link.index("/account/"):]
    response = client.post(path, {"password1": "Cuong@2026x", "password2": "Cuong@2026x"})
    assert response.status_code == 302
    created.refresh_from_db()
    assert created.check_password("Cuong@2026x")
    client.logout()
    assert client.get(path).status_code == 400  # one time only


def test_only_clerks_create_accounts(client_for, citizen):
    assert client_for(citizen).get(reverse("citizens:assisted_account")).status_code == 403


def test_profile_prefills_and_edits(client_for, citizen):
    client = client_for(citizen)
    response = client.post(reverse("citizens:profile"), {"full_name": "Nguyễn Văn An", "phone": "0911111111",
                                                         "email": citizen.email, "birth_date": "1990-05-01",
                                                         "address": "Thôn 2"})
    assert response.status_code == 302
    initial = services.applicant_initial(User.objects.get(pk=citizen.pk))
    assert initial["applicant_phone"] == "0911111111" and initial["applicant_address"] == "Thôn 2"
    assert initial["applicant_birth_date"] == "1990-05-01"


class FakeProvider(IdentityProvider):
    label = "VNeID thử"

    def authorization_url(self, *, request, state, callback_url):
        return f"{callback_url}?state={state}&code=ok"

    def complete(self, *, request, callback_url):
        return IdentityClaims(personal_id="001088000777", full_name="Đỗ Minh Khoa", phone="0900000777")


def test_an_identity_provider_plugs_in_without_touching_views(client, db, settings):
    settings.CITIZEN_IDENTITY_PROVIDERS = {"vneid": {"class": "tests.citizens.test_accounts.FakeProvider"}}
    response = client.get(reverse("citizens:identity_start", args=["vneid"]))
    response = client.get(response.url)
    assert response.status_code == 302 and response.url == reverse("citizens:my_dossiers")
    user = User.objects.get(personal_id="001088000777")
    assert user.citizen_profile.identity_provider == "vneid"
    assert client.get(reverse("citizens:identity_start", args=["nope"])).status_code == 404


def test_identity_callback_without_the_state_is_refused(client, db, settings):
    settings.CITIZEN_IDENTITY_PROVIDERS = {"vneid": {"class": "tests.citizens.test_accounts.FakeProvider"}}
    client.get(reverse("citizens:identity_callback", args=["vneid"]) + "?state=forged")
    assert not User.objects.filter(personal_id="001088000777").exists()


def test_the_phone_code_goes_by_sms_through_the_outbox_and_verifies(client_for, citizen, settings,
                                                                      django_capture_on_commit_callbacks):
    settings.NOTIFY_SMS_PROVIDER = "tests.citizens.test_accounts.RecordingSms"
    RecordingSms.sent = []
    with django_capture_on_commit_callbacks(execute=True):
        services.verification_send(user=citizen)
    code = services.phone_code(citizen)
    assert [(phone, code in text) for phone, text in RecordingSms.sent] == [(citizen.phone, True)]
    row = Notification.objects.get(recipient=citizen, channel="sms", kind="verify_phone")
    assert row.sent_at and "secret" not in row.context and code not in row.subject + row.body
    response = client_for(citizen).post(reverse("citizens:verify_phone"), {"code": "000000" if code != "000000"
                                                                           else "111111"})
    assert "không đúng" in response.content.decode()
    client_for(citizen).post(reverse("citizens:verify_phone"), {"code": code})
    assert CitizenProfile.objects.get(user=citizen).phone_verified_at is not None


class RecordingSms(SmsProvider):
    """An SMS gateway that keeps what it was given (NOTIFY_SMS_PROVIDER in tests)."""

    sent = []

    def send(self, *, phone, text, key):
        RecordingSms.sent.append((phone, text))
        return key
