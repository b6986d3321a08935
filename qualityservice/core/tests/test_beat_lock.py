"""One Celery beat per schedule: a second scheduler refuses to start while the first runs."""

import os
import subprocess
import sys
import time

import pytest
from django.conf import settings

from qualityservice.core.beat import AlreadyLocked, ProcessLock, SingleBeatScheduler


def test_it_fails_a_second_acquisition_while_the_first_holds_the_lock(tmp_path):
    path = str(tmp_path / "beat.lock")
    first = ProcessLock(path).acquire()
    with pytest.raises(AlreadyLocked, match=f"held by process {os.getpid()}"):
        ProcessLock(path).acquire()
    first.release()
    with ProcessLock(path):  # free again once released
        pass


def test_it_refuses_to_start_a_second_scheduler_on_the_same_schedule(tmp_path):
    from config.celery import app

    schedule = str(tmp_path / "celerybeat-schedule")
    first = SingleBeatScheduler(app=app, schedule_filename=schedule)
    try:
        assert os.path.exists(f"{schedule}.lock")
        assert "core-deliver-notifications" in first.schedule
        with pytest.raises(SystemExit, match="another scheduler is running"):
            SingleBeatScheduler(app=app, schedule_filename=schedule)
    finally:
        first.close()
    SingleBeatScheduler(app=app, schedule_filename=schedule).close()  # the first one stopped: a new one starts


def test_it_runs_celery_beat_with_the_locked_scheduler():
    from config.celery import app

    assert settings.CELERY_BEAT_SCHEDULER == "qualityservice.core.beat:SingleBeatScheduler"
    assert app.conf.beat_scheduler == settings.CELERY_BEAT_SCHEDULER


def test_it_exits_a_second_celery_beat_process_while_the_first_runs(tmp_path):
    """The real command, twice, as `make run` and a forgotten terminal would start it."""
    schedule = str(tmp_path / "celerybeat-schedule")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "CELERY_BROKER_URL": "memory://"}
    command = [sys.executable, "-m", "celery", "-A", "config", "beat", "--loglevel=WARNING", f"--schedule={schedule}"]
    first = subprocess.Popen(command, cwd=settings.BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not _locked(f"{schedule}.lock"):
            assert first.poll() is None, first.stderr.read().decode()
            time.sleep(0.2)
        second = subprocess.run(command, cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=60)
        assert second.returncode != 0
        assert "another scheduler is running on this schedule" in second.stderr
        assert first.poll() is None  # the first one goes on
    finally:
        first.terminate()
        first.wait(timeout=30)


def _locked(path: str) -> bool:
    if not os.path.exists(path):
        return False
    try:
        ProcessLock(path).acquire().release()
    except AlreadyLocked:
        return True
    return False
