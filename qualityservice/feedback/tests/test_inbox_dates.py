"""The inbox's date filters write ISO dates (YYYY-MM-DD) in every language: what a date input and the date
picker's field need (zh-hans would otherwise write 2026/12/08, which the browser drops)."""

import datetime as dt

from django.utils import translation

from qualityservice.feedback.forms import InboxFilterForm


def test_it_writes_the_inbox_dates_as_iso_in_chinese_too(db):
    with translation.override("zh-hans"):
        form = InboxFilterForm(initial={"date_from": dt.date(2026, 12, 8), "date_to": dt.date(2026, 12, 9)})
        assert 'value="2026-12-08"' in str(form["date_from"]) and 'value="2026-12-09"' in str(form["date_to"])
        assert 'type="date"' in str(form["date_from"])
