"""Every staff view of the app against every role (the permission matrix), on a round of the property centre
(物业管理中心) whose head coordinates it: anonymous visitors are sent to sign in; the author, a colleague of the
same department, a member of staff of another department, the department's head, another department's head, the
supervisor, the administrator, the hotline operator, a judge who was not assigned and the assigned reviewer each
get what the matrix says — a page (with the idea on it), the colleague's view, a page without the idea, a POST that
takes effect or is refused with nothing changed, or a 404 that reveals nothing."""

import pytest
from django.urls import reverse

from qualityservice.ideas import services, staff_urls
from qualityservice.ideas.models import Comment, Idea, IdeaFile, Measurement, Milestone, Support
from qualityservice.ideas.tests.factories import jpeg, judge, make_idea, make_round, measure_kwh, score, to_implemented, to_review
from qualityservice.ideas.workflows import IDEA
from qualityservice.org.tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

TITLE = "报修流程改为线上扫码报修"
PAGE = "page"  # 200 with the idea's title
COLLEAGUE = "colleague"  # 200: the colleague's view (support button, no timeline)
NOT_LISTED = "not listed"  # 200 without the idea
AWAY = "away"  # a GET answered by a redirect with a message (nothing to do there now)
DONE = "done"  # the POST took effect
REFUSED = "refused"  # the POST was answered with a message and changed nothing
PDF = "pdf"

VIEWS = ("mine", "board", "new", "similar", "detail", "edit", "support", "comment", "move", "assign", "replace_reviewer", "review",
         "milestone_add",
         "milestone_mark", "measure", "verify", "certificate", "file", "queue", "export", "rounds", "round_new", "round_edit",
         "participation")
ROLES = ("author", "colleague", "other_staff", "head_same", "head_other", "supervisor", "admin", "operator", "judge", "reviewer")

_ALL_404 = dict.fromkeys(VIEWS, 404)
MATRIX = {
    # The author: their idea in full; may not decide, review or verify it.
    "author": {**_ALL_404, "mine": PAGE, "board": PAGE, "new": PAGE, "similar": PAGE, "detail": PAGE, "edit": AWAY,
               "support": REFUSED, "comment": DONE, "move": REFUSED, "milestone_add": 404, "verify": REFUSED,
               "certificate": PDF, "file": PDF},
    # A colleague of the same department: the round is theirs; the idea in the colleague's view, supported; they own
    # the implementation of another idea.
    "colleague": {**_ALL_404, "mine": NOT_LISTED, "board": PAGE, "new": PAGE, "similar": PAGE, "detail": COLLEAGUE, "support": DONE,
                  "milestone_add": DONE, "milestone_mark": DONE, "file": PDF},
    # Staff of another department: a department's round is not theirs.
    "other_staff": {**_ALL_404, "mine": NOT_LISTED, "board": NOT_LISTED, "new": AWAY, "similar": NOT_LISTED},
    # The department's head coordinates the department's round.
    "head_same": {**_ALL_404, "mine": NOT_LISTED, "board": PAGE, "new": PAGE, "similar": PAGE, "detail": PAGE, "support": DONE,
                  "comment": DONE, "move": DONE, "assign": DONE, "replace_reviewer": DONE, "milestone_add": DONE, "milestone_mark": DONE, "measure": PAGE,
                  "verify": REFUSED, "certificate": PDF, "file": PDF, "queue": PAGE, "export": PAGE, "rounds": PAGE,
                  "round_new": PAGE, "round_edit": PAGE, "participation": PAGE},
    "head_other": {**_ALL_404, "mine": NOT_LISTED, "board": NOT_LISTED, "new": AWAY, "similar": NOT_LISTED, "queue": NOT_LISTED,
                   "export": NOT_LISTED, "rounds": NOT_LISTED, "round_new": PAGE, "participation": NOT_LISTED},
    "supervisor": {**_ALL_404, "mine": NOT_LISTED, "board": PAGE, "new": PAGE, "similar": PAGE, "detail": PAGE, "support": DONE,
                   "comment": DONE, "move": DONE, "assign": DONE, "replace_reviewer": DONE, "milestone_add": DONE, "milestone_mark": DONE, "measure": PAGE,
                   "verify": DONE, "certificate": PDF, "file": PDF, "queue": PAGE, "export": PAGE, "rounds": PAGE, "round_new": PAGE,
                   "round_edit": PAGE, "participation": PAGE},
    "operator": {**_ALL_404, "mine": NOT_LISTED, "board": NOT_LISTED, "new": AWAY, "similar": NOT_LISTED},
    # A judge sees only what they were assigned to review.
    "judge": {**_ALL_404, "mine": NOT_LISTED},
    "reviewer": {**_ALL_404, "mine": PAGE, "detail": PAGE, "comment": DONE, "move": REFUSED, "review": PAGE, "verify": REFUSED,
                 "certificate": PDF, "file": PDF},
}
MATRIX["admin"] = {**MATRIX["supervisor"]}


@pytest.fixture
def world(org):
    """The property centre's round and five ideas of its staff member (staff_wuye): one under review (the
    assigned reviewer, a photo), one being implemented by a colleague, one implemented and not measured yet, one
    implemented with a measurement waiting for its verifier (recorded by the head), one awarded."""
    round_ = make_round(org.wuye, title="物业中心金点子")
    colleague = UserFactory()
    StaffFactory(user=colleague, department=org.wuye, name="物业同事")
    reviewer = judge(org, "指定评委")
    org.colleague, org.reviewer, org.other_staff, org.head_same, org.head_other = (colleague, reviewer, org.staff_yinshi,
                                                                                    org.head_wuye, org.head_yinshi)
    org.author = org.staff_wuye
    idea = make_idea(round_, org.staff_wuye, title=TITLE, files=services_files())
    to_review(idea, org.head_wuye, [reviewer])
    implementing = make_idea(round_, org.staff_wuye, title="保洁工具定点领用")
    to_review(implementing, org.head_wuye, [reviewer])
    score(implementing, reviewer)
    IDEA.apply(implementing, "adopt", by=org.head_wuye, owner=colleague)
    IDEA.apply(implementing, "start", by=colleague)
    step, _created = services.add_milestone(implementing, by=colleague, title="试点")
    ready = to_implemented(make_idea(round_, org.staff_wuye, title="空调温度统一设定"), org.head_wuye, reviewer, org.head_wuye)
    implemented = to_implemented(make_idea(round_, org.staff_wuye, title="走廊灯改声控"), org.head_wuye, reviewer, org.head_wuye)
    measure_kwh(implemented, org.head_wuye)
    awarded = to_implemented(make_idea(round_, org.staff_wuye, title="绿化浇灌改用中水"), org.head_wuye, reviewer, org.head_wuye)
    measure_kwh(awarded, org.head_wuye)
    IDEA.apply(awarded, "verify", by=org.supervisor)
    IDEA.apply(awarded, "award", by=org.head_wuye, tier="third")
    return {"round": round_, "idea": idea, "assignment": idea.assignments.get(), "implementing": implementing, "step": step, "ready": ready, "implemented": implemented, "awarded": awarded,
            "photo": IdeaFile.objects.get(idea=idea)}


def services_files():
    from qualityservice.ideas.uploads import clean_upload

    return [clean_upload(jpeg())]


def _views(w) -> dict:
    """Every staff view: name -> (method, URL, POST data, what shows it worked: the marker text or a check)."""
    idea = w["idea"]
    return {
        "mine": ("get", reverse("ideas:mine"), None, TITLE),
        "board": ("get", reverse("ideas:board"), None, TITLE),
        "new": ("get", reverse("ideas:new"), None, 'name="submission_key"'),
        "similar": ("get", reverse("ideas:similar") + f"?round={w['round'].pk}&title=报修流程线上扫码", None, TITLE),
        "detail": ("get", idea.get_absolute_url(), None, TITLE),
        "edit": ("get", idea.get_edit_url(), None, TITLE),
        "support": ("post", reverse("ideas:support", args=[idea.pk]), {"support": "1"},
                    lambda: Support.objects.filter(idea=idea).exists()),
        "comment": ("post", reverse("ideas:comment", args=[idea.pk]), {"text": "建议先试点", "submission_key": "k" * 32},
                    lambda: Comment.objects.filter(idea=idea).exists()),
        "move": ("post", idea.get_move_url(), {"action": "decline", "reason": "暂不采纳"},
                 lambda: Idea.objects.get(pk=idea.pk).status == "not_adopted"),
        "assign": ("post", reverse("ideas:assign", args=[idea.pk]), {"others": "T09999"},
                   lambda: idea.assignments.count() == 2),
        "replace_reviewer": ("post", reverse("ideas:replace_reviewer", args=[idea.pk]),
                             {"assignment": w["assignment"].pk, "other": "T09998", "reason": "评委出差"},
                             lambda: idea.assignments.filter(replaced_at__isnull=False).exists()),
        "review": ("get", idea.get_review_url(), None, TITLE),
        "milestone_add": ("post", reverse("ideas:milestone_add", args=[w["implementing"].pk]), {"title": "推广", "weight": 1, "submission_key": "m" * 32},
                          lambda: Milestone.objects.filter(title="推广").exists()),
        "milestone_mark": ("post", reverse("ideas:milestone_mark", args=[w["implementing"].pk, w["step"].pk]), {"done": "1"},
                           lambda: Milestone.objects.get(pk=w["step"].pk).done_on is not None),
        "measure": ("get", reverse("ideas:measure", args=[w["ready"].pk]), None, 'name="baseline_start"'),
        "verify": ("post", reverse("ideas:verify", args=[w["implemented"].pk]), {"decision": "confirm"},
                   lambda: Idea.objects.get(pk=w["implemented"].pk).status == "measured"),
        "certificate": ("get", reverse("ideas:certificate", args=[w["awarded"].pk]), None, None),
        "file": ("get", w["photo"].get_absolute_url(), None, None),
        "queue": ("get", reverse("ideas:queue"), None, TITLE),
        "export": ("get", reverse("ideas:export"), None, None),
        "rounds": ("get", reverse("ideas:rounds"), None, "物业中心金点子"),
        "round_new": ("get", reverse("ideas:round_new"), None, 'name="criteria-TOTAL_FORMS"'),
        "round_edit": ("get", reverse("ideas:round_edit", args=[w["round"].pk]), None, "物业中心金点子"),
        "participation": ("get", reverse("ideas:participation"), None, "物业管理中心"),
    }


def _export_lists_the_idea(response) -> bool:
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(b"".join(response.streaming_content)), read_only=True).worksheets[0]
    return any(TITLE in [str(c) for c in row] for row in sheet.iter_rows(values_only=True))


def test_the_matrix_covers_every_view_of_the_app(world):
    assert tuple(_views(world)) == VIEWS == tuple(p.name for p in staff_urls.urlpatterns)
    assert set(MATRIX) == set(ROLES) and all(tuple(row) == VIEWS for row in MATRIX.values())


def test_it_sends_anonymous_visitors_to_sign_in_from_every_staff_view(client, world):
    for name, (method, url, data, _marker) in _views(world).items():
        response = client.post(url, data or {}) if method == "post" else client.get(url)
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("login")), name
    assert not Support.objects.exists() and not Comment.objects.exists()
    assert Idea.objects.get(pk=world["idea"].pk).status == "review"


@pytest.mark.parametrize("who", ROLES)
def test_it_gives_each_role_what_the_matrix_says(client, org, world, who):
    user = getattr(org, who)
    client.force_login(user)
    StaffFactory(department=org.wuye, badge_number="T09999", user=UserFactory(), name="另一位评委")
    StaffFactory(department=org.wuye, badge_number="T09998", user=UserFactory(), name="替换的评委")
    views = _views(world)
    for name in sorted(views, key=lambda n: n == "move"):  # the move last: it closes the review
        method, url, data, marker = views[name]
        expected = MATRIX[who][name]
        if method == "post":
            response = client.post(url, data)
            if expected == 404:
                assert response.status_code == 404, name
                assert TITLE not in response.content.decode(), name
                assert not marker(), name
            else:
                assert response.status_code == 302, name
                assert marker() == (expected == DONE), (name, expected)
            continue
        response = client.get(url)
        if expected == 404:
            assert response.status_code == 404, name
            assert TITLE not in response.content.decode(), name
        elif expected == AWAY:
            assert response.status_code == 302, name
            body = client.get(response["Location"]).content.decode()
            assert "alert" in body, name
        elif expected == PDF:
            assert response.status_code == 200, name
            content = b"".join(response.streaming_content) if response.streaming else response.content
            assert content[:4] in (b"%PDF", b"\xff\xd8\xff\xe0"), name  # the certificate, or the JPEG photo
        elif name == "export":
            assert response.status_code == 200, name
            assert _export_lists_the_idea(response) == (expected == PAGE), name
        else:
            assert response.status_code == 200, name
            body = response.content.decode()
            if expected == COLLEAGUE:
                assert TITLE in body and 'data-testid="support-button"' in body and "idea-events" not in body, name
            else:
                assert (marker in body) == (expected == PAGE), (name, expected)


def test_it_shows_a_colleague_of_a_group_round_the_idea_and_another_departments_head_the_same(client, org):
    round_ = make_round(None, title="集团金点子")
    idea = make_idea(round_, org.staff_wuye, title=TITLE)
    for user in (org.staff_yinshi, org.head_yinshi, org.operator):
        client.force_login(user)
        body = client.get(idea.get_absolute_url()).content.decode()
        assert TITLE in body and 'data-testid="support-button"' in body and "idea-events" not in body
    client.force_login(org.judge)
    assert client.get(idea.get_absolute_url()).status_code == 404


def test_a_head_reads_the_departments_ideas_of_a_group_round_but_does_not_coordinate_them(client, org):
    round_ = make_round(None, title="集团金点子")
    idea = make_idea(round_, org.staff_wuye, title=TITLE)
    client.force_login(org.head_wuye)
    body = client.get(idea.get_absolute_url()).content.decode()
    assert TITLE in body and "idea-events" in body and 'value="accept"' not in body
    body = client.post(idea.get_move_url(), {"action": "accept"}, follow=True).content.decode()
    assert "您无权执行" in body
    assert Idea.objects.get(pk=idea.pk).status == "submitted"
    client.force_login(org.supervisor)
    assert 'value="accept"' in client.get(idea.get_absolute_url()).content.decode()


def test_it_refuses_get_on_every_change(client, org, world):
    client.force_login(org.supervisor)
    for name in ("support", "comment", "move", "assign", "milestone_add", "milestone_mark", "verify"):
        method, url, _data, _marker = _views(world)[name]
        assert client.get(url).status_code == 405, name


def test_the_measurement_files_are_not_shown_to_colleagues(client, org, world):
    implemented = world["implemented"]
    measurement = Measurement.objects.get(idea=implemented)
    evidence = IdeaFile.objects.create(idea=implemented, measurement=measurement, name="meter.jpg", is_image=True,
                                       file=jpeg("meter.jpg"))
    client.force_login(org.colleague)
    assert client.get(evidence.get_absolute_url()).status_code == 404
    client.force_login(org.staff_wuye)
    assert client.get(evidence.get_absolute_url()).status_code == 200
