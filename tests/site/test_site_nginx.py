"""site/nginx/kynangso.conf, run by Debian's real nginx in front of a real `kynangso site`:
compression, year-long caching of versioned assets, the streamed lesson page, and a lesson
(widgets over the proxied websocket) working in Chromium."""

from __future__ import annotations

import contextlib
import gzip
import os
import re
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from kynangso.messages import t
from tests.servers import PROJECT, free_port, running
from tests.site.conftest import DEMO_COURSES, DEMO_LESSON, assert_no_code, check_quiz_works, open_lesson, start_site

pytestmark = [pytest.mark.server]

NGINX = "/usr/sbin/nginx"
CONF = PROJECT / "site" / "nginx" / "kynangso.conf"
IMMUTABLE = "public, max-age=31536000, immutable"


def site_conf(upstream: int, listen: int, cache: Path) -> str:
    """The shipped file with its three marked lines pointed at this test's ports and folders."""
    text = CONF.read_text("utf-8")
    swaps = {
        "server 127.0.0.1:8866;": f"server 127.0.0.1:{upstream};",
        "listen 80;": f"listen 127.0.0.1:{listen};",
        "/var/cache/nginx/kynangso": str(cache),
    }
    for old, new in swaps.items():
        assert text.count(old) == 1, f"{CONF.name} no longer has exactly one {old!r}"
        text = text.replace(old, new)
    return text


def main_conf(tmp: Path, site: Path) -> str:
    """The minimal nginx.conf around it (Debian's would include conf.d/*.conf the same way)."""
    user = "user root;\n" if os.geteuid() == 0 else ""
    temp = "\n".join(f"    {kind}_temp_path {tmp / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return f"""{user}worker_processes 1;
events {{ worker_connections 512; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {tmp / 'access.log'};
{temp}
    include {site};
}}
"""


@contextlib.contextmanager
def nginx_in_front(tmp: Path, upstream: int):
    port = free_port()
    tmp.mkdir(parents=True, exist_ok=True)
    site = tmp / "kynangso.conf"
    site.write_text(site_conf(upstream, port, tmp / "cache"), "utf-8")
    conf = tmp / "nginx.conf"
    conf.write_text(main_conf(tmp, site), "utf-8")
    cmd = [NGINX, "-p", str(tmp), "-e", str(tmp / "error.log"), "-c", str(conf),
           "-g", f"daemon off; pid {tmp / 'nginx.pid'};"]
    check = subprocess.run([*cmd[:-2], "-t"], capture_output=True, text=True)
    assert check.returncode == 0, f"nginx -t refused the configuration:\n{check.stderr}"
    with running(cmd, f"http://127.0.0.1:{port}/", log=tmp / "nginx.out", timeout=30):
        yield f"http://127.0.0.1:{port}/", tmp / "access.log"


@pytest.fixture(scope="module")
def proxied(tmp_path_factory):
    if not os.path.exists(NGINX):
        pytest.fail("Thiếu nginx của Debian (/usr/sbin/nginx): chạy `make test` với quyền root để cài.")
    tmp = tmp_path_factory.mktemp("nginx")
    # No kernel pool: the lesson is rendered live, so the page really streams.
    with start_site(tmp / "site", DEMO_COURSES, "--pool-size", "0") as site, \
         nginx_in_front(tmp / "nginx", site.port) as (url, access_log):
        yield url, access_log


def fetch(url: str, encoding: str | None = "gzip"):
    headers = {"Accept-Encoding": encoding} if encoding else {}
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=120) as response:
        return response.status, response.headers, response.read()


def test_landing_page_and_javascript_are_gzipped(proxied):
    url, _ = proxied
    status, headers, body = fetch(url)
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    assert t("site.landing.title") in gzip.decompress(body).decode()
    _, _, page = fetch(url + f"voila/render/{DEMO_LESSON}")
    html = gzip.decompress(page).decode()
    scripts = re.findall(r'src="(/voila/lesson-[0-9a-f]+/[^"]+\.js)"', html)
    assert scripts, "the lesson page loads no versioned script"
    status, headers, body = fetch(url + scripts[0].lstrip("/"))
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    assert "javascript" in headers["Content-Type"]
    assert len(gzip.decompress(body)) > 1.5 * len(body), "the script is not really compressed"


def test_versioned_assets_are_immutable_for_a_year_and_cached_by_nginx(proxied):
    url, _ = proxied
    _, _, page = fetch(url + f"voila/render/{DEMO_LESSON}", encoding=None)
    html = page.decode()
    script = re.search(r'src="(/voila/lesson-[0-9a-f]+/[^"]+)"', html).group(1)
    stylesheet = re.search(r'href="(/voila/lesson-[0-9a-f]+/[^"]+\.css)"', html).group(1)
    for path in (script, stylesheet):
        statuses = []
        for _ in range(2):
            status, headers, _ = fetch(url + path.lstrip("/"))
            assert status == 200, path
            assert headers["Cache-Control"] == IMMUTABLE, f"{path}: {headers['Cache-Control']}"
            statuses.append(headers["X-Cache-Status"])
        assert statuses[-1] == "HIT", f"{path}: nginx did not keep the file ({statuses})"
    # Pages that change are never cached for a year.
    _, headers, _ = fetch(url)
    assert "immutable" not in (headers["Cache-Control"] or "")


def test_the_lesson_page_streams_through_the_proxy(proxied):
    """Cell outputs reach the phone as the kernel produces them, through the proxy: a
    proxy that held the page (caching it, compressing it without flushing, buffering it
    whole) would send every cell after the loading screen in one go at the end."""
    url, _ = proxied
    port = int(url.rsplit(":", 1)[1].strip("/"))
    with socket.create_connection(("127.0.0.1", port), timeout=120) as connection:
        connection.sendall(f"GET /voila/render/{DEMO_LESSON} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                           "Connection: close\r\n\r\n".encode())
        received, arrivals = b"", []
        while chunk := connection.recv(65536):
            received += chunk
            arrivals.append((time.monotonic(), len(received)))
    assert received.startswith(b"HTTP/1.1 200"), received[:100]
    assert b"AFTER_ERROR_MARKER" in received
    cells_start = received.index(b'id="rendered_cells"')
    finished = arrivals[-1][0]
    early_outputs = [size for at, size in arrivals if size > cells_start + 200 and at < finished - 0.05]
    assert early_outputs, "nginx held the lesson's cells back until the whole lesson had run"


@pytest.mark.browser
def test_a_lesson_works_through_nginx_in_chromium(proxied, phone_page):
    url, access_log = proxied
    page, watch = phone_page
    sockets = []
    page.on("websocket", lambda ws: sockets.append(ws.url))
    open_lesson(page, url + f"voila/render/{DEMO_LESSON}")
    assert_no_code(page)
    check_quiz_works(page)
    watch.assert_clean()
    port = url.rsplit(":", 1)[1].strip("/")
    assert any(s.startswith(f"ws://127.0.0.1:{port}/api/kernels/") for s in sockets), sockets
    # nginx logs a websocket when it closes.
    page.context.close()
    deadline = time.monotonic() + 10
    pattern = re.compile(r'"GET /api/kernels/[^/ ]+/channels\S* HTTP/1.1" 101 ')
    while not pattern.search(access_log.read_text()) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert pattern.search(access_log.read_text()), "no websocket went through nginx"
