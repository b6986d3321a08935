"""A competition's published results as campaign evidence (三(四), carried by competitions): a department
competition documents its organising department's activity; a group-wide one also the activity of each department
that had contestants — once each, however often the results are published."""

import pytest

from qualityservice.campaigns.models import Evidence
from qualityservice.campaigns.services import add_menu_item, adopt
from qualityservice.campaigns.tests.helpers import activity, make_campaign
from qualityservice.competitions import services
from qualityservice.competitions.models import Round
from qualityservice.competitions.workflows import CONTESTANT, ROUND

from .factories import build, confirm_all, score, sheets_of, values

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(org):
    """The running campaign with 三(四) (carried by competitions) adopted by the two centres and the group office."""
    campaign = make_campaign(org)
    item, _created = add_menu_item(campaign, key=None, by=org.supervisor, code="三(四)", title="岗位大比武", title_en="Skills contest",
                                   description="开展岗位大比武活动。", kind="optional", carriers=["competitions"], sort_order=40)
    for department in (org.wuye, org.yinshi, org.office):
        adopt(campaign, item, department, key=None, by=org.supervisor)
    return campaign


def _publish(setup):
    rnd = ROUND.apply(setup.round, "open", by=setup.by) if setup.round.status == Round.Status.DRAFT else setup.round
    for sheet in sheets_of(rnd):
        score(sheet, values(8, 8, 8))
    ROUND.apply(rnd, "close", by=setup.by)
    setup.round = rnd
    confirm_all(setup)
    ROUND.apply(Round.objects.get(pk=rnd.pk), "verify", by=setup.chief)
    return ROUND.apply(Round.objects.get(pk=rnd.pk), "publish", by=setup.by)


def _evidence(campaign, org):
    rows = Evidence.objects.filter(carrier="competitions", activity__campaign=campaign).select_related("activity")
    return sorted((row.activity.department_id, row.object_id, row.is_public) for row in rows)


def test_a_group_wide_competition_documents_the_activity_of_each_department_with_contestants_once(org, campaign):
    setup = build(org, contestants=2, panel=2, reserves=0, open_round=False)  # contestants of the catering centre
    contestant, _created = services.sign_up(setup.competition, org.staff_wuye.staff, by=org.supervisor, key=None)
    CONTESTANT.apply(contestant, "approve", by=org.supervisor)  # and one of the property centre
    rnd = _publish(setup)
    expected = sorted([(org.wuye.pk, setup.competition.pk, True), (org.yinshi.pk, setup.competition.pk, True)])
    assert _evidence(campaign, org) == expected  # not the group office's: it had no contestant
    row = Evidence.objects.get(activity=activity(campaign, org.yinshi, "三(四)"))
    assert (row.title, row.url) == ("岗位大比武：2026年烹饪技能比武", setup.competition.get_absolute_url())
    # Withdrawn for revision and published again: the same rows, updated, none added.
    ROUND.apply(rnd, "revise", by=setup.by, reason="复核计时")
    confirm_all(setup)
    ROUND.apply(Round.objects.get(pk=rnd.pk), "verify", by=setup.chief)
    ROUND.apply(Round.objects.get(pk=rnd.pk), "publish", by=setup.by)
    services.record_campaign_evidence(setup.competition)
    assert _evidence(campaign, org) == expected


def test_a_department_competition_documents_only_its_organising_departments_activity(org, campaign):
    setup = build(org, contestants=2, panel=1, reserves=0, department=org.wuye, by=org.head_wuye, open_round=False,
                  contestant_department=org.wuye)
    _publish(setup)
    assert _evidence(campaign, org) == [(org.wuye.pk, setup.competition.pk, True)]


def test_the_departments_a_group_wide_competition_documents_are_those_whose_staff_took_part(org):
    setup = build(org, contestants=1, panel=1, reserves=0, open_round=False)
    contestant, _created = services.sign_up(setup.competition, org.staff_wuye.staff, by=org.supervisor, key=None)
    assert services.campaign_evidence_departments(setup.competition) == [org.group.pk]  # nobody in a round yet
    CONTESTANT.apply(contestant, "approve", by=org.supervisor)
    ROUND.apply(setup.round, "open", by=setup.by)
    assert services.campaign_evidence_departments(setup.competition) == [org.group.pk, *sorted([org.wuye.pk, org.yinshi.pk])]
