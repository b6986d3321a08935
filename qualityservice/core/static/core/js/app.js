// Small progressive enhancements hooked by data-* attributes (no inline scripts: CSP).
(function () {
  "use strict";
  // Forms marked data-once disable their submit buttons after the first submit so a
  // double click sends one request (the server also deduplicates).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-once]")) return;
    if (form.dataset.submitted === "1") { event.preventDefault(); return; }
    form.dataset.submitted = "1";
    form.querySelectorAll("button[type=submit], input[type=submit]").forEach(function (b) {
      // Keep the clicked button's name/value in the submitted data.
      setTimeout(function () { b.disabled = true; }, 0);
    });
  }, true);
  // data-confirm="message" on buttons asks before submitting.
  document.addEventListener("click", function (event) {
    var el = event.target.closest("[data-confirm]");
    if (el && !window.confirm(el.dataset.confirm)) event.preventDefault();
  });
  // data-autosubmit on a select submits its form when changed.
  document.addEventListener("change", function (event) {
    if (event.target.matches("[data-autosubmit]")) event.target.form.requestSubmit();
  });
})();
