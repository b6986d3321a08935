"""The rubric: weighted criteria with a range, a step and level descriptions, deductions with points; versioned and
frozen once a round opens scoring with it — a change is a new version (a copy) for the rounds still to come; the
forms refuse bad input with a message and change nothing."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from qualityservice.competitions import services
from qualityservice.competitions.models import Criterion, RubricVersion

from .factories import build

pytestmark = pytest.mark.django_db

KEY = "0123456789abcdef0123456789abcdef"


def _criterion(**changes):
    data = {"code": "daogong", "order": 4, "name": "刀工", "name_en": "Knife work", "description": "切配均匀", "description_en": "",
            "weight": "1", "min_score": "0", "max_score": "10", "step": "0.5",
            "level_lines": "9-10 刀工精细，成品均匀 | Fine, even knife work\n6-8.5 基本均匀\n0-5.5 粗细不一", "submission_key": KEY}
    data.update(changes)
    return data


def test_it_adds_a_criterion_with_its_level_descriptions_once_per_form(client, org):
    setup = build(org, open_round=False)
    client.force_login(org.supervisor)
    url = reverse("competitions:criterion_new", args=[setup.competition.pk])
    client.post(url, _criterion())
    client.post(url, _criterion())
    criterion = Criterion.objects.get(code="daogong")
    assert criterion.levels == [{"from": "9", "to": "10", "text": "刀工精细，成品均匀", "text_en": "Fine, even knife work"},
                                {"from": "6", "to": "8.5", "text": "基本均匀", "text_en": ""},
                                {"from": "0", "to": "5.5", "text": "粗细不一", "text_en": ""}]
    body = client.get(reverse("competitions:rubric", args=[setup.competition.pk])).content.decode()
    assert "刀工精细，成品均匀" in body and "9–10" in body


@pytest.mark.parametrize("changes, message", [
    ({"max_score": "0"}, "最高分必须大于最低分"),
    ({"step": "0.3"}, "分数区间必须是步长的整数倍"),
    ({"step": "0"}, "步长必须大于零"),
    ({"weight": "0"}, "权重必须大于零"),
    ({"code": "caozuo"}, "该评分标准中已有此代码的评分项"),
    ({"level_lines": "优秀 刀工精细"}, "第1行：请以分数区间开头"),
    ({"level_lines": "9-12 超出范围"}, "第1行：区间必须在该评分项的分数范围内"),
    ({"level_lines": "9-10"}, "第1行：请在区间后写出该档次的描述"),
])
def test_it_refuses_a_bad_criterion_with_a_message_and_adds_nothing(client, org, changes, message):
    setup = build(org, open_round=False)
    client.force_login(org.supervisor)
    response = client.post(reverse("competitions:criterion_new", args=[setup.competition.pk]), _criterion(**changes))
    assert response.status_code == 400 and message in response.content.decode()
    assert not Criterion.objects.filter(code="daogong").exists()


def test_a_frozen_version_cannot_change_and_a_new_version_copies_it_for_later_rounds(client, org):
    setup = build(org)  # the first round opened: version 1 is frozen
    rubric = setup.round.rubric
    caozuo = rubric.criteria.get(code="caozuo")
    with pytest.raises(ValidationError, match="评分标准第1版已冻结"):
        services.save_criterion(rubric, criterion=caozuo, weight=Decimal("2"))
    client.force_login(org.supervisor)
    response = client.post(reverse("competitions:rubric_item_delete", args=[setup.competition.pk, "criterion", caozuo.pk]), follow=True)
    assert "已冻结" in response.content.decode()
    assert Criterion.objects.filter(pk=caozuo.pk).exists()
    client.post(reverse("competitions:rubric_version", args=[setup.competition.pk]), {"note": "决赛提高成品质量权重"})
    client.post(reverse("competitions:rubric_version", args=[setup.competition.pk]), {"note": "决赛提高成品质量权重"})
    versions = list(RubricVersion.objects.filter(competition=setup.competition).order_by("number"))
    assert [(v.number, v.is_frozen) for v in versions] == [(1, True), (2, False)]
    assert sorted(versions[1].criteria.values_list("code", "weight")) == sorted(rubric.criteria.values_list("code", "weight"))
    chengpin = versions[1].criteria.get(code="chengpin")
    services.save_criterion(versions[1], criterion=chengpin, weight=Decimal("2"))
    assert rubric.criteria.get(code="chengpin").weight == Decimal("1.5")  # the frozen version is untouched
    assert versions[1].deductions.get().name == "超时"
    # Version 1's items are no longer the current ones: their edit page is gone.
    assert client.get(reverse("competitions:criterion_edit", args=[setup.competition.pk, caozuo.pk])).status_code == 404


def test_the_edit_of_a_frozen_criterion_is_refused_with_a_message(client, org):
    setup = build(org)
    caozuo = setup.round.rubric.criteria.get(code="caozuo")
    client.force_login(org.supervisor)
    url = reverse("competitions:criterion_edit", args=[setup.competition.pk, caozuo.pk])
    response = client.post(url, _criterion(code="caozuo", weight="2"))
    assert response.status_code == 400 and "评分标准第1版已冻结" in response.content.decode()
    assert Criterion.objects.get(pk=caozuo.pk).weight == Decimal("1")


def test_the_scoring_settings_are_fixed_once_a_round_opened(org):
    setup = build(org)
    with pytest.raises(ValidationError, match="评分汇总、异常标记和排名规则不能再更改"):
        services.update_competition(setup.competition, aggregation="mean")
    services.update_competition(setup.competition, title="2026年烹饪技能大比武")
