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


def test_it_stops_the_hit_after_the_limits_rate_and_counts_each_value_apart(backend):
    limits = [("t-ip", "10.0.0.1", "2/m")]
    assert [ratelimit.hit(limits) for _i in range(3)] == [False, False, True]
    assert ratelimit.hit([("t-ip", "10.0.0.2", "2/m")]) is False  # another address
    assert ratelimit.hit([("t-other", "10.0.0.1", "2/m")]) is False  # another group


def test_it_limits_the_request_when_any_limit_is_over_its_rate(backend):
    generous, strict = ("t-ip", "10.0.0.9", "100/h"), ("t-session", "abc", "1/h")
    assert ratelimit.hit([generous, strict]) is False
    assert ratelimit.hit([generous, strict]) is True
    assert ratelimit.hit([generous, ("t-session", "other", "1/h")]) is False


def test_it_counts_every_limit_in_one_round_trip_to_redis(backend, monkeypatch):
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


def test_it_does_not_block_the_public_when_the_cache_is_unreachable(settings, monkeypatch):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    monkeypatch.setattr(ratelimit, "_client", None)
    assert ratelimit.hit([("t-ip", "10.0.0.1", "1/m")]) is False


def test_it_takes_the_client_address_from_the_proxy_header_of_a_trusted_proxy(settings):
    request = RequestFactory().post("/", REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="203.0.113.7")
    assert ratelimit.client_ip(request) == "127.0.0.1"
    settings.RATELIMIT_IP_META_KEY = "HTTP_X_REAL_IP"
    settings.QS_TRUSTED_PROXIES = ["127.0.0.1"]
    assert ratelimit.client_ip(request) == "203.0.113.7"


def test_it_uses_djangos_own_redis_backend_as_the_cache_with_redis(settings):
    require_service(redis_up(), "Redis on 127.0.0.1:6379")
    import os
    import subprocess
    import sys

    env = dict(os.environ, REDIS_URL=REDIS_TEST_URL, DJANGO_SETTINGS_MODULE="config.settings")
    done = subprocess.run([sys.executable, "manage.py", "shell", "-v0", "-c",
                           "from django.core.cache import caches; cache = caches['default']; cache.set('qs-t', {'v': '中文'}, 30); "
                           "print(type(cache).__module__, type(cache).__name__, cache.get('qs-t')['v'])"],
                          cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["qualityservice.core.cache", "RedisCache", "中文"], done.stderr  # Django's backend, outage-tolerant


def test_it_counts_the_direct_address_without_the_proxy_header(settings):
    settings.RATELIMIT_IP_META_KEY = "HTTP_X_REAL_IP"
    request = RequestFactory().post("/", REMOTE_ADDR="10.0.0.7")
    assert ratelimit.client_ip(request) == "10.0.0.7"


def test_it_limits_ipv6_clients_per_64_and_falls_back_on_junk_headers(settings):
    request = RequestFactory().post("/", REMOTE_ADDR="2001:db8:1:2:aaaa:bbbb:cccc:dddd")
    assert ratelimit.client_ip(request) == "2001:db8:1:2::"
    assert ratelimit.client_address(request) == "2001:db8:1:2:aaaa:bbbb:cccc:dddd"
    settings.RATELIMIT_IP_META_KEY = "HTTP_X_REAL_IP"
    settings.QS_TRUSTED_PROXIES = ["10.0.0.0/24"]
    junk = RequestFactory().post("/", REMOTE_ADDR="10.0.0.8", HTTP_X_REAL_IP="<script>")
    assert ratelimit.client_ip(junk) == "10.0.0.8" and ratelimit.client_address(junk) is None


# --- Our own rates and windows ---------------------------------------------------------------


@pytest.mark.parametrize("rate, parsed", [("20/h", (20, 3600)), ("5/15m", (5, 900)), ("300/H", (300, 3600)),
                                          ("1/s", (1, 1)), (" 2 / 2d ", (2, 172800))])
def test_it_reads_a_rate_as_a_count_per_period(rate, parsed):
    assert ratelimit.parse_rate(rate) == parsed


@pytest.mark.parametrize("rate", ["", "20", "20/x", "h/20", "0/h", "5/0m", "-1/h", None])
def test_it_refuses_what_is_not_a_rate(rate):
    with pytest.raises(ValueError, match="not a rate"):
        ratelimit.parse_rate(rate)


def test_it_makes_a_window_the_period_long_and_staggered_per_value():
    period = 3600
    ends = {v: ratelimit.window_end(v, period, now=1_000_000) for v in ("a", "b", "c")}
    assert all(1_000_000 < end <= 1_000_000 + period for end in ends.values())
    assert len(set(ends.values())) == 3  # not every counter restarts at the same second
    end = ends["a"]
    assert ratelimit.window_end("a", period, now=end - 1) == end  # the last second of the window
    assert ratelimit.window_end("a", period, now=end) == end + period  # the next window


def test_it_no_longer_imports_django_ratelimits_private_functions():
    source = open(ratelimit.__file__, encoding="utf-8").read()
    assert "django_ratelimit" not in source and "_get_window" not in source and "_split_rate" not in source


def test_it_expires_a_count_with_its_window_not_after_the_caches_default_timeout(settings, monkeypatch):
    """Django's cache.incr() rewrites a file-cache entry with the default timeout (300 s): an hourly count
    forgot itself after five quiet minutes. Our counter lives until its window ends."""
    clock = [ratelimit.window_end("t-ip:10.0.0.1", 3600, now=1_000_000) - 3600 + 1.0]  # a window's first second
    monkeypatch.setattr(ratelimit.time, "time", lambda: clock[0])
    limits = [("t-ip", "10.0.0.1", "2/h")]
    assert [ratelimit.hit(limits), ratelimit.hit(limits)] == [False, False]
    clock[0] += 600  # ten quiet minutes, same window
    assert ratelimit.hit(limits) is True
    clock[0] += 3600  # the next window
    assert ratelimit.hit(limits) is False


# --- Atomic counts on the file cache ----------------------------------------------------------


@pytest.fixture
def file_cache(settings, tmp_path):
    settings.REDIS_URL = None
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                                   "LOCATION": str(tmp_path / "cache")}}
    return tmp_path / "cache"


def _parallel_hits(n: int, limits) -> list[bool]:
    import threading

    barrier, results, lock = threading.Barrier(n), [], threading.Lock()

    def post():
        barrier.wait()
        limited = ratelimit.hit(limits)
        with lock:
            results.append(limited)

    threads = [threading.Thread(target=post) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_it_accepts_exactly_the_limit_of_fifty_parallel_hits_on_the_file_cache(file_cache):
    results = _parallel_hits(50, [("t-session", "one-browser", "20/h")])
    assert results.count(False) == 20 and results.count(True) == 30


def test_it_accepts_exactly_the_limit_of_parallel_hits_from_several_processes_on_the_file_cache(file_cache):
    import multiprocessing

    context = multiprocessing.get_context("fork")
    queue = context.Queue()

    def worker():
        queue.put([ratelimit.hit([("t-ip", "10.9.9.9", "30/h")]) for _ in range(25)])

    processes = [context.Process(target=worker) for _ in range(4)]
    for p in processes:
        p.start()
    results = [r for _ in processes for r in queue.get(timeout=60)]
    for p in processes:
        p.join(timeout=60)
    assert results.count(False) == 30 and results.count(True) == 70


def test_it_does_not_drop_a_count_when_the_file_cache_culls(file_cache, settings):
    from django.core.cache import cache

    settings.CACHES = {"default": {**settings.CACHES["default"], "OPTIONS": {"MAX_ENTRIES": 3, "CULL_FREQUENCY": 1}}}
    limits = [("t-session", "b", "2/h")]
    assert [ratelimit.hit(limits), ratelimit.hit(limits)] == [False, False]
    for i in range(10):
        cache.set(f"other-{i}", i)
    assert ratelimit.hit(limits) is True


def test_it_sweeps_the_counters_of_ended_windows_from_the_file_cache(file_cache, monkeypatch):
    monkeypatch.setattr(ratelimit._FileStore, "_swept", 0.0)
    ratelimit.hit([("t-ip", "10.0.0.1", "1/s")])
    directory = file_cache / "ratelimit"
    assert len(list(directory.iterdir())) == 1
    later = ratelimit.time.time() + 120
    monkeypatch.setattr(ratelimit.time, "time", lambda: later)
    ratelimit.hit([("t-ip", "10.0.0.2", "1/h")])
    names = [p.name for p in directory.iterdir()]
    assert len(names) == 1 and int(names[0].rpartition("-")[2]) > later  # only the live window is left


def test_it_tells_how_long_a_used_up_limit_blocks_and_counts_nothing_when_asked(backend):
    limits = [("t-login", "someone", "2/15m")]
    assert ratelimit.blocked_for(limits) == 0
    ratelimit.hit(limits)
    assert ratelimit.blocked_for(limits) == 0
    ratelimit.hit(limits)
    assert 0 < ratelimit.blocked_for(limits) <= 900
    assert ratelimit.blocked_for(limits) > 0  # asking again counted nothing more
    ratelimit.reset(limits)
    assert ratelimit.blocked_for(limits) == 0


def test_it_supports_blocked_for_and_reset_on_the_file_cache(file_cache):
    limits = [("t-login", "someone", "1/15m")]
    ratelimit.hit(limits)
    assert ratelimit.blocked_for(limits) > 0
    ratelimit.reset(limits)
    assert ratelimit.blocked_for(limits) == 0


# --- The public forms: browser id and the cookieless bucket ---------------------------------


def _post(cookie=None, address="10.1.1.1"):
    request = RequestFactory().post("/feedback/new/", REMOTE_ADDR=address)
    if cookie:
        request.COOKIES[ratelimit.VISITOR_COOKIE] = cookie
    return request


def _signed_visitor_cookie() -> str:
    from django.http import HttpResponse

    response = ratelimit.remember_visitor(RequestFactory().get("/"), HttpResponse())
    return response.cookies[ratelimit.VISITOR_COOKIE].value


RATES = {"per_ip": "300/h", "per_visitor": "2/h", "cookieless": "3/h"}


def test_it_gives_no_fresh_budget_for_dropping_the_browser_cookie(db):
    """Before, a POST without the cookie was limited only per address (300/h): each dropped cookie a
    fresh per-browser budget. Now every cookieless POST from an address shares one strict bucket."""
    results = [ratelimit.public_rate_limited(_post(), "t-form", **RATES) for _ in range(4)]
    assert results == [False, False, False, True]
    forged = [ratelimit.public_rate_limited(_post(cookie="forged:value"), "t-form", **RATES) for _ in range(1)]
    assert forged == [True]  # a forged id is no id: the same cookieless bucket
    assert ratelimit.public_rate_limited(_post(address="10.1.1.2"), "t-form", **RATES) is False  # another address


def test_it_keeps_a_separate_budget_for_a_browser_with_a_valid_id(db):
    for _ in range(3):
        ratelimit.public_rate_limited(_post(), "t-form", **RATES)  # the address's cookieless bucket is used up
    cookie = _signed_visitor_cookie()
    results = [ratelimit.public_rate_limited(_post(cookie=cookie), "t-form", **RATES) for _ in range(3)]
    assert results == [False, False, True]  # its per-browser limit (2/h), not the cookieless one


def test_it_defaults_the_cookieless_bucket_to_the_setting_and_counts_only_posts(settings, db):
    settings.QS_RATE_COOKIELESS_PER_IP = "1/h"
    rates = {"per_ip": "300/h", "per_visitor": "20/h"}
    assert [ratelimit.public_rate_limited(_post(), "t-form", **rates) for _ in range(2)] == [False, True]
    assert ratelimit.public_rate_limited(RequestFactory().get("/"), "t-form", **rates) is False


def test_it_gives_a_new_browser_a_signed_random_id_once(db):
    from django.http import HttpResponse

    cookie = _signed_visitor_cookie()
    request = _post(cookie=cookie)
    assert len(ratelimit.visitor_id(request)) == 32
    response = ratelimit.remember_visitor(request, HttpResponse())
    assert ratelimit.VISITOR_COOKIE not in response.cookies  # kept, not renewed


@pytest.mark.parametrize("store", ["cache", "redis", "file"])
def test_it_locks_out_for_one_whole_period_even_when_the_window_was_ending(store, settings, monkeypatch, tmp_path):
    """Without it, failures late in a fixed window locked the account for a few seconds only."""
    if store == "redis":
        require_service(redis_up(), "Redis on 127.0.0.1:6379")
        import redis

        redis.Redis.from_url(REDIS_TEST_URL).flushdb()
        settings.REDIS_URL = REDIS_TEST_URL
        monkeypatch.setattr(ratelimit, "_client", None)
    else:
        settings.REDIS_URL = None
    if store == "file":
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                                       "LOCATION": str(tmp_path / "cache")}}
    limits = [("t-login", "someone", "2/15m")]
    end = ratelimit.window_end("t-login:someone", 900)
    clock = [end - 10.0]  # ten seconds before the window ends
    monkeypatch.setattr(ratelimit.time, "time", lambda: clock[0])
    assert ratelimit.hit(limits, lockout=True) is False and ratelimit.blocked_for(limits) == 0
    assert ratelimit.hit(limits, lockout=True) is False  # the second: the rate is used up
    assert ratelimit.blocked_for(limits) == 900
    clock[0] += 60  # a new window has begun: the lockout goes on
    assert ratelimit.blocked_for(limits) == 840
    clock[0] += 841
    assert ratelimit.blocked_for(limits) == 0
    monkeypatch.setattr(ratelimit, "_client", None)


@pytest.mark.parametrize("store", ["cache", "redis", "file"])
def test_refund_gives_back_what_the_request_counted_and_never_goes_below_zero(store, settings, monkeypatch, tmp_path):
    if store == "redis":
        require_service(redis_up(), "Redis on 127.0.0.1:6379")
        import redis

        redis.Redis.from_url(REDIS_TEST_URL).flushdb()
        settings.REDIS_URL = REDIS_TEST_URL
        monkeypatch.setattr(ratelimit, "_client", None)
    else:
        settings.REDIS_URL = None
    if store == "file":
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                                       "LOCATION": str(tmp_path / "cache")}}
    limits = [("t-ip", "10.0.0.1", "2/m"), ("t-browser", "b1", "2/m")]
    assert ratelimit.hit(limits) is False  # counted outside a request: nothing to give back
    token = ratelimit.track_request_counts()
    try:
        assert ratelimit.hit(limits) is False
        ratelimit.refund()  # this request was not served
        ratelimit.refund()  # a second refund gives back nothing more
    finally:
        ratelimit.untrack_request_counts(token)
    assert [ratelimit.hit(limits) for _i in range(2)] == [False, True]  # the first hit still counts
    monkeypatch.setattr(ratelimit, "_client", None)


def test_it_counts_in_the_file_cache_when_its_counter_directory_is_not_there_yet(file_cache):
    import shutil

    limits = [("t-session", "c", "1/h")]
    assert ratelimit.hit(limits) is False
    shutil.rmtree(file_cache / "ratelimit")  # an operator cleared the cache directory
    assert ratelimit.hit(limits) is False
    assert ratelimit.hit(limits) is True  # the count went on in a new directory
    assert len(list((file_cache / "ratelimit").iterdir())) == 1
