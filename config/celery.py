"""Celery application. Redis is the broker when REDIS_URL is set; otherwise a filesystem
queue under var/ lets `make run` run tasks and periodic jobs with no extra service.

The beat schedule is core's entries (settings.CELERY_BEAT_SCHEDULE) plus every installed app's
``periodic_jobs`` (core.registry), set when the app is finalized — after Django has loaded the apps."""

import os
from pathlib import Path

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("qualityservice")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def _schedule_periodic_jobs(sender, **kwargs):
    """Core's entries plus every installed app's periodic jobs — once Django has loaded the apps (in the beat
    and the worker, Celery's Django fix-up loads them before the app is finalized)."""
    from django.apps import apps
    from django.conf import settings

    if apps.apps_ready:
        from qualityservice.core.registry import beat_schedule

        sender.conf.beat_schedule = beat_schedule(settings.CELERY_BEAT_SCHEDULE)


app.on_after_configure.connect(_schedule_periodic_jobs, weak=False)
app.on_after_finalize.connect(_schedule_periodic_jobs, weak=False)


@app.on_after_configure.connect
def _make_queue_dirs(sender, **kwargs):
    opts = sender.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        if opts.get(key):
            Path(opts[key]).mkdir(parents=True, exist_ok=True)
