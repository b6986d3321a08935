"""Members for tests: an account plus its profile, as the roster import makes them."""

from __future__ import annotations

import functools

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from qualityservice.members.models import College, Member, MemberKind, username_for

PASSWORD = "Campus-2026!"


@functools.cache
def _password_hash() -> str:
    return make_password(PASSWORD)  # ~0.2 s (PBKDF2): once per process


def make_member(number="20230001", name="张晓明", kind=MemberKind.STUDENT, college="计算机学院", class_name="计算机2301",
                password: str | None = PASSWORD, phone="13800000001", email="", **extra) -> Member:
    user = get_user_model().objects.create_user(username_for(number), email=email, password=None, first_name=name)
    if password is not None:
        user.password = _password_hash() if password == PASSWORD else make_password(password)
        user.save(update_fields=["password"])
    unit = College.objects.get_or_create(name=college)[0] if college else None
    return Member.objects.create(user=user, number=number, name=name, kind=kind, college=unit, class_name=class_name,
                                 phone=phone, email=email, **extra)
