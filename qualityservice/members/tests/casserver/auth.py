"""Users of the test CAS server: ``{"<login>": {"password": "…", "attributes": {…}}}`` in the JSON file
``settings.CAS_USERS_FILE``, read at every sign-in (the test adds users while the server runs)."""

import json

from cas_server.auth import AuthUser
from django.conf import settings


def _users() -> dict:
    try:
        return json.loads(settings.CAS_USERS_FILE.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {}


class JsonFileUsers(AuthUser):
    def __init__(self, username):
        super().__init__(username)
        self.user = _users().get(username)

    def test_password(self, password):
        return self.user is not None and password == self.user.get("password")

    def attributs(self):
        return dict(self.user.get("attributes", {})) if self.user else {}
