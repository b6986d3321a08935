// Status page: the "copy code" button (data-copy="<code>", data-copied="<translated confirmation>").
// Shown only where the browser can copy. A file of its own: the Content-Security-Policy forbids inline scripts.
(function () {
  "use strict";
  function copyBySelection(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "fb-offscreen";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    return ok;
  }
  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).then(function () { return true; }, function () { return copyBySelection(text); });
    }
    return Promise.resolve(copyBySelection(text));
  }
  var canCopy = (navigator.clipboard && window.isSecureContext) || (document.queryCommandSupported && document.queryCommandSupported("copy"));
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    if (!canCopy) return;
    var label = button.querySelector("[data-copy-label]") || button;
    var original = label.textContent;
    button.hidden = false;
    button.addEventListener("click", function () {
      copy(button.dataset.copy).then(function (ok) {
        if (!ok) return;
        label.textContent = button.dataset.copied;
        button.classList.add("btn-success");
        setTimeout(function () { label.textContent = original; button.classList.remove("btn-success"); }, 2000);
      });
    });
  });
})();
