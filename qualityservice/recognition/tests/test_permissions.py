"""Every view of the app against every role (the permission matrix): anonymous visitors are sent to sign in;
the department's head and the supervisor get the pages; the head of another department gets a list without
the nomination and a 404 for the nomination's pages; plain staff, hotline operators and judges get a 404 everywhere.
A refused POST changes nothing."""

import pytest
from django.urls import reverse

from qualityservice.recognition import services, staff_urls
from qualityservice.recognition.models import Nomination

pytestmark = pytest.mark.django_db

TITLE = "物业中心的推荐"
SEES = "sees"  # 200, with the nomination's title (the "new" page: the form)
NOT_LISTED = "not listed"  # 200, without the nomination
MOVES = "moves"  # the POST submits the nomination and goes back to its page
VIEWS = ("list", "new", "detail", "edit", "move")

MATRIX = {
    "head_wuye": {"list": SEES, "new": SEES, "detail": SEES, "edit": SEES, "move": MOVES},
    "supervisor": {"list": SEES, "new": SEES, "detail": SEES, "edit": SEES, "move": MOVES},
    "admin": {"list": SEES, "new": SEES, "detail": SEES, "edit": SEES, "move": MOVES},
    "head_yinshi": {"list": NOT_LISTED, "new": SEES, "detail": 404, "edit": 404, "move": 404},
    "staff_wuye": dict.fromkeys(VIEWS, 404),
    "operator": dict.fromkeys(VIEWS, 404),
    "judge": dict.fromkeys(VIEWS, 404),
}


@pytest.fixture
def nomination(org):
    nomination, _created = services.create_nomination(key=None, by=org.head_wuye, department=org.wuye, title=TITLE)
    return nomination


def _views(nomination) -> dict[str, tuple[str, str]]:
    """Every staff view: name -> (method, URL). The move comes last: it changes the nomination."""
    return {
        "list": ("get", reverse("recognition:list")),
        "new": ("get", reverse("recognition:new")),
        "detail": ("get", nomination.get_absolute_url()),
        "edit": ("get", nomination.get_edit_url()),
        "move": ("post", nomination.get_move_url()),
    }


def test_the_matrix_covers_every_view_of_the_app(nomination):
    from .test_codes import CODE_VIEWS  # the voting codes' views: their own matrix
    from .test_results_permissions import RESULT_VIEWS  # the jury's, results' and certificates' views: their own matrix

    # The nomination views come first; the round pages have their matrix in test_round_permissions.py.
    others = set(RESULT_VIEWS) | set(CODE_VIEWS)
    assert tuple(_views(nomination)) == VIEWS == tuple(p.name for p in staff_urls.urlpatterns if p.name not in others)[:len(VIEWS)]
    assert all(tuple(row) == VIEWS for row in MATRIX.values())


def test_it_sends_anonymous_visitors_to_sign_in_from_every_staff_view(client, nomination):
    for name, (method, url) in _views(nomination).items():
        response = client.post(url, {"action": "submit"}) if method == "post" else client.get(url)
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("login")), name
    assert Nomination.objects.get().status == Nomination.Status.DRAFT


@pytest.mark.parametrize("who", list(MATRIX))
def test_it_gives_each_role_what_the_matrix_says(client, org, nomination, who):
    client.force_login(getattr(org, who))
    for name, (method, url) in _views(nomination).items():
        expected = MATRIX[who][name]
        response = client.post(url, {"action": "submit"}) if method == "post" else client.get(url)
        body = response.content.decode()
        if expected == 404:
            assert response.status_code == 404, name
            assert TITLE not in body, name
        elif expected == MOVES:
            assert response.status_code == 302 and response["Location"] == nomination.get_absolute_url(), name
        else:
            assert response.status_code == 200, name
            if name == "new":
                assert 'name="submission_key"' in body and 'name="title"' in body
            else:
                assert (TITLE in body) == (expected == SEES), name
    status = Nomination.objects.get().status
    assert status == (Nomination.Status.SUBMITTED if MATRIX[who]["move"] == MOVES else Nomination.Status.DRAFT)


def test_it_lists_for_a_head_only_the_nominations_of_their_department(client, org, nomination):
    services.create_nomination(key=None, by=org.head_yinshi, department=org.yinshi, title="饮食中心的推荐")
    client.force_login(org.head_yinshi)
    body = client.get(reverse("recognition:list")).content.decode()
    assert "饮食中心的推荐" in body and TITLE not in body
    client.force_login(org.supervisor)
    body = client.get(reverse("recognition:list")).content.decode()
    assert "饮食中心的推荐" in body and TITLE in body


def test_it_offers_a_head_only_their_own_department(client, org):
    client.force_login(org.head_wuye)
    body = client.get(reverse("recognition:new")).content.decode()
    assert org.wuye.name in body and org.yinshi.name not in body


def test_it_refuses_get_on_the_move_view(client, org, nomination):
    client.force_login(org.supervisor)
    assert client.get(nomination.get_move_url()).status_code == 405
    assert Nomination.objects.get().status == Nomination.Status.DRAFT


def test_it_shows_the_public_page_to_anyone_with_the_code_and_nothing_without(client, nomination):
    body = client.get(nomination.get_public_url()).content.decode()
    assert TITLE in body and "草稿" in body
    missing = client.get(reverse("recognition:public", args=["not-a-code"]))
    assert missing.status_code == 404 and TITLE not in missing.content.decode()
    assert client.get(f"/recognition/{nomination.pk}/").status_code == 404  # never by its id
