// Check-in at the door (templates/events/checkin.html), hooked by data-* attributes (no inline scripts: CSP).
//
// - The session's tickets are loaded when the page opens and kept in localStorage, so the page answers
//   green/red at once and keeps working without network (the last copy is used when the list cannot be fetched).
// - Every scan (typed, pasted, a USB scanner typing the code and Enter, a tap in the name search, or the camera
//   where the browser has a barcode detector) is answered locally, then queued in localStorage with its original
//   time and a random nonce, and uploaded; without network the queue waits and is uploaded when the network is
//   back (the "online" event and a retry every few seconds). The server records each nonce once.
// - Nothing fails silently: the number of scans waiting to upload is always shown, with the network state; a scan
//   the server refuses after the phone showed it green (cancelled meanwhile, used at another door) is marked.
(function () {
  "use strict";
  var root = document.querySelector("[data-checkin]");
  if (!root) return;
  var session = root.dataset.session;
  var listUrl = root.dataset.listUrl;
  var uploadUrl = root.dataset.uploadUrl;
  var csrf = (root.querySelector("input[name=csrfmiddlewaretoken]") || {}).value || "";
  var S = root.querySelector("[data-strings]").dataset;
  var keys = { list: "qs-checkin-list-" + session, queue: "qs-checkin-queue-" + session, used: "qs-checkin-used-" + session,
               recent: "qs-checkin-recent-" + session, device: "qs-checkin-device" };
  var el = {
    net: root.querySelector("[data-net]"), pending: root.querySelector("[data-pending]"), checked: root.querySelector("[data-checked]"),
    total: root.querySelector("[data-total]"), form: root.querySelector("[data-scan-form]"), input: root.querySelector("[data-scan-input]"),
    result: root.querySelector("[data-result]"), search: root.querySelector("[data-search]"), results: root.querySelector("[data-search-results]"),
    recent: root.querySelector("[data-recent]"), camera: root.querySelector("[data-camera]"), video: root.querySelector("[data-video]")
  };
  var ENDED = { cancelled: 1, withdrawn: 1, lapsed: 1 };
  var tickets = {};      // ticket -> {t, n, p, s, o}
  var listInfo = null;   // {at, count}
  var uploading = false;
  var lastFailed = false;

  function load(key, fallback) {
    try { var v = window.localStorage.getItem(key); return v ? JSON.parse(v) : fallback; } catch (e) { return fallback; }
  }
  function save(key, value) {
    try { window.localStorage.setItem(key, JSON.stringify(value)); } catch (e) { showNet(true, S.uploadFailed); }
  }
  function device() {
    var id = load(keys.device, "");
    if (!id) { id = "phone-" + Math.random().toString(36).slice(2, 8); save(keys.device, id); }
    return id;
  }
  function nonce() {
    var bytes = new Uint8Array(16);
    (window.crypto || window.msCrypto).getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function normal(text) {
    var value = (text || "").trim().replace(/\/+$/, "");
    if (value.indexOf("/") >= 0) value = value.slice(value.lastIndexOf("/") + 1);
    return value.replace(/\s+/g, "").toUpperCase();
  }

  function useList(data, fresh) {
    tickets = {};
    (data.tickets || []).forEach(function (t) { tickets[t.t] = t; });
    listInfo = { at: data.generated_at || data.at, count: (data.tickets || []).length };
    counts();
    if (!fresh) showNet(!navigator.onLine, S.listStale + " " + new Date(listInfo.at).toLocaleString());
  }
  function fetchList() {
    return fetch(listUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (data) {
        save(keys.list, data);
        useList(data, true);
        // Scans not uploaded yet stay "used" on this phone.
        load(keys.queue, []).forEach(function (q) { var t = tickets[q.code]; if (t && q.shown === "accepted") t.s = "attended"; });
        showNet(false);
      })
      .catch(function () {
        var kept = load(keys.list, null);
        if (kept) { useList(kept, false); } else { showNet(true, S.noList); }
      });
  }
  function counts() {
    var total = 0, checked = 0;
    Object.keys(tickets).forEach(function (k) {
      var s = tickets[k].s;
      if (!ENDED[s]) total += 1;
      if (s === "attended") checked += 1;
    });
    el.total.textContent = total;
    el.checked.textContent = checked;
    el.pending.textContent = load(keys.queue, []).length;
  }
  function showNet(offline, extra) {
    var pending = load(keys.queue, []).length;
    el.pending.textContent = pending;
    el.net.className = "qs-checkin-net alert py-2 small mb-2 " + (offline ? "alert-warning" : "alert-success");
    var text = offline ? S.offline : S.online;
    if (listInfo) text += " " + S.listLoaded.replace("#", listInfo.count);
    if (extra) text += " " + extra;
    el.net.textContent = text;
    el.net.dataset.state = offline ? "offline" : "online";
  }

  function verdict(ticket) {
    var t = tickets[ticket];
    if (!t) return { ok: false, text: S.unknown };
    if (ENDED[t.s]) return { ok: false, text: S.cancelled, name: t.n };
    if (t.s === "attended" || t.s === "no_show") return { ok: false, text: S.used, name: t.n };
    if (t.s === "waiting" || t.s === "offered") return { ok: false, text: S.unconfirmed, name: t.n };
    return { ok: true, text: S.accepted, name: t.n, org: t.o };
  }
  function show(v) {
    el.result.className = "qs-checkin-result " + (v.ok ? "qs-ok" : "qs-no");
    el.result.dataset.outcome = v.ok ? "accepted" : "refused";
    el.result.textContent = "";
    var head = document.createElement("div");
    head.textContent = (v.ok ? "✓ " : "✗ ") + v.text;
    el.result.appendChild(head);
    if (v.name) {
      var who = document.createElement("small");
      who.textContent = v.name + (v.org ? " · " + v.org : "");
      el.result.appendChild(who);
    }
  }
  function remember(entry) {
    var recent = load(keys.recent, []);
    recent.unshift(entry);
    save(keys.recent, recent.slice(0, 30));
    drawRecent();
  }
  function drawRecent() {
    var recent = load(keys.recent, []);
    el.recent.textContent = "";
    recent.forEach(function (r) {
      var li = document.createElement("li");
      li.className = "list-group-item d-flex justify-content-between gap-2" + (r.conflict ? " qs-recent-conflict" : "") +
        (r.server ? "" : " qs-recent-pending");
      li.dataset.nonce = r.nonce;
      li.dataset.testid = "recent-scan";
      li.setAttribute("data-testid", "recent-scan");
      var left = document.createElement("span");
      left.textContent = new Date(r.at).toLocaleTimeString() + " · " + (r.name || r.code) + " · " + r.text;
      var right = document.createElement("span");
      right.className = "text-nowrap";
      right.textContent = r.conflict ? S.conflict + ": " + r.server : (r.server ? S.uploaded : S.pendingLabel);
      right.setAttribute("data-testid", r.server ? "scan-recorded" : "scan-pending");
      li.appendChild(left); li.appendChild(right);
      el.recent.appendChild(li);
    });
  }

  function scan(text) {
    var ticket = normal(text);
    if (!ticket) return;
    var v = verdict(ticket);
    show(v);
    if (v.ok && tickets[ticket]) { tickets[ticket].s = "attended"; }
    var entry = { nonce: nonce(), code: ticket, at: Date.now(), shown: v.ok ? "accepted" : "refused", offline: !navigator.onLine,
                  device: device() };
    var queue = load(keys.queue, []);
    queue.push(entry);
    save(keys.queue, queue);
    remember({ nonce: entry.nonce, code: ticket, at: entry.at, name: v.name || "", text: v.text, server: "" });
    counts();
    upload();
  }

  function upload() {
    var queue = load(keys.queue, []);
    showNet(!navigator.onLine || lastFailed);
    if (uploading || !queue.length) return;
    uploading = true;
    var batch = queue.slice(0, 500);
    fetch(uploadUrl, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, "Accept": "application/json" },
      body: JSON.stringify({ scans: batch, device: device() })
    }).then(function (r) {
      if (!r.ok) throw new Error(r.status);
      return r.json();
    }).then(function (data) {
      lastFailed = false;
      var done = {};
      (data.results || []).forEach(function (res) { done[res.nonce] = res; });
      // Malformed entries are answered with an error and dropped too: they can never be recorded.
      var sent = {};
      batch.forEach(function (q) { sent[q.nonce] = 1; });
      save(keys.queue, load(keys.queue, []).filter(function (q) { return !sent[q.nonce]; }));
      var recent = load(keys.recent, []);
      recent.forEach(function (r) {
        var res = done[r.nonce];
        if (!res) return;
        r.server = res.message;
        r.conflict = res.conflict;
        if (res.name) r.name = res.name;
      });
      save(keys.recent, recent);
      drawRecent();
      if (typeof data.checked_in === "number") el.checked.textContent = data.checked_in;
      el.pending.textContent = load(keys.queue, []).length;
      showNet(false);
    }).catch(function () {
      lastFailed = true;
      showNet(true, navigator.onLine ? S.uploadFailed : "");
    }).then(function () {
      uploading = false;
      if (!lastFailed && load(keys.queue, []).length) upload();
    });
  }

  function search() {
    var q = el.search.value.trim().toLowerCase();
    el.results.textContent = "";
    if (q.length < 1) return;
    var found = Object.keys(tickets).map(function (k) { return tickets[k]; }).filter(function (t) {
      return (t.n || "").toLowerCase().indexOf(q) >= 0 || (q.length >= 3 && (t.p || "").indexOf(q) >= 0);
    }).slice(0, 20);
    found.forEach(function (t) {
      var li = document.createElement("li");
      li.className = "list-group-item d-flex justify-content-between align-items-center gap-2";
      li.setAttribute("data-testid", "search-result");
      var label = document.createElement("span");
      label.textContent = t.n + (t.p ? " · " + t.p : "") + (t.o ? " · " + t.o : "");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "btn btn-sm btn-outline-success";
      button.textContent = S.choose;
      button.addEventListener("click", function () { scan(t.t); el.search.value = ""; el.results.textContent = ""; el.input.focus(); });
      li.appendChild(label); li.appendChild(button);
      el.results.appendChild(li);
    });
  }

  // The camera, where the browser can read QR codes itself (BarcodeDetector: Chrome on Android, among others).
  function camera() {
    if (!("BarcodeDetector" in window) || !navigator.mediaDevices) return;
    el.camera.classList.remove("d-none");
    var detector, stream, last = "", lastAt = 0;
    el.camera.addEventListener("click", function () {
      if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); stream = null; el.video.classList.add("d-none"); return; }
      detector = detector || new window.BarcodeDetector({ formats: ["qr_code"] });
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (s) {
        stream = s;
        el.video.srcObject = s;
        el.video.classList.remove("d-none");
        el.video.play();
        (function tick() {
          if (!stream) return;
          detector.detect(el.video).then(function (codes) {
            var value = codes.length ? codes[0].rawValue : "";
            if (value && (value !== last || Date.now() - lastAt > 3000)) { last = value; lastAt = Date.now(); scan(value); }
          }).catch(function () { /* a frame the detector could not read */ }).then(function () { setTimeout(tick, 250); });
        })();
      }).catch(function () { showNet(!navigator.onLine, ""); });
    });
  }

  el.form.addEventListener("submit", function (event) {
    event.preventDefault();
    scan(el.input.value);
    el.input.value = "";
    el.input.focus();
  });
  el.search.addEventListener("input", search);
  window.addEventListener("online", function () { lastFailed = false; upload(); fetchList(); });
  window.addEventListener("offline", function () { showNet(true); });
  setInterval(function () { if (load(keys.queue, []).length) { upload(); } }, 5000);
  var kept = load(keys.list, null);
  if (kept) useList(kept, true);
  drawRecent();
  camera();
  fetchList().then(upload);
})();
