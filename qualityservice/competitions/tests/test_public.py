"""The public results page (mobile, page-cached for anonymous visitors): only published rounds, each contestant
with the per-criterion breakdown, the aggregation and the tie-break chain stated; it changes as soon as the
results do; never by an id. The judges' private links are private pages. The campaign evidence the competition
will record once results are published."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from qualityservice.competitions import services
from qualityservice.competitions.models import Round
from qualityservice.competitions.workflows import ROUND

from .factories import build, confirm_all, score, sheets_of, values

pytestmark = pytest.mark.django_db


def _published(org, **kwargs):
    setup = build(org, **kwargs)
    for sheet in sheets_of(setup.round):
        score(sheet, values(9, 8, 7) if sheet.entry.contestant.number == 1 else values(7, 7, 7))
    ROUND.apply(setup.round, "close", by=setup.by)
    confirm_all(setup)
    ROUND.apply(setup.round, "verify", by=setup.chief)
    setup.round = ROUND.apply(setup.round, "publish", by=setup.by)
    return setup


def test_nothing_is_public_before_the_results_are_published(client, org):
    setup = build(org, contestants=2, panel=1, reserves=0)
    assert client.get(setup.competition.get_public_url()).status_code == 404
    assert "2026年烹饪技能比武" not in client.get(reverse("competitions:public_index")).content.decode()
    assert client.get(f"/competitions/{setup.competition.pk}/").status_code == 404  # never by its id


def test_the_public_page_shows_each_contestant_with_the_breakdown_method_and_notice(client, org):
    setup = _published(org, contestants=2, panel=2, reserves=0)
    body = client.get(setup.competition.get_public_url()).content.decode()
    assert "公示中" in body and "如有异议，请于" in body
    assert "汇总方法：截尾平均（随评委人数调整）。" in body and "同分时依次比较：" in body
    assert body.count('data-testid="standing-row"') == 2
    assert "操作规范" in body and "成品质量" in body and "卫生安全" in body
    assert "9.00" in body and "24.50" in body  # contestant 1: 9 + 8 × 1.5 + 7 × 0.5
    assert "一等奖" in body
    assert "2026年烹饪技能比武" in client.get(reverse("competitions:public_index")).content.decode()
    # Anyone may object from the page: an anonymous visitor gives a name and phone, a signed-in staff member not.
    assert 'data-testid="objection-form"' in body and 'name="phone"' in body
    client.force_login(org.staff_yinshi)
    staff_body = client.get(setup.competition.get_public_url()).content.decode()
    assert 'data-testid="objection-form"' in staff_body and 'name="phone"' not in staff_body


def test_the_cached_page_changes_as_soon_as_the_results_are_withdrawn(client, org):
    setup = _published(org, contestants=2, panel=1, reserves=0)
    url = setup.competition.get_public_url()
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200  # from the page cache
    ROUND.apply(setup.round, "revise", by=setup.by, reason="复核")
    assert client.get(url).status_code == 404


def test_a_private_link_page_is_private_and_names_only_the_judges_own_sheets(client, org):
    setup = build(org, contestants=2, panel=2, reserves=0)
    appointment = setup.appointments[1]
    response = client.get(reverse("competitions:link", args=[appointment.code]))
    body = response.content.decode()
    assert response["Cache-Control"] == "private, no-store" and response["Referrer-Policy"] == "same-origin"
    assert body.count('data-testid="sheet-link"') == 2 and "评委1" in body
    assert appointment.code in body and setup.appointments[2].code not in body
    assert client.get(reverse("competitions:link", args=["x" * 32])).status_code == 404


def test_after_publication_each_judge_sees_their_own_scores_against_the_panel(client, org):
    setup = build(org, contestants=1, panel=2, reserves=0)
    judge = setup.appointments[1]
    client.force_login(judge.staff.user)
    url = reverse("competitions:judging", args=[judge.pk])
    for sheet in sheets_of(setup.round):
        score(sheet, values(6, 7, 7) if sheet.appointment_id == judge.pk else values(8, 7, 7))
    assert "您的评分与评委组对比" not in client.get(url).content.decode()
    ROUND.apply(setup.round, "close", by=setup.by)
    confirm_all(setup)
    ROUND.apply(setup.round, "verify", by=setup.chief)
    assert "您的评分与评委组对比" not in client.get(url).content.decode()
    ROUND.apply(setup.round, "publish", by=setup.by)
    body = client.get(url).content.decode()
    # Three judges gave 8, 6, 8 on 操作规范: the two closest (8, 8) count, so the panel's score is 8 and this judge −2.
    assert "您的评分与评委组对比" in body and body.count('data-testid="comparison"') == 1
    assert "8.00" in body and "-2.00" in body


def test_the_campaign_evidence_of_a_published_competition(org):
    setup = _published(org, contestants=2, panel=1, reserves=0)
    published = Round.objects.get(pk=setup.round.pk).published_at
    kwargs = services.campaign_evidence_kwargs(setup.competition)
    assert kwargs == {
        "department_id": org.group.pk, "carrier": "competitions", "source": setup.competition,
        "title": "岗位大比武：2026年烹饪技能比武", "title_en": "Skills competition: 2026 Cooking contest",
        "url": setup.competition.get_absolute_url(), "occurred_on": timezone.localtime(published).date(), "public": True,
    }
    assert set(kwargs) == {"department_id", "carrier", "source", "title", "title_en", "url", "occurred_on", "public"}


def test_the_campaign_evidence_is_dated_by_the_first_publication(org):
    setup = _published(org, contestants=2, panel=1, reserves=0)
    Round.objects.filter(pk=setup.round.pk).update(published_at=timezone.now() - dt.timedelta(days=40))
    assert services.campaign_evidence_kwargs(setup.competition)["occurred_on"] == timezone.localdate() - dt.timedelta(days=40)


def test_english_readers_get_the_english_names_and_the_page_in_english(client, org, settings):
    from qualityservice.competitions.models import Criterion

    setup = _published(org, contestants=2, panel=1, reserves=0)
    Criterion.objects.filter(rubric=setup.round.rubric, code="caozuo").update(name_en="Procedure")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get(setup.competition.get_public_url()).content.decode()
    assert "2026 Cooking contest" in body and "Procedure" in body and "成品质量" in body  # no English name: the Chinese one
    assert "Aggregation: Trimmed mean (adapts to the panel)." in body and "Public notice" in body
    assert "the higher score in “Procedure”" in body
