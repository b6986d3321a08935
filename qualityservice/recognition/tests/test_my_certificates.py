"""The winner downloads their own certificate: a staff winner, signed in, sees their recognition certificates on
their own page (org's "my badge" page, extension point my_badge) and downloads the PDF, which names them and
carries the serial; for a collective winner the head of that department sees and downloads it; nobody else can
download it through that path (the supervisor uses the results page; /c/<serial>/ verifies for anyone)."""

import re

import pypdfium2
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qualityservice.org.tests.factories import StaffFactory
from qualityservice.recognition import results, services
from qualityservice.recognition.models import Round

from .factories import voter
from .rounds import nominate, nominating_round

pytestmark = pytest.mark.django_db

MY_VIEWS = ("my_certificate_pdf",)  # the staff view this file's matrix covers (test_round_permissions checks)


def final_round(org, nominees, *, kind=Round.Kind.SERVICE_STAR, title="2026年度服务明星评选", winners=None):
    """A final round decided by the vote alone (weights 100 / 0) with certificates for its winners; ``nominees``:
    dicts for ``rounds.nominate`` (staff= or collective=), the first ones win."""
    rnd = nominating_round(org, kind=kind, title=title, winners=winners or len(nominees), vote_weight=100, jury_weight=0,
                           quotas={str(org.wuye.pk): 40, str(org.yinshi.pk): 40})
    nominations = [nominate(org, rnd, title=f"推荐{i}", **n) for i, n in enumerate(nominees)]
    for action in ("review", "open_vote"):
        services.move_round(rnd, action, by=org.supervisor)
    for nomination in nominations:
        services.cast_ballot(Round.objects.get(pk=rnd.pk), voter(), [nomination.pk])
    for action in ("close_vote", "publish", "finalise"):
        services.move_round(rnd, action, by=org.supervisor)
    rnd.refresh_from_db()
    made = {c.nomination_id: c for c in results.issue_certificates(rnd, by=org.supervisor)}
    return rnd, [made.get(n.pk) for n in nominations]  # None for a nominee who did not win


@pytest.fixture
def world(org):
    """物业员工 won a service star; 保洁一班 (a team of 物业) was an advanced collective."""
    _star, (star,) = final_round(org, [{"staff": org.staff_wuye.staff}])
    _collective, (team,) = final_round(org, [{"collective": org.wuye_team}], kind=Round.Kind.COLLECTIVE, title="2026年度先进集体")
    return star, team


def _pdf_text(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    document = pypdfium2.PdfDocument(content)
    return re.sub(r"\s", "", "".join(page.get_textpage().get_text_range() for page in document))


def test_the_winner_sees_their_certificate_on_their_own_page_and_downloads_the_pdf(client, org, world):
    star, team = world
    client.force_login(org.staff_wuye)
    body = client.get(reverse("org:my_badge")).content.decode()
    assert 'data-testid="my-certificates"' in body and body.count('data-testid="my-certificate"') == 1
    assert star.serial in body and "2026年度服务明星评选 · 服务明星" in body and f'href="{star.get_my_pdf_url()}"' in body
    assert team.serial not in body  # a member of the winning team is not its head
    response = client.get(star.get_my_pdf_url())
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;") and star.serial in response["Content-Disposition"]
    text = _pdf_text(response)
    assert "物业员工" in text and star.serial in text and "服务明星" in text


def test_the_head_of_a_collective_winners_department_sees_and_downloads_its_certificate(client, org, world):
    star, team = world
    client.force_login(org.head_wuye)
    body = client.get(reverse("org:my_badge")).content.decode()
    assert team.serial in body and "颁发给保洁一班" in body and star.serial not in body
    text = _pdf_text(client.get(team.get_my_pdf_url()))
    assert "保洁一班" in text and team.serial in text and "先进集体" in text


MATRIX = {  # who downloads which certificate through the winner's own path
    "staff_wuye": {"star": 200, "team": 404},  # the star; a member of the team, not its head
    "head_wuye": {"star": 404, "team": 200},  # the team's department
    "head_yinshi": {"star": 404, "team": 404},
    "staff_yinshi": {"star": 404, "team": 404},
    "supervisor": {"star": 404, "team": 404},  # downloads from the round's results page instead
    "admin": {"star": 404, "team": 404},
    "operator": {"star": 404, "team": 404},
    "judge": {"star": 404, "team": 404},
}


def test_anonymous_visitors_are_sent_to_sign_in_and_the_public_verification_stays_open(client, org, world):
    star, _team = world
    response = client.get(star.get_my_pdf_url())
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    body = client.get(f"/c/{star.serial}/").content.decode()
    assert "真实有效" in body and "物业员工" in body


@pytest.mark.parametrize("who", list(MATRIX))
def test_the_download_gives_each_role_what_the_matrix_says(client, org, world, who):
    star, team = world
    client.force_login(getattr(org, who))
    body = client.get(reverse("org:my_badge")).content.decode()
    for name, certificate in (("star", star), ("team", team)):
        response = client.get(certificate.get_my_pdf_url())
        assert response.status_code == MATRIX[who][name], name
        if MATRIX[who][name] == 404:
            assert certificate.serial not in response.content.decode() and certificate.serial not in body, name
        else:
            assert certificate.serial in _pdf_text(response) and certificate.serial in body, name


def test_a_revoked_certificate_is_listed_with_its_reason_and_no_longer_downloads(client, org, world):
    star, _team = world
    results.revoke(star, by=org.supervisor, reason="经核查事迹材料不实")
    client.force_login(org.staff_wuye)
    body = client.get(reverse("org:my_badge")).content.decode()
    assert star.serial in body and "已撤销：经核查事迹材料不实" in body and 'data-testid="my-certificate-pdf"' not in body
    assert client.get(star.get_my_pdf_url()).status_code == 404


def test_the_page_costs_the_same_queries_with_one_certificate_as_with_many(client, org):
    def count():
        client.force_login(org.staff_wuye)
        client.get(reverse("org:my_badge"))
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("org:my_badge"))
        return len(queries), response.content.decode().count('data-testid="my-certificate"')

    final_round(org, [{"staff": org.staff_wuye.staff}], title="评选一")
    one = count()
    others = [{"staff": StaffFactory(department=org.wuye, name=f"员工{i}")} for i in range(3)]
    for i in range(4):
        final_round(org, [{"staff": org.staff_wuye.staff}, *others], title=f"评选{i + 2}", winners=2)
    many = count()
    assert one[1] == 1 and many[1] == 5 and one[0] == many[0], (one, many)
