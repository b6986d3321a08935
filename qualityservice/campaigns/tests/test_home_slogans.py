"""The campaign's slogans (口号) on the public home page, through the extension point ``home_actions`` (the home
page's app does not import campaigns): the current campaign's, in the reader's language; never a past campaign's
(its period is over) or a closed one's; a campaign without slogans shows none, and without a current campaign
nothing is rendered at all."""

import pytest
from django.conf import settings

from qualityservice.campaigns.models import Campaign

from .helpers import make_campaign, today

pytestmark = pytest.mark.django_db


def _slogans(body: str) -> list[str]:
    return [part.split("”")[0] for part in body.split('data-testid="home-slogan">“')[1:]]


def test_the_home_page_shows_the_slogans_of_the_current_campaign(client, org):
    make_campaign(org, slogans="服务永远第一\n师生为本、服务至上\n\n优质服务我应该做什么", slogans_en="Service always comes first\n"
                  "Teachers and students first\nWhat should I do for quality service?")
    body = client.get("/").content.decode()
    assert _slogans(body) == ["服务永远第一", "师生为本、服务至上", "优质服务我应该做什么"]  # the blank line is no slogan
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert _slogans(client.get("/").content.decode())[0] == "Service always comes first"


def test_a_past_campaigns_slogans_are_not_shown(client, org):
    past = make_campaign(org, year=today().year - 1, slogans="去年的口号")
    assert past.status == Campaign.Status.ACTIVE and past.ends_on < today()  # still active, its period over
    body = client.get("/").content.decode()
    assert "去年的口号" not in body and 'data-testid="campaign-home"' not in body
    make_campaign(org, slogans="今年的口号", key="this-year")
    body = client.get("/").content.decode()
    assert _slogans(body) == ["今年的口号"] and "去年的口号" not in body


def test_without_slogans_or_a_current_campaign_nothing_is_rendered(client, org):
    assert 'data-testid="campaign-home"' not in client.get("/").content.decode()  # no campaign: no box at all
    make_campaign(org, year=today().year + 1, slogans="明年的口号")  # not begun yet
    assert "明年的口号" not in client.get("/").content.decode()
    make_campaign(org, slogans="", slogans_en="", key="no-slogans")
    body = client.get("/").content.decode()
    assert 'data-testid="campaign-home"' in body and _slogans(body) == [] and "“" not in body.split('data-testid="campaign-home"')[1][:600]


def test_the_home_pages_app_does_not_import_campaigns():
    import pathlib

    import qualityservice.org as org_app

    folder = pathlib.Path(org_app.__file__).parent
    sources = "".join(p.read_text(encoding="utf-8") for p in folder.rglob("*.py") if "tests" not in p.parts)
    assert "campaigns" not in sources
