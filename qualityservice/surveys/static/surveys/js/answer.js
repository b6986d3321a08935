// Survey answering: autosave of each question into the server-side draft, and skip logic.
(function () {
  "use strict";
  var form = document.querySelector("form[data-survey-form]");
  if (!form) return;
  var saveUrl = form.dataset.saveUrl;
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]");
  var token = form.querySelector("input[name=t]");
  var timers = {};
  // Saves go one after another: the first one creates the draft (and, on a signed-in survey, the session
  // entry that finds it again), so a second one sent before that answer came back could start a draft of its own.
  var queue = Promise.resolve();

  function answerValues(questionId) {
    var values = [];
    form.querySelectorAll("[data-question='" + questionId + "'] input:checked").forEach(function (el) { values.push(el.value); });
    return values;
  }

  // Skip logic: a block with data-show-if shows when the earlier question's answer is one of its
  // data-show-values (space-separated answer numbers, e.g. "0 1 2 3 4 5 6").
  function applySkipLogic() {
    var changed = true, guard = 0;
    while (changed && guard++ < 10) {
      changed = false;
      form.querySelectorAll("[data-show-if]").forEach(function (block) {
        var parent = form.querySelector("[data-question='" + block.dataset.showIf + "']");
        var parentShown = parent && !parent.classList.contains("d-none");
        var wanted = (block.dataset.showValues || "").split(" ");
        var show = parentShown && answerValues(block.dataset.showIf).some(function (v) { return wanted.indexOf(v) !== -1; });
        if (show === block.classList.contains("d-none")) {
          block.classList.toggle("d-none", !show);
          changed = true;
        }
      });
    }
  }

  function setStatus(block, ok, text) {
    var status = block.querySelector("[data-status]");
    if (!status) return;
    status.textContent = text;
    status.classList.toggle("text-success", ok);
    status.classList.toggle("text-danger", !ok);
  }

  function save(block) {
    if (!saveUrl) return;
    var data = new FormData();
    data.append("csrfmiddlewaretoken", csrf.value);
    if (token && token.value) data.append("t", token.value);
    var fields = block.querySelectorAll("input, textarea, select");
    var names = {};
    fields.forEach(function (el) { names[el.name] = true; });
    fields.forEach(function (el) {
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) return;
      data.append(el.name, el.value);
    });
    // An empty multiple choice / cleared text still has to reach the server.
    Object.keys(names).forEach(function (name) { if (!data.has(name)) data.append(name, ""); });
    block.dataset.saving = "1";
    queue = queue.then(function () {
      return fetch(saveUrl, { method: "POST", body: data, credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
        .then(function (resp) { return resp.json().then(function (json) { return { ok: resp.ok && json.ok, json: json }; }); })
        .then(function (result) {
          setStatus(block, result.ok, result.ok ? form.dataset.savedText : (result.json.error || form.dataset.errorText));
        })
        .catch(function () { setStatus(block, false, form.dataset.errorText); })
        .finally(function () { delete block.dataset.saving; block.dataset.saved = "1"; });
    });
  }

  form.addEventListener("change", function (event) {
    var block = event.target.closest("[data-question]");
    applySkipLogic();
    if (block) save(block);
  });
  form.addEventListener("input", function (event) {
    if (event.target.tagName !== "TEXTAREA") return;
    var block = event.target.closest("[data-question]");
    clearTimeout(timers[block.dataset.question]);
    timers[block.dataset.question] = setTimeout(function () { save(block); }, 800);
  });
  applySkipLogic();
})();
