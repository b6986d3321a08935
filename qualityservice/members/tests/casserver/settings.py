"""A tiny Django project around django-cas-server: the real CAS server the members tests sign in
against (started in its own process by ``fixture.cas_server``). Users and their attributes are read
from a JSON file the test writes (``auth.JsonFileUsers``); tickets, sessions and the service pattern
live in a SQLite file of the test's temporary directory. Tests only: never installed or deployed."""

import os
from pathlib import Path

WORK = Path(os.environ.get("CASSERVER_WORK", "/tmp/qs-casserver"))
SECRET_KEY = "casserver-tests-only-" + "x" * 40
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "cas_server",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
ROOT_URLCONF = "qualityservice.members.tests.casserver.urls"
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
    ]},
}]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": WORK / "cas.sqlite3",
                         "OPTIONS": {"timeout": 20}}}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
USE_TZ = True
TIME_ZONE = "Asia/Shanghai"
LANGUAGE_CODE = "zh-hans"
STATIC_URL = "/static/"
SESSION_COOKIE_NAME = "casserver_session"  # not the platform's cookie name: both run on 127.0.0.1
CSRF_COOKIE_NAME = "casserver_csrftoken"

CAS_AUTH_CLASS = "qualityservice.members.tests.casserver.auth.JsonFileUsers"
CAS_USERS_FILE = WORK / "users.json"
CAS_TICKET_VALIDITY = 60
CAS_SLO_TIMEOUT = 5
CAS_NEW_VERSION_HTML_WARNING = False  # no look-ups on the internet
CAS_NEW_VERSION_EMAIL_WARNING = False
CAS_SHOW_POWERED = False
CAS_INFO_MESSAGES_ORDER = []
CAS_COMPONENT_URLS = {name: "data:," for name in (
    "bootstrap3_css", "bootstrap3_js", "html5shiv", "respond", "bootstrap4_css", "bootstrap4_js", "jquery")}
LOGGING = {"version": 1, "disable_existing_loggers": False,
           "handlers": {"console": {"class": "logging.StreamHandler"}},
           "root": {"handlers": ["console"], "level": "WARNING"}}
