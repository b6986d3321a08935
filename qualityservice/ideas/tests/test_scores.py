"""Scoring: the weighted total (a criterion left out gives its weight to the others — property tests), the
reviewer's page with the idea, its discussion and the form together, sheets locked when sent and corrected only
as a new version with a reason, the other reviewers' comments shown only once one has scored, and only the
assigned reviewer scoring."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qualityservice.ideas import services
from qualityservice.ideas.models import Assignment, Idea, ScoreSheet
from qualityservice.ideas.tests.factories import judge, make_idea, make_round, score, to_review

CRITERION = st.tuples(st.integers(1, 100), st.integers(1, 100))  # weight, highest score


@st.composite
def sheets(draw):
    """A round's criteria and a sheet's scores on them (None: left out)."""
    criteria = draw(st.lists(CRITERION, min_size=1, max_size=6))
    values = [draw(st.none() | st.integers(0, m * 2).map(lambda v: Decimal(v) / 2)) for _w, m in criteria]
    return [(w, m, v) for (w, m), v in zip(criteria, values, strict=True)]


@given(sheets())
def test_the_weighted_total_is_the_weighted_mean_of_the_scored_criteria_on_a_0_to_100_scale(sheet):
    scored = [(w, m, v) for w, m, v in sheet if v is not None]
    total = services.weighted_score(sheet)
    if not scored:
        assert total is None
        return
    expected = 100 * sum(Decimal(w) * v / m for w, m, v in scored) / sum(w for w, _m, _v in scored)
    assert Decimal(0) <= total <= Decimal(100)
    assert abs(total - expected) <= Decimal("0.005")


@given(sheets(), st.integers(1, 100), st.integers(1, 100))
def test_a_criterion_left_out_does_not_change_the_total(sheet, weight, highest):
    assert services.weighted_score([*sheet, (weight, highest, None)]) == services.weighted_score(sheet)


@given(sheets(), st.randoms())
def test_the_order_of_the_criteria_does_not_matter(sheet, rng):
    shuffled = list(sheet)
    rng.shuffle(shuffled)
    assert services.weighted_score(shuffled) == services.weighted_score(sheet)


@given(st.lists(CRITERION, min_size=1, max_size=6))
def test_full_marks_everywhere_make_100_and_zero_everywhere_0(criteria):
    assert services.weighted_score([(w, m, Decimal(m)) for w, m in criteria]) == Decimal("100.00")
    assert services.weighted_score([(w, m, Decimal(0)) for w, m in criteria]) == Decimal("0.00")


def test_the_weighted_total_of_a_sheet_with_a_missing_criterion():
    # 创新性 30 × 8/10, 可行性 25 × 6/10, 效益 (30) left out, 推广价值 15 × 10/10 → (24 + 15 + 15) / 70 × 100
    assert services.weighted_score([(30, 10, Decimal(8)), (25, 10, Decimal(6)), (30, 10, None), (15, 10, Decimal(10))]) == Decimal("77.14")


def test_the_mean_score_leaves_out_reviewers_who_have_not_scored():
    assert services.mean_score([Decimal("80"), None, Decimal("71")]) == Decimal("75.50")
    assert services.mean_score([None, None]) is None


@pytest.fixture
def review(org):
    round_ = make_round(org.wuye)
    first, second = judge(org, "第一评委"), judge(org, "第二评委")
    idea = make_idea(round_, org.staff_wuye)
    to_review(idea, org.head_wuye, [first, second])
    return idea, first, second


def _form(idea, values, **extra):
    criteria = services.criteria_of(idea.round_id)
    data = {f"c{c.pk}": v for c, v in zip(criteria, values, strict=True)}
    data.update({"comment": "", "submission_key": "s" * 32, **extra})
    return data


@pytest.mark.django_db
def test_the_reviewer_scores_on_the_page_that_shows_the_idea_and_its_discussion(client, org, review):
    idea, first, _second = review
    services.add_comment(idea, by=org.staff_wuye, text="试点地点可以选第一餐厅", key=None)
    client.force_login(first)
    body = client.get(idea.get_review_url()).content.decode()
    assert "后厨灯管老化" in body and "试点地点可以选第一餐厅" in body and 'data-testid="score-form"' in body
    assert "创新性 (权重 30)" in body
    response = client.post(idea.get_review_url(), _form(idea, ["8", "6", "", "10"], comment="建议先试点"))
    assert response.status_code == 302
    sheet = ScoreSheet.objects.get()
    assert (sheet.version, sheet.total, sheet.comment) == (1, Decimal("77.14"), "建议先试点")
    assert Assignment.objects.get(reviewer=first).total == Decimal("77.14") and Idea.objects.get(pk=idea.pk).score == Decimal("77.14")
    body = client.get(idea.get_review_url()).content.decode()
    assert 'data-testid="my-sheet"' in body and "77.14" in body and "已锁定" in body


@pytest.mark.django_db
def test_a_form_sent_twice_makes_one_sheet(client, review):
    idea, first, _second = review
    client.force_login(first)
    client.post(idea.get_review_url(), _form(idea, ["8", "8", "8", "8"]))
    client.post(idea.get_review_url(), _form(idea, ["8", "8", "8", "8"]))
    assert ScoreSheet.objects.count() == 1


@pytest.mark.django_db
def test_bad_scores_are_refused_with_a_message_and_nothing_saved(client, review):
    idea, first, _second = review
    client.force_login(first)
    body = client.post(idea.get_review_url(), _form(idea, ["11", "5", "5", "5"])).content.decode()
    assert "确保该值小于或等于10" in body
    body = client.post(idea.get_review_url(), _form(idea, ["", "", "", ""])).content.decode()
    assert "请至少为一项标准打分" in body
    body = client.post(idea.get_review_url(), _form(idea, ["-1", "5", "5", "abc"])).content.decode()
    assert "确保该值大于或等于0" in body and "请输入数字" in body
    assert not ScoreSheet.objects.exists()


@pytest.mark.django_db
def test_a_correction_is_a_new_version_with_a_reason_and_the_first_stays(client, review):
    idea, first, _second = review
    client.force_login(first)
    client.post(idea.get_review_url(), _form(idea, ["8", "8", "8", "8"]))
    body = client.post(idea.get_review_url(), _form(idea, ["6", "6", "6", "6"], submission_key="t" * 32)).content.decode()
    assert "更正需要说明理由" in body
    client.post(idea.get_review_url(), _form(idea, ["6", "6", "6", "6"], submission_key="t" * 32, reason="看错了效益测算"))
    assert list(ScoreSheet.objects.order_by("version").values_list("version", "total", "reason")) == [
        (1, Decimal("80.00"), ""), (2, Decimal("60.00"), "看错了效益测算")]
    assert Idea.objects.get(pk=idea.pk).score == Decimal("60.00")
    body = client.get(idea.get_review_url()).content.decode()
    assert "v2" in body and "以前的版本" in body


@pytest.mark.django_db
def test_the_other_reviewers_comments_appear_only_once_one_has_scored(client, review):
    idea, first, second = review
    score(idea, second, comment="效益测算依据不足")
    client.force_login(first)
    body = client.get(idea.get_review_url()).content.decode()
    assert "效益测算依据不足" not in body and "第二评委" not in body
    client.post(idea.get_review_url(), _form(idea, ["8", "8", "8", "8"]))
    body = client.get(idea.get_review_url()).content.decode()
    assert "效益测算依据不足" in body and "第二评委" in body


@pytest.mark.django_db
def test_the_author_does_not_see_the_reviewers_scores_the_coordinator_does(client, org, review):
    idea, first, _second = review
    score(idea, first, comment="很有推广价值")
    client.force_login(org.staff_wuye)
    body = client.get(idea.get_absolute_url()).content.decode()
    assert "很有推广价值" not in body and 'data-testid="reviews"' not in body
    client.force_login(org.head_wuye)
    body = client.get(idea.get_absolute_url()).content.decode()
    assert "很有推广价值" in body and 'data-testid="reviews"' in body


@pytest.mark.django_db
def test_only_the_assigned_reviewer_scores_and_only_while_under_review(client, org, review):
    idea, first, second = review
    assignment = Assignment.objects.get(reviewer=first)
    with pytest.raises(Exception, match="只有被分派的评审人"):
        services.submit_scores(assignment, by=second, values={}, comment="", key=None)
    score(idea, first)
    services.move(Idea.objects.get(pk=idea.pk), "adopt", by=org.head_wuye, owner=org.head_wuye)
    client.force_login(second)
    body = client.post(idea.get_review_url(), _form(idea, ["8", "8", "8", "8"]), follow=True).content.decode()
    assert "评审已结束" in body
    assert ScoreSheet.objects.count() == 1


@pytest.mark.django_db
def test_the_criteria_are_frozen_once_a_reviewer_has_scored(client, org, review):
    idea, first, _second = review
    client.force_login(org.head_wuye)
    body = client.get(idea.round.get_absolute_url()).content.decode()
    assert 'name="criteria-TOTAL_FORMS"' in body
    score(idea, first)
    body = client.get(idea.round.get_absolute_url()).content.decode()
    assert 'name="criteria-TOTAL_FORMS"' not in body and "评分标准已冻结" in body


@pytest.mark.django_db
def test_the_history_the_author_reads_says_a_review_came_in_but_not_from_whom(client, org, review):
    idea, first, _second = review
    score(idea, first)
    client.force_login(org.staff_wuye)
    body = client.get(idea.get_absolute_url()).content.decode()
    assert "已提交一份评审" in body and "第一评委" not in body
