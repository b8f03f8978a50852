"""The course catalog (courses/catalog.yml) as typed objects.

The landing page, the kernel pool, the tests and the benchmark all read lessons from here,
so the catalog stays the one place that says which lessons exist and in what order.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

AUDIENCES = ("nguoi-dan", "can-bo", "hoc-vien")


@dataclass(frozen=True)
class Lesson:
    course: str
    file: str
    title: str
    audience: str
    minutes: int
    objectives: tuple[str, ...]

    @property
    def path(self) -> str:
        """Notebook path relative to the courses folder, with forward slashes (a URL part)."""
        return f"{self.course}/{self.file}"

    @property
    def key(self) -> str:
        """Stable identifier for the visitor's progress record in localStorage."""
        return self.path.removesuffix(".ipynb")


@dataclass(frozen=True)
class Course:
    slug: str
    title: str
    summary: str
    audience: str
    lessons: tuple[Lesson, ...]

    @property
    def minutes(self) -> int:
        return sum(lesson.minutes for lesson in self.lessons)


class CatalogError(ValueError):
    """The catalog is malformed; the message names the entry."""


def load(courses_dir: Path) -> tuple[Course, ...]:
    """Courses in catalog order; raises CatalogError on a malformed entry."""
    data = yaml.safe_load((courses_dir / "catalog.yml").read_text("utf-8")) or {}
    courses = []
    for entry in data.get("courses") or []:
        try:
            slug = entry["slug"]
            lessons = tuple(
                Lesson(
                    course=slug,
                    file=item["file"],
                    title=item["title"],
                    audience=item["audience"],
                    minutes=int(item["minutes"]),
                    objectives=tuple(item.get("objectives") or ()),
                )
                for item in entry.get("lessons") or []
            )
            courses.append(Course(slug, entry["title"], entry.get("summary", ""),
                                  entry.get("audience", ""), lessons))
        except (KeyError, TypeError, ValueError) as error:
            raise CatalogError(f"{entry!r}: {error}") from error
    for lesson in lessons_of(courses):
        if lesson.audience not in AUDIENCES:
            raise CatalogError(f"{lesson.path}: audience {lesson.audience!r}")
    return tuple(courses)


def lessons_of(courses) -> list[Lesson]:
    return [lesson for course in courses for lesson in course.lessons]


def notebooks_on_disk(courses_dir: Path) -> set[str]:
    """Every lesson notebook under courses/, as catalog paths (checkpoints excluded)."""
    return {
        p.relative_to(courses_dir).as_posix()
        for p in courses_dir.glob("*/*.ipynb")
        if ".ipynb_checkpoints" not in p.parts
    }
