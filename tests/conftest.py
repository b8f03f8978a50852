"""Shared fixtures: a real headless Chromium (Debian's), phone-sized pages that record
console errors and any request that leaves the local server."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from urllib.parse import urlparse

import pytest

CHROMIUM = "/usr/bin/chromium"
PHONE = {"width": 390, "height": 844}
# Without these, Chromium tries Google's services at start and the closed network refuses them.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}


def pytest_ignore_collect(collection_path):
    """Notebooks under tests/ are fixtures (some malicious): never execute them with nbval."""
    return True if collection_path.suffix == ".ipynb" else None


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail("Thiếu Chromium của Debian (/usr/bin/chromium): chạy `make test` với quyền root để cài.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class PageWatch:
    """What a page did that a test must check: console errors and non-local requests."""

    console_errors: list[str] = field(default_factory=list)
    external_requests: list[str] = field(default_factory=list)

    def assert_clean(self, ignore_console: tuple[str, ...] = ()) -> None:
        errors = [e for e in self.console_errors if not any(i in e for i in ignore_console)]
        assert not errors, f"console errors: {errors}"
        assert not self.external_requests, f"requests left the server: {self.external_requests}"


def watch(page) -> PageWatch:
    seen = PageWatch()
    page.on("console", lambda m: m.type == "error" and seen.console_errors.append(m.text))
    page.on("pageerror", lambda e: seen.console_errors.append(str(e)))

    def check(request):
        url = urlparse(request.url)
        if url.scheme in ("http", "https", "ws", "wss") and url.hostname not in LOCAL_HOSTS:
            seen.external_requests.append(request.url)

    page.on("request", check)
    return seen


@pytest.fixture
def phone_page(browser):
    """A 390×844 touch page plus its PageWatch; every external request is aborted."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="vi-VN")
    page = context.new_page()
    seen = watch(page)
    page.route(lambda url: urlparse(url).hostname not in LOCAL_HOSTS, lambda route: route.abort())
    yield page, seen
    context.close()


@pytest.fixture
def desktop_page(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="vi-VN")
    page = context.new_page()
    seen = watch(page)
    page.route(lambda url: urlparse(url).hostname not in LOCAL_HOSTS, lambda route: route.abort())
    yield page, seen
    context.close()
