// The check-in page's service worker (served by views.checkin_sw at <check-in page>sw.js, so its scope is the
// check-in page of one session and what lies under it: the ticket list, the upload, the log).
//
// It keeps the page working when the network drops and the page is reloaded:
// - the check-in page and the ticket list (list.json): network first, the cached copy when the network fails;
// - the page's static files (STATIC_URL…, whichever path they are loaded from): the cached copy at once, refreshed
//   from the network in the background;
// - everything else (the upload POST, the log, other pages) goes to the network as usual.
// The page sends the addresses of its scripts and style sheets when the worker is ready ({cache: [urls]}), so
// that even the first visit leaves a complete copy. The scans themselves are kept by the page in IndexedDB.
"use strict";

var SCOPE = self.registration.scope;  // https://…/staff/events/sessions/<pk>/checkin/
var CACHE = "qs-checkin:" + new URL(SCOPE).pathname;
var STATIC = "{{ static_prefix|escapejs }}";  // settings.STATIC_URL
var NETWORK_TIMEOUT_MS = 5000;

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return cache.addAll([SCOPE, SCOPE + "list.json"]).catch(function () { /* the page sends them again */ });
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(self.clients.claim());
});

self.addEventListener("message", function (event) {
  var urls = (event.data && event.data.cache) || [];
  var same = urls.filter(function (u) { try { return new URL(u, SCOPE).origin === self.location.origin; } catch (e) { return false; } });
  var client = event.source;
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return Promise.all(same.map(function (u) {
      return fetch(u, { credentials: "same-origin" }).then(function (r) {
        if (r.ok && !r.redirected) return cache.put(stripped(u).split("?")[0] === SCOPE ? SCOPE : stripped(u), r);
      }).catch(function () { /* offline: kept as it was */ });
    }));
  }).then(function () {
    if (client) client.postMessage({ cached: same.length });  // the page shows it is ready for a reload offline
  }));
});

function stripped(url) {
  var u = new URL(url, SCOPE);
  u.hash = "";
  return u.href;
}

function timeout(ms) {
  return new Promise(function (resolve, reject) { setTimeout(function () { reject(new Error("timeout")); }, ms); });
}

// The page and the list: the network's answer when it comes in time (and a copy kept), else the copy.
function networkFirst(request) {
  var key = stripped(request.url).split("?")[0];
  return Promise.race([fetch(request), timeout(NETWORK_TIMEOUT_MS)]).then(function (response) {
    if (response.ok && !response.redirected) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { cache.put(key, copy); });
    }
    return response;
  }).catch(function () {
    return caches.open(CACHE).then(function (cache) { return cache.match(key); }).then(function (kept) {
      return kept || Response.error();
    });
  });
}

// Static files: the copy at once, refreshed in the background; the network when there is no copy yet.
function cacheFirst(request) {
  var key = stripped(request.url);
  return caches.open(CACHE).then(function (cache) {
    return cache.match(key).then(function (kept) {
      var fresh = fetch(request).then(function (response) {
        if (response.ok) cache.put(key, response.clone());
        return response;
      });
      if (kept) {
        fresh.catch(function () { /* offline: the copy is fine */ });
        return kept;
      }
      return fresh;
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  var page = url.href.split("?")[0].split("#")[0];
  if (page === SCOPE || page === SCOPE + "list.json") {
    event.respondWith(networkFirst(request));
  } else if (url.pathname.indexOf(STATIC) === 0) {
    event.respondWith(cacheFirst(request));
  }
});
