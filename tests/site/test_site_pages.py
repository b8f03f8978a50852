"""The resident site in Chromium at 390×844: landing page, every catalogued lesson, and the
lesson template's promises (no code, no English, no tracebacks, trainee-only hidden)."""

from __future__ import annotations

import json
import re

import pytest

from kynangso.messages import t
from kynangso.site import catalog
from tests.site.axe import describe, violations
from tests.site.conftest import (
    DEMO_LESSON,
    REAL_COURSES,
    assert_no_code,
    check_quiz_works,
    open_lesson,
)

pytestmark = [pytest.mark.browser, pytest.mark.server]

REAL_LESSONS = [lesson.path for lesson in catalog.lessons_of(catalog.load(REAL_COURSES))]
ENGLISH = re.compile(r"\b(Executing|Running|Error|error|Traceback|Exception|Kernel|kernel|Loading|Please|Voilà|Voila)\b")


def test_landing_lists_every_course_and_lesson_in_vietnamese(real_site, phone_page):
    page, watch = phone_page
    page.goto(real_site.url)
    courses = catalog.load(REAL_COURSES)
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.locator("h1").inner_text() == t("site.landing.title")
    for course in courses:
        section = page.locator(".kns-course", has=page.locator(f"#course-{course.slug}"))
        assert section.locator("h2").inner_text() == course.title
        links = section.locator(".kns-lesson-link")
        assert links.all_inner_texts() == [lesson.title for lesson in course.lessons]
        for lesson in course.lessons:
            item = section.locator(f'[data-lesson="{lesson.key}"]')
            meta = t("site.landing.lesson_meta", audience=t(f"site.audience.{lesson.audience}"), minutes=lesson.minutes)
            assert meta in item.inner_text()
    watch.assert_clean()


@pytest.mark.parametrize("lesson", REAL_LESSONS)
def test_every_catalogued_lesson_opens_without_code_its_quiz_works_and_axe_passes(real_site, phone_page, lesson):
    page, watch = phone_page
    open_lesson(page, real_site.lesson_url(lesson))
    assert_no_code(page)
    # Cells appear only once the whole lesson has run, so every error is on the page now
    # (a quiz that needs a trainee-only cell, a data file the kernel cannot find...).
    assert page.locator(".kns-cell-error").count() == 0, "a cell of this lesson fails for residents"
    check_quiz_works(page)
    watch.assert_clean()
    found = violations(page)  # axe-core: no serious or critical accessibility violation
    assert not found, describe(found)


def test_landing_shows_progress_kept_only_in_the_browser(demo_site, phone_page):
    page, watch = phone_page
    open_lesson(page, demo_site.lesson_url(DEMO_LESSON))
    key = DEMO_LESSON.removesuffix(".ipynb")
    assert json.loads(page.evaluate("localStorage.getItem('kns.progress')")) == {key: "started"}
    page.click("#kns-mark-done")
    assert page.locator("#kns-marked-done").is_visible()
    page.goto(demo_site.url)
    badge = page.locator(f'[data-lesson="{key}"] .kns-badge')
    assert badge.inner_text() == t("site.landing.badge_done")
    watch.assert_clean()


def test_demo_lesson_hides_code_trainee_cells_errors_and_english(demo_site, phone_page):
    page, watch = phone_page
    open_lesson(page, demo_site.lesson_url(DEMO_LESSON))
    assert_no_code(page)
    check_quiz_works(page)
    html = page.content()
    text = page.locator("body").inner_text()
    assert "SECRET_SOURCE_MARKER" not in html, "code source reached the page"
    assert "TRAINEE_ONLY_MARKER" not in html, "a trainee-only cell reached the page"
    assert not (demo_site.marker_dir / "trainee-ran").exists(), "a trainee-only cell was executed"
    assert "ZeroDivisionError" not in html and "Traceback" not in html
    assert "ENGLISH_WARNING_MARKER" not in html, "a warning (stderr) reached the page"
    assert t("site.lesson.cell_error") in text
    assert "AFTER_ERROR_MARKER" in text, "a failing cell stopped the rest of the lesson"
    assert not ENGLISH.search(text), f"English on the page: {ENGLISH.search(text)}"
    watch.assert_clean()


def test_listen_button_reads_in_vietnamese_or_explains(demo_site, phone_page):
    page, watch = phone_page
    open_lesson(page, demo_site.lesson_url(DEMO_LESSON))
    has_voice = page.evaluate("speechSynthesis.getVoices().some(v => /^vi/i.test(v.lang))")
    page.click("#kns-listen")
    if has_voice:
        assert page.locator("#kns-listen").get_attribute("aria-pressed") == "true"
        assert page.evaluate("speechSynthesis.speaking || speechSynthesis.pending")
    else:
        note = page.locator("#kns-no-voice")
        assert note.is_visible() and note.inner_text() == t("site.lesson.no_voice")
        assert page.locator("#kns-listen").is_hidden()
    watch.assert_clean()


def test_unknown_pages_get_a_vietnamese_404(demo_site, phone_page):
    page, watch = phone_page
    response = page.goto(demo_site.url + "khong-co-trang-nay")
    assert response.status == 404
    assert page.locator("h1").inner_text() == t("site.error.not_found_title")
    assert not ENGLISH.search(page.locator("body").inner_text())
    watch.assert_clean(ignore_console=("404",))


def test_keyboard_alone_answers_a_quiz(demo_site, phone_page):
    page, watch = phone_page
    open_lesson(page, demo_site.lesson_url(DEMO_LESSON))
    page.locator("body").focus()
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('kns-quiz-option')"):
            break
    else:
        pytest.fail("Tab never reached a quiz option")
    page.keyboard.press("Enter")
    feedback = page.locator(".kns-quiz .kns-quiz-feedback").first
    feedback.filter(has_text=re.compile(r"\w")).wait_for(timeout=15_000)
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    feedback.filter(has_text="Mức 2").wait_for(timeout=15_000)
    watch.assert_clean()
