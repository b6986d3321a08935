"""core.ratelimit: fixed-window limits counted in one round trip on Redis, through the cache otherwise."""

import pytest
from django.test import RequestFactory

from qualityservice.core import ratelimit
from qualityservice.core.testing import require_service

REDIS_TEST_URL = "redis://127.0.0.1:6379/13"


def redis_up() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_TEST_URL, socket_timeout=1).ping())
    except Exception:
        return False


@pytest.fixture(params=["cache", "redis"])
def backend(request, settings, monkeypatch):
    if request.param == "redis":
        require_service(redis_up(), "Redis on 127.0.0.1:6379")
        import redis

        redis.Redis.from_url(REDIS_TEST_URL).flushdb()
        settings.REDIS_URL = REDIS_TEST_URL
        monkeypatch.setattr(ratelimit, "_client", None)
    else:
        settings.REDIS_URL = None
    yield request.param
    monkeypatch.setattr(ratelimit, "_client", None)


def test_a_limit_stops_the_hit_after_its_rate_and_counts_each_value_apart(backend):
    limits = [("t-ip", "10.0.0.1", "2/m")]
    assert [ratelimit.hit(limits) for _i in range(3)] == [False, False, True]
    assert ratelimit.hit([("t-ip", "10.0.0.2", "2/m")]) is False  # another address
    assert ratelimit.hit([("t-other", "10.0.0.1", "2/m")]) is False  # another group


def test_any_limit_over_its_rate_limits_the_request(backend):
    generous, strict = ("t-ip", "10.0.0.9", "100/h"), ("t-session", "abc", "1/h")
    assert ratelimit.hit([generous, strict]) is False
    assert ratelimit.hit([generous, strict]) is True
    assert ratelimit.hit([generous, ("t-session", "other", "1/h")]) is False


def test_redis_counts_every_limit_in_one_round_trip(backend, monkeypatch):
    if backend != "redis":
        pytest.skip("Redis only")
    client = ratelimit._redis()
    calls = []
    real = client.pipeline

    def pipeline(*args, **kwargs):
        pipe = real(*args, **kwargs)
        execute = pipe.execute
        pipe.execute = lambda *a, **k: calls.append(len(pipe.command_stack)) or execute(*a, **k)
        return pipe

    monkeypatch.setattr(client, "pipeline", pipeline)
    ratelimit.hit([("t-ip", "10.0.0.1", "5/m"), ("t-session", "s", "5/m")])
    assert calls == [4]  # INCR + EXPIRE per counter, one execute


def test_an_unreachable_cache_does_not_block_the_public(settings, monkeypatch):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    monkeypatch.setattr(ratelimit, "_client", None)
    assert ratelimit.hit([("t-ip", "10.0.0.1", "1/m")]) is False


def test_the_client_address_follows_the_proxy_header(settings):
    request = RequestFactory().post("/", REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="203.0.113.7")
    assert ratelimit.client_ip(request) == "127.0.0.1"
    settings.RATELIMIT_IP_META_KEY = "HTTP_X_REAL_IP"
    assert ratelimit.client_ip(request) == "203.0.113.7"


def test_the_redis_cache_backend_reuses_its_client_and_works(settings):
    require_service(redis_up(), "Redis on 127.0.0.1:6379")
    from django.core.cache.backends.redis import RedisCache as Django

    from qualityservice.core.cache import RedisCache

    cache = RedisCache(REDIS_TEST_URL, {})
    assert isinstance(cache, Django)
    cache.clear()
    assert cache.add("k", {"v": "中文"}, 30) is True and cache.add("k", 1, 30) is False
    assert cache.get("k") == {"v": "中文"}
    cache.set("n", 1, 30)
    assert cache.incr("n") == 2
    client = cache._cache
    assert client.get_client(write=True) is client.get_client(write=True)


def test_without_the_proxy_header_the_limit_counts_the_direct_address(settings):
    settings.RATELIMIT_IP_META_KEY = "HTTP_X_REAL_IP"
    request = RequestFactory().post("/", REMOTE_ADDR="10.0.0.7")
    assert ratelimit.client_ip(request) == "10.0.0.7"


def test_ipv6_clients_are_limited_per_64_and_junk_headers_fall_back(settings):
    request = RequestFactory().post("/", REMOTE_ADDR="2001:db8:1:2:aaaa:bbbb:cccc:dddd")
    assert ratelimit.client_ip(request) == "2001:db8:1:2::"
    assert ratelimit.client_address(request) == "2001:db8:1:2:aaaa:bbbb:cccc:dddd"
    settings.RATELIMIT_IP_META_KEY = "HTTP_X_REAL_IP"
    junk = RequestFactory().post("/", REMOTE_ADDR="10.0.0.8", HTTP_X_REAL_IP="<script>")
    assert ratelimit.client_ip(junk) == "10.0.0.8" and ratelimit.client_address(junk) is None
