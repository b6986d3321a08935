"""Every member of staff reaches their own badge from the staff navigation (its QR code and public page), and
history pages name who made a change by the person's name, not by the account's user name."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from qualityservice.org.models import Staff

MY_BADGE = reverse("org:my_badge")


@pytest.mark.parametrize("role", ["staff_wuye", "head_wuye", "operator", "supervisor", "judge"])
def test_it_links_every_member_of_staff_to_their_own_badge(client, org, role):
    user = getattr(org, role)
    me = Staff.objects.get(user=user)
    client.force_login(user)
    workbench = client.get(reverse("core:workbench")).content.decode()
    assert f'href="{MY_BADGE}"' in workbench and "我的胸牌" in workbench
    html = client.get(MY_BADGE).content.decode()
    assert me.name in html and me.badge_number in html
    assert f'href="{me.get_public_url()}"' in html and f"http://testserver{me.get_public_url()}" in html
    assert re.search(r'<img[^>]+src="data:image/svg\+xml[^"]+"[^>]+data-testid="my-badge-qr"', html)


def test_it_shows_a_badge_of_nobody_else(client, org):
    client.force_login(org.staff_wuye)
    html = client.get(MY_BADGE, {"pk": Staff.objects.get(user=org.staff_yinshi).pk}).content.decode()
    assert "物业员工" in html and "饮食员工" not in html


def test_it_explains_an_account_without_a_staff_record_and_sends_visitors_to_sign_in(client, org):
    assert "/accounts/login/" in client.get(MY_BADGE)["Location"]
    bare = get_user_model().objects.create_superuser("root", password="x")
    client.force_login(bare)
    assert "没有员工档案" in client.get(MY_BADGE).content.decode()


def test_it_names_the_author_of_a_change_in_the_staff_records_history(client, org):
    worker = Staff.objects.get(user=org.staff_wuye)
    client.force_login(org.head_wuye)
    data = {"name": "物业员工", "badge_number": worker.badge_number, "department": org.wuye.pk, "post": "保洁班长",
            "role": "staff", "on_duty": "on", "is_active": "on"}
    assert client.post(reverse("org:staff_edit", args=[worker.pk]), data).status_code == 302
    html = client.get(worker.get_absolute_url()).content.decode()
    authors = re.findall(r'data-testid="history-user">(.*?)<', html)
    assert authors[0] == "物业主任" and org.head_wuye.username not in authors


@pytest.mark.parametrize("url", ["/admin/org/staff/{staff}/history/", "/admin/feedback/feedback/{item}/history/"])
def test_it_names_the_author_on_the_admins_history_pages(client, org, url):
    from qualityservice.feedback.tests.factories import make_feedback

    worker = Staff.objects.get(user=org.staff_wuye)
    item = make_feedback(org)
    client.force_login(org.head_wuye)  # both changes made on the staff pages (the request's user is recorded)
    client.post(reverse("feedback:assign", args=[item.pk]), {"staff": worker.pk})
    client.post(reverse("org:staff_edit", args=[worker.pk]), {
        "name": "物业员工", "badge_number": worker.badge_number, "department": org.wuye.pk, "post": "保洁班长",
        "role": "staff", "on_duty": "on", "is_active": "on"})
    client.force_login(org.admin)
    html = client.get(url.format(staff=worker.pk, item=item.pk)).content.decode()
    cells = [re.sub(r"<[^>]+>|\s+", "", c) for c in re.findall(r"<td>(.*?)</td>", html, re.S)]
    assert "物业主任" in cells and org.head_wuye.username not in cells
