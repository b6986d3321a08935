"""Every index of a ballot and of its voter record is written on every ballot of a vote rush: the round is the first
column of the ballots' round index and of the one-voter-record constraint, so it has no index of its own."""

import pytest

from qualityservice.core.testing import plain_indexes

pytestmark = pytest.mark.django_db


def test_it_keeps_on_ballots_and_voter_records_only_the_indexes_their_queries_use():
    assert plain_indexes("recognition_ballot") == {"recog_ballot_round_idx"}
    assert plain_indexes("recognition_voterrecord") == set()
