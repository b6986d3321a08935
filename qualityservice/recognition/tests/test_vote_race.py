"""Races on PostgreSQL (SQLite serialises writers): the same voter from 50 parallel requests makes exactly one
ballot and one voter record; 50 different voters in parallel make 50 of each."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from qualityservice.recognition import services
from qualityservice.recognition.models import Ballot, VoterRecord

from .factories import voter, voting_round

pytestmark = pytest.mark.django_db(transaction=True)


def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL race: runs in the PostgreSQL pass (SQLite serialises writers)")


def _race(calls):
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def worker(i, call):
        try:
            barrier.wait(timeout=20)
            results[i] = call()
        except Exception as exc:  # the refused side of the race
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, call)) for i, call in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


def test_the_same_voter_from_50_parallel_requests_makes_one_ballot(org):
    _postgres_only()
    rnd, (a, *_rest) = voting_round(org)
    member = voter()
    results = _race([lambda: services.cast_ballot(rnd, member, [a.pk]) for _ in range(50)])
    receipts = [r for r in results if isinstance(r, str)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(receipts) == 1 and len(refused) == 49
    assert VoterRecord.objects.count() == Ballot.objects.count() == 1
    assert Ballot.objects.get().receipt == receipts[0]


def test_50_different_voters_in_parallel_make_50_ballots(org):
    _postgres_only()
    rnd, (a, *_rest) = voting_round(org)
    voters = [voter() for _ in range(50)]
    results = _race([lambda m=m: services.cast_ballot(rnd, m, [a.pk]) for m in voters])
    assert all(isinstance(r, str) for r in results), [r for r in results if not isinstance(r, str)]
    assert VoterRecord.objects.count() == Ballot.objects.count() == 50 == len(set(results))


def test_the_same_voting_code_from_20_parallel_requests_makes_one_ballot(org):
    _postgres_only()
    from qualityservice.recognition import codes

    rnd, (a, *_rest) = voting_round(org)
    batch, _created = codes.generate_batch(rnd, label="并发", size=1, by=org.supervisor, key=None)
    code = batch.codes.get().code
    results = _race([lambda: codes.cast_with_code(rnd, code, [a.pk]) for _ in range(20)])
    assert len([r for r in results if isinstance(r, str)]) == 1
    assert len([r for r in results if isinstance(r, ValidationError)]) == 19
    assert VoterRecord.objects.count() == Ballot.objects.count() == 1
