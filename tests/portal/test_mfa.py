"""Issue 19 item 6: staff and superusers sign in with a second step (TOTP or a recovery code),
set up on their first sign-in; the admin is for superusers past that step only, at a
configurable path, optionally for some addresses only."""

import importlib
import re

import pytest
from django.test import Client
from django.urls import clear_url_caches, reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD, UserFactory
from tests.helpers import pass_second_step


def _code(device, shift=0):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=shift):06d}"


def _sign_in(client, user):
    return client.post(reverse("login"), {"username": user.username, "password": PASSWORD})


def test_after_the_password_staff_reach_nothing_but_the_second_step(client, clerk):
    response = _sign_in(client, clerk)
    assert response.status_code == 302
    for url in ("/counter/", "/home/", "/units/"):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("mfa_setup")), url


def test_the_first_sign_in_sets_the_authenticator_up_and_gives_recovery_codes(client, clerk):
    _sign_in(client, clerk)
    page = client.get(reverse("mfa_setup") + "?next=/counter/")
    body = page.content.decode()
    assert page.status_code == 200 and "<svg" in body and 'data-testid="mfa-key"' in body
    device = TOTPDevice.objects.get(user=clerk, confirmed=False)
    wrong = client.post(reverse("mfa_setup"), {"token": "000000" if _code(device) != "000000" else "111111"})
    assert "Mã xác thực không đúng" in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=clerk, confirmed=True).exists()
    done = client.post(reverse("mfa_setup"), {"token": _code(device), "next": "/counter/"})
    codes = re.findall(r"<li>([a-z0-9]{8})</li>", done.content.decode())
    assert len(codes) == 10
    assert TOTPDevice.objects.get(user=clerk).confirmed
    assert client.get("/counter/").status_code == 200


def test_the_next_sign_in_asks_for_a_code(client, clerk):
    device = TOTPDevice.objects.create(user=clerk, name="app", confirmed=True)
    _sign_in(client, clerk)
    response = client.get("/counter/")
    assert response.url.startswith(reverse("mfa_verify"))
    assert client.post(reverse("mfa_verify"), {"token": _code(device), "next": "/counter/"}).url == "/counter/"
    assert client.get("/counter/").status_code == 200


def test_a_code_is_accepted_once(client, clerk):
    device = TOTPDevice.objects.create(user=clerk, name="app", confirmed=True)
    _sign_in(client, clerk)
    code = _code(device)
    client.post(reverse("mfa_verify"), {"token": code})
    client.post(reverse("logout"))
    _sign_in(client, clerk)
    replay = client.post(reverse("mfa_verify"), {"token": code})
    assert replay.status_code == 200 and "Mã xác thực không đúng" in replay.content.decode()
    assert client.get("/counter/").status_code == 302


def test_a_recovery_code_signs_in_once(client, clerk):
    from portal.mfa import recovery_codes_issue

    TOTPDevice.objects.create(user=clerk, name="app", confirmed=True)
    codes = recovery_codes_issue(user=clerk)
    _sign_in(client, clerk)
    assert client.post(reverse("mfa_verify"), {"token": codes[0].upper()}).status_code == 302
    assert client.get("/counter/").status_code == 200
    assert StaticDevice.objects.get(user=clerk).token_set.count() == 9
    client.post(reverse("logout"))
    _sign_in(client, clerk)
    assert client.post(reverse("mfa_verify"), {"token": codes[0]}).status_code == 200
    assert client.get("/counter/").status_code == 302


def test_guessing_codes_locks_the_second_step(client, clerk):
    device = TOTPDevice.objects.create(user=clerk, name="app", confirmed=True)
    _sign_in(client, clerk)
    good = _code(device)
    for n in range(5):
        client.post(reverse("mfa_verify"), {"token": f"{(int(good) + n + 1) % 10**6:06d}"})
    locked = client.post(reverse("mfa_verify"), {"token": good})
    assert locked.status_code == 429
    assert "Xác thực hai bước tạm bị khóa" in locked.content.decode()
    assert client.get("/counter/").status_code == 302


def test_citizens_are_not_asked(client, citizen):
    _sign_in(client, citizen)
    assert client.get("/my/").status_code == 200


def test_superusers_are_asked_too(client, db):
    admin = UserFactory(username="quantri", is_superuser=True, is_staff=True)
    _sign_in(client, admin)
    assert client.get("/admin/").url.startswith(reverse("mfa_setup"))


def test_the_admin_is_for_superusers_past_the_second_step(client, clerk, db):
    admin = UserFactory(username="quantri", is_superuser=True, is_staff=True)
    client.force_login(admin)
    assert client.get("/admin/").status_code == 302
    pass_second_step(client, admin)
    assert client.get("/admin/").status_code == 200
    other = Client()
    other.force_login(clerk)
    pass_second_step(other, clerk)
    assert other.get("/admin/", follow=True).status_code == 403
    anonymous = Client().get("/admin/", follow=True)
    assert anonymous.redirect_chain[-1][0].startswith(reverse("login") + "?next=/admin/")


@pytest.fixture
def superuser_client(db):
    admin = UserFactory(username="quantri", is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(admin)
    pass_second_step(client, admin)
    return client


def test_the_admin_path_is_configurable(settings, superuser_client):
    import portal.urls

    settings.ADMIN_URL = "quan-tri-7f3a/"
    try:
        importlib.reload(portal.urls)
        clear_url_caches()
        assert superuser_client.get("/quan-tri-7f3a/").status_code == 200
        assert superuser_client.get("/admin/").status_code == 404
    finally:
        settings.ADMIN_URL = "admin/"
        importlib.reload(portal.urls)
        clear_url_caches()


def test_the_admin_answers_only_allowed_addresses(settings, superuser_client):
    settings.ADMIN_ALLOWED_IPS = ["10.20.0.0/24", "192.0.2.7"]
    assert superuser_client.get("/admin/", REMOTE_ADDR="203.0.113.9").status_code == 404
    assert superuser_client.get("/admin/", REMOTE_ADDR="10.20.0.5").status_code == 200
    assert superuser_client.get("/admin/", REMOTE_ADDR="192.0.2.7").status_code == 200
    assert superuser_client.get("/counter/", REMOTE_ADDR="203.0.113.9").status_code != 404
