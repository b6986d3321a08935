// Scoring a sheet on a phone: big −/+ buttons step each value within its range, the level that matches the value
// is highlighted, the total is shown live, and every change is saved as you go (fetch POST). Unsent values are
// kept in localStorage and sent again when the connection returns or the page is reloaded, so a lost connection
// loses nothing. Hooked by data-* attributes (no inline scripts: CSP).
(function () {
  "use strict";
  var form = document.querySelector("form[data-sheet]") || document.querySelector("form.qs-sheet");
  if (!form) return;
  var autosave = form.hasAttribute("data-sheet");
  var KEY = form.dataset.key;
  var status = form.querySelector("[data-status]");
  var totalEl = form.querySelector("[data-total]");
  var timer = null, inflight = 0, retryTimer = null, retryDelay = 2000;

  function load() { try { return JSON.parse(window.localStorage.getItem(KEY) || "{}"); } catch (e) { return {}; } }
  function store(p) { try { window.localStorage.setItem(KEY, JSON.stringify(p)); } catch (e) { /* private mode */ } }
  function forget() { try { window.localStorage.removeItem(KEY); } catch (e) { /* ignore */ } }
  var pending = autosave ? load() : {};

  function num(v) { var n = parseFloat(String(v).replace(",", ".")); return isNaN(n) ? null : n; }
  function decimals(step) { var s = String(step); return s.indexOf(".") < 0 ? 0 : s.length - s.indexOf(".") - 1; }

  function setState(state, text) {
    form.dataset.state = state;
    if (status) { status.className = "small qs-save-state is-" + state; status.textContent = text || ""; }
  }

  function recompute() {
    var total = 0, any = false;
    form.querySelectorAll("[data-criterion]").forEach(function (card) {
      var input = card.querySelector("[data-value]");
      var v = num(input.value);
      card.querySelectorAll(".qs-levels li").forEach(function (li) {
        li.classList.toggle("is-current", v !== null && v >= num(li.dataset.from) && v <= num(li.dataset.to));
      });
      card.classList.toggle("is-filled", v !== null);
      if (v !== null) { total += v * num(card.dataset.weight); any = true; }
    });
    form.querySelectorAll("[data-deduction]").forEach(function (card) {
      var n = num(card.querySelector("[data-value]").value);
      if (n) total -= n * num(card.dataset.points);
    });
    if (totalEl) totalEl.textContent = any ? total.toFixed(2) : "—";
  }

  function step(input, direction) {
    var st = num(input.step) || 1, min = num(input.min), max = num(input.max);
    var v = num(input.value);
    // An empty score starts at the top of the range (most scores lie in its upper part): − steps down from there.
    if (v === null) v = (max !== null ? max : 0) - (direction > 0 ? 0 : st);
    else v = v + direction * st;
    if (min !== null && v < min) v = min;
    if (max !== null && v > max) v = max;
    input.value = String(parseFloat(v.toFixed(decimals(input.step))));
    input.dispatchEvent(new Event("input", { bubbles: true }));
    input.dispatchEvent(new Event("change", { bubbles: true }));
  }

  form.addEventListener("click", function (event) {
    var button = event.target.closest("[data-inc],[data-dec]");
    if (!button) return;
    event.preventDefault();
    step(button.parentElement.querySelector("[data-value]"), button.hasAttribute("data-inc") ? 1 : -1);
  });

  function remember(input) {
    pending[input.name] = input.value;
    store(pending);
  }

  function send() {
    var names = Object.keys(pending);
    if (!names.length) return Promise.resolve();
    var body = new FormData();
    body.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
    names.forEach(function (name) { body.append(name, pending[name]); });
    var snapshot = JSON.stringify(pending);
    inflight += 1;
    setState("saving", form.dataset.textSaving);
    return fetch(form.dataset.saveUrl, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-Requested-With": "fetch", "Accept": "application/json" }
    }).then(function (response) {
      return response.json().then(function (json) { return { status: response.status, json: json }; });
    }).then(function (res) {
      if (JSON.stringify(pending) === snapshot) { pending = {}; forget(); }
      if (res.json.ok) { retryDelay = 2000; setState("saved", "✓ " + (res.json.message || form.dataset.textSaved)); }
      else { setState("error", (res.json.errors || []).join(" ")); }
    }).catch(function () {
      setState("offline", form.dataset.textOffline);
      scheduleRetry();
    }).then(function () { inflight -= 1; });
  }

  function scheduleRetry() {
    if (retryTimer) return;
    retryTimer = setTimeout(function () {
      retryTimer = null;
      if (Object.keys(pending).length) { send(); retryDelay = Math.min(retryDelay * 2, 60000); }
    }, retryDelay);
  }

  form.addEventListener("input", function (event) {
    if (!event.target.matches("[data-value]")) return;
    recompute();
    if (!autosave) return;
    remember(event.target);
    clearTimeout(timer);
    timer = setTimeout(send, 600);
  });

  form.addEventListener("submit", function (event) {
    if (!autosave) return;
    if (!Object.keys(pending).length && !inflight) { forget(); return; }
    event.preventDefault();
    clearTimeout(timer);
    setState("saving", form.dataset.textPending);
    var wait = function () {
      if (inflight) { setTimeout(wait, 150); return; }
      send().then(function () {
        if (Object.keys(pending).length) { form.dataset.submitted = ""; setState("offline", form.dataset.textOffline); return; }
        forget();
        form.submit();
      });
    };
    wait();
  });

  // Values kept on the phone (entered offline, or the page was reloaded before they were sent): back into the
  // inputs, and sent again.
  Object.keys(pending).forEach(function (name) {
    var input = form.querySelector("[name='" + name + "']");
    if (input) input.value = pending[name];
  });
  recompute();
  if (Object.keys(pending).length) { setState("offline", form.dataset.textOffline); send(); }
  window.addEventListener("online", function () { send(); });
  form.dataset.ready = "1";  // the controls answer from now on
})();
