"""The scheme is linked to its year's campaign through the campaigns app's service function (found with
core.registry.optional_function), never through the campaigns' table: id and name stored on the scheme."""

import pathlib
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse

from qualityservice.core import registry
from qualityservice.evaluation import services
from qualityservice.evaluation.workflows import SCHEME

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class FakeCampaignRef:  # what campaigns.services.campaign_for_year returns
    pk: int
    year: int
    name: str
    name_en: str
    url: str


@pytest.fixture
def campaigns(monkeypatch):
    known = {2026: FakeCampaignRef(41, 2026, "2026优质服务年", "Quality Service Year 2026", "/staff/campaigns/41/")}
    asked = []

    def find(app, module, name):
        if (app, module, name) == ("qualityservice.campaigns", "services", "campaign_for_year"):
            return lambda year: asked.append(year) or known.get(year)
        return registry.optional_function(app, module, name)

    monkeypatch.setattr(services, "optional_function", find)
    return known, asked


def test_it_links_a_new_scheme_to_the_campaign_of_its_year(client, org, campaigns):
    scheme, _ = services.create_scheme(key=None, by=org.supervisor, year=2026, title="2026年度考核")
    assert (scheme.campaign_id, scheme.campaign_name, scheme.campaign_url) == (41, "2026优质服务年", "/staff/campaigns/41/")
    client.force_login(org.supervisor)
    body = client.get(scheme.get_absolute_url()).content.decode()
    assert '<a href="/staff/campaigns/41/">2026优质服务年</a>' in body
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get(reverse("evaluation:schemes")).content.decode()
    assert "Quality Service Year 2026" in body


def test_it_says_a_scheme_is_not_linked_when_the_year_has_no_campaign(client, org, campaigns):
    scheme, _ = services.create_scheme(key=None, by=org.supervisor, year=2031, title="2031年度考核")
    assert scheme.campaign_id is None and campaigns[1] == [2031]
    client.force_login(org.supervisor)
    assert "2031年（未关联活动）" in client.get(scheme.get_absolute_url()).content.decode()


def test_it_takes_the_campaigns_name_again_when_the_scheme_is_frozen(org, live, campaigns):
    live["evaluation.test_rate"] = {d.pk: Decimal(50) for d in (org.wuye, org.yinshi, org.office)}
    scheme, _ = services.create_scheme(key=None, by=org.supervisor, year=2026, title="2026年度考核")
    services.set_component(scheme, indicator="evaluation.test_rate", weight=100, floor=0, target=100)
    known, _asked = campaigns
    known[2026] = FakeCampaignRef(41, 2026, "2026优质服务年（修订）", "", "/staff/campaigns/41/")
    scheme = SCHEME.apply(scheme, "freeze", by=org.supervisor)
    scheme.refresh_from_db()
    assert (scheme.campaign_id, scheme.campaign_name) == (41, "2026优质服务年（修订）")
    copy = services.new_version(scheme, by=org.supervisor, reason="更正")
    assert copy.campaign_id == 41


def test_it_leaves_the_scheme_unlinked_without_the_campaigns_service(org):
    # The campaigns app is installed but offers no campaign_for_year (yet): nothing breaks, nothing is linked.
    scheme, _ = services.create_scheme(key=None, by=org.supervisor, year=2026, title="2026年度考核")
    assert (scheme.campaign_id, scheme.campaign_name) == (None, "")


def test_it_never_imports_the_campaigns_app():
    folder = pathlib.Path(services.__file__).parent
    for path in folder.rglob("*.py"):
        if "tests" in path.parts:
            continue
        text = path.read_text()
        assert "qualityservice.campaigns." not in text.replace('"qualityservice.campaigns", "services"', ""), path
        assert "from qualityservice.campaigns" not in text, path
