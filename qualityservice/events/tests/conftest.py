import pytest

from .helpers import make_event, member


@pytest.fixture
def event(org):
    return make_event(org)


@pytest.fixture
def session(event):
    return event.sessions.get()


@pytest.fixture
def student(db):
    return member("张晓明", email="zxm@example.edu.cn")
