"""The Chinese catalogue of this app is complete and compiled."""

import pathlib

import polib
from django.utils import translation

from qualityservice.feedback.models import Status

LOCALE = pathlib.Path(__file__).resolve().parent.parent / "locale" / "zh_Hans" / "LC_MESSAGES"


def test_it_translates_every_message():
    po = polib.pofile(str(LOCALE / "django.po"))
    assert len(po) > 300
    assert po.untranslated_entries() == [] and po.fuzzy_entries() == []
    assert (LOCALE / "django.mo").exists()


def test_it_shows_statuses_in_chinese():
    with translation.override("zh-hans"):
        assert str(Status.REOPENED.label) == "已重新打开"
        assert str(Status.IN_PROGRESS.label) == "处理中"
