"""First load of the public home page and of a procedure page: at most 200 KB transferred, compressed as
the server serves it (issue 20).

The static files are collected as in production (CompressedManifestStaticFilesStorage: hashed names,
.gz and .br copies) and served by WhiteNoise from a server of the test's own (pytest-django's live server
would serve static files itself, uncompressed). A fresh browser context has an empty cache; the weight
is the sum of every response's headers and encoded body (Chromium asks for br and gzip).
"""

import threading

import pytest
from django.core.management import call_command
from django.test.testcases import LiveServerThread
from django.urls import reverse

from tests.e2e.conftest import PHONE
from tests.e2e.every_page import load_demo_data

BUDGET = 200 * 1024


@pytest.fixture
def production_static(settings, tmp_path, transactional_db):
    """A server whose static files are the collected, compressed ones, served by WhiteNoise."""
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}
    settings.WHITENOISE_KEEP_ONLY_HASHED_FILES = True  # what the pages load; halves the compression time
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("collectstatic", interactive=False, verbosity=0)
    load_demo_data()
    server = LiveServerThread("127.0.0.1", static_handler=lambda application: application)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    yield f"http://127.0.0.1:{server.port}"
    server.terminate()
    server.join()


def first_load(browser, base_url, path, viewport):
    context = browser.new_context(viewport=viewport, locale="vi-VN", base_url=base_url)
    page = context.new_page()
    lock = threading.Lock()
    transfers = []

    def finished(request):
        sizes = request.sizes()
        response = request.response()
        with lock:
            transfers.append((request.url, sizes["responseHeadersSize"] + sizes["responseBodySize"],
                              response.headers.get("content-encoding", "") if response else ""))

    page.on("requestfinished", finished)
    page.goto(path, wait_until="networkidle")
    page.wait_for_timeout(300)
    context.close()
    return transfers


@pytest.mark.timeout(900)
def test_home_and_procedure_page_first_load_at_most_200_kb(browser, production_static):
    from procedures.models import Procedure

    procedure = Procedure.objects.filter(name__icontains="khai sinh").order_by("national_code").first()
    pages = {"home": reverse("index"), "procedure": reverse("procedures:detail", args=[procedure.national_code])}
    report = []
    for name, path in pages.items():
        for width, viewport in (("1280", {"width": 1280, "height": 900}), ("390", PHONE)):
            transfers = first_load(browser, production_static, path, viewport)
            total = sum(size for _url, size, _encoding in transfers)
            report.append((name, width, total, transfers))
            print(f"\n{name} ({path}) at {width} px: {total / 1024:.1f} KB in {len(transfers)} responses")
            for url, size, encoding in sorted(transfers, key=lambda t: -t[1]):
                print(f"  {size / 1024:7.1f} KB {encoding or 'identity':8} {url.replace(production_static, '')}")
    static = [(url, encoding) for *_rest, transfers in report for url, _size, encoding in transfers
              if "/static/" in url and not url.endswith(".woff2")]
    assert static and all(encoding in ("br", "gzip") for _url, encoding in static), static
    over = [(name, width, total) for name, width, total, _transfers in report if total > BUDGET]
    assert not over, f"first load over {BUDGET // 1024} KB: {over}"
