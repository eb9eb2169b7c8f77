// Electronic declarations: show a field only when its condition (data-show-if) holds. Without
// JavaScript every field shows and the server ignores the answers of hidden ones.
(function () {
  function value(form, prefix, key) {
    const els = form.querySelectorAll('[name="' + prefix + "-" + key + '"]');
    for (const el of els) {
      if (el.type === "checkbox") return el.checked;
      if (el.type === "radio") { if (el.checked) return el.value; continue; }
      return el.value;
    }
    return "";
  }
  function holds(form, prefix, cond) {
    const v = value(form, prefix, cond.field);
    if ("equals" in cond) return v === cond.equals;
    if ("in" in cond) return cond.in.includes(v);
    const filled = v !== "" && v !== false;
    return cond.filled === false ? !filled : filled;
  }
  function refresh(form) {
    form.querySelectorAll("[data-show-if]").forEach(function (el) {
      el.classList.toggle("d-none", !holds(form, el.dataset.prefix, JSON.parse(el.dataset.showIf)));
    });
  }
  document.querySelectorAll("form[data-eform]").forEach(function (form) {
    form.addEventListener("change", function () { refresh(form); });
    refresh(form);
  });
})();
