"""What a visitor can reach through the site's port, tried against a real `kynangso site`:
no code execution over the kernel websocket, only allow-listed files, only catalogued
lessons, no JupyterLab or Jupyter REST API, and a kernel cap with culling that leaks nothing."""

from __future__ import annotations

import asyncio
import datetime
import http.client
import json
import threading
import time
import uuid

import psutil
import pytest
from jupyter_server.services.kernels.connection.base import (
    deserialize_msg_from_ws_v1,
    serialize_msg_to_ws_v1,
)
from tornado.httpclient import HTTPClientError, HTTPRequest
from tornado.websocket import websocket_connect

from kynangso.messages import t
from tests.site.conftest import DEMO_COURSES, DEMO_LESSON, kernel_id_of, open_lesson, start_site

pytestmark = [pytest.mark.server]

V1 = "v1.kernel.websocket.jupyter.org"
REFUSED = (403, 404)


def raw(site, path: str, method: str = "GET", body: bytes | None = None, headers: dict | None = None):
    """(status, headers, body) for a request line sent exactly as written (no normalising)."""
    connection = http.client.HTTPConnection("127.0.0.1", site.port, timeout=120)
    try:
        connection.putrequest(method, path, skip_accept_encoding=True)
        for name, value in (headers or {}).items():
            connection.putheader(name, value)
        if body is not None:
            connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def run_async(factory):
    """Run ``factory()``'s coroutine on a loop of its own thread: Playwright's sync API may
    already own this thread's event loop in the same session."""
    outcome: dict = {}

    def target():
        try:
            outcome["value"] = asyncio.run(factory())
        except BaseException as error:  # noqa: BLE001 (re-raised in the test's thread)
            outcome["error"] = error

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(180)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def kernel_processes(site) -> list[psutil.Process]:
    """The site's kernels, counted as real processes under the server."""
    children = psutil.Process(site.pid).children(recursive=True)
    found = []
    for child in children:
        try:
            if "ipykernel_launcher" in " ".join(child.cmdline()):
                found.append(child)
        except psutil.NoSuchProcess:
            pass
    return found


def wait_for_kernels(site, count: int, timeout: float) -> int:
    deadline = time.monotonic() + timeout
    while True:
        now = len(kernel_processes(site))
        if now == count or time.monotonic() > deadline:
            return now
        time.sleep(0.3)


# --- a visitor cannot execute code -------------------------------------------------------

def message(msg_type: str, content: dict) -> dict:
    return {
        "header": {
            "msg_id": uuid.uuid4().hex, "msg_type": msg_type, "username": "khach",
            "session": uuid.uuid4().hex, "version": "5.3",
            "date": datetime.datetime.now(datetime.timezone.utc).isoformat(),
        },
        "parent_header": {}, "metadata": {}, "content": content, "channel": "shell", "buffers": [],
    }


def encode(msg: dict, protocol: str | None):
    if protocol == V1:
        parts = [json.dumps(msg[key]).encode() for key in ("header", "parent_header", "metadata", "content")]
        return serialize_msg_to_ws_v1(parts, "shell"), True
    return json.dumps(msg), False


def decode(frame, protocol: str | None) -> dict:
    if protocol == V1:
        channel, parts = deserialize_msg_from_ws_v1(frame)
        return {"channel": channel, "header": json.loads(parts[0]), "parent_header": json.loads(parts[1]),
                "content": json.loads(parts[3])}
    return json.loads(frame)


async def try_to_execute(url: str, code: str, protocol: str | None) -> list[dict]:
    """Send an execute_request, then a comm_info_request; every message until the comm reply
    (and a little longer, in case a reply to the execute_request trails behind)."""
    ws = await websocket_connect(url, subprotocols=[protocol] if protocol else None)
    try:
        assert ws.selected_subprotocol == protocol
        execute = message("execute_request", {
            "code": code, "silent": False, "store_history": True, "user_expressions": {},
            "allow_stdin": False, "stop_on_error": True,
        })
        for msg in (execute, message("comm_info_request", {"target_name": "jupyter.widget"})):
            frame, binary = encode(msg, protocol)
            await ws.write_message(frame, binary=binary)
        received, deadline = [], None
        loop = asyncio.get_running_loop()
        while True:
            timeout = 60 if deadline is None else deadline - loop.time()
            if timeout <= 0:
                return received
            try:
                frame = await asyncio.wait_for(ws.read_message(), timeout)
            except asyncio.TimeoutError:
                return received
            assert frame is not None, "the site closed the kernel websocket"
            received.append(decode(frame, protocol))
            if received[-1]["header"]["msg_type"] == "comm_info_reply" and deadline is None:
                deadline = loop.time() + 3
    finally:
        ws.close()


@pytest.mark.parametrize("protocol", [None, V1], ids=["json", "v1-binary"])
def test_a_visitor_cannot_execute_code_over_the_kernel_websocket(demo_site, protocol):
    status, _, html = demo_site.get(f"voila/render/{DEMO_LESSON}")
    assert status == 200
    kernel_id = kernel_id_of(html.decode())
    marker = demo_site.marker_dir / f"executed-{uuid.uuid4().hex}"
    code = f"import pathlib\npathlib.Path({str(marker)!r}).touch()"
    url = f"ws://127.0.0.1:{demo_site.port}/api/kernels/{kernel_id}/channels?session_id={uuid.uuid4().hex}"

    received = run_async(lambda: try_to_execute(url, code, protocol))

    types = [m["header"]["msg_type"] for m in received]
    comm_reply = next((m for m in received if m["header"]["msg_type"] == "comm_info_reply"), None)
    assert comm_reply is not None, f"the widget channel did not answer: {types}"
    assert comm_reply["content"]["status"] == "ok" and comm_reply["content"]["comms"], \
        "the lesson's widgets are not reachable over the socket"
    assert "execute_reply" not in types and "execute_result" not in types, f"code was executed: {types}"
    assert not any(m["header"]["msg_type"] == "stream" for m in received), types
    time.sleep(0.5)
    assert not marker.exists(), "a visitor's execute_request ran in the lesson kernel"


def test_a_websocket_from_another_site_is_refused(demo_site):
    status, _, html = demo_site.get(f"voila/render/{DEMO_LESSON}")
    kernel_id = kernel_id_of(html.decode())
    request = HTTPRequest(f"ws://127.0.0.1:{demo_site.port}/api/kernels/{kernel_id}/channels",
                          headers={"Origin": "http://ke-gian.example"})

    async def connect():
        return await websocket_connect(request)

    with pytest.raises(HTTPClientError) as refused:
        run_async(connect)
    assert refused.value.code in REFUSED


# --- files: only allow-listed asset types, no traversal ---------------------------------

def test_files_serves_allow_listed_images(demo_site):
    status, headers, body = raw(demo_site, "/voila/files/demo/hinh.png")
    assert status == 200 and headers["Content-Type"] == "image/png" and body.startswith(b"\x89PNG")


SECRETS = (b"[project]", b"root:", b"SECRET", b"nbformat", b"print(", b"PNGFAKE", b"courses:")
FILES_REFUSED = [
    "/voila/files/demo/bi-mat.py",
    "/voila/files/demo/du-lieu.csv",
    "/voila/files/demo/01-bai-thu.ipynb",
    "/voila/files/demo/99-ban-nhap.ipynb",
    "/voila/files/catalog.yml",
    "/voila/files/demo/.an.png",
    "/voila/files/demo/%2ean.png",
    "/voila/files/../../../../pyproject.toml",
    "/voila/files/demo/../../../../../pyproject.toml",
    "/voila/files/%2e%2e/%2e%2e/%2e%2e/%2e%2e/pyproject.toml",
    "/voila/files/..%2f..%2f..%2f..%2fpyproject.toml",
    "/voila/files/demo%2f..%2f..%2f..%2f..%2f..%2fpyproject.toml",
    "/voila/files//etc/passwd",
    "/voila/files/%2fetc%2fpasswd",
    "/voila/files/..%2f..%2f..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/voila/files/%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/voila/files/..%5c..%5c..%5c..%5cpyproject.toml",
    "/voila/files/demo/hinh.png/../bi-mat.py",
    "/voila/files/demo/hinh.png%00.py",
]


@pytest.mark.parametrize("path", FILES_REFUSED)
def test_files_refuses_code_data_dotfiles_and_traversal(demo_site, path):
    status, _, body = raw(demo_site, path)
    assert status in REFUSED, f"{path}: HTTP {status}"
    assert not any(secret in body for secret in SECRETS), f"{path} leaked a file"


RENDER_REFUSED = [
    "/voila/render/demo/99-ban-nhap.ipynb",
    "/voila/render/demo/khong-co.ipynb",
    "/voila/render/../../pyproject.toml",
    "/voila/render/%2e%2e/%2e%2e/pyproject.toml",
    "/voila/render/..%2f..%2fpyproject.toml",
    "/voila/render/demo/..%2f..%2f..%2f..%2fpyproject.toml",
    "/voila/render/demo/../demo/01-bai-thu.ipynb",
    "/voila/render/demo/..%2f..%2ffixtures%2fcourses%2fdemo%2f99-ban-nhap.ipynb",
    "/voila/render//etc/passwd",
    "/voila/render/%2fetc%2fpasswd",
    "/voila/render/%2fwork%2fmain%2fcourses%2fdich-vu-cong%2f01-tai-khoan-vneid.ipynb",
    "/voila/templates/kynangso/static/../../../../../../../../etc/passwd",
    "/voila/templates/kynangso/static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/voila/templates/kynangso/static/..%2f..%2f..%2f..%2f..%2f..%2fpyproject.toml",
    "/voila/static/..%2f..%2f..%2f..%2f..%2f..%2fpyproject.toml",
    "/voila/templates/lab/static/../../../../../../../etc/passwd",
]


@pytest.mark.parametrize("path", RENDER_REFUSED)
def test_render_serves_only_catalogued_lessons_and_no_traversal(demo_site, path):
    status, _, body = raw(demo_site, path)
    assert status in REFUSED, f"{path}: HTTP {status}"
    assert not any(secret in body for secret in SECRETS), f"{path} leaked a file"
    assert "Bản nháp".encode() not in body


# --- the port exposes no JupyterLab and no Jupyter REST API ------------------------------

NOT_EXPOSED = [
    ("GET", "/lab"), ("GET", "/lab/tree/demo"), ("GET", "/tree"), ("GET", "/notebooks/demo/01-bai-thu.ipynb"),
    ("GET", "/login"), ("GET", "/logout"), ("GET", "/voila/tree"), ("GET", "/voila/"),
    ("GET", "/api"), ("GET", "/api/status"), ("GET", "/api/contents"), ("GET", "/api/contents/demo/bi-mat.py"),
    ("GET", "/api/kernels"), ("GET", "/api/kernelspecs"), ("GET", "/api/sessions"), ("GET", "/api/terminals"),
    ("GET", "/api/config/notebook"), ("GET", "/api/me"), ("GET", "/files/demo/bi-mat.py"),
    ("GET", "/edit/demo/bi-mat.py"), ("GET", "/terminals/1"), ("GET", "/nbconvert/html/demo/01-bai-thu.ipynb"),
    ("POST", "/api/kernels"), ("POST", "/api/sessions"), ("POST", "/api/terminals"),
    ("POST", "/api/contents/demo"), ("PUT", "/api/contents/demo/moi.py"), ("POST", "/login"),
    ("POST", "/voila/render/demo/01-bai-thu.ipynb"),
]


@pytest.mark.parametrize(("method", "path"), NOT_EXPOSED, ids=[f"{m} {p}" for m, p in NOT_EXPOSED])
def test_the_port_exposes_no_jupyterlab_and_no_rest_api(demo_site, method, path):
    body = json.dumps({"name": "python3", "type": "file", "path": "demo"}).encode() if method != "GET" else None
    status, _, page = raw(demo_site, path, method, body, {"Content-Type": "application/json"})
    assert status in REFUSED, f"{method} {path}: HTTP {status}"
    assert b"JupyterLab" not in page and b'"kernels"' not in page


def test_starting_or_stopping_kernels_through_the_api_is_refused(demo_site):
    before = len(kernel_processes(demo_site))
    for _ in range(3):
        status, _, _ = raw(demo_site, "/api/kernels", "POST", b'{"name": "python3"}',
                           {"Content-Type": "application/json"})
        assert status in REFUSED
    assert len(kernel_processes(demo_site)) <= before, "POST /api/kernels started a kernel"
    # Someone else's kernel id (a visitor could learn it from a shared page) cannot be deleted.
    _, _, html = demo_site.get(f"voila/render/{DEMO_LESSON}")
    kernel_id = kernel_id_of(html.decode())
    for method, path in (("DELETE", f"/api/kernels/{kernel_id}"), ("POST", f"/api/kernels/{kernel_id}/restart"),
                         ("POST", f"/api/kernels/{kernel_id}/interrupt")):
        status, _, _ = raw(demo_site, path, method, b"{}", {"Content-Type": "application/json"})
        assert status in (*REFUSED, 405), f"{method} {path}: HTTP {status}"
    # Leaving needs the page's own XSRF token: a bare cross-site POST cannot end a lesson.
    status, _, _ = raw(demo_site, f"/voila/api/shutdown/{kernel_id}", "POST", b"",
                       {"Origin": "http://ke-gian.example"})
    assert status in REFUSED
    status, _, _ = raw(demo_site, f"/api/kernels/{kernel_id}")
    assert status == 200, "the kernel did not survive the attempts"


# --- kernel cap, leaving, culling ---------------------------------------------------------

@pytest.fixture(scope="module")
def capped_site(tmp_path_factory):
    with start_site(tmp_path_factory.mktemp("capped-site"), DEMO_COURSES,
                    "--max-kernels", "2", "--pool-size", "0", "--cull-idle", "5") as site:
        yield site


def admitted(site, timeout: float) -> bool:
    """Whether a visitor retrying like the busy page asks gets the lesson within ``timeout``
    (the kernel manager forgets a stopped kernel a moment after its process exits)."""
    deadline = time.monotonic() + timeout
    while True:
        status, _, _ = site.get(f"voila/render/{DEMO_LESSON}")
        if status != 503 or time.monotonic() > deadline:
            return status == 200
        time.sleep(0.5)


def phone(browser):
    return browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, locale="vi-VN")


@pytest.mark.browser
def test_kernel_cap_busy_page_leaving_and_culling(capped_site, browser):
    site = capped_site
    lesson = site.lesson_url(DEMO_LESSON)
    assert wait_for_kernels(site, 0, 5) == 0, "pool size 0 still pre-started kernels"
    first, second = phone(browser), phone(browser)
    try:
        page_one, page_two = first.new_page(), second.new_page()
        open_lesson(page_one, lesson)
        open_lesson(page_two, lesson)
        assert len(kernel_processes(site)) == 2

        # A third visitor meets the Vietnamese busy page, and no kernel is started for them.
        status, headers, body = site.get(f"voila/render/{DEMO_LESSON}")
        assert status == 503
        assert int(headers["Retry-After"]) > 0 and "no-store" in headers["Cache-Control"]
        text = body.decode()
        assert t("site.busy.title") in text and t("site.busy.body") in text and 'lang="vi"' in text
        assert len(kernel_processes(site)) == 2

        # A resident who leaves normally frees their kernel at once (Voila's beacon).
        page_two.goto(site.url)
        assert wait_for_kernels(site, 1, 20) == 1, "leaving the lesson did not stop its kernel"
        assert admitted(site, 10), "a freed place was not given to the next visitor"  # who never connects
        assert len(kernel_processes(site)) == 2

        # A phone that drops off (no unload) and the visitor who never connected go idle:
        # the culler stops both after --cull-idle seconds.
        first.close()
        assert wait_for_kernels(site, 0, 40) == 0, "idle kernels were not culled"
    finally:
        for context in (first, second):
            context.close()

    # A new visitor gets in again, and each visit costs exactly one kernel.
    assert admitted(site, 10)
    assert len(kernel_processes(site)) == 1
