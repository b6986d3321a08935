"""A Redis that cannot be reached is a cache that holds nothing (core/cache.py): reads miss, writes are
dropped and nothing raises — but a delete — so the public form, a signed-in session and the notification
kick go on through a Redis restart (the scale-out drill's step 5, bench/README.md)."""

import socket

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError

from qualityservice.core import ratelimit
from qualityservice.core.cache import RedisCache
from qualityservice.core.models import Notification
from qualityservice.feedback.models import Feedback


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def dead_redis(settings, monkeypatch):
    url = f"redis://127.0.0.1:{closed_port()}/0"
    settings.CACHES = {"default": {"BACKEND": "qualityservice.core.cache.RedisCache", "LOCATION": url}}
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    settings.REDIS_URL = url  # the rate limits' counters too
    monkeypatch.setattr(ratelimit, "_client", None)
    return url


def test_it_reads_nothing_and_keeps_nothing_without_redis(dead_redis):
    cache = RedisCache(dead_redis, {})
    assert cache.get("k") is None and cache.get("k", 5) == 5
    assert cache.add("k", 1, 30) is False
    cache.set("k", 1, 30)
    assert cache.get_many(["k", "l"]) == {} and cache.has_key("k") is False and cache.touch("k", 30) is False
    assert cache.set_many({"k": 1}, 30) == []
    with pytest.raises(RedisConnectionError):  # a cached copy must not outlive its deletion
        cache.delete("k")


def test_its_operations_time_out_instead_of_waiting_forever(dead_redis):
    options = RedisCache(dead_redis, {})._options
    assert options["socket_timeout"] == 2 and options["socket_connect_timeout"] == 2


def test_the_public_form_is_served_and_accepted_without_redis(client, org, dead_redis):
    page = client.get("/feedback/new/")
    assert page.status_code == 200 and 'name="submission_key"' in page.content.decode()
    response = client.post("/feedback/new/", {"kind": "complaint", "department": org.wuye.pk, "title": "楼道灯不亮",
                                              "body": "三号楼二楼楼道灯坏了。", "anonymous": "on", "website": "",
                                              "submission_key": "k" * 32})
    fb = Feedback.objects.get(submission_key=f"web:{'k' * 32}")
    assert response.status_code == 302 and response["Location"] == f"/feedback/t/{fb.code}/?new=1"
    # The heads' notification waits in the outbox for the broker (Redis) to come back.
    assert Notification.objects.filter(sent_at__isnull=True).count() == 1


def test_a_session_signs_in_and_stays_valid_without_redis(client, org, dead_redis):
    signed_in = client.post("/accounts/login/", {"username": org.supervisor.username, "password": org.password})
    assert signed_in.status_code == 302  # saved in the database; the cache copy is dropped
    page = client.get("/staff/")
    assert page.status_code == 200 and 'action="/accounts/logout/"' in page.content.decode()
    # Signing out waits for Redis (the translated 503 page): its cached copy must not outlive the session.
    out = client.post("/accounts/logout/")
    assert out.status_code == 503 and "服务暂时不可用" in out.content.decode()
