"""Every staff view of the jury, results and certificates against every role (the permission matrix): anonymous
visitors are sent to sign in; the supervisor (and the administrator) organise; a judge opens only their own
sheet — another judge's, the administrator included, is a 404 —; heads of either department, staff and the
hotline operator get a 404 everywhere but their (empty) list of sheets. A refused POST changes nothing. The
public notice and the honours list are open to everyone."""

import pytest
from django.urls import reverse

from qualityservice.recognition import jury, results, services, staff_urls, urls
from qualityservice.recognition.results_models import Certificate, JuryCriterion, JuryMember

from .factories_results import judge, round_with_jury, score

pytestmark = pytest.mark.django_db

RESULT_VIEWS = ("round_jury", "round_jury_criterion", "round_jury_rubric", "round_jury_appoint", "jury_mine", "jury_sheet",
                "jury_sheet_confirm", "round_results", "round_certificates_issue", "certificate_pdf", "certificate_revoke")
PUBLIC_RESULT_VIEWS = ("winners", "objection", "stars", "vote_code", "receipts")
OK, NOT_FOUND, DONE, EMPTY = "ok", 404, "done", "empty"
ORGANISER = {"round_jury": OK, "round_jury_criterion": DONE, "round_jury_rubric": DONE, "round_jury_appoint": DONE,
             "jury_mine": EMPTY, "jury_sheet": NOT_FOUND, "jury_sheet_confirm": NOT_FOUND, "round_results": OK,
             "round_certificates_issue": DONE, "certificate_pdf": OK, "certificate_revoke": DONE}
OUTSIDER = {**dict.fromkeys(RESULT_VIEWS, NOT_FOUND), "jury_mine": EMPTY}
MATRIX = {
    "supervisor": ORGANISER,
    "admin": ORGANISER,
    "judge": {**OUTSIDER, "jury_mine": OK, "jury_sheet": OK, "jury_sheet_confirm": DONE},  # appointed to the round
    "other_judge": OUTSIDER,
    "head_wuye": OUTSIDER,  # the nominees' department
    "head_yinshi": OUTSIDER,
    "staff_wuye": OUTSIDER,
    "operator": OUTSIDER,
}
TITLE = "2026年度服务明星"


@pytest.fixture
def world(org):
    """A final round with certificates; org.judge was on its jury (sheet confirmed)."""
    rnd, nominations, members = round_with_jury(org, votes=[[0, 1], [0]], winners=2)
    mine = jury.appoint(rnd, org.judge, by=org.supervisor)
    services.move_round(rnd, "close_vote", by=org.supervisor)
    for member in [*members, mine]:
        score(member, nominations, {0: (8, 8), 1: (7, 7), 2: (6, 6)}, confirm=member is not mine)
    return rnd, mine.sheet


def _views(rnd, sheet, certificate) -> dict:
    return {
        "round_jury": ("get", reverse("recognition:round_jury", args=[rnd.pk]), {}),
        "round_jury_criterion": ("post", reverse("recognition:round_jury_criterion", args=[rnd.pk]),
                                 {"code": "extra", "name": "额外", "weight": "1", "min_score": "0", "max_score": "5", "step": "1", "order": "9"}),
        "round_jury_rubric": ("post", reverse("recognition:round_jury_rubric", args=[rnd.pk]), {"aggregation": "median"}),
        "round_jury_appoint": ("post", reverse("recognition:round_jury_appoint", args=[rnd.pk]), {}),
        "jury_mine": ("get", reverse("recognition:jury_mine"), {}),
        "jury_sheet": ("get", sheet.get_absolute_url(), {}),
        "jury_sheet_confirm": ("post", reverse("recognition:jury_sheet_confirm", args=[sheet.pk]), {}),
        "round_results": ("get", reverse("recognition:round_results", args=[rnd.pk]), {}),
        "round_certificates_issue": ("post", reverse("recognition:round_certificates_issue", args=[rnd.pk]), {}),
        "certificate_pdf": ("get", certificate.get_pdf_url() if certificate else "/staff/recognition/certificates/0/pdf/", {}),
        "certificate_revoke": ("post", reverse("recognition:certificate_revoke", args=[certificate.pk if certificate else 0]),
                               {"reason": "核查"}),
    }


def _finish(org, rnd):
    services.move_round(rnd, "publish", by=org.supervisor)
    services.move_round(rnd, "finalise", by=org.supervisor)
    rnd.refresh_from_db()
    return results.issue_certificates(rnd, by=org.supervisor)[0]


def test_the_matrices_cover_every_new_view():
    staff_names = [p.name for p in staff_urls.urlpatterns]
    assert set(RESULT_VIEWS) <= set(staff_names) and all(tuple(row) == RESULT_VIEWS for row in MATRIX.values())
    assert set(PUBLIC_RESULT_VIEWS) <= {p.name for p in urls.urlpatterns}


def test_it_sends_anonymous_visitors_to_sign_in_from_every_new_staff_view(client, org, world):
    rnd, sheet = world
    for name, (method, url, data) in _views(rnd, sheet, None).items():
        response = getattr(client, method)(url, data)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), name


@pytest.mark.parametrize("who", list(MATRIX))
def test_it_gives_each_role_what_the_matrix_says(client, org, world, who):
    rnd, sheet = world
    # The judge confirms their sheet (the one POST they may make) while the jury scores; the rest runs on the final round.
    user = judge(org.yinshi, "另一评委") if who == "other_judge" else getattr(org, who)
    client.force_login(user)
    expected = MATRIX[who]
    confirm = client.post(reverse("recognition:jury_sheet_confirm", args=[sheet.pk]))
    if expected["jury_sheet_confirm"] == DONE:
        assert confirm.status_code == 302
    else:
        assert confirm.status_code == 404
        jury.confirm(sheet, by=org.judge)
    sheet.refresh_from_db()
    assert sheet.status == "confirmed"
    certificate = _finish(org, rnd)
    for name, (method, url, data) in _views(rnd, sheet, certificate).items():
        if name == "round_jury_appoint":
            data = {"user": org.staff_yinshi.pk}
        response = getattr(client, method)(url, data)
        body = "" if response.streaming or response.get("Content-Type") == "application/pdf" else response.content.decode()
        want = expected[name]
        if want == NOT_FOUND:
            assert response.status_code == 404, name
            assert TITLE not in body, name
        elif want == DONE:
            assert response.status_code == 302, name
        elif want == EMPTY:
            assert response.status_code == 200 and TITLE not in body and "您没有受聘" in body, name
        elif name == "certificate_pdf":
            assert response.status_code == 200 and response["Content-Type"] == "application/pdf", name
        else:
            assert response.status_code == 200 and TITLE in body, name
    organiser = expected["round_jury"] == OK
    assert JuryCriterion.objects.filter(code="extra").count() == 0  # frozen: even the supervisor's POST changes nothing
    assert JuryMember.objects.filter(user=org.staff_yinshi).exists() is False  # the notice was published: the jury is closed
    assert Certificate.objects.get(pk=certificate.pk).status == ("revoked" if organiser else "valid")


def test_the_public_notice_and_the_star_list_are_open_to_everyone(client, org, world):
    rnd, sheet = world
    jury.confirm(sheet, by=org.judge)
    _finish(org, rnd)
    for who in (None, org.head_yinshi, org.staff_wuye, org.judge):
        if who:
            client.force_login(who)
        assert "候选人1" in client.get(reverse("recognition:winners", args=[rnd.code])).content.decode()
        assert "候选人1" in client.get(reverse("recognition:stars", args=["service-stars"])).content.decode()
