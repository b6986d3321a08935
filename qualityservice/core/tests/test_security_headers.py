"""The Content-Security-Policy forbids inline code; the foundation's templates need none."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

TEMPLATES = sorted(
    p for app in ("core", "org") for p in (Path(settings.BASE_DIR) / "qualityservice" / app / "templates").rglob("*.html")
    if p.name not in ("badges_pdf.html", "certificate_pdf.html")  # rendered to PDF by WeasyPrint, never served to a browser
)


def test_it_sends_a_strict_content_security_policy_and_security_headers(client, org):
    response = client.get(reverse("org:home"))
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("path", TEMPLATES, ids=[p.name for p in TEMPLATES])
def test_it_keeps_scripts_and_styles_out_of_the_templates(path):
    html = path.read_text()
    assert not re.search(r"\sstyle\s*=", html), "style attributes are blocked by the CSP: use a class"
    assert "<style" not in html
    assert not re.search(r"\son[a-z]+\s*=", html), "inline event handlers are blocked by the CSP"
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag, f"inline script {tag}: put the code in a static .js file"


def test_it_renders_initials_avatars(client, org):
    from qualityservice.core.templatetags.qs_tags import avatar

    assert avatar("欧阳晓峰")["initials"] == "晓峰"
    assert avatar("李娜")["initials"] == "娜"
    assert avatar("Zhang Wei")["initials"] == "ZW"
    assert avatar("")["initials"] == "?"
    assert avatar("王芳")["colour"] == avatar("王芳")["colour"]


def _csp_response(path="/", **response_attrs):
    from csp.middleware import CSPMiddleware
    from django.http import HttpResponse
    from django.test import RequestFactory

    def view(request):
        response = HttpResponse("ok")
        for name, value in response_attrs.items():
            setattr(response, name, value)
        return response

    return CSPMiddleware(view)(RequestFactory().get(path))


def test_it_follows_a_changed_policy_setting(settings):
    assert "img-src 'self' data:" in _csp_response()["Content-Security-Policy"]
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'self'"], "img-src": ["https://img.example"]}}
    policy = _csp_response()["Content-Security-Policy"]
    assert "img-src https://img.example" in policy and "data:" not in policy
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": {"default-src": ["'none'"]},
                                                    "EXCLUDE_URL_PREFIXES": ["/open/"]}
    assert _csp_response()["Content-Security-Policy-Report-Only"] == "default-src 'none'"
    assert "Content-Security-Policy-Report-Only" not in _csp_response("/open/page/")


def test_it_keeps_a_per_view_policy_and_an_exemption():
    updated = _csp_response(_csp_update={"img-src": ["https://maps.example"]})["Content-Security-Policy"]
    assert "img-src 'self' data: https://maps.example" in updated
    assert "Content-Security-Policy" not in _csp_response(_csp_exempt=True)
    assert "frame-ancestors 'none'" in _csp_response()["Content-Security-Policy"]  # the settings' policy is untouched
