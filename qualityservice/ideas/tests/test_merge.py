"""Merging duplicates, reversibly: both records stay, the source's authors are credited on the target, the
target counts the supporters of both, and undoing the merge restores the ideas exactly — authors, supports,
statuses, counts (a property test over random ideas and random sequences of merges and undos)."""

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualityservice.core.workflow import TransitionError
from qualityservice.ideas import services
from qualityservice.ideas.models import Idea, IdeaAuthor, Merge, Support
from qualityservice.ideas.tests.factories import make_idea, make_round
from qualityservice.ideas.workflows import IDEA
from qualityservice.org.models import Staff
from qualityservice.org.tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def snapshot(round_) -> dict:
    """Everything a merge may touch, for every idea of the round."""
    ideas = {}
    for idea in Idea.objects.filter(round=round_).order_by("pk"):
        ideas[idea.pk] = {
            "status": idea.status, "merged_into": idea.merged_into_id, "support_count": idea.support_count,
            "authors": sorted(IdeaAuthor.objects.filter(idea=idea).values_list("pk", "staff_id", "is_lead", "merge_id")),
            "supports": sorted(Support.objects.filter(idea=idea).values_list("pk", "staff_id")),
        }
    return ideas


@pytest.fixture
def pool(org):
    """Six members of staff of the property centre, with accounts."""
    return [StaffFactory(department=org.wuye, user=UserFactory(), name=f"员工{i}") for i in range(6)]


def test_a_merge_credits_the_authors_counts_both_supporters_and_the_undo_restores_everything(org, pool):
    round_ = make_round(org.wuye)
    a, b, c, d = pool[:4]
    target = make_idea(round_, a.user, title="报修流程改为线上扫码报修")
    source = make_idea(round_, b.user, title="宿舍报修扫码登记", coauthors=[c])
    for supporter, idea in ((d, target), (d, source), (c, target), (pool[4], source)):
        Support.objects.create(idea=idea, staff=supporter)
    services.recount_supports(target.pk)
    services.recount_supports(source.pk)
    before = snapshot(round_)
    IDEA.apply(source, "merge", by=org.head_wuye, target=target, reason="内容相同")
    merged = snapshot(round_)
    assert merged[source.pk]["status"] == "merged" and merged[source.pk]["merged_into"] == target.pk
    assert merged[source.pk]["supports"] == before[source.pk]["supports"]  # the source keeps its supports
    credited = {(staff, lead) for _pk, staff, lead, merge in merged[target.pk]["authors"] if merge}
    assert credited == {(b.pk, False), (c.pk, False)}
    assert merged[target.pk]["support_count"] == 3  # d, c and pool[4]: d once
    IDEA.apply(Idea.objects.get(pk=source.pk), "unmerge", by=org.head_wuye)
    assert snapshot(round_) == before
    assert Merge.objects.get().undone_at is not None  # the merge stays as history


def test_an_author_of_both_ideas_is_credited_once_and_stays_after_the_undo(org, pool):
    round_ = make_round(org.wuye)
    a, b = pool[:2]
    target = make_idea(round_, a.user, title="走廊灯改声控", coauthors=[b])
    source = make_idea(round_, b.user, title="楼道灯改声控开关")
    before = snapshot(round_)
    IDEA.apply(source, "merge", by=org.head_wuye, target=target)
    assert IdeaAuthor.objects.filter(idea=target, staff=b).count() == 1
    IDEA.apply(Idea.objects.get(pk=source.pk), "unmerge", by=org.head_wuye)
    assert snapshot(round_) == before


def test_it_refuses_merges_that_cannot_be_undone_exactly(org, pool):
    round_, other_round = make_round(org.wuye), make_round(org.wuye, title="另一轮")
    a, b, c = pool[:3]
    one, two, three = (make_idea(round_, u.user, title=f"节能建议{i}号方案") for i, u in enumerate((a, b, c)))
    elsewhere = make_idea(other_round, a.user, title="另一轮的建议")
    before = snapshot(round_)
    for target, message in ((one, "不能合并到自身"), (elsewhere, "同一轮次"), (None, "请选择要合并到的金点子")):
        with pytest.raises(TransitionError, match=message):
            IDEA.apply(one, "merge", by=org.head_wuye, target=target)
    IDEA.apply(two, "merge", by=org.head_wuye, target=one)
    with pytest.raises(TransitionError, match="本身已被合并"):
        IDEA.apply(three, "merge", by=org.head_wuye, target=Idea.objects.get(pk=two.pk))
    with pytest.raises(TransitionError, match="请先撤销"):
        IDEA.apply(one, "merge", by=org.head_wuye, target=three)
    with pytest.raises(TransitionError, match="您无权执行"):
        IDEA.apply(Idea.objects.get(pk=two.pk), "unmerge", by=b.user)
    IDEA.apply(Idea.objects.get(pk=two.pk), "unmerge", by=org.supervisor)
    assert snapshot(round_) == before


def test_a_merged_idea_cannot_be_supported_and_says_where_it_went(client, org, pool):
    round_ = make_round(org.wuye)
    target = make_idea(round_, pool[0].user, title="报修流程改为线上扫码报修")
    source = make_idea(round_, pool[1].user, title="宿舍报修扫码登记")
    IDEA.apply(source, "merge", by=org.head_wuye, target=target)
    client.force_login(pool[2].user)
    body = client.get(source.get_absolute_url()).content.decode()
    assert "已合并到" in body and "报修流程改为线上扫码报修" in body and 'data-testid="support-button"' not in body
    client.post(f"/staff/ideas/{source.pk}/support/", {"support": "1"})
    assert not Support.objects.exists()


def test_the_coordinator_merges_and_undoes_it_from_the_idea_page(client, org, pool):
    round_ = make_round(org.wuye)
    target = make_idea(round_, pool[0].user, title="报修流程改为线上扫码报修")
    source = make_idea(round_, pool[1].user, title="报修流程改为扫码报修")
    before = snapshot(round_)
    client.force_login(org.head_wuye)
    body = client.get(source.get_absolute_url()).content.decode()
    assert f'<option value="{target.pk}">' in body  # the similar idea is offered as the target
    body = client.post(source.get_move_url(), {"action": "merge", "target": target.pk}, follow=True).content.decode()
    assert "已合并到" in body and 'value="unmerge"' in body
    body = client.get(target.get_absolute_url()).content.decode()
    assert "因合并计入" in body and pool[1].name in body
    client.post(source.get_move_url(), {"action": "unmerge"})
    assert snapshot(round_) == before


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_any_sequence_of_merges_and_undos_undone_restores_the_original_state_exactly(org, pool, data):
    with transaction.atomic():
        round_ = make_round(org.wuye, title=f"轮次{data.draw(st.integers(0, 10**6))}")
        staff = [Staff.objects.get(pk=s.pk) for s in pool]
        n = data.draw(st.integers(2, 4), label="ideas")
        ideas = []
        for i in range(n):
            lead = data.draw(st.sampled_from(staff), label=f"lead {i}")
            others = [s for s in staff if s.pk != lead.pk]
            coauthors = data.draw(st.lists(st.sampled_from(others), max_size=2, unique_by=lambda s: s.pk), label=f"coauthors {i}")
            idea = make_idea(round_, lead.user, title=f"金点子第{i}号建议", coauthors=coauthors)
            authors = {lead.pk, *(s.pk for s in coauthors)}
            for supporter in data.draw(st.lists(st.sampled_from([s for s in staff if s.pk not in authors] or staff), max_size=3,
                                                unique_by=lambda s: s.pk), label=f"supporters {i}"):
                if supporter.pk not in authors:
                    Support.objects.create(idea=idea, staff=supporter)
            services.recount_supports(idea.pk)
            if data.draw(st.booleans(), label=f"screened {i}"):
                IDEA.apply(idea, "accept", by=org.head_wuye)
            ideas.append(idea.pk)
        original = snapshot(round_)
        steps = data.draw(st.lists(st.tuples(st.sampled_from(ideas), st.sampled_from(ideas), st.booleans()), max_size=6), label="steps")
        for source, target, undo in steps:
            state = snapshot(round_)
            try:
                if undo:
                    IDEA.apply(Idea.objects.get(pk=source), "unmerge", by=org.head_wuye)
                else:
                    IDEA.apply(Idea.objects.get(pk=source), "merge", by=org.head_wuye, target=Idea.objects.get(pk=target))
            except TransitionError:
                assert snapshot(round_) == state  # a refused step changes nothing
                continue
            merged = snapshot(round_)
            for pk, row in merged.items():  # while merged: the target counts its own and the sources' supporters
                sources = [s for s, r in merged.items() if r["merged_into"] == pk]
                people = {staff for s in [pk, *sources] for _id, staff in merged[s]["supports"]}
                assert row["support_count"] == len(people)
        for pk in data.draw(st.permutations(ideas), label="undo order"):
            if Idea.objects.get(pk=pk).status == "merged":
                IDEA.apply(Idea.objects.get(pk=pk), "unmerge", by=org.head_wuye)
        assert snapshot(round_) == original
        transaction.set_rollback(True)
