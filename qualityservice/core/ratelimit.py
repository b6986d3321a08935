"""Fixed-window rate limits: the public forms' submissions and the failed sign-ins.

This module does the limiting itself (no third-party limiter). A limit is ``(group, value, rate)``,
e.g. ``("feedback-ip", "10.0.0.1", "300/h")``; its counter lives for one fixed window of the rate's
period, staggered per value (so that all counters do not restart at the same second). Every count is
atomic, wherever the counters are kept:

- ``REDIS_URL`` set: Redis, every limit of a request in one pipelined round trip (INCR + EXPIRE per
  counter; INCR is atomic). Several app servers share the counters.
- Django's file cache (the default without Redis, one server): one small counter file per counter under
  ``<cache dir>/ratelimit/``, read and rewritten under an exclusive ``flock`` on that file, so the web
  processes and their threads count exactly. They are not cache entries: the file cache's culling
  (``MAX_ENTRIES``) cannot drop them. Expired files are swept at most once a minute per process.
- any other cache (the local-memory cache of the tests): read and write under a process lock.

A counter store that cannot be reached counts as "not limited" (logged): a broken cache must not
close the public forms. A request the platform fails to serve because the database or Redis is out
(the 503 page of ``core.middleware.ServiceUnavailableMiddleware``) gives its counts back (``refund``):
a visitor who presses Submit again during an outage does not use up the hour's allowance (found by the
scale-out drill, bench/README.md).

The browser id of the public forms (a signed random id in a cookie, no server-side session) and the
client address (the proxy's header, trusted only from ``QS_TRUSTED_PROXIES``) are here too.
"""

from __future__ import annotations

import contextvars
import fcntl
import functools
import hashlib
import ipaddress
import logging
import math
import os
import re
import threading
import time
import uuid
import zlib
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.filebased import FileBasedCache

log = logging.getLogger(__name__)
FUDGE = 5  # seconds a counter outlives its window (clock skew between servers)
_client = None
# The counters this request has counted (set per request by core.middleware), so that ``refund`` can give
# them back; None outside a request.
_counted: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar("qs_rate_counted", default=None)

# --- Rates and windows ------------------------------------------------------------------

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE = re.compile(r"\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*", re.IGNORECASE)


@functools.lru_cache(maxsize=64)
def parse_rate(rate: str) -> tuple[int, int]:
    """``"20/h"`` → (20, 3600), ``"5/15m"`` → (5, 900): a count per period (s, m, h or d, with an
    optional multiplier). ValueError for anything else."""
    match = _RATE.fullmatch(rate) if isinstance(rate, str) else None
    if not match or int(match[1]) < 1 or match[2] == "0":
        raise ValueError(f"not a rate: {rate!r} (write it as e.g. '20/h' or '5/15m')")
    return int(match[1]), int(match[2] or 1) * _UNITS[match[3].lower()]


def window_end(value: str, period: int, now: float | None = None) -> int:
    """The end (epoch seconds) of the fixed window that ``now`` falls in for this value: windows are
    ``period`` long, shifted by a stable per-value offset."""
    ts = int(time.time() if now is None else now)
    offset = zlib.crc32(value.encode()) % period
    return ts - (ts - offset) % period + period


class _Counter(NamedTuple):
    key: str  # the count of the current window
    lock: str  # the lockout of the limit (``hit(..., lockout=True)``), valued with its end
    limit: int
    period: int
    ttl: int  # seconds until the window ends


def _counters(limits, now: float) -> list[_Counter]:
    counters = []
    for group, value, rate in limits:
        count, period = parse_rate(rate)
        end = window_end(f"{group}:{value}", period, now)
        digest = hashlib.md5(f"{group}:{value}".encode(), usedforsecurity=False).hexdigest()
        counters.append(_Counter(f"qs:rl:{digest}:{end}", f"qs:rl:lock:{digest}", count, period, max(1, end - int(now))))
    return counters


# --- Public API ---------------------------------------------------------------------------


def hit(limits: list[tuple[str, str, str]], *, lockout: bool = False) -> bool:
    """Count one hit on each (group, value, rate) limit, e.g. ("feedback-ip", "10.0.0.1", "300/h").
    True when any of them is over its rate. A cache outage counts as "not limited" (logged).

    ``lockout=True`` (the failed sign-ins): a limit whose count reaches its rate is also locked out for
    one whole period from now (``blocked_for`` reports it), however late in its window that happened."""
    now = time.time()
    counters = _counters(limits, now)
    if not counters:
        return False
    try:
        store = _store()
        counts = store.incr([(c.key, c.ttl) for c in counters])
        counted = _counted.get()
        if counted is not None:
            counted.extend(c.key for c in counters)
        if lockout:
            locks = [(c.lock, int(now) + c.period, c.period) for n, c in zip(counts, counters, strict=True) if n >= c.limit]
            if locks:
                store.set(locks)
    except Exception:
        log.exception("rate-limit counters unavailable; not limiting")
        return False
    return any(n > c.limit for n, c in zip(counts, counters, strict=True))


def blocked_for(limits: list[tuple[str, str, str]]) -> int:
    """Seconds until every limit that is used up (its count has reached its rate in this window, or
    it is locked out) frees again; 0 when the next hit would be within all of them. Counts nothing
    (the sign-in asks before it tries a password). One round trip."""
    now = int(time.time())
    counters = _counters(limits, now)
    if not counters:
        return 0
    try:
        values = _store().get([c.key for c in counters] + [c.lock for c in counters])
    except Exception:
        log.exception("rate-limit counters unavailable; not limiting")
        return 0
    counts, locks = values[:len(counters)], values[len(counters):]
    waits = [c.ttl for n, c in zip(counts, counters, strict=True) if n >= c.limit]
    waits += [until - now for until in locks if until > now]
    return max(waits, default=0)


def reset(limits: list[tuple[str, str, str]]) -> None:
    """Forget the current count and any lockout of these limits (a successful sign-in clears the
    account's failures)."""
    counters = _counters(limits, time.time())
    if not counters:
        return
    try:
        _store().delete([c.key for c in counters] + [c.lock for c in counters])
    except Exception:
        log.exception("rate-limit counters unavailable")


def track_request_counts() -> contextvars.Token:
    """Start recording what this request counts (``core.middleware``); ``untrack_request_counts`` ends it."""
    return _counted.set([])


def untrack_request_counts(token: contextvars.Token) -> None:
    _counted.reset(token)


def refund() -> None:
    """Give back every count of the current request — it was not served (an outage), so it must not cost
    the visitor: each counter this request incremented is decremented (never below zero). One round trip."""
    keys = _counted.get()
    if not keys:
        return
    _counted.set([])
    try:
        _store().decr(keys)
    except Exception:
        log.warning("rate-limit counters unavailable; counts not given back")


def minutes(seconds: int) -> int:
    return max(1, math.ceil(seconds / 60))


# --- Counter stores -------------------------------------------------------------------------


def _redis():
    global _client
    if _client is None:
        import redis

        _client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2)
    return _client


class _RedisStore:
    def incr(self, items):
        pipe = _redis().pipeline(transaction=False)
        for key, ttl in items:
            pipe.incr(key)
            pipe.expire(key, ttl + FUDGE)
        return pipe.execute()[::2]

    def get(self, keys):
        return [int(v or 0) for v in _redis().mget(keys)]

    _DECR = "for _, key in ipairs(KEYS) do if tonumber(redis.call('get', key) or '0') > 0 then redis.call('decr', key) end end"

    def decr(self, keys):
        _redis().eval(self._DECR, len(keys), *keys)

    def set(self, items):
        pipe = _redis().pipeline(transaction=False)
        for key, value, ttl in items:
            pipe.set(key, value, ex=ttl + FUDGE)
        pipe.execute()

    def delete(self, keys):
        _redis().delete(*keys)


class _FileStore:
    """One counter file per key, changed under an exclusive flock on that file (atomic across the
    processes and threads of one server)."""

    sweep_every = 60.0
    _swept = 0.0

    def __init__(self, directory: str):
        self.directory = directory

    def _path(self, key: str) -> str:
        return os.path.join(self.directory, key.replace(":", "-"))

    def incr(self, items):
        counts = [self._incr(self._path(key)) for key, _ttl in items]
        self._sweep()
        return counts

    def _open(self, path: str) -> int:
        """The counter file, created if need be — with its directory the first time (no ``makedirs`` and its
        ``stat`` on every count)."""
        try:
            return os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        except FileNotFoundError:
            os.makedirs(self.directory, exist_ok=True)
            return os.open(path, os.O_RDWR | os.O_CREAT, 0o600)

    def _incr(self, path: str) -> int:
        fd = self._open(path)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            raw = os.pread(fd, 32, 0)
            count = (int(raw) if raw.strip().isdigit() else 0) + 1
            data = str(count).encode()
            os.pwrite(fd, data, 0)
            os.ftruncate(fd, len(data))
            return count
        finally:
            os.close(fd)  # releases the lock

    def get(self, keys):
        return [_read_int(self._path(key)) or 0 for key in keys]

    def decr(self, keys):
        for key in keys:
            try:
                fd = os.open(self._path(key), os.O_RDWR)
            except FileNotFoundError:
                continue
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                raw = os.pread(fd, 32, 0)
                count = int(raw) if raw.strip().isdigit() else 0
                if count > 0:
                    data = str(count - 1).encode()
                    os.pwrite(fd, data, 0)
                    os.ftruncate(fd, len(data))
            finally:
                os.close(fd)

    def set(self, items):
        for key, value, _ttl in items:
            fd = self._open(self._path(key))
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                data = str(value).encode()
                os.pwrite(fd, data, 0)
                os.ftruncate(fd, len(data))
            finally:
                os.close(fd)

    def delete(self, keys):
        for key in keys:
            try:
                os.remove(self._path(key))
            except FileNotFoundError:
                pass

    def _sweep(self):
        """Remove the counters of windows that have ended and the lockouts that are over."""
        now = time.time()
        if now - _FileStore._swept < self.sweep_every:
            return
        _FileStore._swept = now
        try:
            names = os.listdir(self.directory)
        except FileNotFoundError:
            return
        for name in names:
            path = os.path.join(self.directory, name)
            if name.startswith("qs-rl-lock-"):  # a lockout: its end is its content
                end = _read_int(path)
            else:  # a window's count: its end ends its name
                tail = name.rpartition("-")[2]
                end = int(tail) if tail.isdigit() else None
            if end is not None and end + FUDGE < now:
                try:
                    os.remove(path)
                except FileNotFoundError:
                    pass


def _read_int(path: str) -> int | None:
    try:
        with open(path, "rb") as f:
            raw = f.read(32).strip()
    except FileNotFoundError:
        return None
    return int(raw) if raw.isdigit() else None


class _CacheStore:
    """Any other Django cache (the tests' local-memory cache): read and write under a process lock."""

    _lock = threading.Lock()

    def incr(self, items):
        counts = []
        with self._lock:
            for key, ttl in items:
                count = (cache.get(key) or 0) + 1
                cache.set(key, count, ttl + FUDGE)
                counts.append(count)
        return counts

    def get(self, keys):
        found = cache.get_many(keys)
        return [int(found.get(key) or 0) for key in keys]

    def decr(self, keys):
        with self._lock:
            for key in keys:
                if (cache.get(key) or 0) > 0:
                    cache.decr(key)  # keeps the counter's expiry

    def set(self, items):
        cache.set_many({key: value for key, value, _ttl in items}, max(ttl for _k, _v, ttl in items) + FUDGE)

    def delete(self, keys):
        cache.delete_many(keys)


def _store():
    if getattr(settings, "REDIS_URL", None):
        return _RedisStore()
    backend = caches["default"]
    if isinstance(backend, FileBasedCache):
        return _FileStore(os.path.join(backend._dir, "ratelimit"))
    return _CacheStore()


# --- Client address ------------------------------------------------------------------------


@functools.lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]):
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _address(value) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address((value or "").strip())
    except ValueError:
        return None


def _trusted_proxy(address) -> bool:
    return any(address in network for network in _networks(tuple(getattr(settings, "QS_TRUSTED_PROXIES", ()) or ())))


def client_address(request) -> str | None:
    """The client's own address, to store with a named submission; None if it is not an address.

    REMOTE_ADDR, unless that is one of ``QS_TRUSTED_PROXIES`` (addresses or networks; empty = trust no
    proxy): then the proxy's header ``RATELIMIT_IP_META_KEY`` (e.g. HTTP_X_REAL_IP) names the client.
    A header with several addresses (X-Forwarded-For) is read from the right, skipping the trusted
    proxies, so an address the client wrote at its left is never taken. A client that reaches the
    app server directly cannot choose its address by sending the header."""
    remote = _address(request.META.get("REMOTE_ADDR"))
    key = getattr(settings, "RATELIMIT_IP_META_KEY", None)
    if remote is None or not isinstance(key, str) or key not in request.META or not _trusted_proxy(remote):
        return str(remote) if remote else None
    hops = [_address(hop) for hop in str(request.META[key]).split(",")]
    for hop in reversed(hops):
        if hop is None:
            return None
        if not _trusted_proxy(hop):
            return str(hop)
    return str(hops[0])


def client_ip(request) -> str:
    """The client address as the rate limits see it: ``client_address``, IPv6 reduced to its /64
    (RATELIMIT_IPV6_MASK). A missing or malformed proxy header counts under REMOTE_ADDR instead of
    failing the request."""
    address = client_address(request) or request.META.get("REMOTE_ADDR") or "0.0.0.0"
    mask = getattr(settings, "RATELIMIT_IPV6_MASK", 64) if ":" in address else getattr(settings, "RATELIMIT_IPV4_MASK", 32)
    try:
        return str(ipaddress.ip_network(f"{address}/{mask}", strict=False).network_address)
    except ValueError:
        return address


# --- Browser id and the public forms' limits ------------------------------------------------

VISITOR_COOKIE = "qs_visitor"
VISITOR_SALT = "feedback.visitor"  # the salt of the first cookies issued: changing it would renew every id
VISITOR_MAX_AGE = 30 * 24 * 3600


def visitor_id(request) -> str | None:
    """The browser's random id from a signed cookie (set on the form pages): the key of the strict
    per-browser limit. No server-side session is opened for an anonymous visitor. None when the
    cookie is missing or its signature is wrong."""
    return request.get_signed_cookie(VISITOR_COOKIE, default=None, salt=VISITOR_SALT)


def remember_visitor(request, response):
    """Give a browser without a valid id a new one (call it on the GET of a form page)."""
    if visitor_id(request) is None:
        response.set_signed_cookie(VISITOR_COOKIE, uuid.uuid4().hex, salt=VISITOR_SALT, max_age=VISITOR_MAX_AGE,
                                   httponly=True, samesite="Lax", secure=settings.SESSION_COOKIE_SECURE)
    return response


def public_limits(request, group: str, *, per_ip: str, per_visitor: str, cookieless: str | None = None) -> list:
    """A generous per-address limit (a campus NAT puts thousands behind one address) and a strict
    per-browser one. A request without a valid browser id (cookie dropped or forged) counts in a
    strict per-address bucket instead (``cookieless``, default ``QS_RATE_COOKIELESS_PER_IP``), shared
    by every cookieless request from that address: dropping the cookie buys no fresh budget."""
    address = client_ip(request)
    limits = [(f"{group}-ip", address, per_ip)]
    visitor = visitor_id(request)
    if visitor:
        limits.append((f"{group}-session", visitor, per_visitor))
    else:
        limits.append((f"{group}-cookieless", address, cookieless or settings.QS_RATE_COOKIELESS_PER_IP))
    return limits


def public_rate_limited(request, group: str, *, per_ip: str, per_visitor: str, cookieless: str | None = None) -> bool:
    """``public_limits`` counted for a POST (one round trip); True when the request is over a limit."""
    if request.method != "POST":
        return False
    return hit(public_limits(request, group, per_ip=per_ip, per_visitor=per_visitor, cookieless=cookieless))
