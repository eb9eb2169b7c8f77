"""Issue 19 item 1: sign-in and password-reset guessing cannot be sidestepped."""

import datetime
import logging

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from portal.models import Throttle
from tests.factories import PASSWORD, CitizenFactory


def _login(client, username, password="sai-mat-khau", ip="10.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_changing_the_case_of_the_email_gives_no_more_guesses(client, db):
    citizen = CitizenFactory(email="an.nguyen@example.vn")
    for typed in ["an.nguyen@example.vn", "AN.NGUYEN@example.vn", "An.Nguyen@Example.VN", " an.nguyen@EXAMPLE.vn ",
                  "aN.nGuyen@example.VN"]:
        _login(client, typed)
    response = _login(client, "an.nguyen@example.vn", PASSWORD)
    assert response.status_code == 429
    assert "Đăng nhập tạm bị khóa" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert Throttle.objects.get(scope="login-account").key == f"user:{citizen.pk}"


def test_the_id_number_the_email_and_the_username_share_one_count(client, db):
    citizen = CitizenFactory(email="binh@example.vn")
    typed_forms = [citizen.personal_id, "BINH@example.vn", citizen.username.upper(), citizen.personal_id,
                   "binh@example.vn"]
    for typed in typed_forms:
        _login(client, typed)
    assert _login(client, citizen.personal_id, PASSWORD).status_code == 429


def test_changing_address_gives_no_more_guesses_at_one_account(client, clerk):
    for n in range(5):
        _login(client, "clerk", ip=f"198.51.100.{n}")
    response = _login(client, "clerk", PASSWORD, ip="203.0.113.99")
    assert response.status_code == 429


def test_one_address_trying_many_accounts_is_locked(client, clerk):
    for n in range(20):
        _login(client, f"ai-do-{n}@example.vn", ip="203.0.113.5")
    assert _login(client, "clerk", PASSWORD, ip="203.0.113.5").status_code == 429
    assert _login(client, "clerk", PASSWORD, ip="203.0.113.6").status_code == 302


def test_the_lock_grows_and_ends(client, clerk, time_machine, caplog):
    time_machine.move_to(timezone.now(), tick=False)
    caplog.set_level(logging.WARNING, logger="portal.security")
    for _ in range(5):
        _login(client, "clerk")
    first = Throttle.objects.get(scope="login-account").locked_until
    assert first - timezone.now() == datetime.timedelta(minutes=15)
    assert "throttle lock scope=login-account" in caplog.text
    time_machine.shift(datetime.timedelta(minutes=16))
    for _ in range(5):
        _login(client, "clerk")
    second = Throttle.objects.get(scope="login-account").locked_until
    assert second - timezone.now() == datetime.timedelta(minutes=30)
    time_machine.shift(datetime.timedelta(minutes=31))
    assert _login(client, "clerk", PASSWORD).status_code == 302


def test_the_message_is_plain_vietnamese_with_the_time(client, clerk):
    for _ in range(4):
        _login(client, "clerk")
    body = _login(client, "clerk").content.decode()
    assert "Đăng nhập tạm bị khóa vì đã nhập sai mật khẩu quá nhiều lần" in body
    assert "phút nữa" in body
    assert "Quên mật khẩu" in body


def test_unknown_identifiers_are_counted_too_so_locks_reveal_nothing(client, db):
    for _ in range(5):
        _login(client, "khong-ai@example.vn")
    assert _login(client, "KHONG-AI@example.vn").status_code == 429


def test_success_forgets_the_failures(client, clerk):
    for _ in range(4):
        _login(client, "clerk")
    assert _login(client, "clerk", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        _login(client, "clerk")
    assert _login(client, "clerk", PASSWORD).status_code == 302


def test_password_reset_requests_are_limited_per_address_typed_in_any_case(client, citizen):
    citizen.email = "reset@example.vn"
    citizen.save()
    attempts = [("reset@example.vn", "10.0.0.1"), ("RESET@example.vn", "10.0.0.2"), ("Reset@Example.vn", "10.0.0.3")]
    for typed, ip in attempts:
        assert client.post(reverse("password_reset"), {"email": typed}, REMOTE_ADDR=ip).status_code == 302
    assert len(mail.outbox) == 3
    response = client.post(reverse("password_reset"), {"email": "reset@example.vn"}, REMOTE_ADDR="10.0.0.4")
    assert response.status_code == 429
    assert "Bạn đã yêu cầu lấy lại mật khẩu quá nhiều lần" in response.content.decode()
    assert len(mail.outbox) == 3


def test_password_reset_requests_are_limited_per_address(client, db):
    for n in range(10):
        client.post(reverse("password_reset"), {"email": f"nguoi-{n}@example.vn"}, REMOTE_ADDR="10.0.0.9")
    response = client.post(reverse("password_reset"), {"email": "khac@example.vn"}, REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 429


def test_limits_are_configurable(client, clerk, settings):
    settings.THROTTLE_RULES = {"login-account": {"limit": 2}}
    _login(client, "clerk")
    _login(client, "clerk")
    assert _login(client, "clerk", PASSWORD).status_code == 429
