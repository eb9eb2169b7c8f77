/* Small behaviours every page may use, declared with data attributes instead of inline
   handlers (the Content-Security-Policy allows no inline script, docs/security.md):
   - data-confirm="question" on a button or link: asks before going on;
   - data-print on a button: prints the page;
   - data-autosubmit on a select: submits its form when the choice changes;
   - data-submit-once on a form: a second click while the first submission is on its way is ignored;
   - data-no-submit on a form: never submitted (a preview). */
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
})();
