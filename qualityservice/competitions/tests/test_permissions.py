"""Every staff view of the app against every role (the permission matrix), on a department competition of the
property centre organised by its head: round 1 final, round 2 (the last) in public notice, an open flag, an
objection, a certificate. Anonymous visitors are sent to sign in; a view a role may not use is a 404 whose body
names nothing of the competition; a refused POST changes nothing. Roles: the contestant (staff of the property
centre), the organiser (its head), the head of another centre, the supervisor, the administrator, the hotline
operator, the appointed judge, the chief judge, and a judge appointed only to another competition."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from qualityservice.competitions import services, staff_urls
from qualityservice.competitions.models import (
    Appointment,
    Certificate,
    Competition,
    Contestant,
    Flag,
    Objection,
    Round,
    RubricVersion,
    Sheet,
)
from qualityservice.competitions.workflows import CONTESTANT, ROUND

from .factories import build, confirm_all, make_judge, score, sheets_of, values

pytestmark = pytest.mark.django_db

TITLE = "物业中心客房保洁技能比武"
SEES = "sees"  # 200, naming the competition (or the contestant, or a file)
NOT_LISTED = "not listed"  # 200, without the competition
DONE = "done"  # a POST the role may send: back to a page (302), whatever the move's own answer
ORGANISERS = ("head_wuye", "supervisor", "admin")
ROLES = ("staff_wuye", "head_wuye", "head_yinshi", "supervisor", "admin", "operator", "judge", "chief", "other_judge")


def _row(default, **cells):
    return {role: cells.get(role, default) for role in ROLES}


def organisers(value=SEES, default=404, **more):
    return _row(default, **{role: value for role in ORGANISERS}, **more)


MATRIX = {
    "list": _row(404, head_wuye=SEES, supervisor=SEES, admin=SEES, head_yinshi=NOT_LISTED),
    "mine": _row(NOT_LISTED, staff_wuye=SEES, judge=SEES, chief=SEES),
    "new": _row(404, head_wuye=SEES, supervisor=SEES, admin=SEES, head_yinshi=SEES),
    "detail": organisers(),
    "edit": organisers(),
    "move": organisers(DONE),
    "rubric": organisers(),
    "criterion_new": organisers(),
    "criterion_edit": organisers(),
    "deduction_new": organisers(),
    "deduction_edit": organisers(),
    "rubric_item_delete": organisers(DONE),
    "rubric_version": organisers(DONE),
    "round_new": organisers(),
    "signup": organisers(DONE, staff_wuye=DONE),
    "appointment_new": organisers(),
    "conflict_new": organisers(DONE),
    "certificates_issue": organisers(DONE),
    "round": organisers(chief=SEES),
    "round_edit": organisers(),
    "round_move": organisers(DONE, chief=DONE),
    "standings": organisers(chief=SEES),
    "judge_analysis": organisers(chief=SEES),
    "matrix_export": organisers(chief=SEES),
    "results_pdf": organisers(chief=SEES),
    "judge_export": organisers(chief=SEES, judge=SEES),
    "objection_new": _row(DONE),
    "contestant_move": organisers(DONE, staff_wuye=DONE),
    "appointment_edit": organisers(),
    "judging": _row(404, judge=SEES),
    "sheet": organisers(chief=SEES, judge=SEES),
    "sheet_save": organisers(DONE, judge=DONE),
    "sheet_submit": organisers(DONE, judge=DONE),
    "sheet_correct": _row(404, judge=DONE),
    "sheet_move": organisers(DONE, chief=DONE),
    "sheet_reentry": organisers(),
    "flag_resolve": organisers(DONE, chief=DONE),
    "objection_answer": organisers(DONE),
    "certificate_pdf": organisers(),
    "certificate_move": organisers(DONE),
}
VIEWS = tuple(MATRIX)


@pytest.fixture
def world(org):
    """The department competition, scored through both rounds as described above."""
    setup = build(org, contestants=2, panel=1, reserves=0, department=org.wuye, by=org.head_wuye, open_round=False,
                  contestant_department=org.wuye, two_rounds=True)
    competition = setup.competition
    Competition.objects.filter(pk=competition.pk).update(title=TITLE)
    competition.refresh_from_db()
    appointed, _created = services.appoint(competition, org.judge.staff, role=Appointment.Role.PANEL, order=30, by=org.head_wuye, key=None)
    contestant, _created = services.sign_up(competition, org.staff_wuye.staff, by=org.staff_wuye, key=None)
    CONTESTANT.apply(contestant, "approve", by=org.head_wuye)
    other = build(org, contestants=0, panel=0, reserves=0, open_round=False)
    other_judge = make_judge(org.office, "别的比武评委")
    services.appoint(other.competition, other_judge.staff, role=Appointment.Role.PANEL, by=org.supervisor, key=None)
    first = ROUND.apply(setup.round, "open", by=org.head_wuye)
    for sheet in sheets_of(first):
        score(sheet, values(9, 9, 9) if sheet.entry.contestant_id == contestant.pk else values(7, 7, 7))
    ROUND.apply(first, "close", by=org.head_wuye)
    setup.round = first
    confirm_all(setup)
    ROUND.apply(first, "verify", by=setup.chief)
    ROUND.apply(first, "publish", by=org.head_wuye)
    Round.objects.filter(pk=first.pk).update(notice_until=timezone.now() - dt.timedelta(minutes=1))
    ROUND.apply(Round.objects.get(pk=first.pk), "finalise", by=org.head_wuye)
    second = ROUND.apply(setup.final, "open", by=org.head_wuye)
    for sheet in sheets_of(second):
        score(sheet, values(8, 8, 8))
    ROUND.apply(second, "close", by=org.head_wuye)
    setup.round = second
    confirm_all(setup)
    ROUND.apply(second, "verify", by=setup.chief)
    second = ROUND.apply(second, "publish", by=org.head_wuye)
    sheet = next(s for s in sheets_of(second, appointed) if s.entry.contestant_id == contestant.pk)
    flag = Flag.objects.create(round=second, kind=Flag.Kind.SPREAD, key="spread:test", entry=sheet.entry, detail={})
    objection, _created = services.raise_objection(second, by=org.staff_yinshi, text="请复核", key=None)
    certificate = Certificate.objects.create(competition=competition, contestant=contestant, department=org.wuye,
                                             serial="JS-2026-TESTSERIAL", award="一等奖", rank=1)
    Competition.objects.filter(pk=competition.pk).update(blind_reentry=True)
    rubric = RubricVersion.objects.get(competition=competition, number=1)
    return {"competition": competition, "round": second, "contestant": contestant, "appointed": appointed, "sheet": sheet,
            "flag": flag, "objection": objection, "certificate": certificate, "chief": setup.chief, "other_judge": other_judge,
            "criterion": rubric.criteria.get(code="caozuo"), "deduction": rubric.deductions.get()}


def _views(w) -> dict[str, tuple]:
    """Every staff view: name -> (method, URL, POST data)."""
    c, r, s = w["competition"], w["round"], w["sheet"]
    return {
        "list": ("get", reverse("competitions:list"), None),
        "mine": ("get", reverse("competitions:mine"), None),
        "new": ("get", reverse("competitions:new"), None),
        "detail": ("get", c.get_absolute_url(), None),
        "edit": ("get", c.get_edit_url(), None),
        "move": ("post", c.get_move_url(), {"action": "nonsense"}),
        "rubric": ("get", reverse("competitions:rubric", args=[c.pk]), None),
        "criterion_new": ("get", reverse("competitions:criterion_new", args=[c.pk]), None),
        "criterion_edit": ("get", reverse("competitions:criterion_edit", args=[c.pk, w["criterion"].pk]), None),
        "deduction_new": ("get", reverse("competitions:deduction_new", args=[c.pk]), None),
        "deduction_edit": ("get", reverse("competitions:deduction_edit", args=[c.pk, w["deduction"].pk]), None),
        "rubric_item_delete": ("post", reverse("competitions:rubric_item_delete", args=[c.pk, "criterion", w["criterion"].pk]), {}),
        "rubric_version": ("post", reverse("competitions:rubric_version", args=[c.pk]), {"note": ""}),
        "round_new": ("get", reverse("competitions:round_new", args=[c.pk]), None),
        "signup": ("post", reverse("competitions:signup", args=[c.pk]), {"badge_number": "nobody", "submission_key": "permission-signup"}),
        "appointment_new": ("get", reverse("competitions:appointment_new", args=[c.pk]), None),
        "conflict_new": ("post", reverse("competitions:conflict_new", args=[c.pk]), {}),
        "certificates_issue": ("post", reverse("competitions:certificates_issue", args=[c.pk]), {}),
        "round": ("get", r.get_absolute_url(), None),
        "round_edit": ("get", reverse("competitions:round_edit", args=[r.pk]), None),
        "round_move": ("post", r.get_move_url(), {"action": "nonsense"}),
        "standings": ("get", reverse("competitions:standings", args=[r.pk]), None),
        "judge_analysis": ("get", reverse("competitions:judge_analysis", args=[r.pk]), None),
        "matrix_export": ("get", reverse("competitions:matrix_export", args=[r.pk]), None),
        "results_pdf": ("get", reverse("competitions:results_pdf", args=[r.pk]), None),
        "judge_export": ("get", reverse("competitions:judge_export", args=[r.pk, w["appointed"].pk]), None),
        "objection_new": ("post", reverse("competitions:objection_new", args=[r.pk]), {"text": ""}),
        "contestant_move": ("post", reverse("competitions:contestant_move", args=[w["contestant"].pk]), {"action": "nonsense"}),
        "appointment_edit": ("get", reverse("competitions:appointment_edit", args=[w["appointed"].pk]), None),
        "judging": ("get", reverse("competitions:judging", args=[w["appointed"].pk]), None),
        "sheet": ("get", reverse("competitions:sheet", args=[s.pk]), None),
        "sheet_save": ("post", reverse("competitions:sheet_save", args=[s.pk]), {"c-caozuo": "1"}),
        "sheet_submit": ("post", reverse("competitions:sheet_submit", args=[s.pk]), {}),
        "sheet_correct": ("post", reverse("competitions:sheet_correct", args=[s.pk]), {"c-caozuo": "1", "reason": "改"}),
        "sheet_move": ("post", reverse("competitions:sheet_move", args=[s.pk]), {"action": "return", "reason": ""}),
        "sheet_reentry": ("get", reverse("competitions:sheet_reentry", args=[s.pk]), None),
        "flag_resolve": ("post", reverse("competitions:flag_resolve", args=[w["flag"].pk]), {"decision": "accept", "note": ""}),
        "objection_answer": ("post", reverse("competitions:objection_answer", args=[w["objection"].pk]), {"answer": ""}),
        "certificate_pdf": ("get", w["certificate"].get_pdf_url(), None),
        "certificate_move": ("post", w["certificate"].get_move_url(), {"reason": ""}),
    }


def _user(org, world, who):
    return world[who] if who in ("chief", "other_judge") else getattr(org, who)


def _state(world):
    """What a refused (or harmless) POST must leave as it was."""
    sheet = Sheet.objects.get(pk=world["sheet"].pk)
    return (Round.objects.get(pk=world["round"].pk).status, Competition.objects.get(pk=world["competition"].pk).status,
            sheet.status, sheet.version, Flag.objects.get(pk=world["flag"].pk).status,
            Objection.objects.get(pk=world["objection"].pk).status, Certificate.objects.get(pk=world["certificate"].pk).status,
            Contestant.objects.get(pk=world["contestant"].pk).status, world["criterion"].__class__.objects.filter(pk=world["criterion"].pk).exists())


def test_the_matrix_covers_every_view_of_the_app(world):
    assert tuple(_views(world)) == VIEWS
    assert set(VIEWS) == {p.name for p in staff_urls.urlpatterns}
    assert all(tuple(row) == ROLES for row in MATRIX.values())


def test_it_sends_anonymous_visitors_to_sign_in_from_every_staff_view(client, world):
    before = _state(world)
    for name, (method, url, data) in _views(world).items():
        response = client.post(url, data or {}) if method == "post" else client.get(url)
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("login")), name
    assert _state(world) == before


@pytest.mark.parametrize("who", ROLES)
def test_it_gives_each_role_what_the_matrix_says(client, org, world, who):
    client.force_login(_user(org, world, who))
    before = _state(world)
    for name, (method, url, data) in _views(world).items():
        expected = MATRIX[name][who]
        response = client.post(url, data or {}) if method == "post" else client.get(url)
        body = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
        if expected == 404:
            assert response.status_code == 404, name
            assert TITLE.encode() not in body, name
        elif expected == DONE:
            assert response.status_code == 302, (name, response.status_code)
        else:
            assert response.status_code == 200, (name, response.status_code)
            kind = response.get("Content-Type", "")
            if kind.startswith("application/pdf"):
                assert body.startswith(b"%PDF"), name
            elif "spreadsheet" in kind:
                assert body.startswith(b"PK"), name
            elif name in ("new", "criterion_new", "deduction_new", "round_new", "appointment_new"):
                assert b'name="submission_key"' in body, name
            elif name in ("sheet", "sheet_reentry", "judging"):
                assert "物业员工".encode() in body, name
            else:
                assert (TITLE.encode() in body) == (expected == SEES), name
    # Every POST above was refused or harmless: the statuses are what they were.
    assert _state(world) == before, who


def test_a_head_of_another_centre_sees_a_group_wide_competition_to_sign_up_staff_but_not_its_scores(client, org):
    setup = build(org, contestants=1, panel=1, reserves=0)
    client.force_login(org.head_wuye)
    assert "2026年烹饪技能比武" in client.get(reverse("competitions:list")).content.decode()
    body = client.get(setup.competition.get_absolute_url()).content.decode()
    assert "2026年烹饪技能比武" in body and 'data-testid="judges"' not in body and "专属评分链接" not in body
    assert client.get(setup.round.get_absolute_url()).status_code == 404
    assert client.get(reverse("competitions:standings", args=[setup.round.pk])).status_code == 404
    sheet = sheets_of(setup.round)[0]
    assert client.get(reverse("competitions:sheet", args=[sheet.pk])).status_code == 404
    # The head of the contestant's own centre neither.
    client.force_login(org.head_yinshi)
    assert client.get(reverse("competitions:sheet", args=[sheet.pk])).status_code == 404


def test_it_refuses_get_on_the_move_views(client, org, world):
    client.force_login(org.supervisor)
    for url in (world["competition"].get_move_url(), world["round"].get_move_url(),
                reverse("competitions:sheet_move", args=[world["sheet"].pk])):
        assert client.get(url).status_code == 405
