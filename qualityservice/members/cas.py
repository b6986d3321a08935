"""The campus identity service (统一身份认证, CAS 2/3) as the platform sees it: is it configured, what a
validated ticket says about the person (``Identity``, from the released attributes named by the
``QS_CAS_ATTR_*`` settings), why a ticket was refused, and the CAS server's single-sign-out message.

django-cas-ng talks the protocol (redirects, ticket validation over HTTP); ``backends.CampusCASBackend``
turns its answer into a signed-in account.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.utils.translation import gettext as _
from lxml import etree

from .models import MemberKind, normalise_number


def enabled() -> bool:
    return bool(getattr(settings, "CAS_SERVER_URL", None))


def passwords_enabled() -> bool:
    """Local member passwords (ID number + password, first set from a one-time code)."""
    return bool(settings.QS_MEMBER_PASSWORDS)


def login_url(next_url: str = "") -> str:
    from django.urls import reverse

    url = reverse("cas_login")
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


# --- What a ticket says ---------------------------------------------------------------------


@dataclass(frozen=True)
class Identity:
    number: str  # 学号/工号, normalised
    name: str
    kind: str  # MemberKind value, or "" when the service released no type
    college: str
    class_name: str
    staff_number: str  # matched against the staff badge numbers
    attributes_released: bool


def _first(value) -> str:
    if isinstance(value, list | tuple):
        value = next((v for v in value if v not in (None, "")), "")
    return "" if value is None else str(value).strip()


def kind_from(value: str) -> str:
    """The member type for a released type value (``QS_CAS_STUDENT_VALUES`` / ``_TEACHER_VALUES``,
    compared without case); "" for no value, ``other`` for anything else."""
    value = (value or "").strip().lower()
    if not value:
        return ""
    if value in {v.lower() for v in settings.QS_CAS_STUDENT_VALUES}:
        return MemberKind.STUDENT
    if value in {v.lower() for v in settings.QS_CAS_TEACHER_VALUES}:
        return MemberKind.TEACHER
    return MemberKind.OTHER


def identity_from(username: str | None, attributes: dict | None) -> Identity:
    attributes = attributes or {}

    def attr(name: str) -> str:
        return _first(attributes.get(name)) if name else ""

    number = normalise_number(attr(settings.QS_CAS_ATTR_ID) if settings.QS_CAS_ATTR_ID else (username or ""))
    staff_number = normalise_number(attr(settings.QS_CAS_ATTR_STAFF_ID)) if settings.QS_CAS_ATTR_STAFF_ID else number
    return Identity(
        number=number,
        name=attr(settings.QS_CAS_ATTR_NAME)[:60],
        kind=kind_from(attr(settings.QS_CAS_ATTR_TYPE)),
        college=attr(settings.QS_CAS_ATTR_COLLEGE)[:100],
        class_name=attr(settings.QS_CAS_ATTR_CLASS)[:60],
        staff_number=staff_number,
        attributes_released=bool(attributes),
    )


# --- Why a sign-in was refused --------------------------------------------------------------

# Set on the request by the backend (``request.qs_cas_refusal``) and shown by the login view.
INVALID_TICKET = "invalid_ticket"  # replayed, expired, forged or unknown ticket
INVALID_SERVICE = "invalid_service"  # the ticket was issued for another address
UNREACHABLE = "unreachable"
NO_ID = "no_id"
NOT_ON_ROSTER = "not_on_roster"
DISABLED = "disabled"
BAD_NEXT = "bad_next"


def refusal_message(code: str, number: str = "") -> str:
    messages = {
        INVALID_TICKET: _("The campus identity service did not accept the sign-in ticket: it has already been used, "
                          "has expired or was not issued by the service. Please sign in again."),
        INVALID_SERVICE: _("The sign-in ticket was issued for another address, not for this site. Please sign in "
                           "again from this site."),
        UNREACHABLE: _("The campus identity service cannot be reached at the moment. Please try again in a few minutes."),
        NO_ID: _("The campus identity service did not release your ID number, so you cannot be signed in. "
                 "Please contact the administrator."),
        NOT_ON_ROSTER: _("Your ID number %(number)s is not on the member roster of this platform. Please contact the "
                         "administrator.") % {"number": number},
        DISABLED: _("This account is disabled. Please contact the administrator."),
        BAD_NEXT: _("The address to return to after signing in is not on this site."),
    }
    return messages.get(code, messages[INVALID_TICKET])


def failure_code(response: bytes | str) -> str | None:
    """The refusal in a CAS 2/3 validation response (``cas:authenticationFailure code="…"``), mapped to
    ours; None when the response is a success or not a CAS response."""
    try:
        root = etree.fromstring(response.encode() if isinstance(response, str) else response, parser=_parser())
    except (etree.XMLSyntaxError, ValueError):
        return INVALID_TICKET
    for element in root:
        if isinstance(element.tag, str) and element.tag.endswith("authenticationFailure"):
            code = (element.get("code") or "").upper()
            return INVALID_SERVICE if code == "INVALID_SERVICE" else INVALID_TICKET
    return None


# --- Single sign-out --------------------------------------------------------------------------


def _parser():
    # The message comes from whoever POSTs it: no entities, no network, no huge trees.
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)


def logout_request_tickets(message: str) -> list[str]:
    """The service tickets a CAS ``samlp:LogoutRequest`` names (its ``SessionIndex``); [] for anything else."""
    if not message or len(message) > 10000:
        return []
    try:
        root = etree.fromstring(message.encode(), parser=_parser())
    except (etree.XMLSyntaxError, ValueError):
        return []
    found = root.xpath("//samlp:SessionIndex", namespaces={"samlp": "urn:oasis:names:tc:SAML:2.0:protocol"})
    return [el.text.strip() for el in found if el.text and el.text.strip()][:10]
