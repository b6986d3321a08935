"""PDF (WeasyPrint) and QR (segno) helpers."""

from __future__ import annotations

import io

import segno
from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string


def qr_svg(data: str, *, scale: int = 4, border: int = 1) -> str:
    """An inline SVG of a QR code (error correction M)."""
    buf = io.BytesIO()
    segno.make(data, error="m", micro=False).save(buf, kind="svg", scale=scale, border=border, xmldecl=False, svgns=True)
    return buf.getvalue().decode()


def qr_png(data: str, *, scale: int = 8, border: int = 2) -> bytes:
    buf = io.BytesIO()
    segno.make(data, error="m", micro=False).save(buf, kind="png", scale=scale, border=border)
    return buf.getvalue()


def qr_data_uri(data: str, *, scale: int = 4, border: int = 1) -> str:
    return segno.make(data, error="m", micro=False).svg_data_uri(scale=scale, border=border)


def render_pdf(template: str, context: dict, request=None) -> bytes:
    from weasyprint import HTML  # imported lazily: pango loads slowly

    html = render_to_string(template, context, request=request)
    base_url = request.build_absolute_uri("/") if request is not None else settings.SITE_URL
    return HTML(string=html, base_url=base_url).write_pdf()


def pdf_response(pdf: bytes, filename: str, *, inline: bool = False) -> HttpResponse:
    from urllib.parse import quote

    response = HttpResponse(pdf, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(filename)}"
    return response


def absolute_url(path: str) -> str:
    return settings.SITE_URL + path
