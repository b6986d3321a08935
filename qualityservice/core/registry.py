"""The installed platform apps and what they declare (``core.apps.PlatformAppConfig``), collected for
``config``: their URL includes, their periodic jobs. Also: finding what other apps offer without
importing them at module level (architecture.md: apps talk through one service function each, and
optional apps may be absent)."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from types import ModuleType

from django.apps import AppConfig, apps
from django.core.exceptions import ImproperlyConfigured

from .apps import PlatformAppConfig, optional_module


def platform_apps() -> list[PlatformAppConfig]:
    """The installed apps that wire themselves (``PlatformAppConfig``), in ``INSTALLED_APPS`` order."""
    return [config for config in apps.get_app_configs() if isinstance(config, PlatformAppConfig)]


def urlpatterns() -> list:
    """One include per platform app, in ``INSTALLED_APPS`` order, under the namespace of its label: its
    ``short_urls`` at the site root, its ``urls`` under ``url_prefix``, its ``staff_urls`` under
    ``staff_url_prefix``."""
    from django.urls import include, path

    patterns = []
    for config in platform_apps():
        own = [path(prefix, include(module.urlpatterns)) for prefix, module in config.url_modules()]
        if own:
            patterns.append(path("", include((own, config.label))))
    return patterns


def periodic_jobs() -> dict[str, dict]:
    """Every platform app's ``periodic_jobs`` as Celery beat entries ({name: {"task", "schedule"}})."""
    schedule: dict[str, dict] = {}
    for config in platform_apps():
        for name, (task, every) in config.periodic_jobs.items():
            if name in schedule:
                raise ImproperlyConfigured(f"periodic job {name!r} of {config.label} is declared twice")
            schedule[name] = {"task": task, "schedule": float(every) if isinstance(every, int | float) else every}
    return schedule


def beat_schedule(base: dict | None = None) -> dict[str, dict]:
    """``base`` (core's own entries, settings.CELERY_BEAT_SCHEDULE) plus every app's periodic jobs."""
    schedule = dict(base or {})
    for name, entry in periodic_jobs().items():
        if name in schedule:
            raise ImproperlyConfigured(f"periodic job {name!r} is declared twice")
        schedule[name] = entry
    return schedule


def app_modules(module: str) -> Iterator[tuple[AppConfig, ModuleType]]:
    """(app config, ``<app>.<module>``) for every project app that has that module, in
    INSTALLED_APPS order — e.g. ``demo`` for seed_demo, ``scale`` for generate_scale_data."""
    for config in apps.get_app_configs():
        if not config.name.startswith("qualityservice."):
            continue
        found = optional_module(f"{config.name}.{module}")
        if found is not None:
            yield config, found


def optional_function(app: str, module: str, name: str):
    """``app.module.name`` when the app is installed and offers it, else None."""
    if not apps.is_installed(app):
        return None
    try:
        return getattr(importlib.import_module(f"{app}.{module}"), name)
    except (ImportError, AttributeError):
        return None
