"""Demo members (teachers and students) for ``make run``: a few with the demo password, one with a
one-time code for the first sign-in, and a small roster around them. Idempotent; printed at the end."""

from __future__ import annotations

import random

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from .models import CodeBatch, College, Member, MemberKind, SignInCode, username_for
from .services import code_digest

DEMO_PASSWORD = "demo-2026"
DEMO_CODE = "HQDEM-AB234"  # the first sign-in of 20260103

# number, name, type, college/unit, class, phone, signs in with
SIGNED_IN = [
    ("20260101", "张晓明", MemberKind.STUDENT, "信息科学与工程学院", "计算机2601", "13805320101", "password"),
    ("20260102", "李思雨", MemberKind.STUDENT, "海洋与大气学院", "海科2602", "13805320102", "password"),
    ("20260103", "王雨桐", MemberKind.STUDENT, "信息科学与工程学院", "计算机2601", "", "code"),
    ("T1001", "陈建华", MemberKind.TEACHER, "信息科学与工程学院", "", "13953200001", "password"),
    ("T1002", "刘海燕", MemberKind.TEACHER, "海洋与大气学院", "", "13953200002", "password"),
]
COLLEGES = ["信息科学与工程学院", "海洋与大气学院", "经济学院", "外国语学院", "医药学院"]
COLLEGES_EN = {
    "信息科学与工程学院": "College of Information Science and Engineering",
    "海洋与大气学院": "College of Oceanic and Atmospheric Sciences",
    "经济学院": "School of Economics",
    "外国语学院": "College of Foreign Languages",
    "医药学院": "School of Medicine and Pharmacy",
}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹"
GIVEN = "伟芳娜秀敏静丽强磊军洋勇艳杰娟涛明超霞平刚兰红玉华建国春梅海燕云飞鹏辉宁波晶晓东"


def seed(out=None, rng: random.Random | None = None) -> None:
    rng = rng or random.Random(2026)
    User = get_user_model()
    colleges = {name: College.objects.get_or_create(name=name, defaults={"name_en": COLLEGES_EN[name]})[0]
                for name in COLLEGES}
    # Colleges seeded before they had English names get them (an English name someone wrote stays).
    for college in colleges.values():
        if not college.name_en:
            College.objects.filter(pk=college.pk).update(name_en=COLLEGES_EN[college.name])
    if Member.objects.filter(number=SIGNED_IN[0][0]).exists():
        _print(out)
        return
    password = make_password(DEMO_PASSWORD)
    for number, name, kind, college, class_name, phone, how in SIGNED_IN:
        user = User.objects.create(username=username_for(number), first_name=name,
                                   password=password if how == "password" else make_password(None))
        Member.objects.create(user=user, number=number, name=name, kind=kind, college=colleges[college],
                              class_name=class_name, phone=phone)
    member = Member.objects.get(number="20260103")
    batch = CodeBatch.objects.create(count=1, description="demo")
    SignInCode.objects.create(member=member, batch=batch, digest=code_digest(member.pk, DEMO_CODE),
                              expires_at=timezone.now() + timezone.timedelta(days=365))
    # A roster around them: 120 students of five colleges, no passwords yet (bulk, as the import does).
    unusable = make_password(None)
    rows = []
    for i in range(120):
        college = COLLEGES[i % len(COLLEGES)]
        rows.append((f"2025{i + 1:04d}", rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2)))),
                     college, f"{college[:2]}25{i % 3 + 1:02d}"))
    users = User.objects.bulk_create([User(username=username_for(n), first_name=name, password=unusable) for n, name, _c, _k in rows])
    members = Member.objects.bulk_create([
        Member(user=u, number=n, name=name, kind=MemberKind.STUDENT, college=colleges[c], class_name=k)
        for u, (n, name, c, k) in zip(users, rows, strict=True)
    ])
    Member.history.bulk_history_create(members, default_change_reason="demo roster")
    _print(out)


def _print(out) -> None:
    if out is None:
        return
    out.write("")
    out.write("Demo members (teachers and students) — sign in at /members/signin/ (without CAS):")
    for number, name, kind, college, class_name, _phone, how in SIGNED_IN:
        login = f"password {DEMO_PASSWORD}" if how == "password" else f"first sign-in with the one-time code {DEMO_CODE}"
        out.write(f"  {number:<9} {name:<4} {str(kind.label):<8} {college}{' ' + class_name if class_name else ''} · {login}")
