"""The winners' own certificates, on the signed-in staff member's own page (org's "my badge" page, extension point
``my_badge``; registered in ``apps.RecognitionConfig.ready``).

- a staff winner sees the certificates naming them (their staff record is the nomination's nominee);
- for a collective winner (a department, or a team of it), the head of that department sees its certificates;
- nobody else: the supervisors download certificates from the round's results page, and anyone verifies one at
  ``/c/<serial>/``.

Revoked certificates are listed with the reason and cannot be downloaded here.
"""

from __future__ import annotations

from django.db.models import Q

from qualityservice.core.permissions import staff_profile, user_role
from qualityservice.core.roles import Role

from .results_models import Certificate


def mine(user):
    """The certificates ``user`` may see and download as their own (a queryset; none for other accounts)."""
    profile = staff_profile(user) if getattr(user, "is_authenticated", False) else None
    if profile is None or not profile.is_active:
        return Certificate.objects.none()
    own = Q(nomination__staff_id=profile.pk)
    if user_role(user) == Role.HEAD and profile.department_id:
        department = profile.department_id
        own |= Q(nomination__collective_id=department) | Q(nomination__collective__parent_id=department,
                                                           nomination__collective__kind="team")
    return Certificate.objects.filter(own)


def context(request) -> dict:
    """The fragment's rows (one query), newest first."""
    rows = list(mine(request.user).select_related("round", "nomination__collective").order_by("-issued_at", "-pk")[:50])
    from .results import award_of  # results imports the workflows, loaded after the app registry

    for certificate in rows:
        certificate.award = award_of(certificate.round)
    return {"my_certificates": rows}
