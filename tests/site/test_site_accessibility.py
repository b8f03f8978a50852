"""axe-core finds no serious or critical accessibility violation on the landing page, the
error pages and the demo lesson (390×844). Every catalogued lesson gets the same check in
test_site_pages.py, on the page that test has already opened."""

from __future__ import annotations

import pytest

from tests.site.axe import describe, violations
from tests.site.conftest import DEMO_LESSON, check_quiz_works, open_lesson

pytestmark = [pytest.mark.browser, pytest.mark.server]


def test_axe_itself_finds_a_violation(phone_page):
    """A page with an unlabelled button and an image without text must fail the check."""
    page, _ = phone_page
    page.set_content('<html><body><button></button><img src="data:,"></body></html>')
    ids = {v["id"] for v in violations(page)}
    assert {"button-name", "image-alt"} <= ids, ids


def test_landing_and_error_pages_have_no_serious_violations(real_site, phone_page):
    page, _ = phone_page
    for path in ("", "khong-co-trang-nay"):
        page.goto(real_site.url + path)
        found = violations(page)
        assert not found, f"/{path}: {describe(found)}"


def test_demo_lesson_with_a_failing_cell_has_no_serious_violations(demo_site, phone_page):
    page, _ = phone_page
    open_lesson(page, demo_site.lesson_url(DEMO_LESSON))
    check_quiz_works(page)
    page.click("#kns-mark-done")
    found = violations(page)
    assert not found, describe(found)
