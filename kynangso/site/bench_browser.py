"""A resident's visit in Chromium, measured through the DevTools protocol.

A phone-sized page (390×844) on emulated Fast 3G opens the lesson; we time until its first
quiz option is on screen and a click on it would reach the kernel (CLICKS_ARE_HANDLED),
and sum ``encodedDataLength`` over ``Network.loadingFinished`` (bytes on the wire,
headers included). The repeat visit is a new tab in the same browser profile, so
the HTTP cache is warm, as for a resident who comes back later.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from urllib.parse import urlparse

CHROMIUM = "/usr/bin/chromium"
# Other hosts (stock Voila's CDN) fail at once, as on a network without them. Not with
# Playwright's request routing: routing turns Chromium's HTTP cache off.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage", "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
]
PHONE = {"width": 390, "height": 844}
FIRST_WIDGET = ".kns-quiz .kns-quiz-option"
# Our page draws widgets from the state it carries, before its kernel socket is open; a
# widget counts as usable once a click would reach the kernel. (Stock Voila draws widgets
# only from the kernel's answer, so for it "visible" already means connected.)
CLICKS_ARE_HANDLED = "() => !document.querySelector('.kns-widget-slot') || document.body.dataset.knsKernel === 'open'"
# DevTools' "Fast 3G" preset: 1.44 Mbit/s down, 675 kbit/s up (×0.9 for packet overhead,
# with 1 Mbit = 1024×1024 bits as DevTools computes it), 562.5 ms round trip.
FAST_3G = {
    "offline": False,
    "latency": 562.5,
    "downloadThroughput": 1.44 * 1024 * 1024 / 8 * 0.9,
    "uploadThroughput": 675 * 1024 / 8 * 0.9,
}
LOCAL = {"127.0.0.1", "localhost"}


@dataclass
class Visit:
    seconds: float = float("nan")
    bytes: int = 0
    requests: int = 0
    blocked: list[str] = field(default_factory=list)  # requests to other hosts (refused)
    kernel_id: str | None = None
    error: str | None = None


def visit(context, url: str, timeout_s: float = 120):
    """(Visit, the still-open page)."""
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    result = Visit()
    encoded: dict[str, float] = {}
    cdp.on("Network.loadingFinished", lambda e: encoded.__setitem__(e["requestId"], e["encodedDataLength"]))
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", FAST_3G)

    page.on("request", lambda r: urlparse(r.url).hostname not in LOCAL and result.blocked.append(r.url))
    start = time.monotonic()
    try:
        page.goto(url, wait_until="commit", timeout=timeout_s * 1000)
        page.wait_for_selector(FIRST_WIDGET, state="visible", timeout=timeout_s * 1000)
        page.wait_for_function(CLICKS_ARE_HANDLED, timeout=timeout_s * 1000)
        result.seconds = time.monotonic() - start
        result.kernel_id = page.evaluate(
            "(() => { const el = document.getElementById('jupyter-config-data');"
            " return el ? JSON.parse(el.textContent).kernelId : null; })()"
        )
    except Exception as error:  # noqa: BLE001 (a failed visit is a result, not a crash)
        result.error = str(error).splitlines()[0]
    page.wait_for_timeout(300)  # let the last responses finish
    result.bytes = int(sum(encoded.values()))
    result.requests = len(encoded)
    return result, page


def first_and_repeat(url: str, keep_open, come_back_later) -> tuple[Visit, Visit]:
    """Two visits in one profile; ``keep_open(visit)`` runs while the first page is open,
    ``come_back_later()`` between the visits (the resident returns later, not at once)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="vi-VN")
            first, page = visit(context, url)
            keep_open(first)
            page.close(run_before_unload=True)
            come_back_later()
            repeat, page = visit(context, url)
            page.close(run_before_unload=True)
            context.close()
            return first, repeat
        finally:
            browser.close()
