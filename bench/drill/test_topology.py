"""The drill's loopback installation is built from the production files: the nginx site file rendered
for loopback keeps every directive but the machine-specific ones, and nginx accepts it."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from bench.drill import client, topology

PRODUCTION = (topology.DEPLOY / "nginx-qualityservice.conf").read_text()


def rendered(tmp_path: Path) -> str:
    return topology.render_site(PRODUCTION, upstreams=[8101, 8102], https_port=8443, http_port=8080,
                                cert=str(tmp_path / "cert.pem"), key=str(tmp_path / "key.pem"), media_root=str(tmp_path / "media"))


def test_it_renders_the_production_site_file_for_loopback(tmp_path):
    site = rendered(tmp_path)
    assert re.findall(r"^\s*server (\S+?)(?: [^;]*)?;", site, flags=re.M) == ["127.0.0.1:8101", "127.0.0.1:8102"]
    assert "server 127.0.0.1:8101 max_fails=1 fail_timeout=10s;" in site  # the production parameters, for each
    assert re.findall(r"^\s*listen ([^;]+);", site, flags=re.M) == ["127.0.0.1:8080", "127.0.0.1:8443 ssl http2"]
    assert "return 301 https://$host:8443$request_uri;" in site
    assert "/srv/" not in site
    for folder in settings.QS_PUBLIC_MEDIA_DIRS:  # every public media folder, at the loopback media path
        assert f"location /media/{folder} {{" in site and f"alias {tmp_path}/media/{folder};" in site, folder
    # Everything else is the production file's: the proxy headers, timeouts, body size, media rules.
    def kept(text):
        return [line for line in text.splitlines() if re.search(r"proxy_|client_max_body_size|location|return 404|expires|add_header", line)]
    assert kept(site) == kept(PRODUCTION) and kept(site)


def test_it_refuses_a_production_file_whose_replaced_lines_changed_shape(tmp_path):
    with pytest.raises(topology.TopologyError, match="listen 443"):
        topology.render_site(PRODUCTION.replace("listen 443 ssl http2;", "listen [::]:443 ssl;"), upstreams=[1], https_port=2,
                             http_port=3, cert="c", key="k", media_root="/m")


def test_nginx_accepts_the_rendered_configuration(tmp_path):
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists() or not shutil.which("openssl"):
        pytest.skip("nginx or openssl not installed (make system)")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", str(tmp_path / "key.pem"), "-out", str(tmp_path / "cert.pem"), "-days", "1", "-subj", "/CN=127.0.0.1"],
                   check=True, capture_output=True)
    for sub in ("logs", "tmp"):
        (tmp_path / sub).mkdir()
    (tmp_path / "site.conf").write_text(rendered(tmp_path))
    (tmp_path / "nginx.conf").write_text(topology.render_main(tmp_path, tmp_path / "site.conf", as_root=False))
    proc = subprocess.run([nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_it_reads_the_fields_of_the_pages_own_form():
    html = b"""<form action="/i18n/setlang/" method="post"><input name="language" value="en"></form>
    <form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="t"><input name="name" value="\xe7\x89\xa9\xe4\xb8\x9a">
    <textarea name="description">a &amp; b</textarea><select name="sort"><option value="1">1</option><option value="2" selected>2</option></select>
    <input type="checkbox" name="off"><input type="checkbox" name="on" value="on" checked></form>"""
    assert client.form_fields(html) == {"csrfmiddlewaretoken": "t", "name": "物业", "description": "a & b", "sort": "2", "on": "on"}


def test_each_visitor_comes_from_an_address_of_its_own():
    addresses = {client.next_source() for _ in range(300)}
    assert len(addresses) == 300 and all(a.startswith("127.0.") for a in addresses)
