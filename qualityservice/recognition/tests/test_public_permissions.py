"""The public vote's pages against every role: everyone reads the ballot; members and staff (when the round lets
staff vote) tick and cast; anonymous visitors are sent to sign in; before the close nobody — the supervisor
included — sees a total on the receipt page."""

import pytest

from qualityservice.recognition.models import Ballot

from .factories import voter, voting_round

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "member", "staff_wuye", "head_wuye", "head_yinshi", "supervisor", "operator", "judge", "admin")
PUBLIC_VIEWS = ("vote", "receipt")


def _user(org, who):
    if who == "anonymous":
        return None
    return voter() if who == "member" else getattr(org, who)


@pytest.mark.parametrize("staff_may_vote", [True, False])
@pytest.mark.parametrize("who", ROLES)
def test_each_role_reads_the_ballot_and_only_admitted_voters_cast_one(client, org, who, staff_may_vote):
    rnd, (a, *_rest) = voting_round(org, staff_may_vote=staff_may_vote)
    user = _user(org, who)
    if user is not None:
        client.force_login(user)
    admitted = who == "member" or (who != "anonymous" and staff_may_vote)
    body = client.get(rnd.get_vote_url()).content.decode()
    assert "候选人1" in body and ('name="choice"' in body) == admitted
    response = client.post(rnd.get_vote_url(), {"choice": [a.pk]})
    if who == "anonymous":
        assert response.status_code == 302
    elif admitted:
        assert response.status_code == 200 and Ballot.objects.get().receipt in response.content.decode()
    else:
        assert response.status_code == 400 and "您无权在本次评选中投票" in response.content.decode()
    assert Ballot.objects.count() == (1 if admitted else 0)
    body = client.get(rnd.get_receipt_url()).content.decode()
    assert "投票截止后" in body and "人投票" not in body  # no total before the close, for anyone


def test_the_matrix_covers_every_public_view():
    from qualityservice.recognition import urls

    from .test_results_permissions import PUBLIC_RESULT_VIEWS  # the notice's and honours' pages: their own matrix

    assert set(PUBLIC_VIEWS) | {"public"} | set(PUBLIC_RESULT_VIEWS) == {p.name for p in urls.urlpatterns}
