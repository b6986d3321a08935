"""The workbench lists the open surveys that close soon (surveys/todos.py through core.todos), to the
supervisor and to the heads whose department the survey asks about."""

import datetime as dt

import pytest
from django.utils import timezone

from qualityservice.surveys.models import Survey

from .factories import make_survey

pytestmark = pytest.mark.django_db


def test_it_lists_an_open_survey_closing_within_the_days_set(client, org, settings):
    settings.QS_SURVEY_CLOSING_SOON_DAYS = 3
    now = timezone.now()
    soon = make_survey(org, closes_at=now + dt.timedelta(days=2)).survey
    make_survey(org, closes_at=now + dt.timedelta(days=10))  # not yet
    make_survey(org, status=Survey.Status.CLOSED, closes_at=now + dt.timedelta(days=1))  # already closed
    for user in (org.supervisor, org.head_yinshi):  # the survey asks about 饮食 (and 物业)
        client.force_login(user)
        html = client.get("/staff/").content.decode()
        assert 'data-todo="surveys.closing"' in html and "3 天内截止的问卷" in html
        assert f'href="/staff/surveys/{soon.pk}/results/" data-testid="todo" data-todo="surveys.closing"' in html


def test_it_lists_no_survey_to_staff_operators_or_judges(client, org):
    make_survey(org, closes_at=timezone.now() + dt.timedelta(days=1))
    for user in (org.staff_wuye, org.operator, org.judge):
        client.force_login(user)
        assert 'data-todo="surveys.closing"' not in client.get("/staff/").content.decode()
