"""Property: a roster import is all or nothing, whatever mix of good and bad rows a workbook holds."""

import io

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualityservice.org.models import Staff
from qualityservice.org.services import import_roster

from .test_roster import workbook

GOOD = {
    "name": st.sampled_from(["陈晓东", "林海燕", "王芳", "欧阳峰"]),
    "department": st.sampled_from(["物业管理中心", "饮食服务中心", "wuye", "Catering Centre"]),
    "post": st.sampled_from(["保洁员", "厨师", "楼宇管理员"]),
    "phone": st.sampled_from(["", "13800138000", "0532-66781320"]),
}
BAD = {
    "name": st.just(""),
    "department": st.sampled_from(["火星中心", ""]),
    "post": st.just("岗" * 61),
    "phone": st.sampled_from(["电话", "12"]),
}


@st.composite
def rows(draw):
    n = draw(st.integers(min_value=1, max_value=8))
    badges = draw(st.lists(st.sampled_from([f"P{i}" for i in range(12)]), min_size=n, max_size=n))
    result, bad = [], False
    for badge in badges:
        column = draw(st.sampled_from([None, None, None, "name", "department", "post", "phone"]))
        values = {key: draw(strategy) for key, strategy in GOOD.items()}
        if column is not None:
            values[column] = draw(BAD[column])
            bad = True
        result.append((values["name"], badge, values["department"], values["post"], values["phone"], None, None))
    return result, bad or len(set(badges)) < len(badges)


class Rollback(Exception):
    pass


@settings(max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=rows())
def test_it_imports_every_row_or_none(org, case):
    table, has_bad_row = case
    try:
        with transaction.atomic():
            before = Staff.objects.count()
            result = import_roster(io.BytesIO(workbook(table, headers=["姓名", "工号", "部门", "岗位", "电话", "班组", "在岗"])))
            if has_bad_row:
                assert not result.ok and result.created == result.updated == 0
                assert Staff.objects.count() == before
                assert result.errors and all(e.row >= 2 for e in result.errors)
            else:
                assert result.ok, result.errors
                assert Staff.objects.count() == before + len({row[1] for row in table})
            raise Rollback  # each example starts from the same organisation
    except Rollback:
        pass
