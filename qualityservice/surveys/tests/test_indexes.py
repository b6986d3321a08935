"""Every index of a response and of its ten answers is written on every submission: only the indexes the queries
use (bench/README.md, "The indexes of a submission")."""

import pytest

from qualityservice.core.testing import plain_indexes

pytestmark = pytest.mark.django_db


def test_it_keeps_on_responses_and_answers_only_the_indexes_their_queries_use():
    assert plain_indexes("surveys_response") == {
        "surveys_response_results_idx", "surveys_response_browser_idx", "surveys_response_draft_age_idx",
        # partial: only the rows that have one
        "surveys_response_place_idx", "surveys_response_user_idx", "surveys_response_token_idx",
        "surveys_response_exclusion_idx",
    }
    # The answers' response and question are the first columns of the unique cell and of the distributions' index.
    assert plain_indexes("surveys_answer") == {"surveys_answer_question_idx", "surveys_answer_text_page_idx"}
