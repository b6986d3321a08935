"""Demo data (``manage.py seed_demo``, after org's): the group's round of the year with the four usual criteria
and forty ideas of the roster's staff across the three categories, moved through the workflow as they would be —
screened, returned, two duplicates merged, reviewed by the demo judge and heads, adopted or not, implemented
with steps, and a few measured from meter readings (kWh, water) or invoices, verified and awarded.

Idempotent: the round is found by its title and each idea by a fixed submission key, so a second run adds
nothing. The moves run through ``workflows.IDEA`` (``system=True``, with the demo accounts as actors)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from qualityservice.core.roles import Role
from qualityservice.org.models import Department, Staff

from . import services
from .models import Assignment, Criterion, Idea, Round, Support, Tier
from .workflows import IDEA

E, S, M = "energy", "service", "management"
# (category, department code, title, problem, proposal, unit, expected amount or words, plan)
IDEAS = [
    (E, "yinshi", "第一餐厅后厨照明改用LED灯", "后厨仍使用老式荧光灯管，每天亮灯14小时以上，耗电多、灯管更换频繁。",
     "分区更换为LED灯具，备餐区与洗碗区分开控制，非高峰时段关闭一半。", "kwh", 30000, "award_kwh"),
    (E, "gongyu", "公寓卫生间加装节水阀", "北区公寓卫生间水龙头出水量大，长流水现象多，月用水量居高不下。",
     "在洗手盆和淋浴加装节水阀与延时阀，张贴节水提示。", "water", 3000, "measure_water"),
    (E, "yinshi", "食堂蒸饭柜错峰使用", "蒸饭柜集中在10点同时启动，用电负荷高，部分柜子半空运行。", "按就餐人数分批启动，半柜合并蒸制。", "kwh", 8000, "implementing"),
    (E, "wuye", "教学楼走廊灯改声控", "行远楼走廊夜间无人时灯仍常亮。", "走廊与楼梯间改为声光控开关，保留应急照明。", "kwh", 12000, "implemented"),
    (E, "wuye", "空调温度统一设定26度", "办公区空调夏季设定温度偏低，开窗开空调现象时有发生。", "夏季统一设定不低于26度，巡查时检查门窗。", "kwh", 20000, "adopted"),
    (E, "yinshi", "洗碗间热水余热回收", "洗碗机排出的热水直接排放，热量浪费。", "加装换热器预热进水。", "kwh", 15000, "review"),
    (E, "jiaotong", "班车空驶路线优化", "部分班次返程空驶，油耗高。", "根据刷卡数据调整班次，合并低客流线路。", "yuan", 18000, "award_yuan"),
    (E, "wuye", "绿化浇灌改用中水", "校园绿化全部使用自来水浇灌。", "利用中水站出水，分时段滴灌。", "water", 5000, "implementing"),
    (E, "shangmao", "超市冷柜夜间加盖保温帘", "敞开式冷柜夜间冷量散失严重。", "闭店后拉下保温帘。", "kwh", 6000, "submitted"),
    (E, "yinshi", "食堂抽油烟机定时控制", "抽油烟机在非烹饪时段仍在运行。", "按烹饪时段设定定时开关。", "kwh", 9000, "screened"),
    (E, "gongyu", "公寓热水器定时供水", "公寓热水全天加热，夜间使用量极少。", "夜间0点至6点停止加热。", "kwh", 10000, "declined"),
    (E, "bangongshi", "办公室下班随手断电", "下班后电脑、饮水机、打印机常处于待机状态。", "下班前由最后离开的人检查并断电，张贴提示。", "kwh", 3000, "submitted"),
    (E, "wuye", "下班关闭办公电器电源", "办公室电器下班后待机耗电。", "下班时关闭插排总开关。", "kwh", 2000, "merge:11"),
    (E, "weixiu", "维修废旧材料回收再利用", "更换下来的管材、线材直接丢弃。", "分类回收，可用部分用于临时维修。", "yuan", 8000, "review"),
    (S, "weixiu", "报修流程改为线上扫码报修", "师生报修需打电话或到维修大厅登记，高峰时电话占线，报修信息记录不全。",
     "在公寓和教学楼张贴报修二维码，扫码填写地点、照片，系统自动派单并可查询进度。", "qualitative", "报修更方便，减少漏单", "implementing"),
    (S, "weixiu", "报修完成后短信回访", "维修完成后缺少回访，问题是否解决不清楚。", "完成后自动发送短信请师生评价。", "qualitative", "提高满意度", "review"),
    (S, "yinshi", "食堂增设夜宵窗口", "晚自习后学生就餐不便。", "第二餐厅21:00-22:30开设夜宵窗口。", "qualitative", "方便晚自习学生", "adopted"),
    (S, "gongyu", "公寓值班室提供雨伞借用", "雨天学生出门无伞。", "值班室设置爱心雨伞，登记借还。", "qualitative", "雨天服务更贴心", "measure_words"),
    (S, "jiaotong", "班车实时到站信息公示", "师生不知道班车何时到站。", "在站点和公众号公示实时位置。", "qualitative", "减少候车时间", "screened"),
    (S, "shangmao", "超市开通线上预订自提", "高峰时段排队时间长。", "开通线上下单，到店自提。", "qualitative", "减少排队", "submitted"),
    (S, "youeryuan", "幼儿园家长接送刷卡登记", "接送高峰人员混杂，登记慢。", "家长刷卡接送，系统记录。", "qualitative", "接送更安全", "review"),
    (S, "yinshi", "饭菜营养成分标识", "师生不了解菜品的营养搭配。", "在窗口标注热量和主要营养成分。", "qualitative", "引导健康饮食", "declined"),
    (S, "weixiu", "维修人员佩戴工号牌上门", "师生不清楚上门人员身份。", "上门时佩戴工号牌并出示工单。", "qualitative", "服务更规范", "returned"),
    (S, "yinshi", "餐厅设置师生意见留言板", "师生意见反馈渠道少。", "每个餐厅设置留言板，每周答复。", "qualitative", "及时了解师生意见", "submitted"),
    (S, "gongyu", "宿舍报修扫码登记", "宿舍报修要跑到值班室登记。", "宿舍门口贴二维码扫码报修。", "qualitative", "报修更快", "merge:14"),
    (M, "yinshi", "食材采购比价公示", "食材采购价格不透明。", "每周三家比价，结果在餐厅公示。", "yuan", 30000, "review"),
    (M, "shangmao", "仓库物资条码管理", "仓库盘点靠手工，账实不符。", "物资贴条码，出入库扫码。", "yuan", 10000, "adopted"),
    (M, "wuye", "保洁工具定点定量领用", "保洁工具领用随意，损耗大。", "按班组定额领用，以旧换新。", "yuan", 6000, "implementing"),
    (M, "weixiu", "维修配件库存预警", "常用配件经常缺货，影响维修时效。", "设置最低库存，低于时提醒采购。", "yuan", 9000, "screened"),
    (M, "wuye", "班组每日班前五分钟例会", "工作安排靠口头传达，遗漏多。", "每天班前五分钟讲安排、讲安全、讲服务。", "qualitative", "工作安排更清楚", "submitted"),
    (M, "jiaotong", "车辆油耗按月公示", "单车油耗无人关注。", "每月公示单车百公里油耗。", "yuan", 7000, "submitted"),
    (M, "yinshi", "食堂剩菜称重公示减少浪费", "每天剩菜量大，成本高。", "每餐称重剩菜并公示，按量调整备餐。", "yuan", 25000, "measure_yuan"),
    (M, "gongyu", "公寓钥匙借用登记电子化", "钥匙借用纸质登记，查找困难。", "扫码登记借用与归还。", "qualitative", "钥匙管理更规范", "review"),
    (M, "bangongshi", "办公用品线上申领", "办公用品申领流程繁琐。", "线上申领，按月统一配送。", "yuan", 4000, "declined"),
    (M, "youeryuan", "幼儿园食谱每周公示", "家长不了解孩子的饮食。", "每周五公示下周食谱。", "qualitative", "家长更放心", "submitted"),
    (M, "weixiu", "维修工单超时自动提醒", "超时工单无人跟进。", "工单超过承诺时限自动提醒班组长。", "qualitative", "维修更及时", "adopted"),
    (M, "yinshi", "餐厨垃圾分类计量", "餐厨垃圾混装，清运费用高。", "分类收集并计量，按量结算清运费。", "yuan", 15000, "implemented"),
    (M, "wuye", "绿化养护分片包干", "绿化养护责任不清。", "按区域分片包干到人。", "qualitative", "责任更明确", "screened"),
    (M, "wuye", "电梯维保记录公开", "师生不了解电梯维保情况。", "在电梯内张贴维保记录二维码。", "qualitative", "乘梯更放心", "submitted"),
    (S, "youeryuan", "幼儿园开放日线上预约", "开放日家长集中到园，排队久。", "线上预约分时段入园。", "qualitative", "减少排队", "returned"),
]
CRITERIA = [("创新性", "Originality", 30), ("可行性", "Feasibility", 25), ("效益", "Benefit", 30), ("推广价值", "Wider use", 15)]


def _periods(today: dt.date) -> tuple[dt.date, dt.date, dt.date, dt.date]:
    """A 92-day after period ending a month ago and the same days a year earlier (the baseline)."""
    after_end = today - dt.timedelta(days=30)
    after_start = after_end - dt.timedelta(days=91)
    return after_start.replace(year=after_start.year - 1), after_end.replace(year=after_end.year - 1), after_start, after_end


def _measure(idea: Idea, plan: str, owner, today: dt.date) -> None:
    b0, b1, a0, a1 = _periods(today)
    normalised = (b1 - b0) != (a1 - a0)  # a 29 February in one of them
    days_b, days_a = (b1 - b0).days + 1, (a1 - a0).days + 1
    if plan == "award_kwh":  # the kitchen's own sub-meter: about 410 kWh a day before, 318 after
        start = Decimal("125430.5")
        figures = {"baseline_readings": (start, start + 410 * days_b), "after_readings": (Decimal("171280.0"), Decimal("171280.0") + 318 * days_a),
                   "tariff": Decimal("0.62")}
        unit, note = "kwh", "后厨分表读数，每月1日抄表；见抄表照片。"
    elif plan == "measure_water":  # the building's water meter: 58 t a day before, 49 after
        figures = {"baseline_readings": (Decimal("80312"), Decimal("80312") + 58 * days_b), "after_readings": (Decimal("103650"), Decimal("103650") + 49 * days_a),
                   "tariff": Decimal("4.10")}
        unit, note = "water", "北区1号楼总水表读数。"
    elif plan in ("award_yuan", "measure_yuan"):  # invoices: fuel, or food purchases
        per_day = (Decimal("640"), Decimal("590")) if plan == "award_yuan" else (Decimal("5200"), Decimal("5080"))
        figures = {"baseline_amount": per_day[0] * days_b, "after_amount": per_day[1] * days_a}
        unit, note = "yuan", "按季度发票汇总。"
    else:
        services.record_measurement(idea, by=owner, key=f"demo-measure-{idea.pk}", unit="qualitative",
                                    note="借用登记本显示本季度借出雨伞212次，归还率96%。")
        return
    services.record_measurement(idea, by=owner, key=f"demo-measure-{idea.pk}", unit=unit, note=note, baseline_start=b0, baseline_end=b1,
                                after_start=a0, after_end=a1, normalised=normalised, **figures)


def seed(out, rng) -> None:
    User = get_user_model()
    supervisor = User.objects.filter(staff__role=Role.SUPERVISOR).order_by("pk").first()
    admin = User.objects.filter(is_superuser=True).order_by("pk").first() or supervisor
    judges = list(User.objects.filter(staff__role=Role.JUDGE).order_by("pk"))
    heads = {s.department.code: s.user for s in Staff.objects.filter(role=Role.HEAD, user__isnull=False).select_related("department", "user")}
    centres = {d.code: d for d in Department.objects.centres()}
    if supervisor is None or not centres:
        return
    today = timezone.localdate()
    round_, created = Round.objects.get_or_create(
        title=f"{today.year}年度“金点子”征集", department=None,
        defaults={"title_en": f"Golden ideas {today.year}", "opens_on": dt.date(today.year, 1, 1), "closes_on": dt.date(today.year, 12, 31),
                  "review_days": 10, "created_by": supervisor})
    if created:
        for order, (name, name_en, weight) in enumerate(CRITERIA):
            Criterion.objects.create(round=round_, name=name, name_en=name_en, weight=weight, max_score=10, order=order)
    reviewers = [u for u in [*judges, heads.get("wuye"), heads.get("yinshi")] if u is not None]
    roster = {code: list(Staff.objects.filter(department=d, user__isnull=True, is_active=True).order_by("badge_number")) for code, d in centres.items()}
    made: dict[int, Idea] = {}
    start = timezone.make_aware(dt.datetime(today.year, 1, 8, 9, 0))
    span = max((timezone.now() - start).total_seconds(), 3600)
    new = 0
    for n, (category, code, title, problem, proposal, unit, benefit, plan) in enumerate(IDEAS):
        people = roster.get(code) or []
        if not people:
            continue
        author = people[(n * 7) % len(people)]
        coauthors = [people[(n * 7 + 3) % len(people)]] if n % 3 == 0 and len(people) > 3 else []
        amount = Decimal(benefit) if unit != "qualitative" else None
        at = start + dt.timedelta(seconds=span * n / (len(IDEAS) + 2))
        idea, was_new = services.submit_idea(
            key=f"demo-idea-{n}", by=None, author=author, round=round_, category=category, title=title, problem=problem, proposal=proposal,
            benefit_unit=unit, expected_amount=amount, expected_note=benefit if unit == "qualitative" else "", coauthors=coauthors, at=at)
        made[n] = idea
        if not was_new:
            continue
        new += 1
        for supporter in rng.sample([s for c, p in roster.items() if c != code for s in p[:6]], k=n % 5):
            Support.objects.get_or_create(idea=idea, staff=supporter)
        services.recount_supports(idea.pk)
        _advance(idea, plan, n, made=made, supervisor=supervisor, admin=admin, reviewers=reviewers,
                 owner=heads.get(code) or supervisor, today=today)
    out.write(f"ideas: {new} demo ideas in “{round_.title}”")


def _advance(idea: Idea, plan: str, n: int, *, made, supervisor, admin, reviewers, owner, today) -> None:
    def apply(action, by=supervisor, **params):
        return IDEA.apply(Idea.objects.get(pk=idea.pk), action, by=by, system=True, **params)

    if plan == "submitted":
        return
    if plan == "returned":
        apply("return", reason="请补充具体实施地点和所需费用估算。")
        return
    if plan.startswith("merge:"):
        target = made[int(plan.split(":")[1])]
        apply("merge", target=target, reason="与已有金点子内容相同。")
        return
    apply("accept")
    if plan == "screened":
        return
    panel = [r for r in reviewers if not services.is_author(r, idea)][:2]
    apply("assign", reviewers=panel)
    criteria = services.criteria_of(idea.round_id)
    scored = panel if plan != "review" else panel[: n % 2]
    for k, reviewer in enumerate(scored):
        base = Decimal(9) if plan.startswith("award") else Decimal(6 + (n + k) % 4)
        values = {c.pk: min(Decimal(c.max_score), base + (i % 2)) for i, c in enumerate(criteria)}
        services.submit_scores(Assignment.objects.get(idea=idea, reviewer=reviewer), by=reviewer, values=values,
                               comment="思路清楚，建议先在一个点试行。" if k == 0 else "效益测算依据需要补充。", key=f"demo-sheet-{idea.pk}-{k}")
    if plan == "review":
        spare = [r for r in reviewers if r not in panel and not services.is_author(r, idea)]
        if n % 4 == 0 and spare and len(panel) == 2:  # a reviewer away on business is replaced
            apply("replace", assignment=Assignment.objects.get(idea=idea, reviewer=panel[1]), reviewer=spare[0],
                  reason="原评审人外出培训，无法按期评审")
        return
    if plan == "declined":
        apply("decline", reason="投入较大，近期不具备实施条件，建议结合明年改造计划考虑。")
        return
    apply("adopt", owner=owner, reason="试点后推广。")
    if plan == "adopted":
        return
    for k, (step, days) in enumerate((("制定实施方案", -60), ("试点实施", -30), ("全面推广", 20))):
        milestone, _created = services.add_milestone(Idea.objects.get(pk=idea.pk), by=owner, title=step, key=f"demo-step-{idea.pk}-{k}",
                                                     due_on=today + dt.timedelta(days=days))
        if days < 0 or plan != "implementing":
            services.mark_milestone(milestone, by=owner, done=True)
    apply("start", by=owner)
    if plan == "implementing":
        return
    apply("complete", by=owner)
    if plan == "implemented":
        return
    _measure(Idea.objects.get(pk=idea.pk), plan, owner, today)
    verifier = admin if owner == supervisor else supervisor
    apply("verify", by=verifier)
    if plan.startswith("award"):
        refreshed = Idea.objects.select_related("round").get(pk=idea.pk)
        apply("award", tier=services.suggested_tier(refreshed) if refreshed.score else Tier.THIRD)
