"""axe-core on every page the browser tests visit (project rule: 0 serious/critical violations).

conftest.py hands the tests an ``AuditedBrowser`` instead of the raw Chromium: every context it opens,
and every page in it, is watched. A page is audited

* on each ``load`` of its main frame (every navigation, form post and redirect), and after each htmx swap
  (``htmx:afterSettle``), while the test goes on; and
* once more, in its final state, when the test's body has returned or when the test closes the context.

The key of an audit is the URL and a fingerprint of the DOM's structure (tags, classes, ARIA and state
attributes, not the text), so each distinct page state is audited once. Documents that are not HTML (a
PDF opened in the page, a download) are skipped. axe-core is the vendored copy in vendor/axe-core/
(VERSION says which), evaluated in the page (``add_script_tag`` would be an inline script, which the
portal's Content-Security-Policy refuses, and the audit would silently not run); nothing is loaded from
a CDN.

The same watch fails a test on any Content-Security-Policy violation the browser reports on a page
(an inline script or handler, a source outside the policy): a policy that breaks a page is a defect.

Violations of impact "serious" or "critical" fail the test when its body has returned (see the
``pytest_runtest_call`` hook in conftest.py), each with its rule, help, first targets and URL.

Opt-out: ``ALLOWED`` below, for one rule on pages whose path matches a regular expression, and only
for a violation inside a vendored third-party widget that cannot be fixed in our templates or CSS.
Write the reason beside it. Prefer fixing.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Error as PlaywrightError

AXE_JS = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
AXE_SOURCE = AXE_JS.read_text()
FAILING_IMPACTS = {"serious", "critical"}
MAX_TARGETS = 3

# (axe rule id, regular expression searched in the page's path) -> why it is allowed.
ALLOWED: dict[tuple[str, str], str] = {}

# The page's URL and a fingerprint of its structure, or null when the document is not HTML.
FINGERPRINT_JS = """() => {
  if (!/^(text\\/html|application\\/xhtml\\+xml)$/.test(document.contentType) || !document.body) return null;
  const parts = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (el.tagName === 'SCRIPT') continue;
    parts.push(el.tagName);
    for (const attr of el.attributes) {
      if (attr.name === 'class' || attr.name === 'role' || attr.name === 'type' || attr.name === 'hidden'
          || attr.name === 'disabled' || attr.name === 'open' || attr.name.startsWith('aria-')) {
        parts.push(attr.name + '=' + attr.value);
      }
    }
  }
  const text = parts.join('|');
  let hash = 0;
  for (let i = 0; i < text.length; i++) hash = (hash * 31 + text.charCodeAt(i)) | 0;
  return location.href + '#' + parts.length + ':' + hash;
}"""

RUN_JS = """async () => {
  const results = await axe.run(document, {resultTypes: ['violations']});
  return results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    targets: v.nodes.map(n => n.target.join(' ')),
    summary: v.nodes.length ? (v.nodes[0].failureSummary || '') : '',
  }));
}"""

# Tells Python that htmx swapped part of the page (the binding is added to each watched context).
HTMX_JS = """document.addEventListener('htmx:afterSettle', () => {
  if (window.__axeSettled) window.__axeSettled();
});"""


def allowed(rule, url):
    path = urlsplit(url).path
    return any(rule == allowed_rule and re.search(pattern, path) for allowed_rule, pattern in ALLOWED)


@dataclass
class PageState:
    running: bool = False
    dirty: bool = False


@dataclass
class Audit:
    """The axe results of one test's pages."""

    seen: set = field(default_factory=set)
    violations: list = field(default_factory=list)
    pages: dict = field(default_factory=dict)  # page -> PageState
    csp_violations: list = field(default_factory=list)

    def watch_context(self, context):
        context.expose_binding("__axeSettled", lambda source: self._changed(source["page"]))
        context.add_init_script(script=HTMX_JS)
        context.on("page", self.watch_page)
        for page in context.pages:
            self.watch_page(page)
        close = context.close

        def audit_then_close(*args, **kwargs):
            for page in context.pages:
                self.flush(page)
            return close(*args, **kwargs)

        context.close = audit_then_close

    def watch_page(self, page):
        if page in self.pages:
            return
        self.pages[page] = PageState()
        page.on("load", lambda: self._changed(page))
        page.on("console", lambda message: self._console(page, message))

    def _console(self, page, message):
        if "Content Security Policy" in message.text:
            found = f"{page.url}: {message.text}"
            if found not in self.csp_violations:
                self.csp_violations.append(found)

    def _changed(self, page):
        """The page loaded or swapped content: audit it now, in the event's own greenlet; a change
        during a run is audited once that run ends."""
        state = self.pages.get(page)
        if state is None:
            return
        state.dirty = True
        if state.running:
            return
        state.running = True
        try:
            while state.dirty and not page.is_closed():
                state.dirty = False
                self._audit(page)
        finally:
            state.running = False

    def flush(self, page):
        """Audit the page as it is now, after any run in progress."""
        state = self.pages.get(page)
        if state is None or page.is_closed():
            return
        for _ in range(400):  # wait for a run in progress (at most ~10 s), letting Playwright's events flow
            if not state.running or page.is_closed():
                break
            page.wait_for_timeout(25)
        if not page.is_closed():
            state.running = True
            try:
                self._audit(page)
            finally:
                state.running = False

    def finish(self):
        """Audit every open page's final state; the failure message, or None when all is clean."""
        for page in list(self.pages):
            try:
                self.flush(page)
            except PlaywrightError:
                pass
        return self.report()

    def _audit(self, page):
        try:
            key = page.evaluate(FINGERPRINT_JS)
            if key is None or key in self.seen:
                return
            url = page.url
            if not page.evaluate("typeof window.axe !== 'undefined'"):
                page.evaluate(AXE_SOURCE)
            found = page.evaluate(RUN_JS)
        except PlaywrightError:
            # The page navigated or closed meanwhile: its next load (or the final flush) audits it.
            return
        self.seen.add(key)
        for violation in found:
            if violation["impact"] in FAILING_IMPACTS and not allowed(violation["id"], url):
                violation["url"] = url
                if violation not in self.violations:  # the same on another state of the page
                    self.violations.append(violation)

    def report(self):
        if not self.violations and not self.csp_violations:
            return None
        lines = [f"Content-Security-Policy violation: {v}" for v in self.csp_violations]
        if not self.violations:
            return "\n".join(lines)
        lines.append(f"axe-core: {len(self.violations)} serious/critical accessibility violation(s)")
        for v in self.violations:
            targets = ", ".join(v["targets"][:MAX_TARGETS])
            more = f" (+{len(v['targets']) - MAX_TARGETS} more)" if len(v["targets"]) > MAX_TARGETS else ""
            summary = " ".join(v["summary"].split())[:300]
            lines.append(
                f"- [{v['impact']}] {v['id']}: {v['help']}\n    url: {v['url']}\n    targets: {targets}{more}\n"
                f"    {summary}\n    {v['helpUrl']}"
            )
        return "\n".join(lines)


class AuditedBrowser:
    """The session's Chromium, with every context (and page) it opens watched by one test's Audit."""

    def __init__(self, browser, audit):
        self._browser = browser
        self._audit = audit

    def new_context(self, **kwargs):
        # No CSS transitions (Bootstrap honours prefers-reduced-motion): axe, which runs while the test
        # goes on, never measures a half-faded element's contrast.
        kwargs.setdefault("reduced_motion", "reduce")
        context = self._browser.new_context(**kwargs)
        self._audit.watch_context(context)
        return context

    def new_page(self, **kwargs):
        context = self.new_context(**kwargs)
        page = context.new_page()
        # Like Browser.new_page: closing the page closes its context.
        page.on("close", lambda: context.close())
        return page

    def __getattr__(self, name):
        return getattr(self._browser, name)
