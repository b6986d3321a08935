"""Certificates, one service for the whole platform: a PDF certificate and a public verification page.

An app that awards something (a competition's placed contestants, recognition's honours, a golden idea)
keeps its own record of each certificate — who, what, its status (valid or revoked, through the app's
workflow) — and asks this module for the rest::

    from qualityservice.core import certificates

    serial = certificates.new_serial("JS")                  # printed on the certificate; unique, unguessable
    pdf = certificates.render_pdf([certificates.CertificateData(
        serial=serial, holder="王伟", title="2026年岗位技能大比武·烹饪", award="一等奖",
        date=dt.date(2026, 11, 20), issuer="中国海洋大学后勤集团", detail="饮食服务中心")])
    certificates.register_verifier(my_lookup)               # in the app's AppConfig.ready()

Each certificate page carries the serial and a QR code to ``/c/<serial>/`` (``verification_url``), the public
page that says whether the certificate is genuine: it asks each registered verifier (``lookup(serial) ->
Verification | None``) in turn; the first that knows the serial answers. A revoked certificate is shown
as revoked, with the reason; an unknown serial as not genuine (404). Core keeps no certificate table and
imports no app: the verifiers are registered by the apps.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from . import documents

# Crockford's base 32 without I, L, O, U: nothing to misread when a serial is typed from paper.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
SERIAL_RANDOM_CHARS = 10  # 50 random bits
SERIAL_PATTERN = re.compile(r"^[A-Z0-9]{1,8}-\d{4}-[0-9A-Z]{6,16}$")


@dataclass(frozen=True)
class CertificateData:
    """What one certificate page shows."""

    serial: str
    holder: str  # the name of the person honoured
    title: str  # what it is for: the competition, the honour
    award: str  # the award line: 一等奖, 优秀服务标兵…
    date: dt.date
    issuer: str  # the organisation that issues it (the site settings' name, usually)
    detail: str = ""  # an optional line under the holder's name (their department)


@dataclass(frozen=True)
class Verification:
    """What the verification page says about a serial a verifier knows."""

    serial: str
    holder: str
    title: str
    award: str
    date: dt.date
    issuer: str
    valid: bool
    detail: str = ""
    revoked_reason: str = ""
    revoked_on: dt.date | None = None


def new_serial(prefix: str, *, year: int | None = None) -> str:
    """``<PREFIX>-<year>-<10 random characters>``, e.g. ``JS-2026-7KQ4M2XP9D``: the prefix names the issuing
    app (upper-case letters and digits), the year is the issue year (Asia/Shanghai)."""
    prefix = prefix.upper()
    if not re.fullmatch(r"[A-Z0-9]{1,8}", prefix):
        raise ValueError("a serial prefix is 1–8 upper-case letters or digits")
    year = year or timezone.localdate().year
    return f"{prefix}-{year:04d}-" + "".join(secrets.choice(ALPHABET) for _ in range(SERIAL_RANDOM_CHARS))


def looks_like_serial(serial: str) -> bool:
    return bool(SERIAL_PATTERN.match(serial or ""))


def verification_path(serial: str) -> str:
    return reverse("certificate_verify", args=[serial])


def verification_url(serial: str) -> str:
    """The absolute URL printed in the QR code (``SITE_URL`` + ``/c/<serial>/``)."""
    return documents.absolute_url(verification_path(serial))


def render_pdf(certificates: Sequence[CertificateData], request: HttpRequest | None = None) -> bytes:
    """One A4 landscape page per certificate (CJK fonts embedded), each with its serial and QR code."""
    pages = [{"data": c, "qr": documents.qr_data_uri(verification_url(c.serial), scale=4, border=1),
              "verify_url": verification_url(c.serial)} for c in certificates]
    return documents.render_pdf("core/certificate_pdf.html", {"pages": pages}, request)


# --- Verification ------------------------------------------------------------------------------------------

_verifiers: list[Callable[[str], Verification | None]] = []


def register_verifier(lookup: Callable[[str], Verification | None]) -> None:
    """Add an app's lookup (idempotent: registering the same function twice keeps one)."""
    if lookup not in _verifiers:
        _verifiers.append(lookup)


def verify(serial: str) -> Verification | None:
    """What the first registered verifier that knows ``serial`` says (None: nobody issued it)."""
    if not looks_like_serial(serial):
        return None
    for lookup in list(_verifiers):
        found = lookup(serial)
        if found is not None:
            return found
    return None


def verification_page(request: HttpRequest, serial: str) -> HttpResponse:
    """``/c/<serial>/``: genuine (valid), revoked (with the reason), or not found (404)."""
    found = verify(serial.strip().upper())
    response = render(request, "core/certificate_verify.html", {"verification": found, "serial": serial},
                      status=200 if found is not None else 404)
    response["Cache-Control"] = "no-cache"  # a revocation shows at once
    response["X-Robots-Tag"] = "noindex"
    return response

