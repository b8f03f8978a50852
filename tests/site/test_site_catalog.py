"""The catalog and the courses folder agree, and every catalog text is clean Vietnamese."""

from __future__ import annotations

import unicodedata

from kynangso.site import catalog
from tests.site.conftest import REAL_COURSES


def test_every_notebook_is_catalogued_and_every_lesson_exists():
    listed = {lesson.path for lesson in catalog.lessons_of(catalog.load(REAL_COURSES))}
    on_disk = catalog.notebooks_on_disk(REAL_COURSES)
    assert listed, "the catalog lists no lesson"
    assert not listed - on_disk, f"catalogued but missing: {sorted(listed - on_disk)}"
    assert not on_disk - listed, f"not in catalog.yml: {sorted(on_disk - listed)}"


def test_catalog_texts_are_nfc_and_lessons_are_well_formed():
    for course in catalog.load(REAL_COURSES):
        texts = [course.title, course.summary, course.audience]
        for lesson in course.lessons:
            assert lesson.minutes > 0, lesson.path
            assert 2 <= len(lesson.objectives) <= 4, f"{lesson.path}: 2–4 objectives"
            texts += [lesson.title, *lesson.objectives]
        for text in texts:
            assert text == unicodedata.normalize("NFC", text), f"not NFC: {text!r}"
