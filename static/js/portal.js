/* Small behaviours every page may use, declared with data attributes instead of inline
   handlers (the Content-Security-Policy allows no inline script, docs/security.md):
   - data-confirm="question" on a button or link: asks before going on;
   - data-print on a button: prints the page;
   - data-autosubmit on a select: submits its form when the choice changes;
   - data-submit-once on a form: a second click while the first submission is on its way is ignored;
   - data-no-submit on a form: never submitted (a preview).
   And every wide table that scrolls sideways (.table-responsive wider than the screen) becomes a
   keyboard-reachable region (tabindex=0, role=region) named by its caption or the heading before it,
   so that keyboard users can scroll it too (axe-core: scrollable-region-focusable).
   A page that comes back with errors (a long form) scrolls to the first field in error and puts
   the cursor in it; each error is written beside its field by the server (issue 20). */
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-confirm], [data-print]");
    if (!target) return;
    if (target.hasAttribute("data-confirm") && !window.confirm(target.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopImmediatePropagation();
      return;
    }
    if (target.hasAttribute("data-print")) {
      event.preventDefault();
      window.print();
    }
  });

  document.addEventListener("change", function (event) {
    var select = event.target.closest("select[data-autosubmit]");
    if (select && select.form) select.form.requestSubmit ? select.form.requestSubmit() : select.form.submit();
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.hasAttribute("data-no-submit")) {
      event.preventDefault();
      return;
    }
    if (form.hasAttribute("data-submit-once")) {
      var button = form.querySelector("[type=submit], button:not([type])");
      if (form.dataset.sent) {
        event.preventDefault();
        return;
      }
      form.dataset.sent = "1";
      if (button) button.classList.add("disabled");
    }
  });

  function headingBefore(element) {
    for (var node = element; node && node !== document.body; node = node.parentElement) {
      for (var sibling = node.previousElementSibling; sibling; sibling = sibling.previousElementSibling) {
        if (/^H[1-6]$/.test(sibling.tagName)) return sibling;
        var inner = sibling.querySelectorAll("h1, h2, h3, h4, h5, h6");
        if (inner.length) return inner[inner.length - 1];
      }
    }
    return null;
  }

  function markScrollers() {
    document.querySelectorAll(".table-responsive").forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      var added = (box.getAttribute("data-scroll-region") || "").split(" ").filter(Boolean);
      if (!scrolls) {
        added.concat(["data-scroll-region"]).forEach(function (a) { box.removeAttribute(a); });
        return;
      }
      if (box.hasAttribute("data-scroll-region")) return;
      var table = box.querySelector("table");
      var heading = headingBefore(box) || document.querySelector("h1");
      var name = (table && table.caption && table.caption.textContent) || (table && table.getAttribute("aria-label"))
        || (heading && heading.textContent) || document.title;
      var wanted = {tabindex: "0", role: "region", "aria-label": name.replace(/\s+/g, " ").trim()};
      Object.keys(wanted).forEach(function (a) {
        if (a === "aria-label" && box.hasAttribute("aria-labelledby")) return;
        if (!box.hasAttribute(a)) {
          box.setAttribute(a, wanted[a]);
          added.push(a);
        }
      });
      box.setAttribute("data-scroll-region", added.join(" "));
    });
  }

  var resizeTimer;
  window.addEventListener("resize", function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(markScrollers, 150);
  });
  document.addEventListener("htmx:afterSettle", markScrollers);

  function showFirstError() {
    var field = document.querySelector("main form .is-invalid, main form [aria-invalid=true]");
    var message = field || document.querySelector("main form .invalid-feedback, main form .alert-danger");
    if (!message) return;
    message.scrollIntoView({block: "center"});
    if (field && typeof field.focus === "function") field.focus({preventScroll: true});
  }

  function ready() {
    markScrollers();
    showFirstError();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();
