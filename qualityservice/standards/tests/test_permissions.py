"""Every view of the app against every role (the permission matrix): anonymous visitors are sent to sign in;
every staff member reads their own department's current procedures and their own post; the department's head
and the supervisor also read the superseded versions and change what they manage; the head of another
department and staff elsewhere get lists without the procedure and a 404 for its pages. A refused POST changes
nothing."""

import pytest
from django.urls import reverse

from qualityservice.standards import services, staff_urls
from qualityservice.standards.models import PostStandard, ProcedureVersion

from .helpers import PDF, make_procedure, new_version, upload, xlsx_text

pytestmark = pytest.mark.django_db

TITLE = "公共区域保洁操作规程"
OLD_TEXT = "旧版：每日清扫一次。"
DUTY = "按保洁操作规程清扫责任区域"
SEES = "sees"
NOT_LISTED = "not listed"
VIEWS = ("list", "new", "detail", "new_version", "version", "version_file", "export", "not_updated", "posts", "post_new",
         "post_edit", "mine")
MANAGER = {**dict.fromkeys(VIEWS, SEES)}
OTHER_STAFF = {**dict.fromkeys(VIEWS, 404), "list": NOT_LISTED, "mine": NOT_LISTED}

MATRIX = {
    "head_wuye": {**MANAGER, "not_updated": 404},
    "supervisor": {**MANAGER, "mine": NOT_LISTED},  # their own post and department (the office)
    "admin": {**MANAGER, "mine": NOT_LISTED},
    "head_yinshi": {**dict.fromkeys(VIEWS, NOT_LISTED), "new": SEES, "post_new": SEES, "detail": 404, "new_version": 404,
                    "version": 404, "version_file": 404, "not_updated": 404, "post_edit": 404},
    # The department's current procedure and their own post; not the superseded version, nothing to change.
    "staff_wuye": {**dict.fromkeys(VIEWS, 404), "list": SEES, "detail": SEES, "mine": SEES},
    "operator": OTHER_STAFF,
    "judge": OTHER_STAFF,
}
MARKERS = {"version": OLD_TEXT, "version_file": PDF.decode("latin-1"), "new": 'name="submission_key"',
           "new_version": 'name="submission_key"', "post_new": 'name="submission_key"', "not_updated": "饮食服务中心",
           "posts": DUTY, "post_edit": DUTY}


@pytest.fixture
def procedure(org):
    procedure = make_procedure(org, text=OLD_TEXT, file=upload("保洁规程.pdf"))
    new_version(org, procedure)
    return procedure


@pytest.fixture
def post(org):
    standard, _created = services.save_post_standard(key=None, by=org.head_wuye, department=org.wuye, post="保洁员", post_en="Cleaner",
                                                     duties=f"{DUTY}\n作业时设置提示牌", duties_en="", public_standard="保持整洁",
                                                     public_standard_en="")
    return standard


def _views(procedure, post) -> dict[str, str]:
    old = procedure.versions.get(sequence=1)
    return {
        "list": reverse("standards:list"),
        "new": reverse("standards:new"),
        "detail": procedure.get_absolute_url(),
        "new_version": procedure.get_new_version_url(),
        "version": old.get_absolute_url(),
        "version_file": old.get_file_url(),
        "export": reverse("standards:export"),
        "not_updated": reverse("standards:not_updated"),
        "posts": reverse("standards:posts"),
        "post_new": reverse("standards:post_new"),
        "post_edit": post.get_edit_url(),
        "mine": reverse("standards:mine"),
    }


def _body(response) -> str:
    kind = response.get("Content-Type", "")
    if kind.startswith("application/vnd.openxmlformats"):
        return xlsx_text(response)
    if kind == "application/pdf":
        return b"".join(response.streaming_content).decode("latin-1")
    return response.content.decode()


def test_the_matrix_covers_every_view_of_the_app(procedure, post):
    assert tuple(_views(procedure, post)) == VIEWS == tuple(p.name for p in staff_urls.urlpatterns)
    assert all(tuple(row) == VIEWS for row in MATRIX.values())


def test_it_sends_anonymous_visitors_to_sign_in_from_every_view(client, procedure, post):
    for name, url in _views(procedure, post).items():
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), name


@pytest.mark.parametrize("who", list(MATRIX))
def test_it_gives_each_role_what_the_matrix_says(client, org, procedure, post, who):
    client.force_login(getattr(org, who))
    for name, url in _views(procedure, post).items():
        expected = MATRIX[who][name]
        response = client.get(url)
        if expected == 404:
            assert response.status_code == 404, name
            body = response.content.decode()
            assert TITLE not in body and OLD_TEXT not in body, name
            continue
        assert response.status_code == 200, name
        marker = MARKERS.get(name, TITLE)
        assert (marker in _body(response)) == (expected == SEES), name


def test_staff_read_the_current_version_and_its_file_but_not_the_superseded_one(client, org):
    procedure = make_procedure(org, text=OLD_TEXT)
    current = new_version(org, procedure, file=upload("新版规程.pdf"))
    client.force_login(org.staff_wuye)
    body = client.get(procedure.get_absolute_url()).content.decode()
    assert current.get_file_url() in body and 'data-testid="version-history"' not in body and OLD_TEXT not in body
    response = client.get(current.get_file_url())
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf" and "attachment" in response["Content-Disposition"]
    assert client.get(procedure.versions.get(sequence=1).get_absolute_url()).status_code == 404


def test_the_file_is_never_served_by_a_media_url(client, org, settings):
    settings.DEBUG = True  # /media/ serves the public folders only, and only in development
    procedure = make_procedure(org, file=upload("规程.pdf"))
    path = procedure.current_version.file.name
    assert path.startswith("standards/procedures/") and "规程" not in path  # a random name in a private folder
    client.force_login(org.supervisor)
    assert client.get(f"/media/{path}").status_code == 404


def test_a_refused_post_changes_nothing(client, org, procedure, post):
    data = {"version": "V9.0", "title": "改名", "effective_date": "2026-12-01", "text": "改过", "submission_key": "f" * 32}
    for who in ("head_yinshi", "staff_wuye", "operator", "judge"):
        client.force_login(getattr(org, who))
        assert client.post(procedure.get_new_version_url(), data).status_code == 404, who
        assert client.post(post.get_edit_url(), {"department": org.wuye.pk, "post": "改", "duties": "改"}).status_code == 404, who
    assert ProcedureVersion.objects.filter(procedure=procedure).count() == 2
    assert PostStandard.objects.get().post == "保洁员"


def test_it_offers_a_head_only_their_own_department(client, org):
    client.force_login(org.head_wuye)
    for url in (reverse("standards:new"), reverse("standards:post_new")):
        body = client.get(url).content.decode()
        assert org.wuye.name in body and org.yinshi.name not in body
    response = client.post(reverse("standards:new"), {"department": org.yinshi.pk, "number": "YS-1", "version": "V1.0",
                                                      "title": "别人的规程", "effective_date": "2026-01-01", "text": "正文"})
    assert "选择一个有效的选项" in response.content.decode()
    assert not ProcedureVersion.objects.exists()
