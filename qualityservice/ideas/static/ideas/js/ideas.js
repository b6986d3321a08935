// Golden ideas: small enhancements hooked by data-* attributes (no inline scripts: CSP).
(function () {
  "use strict";
  // The idea form: show the amount for a quantified benefit, the words for a qualitative one.
  function toggleBenefit(form) {
    var unit = form.querySelector("[name=benefit_unit]");
    if (!unit) return;
    var qualitative = unit.value === "qualitative";
    form.querySelectorAll("[data-benefit=amount]").forEach(function (el) { el.hidden = qualitative; });
    form.querySelectorAll("[data-benefit=note]").forEach(function (el) { el.hidden = !qualitative && unit.value !== ""; });
  }
  document.querySelectorAll("[data-idea-form]").forEach(function (form) {
    toggleBenefit(form);
    form.addEventListener("change", function (event) {
      if (event.target.name === "benefit_unit") toggleBenefit(form);
    });
  });
  // The measurement form: meter readings and tariffs only for what a meter measures.
  function toggleUnit(form) {
    var unit = form.querySelector("[name=unit]");
    if (!unit) return;
    form.querySelectorAll("[data-unit]").forEach(function (el) {
      el.hidden = el.dataset.unit.split(" ").indexOf(unit.value) < 0;
    });
  }
  document.querySelectorAll("[data-measure-form]").forEach(function (form) {
    toggleUnit(form);
    form.addEventListener("change", function (event) {
      if (event.target.name === "unit") toggleUnit(form);
    });
  });
})();
