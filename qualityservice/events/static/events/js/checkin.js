// Check-in at the door (templates/events/checkin.html), hooked by data-* attributes (no inline scripts: CSP).
//
// - A service worker (views.checkin_sw, scope: this page) keeps the page, its files and the ticket list, so the
//   page opens again without network, also after a reload.
// - The session's tickets are loaded when the page opens and kept in IndexedDB, so the page answers green/red at
//   once and keeps working without network (the last copy is used when the list cannot be fetched).
// - Every scan (the camera, typed, pasted, a USB scanner typing the code and Enter, a tap in the name search) is answered
//   locally, then written to IndexedDB with its original time and a random nonce (the key: a scan is stored
//   once), and uploaded; without network the queue waits and is uploaded when the network is back (the "online"
//   event and a retry every few seconds), one upload at a time per session, also across tabs (Web Locks). The
//   server records each nonce once, so a scan sent again after a lost answer still counts once.
// - Nothing fails silently: the number of scans waiting to upload is always shown, with the network state; a
//   scan the server could not record (malformed, refused upload) is kept as "not recorded" with the reason and a
//   button to send it again; a scan the server refuses after the phone showed it green (cancelled meanwhile, used
//   at another door) is marked as a conflict; if the phone cannot store a scan, the page says so.
(function () {
  "use strict";
  var root = document.querySelector("[data-checkin]");
  if (!root) return;
  var session = root.dataset.session;
  var listUrl = root.dataset.listUrl;
  var uploadUrl = root.dataset.uploadUrl;
  var swUrl = root.dataset.swUrl;
  var csrf = (root.querySelector("input[name=csrfmiddlewaretoken]") || {}).value || "";
  var S = root.querySelector("[data-strings]").dataset;
  var el = {
    net: root.querySelector("[data-net]"), pending: root.querySelector("[data-pending]"), checked: root.querySelector("[data-checked]"),
    total: root.querySelector("[data-total]"), form: root.querySelector("[data-scan-form]"), input: root.querySelector("[data-scan-input]"),
    result: root.querySelector("[data-result]"), search: root.querySelector("[data-search]"), results: root.querySelector("[data-search-results]"),
    recent: root.querySelector("[data-recent]"), failedBox: root.querySelector("[data-failed-box]"), failed: root.querySelector("[data-failed]"),
    retry: root.querySelector("[data-retry]"), store: root.querySelector("[data-store-error]")
  };
  var ENDED = { cancelled: 1, withdrawn: 1, lapsed: 1 };
  var tickets = {};      // ticket -> {t, n, p, s, o}
  var listInfo = null;   // {at, count}
  var scans = [];        // this session's scans on this phone, newest first (a copy of the IndexedDB rows)
  var deviceId = "";
  var uploading = false;
  var lastFailed = false;
  var authProblem = false;

  // --- IndexedDB: "scans" (key: nonce; index: session), "lists" (key: session), "meta" (key: key) ----------------
  var dbReady = new Promise(function (resolve, reject) {
    if (!window.indexedDB) { reject(new Error("no IndexedDB")); return; }
    var req = window.indexedDB.open("qs-checkin", 1);
    req.onupgradeneeded = function () {
      var db = req.result;
      db.createObjectStore("scans", { keyPath: "nonce" }).createIndex("session", "session");
      db.createObjectStore("lists", { keyPath: "session" });
      db.createObjectStore("meta", { keyPath: "key" });
    };
    req.onsuccess = function () { resolve(req.result); };
    req.onerror = function () { reject(req.error); };
  });
  function idb(store, mode, work) {
    return dbReady.then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(store, mode);
        var result;
        var req = work(t.objectStore(store));
        if (req) req.onsuccess = function () { result = req.result; };
        t.oncomplete = function () { resolve(result); };
        t.onerror = t.onabort = function () { reject(t.error || new Error("IndexedDB")); };
      });
    });
  }
  function putScans(rows) {
    return idb("scans", "readwrite", function (os) { rows.forEach(function (r) { os.put(r); }); })
      .then(function () { storeError(false); }, function (e) { storeError(true); throw e; });
  }
  function storeError(on) { el.store.classList.toggle("d-none", !on); }

  function device() {
    if (deviceId) return Promise.resolve(deviceId);
    return idb("meta", "readonly", function (os) { return os.get("device"); }).then(function (row) {
      if (row) { deviceId = row.value; return deviceId; }
      deviceId = "phone-" + Math.random().toString(36).slice(2, 8);
      return idb("meta", "readwrite", function (os) { os.put({ key: "device", value: deviceId }); }).then(function () { return deviceId; });
    }).catch(function () { deviceId = deviceId || "phone-" + Math.random().toString(36).slice(2, 8); return deviceId; });
  }
  function nonce() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function normal(text) {
    var value = (text || "").trim().replace(/\/+$/, "");
    if (value.indexOf("/") >= 0) value = value.slice(value.lastIndexOf("/") + 1);
    return value.replace(/\s+/g, "").toUpperCase();
  }
  function queued() { return scans.filter(function (s) { return s.state === "queued"; }); }

  // --- The list of tickets ---------------------------------------------------------------------------------------
  function useList(data, fresh) {
    tickets = {};
    (data.tickets || []).forEach(function (t) { tickets[t.t] = t; });
    listInfo = { at: data.generated_at || data.at, count: (data.tickets || []).length };
    // Scans not uploaded yet stay "used" on this phone.
    queued().forEach(function (q) { var t = tickets[q.code]; if (t && q.shown === "accepted") t.s = "attended"; });
    counts();
    showNet(!fresh, fresh ? "" : S.listStale + " " + new Date(listInfo.at).toLocaleString());
  }
  function fetchList() {
    return fetch(listUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { if (!r.ok || r.redirected) throw new Error(r.status); return r.json(); })
      .then(function (data) {
        // The service worker answers with its copy when the network is down: fresh only when generated now.
        var fresh = navigator.onLine;
        useList(data, fresh);
        idb("lists", "readwrite", function (os) { os.put({ session: session, data: data }); }).catch(function () { storeError(true); });
      })
      .catch(function () {
        return idb("lists", "readonly", function (os) { return os.get(session); }).then(function (kept) {
          if (kept) { useList(kept.data, false); } else { showNet(true, S.noList); }
        }, function () { showNet(true, S.noList); });
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
    el.pending.textContent = queued().length;
  }
  function showNet(offline, extra) {
    el.pending.textContent = queued().length;
    offline = offline || !navigator.onLine;
    el.net.className = "qs-checkin-net alert py-2 small mb-2 " + (offline || authProblem ? "alert-warning" : "alert-success");
    var text = authProblem ? S.signIn : (offline ? S.offline : S.online);
    if (listInfo) text += " " + S.listLoaded.replace("#", listInfo.count);
    if (extra) text += " " + extra;
    el.net.textContent = text;
    el.net.dataset.state = offline ? "offline" : "online";
  }

  // --- Scanning --------------------------------------------------------------------------------------------------
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
  function line(r, failed) {
    var li = document.createElement("li");
    li.className = "list-group-item d-flex justify-content-between gap-2" + (r.conflict ? " qs-recent-conflict" : "") +
      (r.state === "queued" ? " qs-recent-pending" : "") + (failed ? " list-group-item-danger" : "");
    li.dataset.nonce = r.nonce;
    li.setAttribute("data-testid", failed ? "failed-scan" : "recent-scan");
    var left = document.createElement("span");
    left.textContent = new Date(r.at).toLocaleTimeString() + " · " + (r.name || r.code) + " · " + r.text;
    var right = document.createElement("span");
    right.className = failed ? "" : "text-nowrap";
    if (failed) {
      right.textContent = S.notRecorded + ": " + (r.error || "—");
    } else {
      right.textContent = r.conflict ? S.conflict + ": " + r.server : (r.state === "recorded" ? S.uploaded : S.pendingLabel);
      right.setAttribute("data-testid", r.state === "recorded" ? "scan-recorded" : "scan-pending");
    }
    li.appendChild(left); li.appendChild(right);
    return li;
  }
  function draw() {
    el.recent.textContent = "";
    scans.filter(function (r) { return r.state !== "failed"; }).slice(0, 30).forEach(function (r) { el.recent.appendChild(line(r, false)); });
    var failed = scans.filter(function (r) { return r.state === "failed"; });
    el.failed.textContent = "";
    failed.forEach(function (r) { el.failed.appendChild(line(r, true)); });
    el.failedBox.classList.toggle("d-none", !failed.length);
    el.pending.textContent = queued().length;
  }

  // Scans being written to IndexedDB right now (data-writing on the root): the page says when every scan
  // answered is stored, which is what survives a reload.
  var writing = 0;
  function writes(delta) { writing += delta; root.setAttribute("data-writing", String(writing)); }

  function scan(text) {
    var ticket = normal(text);
    if (!ticket) return;
    var v = verdict(ticket);
    show(v);
    if (v.ok && tickets[ticket]) { tickets[ticket].s = "attended"; }
    var entry = { nonce: nonce(), session: session, code: ticket, at: Date.now(), shown: v.ok ? "accepted" : "refused",
                  offline: !navigator.onLine, device: deviceId, name: v.name || "", text: v.text, state: "queued",
                  server: "", conflict: false, error: "", attempts: 0 };
    scans.unshift(entry);
    counts();
    draw();
    // Uploaded only once it is stored: a reload, a crash or a flat battery loses nothing that was answered.
    writes(1);
    putScans([entry]).then(function () { writes(-1); upload(); }, function () { writes(-1); upload(); });
  }

  // --- Uploading -------------------------------------------------------------------------------------------------
  function withLock(work) {
    if (navigator.locks && navigator.locks.request) {
      return navigator.locks.request("qs-checkin-upload-" + session, { ifAvailable: true }, function (lock) {
        return lock ? work() : null;  // another tab of this session is uploading: it sends these too
      });
    }
    return work();
  }
  function upload() {
    showNet(lastFailed);
    if (uploading || !queued().length || !navigator.onLine) return Promise.resolve();
    uploading = true;
    return withLock(function () {
      // Another tab may have sent some meanwhile: read the queue again from IndexedDB.
      return reload().then(function () {
        var batch = queued().slice(0, 500);
        if (!batch.length) return null;
        batch.forEach(function (q) { q.attempts += 1; });
        return fetch(uploadUrl, {
          method: "POST", credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, "Accept": "application/json" },
          body: JSON.stringify({ device: deviceId, scans: batch.map(function (q) {
            return { nonce: q.nonce, code: q.code, at: q.at, shown: q.shown, offline: q.offline, device: q.device };
          }) })
        }).then(function (r) {
          if (r.redirected || r.status === 401 || r.status === 403) { authProblem = true; throw new Error("auth"); }
          authProblem = false;
          if (r.status === 400) {  // the whole upload refused: kept as "not recorded", with the reason
            return r.json().catch(function () { return {}; }).then(function (data) {
              batch.forEach(function (q) { q.state = "failed"; q.error = data.error || String(r.status); });
              return putScans(batch);
            });
          }
          if (!r.ok) throw new Error(r.status);
          return r.json().then(function (data) {
            var done = {};
            (data.results || []).forEach(function (res) { done[res.nonce] = res; });
            var reason = (data.errors || []).join(" ") || S.notAnswered;
            batch.forEach(function (q) {
              var res = done[q.nonce];
              if (!res) { q.state = "failed"; q.error = reason; return; }
              q.state = "recorded";
              q.server = res.message;
              q.conflict = res.conflict;
              if (res.name) q.name = res.name;
            });
            if (typeof data.checked_in === "number") el.checked.textContent = data.checked_in;
            return putScans(batch);
          });
        }).then(function () { lastFailed = false; }, function () { lastFailed = true; });
      });
    }).then(function () {
      uploading = false;
      draw();
      showNet(lastFailed, lastFailed && navigator.onLine && !authProblem ? S.uploadFailed : "");
      if (!lastFailed && queued().length) return upload();
    });
  }
  function reload() {
    return idb("scans", "readonly", function (os) { return os.index("session").getAll(session); }).then(function (rows) {
      var mine = {};
      scans.forEach(function (s) { mine[s.nonce] = s; });
      (rows || []).forEach(function (row) { mine[row.nonce] = row; });
      scans = Object.keys(mine).map(function (k) { return mine[k]; }).sort(function (a, b) { return b.at - a.at; });
    }, function () { storeError(true); });
  }
  function retryFailed() {
    var failed = scans.filter(function (r) { return r.state === "failed"; });
    failed.forEach(function (r) { r.state = "queued"; r.error = ""; });
    draw();
    putScans(failed).then(upload, upload);
  }

  // --- Search by name or phone -----------------------------------------------------------------------------------
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

  // --- The service worker: the page, its files and the list, for a reload without network -----------------------
  function keepOffline() {
    if (!("serviceWorker" in navigator) || !swUrl) return;
    navigator.serviceWorker.register(swUrl).then(function () { return navigator.serviceWorker.ready; }).then(function (reg) {
      var urls = [window.location.href.split("#")[0].split("?")[0], listUrl];
      document.querySelectorAll("script[src], link[rel=stylesheet][href]").forEach(function (n) { urls.push(n.src || n.href); });
      (window.performance && performance.getEntriesByType ? performance.getEntriesByType("resource") : []).forEach(function (e) {
        if (e.name.indexOf(window.location.origin) === 0 && /\.(js|css|woff2?|svg|png)(\?|$)/.test(e.name)) urls.push(e.name);
      });
      navigator.serviceWorker.addEventListener("message", function (event) {
        if (event.data && event.data.cached) root.dataset.offlineReady = "1";
      });
      (reg.active || navigator.serviceWorker.controller).postMessage({ cache: urls });
    }).catch(function () { /* without a service worker the page still works while it stays open */ });
  }

  // --- The camera --------------------------------------------------------------------------------------------------
  // Frames of the back camera are read by the browser's own BarcodeDetector where it reads QR codes (Chrome on
  // Android), else by jsQR (vendor/jsqr, from npm: pure JavaScript, no worker, no eval), a frame every 150 ms on a
  // canvas at most 640 pixels wide. The same code read again within 3 seconds is the same scan (the camera sees
  // the phone's screen many times a second).
  function camera() {
    var button = root.querySelector("[data-camera]"), video = root.querySelector("[data-video]");
    if (!button || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return;
    var native = null;
    var ready = ("BarcodeDetector" in window && window.BarcodeDetector.getSupportedFormats)
      ? window.BarcodeDetector.getSupportedFormats().then(function (f) {
          if (f.indexOf("qr_code") >= 0) native = new window.BarcodeDetector({ formats: ["qr_code"] });
        }).catch(function () { /* jsQR then */ })
      : Promise.resolve();
    ready.then(function () {
      if (!native && typeof window.jsQR !== "function") return;
      button.classList.remove("d-none");
    });
    var stream = null, last = "", lastAt = 0, canvas = document.createElement("canvas");
    var context2d = canvas.getContext("2d", { willReadFrequently: true });
    function read() {
      if (native) return native.detect(video).then(function (codes) { return codes.length ? codes[0].rawValue : ""; });
      var w = video.videoWidth, h = video.videoHeight;
      if (!w || !h) return Promise.resolve("");
      var scale = Math.min(1, 640 / w);
      canvas.width = Math.round(w * scale); canvas.height = Math.round(h * scale);
      context2d.drawImage(video, 0, 0, canvas.width, canvas.height);
      var image = context2d.getImageData(0, 0, canvas.width, canvas.height);
      var found = window.jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
      return Promise.resolve(found ? found.data : "");
    }
    function tick() {
      if (!stream) return;
      read().then(function (value) {
        if (value && (value !== last || Date.now() - lastAt > 3000)) { scan(value); }
        if (value) { last = value; lastAt = Date.now(); }
      }).catch(function () { /* a frame that could not be read */ }).then(function () { setTimeout(tick, 150); });
    }
    function stop() {
      if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
      stream = null;
      video.classList.add("d-none");
      button.textContent = S.cameraOn;
      root.dataset.camera = "off";
    }
    button.addEventListener("click", function () {
      if (stream) { stop(); return; }
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false }).then(function (s) {
        stream = s;
        video.srcObject = s;
        video.classList.remove("d-none");
        button.textContent = S.cameraOff;
        root.dataset.camera = "on";
        return video.play();
      }).then(tick).catch(function () {
        stop();
        show({ ok: false, text: S.cameraRefused });
      });
    });
  }

  el.form.addEventListener("submit", function (event) {
    event.preventDefault();
    scan(el.input.value);
    el.input.value = "";
    el.input.focus();
  });
  el.search.addEventListener("input", search);
  el.retry.addEventListener("click", retryFailed);
  window.addEventListener("online", function () { lastFailed = false; fetchList().then(upload); });
  window.addEventListener("offline", function () { showNet(true); });
  setInterval(function () { if (queued().length) { upload(); } }, 5000);
  camera();
  Promise.all([device(), reload()]).then(function () {
    draw();
    return fetchList();
  }).then(function () {
    root.dataset.ready = "1";
    keepOffline();
    return upload();
  });
})();
