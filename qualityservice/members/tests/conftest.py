import pytest

from qualityservice.members.tests.casserver.fixture import cas_server, cas_server_process, cas_settings  # noqa: F401

from .factories import make_member


@pytest.fixture
def student(db):
    return make_member()


@pytest.fixture
def teacher(db):
    return make_member("T0321", "李文华", kind="teacher", college="海洋与大气学院", class_name="", phone="13900000002",
                       email="liwh@example.edu.cn")


@pytest.fixture
def local_passwords(settings):
    """The embedded default: no CAS, members sign in with a password."""
    settings.CAS_SERVER_URL = None
    settings.QS_CAS_SERVER_URL = ""
    settings.QS_MEMBER_PASSWORDS = True
    return settings
