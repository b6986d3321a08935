"""The public ballot page and the receipt check: who sees what before and after the close, one ballot per
person through the page, no running total anywhere before the close."""

import pytest
from django.urls import reverse

from qualityservice.recognition import services
from qualityservice.recognition.models import Ballot, VoterRecord

from .factories import voter, voting_round

pytestmark = pytest.mark.django_db


def test_a_member_votes_for_two_on_the_page_and_gets_a_receipt(client, org):
    rnd, (a, b, _c) = voting_round(org, k=2)
    client.force_login(voter())
    body = client.get(rnd.get_vote_url()).content.decode()
    assert "候选人1" in body and "候选人3" in body and 'name="choice"' in body and "最多选择2名" in body
    response = client.post(rnd.get_vote_url(), {"choice": [a.pk, b.pk]})
    body = response.content.decode()
    receipt = Ballot.objects.get().receipt
    assert response.status_code == 200 and receipt in body and "投票成功" in body
    again = client.post(rnd.get_vote_url(), {"choice": [a.pk]})
    assert again.status_code == 400 and "您已在本次评选中投过票" in again.content.decode()
    assert Ballot.objects.count() == VoterRecord.objects.count() == 1


def test_it_sends_an_anonymous_visitor_to_sign_in_and_counts_nothing(client, org):
    rnd, (a, *_rest) = voting_round(org)
    body = client.get(rnd.get_vote_url()).content.decode()
    assert "登录后投票" in body and 'name="choice"' not in body
    response = client.post(rnd.get_vote_url(), {"choice": [a.pk]})
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert Ballot.objects.count() == 0


def test_a_bad_choice_gets_a_message_and_nothing_changes(client, org):
    rnd, _nominations = voting_round(org, k=1)
    client.force_login(voter())
    response = client.post(rnd.get_vote_url(), {"choice": ["nonsense"]})
    assert response.status_code == 400 and "请从选票上的候选人中选择" in response.content.decode()
    assert Ballot.objects.count() == VoterRecord.objects.count() == 0


def test_nobody_sees_a_total_before_the_close_and_anyone_checks_a_receipt_after_it(client, org):
    rnd, (a, b, _c) = voting_round(org, k=1)
    receipts = [services.cast_ballot(rnd, voter(), [a.pk]) for _ in range(3)] + [services.cast_ballot(rnd, voter(), [b.pk])]
    for who in (None, org.supervisor, org.staff_wuye, voter()):
        if who:
            client.force_login(who)
        body = client.get(rnd.get_receipt_url(), {"receipt": receipts[0]}).content.decode()
        assert "投票截止后" in body and "已计入" not in body and "人投票" not in body
    services.move_round(rnd, "close_vote", by=org.supervisor)
    client.logout()
    body = client.get(rnd.get_receipt_url(), {"receipt": receipts[0]}).content.decode()
    assert "该回执码的选票已计入" in body and "4人投票" in body
    assert body.index("候选人1") < body.index("候选人2")  # 3 votes before 1
    body = client.get(rnd.get_receipt_url(), {"receipt": "NOPE"}).content.decode()
    assert "未计入" in body


def test_a_draft_round_and_an_unknown_code_are_not_found(client, org):
    rnd, _created = services.create_round(key=None, by=org.supervisor, title="草稿评选", period_start="2026-01-01",
                                          period_end="2026-12-31")
    assert client.get(rnd.get_vote_url()).status_code == 404
    assert client.get(reverse("recognition:receipt", args=["nope"])).status_code == 404
