"""The bare ceiling: what stock Django does on the bench's database, served the same way.

The settings of ``django-admin startproject`` (Django 5.2: its apps, its middleware, its templates),
production-like (``DEBUG`` off, connections kept), plus the benchmark's one-INSERT view. The database is
the project's — the same file or PostgreSQL database with the same OPTIONS (PRAGMAs, transaction mode,
binding), taken from the ``DATABASES`` entry ``config/settings.py`` computes from the same environment —
but the connection handling is stock Django's: its own backend, connections kept 60 s (what any
production deployment sets), no health checks. So the bare ceiling does not follow the project's
connection policy: had the project stopped keeping connections, this ceiling would not drop with it.
Nothing else of the project is loaded: no cache, no Celery, no project middleware. bench/run.py serves
it with the same gunicorn command as the platform (``bench.bare.wsgi``) and reports every submission
against both ceilings.
"""

import os
import runpy
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent

# The project's database and its OPTIONS (the settings file run on its own: the config package, which
# loads Celery, is not imported); Django's backend and connection handling.
_project = runpy.run_path(str(ROOT / "config" / "settings.py"))["DATABASES"]["default"]
_STOCK_ENGINES = {"qualityservice.core.sqlite": "django.db.backends.sqlite3",
                  "qualityservice.core.postgresql": "django.db.backends.postgresql"}
DATABASES = {
    "default": {
        **{key: _project[key] for key in ("NAME", "USER", "PASSWORD", "HOST", "PORT", "OPTIONS") if key in _project},
        "ENGINE": _STOCK_ENGINES.get(_project["ENGINE"], _project["ENGINE"]),
        "CONN_MAX_AGE": 60,
    }
}

SECRET_KEY = os.environ.get("SECRET_KEY") or "bench-bare-" + "x" * 50
DEBUG = False
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # The ceiling's model (one table, already migrated by the project) and its view.
    "qualityservice.benchceiling",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "bench.bare.urls"
WSGI_APPLICATION = "bench.bare.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
STATIC_URL = "static/"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
