"""Issue 19 items 1 and 6 on citizen accounts: sign-up that reveals nothing and is throttled,
an activation link of its own, long passwords, the ID number reclaimed at the counter, and a
clerk's pre-fill that trusts only verified contact data."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from citizens import services
from citizens.models import CitizenProfile
from portal.models import User
from tests.factories import CitizenFactory

SIGNUP = {"full_name": "Trần Thị Mai", "personal_id": "001190001234", "phone": "0912 345 678",
          "email": "mai@example.vn", "password1": "Khai$inh2026", "password2": "Khai$inh2026"}


def _signup(client, ip="10.0.0.1", **changes):
    return client.post(reverse("citizens:signup"), {**SIGNUP, **changes}, REMOTE_ADDR=ip)


def _page(response):
    return response.status_code, response.content.decode().replace(SIGNUP["email"], "")


def test_signup_does_not_tell_whether_an_id_number_or_email_has_an_account(client, db,
                                                                           django_capture_on_commit_callbacks):
    CitizenFactory(personal_id="001190009999", email="da-co@example.vn")
    with django_capture_on_commit_callbacks(execute=True):
        new = _signup(client)
        taken_id = _signup(client, personal_id="001190009999", email="khac@example.vn", ip="10.0.0.2")
        taken_email = _signup(client, personal_id="001190007777", email="DA-CO@example.vn", ip="10.0.0.3")
    pages = [_page(r) for r in (new, taken_id, taken_email)]
    assert pages[0][0] == pages[1][0] == pages[2][0] == 200
    assert all("Kiểm tra hộp thư của bạn" in body for _status, body in pages)
    assert "đã có tài khoản" not in pages[1][1].split("Kiểm tra hộp thư")[0]
    assert "_auth_user_id" not in client.session  # nobody is signed in by the page
    assert User.objects.filter(personal_id__in=["001190009999", "001190007777"]).count() == 1
    assert User.objects.get(personal_id="001190001234").email == "mai@example.vn"
    # The owners hear about it by e-mail instead.
    notices = [m for m in mail.outbox if "Yêu cầu đăng ký" in m.subject]
    assert {address for m in notices for address in m.to} == {"da-co@example.vn", "khac@example.vn"}


def test_a_new_account_signs_in_with_its_password_after_sign_up(client, db):
    _signup(client)
    response = client.post(reverse("login"), {"username": "001190001234", "password": "Khai$inh2026"})
    assert response.status_code == 302


def test_signup_keeps_next_for_the_sign_in_on_the_same_screen(client, db):
    response = client.post(reverse("citizens:signup") + "?next=/procedures/1.000001/submit/", SIGNUP)
    page = BeautifulSoup(response.content, "html.parser")
    form = page.find("form", attrs={"data-testid": "signup-login-form"})
    assert form["action"] == reverse("login")
    assert form.find("input", attrs={"name": "next"})["value"] == "/procedures/1.000001/submit/"
    assert form.find("input", attrs={"name": "username"})["value"] == SIGNUP["personal_id"]
    signed_in = client.post(reverse("login"), {"username": SIGNUP["personal_id"], "password": SIGNUP["password1"],
                                               "next": "/procedures/1.000001/submit/"})
    assert signed_in.status_code == 302 and signed_in["Location"] == "/procedures/1.000001/submit/"


def test_sign_in_page_folds_the_sign_up_form_keeping_next(client, db):
    response = client.get(reverse("login") + "?next=/procedures/1.000001/submit/")
    page = BeautifulSoup(response.content, "html.parser")
    form = page.find("form", attrs={"data-testid": "signup-form"})
    assert form.find_parent("details") is not None
    assert form["action"] == reverse("citizens:signup") + "?next=/procedures/1.000001/submit/"


def test_signup_with_an_outside_next_drops_it(client, db):
    response = client.post(reverse("citizens:signup") + "?next=https://evil.example/", SIGNUP)
    page = BeautifulSoup(response.content, "html.parser")
    form = page.find("form", attrs={"data-testid": "signup-login-form"})
    assert form.find("input", attrs={"name": "next"})["value"] == ""


def test_signup_attempts_are_throttled_per_id_number_whatever_the_address(client, db):
    for n in range(3):
        _signup(client, ip=f"10.0.1.{n}", email=f"thu{n}@example.vn")
    response = _signup(client, ip="10.0.2.1", email="thu-nua@example.vn")
    assert response.status_code == 429 and "Bạn đăng ký quá nhiều lần" in response.content.decode()


def test_signup_attempts_are_throttled_per_address(client, db):
    for n in range(10):
        _signup(client, personal_id=f"0011900{n:05d}", email=f"nguoi{n}@example.vn")
    assert _signup(client, personal_id="001190088888", email="cuoi@example.vn").status_code == 429


@pytest.mark.parametrize("password", ["Mai@2026x", "password1234", "1234567890"])
def test_short_or_common_passwords_are_refused(client, db, password):
    response = _signup(client, password1=password, password2=password)
    assert response.status_code == 200 and "Kiểm tra hộp thư" not in response.content.decode()
    assert not User.objects.exists()


def _assisted(clerk, org, **fields):
    user, link = services.citizen_create_assisted(clerk=clerk, unit=org.c1, full_name="Vũ Văn Cường",
                                                  personal_id=fields.get("personal_id", "034090001111"),
                                                  phone="0987654321")
    return user, link[link.index("/account/"):]


def test_a_password_reset_token_does_not_activate(client, clerk, org):
    user, _path = _assisted(clerk, org)
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    forged = reverse("citizens:activate", args=[uid, default_token_generator.make_token(user)])
    assert client.get(forged).status_code == 400


def test_the_activation_link_never_re_enables_a_deactivated_account(client, clerk, org):
    user, path = _assisted(clerk, org)
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert client.get(path).status_code == 400
    response = client.post(path, {"password1": "Cuong@2026xyz", "password2": "Cuong@2026xyz"})
    assert response.status_code == 400
    user.refresh_from_db()
    assert not user.is_active and not user.has_usable_password()


def test_wrong_activation_links_are_throttled(client, db):
    for n in range(10):
        client.get(reverse("citizens:activate", args=[f"MT{n}", "abc-123"]), REMOTE_ADDR="10.0.5.5")
    response = client.get(reverse("citizens:activate", args=["MTA", "abc-123"]), REMOTE_ADDR="10.0.5.5")
    assert response.status_code == 429


def test_the_owner_reclaims_an_id_number_registered_by_someone_else(client_for, clerk, org, client):
    squatter = CitizenFactory(personal_id="034090002222", email="ke-mao-danh@example.vn")
    from django.test import Client

    squatter_client = Client()
    squatter_client.force_login(squatter)
    assert squatter_client.get("/my/").status_code == 200
    counter = client_for(clerk)
    refused = counter.post(reverse("citizens:assisted_account"),
                           {"full_name": "Vũ Văn Cường", "personal_id": "034090002222", "phone": "0987654321"})
    assert "đã có tài khoản" in refused.content.decode()
    response = counter.post(reverse("citizens:assisted_account"),
                            {"full_name": "Vũ Văn Cường", "personal_id": "034090002222", "phone": "0987654321",
                             "reclaim": "on"})
    assert response.status_code == 200 and response.context["link"]
    owner = User.objects.get(personal_id="034090002222")
    assert owner != squatter and owner.full_name == "Vũ Văn Cường"
    squatter.refresh_from_db()
    assert squatter.personal_id is None and not squatter.is_active
    assert squatter_client.get("/my/").status_code == 302  # the squatter's session ended


def test_reclaiming_is_for_clerks_and_never_takes_a_staff_account(client_for, clerk, officer, org, citizen):
    from django.core.exceptions import PermissionDenied, ValidationError

    officer.personal_id = "034090003333"
    officer.save()
    with pytest.raises(ValidationError):
        services.personal_id_reclaim(clerk=clerk, unit=org.c1, full_name="X", personal_id="034090003333",
                                     phone="0987654321")
    with pytest.raises(PermissionDenied):
        services.personal_id_reclaim(clerk=citizen, unit=org.c1, full_name="X", personal_id="034090003333",
                                     phone="0987654321")


def test_the_clerks_prefill_ignores_unverified_contact_data(client_for, clerk, db):
    squatter = CitizenFactory(personal_id="034090004444", phone="0911111111", email="gia-mao@example.vn")
    CitizenProfile.objects.create(user=squatter)
    client = client_for(clerk)
    body = client.get(reverse("workflow:applicant_lookup"), {"applicant_personal_id": "034090004444"}).content.decode()
    assert "0911111111" not in body and "gia-mao@example.vn" not in body
    CitizenProfile.objects.filter(user=squatter).update(phone_verified_at=timezone.now(),
                                                        email_verified_at=timezone.now())
    body = client.get(reverse("workflow:applicant_lookup"), {"applicant_personal_id": "034090004444"}).content.decode()
    assert "0911111111" in body and "gia-mao@example.vn" in body



def test_after_activation_the_citizen_stays_signed_in(client, clerk, org):
    _user, path = _assisted(clerk, org)
    response = client.post(path, {"password1": "Cuong@2026xyz", "password2": "Cuong@2026xyz"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("citizens:my_dossiers")
    assert response.status_code == 200
