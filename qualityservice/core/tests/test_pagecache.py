"""core.pagecache: anonymous form pages rendered once per content version and language, each copy with
its own CSRF token and submission key; signed-in users, flash messages and POSTs bypass it."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.cache import SessionStore
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import translation

from qualityservice.core import pagecache

rf = RequestFactory()


def request(path="/form/", user=None, method="get"):
    req = getattr(rf, method)(path)
    req.user = user or AnonymousUser()
    req.session = SessionStore()
    req._messages = FallbackStorage(req)
    return req


class Page:
    """A view's build function that counts its renders."""

    def __init__(self):
        self.renders = 0

    def __call__(self, placeholders):
        self.renders += 1
        token = pagecache.CSRF_PLACEHOLDER if placeholders else "real-token"
        key = pagecache.KEY_PLACEHOLDER if placeholders else "real-key"
        return HttpResponse(f'<form><input name="csrfmiddlewaretoken" value="{token}">'
                            f'<input name="submission_key" value="{key}">{translation.get_language()} #{self.renders}</form>')


def test_it_renders_once_and_gives_each_copy_its_own_token_and_key():
    page = Page()
    first = pagecache.anonymous_page(request(), (), page).content.decode()
    second = pagecache.anonymous_page(request(), (), page).content.decode()
    assert page.renders == 1
    assert "#1" in first and "#1" in second
    for html in (first, second):
        assert pagecache.CSRF_PLACEHOLDER not in html and pagecache.KEY_PLACEHOLDER not in html
    token = lambda html: html.split('csrfmiddlewaretoken" value="')[1].split('"')[0]  # noqa: E731
    key = lambda html: html.split('submission_key" value="')[1].split('"')[0]  # noqa: E731
    assert token(first) != token(second) and len(token(first)) == 64
    assert key(first) != key(second) and len(key(first)) == 32


def test_each_language_and_path_has_its_own_copy():
    page = Page()
    with translation.override("zh-hans"):
        assert "zh-hans" in pagecache.anonymous_page(request(), (), page).content.decode()
    with translation.override("en"):
        assert "en #2" in pagecache.anonymous_page(request(), (), page).content.decode()
    pagecache.anonymous_page(request("/form/?kind=praise"), (), page)
    assert page.renders == 3


def test_saving_a_model_it_depends_on_renders_it_again(org):
    from qualityservice.org.models import Place

    page = Page()
    pagecache.anonymous_page(request(), (), page)
    pagecache.anonymous_page(request(), (), page)
    assert page.renders == 1
    Place.objects.create(name="新食堂", kind=Place.Kind.CANTEEN)
    pagecache.anonymous_page(request(), (), page)
    assert page.renders == 2


def test_signed_in_users_messages_and_posts_are_never_served_from_it(org):
    page = Page()
    pagecache.anonymous_page(request(), (), page)
    html = pagecache.anonymous_page(request(user=org.head_wuye), (), page).content.decode()
    assert page.renders == 2 and "real-token" in html
    with_message = request()
    from django.contrib import messages

    messages.info(with_message, "已保存")
    pagecache.anonymous_page(with_message, (), page)
    pagecache.anonymous_page(request(method="post"), (), page)
    assert page.renders == 4


def test_a_page_that_is_not_a_200_is_not_kept_but_still_filled():
    calls = []

    def build(placeholders):
        calls.append(placeholders)
        return HttpResponse(f"closed {pagecache.CSRF_PLACEHOLDER if placeholders else 'x'}", status=410)

    response = pagecache.anonymous_page(request(), (), build)
    assert response.status_code == 410 and pagecache.CSRF_PLACEHOLDER not in response.content.decode()
    pagecache.anonymous_page(request(), (), build)
    assert len(calls) == 2


def test_memo_is_rebuilt_after_invalidation():
    values = iter([1, 2])
    assert pagecache.memo("t", lambda: next(values)) == 1
    assert pagecache.memo("t", lambda: next(values)) == 1
    pagecache.invalidate()
    assert pagecache.memo("t", lambda: next(values)) == 2


@pytest.mark.django_db
def test_another_process_sees_an_invalidation_within_the_recheck_interval(monkeypatch):
    """Another process invalidates through the shared cache; this one notices at its next version check."""
    from django.core.cache import cache

    page = Page()
    pagecache.anonymous_page(request(), (), page)
    cache.set(pagecache.VERSION_KEY, "changed-elsewhere", None)
    pagecache.anonymous_page(request(), (), page)
    assert page.renders == 1  # within VERSION_RECHECK: still this process's version
    monkeypatch.setattr(pagecache, "VERSION_RECHECK", 0.0)
    pagecache.anonymous_page(request(), (), page)
    assert page.renders == 2


def test_a_change_is_forgotten_again_when_its_transaction_commits(org, django_capture_on_commit_callbacks):
    """A process that rebuilt between the save and the commit read the old rows: forget again at commit."""
    from qualityservice.org.models import Place

    page = Page()
    with django_capture_on_commit_callbacks(execute=True):
        Place.objects.create(name="新食堂", kind=Place.Kind.CANTEEN)
        pagecache.anonymous_page(request(), (), page)  # rebuilt inside the transaction
        pagecache.anonymous_page(request(), (), page)
        assert page.renders == 1
    pagecache.anonymous_page(request(), (), page)
    assert page.renders == 2
