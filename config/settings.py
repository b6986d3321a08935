"""Settings for the Quality Service Platform.

Everything comes from environment variables with development defaults; a bad value fails
loudly at start (see ``env_bool``/``env_int`` in qualityservice/core/conf.py). ``DATABASE_URL`` selects
PostgreSQL, ``REDIS_URL`` switches cache, sessions, rate limits and the Celery broker to Redis.

This file holds the platform's settings only. Each app keeps its own in ``<app>/conf.py`` (applied when the
app is loaded, unless set here) and wires itself in its AppConfig (URLs, periodic jobs, navigation…):
adding an app means adding it to ``INSTALLED_APPS`` below, nothing else (docs/new-app.md).
"""

from __future__ import annotations

import ipaddress
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

# The environment helpers live in core so that the apps' own settings (<app>/conf.py) use them too.
from qualityservice.core.conf import env, env_bool, env_int, env_list, env_rate

BASE_DIR = Path(__file__).resolve().parent.parent


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env("SECRET_KEY", "dev-only-insecure-key-change-me" if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# The public address printed into badge QR codes, posters, e-mails and notification links. Unset, it is the address
# `make run` serves on (its HOST and PORT, exported to the processes it starts): another PORT prints that port.
SITE_URL = env("SITE_URL", f"http://{env('HOST', '127.0.0.1')}:{env('PORT', '8000')}").rstrip("/")

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
    "qualityservice.members",  # members: teachers and students, CAS sign-in, "my" page
    "qualityservice.feedback",
    "qualityservice.inspections",
    "qualityservice.surveys",
    "qualityservice.campaigns",  # the year's campaign: activity menu, plans, evidence, board
    "qualityservice.training",  # training sessions, attendees and hours
    "qualityservice.standards",  # operating procedures (versioned) and post duties
    "qualityservice.competitions",  # skills competitions: rubrics, judges, scoring, results, certificates
    "qualityservice.events",  # events: open days, forums, conferences; registration, tickets, check-in
    "qualityservice.ideas",  # golden ideas: suggestions, reviews, verified savings, awards
    "qualityservice.recognition",  # recognition: service stars, advanced collectives and individuals; secret public vote
    # After every app whose figures they read (indicator registry): seed_demo runs the demos in this order, so the
    # bulletins and the evaluation's frozen snapshots see the other apps' demo figures.
    "qualityservice.news",  # publicity: news articles with review, the work bulletin, public boards, feed
    "qualityservice.evaluation",  # year-end evaluation: schemes on the indicator registry, gates, grades, snapshots
    # members: the CAS client's ticket-to-session table (single sign-out); after the project's apps, so that
    # its catalogue shadows none of their strings.
    "django_cas_ng",
]
# Benchmarks only (bench/run.py sets it): the ceiling view and its table. Never installed in production, so
# a production `migrate` creates no bench table.
QS_BENCH_CEILING = env_bool("QS_BENCH_CEILING", False)
if QS_BENCH_CEILING:
    INSTALLED_APPS.append("qualityservice.benchceiling")

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
    "qualityservice.members.middleware.MemberBoundaryMiddleware",  # members: a member never opens a staff page
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
        # Django's backend, with a health check that asks the server only when the socket shows that
        # something happened to the connection (core/postgresql/base.py): no SELECT 1 round trip per request.
        DATABASES["default"]["ENGINE"] = "qualityservice.core.postgresql"
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
        # Server-side parameter binding lets psycopg prepare the statements a connection repeats
        # (after 5 runs): the hot INSERTs and look-ups skip parsing and planning on every request.
        # Turn off (DB_SERVER_SIDE_BINDING=false) behind a PgBouncer in transaction pooling mode.
        DATABASES["default"].setdefault("OPTIONS", {})["server_side_binding"] = env_bool("DB_SERVER_SIDE_BINDING", True)
else:
    # One connection per thread, kept between requests like PostgreSQL's (reopening the file and re-running
    # the PRAGMAs on every request halved the throughput); the backend (Django's, plus a real health check)
    # drops a connection a statement failed on or one left inside a transaction. The PRAGMAs below run on
    # every new connection.
    DATABASES = {
        "default": {
            "ENGINE": "qualityservice.core.sqlite",
            "NAME": Path(env("SQLITE_PATH", str(BASE_DIR / "var" / "db.sqlite3"))),
            "CONN_MAX_AGE": env_int("DB_CONN_MAX_AGE", 60),
            "CONN_HEALTH_CHECKS": True,
            # Tests run on an in-memory database (as with Django's own SQLite engine name).
            "TEST": {"NAME": ":memory:"},
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
    # Django's Redis backend; an unreachable Redis is an empty cache instead of a 500 (core/cache.py).
    CACHES = {"default": {"BACKEND": "qualityservice.core.cache.RedisCache", "LOCATION": REDIS_URL}}
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    # A file cache is shared by the web process and the worker on one server (Django's own). It holds the
    # page cache's versions and pages; the rate-limit counters live in their own files (core.ratelimit).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": env("CACHE_DIR", str(BASE_DIR / "var" / "cache")),
            "OPTIONS": {"MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", 1000)},
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
# Core's periodic jobs. Each app declares its own (PlatformAppConfig.periodic_jobs); config/celery.py adds
# them to this schedule at start (core.registry.beat_schedule).
CELERY_BEAT_SCHEDULE = {
    "core-deliver-notifications": {"task": "core.deliver_pending_notifications", "schedule": 60.0},
    "core-purge-notifications": {"task": "core.purge_notifications", "schedule": 86400.0},
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
QS_LOGIN_FAILURES_PER_ACCOUNT = env_rate("QS_LOGIN_FAILURES_PER_ACCOUNT", "5/15m")
QS_LOGIN_FAILURES_PER_IP = env_rate("QS_LOGIN_FAILURES_PER_IP", "30/15m")
# Password-reset e-mails asked for from one client address.
QS_PASSWORD_RESET_RATE_PER_IP = env_rate("QS_PASSWORD_RESET_RATE_PER_IP", "10/h")

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
    # The date picker of every date field, in the page's language (core/static/core/js/app.js).
    ("vendor/flatpickr", BASE_DIR / "node_modules" / "flatpickr" / "dist"),
    # The QR decoder of the check-in page's camera (events/static/events/js/checkin.js).
    ("vendor/jsqr", BASE_DIR / "node_modules" / "jsqr" / "dist"),
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
# (org.Staff.photo, upload_to "staff/"), the nominees' photos of the public vote (recognition.Nomination.photo,
# "recognition/"), the cover images of news articles (news.Article.cover, "news/covers/") and the images inside
# their bodies (news.services.BODY_IMAGE_DIR, "news/images/"), shown on the public article pages.
# Every other upload is private, served by the apps' scoped views.
QS_PUBLIC_MEDIA_DIRS = ["staff/", "recognition/", "news/covers/", "news/images/"]
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

# --- Notifications -----------------------------------------------------------------------
QS_NOTIFY_WEBHOOK_URL = env("QS_NOTIFY_WEBHOOK_URL")
# Notifications are delivered in batches at most this many seconds after they are queued.
QS_NOTIFY_BATCH_SECONDS = env_int("QS_NOTIFY_BATCH_SECONDS", 2)

# The apps' settings (org's site defaults, feedback's hotline and mailbox, inspections, surveys) are in
# qualityservice/<app>/conf.py.

# --- Members app (teachers and students: CAS sign-in, local member accounts) ---------------
# (members settings go here; qualityservice/members/README.md explains each)
# Passwords first (Django's staff and local member accounts), then the campus identity service (CAS tickets).
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "qualityservice.members.backends.CampusCASBackend",
]
# The university's CAS server (统一身份认证), e.g. https://cas.example.edu.cn/cas/ ; empty: no CAS sign-in.
QS_CAS_SERVER_URL = env("QS_CAS_SERVER_URL")
QS_CAS_VERSION = env("QS_CAS_VERSION", "3")
if QS_CAS_VERSION not in ("2", "3"):
    raise ImproperlyConfigured(f"QS_CAS_VERSION must be 2 or 3, got {QS_CAS_VERSION!r}")
# Released attributes: the ID number (学号/工号; empty = the CAS user name), name, type, college/unit, class, and
# the attribute matched against the staff badge number (empty = the ID number).
QS_CAS_ATTR_ID = env("QS_CAS_ATTR_ID")
QS_CAS_ATTR_NAME = env("QS_CAS_ATTR_NAME", "name")
QS_CAS_ATTR_TYPE = env("QS_CAS_ATTR_TYPE", "type")
QS_CAS_ATTR_COLLEGE = env("QS_CAS_ATTR_COLLEGE", "college")
QS_CAS_ATTR_CLASS = env("QS_CAS_ATTR_CLASS", "class")
QS_CAS_ATTR_STAFF_ID = env("QS_CAS_ATTR_STAFF_ID")
# Values of the type attribute that mean student / teacher (anything else: other), comma-separated.
QS_CAS_STUDENT_VALUES = env_list("QS_CAS_STUDENT_VALUES", "student,学生,本科生,研究生,硕士研究生,博士研究生,1")
QS_CAS_TEACHER_VALUES = env_list("QS_CAS_TEACHER_VALUES", "teacher,教师,教职工,职工,2")
# May an ID that is not on the imported member roster sign in (a member is created from the attributes)?
QS_CAS_ALLOW_UNKNOWN = env_bool("QS_CAS_ALLOW_UNKNOWN", True)
# Signing out also ends the CAS session (single sign-out).
QS_CAS_SINGLE_SIGN_OUT = env_bool("QS_CAS_SINGLE_SIGN_OUT", True)
# Local member passwords (ID number + password, first set from a one-time code): by default only without CAS.
QS_MEMBER_PASSWORDS = env_bool("QS_MEMBER_PASSWORDS", not QS_CAS_SERVER_URL)
QS_MEMBER_CODE_DAYS = env_int("QS_MEMBER_CODE_DAYS", 30)  # how long an exported one-time code is valid
QS_MEMBER_ROSTER_MAX_ROWS = env_int("QS_MEMBER_ROSTER_MAX_ROWS", 60000)
# django-cas-ng, derived from the above. The service URL is built from SITE_URL, not from the Host header.
CAS_SERVER_URL = QS_CAS_SERVER_URL or None
CAS_VERSION = QS_CAS_VERSION
CAS_ROOT_PROXIED_AS = SITE_URL
CAS_LOGOUT_COMPLETELY = QS_CAS_SINGLE_SIGN_OUT
CAS_VERIFY_SSL_CERTIFICATE = env_bool("QS_CAS_VERIFY_SSL", True)
CAS_REDIRECT_URL = "/members/"
CAS_IGNORE_REFERER = True
CAS_CHECK_NEXT = True
CAS_STORE_NEXT = False
CAS_CREATE_USER = False
CAS_LOGIN_MSG = None
CAS_LOGGED_MSG = None

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
if CAS_SERVER_URL:  # members: the sign-out form's POST is redirected to the CAS server's logout page
    from urllib.parse import urlsplit

    _cas = urlsplit(CAS_SERVER_URL)
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"].append(f"{_cas.scheme}://{_cas.netloc}")
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
QS_RATE_COOKIELESS_PER_IP = env_rate("QS_RATE_COOKIELESS_PER_IP", "20/h")
# Pages with personal data: every response under these paths is sent with Cache-Control: private, no-store.
QS_PRIVATE_PATH_PREFIXES = ("/staff/", "/accounts/", "/admin/", "/members/")
# A public form refused for a missing or stale CSRF cookie (some in-app browsers drop cookies) comes back with
# what was typed and a fresh token (core/csrf.py); any other CSRF failure gets the translated 403 page.
CSRF_FAILURE_VIEW = "qualityservice.core.csrf.csrf_failure"
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
