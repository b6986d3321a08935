"""Every index of a registration is written on every registration of a rush: only the indexes the queries use, the
allocation and the invitation indexed where they are set (docs/architecture.md, "the indexes of a table written on
every submission")."""

import pytest

from qualityservice.core.testing import plain_indexes

pytestmark = pytest.mark.django_db


def test_it_keeps_on_registrations_only_the_indexes_their_queries_use():
    assert plain_indexes("events_registration") == {
        "events_reg_waiting_idx", "events_reg_status_idx", "events_reg_user_idx",
        "events_reg_allocation_idx", "events_reg_invitation_idx",  # partial: only the rows that have one
    }
