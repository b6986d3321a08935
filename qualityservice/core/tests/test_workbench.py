"""The workbench collects the to-dos of every app (core.todos): each app's optional todos.py, found through
core.registry; items with nothing waiting are left out, late ones first; a judge with nothing appointed and
anyone with nothing waiting gets an explicit empty state."""

from types import SimpleNamespace

import pytest

from qualityservice.core import todos
from qualityservice.core.todos import Todo

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake_apps(monkeypatch):
    """Two apps' todos.py, in INSTALLED_APPS order; the real ones are left out."""
    seen = []

    def first(user, role):
        seen.append(role)
        return [Todo("a.later", "稍后处理", 2, "/staff/a/", order=5), Todo("a.none", "没有的", 0, "/staff/a/none/")]

    def second(user, role):
        return [Todo("b.late", "已超时", 1, "/staff/b/?late=1", level="danger", order=90)] if role == "head" else []

    modules = [(SimpleNamespace(label="a"), SimpleNamespace(todos=first)), (SimpleNamespace(label="b"), SimpleNamespace(todos=second)),
               (SimpleNamespace(label="c"), SimpleNamespace())]  # an app without todos()
    monkeypatch.setattr(todos, "app_modules", lambda name: modules if name == "todos" else [])
    return seen


def test_it_collects_every_apps_to_dos_late_first_and_without_the_empty_ones(org, fake_apps):
    found = todos.for_user(org.head_wuye)
    assert [t.key for t in found] == ["b.late", "a.later"]
    assert fake_apps == ["head"]


def test_it_shows_the_to_dos_with_counts_and_links(client, org, fake_apps):
    client.force_login(org.head_wuye)
    html = client.get("/staff/").content.decode()
    assert 'href="/staff/b/?late=1" data-testid="todo" data-todo="b.late"' in html and "已超时" in html
    assert 'data-todo="a.none"' not in html and "待办事项" in html


def test_it_asks_no_app_for_an_account_without_a_staff_role(client, fake_apps, django_user_model):
    user = django_user_model.objects.create_user("nobody", password="x-pass-12345")
    assert todos.for_user(user) == [] and fake_apps == []
    client.force_login(user)
    assert 'data-testid="todos"' not in client.get("/staff/").content.decode()


def test_it_tells_a_judge_with_no_appointment_so(client, org, monkeypatch):
    monkeypatch.setattr(todos, "app_modules", lambda name: [])
    client.force_login(org.judge)
    html = client.get("/staff/").content.decode()
    assert 'data-testid="todos-empty"' in html and "您目前没有被指派评分的任务" in html


def test_it_says_when_nothing_is_waiting(client, org, monkeypatch):
    monkeypatch.setattr(todos, "app_modules", lambda name: [])
    client.force_login(org.supervisor)
    assert "暂无待办" in client.get("/staff/").content.decode()


def test_it_refuses_an_unknown_level():
    with pytest.raises(ValueError):
        Todo("x.y", "x", 1, "/", level="urgent")


def test_it_finds_the_todos_modules_of_the_installed_apps():
    from qualityservice.core.registry import app_modules

    labels = [config.label for config, module in app_modules("todos") if hasattr(module, "todos")]
    assert labels[:3] == ["feedback", "inspections", "surveys"]
