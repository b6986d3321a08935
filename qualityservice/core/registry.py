"""Finding what other apps offer without importing them at module level (architecture.md: apps
talk through one service function each, and optional apps may be absent)."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from types import ModuleType

from django.apps import AppConfig, apps


def app_modules(module: str) -> Iterator[tuple[AppConfig, ModuleType]]:
    """(app config, ``<app>.<module>``) for every project app that has that module, in
    INSTALLED_APPS order — e.g. ``demo`` for seed_demo, ``scale`` for generate_scale_data."""
    for config in apps.get_app_configs():
        if not config.name.startswith("qualityservice."):
            continue
        try:
            found = importlib.import_module(f"{config.name}.{module}")
        except ModuleNotFoundError as exc:
            if exc.name == f"{config.name}.{module}":
                continue
            raise
        yield config, found


def optional_function(app: str, module: str, name: str):
    """``app.module.name`` when the app is installed and offers it, else None."""
    if not apps.is_installed(app):
        return None
    try:
        return getattr(importlib.import_module(f"{app}.{module}"), name)
    except (ImportError, AttributeError):
        return None
