"""On honest submissions `kynangso grade` writes the same scores as `nbgrader autograde`.

Two identical copies of a course: one graded by stock nbgrader, one by us; every grade
cell's automatic score in the two gradebooks must agree. Our four exercise sets (the
solution, the untouched released copy, a partly solved copy) and nbgrader's own example
course from `nbgrader quickstart`.
"""

from __future__ import annotations

import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from kynangso.grading import bench

from .conftest import ASSIGNMENTS, records

pytestmark = pytest.mark.nbgrader


def honest_class(course: Path, assignment: str, extra_files: tuple[str, ...] = (), partial: bool = True) -> None:
    solution, released = bench.notebooks(course, "source", assignment), bench.notebooks(course, "release", assignment)
    bench.submit(course, "loi-giai", assignment, solution)
    bench.submit(course, "ban-phat", assignment, released)
    if partial:
        bench.submit(course, "lam-mot-phan", assignment,
                     {name: bench.mix(solution[name], nb, 1) for name, nb in released.items()})
    for student in os.listdir(course / "submitted"):
        for name in extra_files:
            shutil.copy(course / "release" / assignment / name, course / "submitted" / student / assignment / name)


def grade_both(course: Path, assignments: list[str], root: Path) -> tuple[Path, Path]:
    """Stock nbgrader on one copy while we grade the other (stock is single-threaded,
    so running both at once keeps the test short without changing either result)."""
    stock = bench.clone_course(course, root / "stock" / course.name)
    ours = bench.clone_course(course, root / "ours" / course.name)
    with ThreadPoolExecutor(2) as pool:
        theirs = pool.submit(lambda: [bench.nbgrader(stock, "autograde", a, "--force") for a in assignments])
        mine = pool.submit(lambda: [bench.kynangso_grade(ours, a) for a in assignments])
        for result in theirs.result() + mine.result():
            assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        for result in mine.result():  # stock nbgrader spills them; we must not
            assert "SAWarning" not in result.stderr and "Traceback" not in result.stderr, result.stderr[-3000:]
    return stock, ours


@pytest.fixture(scope="module")
def our_sets(generated, tmp_path_factory):
    root = tmp_path_factory.mktemp("parity")
    course = bench.clone_course(generated, root / "base" / "exercises")
    for assignment in ASSIGNMENTS:
        honest_class(course, assignment)
    return grade_both(course, ASSIGNMENTS, root)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_our_exercise_sets_score_as_nbgrader_does(our_sets, assignment):
    stock, ours = our_sets
    expected, got = bench.gradebook_scores(stock, assignment), bench.gradebook_scores(ours, assignment)
    assert set(expected) == set(got) and len(expected) >= 9
    assert got == expected
    full = {k: v for k, v in got.items() if k[0] == "loi-giai" and v[0] is not None}
    assert full and all(score == maximum for score, maximum in full.values()), f"solution lost marks: {full}"
    assert all(v[0] in (0, None) for k, v in got.items() if k[0] == "ban-phat")
    partly = [v[0] for k, v in got.items() if k[0] == "lam-mot-phan" and v[0]]
    assert 0 < sum(partly) < sum(v[0] for v in full.values())


def test_honest_submissions_are_not_flagged(our_sets):
    _, ours = our_sets
    for assignment in ASSIGNMENTS:
        for student, record in records(ours, assignment).items():
            assert record["state"] == "graded" and not record["flags"], (assignment, student, record["notes"])


def test_nbgrader_quickstart_course_scores_as_nbgrader_does(quickstart, tmp_path):
    course = bench.clone_course(quickstart, tmp_path / "quickstart")
    result = bench.nbgrader(course, "generate_assignment", "ps1", "--force")
    assert result.returncode == 0, result.stderr[-2000:]
    honest_class(course, "ps1", extra_files=("jupyter.png",), partial=False)
    stock, ours = grade_both(course, ["ps1"], tmp_path)
    expected, got = bench.gradebook_scores(stock, "ps1"), bench.gradebook_scores(ours, "ps1")
    assert got == expected and len(got) >= 6
    assert any(v[0] for k, v in got.items() if k[0] == "loi-giai")
