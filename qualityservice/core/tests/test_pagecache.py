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


def test_it_keeps_its_own_copy_for_each_language_and_path():
    page = Page()
    with translation.override("zh-hans"):
        assert "zh-hans" in pagecache.anonymous_page(request(), (), page).content.decode()
    with translation.override("en"):
        assert "en #2" in pagecache.anonymous_page(request(), (), page).content.decode()
    pagecache.anonymous_page(request("/form/?kind=praise"), (), page)
    assert page.renders == 3


def test_it_renders_the_page_again_after_saving_a_model_it_depends_on(org):
    from qualityservice.org.models import Place

    page = Page()
    pagecache.anonymous_page(request(), (), page)
    pagecache.anonymous_page(request(), (), page)
    assert page.renders == 1
    Place.objects.create(name="新食堂", kind=Place.Kind.CANTEEN)
    pagecache.anonymous_page(request(), (), page)
    assert page.renders == 2


def test_it_never_serves_signed_in_users_messages_or_posts_from_the_cache(org):
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


def test_it_does_not_keep_a_page_that_is_not_a_200_but_still_fills_it():
    calls = []

    def build(placeholders):
        calls.append(placeholders)
        return HttpResponse(f"closed {pagecache.CSRF_PLACEHOLDER if placeholders else 'x'}", status=410)

    response = pagecache.anonymous_page(request(), (), build)
    assert response.status_code == 410 and pagecache.CSRF_PLACEHOLDER not in response.content.decode()
    pagecache.anonymous_page(request(), (), build)
    assert len(calls) == 2


def test_it_rebuilds_the_memo_after_invalidation():
    values = iter([1, 2])
    assert pagecache.memo("t", lambda: next(values)) == 1
    assert pagecache.memo("t", lambda: next(values)) == 1
    pagecache.invalidate()
    assert pagecache.memo("t", lambda: next(values)) == 2


@pytest.mark.django_db
def test_it_shows_another_process_an_invalidation_within_the_recheck_interval(monkeypatch):
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


def test_it_forgets_a_change_again_when_its_transaction_commits(org, django_capture_on_commit_callbacks):
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


def versions_written(monkeypatch):
    """Counts the shared versions this process publishes (writes of the version key)."""
    from django.core.cache import cache

    written = []

    class Counting:
        def __getattr__(self, name):
            return getattr(cache, name)

        def set(self, key, value, *args, **kwargs):
            if key == pagecache.VERSION_KEY:
                written.append(value)
            return cache.set(key, value, *args, **kwargs)

    monkeypatch.setattr(pagecache, "cache", Counting())
    return written


def test_it_publishes_one_version_per_transaction_however_many_rows_it_changes(org, monkeypatch, django_capture_on_commit_callbacks):
    from qualityservice.org.models import Place

    written = versions_written(monkeypatch)
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(50):
            Place.objects.create(name=f"新楼{i}", kind=Place.Kind.OFFICE)
        Place.objects.filter(name__startswith="新楼").delete()
        assert written == []  # nothing before the commit
    assert len(written) == 1


def test_it_writes_one_version_for_a_2000_row_roster_import(org, monkeypatch, django_capture_on_commit_callbacks):
    from openpyxl import Workbook

    from qualityservice.org.services import import_roster

    book = Workbook()
    sheet = book.active
    sheet.append(["姓名", "工号", "部门", "岗位", "电话"])
    for i in range(2000):
        sheet.append([f"员工{i}", f"R{i:05d}", org.wuye.name, "保洁", "0532-1234"])
    import io

    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    written = versions_written(monkeypatch)
    with django_capture_on_commit_callbacks(execute=True):
        result = import_roster(data)
    assert result.ok and result.created == 2000
    assert len(written) == 1  # was 4,000: two per saved staff member


def test_it_invalidates_at_commit_on_an_update_through_a_service(org, monkeypatch, django_capture_on_commit_callbacks):
    """A move through the workflow engine invalidates once, at commit."""
    from qualityservice.surveys.models import Survey
    from qualityservice.surveys.tests.factories import make_survey
    from qualityservice.surveys.workflows import SURVEY

    ns = make_survey(org, status=Survey.Status.DRAFT)
    page = Page()
    pagecache.anonymous_page(request(), (), page)
    written = versions_written(monkeypatch)
    with django_capture_on_commit_callbacks(execute=True):
        SURVEY.apply(ns.survey, "open", by=org.supervisor)
    assert len(written) == 1
    pagecache.anonymous_page(request(), (), page)
    assert page.renders == 2


@pytest.mark.django_db(transaction=True)
def test_it_publishes_at_once_when_changed_is_called_outside_a_transaction(monkeypatch):
    from qualityservice.org.models import Place

    written = versions_written(monkeypatch)
    pagecache.changed(Place)
    assert len(written) == 1


def test_it_publishes_nothing_for_a_rolled_back_change_and_still_does_for_a_later_commit(org, monkeypatch, django_capture_on_commit_callbacks):
    from django.db import transaction

    from qualityservice.org.models import Place

    written = versions_written(monkeypatch)
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                Place.objects.create(name="回滚楼", kind=Place.Kind.OFFICE)
                raise RuntimeError
    assert written == []
    with django_capture_on_commit_callbacks(execute=True):
        Place.objects.create(name="新楼", kind=Place.Kind.OFFICE)
    assert len(written) == 1


def test_it_requires_a_memo_to_be_immutable():
    with pytest.raises(TypeError, match="list is mutable"):
        pagecache.memo("bad.list", lambda: [1, 2])
    with pytest.raises(TypeError, match="dict is mutable"):
        pagecache.memo("bad.nested", lambda: (1, {"a": 1}))
    from types import MappingProxyType

    assert pagecache.memo("good", lambda: MappingProxyType({1: (2, frozenset({3}))})) == {1: (2, frozenset({3}))}


def test_it_gives_each_caller_its_own_instance_of_a_memoised_row_with_its_relations(org, django_assert_num_queries):
    from qualityservice.org.models import Place

    rows = pagecache.memo("places", lambda: tuple(pagecache.frozen(p) for p in Place.objects.select_related("department").filter(pk=org.canteen.pk)))
    first, second = rows[0].thaw(), rows[0].thaw()
    assert first == second == org.canteen and first is not second
    with django_assert_num_queries(0):
        assert first.department.name == org.canteen.department.name  # loaded with it
    first.name = "改了"
    first.department.name = "也改了"
    assert rows[0].thaw().name == org.canteen.name and rows[0].thaw().department.name == org.canteen.department.name
    with pytest.raises(AttributeError):
        rows[0].values = ()


class NamedPage(Page):
    NAME = "qs-test-name-placeholder"

    def __init__(self, name_of):
        super().__init__()
        self.name_of = name_of

    def __call__(self, placeholders):
        response = super().__call__(placeholders)
        response.content += f"<p>{self.NAME if placeholders else self.name_of}</p>".encode()
        return response


def test_a_members_page_is_rendered_once_and_each_member_gets_their_own_name_escaped_token_and_key(org):
    from qualityservice.members.tests.factories import make_member

    first, second = make_member(number="20260001", name="张三"), make_member(number="20260002", name="<李四>")
    page = NamedPage("unused")
    one = pagecache.member_page(request(user=first.user), ("k",), page, {page.NAME: first.name}).content.decode()
    two = pagecache.member_page(request(user=second.user), ("k",), page, {page.NAME: second.name}).content.decode()
    assert page.renders == 1
    assert "<p>张三</p>" in one and "<p>&lt;李四&gt;</p>" in two and page.NAME not in one + two
    assert one.split('csrfmiddlewaretoken" value="')[1][:64] != two.split('csrfmiddlewaretoken" value="')[1][:64]
    pagecache.member_page(request(user=first.user), ("other",), page, {page.NAME: first.name})
    assert page.renders == 2  # another key, another copy


def test_a_members_page_is_never_cached_for_staff_anonymous_visitors_messages_or_posts(org):
    from django.contrib import messages

    from qualityservice.members.tests.factories import make_member

    someone = make_member(number="20260003", name="王五")
    page = NamedPage("real name")
    for req in (request(user=org.head_wuye), request(), request(user=someone.user, method="post")):
        assert "<p>real name</p>" in pagecache.member_page(req, ("k",), page, {page.NAME: "x"}).content.decode()
    with_message = request(user=someone.user)
    messages.info(with_message, "已保存")
    pagecache.member_page(with_message, ("k",), page, {page.NAME: "x"})
    assert page.renders == 4
