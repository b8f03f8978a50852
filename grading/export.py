"""The class's marks as one table: a row per student, a column per graded cell.

Instructors live in Excel, so the table is written as CSV (UTF-8 with a byte-order mark,
which Excel needs to show Vietnamese) and as .xlsx. Scores come from nbgrader's
gradebook; the state, failure reason and tamper flags from our grading records, so the
export works after either ``kynangso grade`` or ``nbgrader autograde``.
"""

from __future__ import annotations

import glob
import os
import re
import tempfile
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook, MissingEntry

from kynangso.messages import t

from .course import Course
from .feedback import students as graded_students
from .report import flag_text, reason_text

_DIGITS = re.compile(r"(\d+)")


class NothingToExport(Exception):
    """No student on the roster and no submission: an empty sheet would only mislead."""


def _natural(text: str):
    return [int(part) if part.isdigit() else part for part in _DIGITS.split(text)]


def _number(value):
    """Whole scores as ints, so the CSV reads 2 rather than 2.0."""
    if value is None:
        return None
    value = float(value)
    return int(value) if value.is_integer() else round(value, 4)


def grade_columns(course: Course, gb: Gradebook) -> list[tuple[str, str, float]]:
    """(notebook, grade_id, max_score) for every grade cell, in the order of the source notebooks."""
    assignment = gb.find_assignment(course.assignment)
    cd = course.coursedir()
    source = cd.format_path(cd.source_directory, ".", course.assignment)
    columns = []
    for notebook in sorted(assignment.notebooks, key=lambda n: _natural(n.name)):
        order: dict[str, int] = {}
        try:
            nb = nbformat.read(os.path.join(source, f"{notebook.name}.ipynb"), as_version=4)
            ids = [c.get("metadata", {}).get("nbgrader", {}).get("grade_id") for c in nb.cells]
            order = {gid: i for i, gid in enumerate(ids) if gid}
        except Exception:  # the source may be gone; fall back to natural order of the ids
            pass
        cells = sorted(notebook.grade_cells, key=lambda c: (order.get(c.name, len(order)), _natural(c.name)))
        columns += [(notebook.name, cell.name, cell.max_score) for cell in cells]
    return columns


def _has_autograded(course: Course, student: str) -> bool:
    cd = course.coursedir()
    folder = cd.format_path(cd.autograded_directory, glob.escape(student), glob.escape(course.assignment))
    return bool(glob.glob(os.path.join(folder, "*.ipynb")))


def table(course: Course) -> tuple[list[str], list[list]]:
    """Vietnamese headers and one row per student (roster, submissions and records)."""
    yes, no = t("grading.export.yes"), t("grading.export.no")
    with Gradebook(course.db_url) as gb:
        assignment = gb.find_assignment(course.assignment)
        columns = grade_columns(course, gb)
        several = len({nb for nb, _, _ in columns}) > 1
        headers = [t("grading.export.student"), t("grading.export.last_name"), t("grading.export.first_name")]
        headers += [t("grading.export.question", name=f"{nb}/{gid}" if several else gid, points=points)
                    for nb, gid, points in columns]
        headers += [t(f"grading.export.{key}") for key in (
            "total", "max_total", "late", "late_penalty", "final", "status", "failure", "tampering",
            "tampering_reasons", "needs_manual")]
        roster = {s.id: s for s in gb.students}
        submitted = set(course.students())
        rows = []
        for student in sorted(set(roster) | set(graded_students(course, gb)), key=_natural):
            person = roster.get(student)
            record = course.read_record(student) or {}
            try:
                submission = gb.find_submission(course.assignment, student)
            except MissingEntry:
                submission = None
            scores: dict[tuple[str, str], float | None] = {}
            total = late = penalty = final = manual = None
            failure = ""
            if record.get("state") == "failed":
                state = "failed"
                failure = reason_text(record.get("reason"))
            elif submission is not None and (record.get("state") == "graded" or _has_autograded(course, student)):
                state = "graded"
            elif student in submitted or submission is not None:
                state = "not_graded"
            else:
                state = "not_submitted"
            if state == "graded":
                for notebook in submission.notebooks:
                    for grade in notebook.grades:
                        given = grade.auto_score is not None or grade.manual_score is not None
                        scores[(notebook.name, grade.name)] = _number(grade.score) if given else None
                total = _number(submission.score)
                late = yes if (submission.total_seconds_late or 0) > 0 else no
                penalty = _number(submission.late_submission_penalty or 0)
                final = _number(max(0.0, (submission.score or 0) - (submission.late_submission_penalty or 0)))
                manual = yes if submission.needs_manual_grade else no
            flagged = record.get("flags") or []
            rows.append([
                student,
                person.last_name if person and person.last_name else "",
                person.first_name if person and person.first_name else "",
                *[scores.get((nb, gid)) for nb, gid, _ in columns],
                total, _number(assignment.max_score), late, penalty, final,
                t(f"grading.export.{state}"), failure,
                yes if flagged else no, flag_text(record) if flagged else "", manual,
            ])
    return headers, rows


def _atomic(target: Path, write) -> None:
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=target.suffix)
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write(course: Course, output: Path) -> tuple[Path, Path]:
    """Write ``<assignment>-bang-diem.csv`` and ``.xlsx`` into ``output``; returns both paths."""
    import pandas as pd
    from openpyxl.utils import get_column_letter

    headers, rows = table(course)
    if not rows:
        raise NothingToExport(course.assignment)
    frame = pd.DataFrame(rows, columns=headers, dtype=object)
    output.mkdir(parents=True, exist_ok=True)
    csv_path = output / f"{course.assignment}-bang-diem.csv"
    xlsx_path = output / f"{course.assignment}-bang-diem.xlsx"
    _atomic(csv_path, lambda p: frame.to_csv(p, index=False, encoding="utf-8-sig"))

    def excel(path: str) -> None:
        with pd.ExcelWriter(path, engine="openpyxl") as writer:
            frame.to_excel(writer, index=False, sheet_name=t("grading.export.sheet"))
            sheet = writer.sheets[t("grading.export.sheet")]
            sheet.freeze_panes = "B2"
            for index, header in enumerate(headers, start=1):
                longest = max([len(str(header))] + [len(str(r[index - 1])) for r in rows if r[index - 1] is not None])
                sheet.column_dimensions[get_column_letter(index)].width = min(max(10, longest + 2), 60)

    _atomic(xlsx_path, excel)
    return csv_path, xlsx_path
