"""Every staff view against every role (the permission matrix): anonymous visitors are sent to sign in; the
department's appointed editor, its head and the supervisor get the pages; the head of another department gets a
list without the article and a 404 for its pages; plain staff without an appointment, hotline operators and judges
get a 404 everywhere. A refused POST changes nothing. Public pages: only published articles, by code."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from qualityservice.news import services, staff_urls
from qualityservice.news.models import Article, Editor
from qualityservice.news.tests.helpers import png_bytes

pytestmark = pytest.mark.django_db

TITLE = "物业中心的稿件"
SEES = "sees"  # 200, with the article's title (the "new" page: the form)
NOT_LISTED = "not listed"  # 200, without the article
BACK = "back"  # the POST goes back to the article's page (moved, or the link made)
STORED = "stored"  # 201: the image is stored and its <img> returned
VIEWS = ("list", "new", "image_upload", "detail", "edit", "compare", "move", "approval_link")
ALL = {"list": SEES, "new": SEES, "image_upload": STORED, "detail": SEES, "edit": SEES, "compare": SEES, "move": BACK,
       "approval_link": BACK}

MATRIX = {
    "editor": {**ALL, "approval_link": 404},  # staff_wuye, appointed editor of wuye
    "head_wuye": ALL,
    "supervisor": ALL,
    "admin": ALL,
    "head_yinshi": {"list": NOT_LISTED, "new": SEES, "image_upload": STORED, "detail": 404, "edit": 404, "compare": 404, "move": 404,
                    "approval_link": 404},
    "staff_yinshi": dict.fromkeys(VIEWS, 404),  # plain staff, no appointment
    "operator": dict.fromkeys(VIEWS, 404),
    "judge": dict.fromkeys(VIEWS, 404),
}


@pytest.fixture
def article(org):
    Editor.objects.create(user=org.staff_wuye, department=org.wuye)
    org.editor = org.staff_wuye
    article, _created = services.create_article(key=None, by=org.head_wuye, department=org.wuye, title=TITLE)
    return article


def _views(article) -> dict[str, tuple[str, str]]:
    """Every staff view: name -> (method, URL). The POSTs come last: they change the article."""
    return {
        "list": ("get", reverse("news:list")),
        "new": ("get", reverse("news:new")),
        "image_upload": ("post", reverse("news:image_upload")),
        "detail": ("get", article.get_absolute_url()),
        "edit": ("get", article.get_edit_url()),
        "compare": ("get", reverse("news:compare", args=[article.pk])),
        "move": ("post", article.get_move_url()),
        "approval_link": ("post", reverse("news:approval_link", args=[article.pk])),
    }


def _post_data(name: str) -> dict:
    if name == "image_upload":
        return {"image": SimpleUploadedFile("photo.png", png_bytes(), content_type="image/png")}
    return {"action": "submit"}


def test_the_matrix_covers_every_view_of_the_app(article):
    # The bulletin's views (supervisor only) have their own matrix: test_bulletin.py.
    article_views = tuple(p.name for p in staff_urls.urlpatterns if not p.name.startswith("bulletin"))
    assert tuple(_views(article)) == VIEWS == article_views
    assert all(tuple(row) == VIEWS for row in MATRIX.values())


def test_it_sends_anonymous_visitors_to_sign_in_from_every_staff_view(client, article):
    for name, (method, url) in _views(article).items():
        response = client.post(url, _post_data(name)) if method == "post" else client.get(url)
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("login")), name
    assert Article.objects.get().status == Article.Status.DRAFT


@pytest.mark.parametrize("who", list(MATRIX))
def test_it_gives_each_role_what_the_matrix_says(client, org, article, who):
    client.force_login(getattr(org, who))
    for name, (method, url) in _views(article).items():
        expected = MATRIX[who][name]
        response = client.post(url, _post_data(name)) if method == "post" else client.get(url)
        body = response.content.decode()
        if expected == STORED:
            assert response.status_code == 201 and response.json()["url"].startswith("/media/news/images/"), name
        elif expected == 404:
            assert response.status_code == 404, name
            assert TITLE not in body, name
        elif expected == BACK:
            assert response.status_code == 302 and response["Location"] == article.get_absolute_url(), name
        else:
            assert response.status_code == 200, name
            if name == "new":
                assert 'name="submission_key"' in body and 'name="title"' in body
            else:
                assert (TITLE in body) == (expected == SEES), name
    status = Article.objects.get().status
    assert status == (Article.Status.IN_REVIEW if MATRIX[who]["move"] == BACK else Article.Status.DRAFT)


def test_only_the_supervisor_publishes(client, org, article):
    services.move(article, "submit", by=org.head_wuye)
    services.move(article, "approve", by=org.head_wuye)
    for who in ("editor", "head_wuye"):
        client.force_login(getattr(org, who))
        client.post(article.get_move_url(), {"action": "publish"})
        assert Article.objects.get().status == Article.Status.APPROVED, who
    client.force_login(org.supervisor)
    client.post(article.get_move_url(), {"action": "publish"})
    assert Article.objects.get().status == Article.Status.PUBLISHED


def test_an_editor_edits_only_their_departments_drafts(client, org, article):
    other, _c = services.create_article(key=None, by=org.head_yinshi, department=org.yinshi, title="饮食中心的稿件")
    client.force_login(org.editor)
    assert client.get(other.get_edit_url()).status_code == 404
    body = client.get(reverse("news:new")).content.decode()
    assert org.wuye.name in body and org.yinshi.name not in body
    response = client.post(reverse("news:new"), {"department": org.yinshi.pk, "title": "越权", "submission_key": "k1"})
    assert response.status_code == 200 and not Article.objects.filter(title="越权").exists()


def test_a_refused_move_says_why_and_changes_nothing(client, org, article):
    client.force_login(org.supervisor)
    response = client.post(article.get_move_url(), {"action": "publish"}, follow=True)
    assert "无法执行" in response.content.decode()
    assert Article.objects.get().status == Article.Status.DRAFT
    assert client.get(article.get_move_url()).status_code == 405


def test_public_pages_show_only_published_articles_by_code(client, org, article):
    assert client.get(article.get_public_url()).status_code == 404  # a draft
    assert TITLE not in client.get(reverse("news:index")).content.decode()
    assert client.get(f"/news/{article.pk}/").status_code == 404  # never by its id
