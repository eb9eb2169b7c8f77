"""Assertions shared by the test folders."""

import subprocess
import time

from django.db import connection
from django.test.utils import CaptureQueriesContext


def count_queries(func, *args, **kwargs):
    with CaptureQueriesContext(connection) as ctx:
        result = func(*args, **kwargs)
    return len(ctx.captured_queries), result, ctx.captured_queries


def assert_queries_do_not_grow(*, make_rows, fetch, small=2, large=12):
    """Assert a page costs the same number of queries for `small` and for `large` rows.

    `make_rows(n)` adds n more rows the page will show; `fetch()` renders the page and returns
    the response. Catches N+1 queries without pinning an exact number that every harmless
    change would break.
    """
    make_rows(small)
    fetch()  # both counts with warm shared caches (memberships, the bell, calendars), whatever
    count_small, response, _ = count_queries(fetch)  # make_rows saved in between
    assert response.status_code == 200, response.status_code
    make_rows(large - small)
    fetch()
    count_large, response, queries = count_queries(fetch)
    assert response.status_code == 200, response.status_code
    assert count_large == count_small, (
        f"{count_small} queries for {small} rows but {count_large} for {large}:\n"
        + "\n".join(q["sql"] for q in queries)
    )
    return count_large


def pass_second_step(client, user):
    """After client.force_login(user): the session of a staff member or superuser has passed
    the second sign-in step (portal/mfa.py) with a real, confirmed authenticator of theirs, as
    if they had typed its code. For the many tests about what staff see, not how they sign in
    (tests/portal/test_mfa.py covers that)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from portal.mfa import mfa_required

    if not mfa_required(user):
        return
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="test", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
_REAL_PDF = []


def real_pdf(name="trich-luc.pdf"):
    """A readable PDF (WeasyPrint), as a result document must be: the portal signs results,
    and refuses a result it cannot read."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from portal.pdf import html_to_pdf

    if not _REAL_PDF:
        _REAL_PDF.append(html_to_pdf("<h1>Kết quả giải quyết</h1><p>Văn bản mẫu của phép thử.</p>"))
    return SimpleUploadedFile(name, _REAL_PDF[0], content_type="application/pdf")


def wait_for(predicate, timeout=30, interval=0.2):
    """Poll `predicate` until it is true (True) or `timeout` seconds have passed (False)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


def stop_process(process, *, grace=20):
    """Stop a subprocess started by a test: SIGTERM, then SIGKILL after `grace` seconds."""
    if process and process.poll() is None:
        process.terminate()
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
