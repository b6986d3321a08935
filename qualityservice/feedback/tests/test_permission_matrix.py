"""Who may open which feedback URL, role by role (anonymous → sign-in; outside a page's roles or scope → 404),
and what front-line staff (员工) see and may do: only the items assigned to them or about them, the latter
without the submitter's identity and without any action; the export follows the same rule; only the head
or the assignee answers the submitter."""

import io
from types import SimpleNamespace

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from qualityservice.core.workflow import TransitionError
from qualityservice.feedback import services
from qualityservice.feedback.images import sanitize_image
from qualityservice.feedback.models import Feedback, Status
from qualityservice.feedback.workflows import FEEDBACK
from qualityservice.org.models import Staff

from .factories import jpeg_bytes, make_feedback

ROLES = ("anonymous", "staff_wuye", "judge", "operator", "head_wuye", "head_yinshi", "supervisor", "admin")
LOGIN, REDIRECT = "login", "redirect"
NAME, PHONE = "张同学", "13800000000"


def profile(user):
    return Staff.objects.get(user=user)


@pytest.fixture
def world(org):
    """Four items: one assigned to 物业员工, one about them (assigned to a colleague), one of a colleague
    of the same department, one of another department — all named, with a photo each."""
    colleague = Staff.objects.create(department=org.wuye, name="物业同事", badge_number="W0002", post="保洁员")

    def item(title, **kwargs):
        return make_feedback(org, title=title, images=[sanitize_image(jpeg_bytes(), "p.jpg")], **kwargs)

    mine = item("分给我的事项")
    services.assign(mine, profile(org.staff_wuye), by=org.head_wuye)
    about_me = item("关于我的投诉", staff=profile(org.staff_wuye))
    services.assign(about_me, colleague, by=org.head_wuye)
    theirs = item("同事的事项")
    services.assign(theirs, colleague, by=org.head_wuye)
    other = item("饮食中心的事项", department=org.yinshi)
    return SimpleNamespace(mine=mine, about_me=about_me, theirs=theirs, other=other, colleague=colleague)


def expect(allowed: set[str], ok=200) -> dict[str, object]:
    return {role: ok if role in allowed else (LOGIN if role == "anonymous" else 404) for role in ROLES}


HANDLERS = {"staff_wuye", "operator", "head_wuye", "head_yinshi", "supervisor", "admin"}
WUYE = {"operator", "head_wuye", "supervisor", "admin"}  # 物业管理中心's items, staff aside
YINSHI = {"operator", "head_yinshi", "supervisor", "admin"}
ROUTING = {"operator", "supervisor", "admin"}


def _attachment(fb):
    return [fb.attachments.get().pk]


# (case id, url name, args builder, allowed roles, success status, text the page must show)
PAGES = [
    ("inbox", "feedback:inbox", lambda w: [], HANDLERS, 200, "反馈收件箱"),
    ("export", "feedback:export", lambda w: [], HANDLERS, 200, None),
    ("hotline", "feedback:hotline", lambda w: [], ROUTING, 200, 'data-testid="hotline-form"'),
    ("staff-suggestions", "feedback:staff_suggestions", lambda w: [], ROUTING, 200, None),
    ("callbacks", "feedback:callbacks", lambda w: [], ROUTING | {"head_wuye", "head_yinshi"}, 200, "回访"),
    ("mailbox", "feedback:mailbox", lambda w: [], ROUTING, 200, None),
    # A department's figures: its head and the group-wide roles (operators route everywhere, but read figures
    # of their own department only: Department.objects.visible_to without the routing exception).
    ("figures", "feedback:department_figures", lambda w: [w.org.wuye.pk], WUYE - {"operator"}, 200, "物业管理中心"),
    ("detail-mine", "feedback:detail", lambda w: [w.mine.pk], WUYE | {"staff_wuye"}, 200, "分给我的事项"),
    ("detail-about-me", "feedback:detail", lambda w: [w.about_me.pk], WUYE | {"staff_wuye"}, 200, "关于我的投诉"),
    ("detail-colleague", "feedback:detail", lambda w: [w.theirs.pk], WUYE, 200, "同事的事项"),
    ("detail-other-dept", "feedback:detail", lambda w: [w.other.pk], YINSHI, 200, "饮食中心的事项"),
    ("by-code-mine", "feedback:detail_by_code", lambda w: [w.mine.code], WUYE | {"staff_wuye"}, REDIRECT, None),
    # The person concerned cannot use the code (models.code_match).
    ("by-code-about-me", "feedback:detail_by_code", lambda w: [w.about_me.code], WUYE, REDIRECT, None),
    ("by-code-colleague", "feedback:detail_by_code", lambda w: [w.theirs.code], WUYE, REDIRECT, None),
    ("photo-mine", "feedback:attachment", lambda w: _attachment(w.mine), WUYE | {"staff_wuye"}, 200, None),
    ("photo-about-me", "feedback:attachment", lambda w: _attachment(w.about_me), WUYE | {"staff_wuye"}, 200, None),
    ("photo-colleague", "feedback:attachment", lambda w: _attachment(w.theirs), WUYE, 200, None),
    ("photo-other-dept", "feedback:attachment", lambda w: _attachment(w.other), YINSHI, 200, None),
]

CASES = [
    pytest.param(name, args, role, expected, marker, id=f"{case}-{role}")
    for case, name, args, allowed, ok, marker in PAGES
    for role, expected in expect(allowed, ok).items()
]


@pytest.mark.parametrize("name, args, role, expected, marker", CASES)
def test_it_guards_every_feedback_page_by_role_and_scope(client, org, world, name, args, role, expected, marker):
    world.org = org
    if role != "anonymous":
        client.force_login(getattr(org, role))
    response = client.get(reverse(name, args=args(world)))
    if expected == LOGIN:
        assert response.status_code == 302 and response["Location"].startswith(reverse("login") + "?next=")
    elif expected == REDIRECT:
        assert response.status_code == 302 and response["Location"].startswith("/staff/feedback/")
    else:
        assert response.status_code == expected
        if expected == 200 and marker is not None:
            assert marker in response.content.decode()


# --- What front-line staff see ---------------------------------------------------------------------


def _export(client) -> str:
    response = client.get(reverse("feedback:export"))
    rows = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True)
    return "\n".join("\t".join("" if v is None else str(v) for v in row) for row in rows)


def test_it_lists_and_exports_for_front_line_staff_only_their_items(client, org, world):
    client.force_login(org.staff_wuye)
    inbox = client.get(reverse("feedback:inbox")).content.decode()
    export = _export(client)
    for text in (inbox, export):
        assert "分给我的事项" in text and "关于我的投诉" in text
        assert "同事的事项" not in text and "饮食中心的事项" not in text
    assert inbox.count('data-testid="inbox-row"') == 2 and len(export.splitlines()) == 3
    # Their own item shows who sent it; the one about them does not, nor its code.
    assert export.count(NAME) == 1 and world.about_me.code not in export + inbox and f"#{world.about_me.pk}" in export
    # A filter or a search does not widen the list.
    searched = client.get(reverse("feedback:inbox"), {"q": "同事", "department": org.wuye.pk}).content.decode()
    assert "同事的事项" not in searched
    # The head of the department still sees everything of it.
    client.force_login(org.head_wuye)
    assert {"分给我的事项", "关于我的投诉", "同事的事项"} <= {t for t in ("分给我的事项", "关于我的投诉", "同事的事项")
                                                      if t in _export(client)}


def test_it_reads_the_rule_in_the_queryset_not_only_in_the_templates(org, world):
    seen = set(Feedback.objects.visible_to(org.staff_wuye).values_list("pk", flat=True))
    assert seen == {world.mine.pk, world.about_me.pk}
    assert Feedback.objects.visible_to(org.head_wuye).count() == 3
    assert Feedback.objects.visible_to(org.operator).count() == 4


def test_it_shows_no_identity_and_no_action_on_an_item_about_the_staff_member(client, org, world):
    FEEDBACK.apply(world.about_me, "start", by=org.head_wuye)
    client.force_login(org.staff_wuye)
    html = client.get(world.about_me.get_absolute_url()).content.decode()
    assert "关于我的投诉" in html and NAME not in html and PHONE not in html and world.about_me.code not in html
    for marker in ('data-testid="reply-form"', 'data-testid="action-', 'data-testid="assign-form"', "feedback:act"):
        assert marker not in html
    # And the services refuse what the page does not offer.
    with pytest.raises(TransitionError):
        services.add_reply(world.about_me, "是学生先动手的", by=org.staff_wuye, public=True)
    with pytest.raises(TransitionError):
        services.add_reply(world.about_me, "内部说明", by=org.staff_wuye, public=False)
    with pytest.raises(TransitionError):
        FEEDBACK.apply(world.about_me, "resolve", by=org.staff_wuye, note="已处理")
    client.post(reverse("feedback:reply", args=[world.about_me.pk]), {"body": "我没有", "visibility": "public", "resolve": "on"})
    client.post(reverse("feedback:act", args=[world.about_me.pk]), {"action": "accept"})
    world.about_me.refresh_from_db()
    assert world.about_me.status == Status.IN_PROGRESS and not world.about_me.replies.exists()


def test_it_lets_staff_work_on_the_items_assigned_to_them(client, org, world):
    client.force_login(org.staff_wuye)
    html = client.get(world.mine.get_absolute_url()).content.decode()
    assert NAME in html and 'data-testid="reply-form"' in html and 'data-testid="action-start"' in html
    client.post(reverse("feedback:act", args=[world.mine.pk]), {"action": "start"})
    client.post(reverse("feedback:reply", args=[world.mine.pk]), {"body": "已更换灯泡", "visibility": "public", "resolve": "on"})
    world.mine.refresh_from_db()
    assert world.mine.status == Status.RESOLVED and world.mine.replies.get().author == org.staff_wuye


POSTS = [
    ("act", {"action": "accept"}), ("act", {"action": "start"}), ("assign", {"staff": 1}),
    ("reply", {"body": "答复", "visibility": "public"}), ("reply", {"body": "备注", "visibility": "internal"}),
    ("callback", {"reached": "0"}), ("transfer", {"department": 1}), ("merge", {"target": "X"}),
    ("request_transfer", {"department": 1, "reason": "不归我们"}), ("decide_transfer", {"decision": "accept"}),
]


@pytest.mark.parametrize("name, data", POSTS, ids=[f"{n}-{'-'.join(map(str, d.values()))}" for n, d in POSTS])
def test_it_lets_staff_change_nothing_on_items_not_assigned_to_them(client, org, world, name, data):
    data = {**data, "staff": profile(org.staff_wuye).pk} if name == "assign" else data
    data = {**data, "department": org.yinshi.pk} if name in ("transfer", "request_transfer") else data
    client.force_login(org.staff_wuye)
    before = {fb.pk: (fb.status, fb.events.count(), fb.replies.count()) for fb in (world.about_me, world.theirs, world.other)}
    for fb in (world.about_me, world.theirs, world.other):
        response = client.post(reverse(f"feedback:{name}", args=[fb.pk]), data)
        # Items outside their list do not exist for them; the one about them is refused with a message.
        assert response.status_code == (302 if fb is world.about_me and name in ("act", "reply") else 404)
    after = {fb.pk: (fb.status, fb.events.count(), fb.replies.count())
             for fb in Feedback.objects.filter(pk__in=before)}
    assert after == before


def test_it_lets_only_the_head_or_the_assignee_answer_the_submitter(org, world):
    colleague_user = type(org.staff_wuye).objects.create_user("colleague", password="x")
    Staff.objects.filter(pk=world.colleague.pk).update(user=colleague_user)
    services.add_reply(world.theirs, "正在处理", by=colleague_user, public=True)  # the assignee
    services.add_reply(world.theirs, "已安排", by=org.head_wuye, public=True)  # the head
    with pytest.raises(TransitionError):
        services.add_reply(world.theirs, "我来答复", by=org.staff_wuye, public=True)  # a colleague not assigned
    with pytest.raises(TransitionError):
        services.add_reply(world.theirs, "评委意见", by=org.judge, public=True)
    assert list(world.theirs.replies.values_list("body", flat=True)) == ["正在处理", "已安排"]


def test_it_refuses_to_assign_an_item_to_the_staff_member_it_is_about(client, org, world):
    with pytest.raises(TransitionError, match="物业员工"):
        services.assign(world.about_me, profile(org.staff_wuye), by=org.head_wuye)
    client.force_login(org.head_wuye)
    page = client.post(reverse("feedback:assign", args=[world.about_me.pk]), {"staff": profile(org.staff_wuye).pk},
                       follow=True).content.decode()
    world.about_me.refresh_from_db()
    assert world.about_me.assigned_to == world.colleague and "请指派给其他同事" in page
