"""The secret public vote: one ballot per person per round, choices 1..K, the record of who voted kept apart from
the ballot (no shared key, order or time finer than the day), hidden totals until the close, receipts checked
after it, voids counted in the published figures."""

import datetime as dt
import random

import pytest
from django.core.exceptions import ValidationError
from django.db import models

from qualityservice.recognition import services
from qualityservice.recognition.models import Ballot, Round, VoterRecord

from .factories import voter, voting_round

pytestmark = pytest.mark.django_db


def _refused(rnd, user, choices, expect):
    before = (Ballot.objects.count(), VoterRecord.objects.count())
    with pytest.raises(ValidationError) as exc:
        services.cast_ballot(rnd, user, choices)
    assert expect in " ".join(exc.value.messages)
    assert (Ballot.objects.count(), VoterRecord.objects.count()) == before


def test_it_writes_one_voter_record_and_one_ballot_that_name_neither_the_other(org):
    rnd, (a, b, _c) = voting_round(org)
    member = voter()
    receipt = services.cast_ballot(rnd, member, [a.pk, b.pk])
    record, ballot = VoterRecord.objects.get(), Ballot.objects.get()
    assert ballot.choices == sorted([a.pk, b.pk]) and ballot.receipt == receipt and not ballot.voided
    assert record.voter == services.voter_key(rnd, member) and len(record.voter) == 64  # a keyed hash, not the id
    # The ballot's table has no column that could name the voter: no foreign key but the round, no time of day.
    ballot_fields = {f.name: f for f in Ballot._meta.concrete_fields}
    assert set(ballot_fields) == {"id", "round", "choices", "receipt", "cast_on", "voided", "void_reason"}
    assert [f.name for f in ballot_fields.values() if f.is_relation] == ["round"]
    assert not any(isinstance(f, models.DateTimeField) for f in ballot_fields.values())
    assert isinstance(ballot_fields["id"], models.UUIDField)  # random: no insertion order to match with voter records
    record_fields = {f.name for f in VoterRecord._meta.concrete_fields}
    assert record_fields == {"id", "round", "voter"}


def test_the_order_of_ballots_says_nothing_about_the_order_of_voters(org):
    rnd, nominations = voting_round(org, nominees=3, k=1)
    cast = []
    for i in range(30):
        cast.append(services.cast_ballot(rnd, voter(), [nominations[i % 3].pk]))
    by_key = list(Ballot.objects.order_by("id").values_list("receipt", flat=True))
    by_default = list(Ballot.objects.values_list("receipt", flat=True))
    assert sorted(cast) == sorted(by_key) == by_default  # the default order is the receipt's: random
    assert by_key != cast and by_default != cast  # 1 in 30! that either matches the casting order
    assert set(Ballot.objects.values_list("cast_on", flat=True)) == {dt.date.today()}


def test_it_refuses_a_second_ballot_from_the_same_person(org):
    rnd, (a, b, _c) = voting_round(org)
    member = voter()
    services.cast_ballot(rnd, member, [a.pk])
    _refused(rnd, member, [b.pk], "您已在本次评选中投过票")
    assert services.has_voted(rnd, member) and not services.has_voted(rnd, voter())


def test_it_counts_a_person_once_in_each_round(org):
    first, (a, *_rest) = voting_round(org, nominees=1, k=1)
    second, (b, *_rest) = voting_round(org, nominees=1, k=1)
    member = voter()
    services.cast_ballot(first, member, [a.pk])
    services.cast_ballot(second, member, [b.pk])
    assert VoterRecord.objects.count() == Ballot.objects.count() == 2
    assert len(set(VoterRecord.objects.values_list("voter", flat=True))) == 2  # a different hash in every round


def test_it_refuses_no_choice_too_many_choices_and_a_nominee_not_on_the_ballot(org):
    rnd, (a, b, c) = voting_round(org, k=2)
    other, (elsewhere,) = voting_round(org, nominees=1, k=1)
    member = voter()
    _refused(rnd, member, [], "请选择1至2名候选人")
    _refused(rnd, member, [a.pk, b.pk, c.pk], "请选择1至2名候选人")
    _refused(rnd, member, [elsewhere.pk], "请从选票上的候选人中选择")
    _refused(rnd, member, ["x"], "请从选票上的候选人中选择")
    assert services.cast_ballot(rnd, member, [a.pk, a.pk])  # the same nominee twice is one choice


def test_it_refuses_voters_the_round_does_not_admit_and_a_vote_that_is_not_open(org):
    rnd, (a, *_rest) = voting_round(org, voter_kinds=["teacher"], staff_may_vote=False)
    _refused(rnd, voter(), [a.pk], "您无权在本次评选中投票")  # a student
    _refused(rnd, org.staff_wuye, [a.pk], "您无权在本次评选中投票")
    assert services.cast_ballot(rnd, voter(kind="teacher"), [a.pk])
    services.move_round(rnd, "close_vote", by=org.supervisor)
    _refused(rnd, voter(kind="teacher"), [a.pk], "投票未开放")


def test_it_hides_the_totals_until_the_close_then_publishes_the_counted_ballots(org):
    rnd, (a, b, c) = voting_round(org, k=2)
    receipts = [services.cast_ballot(rnd, voter(), choice) for choice in ([a.pk, b.pk], [a.pk], [b.pk, c.pk], [a.pk, c.pk])]
    services.void_ballot(rnd, receipts[3], by=org.supervisor, reason="同一设备短时间内多次投票")
    assert services.totals(rnd) is None and services.receipt_counted(rnd, receipts[0]) is None
    services.move_round(rnd, "close_vote", by=org.supervisor)
    rnd.refresh_from_db()
    assert services.totals(rnd) == {a.pk: 2, b.pk: 2, c.pk: 1}
    assert services.figures(rnd) == {"voters": 4, "counted": 3, "voided": 1}
    assert [services.receipt_counted(rnd, r) for r in receipts] == [True, True, True, False]
    assert services.receipt_counted(rnd, receipts[0].lower()) is True
    assert services.receipt_counted(rnd, "NOT-A-RECEIPT") is False


def test_for_any_sequence_of_ballots_and_voids_the_totals_equal_the_counted_ballots(org):
    rnd, nominations = voting_round(org, nominees=4, k=3)
    rng = random.Random(18)
    kept = []
    for _ in range(40):
        choice = rng.sample([n.pk for n in nominations], rng.randint(1, 3))
        receipt = services.cast_ballot(rnd, voter(), choice)
        if rng.random() < 0.2:
            services.void_ballot(rnd, receipt, by=org.supervisor, reason="核查")
        else:
            kept.append(choice)
    services.move_round(rnd, "close_vote", by=org.supervisor)
    expected = {n.pk: sum(n.pk in c for c in kept) for n in nominations}
    assert services.totals(Round.objects.get(pk=rnd.pk)) == expected
    assert services.figures(rnd)["counted"] == len(kept) and VoterRecord.objects.count() == 40


def test_it_freezes_the_published_weights_once_the_vote_opened(org):
    rnd, _nominations = voting_round(org)
    with pytest.raises(ValidationError) as exc:
        services.update_round(rnd, vote_weight=50, jury_weight=50)
    assert "冻结" in " ".join(exc.value.messages)
    rnd.refresh_from_db()
    assert (rnd.vote_weight, rnd.jury_weight) == (30, 70) and rnd.weights_frozen_at is not None
    assert services.update_round(rnd, title="2026年度服务明星评选").title == "2026年度服务明星评选"
