"""Deadlines from commitments on a configurable business calendar."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ImproperlyConfigured
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from qualityservice.feedback.calendar import BusinessCalendar, compute_deadline
from qualityservice.feedback.models import Holiday
from qualityservice.org.models import Commitment

TZ = ZoneInfo("Asia/Shanghai")


def at(y, m, d, hh=0, mm=0):
    return dt.datetime(y, m, d, hh, mm, tzinfo=TZ)


def cal(holidays=(), hours="08:00-12:00,13:30-17:30", days="1-5"):
    from django.test import override_settings

    with override_settings(QS_BUSINESS_HOURS=hours, QS_WORK_DAYS=days):
        return BusinessCalendar.from_settings(holidays=list(holidays))


def test_it_skips_lunch_nights_and_weekends_in_working_minutes():
    c = cal()
    # Monday 2026-11-23 11:00 + 2 working hours = 14:30 (lunch 12:00-13:30 skipped)
    assert c.add_working_minutes(at(2026, 11, 23, 11), 120) == at(2026, 11, 23, 14, 30)
    # Friday 17:00 + 1 h = Monday 08:30
    assert c.add_working_minutes(at(2026, 11, 27, 17), 60) == at(2026, 11, 30, 8, 30)
    # Saturday night + 8 h = Monday 17:30 (a full working day)
    assert c.add_working_minutes(at(2026, 11, 28, 22), 480) == at(2026, 11, 30, 17, 30)


def test_it_honours_holidays_and_make_up_working_days():
    c = cal(holidays=[(dt.date(2026, 11, 30), False), (dt.date(2026, 11, 29), True)])
    # Friday 17:00 + 1 h: Sunday 29th is worked (调休), Monday 30th is a holiday.
    assert c.add_working_minutes(at(2026, 11, 27, 17), 60) == at(2026, 11, 29, 8, 30)
    assert c.add_working_minutes(at(2026, 11, 29, 17), 60) == at(2026, 12, 1, 8, 30)


def test_it_fails_loudly_on_bad_calendar_settings():
    with pytest.raises(ImproperlyConfigured):
        cal(hours="8-12")
    with pytest.raises(ImproperlyConfigured):
        cal(days="0-9")


@hsettings(max_examples=60, deadline=None)
@given(start=st.datetimes(min_value=dt.datetime(2026, 1, 1), max_value=dt.datetime(2027, 12, 31)),
       minutes=st.integers(min_value=1, max_value=60 * 80))
def test_it_puts_a_deadline_after_the_start_inside_working_time(start, minutes):
    c = cal()
    start = start.replace(tzinfo=TZ)
    end = c.add_working_minutes(start, minutes)
    assert end > start
    assert c.is_working_day(end.date())
    assert any(dt.datetime.combine(end.date(), a, tzinfo=TZ) < end <= dt.datetime.combine(end.date(), b, tzinfo=TZ)
               for a, b in c.periods)


def test_it_sets_deadlines_by_the_department_commitment(org, settings):
    settings.QS_BUSINESS_HOURS = "08:00-12:00,13:30-17:30"
    settings.QS_WORK_DAYS = "1-5"
    monday = at(2026, 11, 23, 8)
    # 物业: complaint in 24 working hours = three working days of 8 h
    assert compute_deadline(monday, org.wuye.pk, "complaint") == at(2026, 11, 25, 17, 30)
    # 物业: repair in 30 minutes round the clock
    assert compute_deadline(monday, org.wuye.pk, "repair") == monday + dt.timedelta(minutes=30)
    # 饮食 has no measurable commitment: the default (16 working hours); praise has none.
    assert compute_deadline(monday, org.yinshi.pk, "complaint") == at(2026, 11, 24, 17, 30)
    assert compute_deadline(monday, org.yinshi.pk, "praise") is None
    Holiday.objects.create(date=dt.date(2026, 11, 24), name="校庆")
    assert compute_deadline(monday, org.yinshi.pk, "complaint") == at(2026, 11, 25, 17, 30)
    Commitment.objects.create(department=org.yinshi, title="2小时", is_measurable=True, request_kind="enquiry",
                              deadline_value=2, deadline_unit=Commitment.Unit.HOURS)
    assert compute_deadline(monday, org.yinshi.pk, "enquiry") == monday + dt.timedelta(hours=2)
