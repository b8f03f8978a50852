"""Fixtures for the resident site: `kynangso site` started once per session per course set.

Two sites: the project's real courses (every catalogued lesson is checked) and a small
demo course under fixtures/ that carries the awkward cases (failing cell, trainee-only
cells, warnings, files that must not be served).
"""

from __future__ import annotations

import contextlib
import json
import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from kynangso.site.bench_browser import CLICKS_ARE_HANDLED
from tests.servers import PROJECT, VENV_BIN, free_port, project_env, running

FIXTURES = Path(__file__).parent / "fixtures"
DEMO_COURSES = FIXTURES / "courses"
REAL_COURSES = PROJECT / "courses"
DEMO_LESSON = "demo/01-bai-thu.ipynb"


@dataclass
class Site:
    url: str
    port: int
    log: Path
    marker_dir: Path
    pid: int = 0

    def lesson_url(self, path: str) -> str:
        return f"{self.url}voila/render/{path}"

    def get(self, path: str, *, method: str = "GET", headers: dict | None = None, data: bytes | None = None):
        """(status, headers, body) without raising on HTTP errors."""
        request = urllib.request.Request(self.url + path.lstrip("/"), method=method, headers=headers or {}, data=data)
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()


@contextlib.contextmanager
def start_site(tmp: Path, courses: Path, *extra: str):
    port = free_port()
    marker_dir = tmp / "markers"
    marker_dir.mkdir(parents=True, exist_ok=True)
    log = tmp / "site.log"
    cmd = [str(VENV_BIN / "kynangso"), "site", "--port", str(port), "--courses", str(courses), *extra]
    env = project_env(KNS_TEST_MARKER_DIR=str(marker_dir))
    with running(cmd, f"http://127.0.0.1:{port}/", env=env, log=log, timeout=120) as proc:
        yield Site(f"http://127.0.0.1:{port}/", port, log, marker_dir, proc.pid)


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory):
    with start_site(tmp_path_factory.mktemp("demo-site"), DEMO_COURSES) as site:
        yield site


@pytest.fixture(scope="session")
def real_site(tmp_path_factory):
    with start_site(tmp_path_factory.mktemp("real-site"), REAL_COURSES) as site:
        yield site


def kernel_id_of(html: str) -> str:
    """The kernel Voila started for a rendered lesson page (from its page config)."""
    match = re.search(r'<script id="jupyter-config-data" type="application/json">\s*(\{.*?\})\s*</script>', html, re.S)
    assert match, "the lesson page carries no page config"
    return json.loads(match.group(1))["kernelId"]


def open_lesson(page, url: str):
    """Open a lesson and wait until its first quiz option is on screen and a click on it
    reaches the kernel (widgets are drawn from the page before the kernel's socket opens)."""
    page.goto(url)
    page.wait_for_selector(".kns-quiz .kns-quiz-option", state="visible", timeout=90_000)
    page.wait_for_function(CLICKS_ARE_HANDLED, timeout=90_000)


def check_quiz_works(page) -> None:
    """The DOM contract of kynangso.widgets.Quiz: click an option, feedback appears."""
    quiz = page.locator(".kns-quiz").first
    option = quiz.locator(".kns-quiz-option").first
    option.click()
    feedback = quiz.locator(".kns-quiz-feedback")
    feedback.filter(has_text=re.compile(r"\w")).wait_for(timeout=15_000)
    assert feedback.inner_text().strip(), "the quiz gave no feedback after a click"


CODE_SELECTORS = (".jp-InputArea", ".jp-CodeMirrorEditor", ".cm-editor", ".jp-InputPrompt", ".highlight pre")


def assert_no_code(page) -> None:
    for selector in CODE_SELECTORS:
        visible = [el for el in page.locator(selector).all() if el.is_visible()]
        assert not visible, f"code is visible: {selector}"
