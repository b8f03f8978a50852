"""The committed lesson front end (site/frontend/) is the build of its sources.

The bundle is built with Node.js and committed, so `make start` needs no Node.js; these
checks catch a source change without `make frontend`, or a hand-edited bundle.
"""

import hashlib
import json
import re

import pytest

from kynangso.site import paths
from tests.site.conftest import DEMO_LESSON

FRONTEND = paths.SITE_DIR / "frontend"
INFO = json.loads((paths.LESSON_FRONTEND / "build-info.json").read_text("utf-8"))


def source_digest() -> str:
    """The digest build.mjs records (same files, same order, same separators)."""
    names = ["package.json", "package-lock.json", "build.mjs",
             *(f"src/{p.name}" for p in sorted((FRONTEND / "src").iterdir(), key=lambda p: p.name))]
    digest = hashlib.sha256()
    for name in names:
        digest.update(name.encode() + b"\0" + (FRONTEND / name).read_bytes() + b"\0")
    return digest.hexdigest()


def test_the_bundle_was_built_from_the_current_sources():
    assert INFO["sources"] == source_digest(), "site/frontend changed: run `make frontend` and commit the build"


def test_the_built_files_are_the_ones_the_build_wrote():
    for name, digest in INFO["outputs"].items():
        data = (paths.LESSON_FRONTEND / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == digest, f"{name} was edited by hand"


def test_the_bundle_stays_small_for_3g_phones():
    """A first visit must stay well under 1 MB; the bundle is most of it."""
    import gzip

    sizes = {name: len(gzip.compress((paths.LESSON_FRONTEND / name).read_bytes(), 6))
             for name in ("lesson.js", "lesson.css")}
    assert sum(sizes.values()) < 250_000, sizes


def test_the_pinned_widget_libraries_match_the_kernel_side():
    """The page's controls (npm 5.x) speak protocol 2.x, the one the kernels' ipywidgets use."""
    from ipywidgets import _version

    lock = json.loads((FRONTEND / "package-lock.json").read_text("utf-8"))
    controls = lock["packages"]["node_modules/@jupyter-widgets/controls"]["version"]
    base = lock["packages"]["node_modules/@jupyter-widgets/base"]["version"]
    assert controls.startswith("5.") and _version.__jupyter_widgets_controls_version__.startswith("2."), controls
    assert base.startswith("6.") and _version.__jupyter_widgets_base_version__.startswith("2."), base


# --- in Chromium: the page draws its widgets before the kernel answers ---------------------

@pytest.mark.browser
@pytest.mark.server
def test_widgets_are_drawn_from_the_page_without_the_kernels_answer(demo_site, phone_page):
    """The kernel socket is replaced by one that never answers: the quiz must still be
    drawn (from the state the page carries), and a click must still go out as a widget
    message, never as code."""
    page, watch = phone_page
    sent = []

    def silent_kernel(ws):
        ws.on_message(lambda message: sent.append(message))

    page.route_web_socket(re.compile(r".*/api/kernels/.*/channels.*"), silent_kernel)
    page.goto(demo_site.lesson_url(DEMO_LESSON))
    option = page.locator(".kns-quiz .kns-quiz-option").first
    option.wait_for(state="visible", timeout=60_000)
    option.click()
    page.wait_for_function("document.body.dataset.knsWidgets === 'ready'")
    page.wait_for_timeout(500)
    types = [json.loads(m)["header"]["msg_type"] for m in sent if isinstance(m, str)]
    assert "comm_msg" in types, types
    assert "execute_request" not in types
    watch.assert_clean()


@pytest.mark.browser
@pytest.mark.server
def test_a_lost_kernel_is_announced_in_vietnamese(demo_site, phone_page):
    from kynangso.messages import t

    page, watch = phone_page
    page.route_web_socket(re.compile(r".*/api/kernels/.*/channels.*"), lambda ws: ws.close())
    page.goto(demo_site.lesson_url(DEMO_LESSON))
    banner = page.locator("#kns-offline")
    banner.wait_for(state="visible", timeout=60_000)
    assert t("site.lesson.disconnected") in banner.inner_text()
