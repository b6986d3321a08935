from . import nav
from .permissions import staff_profile, user_role


def platform(request):
    role = user_role(request.user)
    return {
        "qs_role": role,
        "qs_profile": staff_profile(request.user),
        "qs_nav": nav.items_for(role),
    }
