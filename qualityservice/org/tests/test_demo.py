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


def test_it_gives_every_name_of_the_demo_organisation_an_english_one(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    demo.seed(None, random.Random(2026))
    assert list(Department.objects.filter(name_en="").values_list("name", flat=True)) == []
    assert list(Place.objects.filter(name_en="").values_list("name", flat=True)) == []
    assert list(Commitment.objects.filter(title_en="").values_list("title", flat=True)) == []
    assert list(ServicePhrase.objects.filter(text_en="").values_list("text", flat=True)) == []
    assert list(ServicePhrase.objects.exclude(situation="").filter(situation_en="").values_list("situation", flat=True)) == []
    assert Department.objects.get(code="wuye-t1").name_en == "Cleaning team 1"
    assert Place.objects.get(name="清真餐厅").name_en == "Halal Canteen"


def test_it_fills_in_the_english_of_demo_rows_seeded_before_they_had_it_and_keeps_what_someone_wrote(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    demo.seed(None, random.Random(2026))
    Department.objects.filter(kind=Department.Kind.TEAM).update(name_en="")
    Place.objects.update(name_en="")
    Commitment.objects.update(title_en="")
    ServicePhrase.objects.update(text_en="", situation_en="")
    Place.objects.filter(name="图书馆").update(name_en="Main Library")
    demo.seed(None, random.Random(2026))
    assert not Department.objects.filter(name_en="").exists() and not Commitment.objects.filter(title_en="").exists()
    assert not ServicePhrase.objects.filter(text_en="").exists()
    assert Place.objects.get(name="图书馆").name_en == "Main Library"
    assert Place.objects.get(name="第一餐厅").name_en == "Canteen No. 1"
