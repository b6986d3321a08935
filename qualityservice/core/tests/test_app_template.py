"""The app skeleton (``core/app_template``, docs/new-app.md) makes an app that passes the project's own checks.

A throwaway app is generated from it, exactly as the docs say, in a copy of the repository, and there it is
migrated, checked, linted, translated and tested — its own tests, and the platform's catalogue, app-wiring and
house-rule tests with it installed. Every step runs in a subprocess with the project's Python, on the same
kind of database this suite runs on (a PostgreSQL ``DATABASE_URL`` is passed on, with a database name of its
own so that the inner run does not drop this run's test database)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
BIN = Path(sys.executable).parent
NAME = "widgets"
NOT_COPIED_AT_ROOT = {".venv", "node_modules", "var", ".git", "staticfiles", "test-results"}
NOT_COPIED = {"__pycache__", ".pytest_cache", ".ruff_cache", ".hypothesis"}
HOUSE_RULES = "qualityservice/core/tests/test_one_house.py"
# The skeleton's own tests: fewer passed means they did not all run.
MIN_APP_TESTS = 30


def _ignore(directory: str, names: list[str]) -> set[str]:
    skip = {n for n in names if n in NOT_COPIED or n.endswith(".pyc")}
    if Path(directory) == ROOT:
        skip |= NOT_COPIED_AT_ROOT & set(names)
    if Path(directory) == ROOT / "bench":
        skip |= {"results"} & set(names)
    return skip


def _own_database(url: str) -> str:
    """``url`` with ``_tpl`` appended to the database name (PostgreSQL; SQLite tests run in memory anyway)."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "_tpl"))


def _env(tmp_path: Path, *, settings_module: bool = True, database: bool = False) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTEST_", "DJANGO_", "QS_")) and k not in ("DATABASE_URL", "SQLITE_PATH")}
    env["SQLITE_PATH"] = str(tmp_path / "db.sqlite3")  # commands that open the database: a file of their own
    if settings_module:
        env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    if database and os.environ.get("DATABASE_URL"):
        env["DATABASE_URL"] = _own_database(os.environ["DATABASE_URL"])
    return env


def _run(args: list, *, cwd: Path, env: dict, timeout: int = 120) -> subprocess.CompletedProcess:
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{' '.join(map(str, args))} exited {done.returncode}\n{done.stdout[-6000:]}\n{done.stderr[-6000:]}"
    return done


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    """A copy of the repository with the app ``widgets`` made from the skeleton and listed in INSTALLED_APPS."""
    tmp_path = tmp_path_factory.mktemp("app_template")
    copy = tmp_path / "repo"
    shutil.copytree(ROOT, copy, ignore=_ignore, symlinks=True)
    if (ROOT / "node_modules").exists():  # the static folders `check` looks for; nothing is written there
        (copy / "node_modules").symlink_to((ROOT / "node_modules").resolve(), target_is_directory=True)
    app = copy / "qualityservice" / NAME
    app.mkdir()
    # As docs/new-app.md says (django-admin reads no project settings here).
    _run([BIN / "django-admin", "startapp", "--template", "qualityservice/core/app_template", "-e", "py,md", NAME, f"qualityservice/{NAME}"],
         cwd=copy, env=_env(tmp_path, settings_module=False))
    settings_py = copy / "config" / "settings.py"
    source = settings_py.read_text(encoding="utf-8")
    listed, n = re.subn(r"(INSTALLED_APPS = \[\n(?:.*\n)*?)\]", rf'\1    "qualityservice.{NAME}",\n]', source, count=1)
    assert n == 1
    settings_py.write_text(listed, encoding="utf-8")
    return copy


def test_it_renders_every_file_of_the_skeleton_for_the_new_app(generated):
    app = generated / "qualityservice" / NAME
    files = sorted(p.relative_to(app).as_posix() for p in app.rglob("*") if p.is_file())
    assert not [f for f in files if f.endswith("-tpl") or "app_name" in f]
    for expected in ("apps.py", "models.py", "workflows.py", "services.py", "forms.py", "views.py", "staff_urls.py", "urls.py",
                     "tasks.py", "indicators.py", "demo.py", "scale.py", "admin.py", "conf.py", "migrations/__init__.py",
                     f"templates/{NAME}/item_list.html", "locale/zh_Hans/LC_MESSAGES/django.po", "README.md",
                     "tests/test_permissions.py", "tests/test_workflow.py", "tests/test_query_counts.py"):
        assert expected in files
    for path in [*app.rglob("*.py"), app / "README.md"]:
        text = path.read_text(encoding="utf-8")
        assert "{{" not in text and "{%" not in text, path
    assert 'class WidgetsConfig(PlatformAppConfig):' in (app / "apps.py").read_text(encoding="utf-8")
    assert "QS_WIDGETS_CLOSE_AFTER_DAYS" in (app / "README.md").read_text(encoding="utf-8")


def test_the_generated_app_passes_the_projects_checks_and_its_own_tests(generated, tmp_path):
    python = sys.executable
    env = _env(tmp_path)
    _run([python, "manage.py", "makemigrations", NAME, "-v1"], cwd=generated, env=env)
    assert (generated / "qualityservice" / NAME / "migrations" / "0001_initial.py").exists()
    _run([python, "manage.py", "check"], cwd=generated, env=env)
    _run([BIN / "ruff", "check", f"qualityservice/{NAME}"], cwd=generated, env=env)
    _run([python, "manage.py", "makemigrations", "--check", "--dry-run"], cwd=generated, env=env)
    _run([python, "scripts/compilemessages.py"], cwd=generated, env=env)
    assert (generated / "qualityservice" / NAME / "locale/zh_Hans/LC_MESSAGES/django.mo").exists()
    # The house rules are checked app by app: the new app's cases here (the suite itself checks the others').
    house = [f"{HOUSE_RULES}::{test}[{NAME}]" for test in (
        "test_it_has_a_registered_workflow_for_every_status_field_of_every_model",
        "test_it_changes_no_status_outside_the_workflow_engine")] + [f"{HOUSE_RULES}::test_core_imports_no_app[core]"]
    done = _run([python, "-m", "pytest", f"qualityservice/{NAME}", "qualityservice/core/tests/test_catalogues.py",
                 "qualityservice/core/tests/test_platform_apps.py", *house, "-q", "-rA", "-p", "no:cacheprovider",
                 "--basetemp", tmp_path / "inner"], cwd=generated, env=_env(tmp_path, database=True), timeout=300)
    passed = [line.split()[1] for line in done.stdout.splitlines() if line.startswith("PASSED ")]
    assert len([p for p in passed if p.startswith(f"qualityservice/{NAME}/tests/")]) >= MIN_APP_TESTS, done.stdout[-3000:]
    for case in (f"test_it_lacks_no_string_that_makemessages_would_add[{NAME}]",
                 f"test_it_shows_our_translation_and_not_one_of_an_app_listed_earlier[{NAME}]",
                 f"test_it_translates_every_entry_of_every_catalogue[qualityservice/{NAME}/locale/zh_Hans/LC_MESSAGES/django.po]"):
        assert f"qualityservice/core/tests/test_catalogues.py::{case}" in passed
    assert set(house) <= set(passed)
    assert "qualityservice/core/tests/test_platform_apps.py::test_it_includes_each_installed_app_once_under_its_own_namespace" in passed
