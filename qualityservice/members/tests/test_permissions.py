"""A member has no staff permissions, ever: every staff URL of every app sends a signed-in member to
their own page (or 404s), and the members' roster pages are for administrators only."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from qualityservice.core.permissions import department_scope, user_role

from .factories import make_member

pytestmark = pytest.mark.django_db
SAMPLE = {"int": 1, "string": "X1", "slug": "x", "path": "x", "uuid": "00000000-0000-0000-0000-000000000000"}


def staff_urls() -> list[tuple[str, str]]:
    """(name, path) of every named URL under staff/, with sample arguments."""
    found = []

    def walk(patterns, prefix, namespace):
        for p in patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                walk(p.url_patterns, route, f"{namespace}{p.namespace}:" if p.namespace else namespace)
            elif isinstance(p, URLPattern) and p.name and route.startswith("staff/"):
                kwargs = {k: SAMPLE[type(c).__name__.replace("Converter", "").lower()] for k, c in p.pattern.converters.items()}
                found.append((f"{namespace}{p.name}", reverse(f"{namespace}{p.name}", kwargs=kwargs)))

    walk(get_resolver().url_patterns, "", "")
    return sorted(set(found))


STAFF_URLS = staff_urls()


def test_it_finds_the_staff_urls_of_every_app():
    names = {name.split(":")[0] for name, _ in STAFF_URLS}
    assert {"core", "org", "feedback", "inspections", "surveys", "members"} <= names
    assert len(STAFF_URLS) > 60


@pytest.fixture
def member(db):
    return make_member()


def test_it_gives_a_member_no_role_and_no_department(member):
    assert user_role(member.user) is None and department_scope(member.user) == frozenset()


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("name, url", STAFF_URLS, ids=[n for n, _ in STAFF_URLS])
def test_it_sends_a_member_from_every_staff_url_to_their_own_page(client, member, name, url, method):
    client.force_login(member.user)
    response = getattr(client, method)(url)
    assert response.status_code == 302 and response["Location"] == reverse("members:home"), (name, response.status_code)


@pytest.mark.parametrize("name, url", [(n, u) for n, u in STAFF_URLS if n != "core:workbench"],
                         ids=[n for n, _ in STAFF_URLS if n != "core:workbench"])
def test_it_refuses_a_member_in_every_staff_view_by_itself_too(client, member, settings, name, url):
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if "MemberBoundary" not in m]
    client.force_login(member.user)
    response = client.get(url)
    assert response.status_code in (404, 405), (name, response.status_code)
    assert "张晓明" not in response.content.decode()


def test_it_does_not_open_the_admin_for_a_member(client, member):
    client.force_login(member.user)
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


ADMIN_ONLY = ["members:staff_list", "members:roster_import", "members:roster_export", "members:codes"]


@pytest.mark.parametrize("name", ADMIN_ONLY)
@pytest.mark.parametrize("role", ["anonymous", "staff_wuye", "operator", "head_wuye", "supervisor", "judge", "admin"])
def test_it_opens_the_member_roster_only_for_administrators(client, org, member, name, role):
    if role != "anonymous":
        client.force_login(getattr(org, role))
    response = client.get(reverse(name))
    if role == "admin":
        assert response.status_code == 200
        if name == "members:staff_list":
            assert "张晓明" in response.content.decode()
    elif role == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == 404


def test_it_opens_a_members_record_and_its_history_only_for_administrators(client, org, member):
    url = reverse("members:staff_detail", args=[member.pk])
    client.force_login(org.supervisor)
    assert client.get(url).status_code == 404
    client.force_login(org.admin)
    html = client.get(url).content.decode()
    assert "张晓明" in html and 'data-testid="member-history"' in html


def test_it_tells_a_staff_account_opening_the_my_page_that_it_is_for_members(client, org):
    client.force_login(org.head_wuye)
    response = client.get(reverse("members:home"))
    assert response.status_code == 403 and "此页面供师生使用" in response.content.decode()


def test_it_keeps_the_rosters_earlier_address_as_a_permanent_redirect_to_its_staff_place(client):
    response = client.get("/members/staff/")
    assert (response.status_code, response["Location"]) == (301, "/staff/members/")
