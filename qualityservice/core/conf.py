"""Settings from the environment, and each app's own settings.

``config/settings.py`` and every app's ``conf.py`` read the environment with these helpers; a bad value
stops the start with a message (architecture convention 1). This module imports nothing of Django's
settings at import time, so the settings module itself can use it.

**An app's settings live in the app.** ``<app>/conf.py`` assigns its upper-case names (``QS_<APP>_…``)
from the environment with development defaults::

    from qualityservice.core.conf import env, env_int, env_rate

    # Public form limits (core.ratelimit syntax): generous per address, strict per browser.
    QS_FEEDBACK_RATE_PER_IP = env_rate("QS_FEEDBACK_RATE_PER_IP", "300/h")
    QS_FEEDBACK_MAX_IMAGES = env_int("QS_FEEDBACK_MAX_IMAGES", 3)

When the app is loaded (``PlatformAppConfig.__init__``, before any model or view is imported),
``apply_defaults`` copies each name onto ``django.conf.settings`` unless the settings module already set
it. So code keeps reading ``settings.QS_FEEDBACK_RATE_PER_IP``, the environment variable sets it, and a
settings module (or a test's ``settings`` fixture) overrides it — and a new app edits no central file.
"""

from __future__ import annotations

import os
from types import ModuleType

from django.core.exceptions import ImproperlyConfigured


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


# Names of the settings that hold a rate ("20/h"): core.checks refuses to start when one cannot be read.
RATE_SETTINGS: list[str] = []


def env_rate(name: str, default: str) -> str:
    """A rate setting (core.ratelimit syntax, e.g. ``"5/15m"``), checked at start (qualityservice.E002)."""
    if name not in RATE_SETTINGS:
        RATE_SETTINGS.append(name)
    return env(name, default)


def setting_names(module: ModuleType) -> list[str]:
    """The settings an app's ``conf`` module defines: its public upper-case names."""
    return [name for name in vars(module) if name.isupper() and not name.startswith("_")]


def apply_defaults(module: ModuleType) -> list[str]:
    """Put ``module``'s settings on ``django.conf.settings`` where the settings module left them unset.
    Returns the names applied."""
    from django.conf import settings

    applied = []
    for name in setting_names(module):
        if not hasattr(settings, name):
            setattr(settings, name, getattr(module, name))
            applied.append(name)
    return applied
