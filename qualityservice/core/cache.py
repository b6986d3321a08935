"""Cache backends: Django's, with two costs of the hot path removed.

``RedisCache``: Django's ``RedisCacheClient.get_client`` builds a new ``redis.Redis`` object for every
cache operation (the connection pool is shared, but each object fills its response-callback table:
~0.1 ms of CPU per operation). The client is thread-safe, so one per pool is enough.

``FileCache`` (the single-server default): Django's file cache lists the whole cache directory on
every ``set()`` to decide whether to cull, and past ``MAX_ENTRIES`` deletes a random third of the
entries — live rate-limit counters and the page-cache version included — while expired entries stay
until something reads them. So the directory fills up to ``MAX_ENTRIES`` and stays there, every set
pays a listing of it (0.3 ms at Django's default of 300 entries, 5 ms at 3,000), and a busy hour culls
counters that are still counting. Here a process culls at most once per ``CULL_INTERVAL`` seconds,
removes the expired entries first, and falls back to Django's random cull only if the cache is still
full of live entries. ``MAX_ENTRIES`` is thus a soft bound: it can be exceeded by what is written
between two culls.
"""

import random
import time

from django.core.cache.backends.filebased import FileBasedCache
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class ReusingRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient


class FileCache(FileBasedCache):
    CULL_INTERVAL = 10.0

    def __init__(self, dir, params):
        super().__init__(dir, params)
        self._next_cull = 0.0

    def _cull(self):
        now = time.monotonic()
        if now < self._next_cull:
            return
        self._next_cull = now + self.CULL_INTERVAL
        filelist = self._list_cache_files()
        if len(filelist) < self._max_entries:
            return
        live = [fname for fname in filelist if not self._expired_file(fname)]
        if len(live) < self._max_entries:
            return
        if self._cull_frequency == 0:
            return self.clear()
        for fname in random.sample(live, len(live) // self._cull_frequency):
            self._delete(fname)

    def _expired_file(self, fname: str) -> bool:
        """Whether the entry in ``fname`` has expired (then it is deleted) or is already gone."""
        try:
            with open(fname, "rb") as f:
                return self._is_expired(f)
        except FileNotFoundError:
            return True
