"""The round pages against every role (the permission matrix): anonymous visitors are sent to sign in; the
supervisor (and the administrator) get every page and move the stages; heads see the rounds open for
nominations — without the other departments' nominations — and read their own nomination's facts again;
plain staff, hotline operators and judges get a 404 everywhere. A refused POST changes nothing."""

import pytest
from django.urls import reverse

from qualityservice.recognition import staff_urls
from qualityservice.recognition.models import Round

from . import test_permissions
from .rounds import nominate, nominating_round

pytestmark = pytest.mark.django_db

ROUND = "2026年度服务明星评选"
NOMINATION = "物业中心的服务之星"
SEES = "sees"  # 200 with the round's title (and, for the nominating department, its nomination)
FORM = "form"  # 200, the round form
WITHOUT = "without"  # 200 with the round but not another department's nomination
MOVES = "moves"  # the POST does its work and redirects
VIEWS = ("round_list", "round_new", "round_detail", "round_edit", "round_check", "facts", "round_move")

SUPERVISOR = {"round_list": SEES, "round_new": FORM, "round_detail": SEES, "round_edit": FORM, "round_check": SEES,
              "facts": MOVES, "round_move": MOVES}
MATRIX = {
    "supervisor": SUPERVISOR,
    "admin": SUPERVISOR,
    "head_wuye": {"round_list": SEES, "round_new": 404, "round_detail": SEES, "round_edit": 404, "round_check": 404,
                  "facts": MOVES, "round_move": 404},
    "head_yinshi": {"round_list": SEES, "round_new": 404, "round_detail": WITHOUT, "round_edit": 404, "round_check": 404,
                    "facts": 404, "round_move": 404},
    "staff_wuye": dict.fromkeys(VIEWS, 404),
    "operator": dict.fromkeys(VIEWS, 404),
    "judge": dict.fromkeys(VIEWS, 404),
}


@pytest.fixture
def setup(org):
    rnd = nominating_round(org, title=ROUND)
    nomination = nominate(org, rnd, staff=org.staff_wuye.staff, title=NOMINATION)
    return rnd, nomination


def _views(rnd, nomination) -> dict[str, tuple[str, str, dict]]:
    return {
        "round_list": ("get", reverse("recognition:round_list"), {}),
        "round_new": ("get", reverse("recognition:round_new"), {}),
        "round_detail": ("get", rnd.get_staff_url(), {}),
        "round_edit": ("get", rnd.get_staff_edit_url(), {}),
        "round_check": ("get", rnd.get_check_url(), {}),
        "facts": ("post", reverse("recognition:facts", args=[nomination.pk]), {}),
        "round_move": ("post", rnd.get_staff_move_url(), {"action": "review"}),
    }


def test_the_matrices_cover_every_staff_view_of_the_app(setup):
    assert tuple(_views(*setup)) == VIEWS and all(tuple(row) == VIEWS for row in MATRIX.values())
    from .test_codes import CODE_VIEWS
    from .test_jury_flags import FLAG_VIEWS
    from .test_my_certificates import MY_VIEWS
    from .test_results_permissions import RESULT_VIEWS

    covered = set(VIEWS) | set(test_permissions.VIEWS) | set(CODE_VIEWS) | set(RESULT_VIEWS) | set(FLAG_VIEWS) | set(MY_VIEWS)
    assert covered == {p.name for p in staff_urls.urlpatterns}


def test_it_sends_anonymous_visitors_to_sign_in_from_every_round_view(client, setup):
    for name, (method, url, data) in _views(*setup).items():
        response = client.post(url, data) if method == "post" else client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), name
    assert Round.objects.get().status == "nominating"


@pytest.mark.parametrize("who", list(MATRIX))
def test_it_gives_each_role_what_the_matrix_says(client, org, setup, who):
    rnd, nomination = setup
    client.force_login(getattr(org, who))
    for name, (method, url, data) in _views(rnd, nomination).items():
        expected = MATRIX[who][name]
        response = client.post(url, data) if method == "post" else client.get(url)
        body = response.content.decode()
        if expected == 404:
            assert response.status_code == 404, name
            assert ROUND not in body and NOMINATION not in body, name
        elif expected == MOVES:
            assert response.status_code == 302, name
        elif expected == FORM:
            assert response.status_code == 200 and 'name="vote_weight"' in body and 'name="submission_key"' in body, name
        else:
            assert response.status_code == 200 and ROUND in body, name
            if name in ("round_detail", "round_check"):
                assert (NOMINATION in body) == (expected == SEES), name
    assert Round.objects.get().status == ("reviewing" if MATRIX[who]["round_move"] == MOVES else "nominating")


def test_it_refuses_get_on_the_move_and_facts_views(client, org, setup):
    rnd, nomination = setup
    client.force_login(org.supervisor)
    assert client.get(rnd.get_staff_move_url()).status_code == 405
    assert client.get(reverse("recognition:facts", args=[nomination.pk])).status_code == 405
    assert Round.objects.get().status == "nominating"
