"""Context functions of members' extension-point fragments (core.extensions)."""

from __future__ import annotations

from django.urls import reverse

from . import cas

# Pages whose own ``next`` is where a sign-in should return to (not the sign-in page itself).
_SIGN_IN_PATHS = ("members:signin", "members:activate", "login")


def account(request) -> dict:
    """The public header's account corner and the staff sign-in page's CAS button."""
    if request is None:
        return {}
    from .views import _safe_next

    if request.path in {reverse(name) for name in _SIGN_IN_PATHS}:
        next_url = _safe_next(request, request.GET.get("next"))
    else:
        next_url = request.get_full_path()
    return {"members_cas": cas.enabled(), "members_cas_url": cas.login_url(next_url),
            "members_signin_url": reverse("members:signin") + (f"?next={_quote(next_url)}" if next_url else "")}


def _quote(value: str) -> str:
    from urllib.parse import quote

    return quote(value, safe="/")
