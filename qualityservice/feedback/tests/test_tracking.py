"""The tracking look-up takes a code as people type it — lowercase, with spaces or dashes between groups,
full-width from a Chinese keyboard — and the status page offers a copy-code button (a script file: CSP)."""

import pathlib
import re

import pytest

from .factories import make_feedback

LOOKUP = "/feedback/track/"
STATIC = pathlib.Path(__file__).resolve().parent.parent / "static" / "feedback" / "js" / "track.js"


def typed(code: str) -> list[str]:
    return [
        code.lower(),
        f"{code[:5]} {code[5:]}",
        f"{code[:3]}-{code[3:6]}-{code[6:]}".lower(),
        f"  {code[:5]}\u2014{code[5:]} ",  # an em dash from a Chinese keyboard
        "".join(chr(ord(c) + 0xFEE0) for c in code),  # full-width letters and digits
        f"{code[:5]}\u3000{code[5:]}",  # a full-width space
    ]


@pytest.mark.parametrize("variant", range(6))
def test_it_finds_an_item_by_a_code_typed_with_spaces_dashes_or_in_lowercase(client, org, variant):
    fb = make_feedback(org)
    response = client.get(LOOKUP, {"code": typed(fb.code)[variant]})
    assert response.status_code == 302 and response["Location"] == fb.get_public_url()
    assert fb.title in client.get(response["Location"]).content.decode()


def test_it_explains_a_code_that_matches_nothing(client, org):
    make_feedback(org)
    html = client.get(LOOKUP, {"code": "zzzzz-zzzzz"}).content.decode()
    assert "没有找到该跟踪码" in html
    html = client.get(LOOKUP, {"code": " - - "}).content.decode()
    assert "请输入跟踪码" in html


def test_it_offers_a_copy_button_for_the_code_from_a_script_file(client, org):
    fb = make_feedback(org)
    html = client.get(fb.get_public_url()).content.decode()
    assert f'data-copy="{fb.code}"' in html and 'data-copied="已复制"' in html and "复制跟踪码" in html
    assert '<script src="/static/feedback/js/track.js" defer></script>' in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)  # no inline script (CSP)
    script = STATIC.read_text()
    assert "navigator.clipboard" in script and "data-copy" in script
