"""factory_boy factories and a ready-made small organisation for tests of every app."""

from functools import lru_cache
from types import SimpleNamespace

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from qualityservice.core.roles import Role
from qualityservice.org.models import Commitment, Department, Place, ServicePhrase, Staff

PASSWORD = "test-pass-123"


@lru_cache(maxsize=1)
def _default_password_hash() -> str:
    # Hashing costs ~0.2 s (PBKDF2); hash the shared test password once per process.
    return make_password(PASSWORD)


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    code = factory.Sequence(lambda n: f"dept{n}")
    name = factory.Sequence(lambda n: f"部门{n}")
    kind = Department.Kind.CENTRE


class PlaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Place

    name = factory.Sequence(lambda n: f"地点{n}")
    kind = Place.Kind.CANTEEN


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        if extracted:
            obj.set_password(extracted)
        else:
            obj.password = _default_password_hash()

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Staff

    department = factory.SubFactory(DepartmentFactory)
    name = factory.Sequence(lambda n: f"员工{n}")
    badge_number = factory.Sequence(lambda n: f"T{n:05d}")
    post = "保洁员"
    role = Role.STAFF


def make_user(role: str, department, name: str | None = None, **staff_fields):
    user = UserFactory()
    if role == Role.ADMIN:
        user.is_superuser = True
        user.is_staff = True
        user.save()
    StaffFactory(user=user, department=department, role=role, name=name or f"{role}-{user.username}", **staff_fields)
    return user


def make_org() -> SimpleNamespace:
    group = DepartmentFactory(code="grp", name="后勤集团", kind=Department.Kind.GROUP)
    wuye = DepartmentFactory(code="wuye", name="物业管理中心", name_en="Property Centre", parent=group)
    yinshi = DepartmentFactory(code="yinshi", name="饮食服务中心", name_en="Catering Centre", parent=group)
    office = DepartmentFactory(code="office", name="集团办公室", parent=group)
    wuye_team = DepartmentFactory(code="wuye-t1", name="保洁一班", kind=Department.Kind.TEAM, parent=wuye)
    canteen = PlaceFactory(name="第一餐厅", department=yinshi)
    dorm = PlaceFactory(name="学生公寓1号楼", kind=Place.Kind.DORMITORY, department=wuye)
    Commitment.objects.create(department=wuye, title="报修30分钟内响应", is_measurable=True, request_kind="repair",
                              deadline_value=30, deadline_unit=Commitment.Unit.MINUTES)
    Commitment.objects.create(department=wuye, title="投诉24小时内答复", is_measurable=True, request_kind="complaint",
                              deadline_value=24, deadline_unit=Commitment.Unit.WORKING_HOURS)
    Commitment.objects.create(department=yinshi, title="饭菜明码标价", is_measurable=False)
    ServicePhrase.objects.create(kind=ServicePhrase.Kind.COURTEOUS, text="您好！")
    ServicePhrase.objects.create(kind=ServicePhrase.Kind.TABOO, text="不归我管")
    return SimpleNamespace(
        group=group, wuye=wuye, yinshi=yinshi, office=office, wuye_team=wuye_team, canteen=canteen, dorm=dorm,
        admin=make_user(Role.ADMIN, office, "管理员"),
        supervisor=make_user(Role.SUPERVISOR, office, "督查员"),
        operator=make_user(Role.OPERATOR, office, "接线员"),
        head_wuye=make_user(Role.HEAD, wuye, "物业主任"),
        head_yinshi=make_user(Role.HEAD, yinshi, "饮食主任"),
        staff_wuye=make_user(Role.STAFF, wuye, "物业员工", team=wuye_team),
        staff_yinshi=make_user(Role.STAFF, yinshi, "饮食员工"),
        judge=make_user(Role.JUDGE, yinshi, "评委"),
        password=PASSWORD,
    )
