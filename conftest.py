"""Test set-up shared by every app: isolated cache, eager Celery, media in a temp dir,
the demo roles as fixtures, and a `require_service` helper that skips locally but fails in CI."""

import os
import uuid

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


from qualityservice.core.testing import require_service  # noqa: F401 (re-exported)


@pytest.fixture(autouse=True)
def _isolated_settings(settings, tmp_path):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": f"qs-{uuid.uuid4()}"}
    }
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "http://testserver"
    settings.LANGUAGE_CODE = "zh-hans"
    from config.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    from qualityservice.core import pagecache

    pagecache.clear()  # rendered pages and reference-data memos of an earlier test's (rolled back) data
    yield
    pagecache.clear()


@pytest.fixture
def org(db):
    """A small organisation: two centres with a team each, accounts for every role."""
    from qualityservice.org.tests.factories import make_org

    return make_org()
