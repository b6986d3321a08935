"""Celery application. Redis is the broker when REDIS_URL is set; otherwise a filesystem
queue under var/ lets `make run` run tasks and periodic jobs with no extra service."""

import os
from pathlib import Path

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("qualityservice")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def _make_queue_dirs(sender, **kwargs):
    opts = sender.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        if opts.get(key):
            Path(opts[key]).mkdir(parents=True, exist_ok=True)
