"""The periodic job ``org.refresh_public_statistics`` recomputes the figures on the public home
page into the cache; the page reads the cache only. The last test runs a real Celery worker
against Redis (skipped locally without Redis, required in CI)."""

import socket
import time
import uuid

import pytest
import redis
from django.core.cache import cache
from django.urls import reverse

from config.celery import app as celery_app
from qualityservice.core.testing import require_service
from qualityservice.org import tasks
from qualityservice.org.services import PUBLIC_STATS_KEY, public_statistics
from qualityservice.org.tests.factories import StaffFactory


def figures(client):
    html = client.get(reverse("org:home")).content.decode()
    start = html.index('aria-label="数据概览"')
    return html[start : html.index("</section>", start)]


def test_it_is_scheduled_as_a_periodic_job():
    schedule = {entry["task"]: entry["schedule"] for entry in celery_app.conf.beat_schedule.values()}
    assert "org.refresh_public_statistics" in schedule
    assert "org.refresh_public_statistics" in celery_app.tasks


def test_it_shows_cached_figures_until_the_job_refreshes_them(client, org):
    on_duty_before = public_statistics()["staff_on_duty"]
    assert f">{on_duty_before}<" in figures(client)
    for i in range(5):
        StaffFactory(department=org.wuye, name=f"新人{i}")
    assert f">{on_duty_before}<" in figures(client)  # served from the cache: no recount per visit
    result = tasks.refresh_public_statistics.delay().get()
    assert result["staff_on_duty"] == on_duty_before + 5
    assert f">{on_duty_before + 5}<" in figures(client)
    assert cache.get(PUBLIC_STATS_KEY)["staff_on_duty"] == on_duty_before + 5


def test_it_computes_the_figures_on_a_cold_cache(org):
    cache.delete(PUBLIC_STATS_KEY)
    stats = public_statistics()
    assert stats["departments"] == 3  # 物业, 饮食, 办公室: centres only, not the group or teams
    assert stats["commitments"] == 3 and stats["measurable_commitments"] == 2
    assert stats["staff"] == 8 and stats["places"] == 2


def test_it_is_idempotent(org):
    first = tasks.refresh_public_statistics()
    second = tasks.refresh_public_statistics()
    first.pop("refreshed_at"), second.pop("refreshed_at")
    assert first == second


def reset_connections(app):
    """Forget pooled broker connections so the next use connects to the configured broker."""
    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    app.amqp._producer_pool = None


def redis_reachable(host="127.0.0.1", port=6379) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_it_runs_the_job_in_a_real_worker_over_redis(settings):
    require_service(redis_reachable(), "Redis on 127.0.0.1:6379")
    from celery.contrib.testing.worker import start_worker

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:6379/14", "KEY_PREFIX": f"qs-test-{time.time_ns()}"}}
    StaffFactory.create_batch(3)
    cache.delete(PUBLIC_STATS_KEY)
    saved = {key: celery_app.conf[key] for key in ("broker_url", "broker_transport_options", "task_always_eager",
                                                   "result_backend", "task_default_queue")}
    queue = f"qs-test-{uuid.uuid4().hex}"  # ours only: other test runs on the same Redis cannot take the job
    celery_app.conf.update(broker_url="redis://127.0.0.1:6379/15", broker_transport_options={},
                           task_always_eager=False, result_backend=None, task_default_queue=queue)
    reset_connections(celery_app)
    try:
        with start_worker(celery_app, pool="solo", concurrency=1, perform_ping_check=False, shutdown_timeout=10,
                          loglevel="WARNING"):
            tasks.refresh_public_statistics.delay()
            deadline = time.monotonic() + 30
            while (stats := cache.get(PUBLIC_STATS_KEY)) is None and time.monotonic() < deadline:
                time.sleep(0.1)
    finally:
        celery_app.conf.update(saved)
        reset_connections(celery_app)
        broker = redis.Redis(host="127.0.0.1", port=6379, db=15)
        for key in broker.scan_iter(f"*{queue}*"):
            broker.delete(key)
    assert stats is not None, "the worker did not run the job within 30 s"
    assert stats["staff"] == 3
    cache.delete(PUBLIC_STATS_KEY)
