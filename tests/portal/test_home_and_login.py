import pytest
from django.urls import reverse

from tests.factories import PASSWORD


def test_home_page_is_vietnamese(client, db):
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="vi"' in body
    assert "Tìm thủ tục hành chính" in body


def test_english_is_available(client, db):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    body = client.get("/").content.decode()
    assert '<html lang="en"' in body
    assert "Find an administrative procedure" in body


@pytest.mark.parametrize(
    "fixture, landing",
    [
        ("clerk", "/counter/"),
        ("officer", "/inbox/"),
        ("supervisor", "/supervision/dashboard/"),
        ("editor", "/catalogue/"),
        ("citizen", "/my/"),
    ],
)
def test_login_lands_on_role_home(request, client, fixture, landing):
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = request.getfixturevalue(fixture)
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD}, follow=True)
    if fixture != "citizen":  # staff: the second step first (portal/mfa.py)
        assert response.redirect_chain[-1][0].startswith(reverse("mfa_verify"))
        response = client.post(response.redirect_chain[-1][0], {"token": f"{totp(device.bin_key):06d}"}, follow=True)
    assert response.redirect_chain[-1][0] == landing
    assert response.status_code == 200


def test_wrong_password_gets_a_vietnamese_message_and_keeps_the_username(client, clerk):
    response = client.post(reverse("login"), {"username": "clerk", "password": "sai"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in body
    assert 'value="clerk"' in body


def test_repeated_failures_lock_the_account(client, clerk, settings):
    for _ in range(5):
        client.post(reverse("login"), {"username": "clerk", "password": "sai"})
    response = client.post(reverse("login"), {"username": "clerk", "password": PASSWORD})
    assert response.status_code == 429
    assert "Đăng nhập tạm bị khóa" in response.content.decode()


def test_header_shows_unit_name_for_staff(client_for, clerk):
    body = client_for(clerk).get("/counter/").content.decode()
    assert "Ủy ban nhân dân xã Mỹ Hà" in body
    assert "Một cửa" in body


def test_unknown_url_gets_vietnamese_404(client, db):
    response = client.get("/khong-ton-tai/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


def test_500_page_renders_without_database(rf):
    from portal.views import error_500

    response = error_500(rf.get("/"))
    assert response.status_code == 500
    assert "Hệ thống đang gặp sự cố" in response.content.decode()


def test_logout_requires_post_and_ends_session(client_for, clerk):
    client = client_for(clerk)
    response = client.post(reverse("logout"), follow=True)
    assert response.status_code == 200
    assert client.get("/counter/").status_code == 302


def test_password_change(client_for, clerk):
    client = client_for(clerk)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "Một-mật-khẩu-mới-2026", "new_password2": "Một-mật-khẩu-mới-2026"},
    )
    assert response.status_code == 302
    clerk.refresh_from_db()
    assert clerk.check_password("Một-mật-khẩu-mới-2026")


def test_an_english_browser_still_gets_vietnamese_until_the_user_switches(client, db):
    body = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="vi"' in body
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert '<html lang="en"' in client.get("/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
