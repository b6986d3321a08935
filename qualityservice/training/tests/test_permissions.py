"""Every view of the app against every role (the permission matrix): anonymous visitors are sent to sign in;
the department's head and the supervisor get the pages with the department's session; the head of another
department gets lists without it and a 404 for its pages; plain staff, hotline operators and judges get a 404
everywhere but their own record. A refused POST changes nothing."""

import pytest
from django.urls import reverse

from qualityservice.training import staff_urls
from qualityservice.training.models import TrainingSession

from .helpers import make_session, xlsx_text

pytestmark = pytest.mark.django_db

TOPIC = "物业中心消防安全培训"
SEES = "sees"  # 200 with the wuye session's marker (the "new"/"import" pages: the form; the template: its columns)
NOT_LISTED = "not listed"  # 200 without it
VIEWS = ("list", "new", "detail", "edit", "import", "import_template", "export", "staff_hours", "staff_hours_export",
         "staff_record", "department_hours", "department_hours_export", "mine")
MANAGER = dict.fromkeys(VIEWS, SEES)
OTHER_HEAD = {**dict.fromkeys(VIEWS, NOT_LISTED), "new": SEES, "import": SEES, "import_template": SEES,
              "detail": 404, "edit": 404, "staff_record": 404}
OWN_RECORD_ONLY = {**dict.fromkeys(VIEWS, 404), "mine": NOT_LISTED}

MATRIX = {
    "head_wuye": MANAGER,
    "supervisor": {**MANAGER, "mine": NOT_LISTED},
    "admin": {**MANAGER, "mine": NOT_LISTED},  # the administrator's own record: no session
    "head_yinshi": OTHER_HEAD,
    "staff_wuye": {**dict.fromkeys(VIEWS, 404), "mine": SEES},  # attended the session
    "operator": OWN_RECORD_ONLY,
    "judge": OWN_RECORD_ONLY,
}
# What shows that the page has the wuye session (or its department's figures).
MARKERS = {"staff_hours": "物业员工", "staff_hours_export": "物业员工", "staff_record": "物业员工",
           "department_hours": "物业管理中心", "department_hours_export": "物业管理中心",
           "new": 'name="submission_key"', "import": 'name="file"', "import_template": "参训人员工号"}


@pytest.fixture
def session(org):
    return make_session(org, topic=TOPIC, attendees=[org.staff_wuye.staff, org.head_wuye.staff])


def _views(org, session) -> dict[str, str]:
    return {
        "list": reverse("training:list"),
        "new": reverse("training:new"),
        "detail": session.get_absolute_url(),
        "edit": session.get_edit_url(),
        "import": reverse("training:import"),
        "import_template": reverse("training:import_template"),
        "export": reverse("training:export"),
        "staff_hours": reverse("training:staff_hours"),
        "staff_hours_export": reverse("training:staff_hours_export"),
        "staff_record": reverse("training:staff_record", args=[org.staff_wuye.staff.pk]),
        "department_hours": reverse("training:department_hours"),
        "department_hours_export": reverse("training:department_hours_export"),
        "mine": reverse("training:mine"),
    }


def test_the_matrix_covers_every_view_of_the_app(org, session):
    assert tuple(_views(org, session)) == VIEWS == tuple(p.name for p in staff_urls.urlpatterns)
    assert all(tuple(row) == VIEWS for row in MATRIX.values())


def test_it_sends_anonymous_visitors_to_sign_in_from_every_view(client, org, session):
    for name, url in _views(org, session).items():
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), name


def _body(response) -> str:
    if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        return xlsx_text(response)
    return response.content.decode()


@pytest.mark.parametrize("who", list(MATRIX))
def test_it_gives_each_role_what_the_matrix_says(client, org, session, who):
    client.force_login(getattr(org, who))
    for name, url in _views(org, session).items():
        expected = MATRIX[who][name]
        response = client.get(url)
        marker = MARKERS.get(name, TOPIC)
        if expected == 404:
            assert response.status_code == 404, name
            assert TOPIC not in response.content.decode(), name
            continue
        assert response.status_code == 200, name
        body = _body(response)
        assert (marker in body) == (expected == SEES), name


def test_it_refuses_the_forms_post_to_other_departments_and_to_plain_staff_and_changes_nothing(client, org, session):
    data = {"department": org.wuye.pk, "topic": "改过的主题", "date": session.date.isoformat(), "hours": "3",
            "trainer": "某人", "level": "technical", "attendees": [org.staff_wuye.staff.pk]}
    for who in ("head_yinshi", "staff_wuye", "operator", "judge"):
        client.force_login(getattr(org, who))
        assert client.post(session.get_edit_url(), data).status_code == 404, who
        response = client.post(reverse("training:new"), {**data, "topic": f"新的{who}"})
        if who == "head_yinshi":  # may record, but not for another department
            assert response.status_code == 200 and "选择一个有效的选项" in response.content.decode()
        else:
            assert response.status_code == 404, who
    session.refresh_from_db()
    assert (session.topic, session.hours) == (TOPIC, 2)
    assert list(TrainingSession.objects.values_list("topic", flat=True)) == [TOPIC]


def test_it_offers_a_head_only_their_own_department_and_its_staff(client, org):
    client.force_login(org.head_wuye)
    body = client.get(reverse("training:new")).content.decode()
    assert org.wuye.name in body and org.yinshi.name not in body
    assert "物业员工" in body and "饮食员工" not in body
    body = client.get(reverse("training:new") + f"?department={org.yinshi.pk}").content.decode()
    assert "饮食员工" not in body  # another department asked for: still the head's own staff


def test_the_supervisor_chooses_the_department_whose_staff_the_form_lists(client, org):
    client.force_login(org.supervisor)
    body = client.get(reverse("training:new") + f"?department={org.yinshi.pk}").content.decode()
    assert "饮食员工" in body and "物业员工" not in body


def test_it_keeps_another_departments_staff_out_of_a_heads_hours_and_totals(client, org, session):
    make_session(org, department=org.yinshi, topic="饮食中心食品安全培训")
    client.force_login(org.head_yinshi)
    body = client.get(reverse("training:staff_hours")).content.decode()
    assert "饮食员工" in body and "物业员工" not in body
    body = client.get(reverse("training:department_hours")).content.decode()
    assert "饮食服务中心" in body and "物业管理中心" not in body
    # Naming another department in the query changes nothing: a head's export is their department's.
    text = xlsx_text(client.get(reverse("training:export") + f"?department={org.wuye.pk}"))
    assert "饮食中心食品安全培训" in text and TOPIC not in text


def test_an_export_with_an_invalid_filter_exports_nothing(client, org, session):
    client.force_login(org.supervisor)
    response = client.get(reverse("training:export") + "?department=999999")
    assert response.status_code == 302 and response["Location"].startswith(reverse("training:list"))
    body = client.get(response["Location"]).content.decode()
    assert "未导出任何内容" in body
