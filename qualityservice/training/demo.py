"""Demo data (``manage.py seed_demo``, after org's): three or four sessions per centre over the last months —
the group's courtesy and fire-safety training for the front line, the centre's own technical training, a
management session for team leaders — each with a sample of the centre's staff. Idempotent: each demo
session has a fixed submission key, so a second run finds them and adds nothing."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from qualityservice.core.roles import Role
from qualityservice.org.models import Department, Staff

from . import services
from .models import Level

# (topic, English topic, level, hours, trainer) — every centre.
COMMON = [
    ("文明用语与服务礼仪培训", "Courteous language and service etiquette", Level.FRONTLINE, Decimal("2"), "集团办公室 李老师"),
    ("消防安全知识与灭火器使用", "Fire safety and extinguishers", Level.FRONTLINE, Decimal("1.5"), "校保卫处 张教官"),
    ("“优质服务我应该做什么”专题讨论", "What quality service asks of me: a discussion", Level.FRONTLINE, Decimal("1"), "中心主任"),
    ("班组长服务质量管理与整改闭环", "Team leaders: quality management and rectification", Level.MANAGEMENT, Decimal("3"),
     "集团质量督查组"),
]
# The centre's own technical session (by department code).
TECHNICAL = {
    "yinshi": ("食品安全操作规范与留样制度", "Food safety procedures and sample keeping", Decimal("3"), "市食药监局 王科长"),
    "wuye": ("保洁机械安全操作与化学品使用", "Cleaning machines and chemicals, safely", Decimal("2"), "设备供应商 技术员"),
    "gongyu": ("公寓安全巡查与突发事件处置", "Dormitory patrols and emergencies", Decimal("2"), "公寓中心 刘主管"),
    "weixiu": ("低压电工安全操作规程", "Low-voltage electrical safety procedure", Decimal("4"), "维修中心 高级电工 赵师傅"),
    "jiaotong": ("班车驾驶员安全行车与应急处置", "Shuttle drivers: safe driving and emergencies", Decimal("3"), "交警大队 宣传科"),
    "shangmao": ("收银系统与商品保质期管理", "Tills and shelf-life control", Decimal("1.5"), "商贸中心 孙经理"),
    "youeryuan": ("幼儿急救与常见病预防", "First aid and illness prevention for children", Decimal("3"), "校医院 陈医生"),
    "bangongshi": ("投诉受理与热线沟通技巧", "Taking complaints on the hotline", Decimal("2"), "集团办公室 质量督查组"),
}
DAYS_AGO = [12, 40, 75, 110, 150]


def seed(out, rng) -> None:
    """``rng`` is not used: each centre's plan comes from its own seeded generator, so a second run with another
    seed finds the same sessions (their keys) and adds nothing."""
    supervisor = get_user_model().objects.filter(staff__role=Role.SUPERVISOR).order_by("pk").first()
    heads = {s.department_id: s.user for s in Staff.objects.filter(role=Role.HEAD, user__isnull=False).select_related("user")}
    today = timezone.localdate()
    made = 0
    for department in Department.objects.centres():
        staff = list(Staff.objects.filter(department=department, is_active=True).order_by("badge_number"))
        if not staff:
            continue
        rng = random.Random(f"training-{department.code}")
        plan = list(COMMON[:2])
        if department.code in TECHNICAL:
            topic, topic_en, hours, trainer = TECHNICAL[department.code]
            plan.append((topic, topic_en, Level.TECHNICAL, hours, trainer))
        plan += COMMON[2:] if rng.random() < 0.6 else COMMON[3:]
        for n, (topic, topic_en, level, hours, trainer) in enumerate(plan):
            if level == Level.MANAGEMENT:
                people = [s for s in staff if s.role == Role.HEAD or "长" in s.post or "主管" in s.post or "主任" in s.post]
                people = people or staff[:3]
            else:
                people = rng.sample(staff, min(len(staff), rng.randint(8, 20)))
            day = today - dt.timedelta(days=DAYS_AGO[n % len(DAYS_AGO)] + rng.randint(0, 6))
            _session, created = services.create_session(
                key=f"demo-{department.code}-{n}", by=heads.get(department.pk, supervisor), department=department,
                topic=topic, topic_en=topic_en, date=day, hours=hours, trainer=trainer, level=level,
                attendees=sorted(people, key=lambda s: s.badge_number), notify_heads=False)
            made += created
    out.write(f"training: {made} demo sessions")
