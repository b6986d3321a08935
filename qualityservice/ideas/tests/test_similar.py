"""Similar ideas while typing: Chinese titles compared on character bigrams (rapidfuzz, in Python — so the
same ideas in the same order with the same scores on SQLite and PostgreSQL), over a bounded candidate set (the
round's newest ideas), through an htmx endpoint whose query count does not grow with the stored ideas."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qualityservice.ideas import services
from qualityservice.ideas.models import Idea
from qualityservice.ideas.tests.factories import make_idea, make_round
from qualityservice.ideas.workflows import IDEA

pytestmark = pytest.mark.django_db

TITLES = ["第一餐厅后厨照明改用LED灯", "食堂灯光节能改造", "报修流程改为线上扫码报修", "公寓卫生间加装节水阀", "班车空驶路线优化",
          "食堂后厨节能改造", "超市冷柜夜间加盖保温帘"]


def test_bigrams_of_a_chinese_title_ignore_punctuation_and_spaces():
    assert services.ngrams("食堂，节能 改造！") == ["食堂", "堂节", "节能", "能改", "改造"]
    assert services.ngrams("灯") == ["灯"] and services.ngrams("  ") == []


def test_the_similarity_of_chinese_titles():
    # bigrams 食堂 堂节 节能 能改 改造 against 食堂 堂后 后厨 厨节 节能 能改 改造: 4 in common, in order; 4 of 5 found
    assert services.similarity("食堂节能改造", "食堂后厨节能改造") == pytest.approx((2 * 4 / (5 + 7) + 4 / 5) / 2)
    assert services.similarity("宿舍报修扫码", "报修流程改为线上扫码报修") == pytest.approx((2 * 2 / (5 + 11) + 2 / 5) / 2)
    assert services.similarity("食堂节能改造", "报修流程优化") == 0
    assert services.similarity("报修流程改为线上扫码报修", "报修流程改为线上扫码报修") == 1


def test_it_finds_the_most_similar_ideas_of_the_round_best_first(org):
    round_ = make_round(None)
    for title in TITLES:
        make_idea(round_, org.staff_wuye, title=title)
    found = services.similar_ideas(org.staff_yinshi, round_.pk, "食堂节能改造")
    assert [(i.title, i.similarity) for i in found] == [("食堂后厨节能改造", 73), ("食堂灯光节能改造", 73)]  # a tie: the newer first
    assert services.similar_ideas(org.staff_yinshi, round_.pk, "扫码报修")[0].title == "报修流程改为线上扫码报修"
    assert services.similar_ideas(org.staff_yinshi, round_.pk, "幼儿园") == []


def test_it_leaves_out_merged_and_returned_ideas_other_rounds_and_the_idea_itself(org):
    round_, other = make_round(None), make_round(None, title="去年的轮次")
    kept = make_idea(round_, org.staff_wuye, title="食堂后厨节能改造")
    merged = make_idea(round_, org.staff_wuye, title="食堂后厨节能改造方案")
    returned = make_idea(round_, org.staff_wuye, title="食堂后厨节能改造计划")
    make_idea(other, org.staff_wuye, title="食堂后厨节能改造")
    IDEA.apply(merged, "merge", by=org.supervisor, target=kept)
    IDEA.apply(returned, "return", by=org.supervisor, reason="重复")
    assert [i.pk for i in services.similar_ideas(org.staff_yinshi, round_.pk, "食堂后厨节能改造")] == [kept.pk]
    assert services.similar_ideas(org.staff_yinshi, round_.pk, "食堂后厨节能改造", exclude=kept.pk) == []


def test_it_compares_with_the_rounds_newest_ideas_only(org, settings):
    settings.QS_IDEAS_SIMILAR_CANDIDATES = 3
    round_ = make_round(None)
    old = make_idea(round_, org.staff_wuye, title="食堂后厨节能改造")
    for i in range(3):
        make_idea(round_, org.staff_wuye, title=f"班车线路第{i}次调整")
    assert old.pk not in [i.pk for i in services.similar_ideas(org.staff_yinshi, round_.pk, "食堂后厨节能改造")]


def test_a_department_round_shows_nothing_to_another_departments_staff(org):
    round_ = make_round(org.wuye)
    make_idea(round_, org.staff_wuye, title="食堂后厨节能改造")
    assert services.similar_ideas(org.staff_yinshi, round_.pk, "食堂后厨节能改造") == []
    assert len(services.similar_ideas(org.head_wuye, round_.pk, "食堂后厨节能改造")) == 1


def _similar(client, round_, title):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("ideas:similar"), {"round": round_.pk, "title": title}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_the_htmx_endpoint_returns_the_fragment_with_support_buttons(client, org):
    round_ = make_round(None)
    for title in TITLES:
        make_idea(round_, org.staff_wuye, title=title)
    client.force_login(org.staff_yinshi)
    _n, body = _similar(client, round_, "食堂节能改造")
    assert "<html" not in body and body.count('data-testid="similar-idea"') == 2
    assert "食堂后厨节能改造" in body and "相似 73%" in body and 'hx-post="/staff/ideas/' in body
    _n, body = _similar(client, round_, "幼儿园开放日")
    assert "本轮暂无相似的金点子" in body
    _n, body = _similar(client, round_, "食")
    assert body.strip() == ""  # one character: nothing yet
    client.force_login(org.staff_wuye)  # the author sees their ideas but cannot support them
    _n, body = _similar(client, round_, "食堂节能改造")
    assert 'data-testid="similar-idea"' in body and 'data-testid="support-button"' not in body


def test_bad_parameters_answer_an_empty_fragment(client, org):
    client.force_login(org.staff_yinshi)
    for params in ({"round": "x", "title": "食堂节能"}, {"round": "999", "title": "食堂节能"}, {"title": "食堂节能"}):
        response = client.get(reverse("ideas:similar"), params)
        assert response.status_code == 200 and 'data-testid="similar-idea"' not in response.content.decode()


def test_the_look_up_costs_the_same_queries_for_few_or_many_ideas(client, org):
    round_ = make_round(None)
    for title in TITLES[:2]:
        make_idea(round_, org.staff_wuye, title=title)
    client.force_login(org.staff_yinshi)
    _similar(client, round_, "食堂节能改造")
    few, _body = _similar(client, round_, "食堂节能改造")
    Idea.objects.bulk_create([Idea(round=round_, department=org.wuye, category="energy", title=f"食堂节能第{i}号", problem="p",
                                   proposal="p", benefit_unit="qualitative", expected_note="n") for i in range(300)])
    many, body = _similar(client, round_, "食堂节能改造")
    assert few == many and body.count('data-testid="similar-idea"') == 5


def test_the_idea_form_asks_for_similar_ideas_while_the_title_is_typed(client, org):
    round_ = make_round(None)
    client.force_login(org.staff_wuye)
    body = client.get(reverse("ideas:new")).content.decode()
    assert f'hx-get="{reverse("ideas:similar")}"' in body and 'hx-trigger="input changed delay:300ms, focus"' in body
    assert 'hx-include="[name=round]"' in body and 'id="similar-ideas"' in body
    assert f'value="{round_.pk}"' in body
