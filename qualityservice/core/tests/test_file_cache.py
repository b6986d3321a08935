"""core.cache.FileCache, the single-server default cache: culled now and then, expired entries first,
never a live counter while expired entries are there to go."""

import random
import runpy
from pathlib import Path

import pytest

from qualityservice.core.cache import FileCache

SETTINGS = Path(__file__).resolve().parents[3] / "config" / "settings.py"


def file_cache(tmp_path, max_entries=10):
    return FileCache(str(tmp_path / "cache"), {"OPTIONS": {"MAX_ENTRIES": max_entries}})


def test_it_is_the_default_cache_without_redis_and_holds_an_hour_of_counters(monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.delenv("CACHE_MAX_ENTRIES", raising=False)
    caches = runpy.run_path(str(SETTINGS))["CACHES"]["default"]
    assert caches["BACKEND"] == "qualityservice.core.cache.FileCache"
    assert caches["OPTIONS"]["MAX_ENTRIES"] == 20_000


def test_a_full_cache_drops_its_expired_entries_and_keeps_every_live_one(tmp_path):
    random.seed(4)  # Django's cull picks at random: the same draw for the old and the new cull
    cache = file_cache(tmp_path)
    for n in range(10):
        cache.set(f"old-{n}", n, 0)  # timeout 0: already expired, still on disk
    cache._next_cull = 0.0
    for n in range(5):
        cache.set(f"counter-{n}", n, 3600)
        cache._next_cull = 0.0  # as if the cull interval had passed each time
    assert [cache.get(f"counter-{n}") for n in range(5)] == [0, 1, 2, 3, 4]
    assert len(cache._list_cache_files()) == 5


def test_a_cache_full_of_live_entries_is_still_culled(tmp_path):
    cache = file_cache(tmp_path)
    for n in range(10):
        cache.set(f"live-{n}", n, 3600)
    cache._next_cull = 0.0
    cache.set("one-more", 1, 3600)
    assert len(cache._list_cache_files()) == 11 - 10 // 3  # Django's rule: a third of them goes
    assert cache.get("one-more") == 1


def test_it_does_not_list_the_cache_directory_on_every_write(tmp_path, monkeypatch):
    cache = file_cache(tmp_path, max_entries=1000)
    listings = []
    real = cache._list_cache_files
    monkeypatch.setattr(cache, "_list_cache_files", lambda: listings.append(1) or real())
    for n in range(50):
        cache.set("counter", n, 60)
        cache.incr("counter")
    assert len(listings) == 1
    assert cache.get("counter") == 50


@pytest.mark.parametrize("operation", ["add", "set", "incr", "delete", "touch"])
def test_it_keeps_the_file_cache_semantics(tmp_path, operation):
    cache = file_cache(tmp_path)
    cache.set("k", 1, 60)
    if operation == "add":
        assert cache.add("k", 2) is False and cache.add("new", 3) is True and cache.get("new") == 3
    elif operation == "set":
        cache.set("k", 5, 60)
        assert cache.get("k") == 5
    elif operation == "incr":
        assert cache.incr("k", 2) == 3 and cache.get("k") == 3
    elif operation == "delete":
        assert cache.delete("k") is True and cache.get("k") is None
    else:
        assert cache.touch("k", 120) is True and cache.get("k") == 1
