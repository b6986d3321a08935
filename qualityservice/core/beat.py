"""Exactly one Celery beat per schedule: a second scheduler refuses to start.

Two beats on one schedule send every periodic job twice (``make run`` once left the embedded beat
of a killed worker running, and the next start added a second one). ``SingleBeatScheduler``
(settings ``CELERY_BEAT_SCHEDULER``) takes an exclusive ``flock`` on ``<schedule file>.lock`` before
it opens the schedule and keeps it while it runs; the kernel releases it when the process ends,
however it ends, so a stale lock cannot block the next start. The lock covers one machine: on
several servers run the beat unit on one of them only.
"""

from __future__ import annotations

import fcntl
import os

from celery.beat import PersistentScheduler


class AlreadyLocked(RuntimeError):
    pass


class ProcessLock:
    """An exclusive, non-blocking ``flock`` on ``path`` that holds the owner's pid."""

    def __init__(self, path: str):
        self.path = path
        self.fd: int | None = None

    def acquire(self) -> ProcessLock:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            owner = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
            os.close(fd)
            raise AlreadyLocked(f"{self.path} is held by process {owner}") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self.fd = fd
        return self

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)  # closing releases the flock
            self.fd = None

    def __enter__(self):
        return self.acquire()

    def __exit__(self, *exc):
        self.release()


class SingleBeatScheduler(PersistentScheduler):
    """Celery's file-backed scheduler, guarded by ``ProcessLock(<schedule file>.lock)``."""

    _lock: ProcessLock | None = None

    def setup_schedule(self):
        if self._lock is None:
            lock = ProcessLock(f"{self.schedule_filename}.lock")
            try:
                self._lock = lock.acquire()
            except AlreadyLocked as exc:
                raise SystemExit(f"celery beat: another scheduler is running on this schedule ({exc}); not starting a second one.")
        super().setup_schedule()

    def close(self):
        try:
            super().close()
        finally:
            if self._lock is not None:
                self._lock.release()
                self._lock = None
