"""Editors are scoped to their department: an appointed editor (``Editor``) lists, opens, edits and submits only the
articles of the departments they are appointed to — wherever their own staff record is —; a department head their
own department (and any they are appointed editor of, where they write but do not review); the supervisor every
department. Another department's article is a 404 and a refused POST changes nothing."""

import pytest
from django.urls import reverse

from qualityservice.core.workflow import TransitionError
from qualityservice.news import services
from qualityservice.news.models import Article, Editor

pytestmark = pytest.mark.django_db


@pytest.fixture
def articles(org):
    made = {}
    for code, department in (("wuye", org.wuye), ("yinshi", org.yinshi), ("office", org.office)):
        made[code], _c = services.create_article(key=None, by=org.supervisor, department=department, title=f"{department.name}的稿件")
    return made


def _listed(client) -> set[str]:
    body = client.get(reverse("news:list")).content.decode()
    return {code for code, title in (("wuye", "物业管理中心的稿件"), ("yinshi", "饮食服务中心的稿件"), ("office", "集团办公室的稿件"))
            if title in body}


def test_an_editor_appointed_to_another_department_than_their_own_sees_and_edits_only_that_one(client, org, articles):
    Editor.objects.create(user=org.staff_yinshi, department=org.wuye)  # works in catering, writes for property
    client.force_login(org.staff_yinshi)
    assert _listed(client) == {"wuye"}
    assert client.get(articles["wuye"].get_edit_url()).status_code == 200
    for other in ("yinshi", "office"):  # their own department's articles too: no appointment there
        assert client.get(articles[other].get_absolute_url()).status_code == 404, other
        assert client.get(articles[other].get_edit_url()).status_code == 404, other
    form = client.get(reverse("news:new")).content.decode()
    assert org.wuye.name in form and org.yinshi.name not in form
    response = client.post(articles["wuye"].get_edit_url(), {
        "department": org.wuye.pk, "title": "改过的标题", "summary": "", "body": "<p>正文</p>", "tags": "", "links": "",
        "title_en": ""})
    assert response.status_code == 302 and Article.objects.get(pk=articles["wuye"].pk).title == "改过的标题"
    client.post(articles["wuye"].get_move_url(), {"action": "submit"})
    assert Article.objects.get(pk=articles["wuye"].pk).status == Article.Status.IN_REVIEW
    client.post(articles["yinshi"].get_move_url(), {"action": "submit"})
    assert Article.objects.get(pk=articles["yinshi"].pk).status == Article.Status.DRAFT


def test_an_editor_of_two_departments_sees_both_and_no_third(client, org, articles):
    for department in (org.wuye, org.yinshi):
        Editor.objects.create(user=org.staff_wuye, department=department)
    client.force_login(org.staff_wuye)
    assert _listed(client) == {"wuye", "yinshi"}
    assert client.get(articles["office"].get_absolute_url()).status_code == 404
    # Moving the draft to a department outside the appointments is refused by the form.
    response = client.post(articles["wuye"].get_edit_url(), {
        "department": org.office.pk, "title": "越权", "summary": "", "body": "", "tags": "", "links": "", "title_en": ""})
    assert response.status_code == 200 and Article.objects.get(pk=articles["wuye"].pk).department == org.wuye


def test_heads_see_their_department_and_the_supervisor_every_department(client, org, articles):
    for who, expected in (("head_wuye", {"wuye"}), ("head_yinshi", {"yinshi"}), ("supervisor", {"wuye", "yinshi", "office"}),
                          ("admin", {"wuye", "yinshi", "office"})):
        client.force_login(getattr(org, who))
        assert _listed(client) == expected, who
    for who in ("operator", "judge", "staff_wuye"):  # staff_wuye: no appointment
        client.force_login(getattr(org, who))
        assert client.get(reverse("news:list")).status_code == 404, who
    assert set(Article.objects.visible_to(org.operator)) == set()


def test_a_head_appointed_editor_elsewhere_writes_there_but_reviews_only_their_own_department(client, org, articles):
    Editor.objects.create(user=org.head_wuye, department=org.yinshi)
    client.force_login(org.head_wuye)
    assert _listed(client) == {"wuye", "yinshi"}
    yinshi = articles["yinshi"]
    client.post(yinshi.get_move_url(), {"action": "submit"})
    assert Article.objects.get(pk=yinshi.pk).status == Article.Status.IN_REVIEW
    page = client.get(yinshi.get_absolute_url()).content.decode()
    assert 'data-testid="move-approve"' not in page and 'data-testid="make-approval-link"' not in page
    client.post(yinshi.get_move_url(), {"action": "approve"})
    assert client.post(reverse("news:approval_link", args=[yinshi.pk])).status_code == 404
    assert Article.objects.get(pk=yinshi.pk).status == Article.Status.IN_REVIEW
    with pytest.raises(TransitionError):
        services.move(yinshi, "reject", by=org.head_wuye, note="不行")
    services.move(yinshi, "approve", by=org.head_yinshi)  # its own head reviews it
    assert Article.objects.get(pk=yinshi.pk).status == Article.Status.APPROVED
