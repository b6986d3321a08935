"""The public campaign page: theme, slogans, the milestones' timeline, the activities held with their public
evidence, mobile-first and served from core.pagecache (a change shows at once); linked from the home page; by
its unguessable code, never for a draft."""

import pytest
from django.conf import settings
from django.urls import reverse

from qualityservice.campaigns import services
from qualityservice.campaigns.models import ReportFile
from qualityservice.campaigns.workflows import ACTIVITY, CAMPAIGN
from qualityservice.core import pagecache

from .helpers import activity, jpeg, make_campaign

pytestmark = pytest.mark.django_db


def test_the_page_shows_theme_slogans_timeline_and_the_activities_held(client, org):
    campaign = make_campaign(org)
    done = activity(campaign, org.wuye, "三(二)")
    ACTIVITY.apply(done, "complete", by=org.head_wuye, summary="内部总结：不公开")
    services.record_evidence(department_id=org.yinshi.pk, carrier="inspections", source=org.canteen, title="公开的开放日记录", public=True)
    services.record_evidence(department_id=org.yinshi.pk, carrier="inspections", source=org.dorm, title="内部自查记录")
    ACTIVITY.apply(activity(campaign, org.yinshi, "三(二)"), "start", by=org.head_yinshi)
    body = client.get(campaign.get_public_url()).content.decode()
    assert "服务永远第一" in body and "“师生为本”" in body and "经验交流会" in body
    assert body.count('data-testid="public-activity"') == 2 and "已开展" in body and "已完成 1 / 2" in body
    assert "公开的开放日记录" in body
    for private in ("内部总结", "内部自查记录", "/staff/"):
        assert private not in body


def test_the_cached_page_shows_a_change_at_once(client, org):
    campaign = make_campaign(org)
    url = campaign.get_public_url()
    assert "活动项目正在筹备中" in client.get(url).content.decode()
    before = pagecache.stats["hits"]
    client.get(url)
    assert pagecache.stats["hits"] == before + 1  # from the cache
    ACTIVITY.apply(activity(campaign, org.wuye, "三(二)"), "start", by=org.head_wuye)
    assert "六查六看自查自改" in client.get(url).content.decode()


def test_a_public_photo_appears_and_a_private_one_does_not(client, org):
    campaign = make_campaign(org)
    target = activity(campaign, org.wuye, "三(二)")
    from qualityservice.campaigns.uploads import clean_photo

    from .helpers import today

    services.create_report(target, key=None, by=org.head_wuye, reported_on=today(), note="座谈会",
                           files=[clean_photo(jpeg("a.jpg")), clean_photo(jpeg("b.jpg"))])
    shown, hidden = ReportFile.objects.order_by("pk")
    services.set_file_public(shown, True)
    body = client.get(campaign.get_public_url()).content.decode()
    assert shown.get_public_url() in body and hidden.code not in body and hidden.get_absolute_url() not in body


def test_a_draft_has_no_public_page_and_the_id_opens_nothing(client, org):
    draft = make_campaign(org, launch=False)
    assert client.get(draft.get_public_url()).status_code == 404
    CAMPAIGN.apply(draft, "launch", by=org.supervisor)
    assert client.get(draft.get_public_url()).status_code == 200
    assert client.get(f"/campaigns/{draft.pk}/").status_code == 404


def test_the_home_page_links_to_the_current_campaign_with_its_slogans(client, org):
    assert 'data-testid="campaign-home"' not in client.get("/").content.decode()
    campaign = make_campaign(org)
    body = client.get("/").content.decode()
    assert f'href="{campaign.get_public_url()}"' in body and "“服务永远第一”" in body
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get("/").content.decode()
    assert "Service always comes first" in body and "“Service first”" in body
    CAMPAIGN.apply(campaign, "close", by=org.supervisor)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    assert 'data-testid="campaign-home"' not in client.get("/").content.decode()


def test_the_index_lists_the_launched_campaigns(client, org):
    make_campaign(org, launch=False, year=2029)
    current = make_campaign(org)
    body = client.get(reverse("campaigns:public_index")).content.decode()
    assert body.count('data-testid="public-campaign"') == 1 and current.get_public_url() in body


def test_english_readers_get_the_english_texts(client, org):
    campaign = make_campaign(org)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get(campaign.get_public_url()).content.decode()
    assert "Quality Service Year" in body and "Exchange conference" in body and "Milestones" in body
