"""Scale data for benchmarks (``manage.py generate_scale_data --ideas N``): N ideas over two years in two
group rounds, in every status, each with its lead author. Bulk-created in their final state without timeline
rows (a benchmark reads lists, the similar-idea look-up and counts); ``pagecache.changed`` because
``bulk_create`` sends no signal."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from qualityservice.core import pagecache
from qualityservice.org.models import Staff

from .models import BenefitUnit, Category, Criterion, Idea, IdeaAuthor, Round

COUNTS = {"ideas": "golden ideas to add"}
BATCH = 2000
PLACES = ["第一餐厅", "第二餐厅", "清真餐厅", "北区公寓", "南区公寓", "图书馆", "行远楼", "维修大厅", "校园超市", "班车站", "幼儿园",
          "后厨", "洗碗间", "锅炉房", "水泵房", "办公室", "仓库", "车队"]
THINGS = ["照明", "空调", "热水", "用水", "报修", "排队", "采购", "库存", "保洁", "绿化", "垃圾分类", "班车", "电梯", "门禁", "值班",
          "回访", "油耗", "蒸饭柜", "冷柜", "抽油烟机"]
ACTIONS = ["节能改造", "流程优化", "定时控制", "线上办理", "公示制度", "分类计量", "错峰使用", "台账管理", "巡查制度", "服务提升"]
CATEGORIES = Category.values
# Final states with the timestamps they imply (the share of each: a round a year or two old).
STATUSES = ["submitted"] * 3 + ["screened", "returned", "review", "review", "not_adopted", "adopted", "implementing",
                                "implemented", "measured", "awarded", "stopped"]


def _round(year: int) -> Round:
    round_, created = Round.objects.get_or_create(
        title=f"{year}年度“金点子”征集（规模数据）", department=None,
        defaults={"opens_on": dt.date(year, 1, 1), "closes_on": dt.date(year, 12, 31)})
    if created:
        for order, (name, weight) in enumerate((("创新性", 30), ("可行性", 25), ("效益", 30), ("推广价值", 15))):
            Criterion.objects.create(round=round_, name=name, weight=weight, max_score=10, order=order)
    return round_


def generate(out, rng, counts) -> None:
    n = counts.get("ideas", 0)
    staff = list(Staff.objects.filter(is_active=True).values_list("pk", "department_id"))
    if n <= 0 or not staff:
        return
    now = timezone.now()
    year = timezone.localdate().year
    rounds = {year - 1: _round(year - 1), year: _round(year)}
    done = 0
    while done < n:
        ideas, authors = [], []
        for _i in range(min(BATCH, n - done)):
            submitted = now - dt.timedelta(days=700 * rng.random(), minutes=rng.randint(0, 600))
            round_ = rounds[max(year - 1, min(year, timezone.localtime(submitted).year))]
            status = rng.choice(STATUSES)
            author, department = rng.choice(staff)
            unit = rng.choice(BenefitUnit.values)
            decided = submitted + dt.timedelta(days=rng.randint(5, 40)) if status not in ("submitted", "screened", "returned", "review", "merged") else None
            adopted = decided if decided and status != "not_adopted" else None
            implemented = adopted + dt.timedelta(days=rng.randint(10, 90)) if adopted and status in ("implemented", "measured", "awarded") else None
            verified = implemented + dt.timedelta(days=rng.randint(30, 120)) if implemented and status in ("measured", "awarded") else None
            saving = Decimal(rng.randint(500, 40000)) if verified and unit != BenefitUnit.QUALITATIVE else None
            title = f"{rng.choice(PLACES)}{rng.choice(THINGS)}{rng.choice(ACTIONS)}"
            ideas.append(Idea(
                round=round_, department_id=department, category=rng.choice(CATEGORIES), title=title, problem=f"{title}：现状问题说明。",
                proposal=f"{title}：具体做法。", benefit_unit=unit,
                expected_amount=Decimal(rng.randint(1000, 50000)) if unit != BenefitUnit.QUALITATIVE else None,
                expected_note="提升服务" if unit == BenefitUnit.QUALITATIVE else "", status=status, support_count=rng.randint(0, 12),
                score=Decimal(rng.randint(550, 950)) / 10 if decided else None, created_at=submitted, submitted_at=submitted,
                decided_at=decided, adopted_at=adopted, implemented_at=implemented, verified_at=verified,
                verified_yuan=saving if unit == BenefitUnit.YUAN else (saving * Decimal("0.62") if saving and unit == BenefitUnit.KWH else
                                                                      (saving * Decimal("4.1") if saving else None)),
                verified_kwh=saving if unit == BenefitUnit.KWH else None, verified_water=saving if unit == BenefitUnit.WATER else None,
                award_tier="third" if status == "awarded" else "", awarded_at=verified if status == "awarded" else None))
            authors.append(author)
        with transaction.atomic():
            created = Idea.objects.bulk_create(ideas, batch_size=BATCH)
            IdeaAuthor.objects.bulk_create([IdeaAuthor(idea=idea, staff_id=a, is_lead=True) for idea, a in zip(created, authors, strict=True)],
                                           batch_size=BATCH)
            pagecache.changed(Idea)
        done += len(ideas)
    out.write(f"ideas: {done} ideas")
