"""Issue 19 item 6: sessions end after idle time (15 minutes for staff), after an absolute
lifetime, and at once when the account is deactivated."""

import datetime

from django.utils import timezone

MINUTES = datetime.timedelta(minutes=1)


def test_a_staff_session_ends_after_15_idle_minutes(client_for, clerk, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    client = client_for(clerk)
    assert client.get("/counter/").status_code == 200
    time_machine.shift(14 * MINUTES)
    assert client.get("/counter/").status_code == 200  # activity keeps it alive
    time_machine.shift(14 * MINUTES)
    assert client.get("/counter/").status_code == 200
    time_machine.shift(16 * MINUTES)
    response = client.get("/counter/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session


def test_a_citizen_session_has_its_own_idle_timeout(client_for, citizen, time_machine, settings):
    time_machine.move_to(timezone.now(), tick=False)
    client = client_for(citizen)
    client.get("/my/")
    time_machine.shift(30 * MINUTES)
    assert client.get("/my/").status_code == 200
    time_machine.shift(61 * MINUTES)
    assert client.get("/my/").status_code == 302


def test_the_idle_timeout_is_configurable(client_for, clerk, time_machine, settings):
    settings.SESSION_IDLE_TIMEOUT_STAFF = 5 * 60
    time_machine.move_to(timezone.now(), tick=False)
    client = client_for(clerk)
    client.get("/counter/")
    time_machine.shift(6 * MINUTES)
    assert client.get("/counter/").status_code == 302


def test_a_session_ends_after_its_absolute_lifetime_whatever_the_activity(client_for, citizen, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    client = client_for(citizen)
    for _ in range(12 * 2):
        assert client.get("/my/").status_code == 200
        time_machine.shift(30 * MINUTES)
    assert client.get("/my/").status_code == 302


def test_sessions_of_a_deactivated_account_end_at_once(client_for, citizen, clerk):
    from django.test import Client

    citizen_client = client_for(citizen)
    clerk_client = Client()
    clerk_client.force_login(clerk)
    from tests.helpers import pass_second_step

    pass_second_step(clerk_client, clerk)
    assert citizen_client.get("/my/").status_code == 200
    assert clerk_client.get("/counter/").status_code == 200
    for user in (citizen, clerk):
        user.is_active = False
        user.save()
    assert citizen_client.get("/my/").status_code == 302
    assert clerk_client.get("/counter/").status_code == 302
