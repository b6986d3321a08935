// Feedback pages: show the name/contact fields only when "stay anonymous" is unticked;
// "select all" checkbox of the inbox. Hooked by data-* attributes (CSP: no inline scripts).
(function () {
  "use strict";
  function syncIdentity(box) {
    var target = document.querySelector('[data-identity-for="' + box.id + '"]');
    if (target) target.classList.toggle("fb-hidden", box.checked);
  }
  document.querySelectorAll("[data-identity-for]").forEach(function (el) {
    var box = document.getElementById(el.dataset.identityFor);
    if (!box) return;
    syncIdentity(box);
    box.addEventListener("change", function () { syncIdentity(box); });
  });
  document.querySelectorAll("[data-select-all]").forEach(function (all) {
    all.addEventListener("change", function () {
      document.querySelectorAll('input[name="' + all.dataset.selectAll + '"]').forEach(function (b) { b.checked = all.checked; });
    });
  });
})();
