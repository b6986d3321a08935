// Filling an inspection on a phone: every item is saved on its own as you go (fetch POST), unsent
// answers are kept in localStorage and resent when the connection returns, so a lost connection
// loses at most the item being edited. Hooked by data-* attributes (no inline scripts: CSP).
(function () {
  "use strict";
  var root = document.querySelector("[data-fill]");
  if (!root) return;
  document.documentElement.classList.add("js");
  var KEY = "qs-inspection-" + root.dataset.inspection;
  var inflight = 0;
  var timers = {};

  function load() { try { return JSON.parse(window.localStorage.getItem(KEY) || "{}"); } catch (e) { return {}; } }
  function store() { try { window.localStorage.setItem(KEY, JSON.stringify(pending)); } catch (e) { /* private mode */ } }
  var pending = load();

  var photos = {};  // item id -> [Blob] ready to send (downscaled on the phone to save bandwidth)
  var MAX_SIDE = 1600;

  function downscale(file) {
    // Large camera photos are redrawn at most 1600 px wide/high as JPEG; anything that fails is sent as is.
    return new Promise(function (resolve) {
      if (!window.createImageBitmap || !/^image\/(jpeg|png|webp)$/.test(file.type) || file.size < 400 * 1024) { resolve(file); return; }
      window.createImageBitmap(file).then(function (bitmap) {
        var scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
        var canvas = document.createElement("canvas");
        canvas.width = Math.round(bitmap.width * scale);
        canvas.height = Math.round(bitmap.height * scale);
        canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
        canvas.toBlob(function (blob) {
          if (!blob) { resolve(file); return; }
          blob.name = (file.name || "photo").replace(/\.[^.]*$/, "") + ".jpg";
          resolve(blob.size < file.size ? blob : file);
        }, "image/jpeg", 0.85);
      }).catch(function () { resolve(file); });
    });
  }

  function formFor(id) { return document.getElementById("item-" + id); }
  function values(form) {
    var data = {};
    var checked = form.querySelector("input[name=result]:checked");
    data.result = checked ? checked.value : "";
    var score = form.querySelector("input[name=score]");
    if (score) data.score = score.value;
    data.note = form.querySelector("textarea[name=note]").value;
    return data;
  }
  function setStatus(form, state, text) {
    form.dataset.state = state;
    var el = form.querySelector("[data-status]");
    el.className = "small qs-item-status is-" + state;
    el.textContent = text;
  }
  function progress() {
    var el = root.querySelector("[data-progress]");
    if (el) el.textContent = root.querySelectorAll("form[data-item][data-answered]").length;
  }
  function offlineBanner() {
    var banner = root.querySelector("[data-offline-banner]");
    if (banner) banner.classList.toggle("d-none", navigator.onLine !== false);
  }

  function send(id) {
    var form = formFor(id);
    if (!form) { delete pending[id]; store(); return Promise.resolve(); }
    var data = pending[id] || values(form);
    var photo = form.querySelector("input[data-photo-input]");
    var files = photos[id] || (photo ? Array.prototype.slice.call(photo.files) : []);
    if (!data.result && !files.length) return Promise.resolve();
    var body = new FormData();
    body.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
    Object.keys(data).forEach(function (k) { body.append(k, data[k]); });
    files.forEach(function (f) { body.append("photo", f, f.name || "photo.jpg"); });
    var sentPhotos = files.length;
    var snapshot = JSON.stringify(data);
    inflight += 1;
    setStatus(form, "saving", root.dataset.textSaving);
    return fetch(form.action, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-Requested-With": "fetch", "Accept": "application/json" }
    }).then(function (response) {
      return response.json().then(function (json) { return { status: response.status, json: json }; });
    }).then(function (res) {
      if (JSON.stringify(pending[id]) === snapshot) { delete pending[id]; store(); }
      if (res.json.ok) {
        retryDelay = 2000;
        form.dataset.answered = "1";
        if (sentPhotos) { delete photos[id]; if (photo) photo.value = ""; }
        var count = form.querySelector("[data-photo-count]");
        if (count) count.textContent = res.json.photos + " " + root.dataset.textPhotos;
        setStatus(form, "saved", "✓ " + (res.json.message || root.dataset.textSaved));
        progress();
      } else {
        if (sentPhotos) { delete photos[id]; if (photo) photo.value = ""; }
        setStatus(form, "error", (res.json.errors || []).join(" "));
      }
    }).catch(function () {
      // Network error or a reply that is not ours (proxy page, server error): keep it and retry.
      setStatus(form, "offline", root.dataset.textOffline);
      offlineBanner();
      scheduleRetry();
    }).then(function () { inflight -= 1; });
  }

  var retryTimer = null;
  var retryDelay = 2000;
  function scheduleRetry() {
    if (retryTimer) return;
    retryTimer = setTimeout(function () {
      retryTimer = null;
      if (Object.keys(pending).length || Object.keys(photos).length) { flush(); retryDelay = Math.min(retryDelay * 2, 60000); }
    }, retryDelay);
  }

  function remember(form) {
    pending[form.dataset.item] = values(form);
    store();
  }
  function flush() {
    var ids = Object.keys(pending);
    Object.keys(photos).forEach(function (id) { if (ids.indexOf(id) < 0) ids.push(id); });
    return Promise.all(ids.map(send));
  }

  root.addEventListener("change", function (event) {
    var form = event.target.closest("form[data-item]");
    if (!form) return;
    remember(form);
    var id = form.dataset.item;
    clearTimeout(timers[id]);
    if (event.target.matches("input[data-photo-input]") && event.target.files.length) {
      setStatus(form, "saving", root.dataset.textSaving);
      Promise.all(Array.prototype.map.call(event.target.files, downscale)).then(function (ready) {
        photos[id] = ready;
        send(id);
      });
      return;
    }
    send(id);
  });
  root.addEventListener("input", function (event) {
    var form = event.target.closest("form[data-item]");
    if (!form || event.target.type === "radio" || event.target.type === "file") return;
    if (event.target.name === "score") {
      // Typing a score chooses "score" (rather than N/A) for the item.
      var scoreRadio = form.querySelector("input[name=result][value=score]");
      if (scoreRadio) scoreRadio.checked = true;
    }
    remember(form);
    var id = form.dataset.item;
    clearTimeout(timers[id]);
    timers[id] = setTimeout(function () { send(id); }, 800);
  });
  // Without JavaScript each item has its own Save button; with it, saving is automatic.
  root.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-item]");
    if (form) { event.preventDefault(); remember(form); send(form.dataset.item); }
  });

  var submitForm = root.querySelector("form[data-submit-form]");
  if (submitForm) {
    submitForm.addEventListener("submit", function (event) {
      if (!Object.keys(pending).length && !Object.keys(photos).length && !inflight) { try { window.localStorage.removeItem(KEY); } catch (e) { /* ignore */ } return; }
      event.preventDefault();
      var status = document.createElement("div");
      status.className = "small text-secondary mt-2";
      status.textContent = root.dataset.textPending;
      submitForm.appendChild(status);
      var wait = function () {
        if (inflight) { setTimeout(wait, 200); return; }
        flush().then(function () {
          if (Object.keys(pending).length || Object.keys(photos).length) {
            submitForm.dataset.submitted = "";
            submitForm.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = false; });
            status.textContent = root.dataset.textOffline;
            return;
          }
          try { window.localStorage.removeItem(KEY); } catch (e) { /* ignore */ }
          submitForm.submit();
        });
      };
      wait();
    });
  }

  var geo = root.querySelector("[data-geolocate]");
  if (geo && navigator.geolocation) {
    geo.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(function (pos) {
        var input = submitForm.querySelector("input[name=location]");
        input.value = (input.value ? input.value + " " : "") + "(" + pos.coords.latitude.toFixed(5) + ", " +
          pos.coords.longitude.toFixed(5) + " ±" + Math.round(pos.coords.accuracy) + "m)";
      });
    });
  }

  // Restore answers kept on the phone (e.g. entered offline, page reloaded) and resend them.
  Object.keys(pending).forEach(function (id) {
    var form = formFor(id);
    if (!form) return;
    var data = pending[id];
    if (data.result) {
      var radio = form.querySelector("input[name=result][value='" + data.result + "']");
      if (radio) radio.checked = true;
    }
    var score = form.querySelector("input[name=score]");
    if (score && data.score !== undefined) score.value = data.score;
    form.querySelector("textarea[name=note]").value = data.note || "";
    setStatus(form, "offline", root.dataset.textOffline);
  });
  window.addEventListener("online", function () { offlineBanner(); flush(); });
  window.addEventListener("offline", offlineBanner);
  if (Object.keys(pending).length) flush();
})();
