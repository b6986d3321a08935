"""Settings for the Quality Service Platform.

Everything comes from environment variables with development defaults; a bad value fails
loudly at start (see ``env_bool``/``env_int``). ``DATABASE_URL`` selects PostgreSQL,
``REDIS_URL`` switches cache, sessions, rate limits and the Celery broker to Redis.
"""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


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


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env("SECRET_KEY", "dev-only-insecure-key-change-me" if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "csp",
    "simple_history",
    "qualityservice.core",
    "qualityservice.org",
    "qualityservice.feedback",
    "qualityservice.inspections",
    "qualityservice.surveys",
    "qualityservice.benchceiling",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # An unreachable database or Redis: a translated 503 page, not a 500 (the scale-out drill, bench/README.md).
    "qualityservice.core.middleware.ServiceUnavailableMiddleware",
    "qualityservice.core.middleware.PrivatePagesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "qualityservice.core.context_processors.platform",
                "qualityservice.org.context_processors.site",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------
DATABASE_URL = env("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
        # Server-side parameter binding lets psycopg prepare the statements a connection repeats
        # (after 5 runs): the hot INSERTs and look-ups skip parsing and planning on every request.
        # Turn off (DB_SERVER_SIDE_BINDING=false) behind a PgBouncer in transaction pooling mode.
        DATABASES["default"].setdefault("OPTIONS", {})["server_side_binding"] = env_bool("DB_SERVER_SIDE_BINDING", True)
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": Path(env("SQLITE_PATH", str(BASE_DIR / "var" / "db.sqlite3"))),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;"
                    " PRAGMA foreign_keys=ON;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, sessions, Celery ------------------------------------------------------------
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "qualityservice.core.cache.RedisCache", "LOCATION": REDIS_URL}}
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    # A file cache is shared by the web process and the worker on one server.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": env("CACHE_DIR", str(BASE_DIR / "var" / "cache")),
        }
    }

CELERY_BROKER_URL = env("CELERY_BROKER_URL", REDIS_URL or "filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS: dict = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue_dir = Path(env("CELERY_QUEUE_DIR", str(BASE_DIR / "var" / "queue")))
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(_queue_dir / "processed"),
        "control_folder": str(_queue_dir / "control"),
        "store_processed": False,
    }
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "Asia/Shanghai"
# One beat per schedule file: a second one refuses to start (core/beat.py, a flock on <schedule>.lock).
CELERY_BEAT_SCHEDULER = "qualityservice.core.beat:SingleBeatScheduler"
CELERY_BEAT_SCHEDULE_FILENAME = env("CELERY_BEAT_SCHEDULE_FILENAME", str(BASE_DIR / "var" / "celerybeat-schedule"))
# Periodic jobs: name -> (task, seconds). Apps add theirs here.
CELERY_BEAT_SCHEDULE = {
    "core-deliver-notifications": {"task": "core.deliver_pending_notifications", "schedule": 60.0},
    "core-purge-notifications": {"task": "core.purge_notifications", "schedule": 86400.0},
    "refresh-public-statistics": {"task": "org.refresh_public_statistics", "schedule": 300.0},
    "feedback-escalate-overdue": {"task": "feedback.escalate_overdue", "schedule": 300.0},
    "feedback-poll-mailbox": {"task": "feedback.poll_mailbox", "schedule": 120.0},
    "feedback-refresh-public-figures": {"task": "feedback.refresh_public_figures", "schedule": 600.0},
    "inspections-escalate-overdue": {"task": "inspections.escalate_overdue_rectifications", "schedule": 3600.0},
    "inspections-mark-missed": {"task": "inspections.mark_missed_inspections", "schedule": 3600.0},
    "surveys-refresh-index": {"task": "surveys.refresh_satisfaction_index", "schedule": 1800.0},
    "surveys-purge-drafts": {"task": "surveys.purge_stale_drafts", "schedule": 3600.0},
}

# --- Auth -------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "core:workbench"
LOGOUT_REDIRECT_URL = "org:home"
# Failed sign-ins (core.ratelimit syntax, e.g. "5/15m"): once either limit is reached the sign-in is refused,
# even with the right password, for one whole period (a lockout that ends by itself). Per account (username
# and badge number count together) and per client address (password spraying over many accounts).
QS_LOGIN_FAILURES_PER_ACCOUNT = env("QS_LOGIN_FAILURES_PER_ACCOUNT", "5/15m")
QS_LOGIN_FAILURES_PER_IP = env("QS_LOGIN_FAILURES_PER_IP", "30/15m")
# Password-reset e-mails asked for from one client address.
QS_PASSWORD_RESET_RATE_PER_IP = env("QS_PASSWORD_RESET_RATE_PER_IP", "10/h")

# --- I18N -------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and media -------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", BASE_DIR / "node_modules" / "bootstrap-icons" / "font"),
    ("vendor/echarts", BASE_DIR / "node_modules" / "echarts" / "dist"),
]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("STATIC_MANIFEST", not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Served by URL (only with DEBUG; deploy/nginx-qualityservice.conf likewise in production): the staff photos
# (org.Staff.photo, upload_to "staff/"). Every other upload is private, served by the apps' scoped views.
QS_PUBLIC_MEDIA_DIRS = ["staff/"]
# Image uploads (core.images, see core/README.md "Image budget"): bytes per file (the old feedback setting as
# fallback), memory decoding one image may take (MiB), images processed at once per process, and how long
# an upload waits for a free slot before it is refused with "try again".
QS_IMAGE_MAX_BYTES = env_int("QS_IMAGE_MAX_BYTES", env_int("QS_FEEDBACK_MAX_IMAGE_BYTES", 5 * 1024 * 1024))
QS_IMAGE_DECODE_MB = env_int("QS_IMAGE_DECODE_MB", 40)
QS_IMAGE_CONCURRENCY = env_int("QS_IMAGE_CONCURRENCY", 1)
QS_IMAGE_WAIT_SECONDS = env_int("QS_IMAGE_WAIT_SECONDS", 15)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- E-mail -----------------------------------------------------------------------------
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "noreply@localhost")

# --- Platform defaults (the administrator can change them in the site settings) ---------
QS_ORGANISATION_NAME = env("QS_ORGANISATION_NAME", "后勤集团")
QS_HOTLINE = env("QS_HOTLINE", "66781315")
QS_MAILBOX = env("QS_MAILBOX", "hqjt@ouc.edu.cn")
QS_NOTIFY_WEBHOOK_URL = env("QS_NOTIFY_WEBHOOK_URL")
# Notifications are delivered in batches at most this many seconds after they are queued.
QS_NOTIFY_BATCH_SECONDS = env_int("QS_NOTIFY_BATCH_SECONDS", 2)
# Benchmarks only (bench/run.py): expose the ceiling view.
QS_BENCH_CEILING = env_bool("QS_BENCH_CEILING", False)

# --- Feedback app (hotline, mailbox, callbacks) ----------------------------------------
# (feedback settings go here)
# Business calendar for deadlines: working periods of a day and ISO weekdays (1=Monday).
QS_BUSINESS_HOURS = env("QS_BUSINESS_HOURS", "08:00-12:00,13:30-17:30")
QS_WORK_DAYS = env("QS_WORK_DAYS", "1-5")
# Deadline when a department has no measurable commitment for the kind (working hours; 0 = none).
QS_FEEDBACK_DEFAULT_WORKING_HOURS = env_int("QS_FEEDBACK_DEFAULT_WORKING_HOURS", 16)
# Department (code) that receives what nobody routed (web form without place, mailbox).
QS_FEEDBACK_TRIAGE_DEPARTMENT = env("QS_FEEDBACK_TRIAGE_DEPARTMENT", "bangongshi")
QS_CALLBACK_MAX_ATTEMPTS = env_int("QS_CALLBACK_MAX_ATTEMPTS", 3)
# Public form rate limits (django-ratelimit syntax): generous per IP (a campus NAT shares one),
# strict per browser session.
QS_FEEDBACK_RATE_PER_IP = env("QS_FEEDBACK_RATE_PER_IP", "300/h")
QS_FEEDBACK_RATE_PER_SESSION = env("QS_FEEDBACK_RATE_PER_SESSION", "20/h")
QS_FEEDBACK_MAX_IMAGE_BYTES = env_int("QS_FEEDBACK_MAX_IMAGE_BYTES", 5 * 1024 * 1024)
QS_FEEDBACK_MAX_IMAGES = env_int("QS_FEEDBACK_MAX_IMAGES", 3)
# Complaint mailbox (IMAP); polling is off while QS_IMAP_HOST is empty.
QS_IMAP_HOST = env("QS_IMAP_HOST")
QS_IMAP_PORT = env_int("QS_IMAP_PORT", 993)
QS_IMAP_USER = env("QS_IMAP_USER")
QS_IMAP_PASSWORD = env("QS_IMAP_PASSWORD")
QS_IMAP_FOLDER = env("QS_IMAP_FOLDER", "INBOX")
QS_IMAP_SSL = env_bool("QS_IMAP_SSL", True)
# Messages larger than this are not decoded whole: header and text are kept, attachments dropped.
QS_MAIL_MAX_BYTES = env_int("QS_MAIL_MAX_BYTES", 25 * 1024 * 1024)

# --- Inspections app ----------------------------------------------------------------------
# (inspections settings go here)
QS_INSPECTIONS_RECTIFICATION_DAYS = env_int("QS_INSPECTIONS_RECTIFICATION_DAYS", 7)  # default deadline of a finding
QS_INSPECTIONS_MAX_UPLOAD_MB = env_int("QS_INSPECTIONS_MAX_UPLOAD_MB", 5)  # photos, evidence, attachments

# --- Surveys app ----------------------------------------------------------------------------
# (surveys settings go here)
# Public answering limits (django-ratelimit syntax), each per survey. Submits: strict per browser id (the
# signed cookie of the answer page; requests without it share one allowance per address) and a generous
# ceiling per client address (a campus NAT puts thousands behind one), which also caps new drafts.
QS_SURVEY_RATE_PER_BROWSER = env("QS_SURVEY_RATE_PER_BROWSER", "10/h")
QS_SURVEY_RATE_PER_IP = env("QS_SURVEY_RATE_PER_IP", "600/10m")
QS_SURVEY_AUTOSAVE_RATE_PER_BROWSER = env("QS_SURVEY_AUTOSAVE_RATE_PER_BROWSER", "300/h")
# Bursts page: a minute with more submitted responses than this is listed as suspicious.
QS_SURVEY_BURST_PER_MINUTE = env_int("QS_SURVEY_BURST_PER_MINUTE", 20)
# Unsubmitted drafts started longer ago than this are deleted by the periodic purge.
QS_SURVEY_DRAFT_RETENTION_DAYS = env_int("QS_SURVEY_DRAFT_RETENTION_DAYS", 7)

# --- Security ---------------------------------------------------------------------------
from csp.constants import NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
    }
}
# Rate limits and stored submissions key on the client address; behind nginx set
# RATELIMIT_IP_META_KEY=HTTP_X_REAL_IP (deploy/nginx-qualityservice.conf sets that header) and list the
# proxies' addresses or networks in QS_TRUSTED_PROXIES: the header is read only from a request whose
# REMOTE_ADDR is one of them (empty: trust no proxy, the header is ignored).
RATELIMIT_IP_META_KEY = env("RATELIMIT_IP_META_KEY") or None
QS_TRUSTED_PROXIES = env_list("QS_TRUSTED_PROXIES")
for _proxy in QS_TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(f"QS_TRUSTED_PROXIES: {_proxy!r} is not an address or network") from None
# Public form POSTs without a valid browser-id cookie share this strict bucket per client address.
QS_RATE_COOKIELESS_PER_IP = env("QS_RATE_COOKIELESS_PER_IP", "20/h")
# Pages with personal data: every response under these paths is sent with Cache-Control: private, no-store.
QS_PRIVATE_PATH_PREFIXES = ("/staff/", "/accounts/", "/admin/")
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        # Submitting the domain to the browsers' preload list binds every subdomain of the
        # university: the network office decides that, not this application.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
