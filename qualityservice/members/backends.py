"""Sign-in with a CAS ticket (settings.AUTHENTICATION_BACKENDS): the ticket is validated by the CAS
server (django-cas-ng's client, CAS 2 or 3 with attributes), then the person is

1. a member of staff, when the staff attribute (``QS_CAS_ATTR_STAFF_ID``, default the ID) is the badge
   number (工号) of an active staff record with an account: signed in as that account;
2. otherwise a member: the roster's member with this ID, updated from the released attributes, or a
   new member when unknown IDs may sign in (``QS_CAS_ALLOW_UNKNOWN``).

A refusal is not an exception: ``authenticate`` returns None and leaves its reason on the request
(``request.qs_cas_refusal``, see cas.refusal_message) for the login view to show.
"""

from __future__ import annotations

import logging

import requests
from django_cas_ng.backends import CASBackend
from django_cas_ng.utils import get_cas_client

from . import cas, services

log = logging.getLogger(__name__)


class CampusCASBackend(CASBackend):
    def authenticate(self, request, ticket, service):
        def refuse(code: str, number: str = ""):
            if request is not None:
                request.qs_cas_refusal = (code, number)
            return None

        client = get_cas_client(service_url=service, request=request)
        try:
            response = client.get_verification_response(ticket)
        except requests.RequestException:
            log.warning("CAS server unreachable while validating a ticket", exc_info=True)
            return refuse(cas.UNREACHABLE)
        failure = cas.failure_code(response)
        if failure:
            return refuse(failure)
        try:
            username, attributes, _pgtiou = client.verify_response(response)
        except Exception:  # not a CAS answer (an error page of a proxy, …)
            log.warning("unreadable CAS validation response", exc_info=True)
            return refuse(cas.INVALID_TICKET)
        if not username:
            return refuse(cas.INVALID_TICKET)
        identity = cas.identity_from(username, attributes)
        staff = services.staff_account_for(identity.staff_number)
        if staff is not None:
            return staff if self.user_can_authenticate(staff) else refuse(cas.DISABLED)
        if not identity.number:
            return refuse(cas.NO_ID)
        outcome = services.member_from_cas(identity)
        if outcome.user is None:
            return refuse(outcome.refusal, identity.number)
        return outcome.user if self.user_can_authenticate(outcome.user) else refuse(cas.DISABLED)
