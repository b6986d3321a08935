"""Every app wires itself in its AppConfig (core.apps.PlatformAppConfig): config lists the app and nothing
else — URLs under the app's prefix (the short QR-code URLs unchanged), its settings, periodic jobs, navigation
and page-cache dependencies. The bench ceiling is not installed in production; core imports no app."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.test import override_settings
from django.urls import Resolver404, include, path, resolve, reverse

from config.celery import app as celery_app
from qualityservice.core import nav, registry
from qualityservice.core.apps import PlatformAppConfig

ROOT = Path(settings.BASE_DIR)
SAMPLE = "qualityservice.core.tests.sampleapp"


def run(*args, **env):
    environ = {k: v for k, v in os.environ.items() if k not in ("QS_BENCH_CEILING", "DATABASE_URL")}
    environ.update(DJANGO_SETTINGS_MODULE="config.settings", **env)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=environ, capture_output=True, text=True,
                          timeout=120)


@pytest.mark.parametrize("name, args, url", [
    ("org:home", (), "/"),
    ("org:badge_page", ("AbC123",), "/b/AbC123/"),  # printed in every badge's QR code
    ("feedback:badge_rate", ("AbC123",), "/b/AbC123/rate/"),
    ("feedback:badge_thanks", ("AbC123",), "/b/AbC123/rate/thanks/"),
    ("surveys:start", ("k3Y",), "/s/k3Y/"),  # printed in every survey's QR code and poster
    ("surveys:submit", ("k3Y",), "/s/k3Y/submit/"),
    ("org:public_commitments", (), "/commitments/"),
    ("feedback:new", (), "/feedback/new/"),
    ("feedback:track", ("QS1234",), "/feedback/t/QS1234/"),
    ("surveys:public_list", (), "/surveys/"),
    ("org:department_list", (), "/staff/org/departments/"),
    ("feedback:inbox", (), "/staff/feedback/"),
    ("feedback:detail", (7,), "/staff/feedback/7/"),
    ("inspections:list", (), "/staff/inspections/"),
    ("inspections:ledger_export", (), "/staff/inspections/ledger.xlsx"),
    ("surveys:list", (), "/staff/surveys/"),
    ("core:workbench", (), "/staff/"),
])
def test_it_keeps_every_url_where_it_was(name, args, url):
    assert reverse(name, args=args) == url
    assert resolve(url).view_name == name


def _project_apps() -> list[str]:
    """The labels of the project's apps in INSTALLED_APPS order, core aside (more when a new app is listed)."""
    return [c.label for c in apps.get_app_configs() if c.name.startswith("qualityservice.") and c.label != "core"]


def test_it_includes_each_installed_app_once_under_its_own_namespace():
    labels = [config.label for config in registry.platform_apps()]
    assert labels[:5] == ["org", "members", "feedback", "inspections", "surveys"]
    assert labels == _project_apps()  # every project app wires itself, in INSTALLED_APPS order
    included = [p.app_name for p in registry.urlpatterns()]
    assert included == labels


def test_it_collects_every_apps_periodic_jobs_into_the_beat_schedule():
    schedule = celery_app.conf.beat_schedule
    assert schedule["feedback-poll-mailbox"] == {"task": "feedback.poll_mailbox", "schedule": 120.0}
    assert schedule["refresh-public-statistics"]["task"] == "org.refresh_public_statistics"
    assert schedule["surveys-purge-drafts"]["schedule"] == 3600.0
    # The settings keep core's own jobs only; every scheduled task exists.
    assert sorted(settings.CELERY_BEAT_SCHEDULE) == ["core-deliver-notifications", "core-purge-notifications"]
    assert set(settings.CELERY_BEAT_SCHEDULE) < set(schedule)
    assert {entry["task"] for entry in schedule.values()} <= set(celery_app.tasks)


def test_it_keeps_the_apps_settings_in_the_apps():
    from qualityservice.feedback import conf as feedback_conf
    from qualityservice.surveys import conf as surveys_conf

    assert settings.QS_FEEDBACK_RATE_PER_IP == feedback_conf.QS_FEEDBACK_RATE_PER_IP == "300/h"
    assert settings.QS_SURVEY_DRAFT_RETENTION_DAYS == surveys_conf.QS_SURVEY_DRAFT_RETENTION_DAYS == 7
    assert settings.QS_INSPECTIONS_RECTIFICATION_DAYS == 7 and settings.QS_HOTLINE == "66781315"
    source = (ROOT / "config" / "settings.py").read_text(encoding="utf-8")
    for prefix in ("QS_FEEDBACK_", "QS_SURVEY_", "QS_INSPECTIONS_", "QS_IMAP_", "QS_BUSINESS_HOURS", "QS_HOTLINE"):
        assert not re.search(rf"^{prefix}\w* = ", source, re.MULTILINE), prefix


def test_it_sets_an_apps_setting_from_the_environment_and_a_bad_app_rate_stops_the_start():
    done = run("shell", "-v0", "-c", "from django.conf import settings; print(settings.QS_FEEDBACK_RATE_PER_IP, settings.QS_IMAP_PORT)",
               QS_FEEDBACK_RATE_PER_IP="7/h", QS_IMAP_PORT="143")
    assert done.stdout.split() == ["7/h", "143"], done.stderr
    refused = run("check", QS_SURVEY_RATE_PER_IP="lots")
    assert refused.returncode != 0
    assert "qualityservice.E002" in refused.stderr and "QS_SURVEY_RATE_PER_IP" in refused.stderr


def test_it_installs_the_bench_ceiling_only_for_the_benchmarks(tmp_path):
    assert not apps.is_installed("qualityservice.benchceiling")
    with pytest.raises(Resolver404):
        resolve("/_bench/ceiling/")
    production = run("migrate", "--plan", SQLITE_PATH=str(tmp_path / "prod.sqlite3"), DEBUG="false",
                     SECRET_KEY="x" * 60, ALLOWED_HOSTS="qs.example.edu.cn")
    assert production.returncode == 0, production.stderr
    assert "org.0001" in production.stdout and "benchceiling" not in production.stdout
    bench = run("migrate", "--plan", SQLITE_PATH=str(tmp_path / "bench.sqlite3"), QS_BENCH_CEILING="true")
    assert "benchceiling.0001" in bench.stdout, bench.stderr


def test_it_finds_no_import_of_an_app_in_core():
    core = ROOT / "qualityservice" / "core"
    others = sorted(p.name for p in (ROOT / "qualityservice").iterdir() if (p / "apps.py").exists() and p.name != "core")
    assert {"org", "feedback", "surveys"} <= set(others)
    pattern = re.compile(rf"(qualityservice\.({'|'.join(others)})\b|^\s*from \.\.({'|'.join(others)})\b)", re.MULTILINE)
    offending = []
    for source in core.rglob("*.py"):
        if "tests" in source.relative_to(core).parts:
            continue
        for match in pattern.finditer(source.read_text(encoding="utf-8")):
            offending.append(f"{source.relative_to(ROOT)}: {match.group(0).strip()}")
    assert offending == []


def test_it_runs_every_apps_modules_in_app_order_in_the_demo_and_scale_commands():
    demo = [c.label for c, _m in registry.app_modules("demo")]
    assert demo[:5] == ["org", "members", "feedback", "inspections", "surveys"]
    assert demo == [label for label in _project_apps() if label in demo]
    assert [c.label for c, _m in registry.app_modules("scale")][0] == "org"  # loads the organisation first


def test_it_prints_the_accounts_an_app_returns_in_the_demo_command(monkeypatch, db):
    import io
    import types

    from django.core.management import call_command

    from qualityservice.core.management.commands import seed_demo

    fake = types.SimpleNamespace(DEMO_PASSWORD="pw-2026", seed=lambda out, rng: {"anna": ("head", "安娜")})
    monkeypatch.setattr(seed_demo, "app_modules", lambda name: iter([(apps.get_app_config("org"), fake)]))
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    text = out.getvalue()
    assert "demo data: org ready" in text and "password for all: pw-2026" in text and "anna" in text and "安娜" in text


def test_it_wires_a_new_app_without_editing_config(settings):
    try:
        with override_settings(INSTALLED_APPS=[*settings.INSTALLED_APPS, SAMPLE]):
            config = apps.get_app_config("sample")
            assert isinstance(config, PlatformAppConfig)
            # Its settings, with their environment defaults…
            assert settings.QS_SAMPLE_GREETING == "你好"
            # …its URLs under its own prefix, its staff URLs under staff/sample/, its short URLs at the root…
            urlconf = type("urlconf", (), {"urlpatterns": [path("", include(registry.urlpatterns()))]})
            assert reverse("sample:home", urlconf=urlconf) == "/sample/"
            assert reverse("sample:list", urlconf=urlconf) == "/staff/sample/"
            assert reverse("sample:short", args=["q1"], urlconf=urlconf) == "/x/q1/"
            # …its periodic job, its navigation entry and the check of its rate setting.
            assert registry.beat_schedule()["sample-tick"] == {"task": "sample.tick", "schedule": 90.0}
            assert any(item.url_name == "sample:list" for item in nav._items)
            from qualityservice.core.checks import check_rates

            settings.QS_SAMPLE_RATE = "often"
            assert [p.msg.split()[0] for p in check_rates()] == ["QS_SAMPLE_RATE"]
    finally:
        nav._items[:] = [item for item in nav._items if item.url_name != "sample:list"]
