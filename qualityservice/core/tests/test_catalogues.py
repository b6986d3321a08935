"""Every catalogue is complete (no untranslated or fuzzy entries), the compiled .mo files are
up to date, and the foundation's catalogues hold every string of its code and templates."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
CATALOGUES = sorted(list(ROOT.glob("locale/*/LC_MESSAGES/*.po")) + list(ROOT.glob("qualityservice/*/locale/*/LC_MESSAGES/*.po")))
FOUNDATION = ("core", "org")


def test_it_has_the_foundation_catalogues():
    names = {p.relative_to(ROOT).as_posix() for p in CATALOGUES}
    for app in FOUNDATION:
        assert f"qualityservice/{app}/locale/zh_Hans/LC_MESSAGES/django.po" in names


@pytest.mark.parametrize("path", CATALOGUES, ids=[p.relative_to(ROOT).as_posix() for p in CATALOGUES])
def test_it_translates_every_entry_of_every_catalogue(path):
    po = polib.pofile(str(path))
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []
    assert not po.metadata_is_fuzzy
    for entry in po.translated_entries():
        for placeholder in ("%(", "%s", "%d", "{"):
            assert entry.msgid.count(placeholder) == (entry.msgstr or entry.msgstr_plural[0]).count(placeholder), entry.msgid
    mo = path.with_suffix(".mo")
    assert mo.exists(), f"{mo} missing: run scripts/compilemessages.py"
    assert mo.stat().st_mtime >= path.stat().st_mtime, f"{mo} is older than its .po: run scripts/compilemessages.py"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext (xgettext) not installed")
@pytest.mark.parametrize("app", ("core", "org", "members", "feedback", "inspections", "surveys"))
def test_it_lacks_no_string_that_makemessages_would_add(app, tmp_path):
    copy = tmp_path / app
    shutil.copytree(ROOT / "qualityservice" / app, copy, ignore=shutil.ignore_patterns("static", "tests", "__pycache__", "*.mo"))
    django_admin = Path(sys.executable).with_name("django-admin")
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}  # as run from the app folder
    subprocess.run([str(django_admin), "makemessages", "-l", "zh_Hans", "--no-obsolete", "-v0"], cwd=copy, check=True,
                   capture_output=True, env=env)
    fresh = {(e.msgctxt, e.msgid) for e in polib.pofile(str(copy / "locale/zh_Hans/LC_MESSAGES/django.po"))}
    ours = polib.pofile(str(ROOT / "qualityservice" / app / "locale/zh_Hans/LC_MESSAGES/django.po"))
    translated = {(e.msgctxt, e.msgid) for e in ours.translated_entries()}
    assert sorted(m for _, m in fresh - translated) == []


@pytest.mark.parametrize("app", ("core", "org", "members", "feedback", "inspections", "surveys"))
def test_it_shows_our_translation_and_not_one_of_an_app_listed_earlier(app):
    """Django takes a msgid's translation from the first app in INSTALLED_APPS that has it: a string
    that django.contrib.admin translates differently (e.g. "Filter") needs a context."""
    from django.utils import translation

    po = polib.pofile(str(ROOT / "qualityservice" / app / "locale/zh_Hans/LC_MESSAGES/django.po"))
    shadowed = []
    with translation.override("zh-hans"):
        for entry in po.translated_entries():
            if entry.msgid_plural:
                continue
            got = translation.pgettext(entry.msgctxt, entry.msgid) if entry.msgctxt else translation.gettext(entry.msgid)
            if got != entry.msgstr:
                shadowed.append((entry.msgid, entry.msgstr, got))
    assert shadowed == []
