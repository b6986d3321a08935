"""Fixed-window rate limits for the public forms, counted in one round trip.

django-ratelimit (which this reuses for the rate syntax and the window edges)
costs three cache operations per limit on Django's Redis backend (``add``, then ``incr``, which
itself checks ``exists`` first): six round trips for a form with a per-address and a per-session
limit. With ``REDIS_URL`` set, ``hit()`` counts every limit of a request in one pipelined round trip
(INCR + EXPIRE per counter); otherwise it uses the Django cache (file or local-memory cache on a
single server), as django-ratelimit would.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging

from django.conf import settings
from django.core.cache import cache
from django_ratelimit.core import _get_window, _split_rate

log = logging.getLogger(__name__)
FUDGE = 5
_client = None


def client_ip(request) -> str:
    """The client address as the rate limits see it: ``client_address`` (RATELIMIT_IP_META_KEY behind a
    proxy), IPv6 reduced to its /64 as django-ratelimit does. A missing or malformed proxy header counts
    under REMOTE_ADDR instead of failing the request."""
    address = client_address(request) or request.META.get("REMOTE_ADDR") or "0.0.0.0"
    mask = getattr(settings, "RATELIMIT_IPV6_MASK", 64) if ":" in address else getattr(settings, "RATELIMIT_IPV4_MASK", 32)
    try:
        return str(ipaddress.ip_network(f"{address}/{mask}", strict=False).network_address)
    except ValueError:
        return address


def client_address(request) -> str | None:
    """The client's own address, to store with a named submission: the proxy's header
    (RATELIMIT_IP_META_KEY, e.g. HTTP_X_REAL_IP) behind nginx, else REMOTE_ADDR; None if not an address."""
    key = getattr(settings, "RATELIMIT_IP_META_KEY", None)
    value = request.META.get(key) if isinstance(key, str) and key in request.META else request.META.get("REMOTE_ADDR")
    value = (value or "").split(",")[0].strip()
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def _redis():
    global _client
    if _client is None:
        import redis

        _client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2)
    return _client


def hit(limits: list[tuple[str, str, str]]) -> bool:
    """Count one hit on each (group, value, rate) limit, e.g. ("feedback-ip", "10.0.0.1", "300/h").
    True when any of them is over its rate. A cache outage counts as "not limited" (logged)."""
    keys = []
    for group, value, rate in limits:
        count, period = _split_rate(rate)
        window = _get_window(value, period)
        digest = hashlib.md5(f"{group}:{value}".encode(), usedforsecurity=False).hexdigest()
        keys.append((f"qs:rl:{digest}:{window}", count, period))
    try:
        if getattr(settings, "REDIS_URL", None):
            pipe = _redis().pipeline(transaction=False)
            for key, _count, period in keys:
                pipe.incr(key)
                pipe.expire(key, period + FUDGE)
            counts = pipe.execute()[::2]
        else:
            counts = []
            for key, _count, period in keys:
                if cache.add(key, 1, period + FUDGE):
                    counts.append(1)
                else:
                    try:
                        counts.append(cache.incr(key))
                    except ValueError:  # expired between add and incr
                        cache.add(key, 1, period + FUDGE)
                        counts.append(1)
    except Exception:
        log.exception("rate-limit counters unavailable; not limiting")
        return False
    return any(n > limit for n, (_key, limit, _period) in zip(counts, keys, strict=True))
