"""A member never opens a staff page."""

from django.shortcuts import redirect

from qualityservice.core.permissions import user_role

STAFF_PREFIXES = ("/staff/",)


class MemberBoundaryMiddleware:
    """Every staff view already answers a member (an account without a staff role) with a 404 through
    ``core.permissions.role_required``; the staff workbench, open to every signed-in account, would
    not. So, whatever a view does: a signed-in member asking for a staff URL is sent to their own
    page. Costs no query for staff (their profile is read once per request and kept on the user)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith(STAFF_PREFIXES) and self._is_member(request.user):
            return redirect("members:home")
        return self.get_response(request)

    @staticmethod
    def _is_member(user) -> bool:
        if not getattr(user, "is_authenticated", False) or user_role(user) is not None:
            return False
        return hasattr(user, "member")
