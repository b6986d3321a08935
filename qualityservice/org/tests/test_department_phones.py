"""The centres' own service and complaint phones (the plan's 三(二): property, catering… publish theirs beside the
group's hotline): the department's head or the supervisor sets them on the department's form; the public home
page lists them beside the hotline and each badge page shows its department's."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _form(department, **changes):
    data = {"name": department.name, "name_en": department.name_en, "description": "", "service_phone": "",
            "complaint_phone": "", "sort_order": department.sort_order}
    data.update(changes)
    return data


def test_a_head_sets_their_departments_phones_and_the_home_page_shows_them_beside_the_hotline(client, org):
    client.force_login(org.head_wuye)
    response = client.post(reverse("org:department_edit", args=[org.wuye.pk]),
                           _form(org.wuye, service_phone="66781330", complaint_phone="66781331"))
    assert response["Location"] == org.wuye.get_absolute_url()
    client.logout()
    body = client.get(reverse("org:home")).content.decode()
    hotline = body.index('data-testid="hotline"')
    phones = body.index('data-testid="department-phones"')
    commitments = body.index("我们的服务承诺")
    assert hotline < phones < commitments  # with the hotline, above the commitments
    block = body[phones:commitments]
    assert "物业管理中心" in block and 'href="tel:66781330"' in block and 'href="tel:66781331"' in block
    assert "饮食服务中心" not in block  # no phones of its own


def test_the_badge_page_shows_its_departments_phones_beside_the_groups_hotline(client, org):
    org.wuye.service_phone, org.wuye.complaint_phone = "66781330", "66781331"
    org.wuye.save()
    body = client.get(org.staff_wuye.staff.get_public_url()).content.decode()
    block = body.split('data-testid="department-phones"')[1].split("</div>")[0]
    assert "物业管理中心" in block and "66781330" in block and "66781331" in block
    body = client.get(org.staff_yinshi.staff.get_public_url()).content.decode()
    assert 'data-testid="department-phones"' not in body  # 饮食服务中心 has no phones of its own


def test_only_the_departments_head_and_the_supervisor_change_the_phones(client, org):
    for who in ("head_yinshi", "staff_wuye", "operator"):
        client.force_login(getattr(org, who))
        response = client.post(reverse("org:department_edit", args=[org.wuye.pk]), _form(org.wuye, complaint_phone="110"))
        assert response.status_code == 404, who
    client.force_login(org.supervisor)
    client.post(reverse("org:department_edit", args=[org.wuye.pk]), _form(org.wuye, complaint_phone="66781331"))
    org.wuye.refresh_from_db()
    assert org.wuye.complaint_phone == "66781331"
