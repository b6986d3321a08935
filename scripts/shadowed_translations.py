"""List (or --unify) msgids of an app's catalogue whose Chinese is shadowed by an app listed earlier.

Django takes a msgid's translation from the first catalogue that has it, so the same English word must
mean the same Chinese across apps — or carry a msgctxt. `--unify` adopts the earlier translation."""

import os
import sys

import django
import polib

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from django.utils import translation  # noqa: E402

app = sys.argv[1]
unify = "--unify" in sys.argv
path = f"qualityservice/{app}/locale/zh_Hans/LC_MESSAGES/django.po"
po = polib.pofile(path)
changed = 0
with translation.override("zh-hans"):
    for entry in po.translated_entries():
        if entry.msgid_plural:
            continue
        got = translation.pgettext(entry.msgctxt, entry.msgid) if entry.msgctxt else translation.gettext(entry.msgid)
        if got != entry.msgstr:
            print(f"{entry.msgid!r}: ours {entry.msgstr!r}, shown {got!r}")
            if unify:
                entry.msgstr = got
                changed += 1
if unify and changed:
    po.save(path)
    print(f"{changed} entries unified in {path}")
