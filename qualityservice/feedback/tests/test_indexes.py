"""Every index of the record and of its history is written on every submission: only the indexes the queries use,
the foreign keys most items leave empty indexed where they are set (bench/README.md, "The indexes of a submission")."""

import pytest

from qualityservice.core.testing import plain_indexes

pytestmark = pytest.mark.django_db


def test_it_keeps_on_the_record_only_the_indexes_its_queries_use():
    assert plain_indexes("feedback_feedback") == {
        "feedback_dept_created_idx", "feedback_created_idx", "feedback_dept_status_idx", "feedback_escalation_queue_idx",
        "feedback_callback_queue_idx", "feedback_staff_kind_idx", "feedback_transfer_queue_idx",
        # partial: only the rows that have one
        "feedback_about_staff_idx", "feedback_place_idx", "feedback_category_idx", "feedback_submitter_idx",
        "feedback_logged_by_idx", "feedback_assignee_idx", "feedback_merged_into_idx", "feedback_transfer_to_idx",
        "feedback_transfer_by_idx",
    }


def test_it_indexes_the_timeline_by_item_and_the_actor_where_there_is_one():
    assert plain_indexes("feedback_feedbackevent") == {"feedback_event_timeline_idx", "feedback_event_actor_idx"}


def test_it_indexes_the_history_by_record_date_and_author_only():
    assert {name.rsplit("_", 1)[0] for name in plain_indexes("feedback_historicalfeedback")} == {
        "feedback_historicalfeedback_id", "feedback_historicalfeedback_history_date",
        "feedback_historicalfeedback_history_user_id"}
