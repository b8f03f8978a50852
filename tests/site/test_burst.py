"""Many residents opening the same lesson at once: "render once, hydrate per visitor".

Real `kynangso site` servers, no mocks. With the default pool of one kernel, a burst of
visitors gets the lesson's kept page at once under fresh kernel ids, and their kernels
start behind it; the page's widgets come alive once the kernel has run the lesson, because
every kernel creates the same widget ids.
"""

from __future__ import annotations

import re
import statistics
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from types import SimpleNamespace

import pytest

from kynangso.site import bench_servers
from tests.site.conftest import DEMO_COURSES, DEMO_LESSON, kernel_id_of, open_lesson, start_site
from tests.site.test_site_security import kernel_processes, phone

pytestmark = [pytest.mark.server]

BURST = 20
WIDGET_VIEW = re.compile(r'"model_id":\s*"([0-9a-f]{32})"')


def visit_at_once(url: str, count: int) -> list[tuple]:
    """``count`` visitors released together: (status, headers, body, seconds, done at) each."""
    results: list = [None] * count
    gate = threading.Barrier(count)

    def visit(i: int) -> None:
        gate.wait()
        start = time.monotonic()
        try:
            with urllib.request.urlopen(url, timeout=120) as response:
                status, headers, body = response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            status, headers, body = error.code, error.headers, error.read()
        results[i] = (status, headers, body.decode(), time.monotonic() - start, time.time())

    threads = [threading.Thread(target=visit, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(150)
    return results


def kernel_started_at(site, kernel_id: str, timeout: float = 90) -> float:
    """When the process of ``kernel_id`` was created (epoch seconds), waiting for it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for process in kernel_processes(site):
            try:
                if f"kernel-{kernel_id}.json" in " ".join(process.cmdline()):
                    return process.create_time()
            except Exception:  # noqa: BLE001 (gone meanwhile)
                continue
        time.sleep(0.2)
    raise AssertionError(f"kernel {kernel_id} never started")


def served_before_its_kernel(site, kernel_id: str, done_at: float) -> bool:
    """A kept page is sent before its kernel exists; a rendered one only after (>= 1 s)."""
    return kernel_started_at(site, kernel_id) > done_at - 0.5


def xsrf_cookie(headers) -> str | None:
    """``_xsrf=<token>`` from the response's cookies."""
    for value in headers.get_all("Set-Cookie") or ():
        if value.startswith("_xsrf="):
            return value.split(";", 1)[0]
    return None


def answer_quiz(page, timeout_ms: int = 90_000) -> None:
    """The Quiz DOM contract (as ``check_quiz_works``), with time for the kernel to warm:
    the page may draw its widgets from its own state before the kernel is up."""
    quiz = page.locator(".kns-quiz").first
    quiz.locator(".kns-quiz-option").first.click()
    feedback = quiz.locator(".kns-quiz-feedback")
    feedback.filter(has_text=re.compile(r"\w")).wait_for(timeout=timeout_ms)
    assert feedback.inner_text().strip(), "the quiz gave no feedback after a click"


def model_ids(html: str) -> list[str]:
    ids = WIDGET_VIEW.findall(html)
    assert ids, "the page shows no widget"
    return ids


def wait_for_rendered_pool(site) -> None:
    server = SimpleNamespace(
        proc=SimpleNamespace(pid=site.pid),
        kernel_pids=lambda: {str(p.pid): p.pid for p in kernel_processes(site)},
    )
    bench_servers.wait_for_pool(server, 1, settle=2.0, timeout=120)


@pytest.fixture(scope="module")
def burst_site(tmp_path_factory):
    with start_site(tmp_path_factory.mktemp("burst-site"), DEMO_COURSES) as site:  # default pool: 1
        wait_for_rendered_pool(site)
        yield site


@pytest.fixture(scope="module")
def unpooled_site(tmp_path_factory):
    """No pool: every page is rendered live by its own kernel (nothing is kept)."""
    with start_site(tmp_path_factory.mktemp("unpooled-site"), DEMO_COURSES, "--pool-size", "0") as site:
        yield site


@pytest.fixture(scope="module")
def small_site(tmp_path_factory):
    with start_site(tmp_path_factory.mktemp("small-site"), DEMO_COURSES, "--max-kernels", "3") as site:
        wait_for_rendered_pool(site)
        yield site


def kept_page(site):
    """A page that is surely sent from the cache: the pool refills a second after it is
    used and then needs seconds to render, so the visitor right after gets the kept page."""
    status, _, _ = site.get(f"voila/render/{DEMO_LESSON}")
    assert status == 200
    return site.get(f"voila/render/{DEMO_LESSON}")


def kernel_running(site, kernel_id: str) -> bool:
    for process in kernel_processes(site):
        try:
            if f"kernel-{kernel_id}.json" in " ".join(process.cmdline()):
                return True
        except Exception:  # noqa: BLE001 (gone meanwhile)
            continue
    return False


def test_twenty_visitors_at_once_all_get_the_page_fast(burst_site):
    site = burst_site
    results = visit_at_once(site.lesson_url(DEMO_LESSON), BURST)
    assert [r[0] for r in results] == [200] * BURST
    pages = [r[2] for r in results]
    for status, headers, html, *_ in results:
        assert html.rstrip().endswith("</html>"), "a page was cut short"
        assert "AFTER_ERROR_MARKER" in html and "TRAINEE_ONLY_MARKER" not in html
        assert headers["Content-Type"].startswith("text/html")
        assert headers["X-Accel-Buffering"] == "no"
        assert "no-store" in headers["Cache-Control"]
        assert xsrf_cookie(headers), "the page cannot shut its kernel down"
    kernel_ids = [kernel_id_of(html) for html in pages]
    assert len(set(kernel_ids)) == BURST, "two visitors share a kernel"
    for html, kernel_id in zip(pages, kernel_ids):
        others = set(kernel_ids) - {kernel_id}
        assert not any(other in html for other in others), "a page names someone else's kernel"
    assert len({tuple(model_ids(html)) for html in pages}) == 1
    times = sorted(r[3] for r in results)
    p95 = statistics.quantiles(times, n=100, method="inclusive")[94]
    assert p95 <= 2.0, f"p95 {p95:.2f} s: {[round(t, 2) for t in times]}"

    # Every visitor's kernel comes up behind the page; asking for it waits instead of 404.
    for kernel_id in kernel_ids:
        status, _, body = site.get(f"api/kernels/{kernel_id}")
        assert status == 200, f"kernel {kernel_id}: HTTP {status}"
        assert kernel_id in body.decode()
    assert len(kernel_processes(site)) >= BURST
    kept = [served_before_its_kernel(site, kid, r[4]) for kid, r in zip(kernel_ids, results)]
    assert sum(kept) >= BURST - 1, "visitors waited for a kernel instead of getting the kept page"
    assert "Background start of kernel" not in site.log.read_text(errors="replace")


def test_two_kernels_render_the_same_widget_ids(unpooled_site):
    """Without a pool each visitor's page is rendered live by their own kernel."""
    pages = []
    for _ in range(2):
        status, _, html = unpooled_site.get(f"voila/render/{DEMO_LESSON}")
        assert status == 200
        pages.append(html.decode())
    assert kernel_id_of(pages[0]) != kernel_id_of(pages[1])
    assert model_ids(pages[0]) == model_ids(pages[1])


def test_a_page_sent_from_the_cache_gets_a_working_quiz_in_chromium(burst_site, browser):
    site = burst_site
    status, _, first = site.get(f"voila/render/{DEMO_LESSON}")  # takes the pooled kernel if ready
    assert status == 200
    context = phone(browser)
    try:
        page = context.new_page()
        served = {}

        def seen(response):
            if response.url == site.lesson_url(DEMO_LESSON):
                served.update(at=time.time(), html=response.text())

        page.on("response", seen)
        start = time.monotonic()
        open_lesson(page, site.lesson_url(DEMO_LESSON))
        live = time.monotonic() - start
        html = served["html"]
        assert kernel_id_of(html) != kernel_id_of(first.decode())
        assert served_before_its_kernel(site, kernel_id_of(html), served["at"]), "the page was not the kept one"
        assert model_ids(html) == model_ids(first.decode())
        answer_quiz(page)
        assert live < 60, f"widgets took {live:.1f} s"
    finally:
        context.close()


def test_the_cap_counts_kernels_still_starting(small_site):
    site = small_site
    status, _, _ = site.get(f"voila/render/{DEMO_LESSON}")  # takes the pooled kernel
    assert status == 200
    results = visit_at_once(site.lesson_url(DEMO_LESSON), 6)  # kept pages, kernels warming
    statuses = sorted(r[0] for r in results)
    assert statuses == [200, 200, 503, 503, 503, 503], statuses
    busy = next(r for r in results if r[0] == 503)
    assert int(busy[1]["Retry-After"]) > 0 and 'lang="vi"' in busy[2]
    visitors = [kernel_id_of(r[2]) for r in results if r[0] == 200]
    for kernel_id in visitors:
        status, _, _ = site.get(f"api/kernels/{kernel_id}")  # waits until warm
        assert status == 200
    time.sleep(3)
    # Three visitors and the refilled pool, nothing more.
    assert len(kernel_processes(site)) == 4, "more kernels than the cap allows"


def test_leaving_before_the_kernel_is_up_stops_it(burst_site):
    """Voila's beacon for a kernel still starting: it is shut down once it is up."""
    site = burst_site
    status, headers, html = kept_page(site)
    assert status == 200
    cookie = xsrf_cookie(headers)
    kernel_id = kernel_id_of(html.decode())
    status, _, _ = site.get(f"voila/api/shutdown/{kernel_id}", method="POST",
                            headers={"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
                            data=urllib.parse.urlencode({"_xsrf": cookie.split("=", 1)[1]}).encode())
    assert status == 204
    status, _, _ = site.get(f"api/kernels/{kernel_id}")  # waits while the kernel warms
    assert status == 404
    time.sleep(1)
    assert not kernel_running(site, kernel_id), "the kernel of a visitor who left is still running"
