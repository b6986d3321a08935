"""Roles and department scoping, the data-layer rule every app reuses."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpResponse
from django.test import RequestFactory

from qualityservice.core.permissions import (
    can_see_department,
    department_scope,
    has_role,
    role_required,
    staff_profile,
    user_role,
)
from qualityservice.core.roles import Role
from qualityservice.org.models import Commitment, Department, Staff
from qualityservice.org.tests.factories import UserFactory


def test_it_reads_the_role_from_the_staff_profile(org):
    assert user_role(AnonymousUser()) is None
    assert user_role(org.admin) == Role.ADMIN
    assert user_role(org.head_wuye) == Role.HEAD
    assert user_role(org.operator) == Role.OPERATOR
    assert user_role(UserFactory()) is None  # an account without a profile
    assert staff_profile(org.head_wuye).name == "物业主任"
    assert has_role(org.supervisor, Role.SUPERVISOR, Role.ADMIN)


def test_it_scopes_group_wide_roles_to_everything_and_others_to_their_department(org):
    assert department_scope(org.admin) is None
    assert department_scope(org.supervisor) is None
    assert department_scope(org.head_wuye) == {org.wuye.pk}
    assert department_scope(org.staff_yinshi) == {org.yinshi.pk}
    assert department_scope(AnonymousUser()) == frozenset()
    assert can_see_department(org.head_wuye, org.wuye.pk) and not can_see_department(org.head_wuye, org.yinshi.pk)


def test_it_filters_querysets_by_the_users_scope(org):
    assert set(Staff.objects.visible_to(org.head_wuye).values_list("department", flat=True)) == {org.wuye.pk}
    assert Staff.objects.visible_to(org.supervisor).count() == Staff.objects.count()
    assert Staff.objects.visible_to(AnonymousUser()).count() == 0
    assert list(Department.objects.visible_to(org.head_yinshi)) == [org.yinshi]
    assert {c.department_id for c in Commitment.objects.visible_to(org.head_yinshi)} == {org.yinshi.pk}


def test_it_drops_the_role_of_someone_who_left(org):
    Staff.objects.filter(user=org.head_wuye).update(is_active=False)
    org.head_wuye.refresh_from_db()
    assert user_role(org.head_wuye) is None
    assert Staff.objects.visible_to(org.head_wuye).count() == 0


@pytest.mark.parametrize("who, expected", [("head_wuye", 200), ("supervisor", 200), ("admin", 200), ("staff_wuye", 404),
                                           ("judge", 404)])
def test_it_lets_only_the_named_roles_and_administrators_through(org, who, expected):
    @role_required(Role.HEAD, Role.SUPERVISOR)
    def view(request):
        return HttpResponse("ok")

    request = RequestFactory().get("/staff/x/")
    request.user = getattr(org, who)
    if expected == 404:
        with pytest.raises(Http404):
            view(request)
    else:
        assert view(request).content == b"ok"


def test_it_sends_anonymous_visitors_to_sign_in(db):
    @role_required(Role.HEAD)
    def view(request):
        return HttpResponse("ok")

    request = RequestFactory().get("/staff/x/?a=1")
    request.user = AnonymousUser()
    response = view(request)
    assert response.status_code == 302 and response["Location"] == "/accounts/login/?next=/staff/x/%3Fa%3D1"


def test_it_lets_hotline_operators_read_every_department_in_the_routing_work_only(org):
    from qualityservice.core.permissions import routes_everywhere, routing_scope

    assert routes_everywhere(org.operator) and not routes_everywhere(org.supervisor)
    assert routing_scope(org.operator) is None
    assert routing_scope(org.head_wuye) == department_scope(org.head_wuye) == frozenset({org.wuye.pk})
    assert routing_scope(AnonymousUser()) == frozenset()
    # Outside the routing work an operator is scoped like everyone else …
    assert set(Department.objects.visible_to(org.operator)) == {org.operator.staff.department}
    # … and inside it she reads all, as the feedback inbox (routing = True) does.
    assert set(Department.objects.visible_to(org.operator, routing=True)) == set(Department.objects.all())
    assert set(Department.objects.visible_to(org.head_wuye, routing=True)) == {org.wuye}


def test_it_writes_the_operators_exception_once():
    """No app re-implements the rule: it compares no role with Role.OPERATOR to widen a scope."""
    from pathlib import Path

    from django.conf import settings

    root = Path(settings.BASE_DIR) / "qualityservice"
    found = []
    for source in root.rglob("*.py"):
        if "tests" in source.parts or source.name == "permissions.py":
            continue
        text = source.read_text(encoding="utf-8")
        for needle in ("user_role(user) == Role.OPERATOR", "user_role(request.user) != Role.OPERATOR",
                       "user_role(user) != Role.OPERATOR", "user_role(request.user) == Role.OPERATOR"):
            if needle in text:
                found.append(f"{source.relative_to(root)}: {needle}")
    assert found == []
