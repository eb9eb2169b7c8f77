"""Playwright in Debian's Chromium against pytest-django's live server.

Every page a test opens, through the ``page``, ``phone_page`` or ``session`` fixtures or its own
``browser.new_context()``, is audited with the vendored axe-core (see a11y.py): a serious or critical
violation fails the test.
"""

import os
from pathlib import Path

import pytest

from tests.e2e.a11y import Audit, AuditedBrowser
from tests.factories import PASSWORD

# Playwright's sync API runs an event loop in the test thread; Django's ORM is still used
# synchronously from it (factories), which is safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def live_server(django_db_setup, live_server):
    """The plugin's live server, set up after (so torn down before) the test database: its
    thread's connection would otherwise block dropping the database at the end of the run."""
    return live_server


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
                  "--no-first-run", "--disable-component-update", "--disable-sync"],
        )
        yield browser
        browser.close()


@pytest.fixture
def browser(chromium, request):
    """The session's Chromium for one test: every context and page opened from it is audited by axe."""
    audit = Audit()
    request.node.axe_audit = audit
    return AuditedBrowser(chromium, audit)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """Once the test's body has passed, audit its pages' final states and fail on any serious or
    critical axe violation found during the test (before the fixtures close the contexts)."""
    result = yield
    audit = getattr(item, "axe_audit", None)
    if audit is not None:
        report = audit.finish()
        if report:
            pytest.fail(report, pytrace=False)
    return result


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def phone_page(browser, live_server):
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="vi-VN", base_url=live_server.url
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def login(page, username, password=PASSWORD):
    """Sign in as a person would: password, then for staff the second step with a code of
    their authenticator (tests.e2e.conftest.second_step_code)."""
    _enrol(username)
    page.goto("/accounts/login/")
    page.get_by_test_id("login-form").get_by_label("Tên đăng nhập").fill(username)
    page.get_by_test_id("login-form").get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state()
    if "/accounts/mfa/" in page.url:
        page.get_by_label("Mã xác thực").fill(second_step_code(username))
        page.get_by_role("button", name="Xác nhận").click()
        page.wait_for_load_state()


def _enrol(username):
    """Staff have set their authenticator up before (tests/portal/test_mfa.py covers the setup)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from portal.mfa import mfa_required
    from portal.models import User

    user = User.objects.filter(username=username).first()
    if user is not None and mfa_required(user) and not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        TOTPDevice.objects.create(user=user, name="e2e", confirmed=True)


def second_step_code(username):
    """A code the staff member's authenticator would show now. The test's own authenticator
    is enrolled (a confirmed TOTP device) on first use; a TOTP code is accepted once per
    30-second step, so a second sign-in of the same person within one step uses one of
    their recovery codes instead, as a person would."""
    import time

    from django_otp.oath import totp
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from portal.models import User

    user = User.objects.get(username=username)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="e2e", confirmed=True)
    if device.last_t < int(time.time() - device.t0) // device.step:
        return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    recovery, _created = StaticDevice.objects.get_or_create(user=user, name="recovery")
    token = StaticToken.random_token()
    recovery.token_set.create(token=token)
    return token


@pytest.fixture
def session(browser, live_server):
    """session(username) -> a new signed-in page of its own (several people at once)."""
    contexts = []

    def open_as(username):
        context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        login(page, username)
        return page

    yield open_as
    for context in contexts:
        context.close()


def screenshot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
