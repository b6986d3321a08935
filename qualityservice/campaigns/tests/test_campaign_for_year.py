"""What other apps read of a campaign: the campaign of a year (the evaluation's scheme links to it)."""

import pytest

from qualityservice.campaigns import services

from .helpers import make_campaign, today

pytestmark = pytest.mark.django_db


def test_it_gives_the_active_campaign_of_the_year_with_its_name_and_page(org):
    campaign = make_campaign(org)
    ref = services.campaign_for_year(campaign.year)
    assert ref == services.CampaignRef(pk=campaign.pk, year=campaign.year, name=campaign.name, name_en=campaign.name_en,
                                       url=campaign.get_absolute_url())


def test_it_gives_nothing_for_a_year_with_only_a_draft_or_no_campaign(org):
    draft = make_campaign(org, launch=False)
    assert draft.status == "draft"
    assert services.campaign_for_year(draft.year) is None
    assert services.campaign_for_year(today().year - 30) is None


def test_it_reads_the_campaign_in_one_query(org, django_assert_num_queries):
    campaign = make_campaign(org)
    with django_assert_num_queries(1):
        assert services.campaign_for_year(campaign.year).pk == campaign.pk
