"""Django's Redis cache backend, reusing its ``redis.Redis`` client and riding out a Redis outage.

Django's ``RedisCacheClient.get_client`` builds a new ``redis.Redis`` object for every cache
operation (the connection pool is shared, but each object fills its response-callback table:
~0.1 ms of CPU per operation). The client is thread-safe, so one per pool is enough.

A Redis that cannot be reached (restarting, failing over, a cut connection) is a cache that holds
nothing: reads miss, ``add`` adds nothing, writes are dropped — logged at most every ``LOG_EVERY``
seconds per process, never raised. So the public forms (their page cache falls back to rendering),
sessions (``cached_db`` reads and writes the database), the site settings and the notification kick
go on without it, and the rate limits count nothing meanwhile (``core.ratelimit``). Found by the
scale-out drill (bench/README.md): before, every request of a Redis restart that touched the cache was
a 500. ``delete`` still raises (a 503 page, ``core.middleware``): a cached copy that outlives its deletion
— a signed-out session — must not be served when Redis is back. Operations time out after
``SOCKET_TIMEOUT`` seconds (redis-py waits forever by default), so a vanished Redis host does not hold
the app servers' threads.
"""

from __future__ import annotations

import functools
import logging
import time

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
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


def _without_redis(fallback):
    """Run the cache operation; on an outage return ``fallback(*args)`` instead of raising."""

    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except OUTAGE as exc:
                _unavailable(exc)
                return fallback(*args)

        return wrapper

    return decorate


class ReusingRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("socket_connect_timeout", SOCKET_TIMEOUT)
        kwargs.setdefault("socket_timeout", SOCKET_TIMEOUT)
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client

    get = _without_redis(lambda key, default: default)(RedisCacheClient.get)
    get_many = _without_redis(lambda keys: {})(RedisCacheClient.get_many)
    has_key = _without_redis(lambda key: False)(RedisCacheClient.has_key)
    add = _without_redis(lambda key, value, timeout: False)(RedisCacheClient.add)
    set = _without_redis(lambda key, value, timeout: None)(RedisCacheClient.set)
    set_many = _without_redis(lambda data, timeout: None)(RedisCacheClient.set_many)
    touch = _without_redis(lambda key, timeout: False)(RedisCacheClient.touch)


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
