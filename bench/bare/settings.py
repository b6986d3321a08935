"""The bare ceiling: what stock Django does on the bench's database, served the same way.

The settings of ``django-admin startproject`` (Django 5.2: its apps, its middleware, its templates),
production-like (``DEBUG`` off), plus the benchmark's one-INSERT view. The database is the project's —
the same ``DATABASES`` entry computed by ``config/settings.py`` from the same environment (same file or
PostgreSQL database, same OPTIONS and PRAGMAs, same ``CONN_MAX_AGE``) — with Django's own backend in
place of the project's. Nothing else of the project is loaded: no cache, no Celery, no project
middleware. bench/run.py serves it with the same gunicorn command as the platform
(``bench.bare.wsgi``) and reports every submission against both ceilings.
"""

import os
import runpy
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent

# The project's DATABASES (the settings file run on its own: the config package, which loads Celery, is
# not imported).
_project = runpy.run_path(str(ROOT / "config" / "settings.py"))
DATABASES = {"default": dict(_project["DATABASES"]["default"])}
if DATABASES["default"]["ENGINE"] == "qualityservice.core.sqlite":
    DATABASES["default"]["ENGINE"] = "django.db.backends.sqlite3"

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
