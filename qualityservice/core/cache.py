"""Django's Redis cache backend, riding out a Redis outage (public API only: the backend's own methods).

A Redis that cannot be reached (restarting, failing over, a cut connection) is a cache that holds
nothing: reads miss, ``add`` adds nothing, writes are dropped — logged at most every ``LOG_EVERY``
seconds per process, never raised. So the public forms (their page cache falls back to rendering),
sessions (``cached_db`` reads and writes the database), the site settings and the notification kick
go on without it, and the rate limits count nothing meanwhile (``core.ratelimit``). Found by the
scale-out drill (bench/README.md): before, every request of a Redis restart that touched the cache was
a 500. ``delete`` still raises (a 503 page, ``core.middleware``): a cached copy that outlives its deletion
— a signed-out session — must not be served when Redis is back. Operations time out after
``SOCKET_TIMEOUT`` seconds (redis-py waits forever by default; set through the backend's OPTIONS, which
Django passes to redis-py's connection pool), so a vanished Redis host does not hold the app servers' threads.
"""

from __future__ import annotations

import functools
import logging
import time

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)
OUTAGE = (RedisConnectionError, RedisTimeoutError)
SOCKET_TIMEOUT = 2
LOG_EVERY = 10.0
_logged = {"at": float("-inf")}


def _unavailable(exc: Exception) -> None:
    now = time.monotonic()
    if now - _logged["at"] >= LOG_EVERY:
        _logged["at"] = now
        log.warning("cache unavailable, serving without it: %s", exc)


def _without_redis(method, fallback):
    """``method`` of Django's backend; on an outage ``fallback(*args, **kwargs)`` instead of raising."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except OUTAGE as exc:
            _unavailable(exc)
            return fallback(*args, **kwargs)

    return wrapper


def _default(key, default=None, version=None):
    return default


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        params = {**params, "OPTIONS": {"socket_connect_timeout": SOCKET_TIMEOUT, "socket_timeout": SOCKET_TIMEOUT,
                                        **params.get("OPTIONS", {})}}
        super().__init__(server, params)

    get = _without_redis(DjangoRedisCache.get, _default)
    get_many = _without_redis(DjangoRedisCache.get_many, lambda *a, **k: {})
    has_key = _without_redis(DjangoRedisCache.has_key, lambda *a, **k: False)
    add = _without_redis(DjangoRedisCache.add, lambda *a, **k: False)
    set = _without_redis(DjangoRedisCache.set, lambda *a, **k: None)
    set_many = _without_redis(DjangoRedisCache.set_many, lambda *a, **k: [])
    touch = _without_redis(DjangoRedisCache.touch, lambda *a, **k: False)
