"""Demo data: a realistic logistics group, one account per role, and a second run adds nothing."""

import random

from django.contrib.auth import get_user_model

from qualityservice.core.permissions import user_role
from qualityservice.org import demo
from qualityservice.org.models import Commitment, Department, Place, ServicePhrase, SiteSettings, Staff


def counts():
    return [m.objects.count() for m in (Department, Place, Staff, Commitment, ServicePhrase, SiteSettings, get_user_model())]


def test_it_seeds_the_organisation_once(db):
    accounts = demo.seed(None, random.Random(2026))
    first = counts()
    assert Department.objects.centres().count() == 8
    assert Staff.objects.count() >= 200
    assert SiteSettings.load().hotline == "66781315" and SiteSettings.load().mailbox == "hqjt@ouc.edu.cn"
    assert set(accounts) == {"admin", "supervisor", "operator", "head_wuye", "head_yinshi", "staff_wuye", "judge"}
    User = get_user_model()
    assert user_role(User.objects.get(username="head_wuye")) == "head"
    assert Staff.objects.get(user__username="head_wuye").department.code == "wuye"
    assert User.objects.get(username="admin").check_password(demo.DEMO_PASSWORD)
    assert Commitment.deadline_for(Department.objects.get(code="weixiu").pk, "repair").deadline_minutes == 30
    demo.seed(None, random.Random(2026))
    assert counts() == first
