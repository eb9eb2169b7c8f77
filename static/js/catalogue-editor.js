// Catalogue editor: add rows to the formsets of a version, and show the route total live.
(function () {
  "use strict";
  document.querySelectorAll("[data-formset]").forEach(function (box) {
    var prefix = box.dataset.formset;
    var total = box.querySelector("#id_" + prefix + "-TOTAL_FORMS");
    var template = box.querySelector("template");
    var body = box.querySelector("tbody");
    var button = box.querySelector("[data-add-row]");
    if (!total || !template || !body || !button) return;
    button.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      body.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      var first = body.lastElementChild && body.lastElementChild.querySelector("textarea, input:not([type=hidden]), select");
      if (first) first.focus();
      updateTotal();
    });
  });

  var timeInput = document.getElementById("id_version-processing_time");
  var output = document.getElementById("route-total");
  function updateTotal() {
    if (!output) return;
    var sum = 0;
    document.querySelectorAll("input[name^='steps-'][name$='-budget']").forEach(function (input) {
      var row = input.closest("tr");
      var del = row && row.querySelector("input[name$='-DELETE']");
      if (del && del.checked) return;
      var value = parseFloat(input.value);
      if (!isNaN(value)) sum += value;
    });
    var expected = timeInput ? parseFloat(timeInput.value) : NaN;
    output.textContent = String(Math.round(sum * 100) / 100).replace(".", ",");
    output.classList.toggle("text-danger", !isNaN(expected) && Math.abs(sum - expected) > 0.001);
    output.classList.toggle("text-success", !isNaN(expected) && Math.abs(sum - expected) <= 0.001);
  }
  document.addEventListener("input", function (event) {
    if (event.target.matches("input[name$='-budget'], #id_version-processing_time")) updateTotal();
  });
  document.addEventListener("change", function (event) {
    if (event.target.matches("input[name$='-DELETE']")) updateTotal();
  });
  updateTotal();
})();
