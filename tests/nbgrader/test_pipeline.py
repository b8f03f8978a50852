"""Every exercise set goes through the real nbgrader: generate, then autograde.

A submission of the instructor's solution must earn every autograded point; the untouched
released copy must earn none. This catches broken tests, leaked solutions and stubs that
accidentally pass.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest

from tests.servers import PROJECT, project_env

pytestmark = pytest.mark.nbgrader
SOURCE = PROJECT / "exercises" / "source"
ASSIGNMENTS = sorted(p.name for p in SOURCE.iterdir() if p.is_dir())


def nbgrader(course: Path, *args: str) -> None:
    result = subprocess.run(["nbgrader", *args], cwd=course, env=project_env(),
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"


def copy_course(tmp_path: Path) -> Path:
    course = tmp_path / "exercises"
    course.mkdir()
    shutil.copy(PROJECT / "exercises" / "nbgrader_config.py", course)
    shutil.copytree(SOURCE, course / "source")
    return course


def submit(course: Path, student: str, assignment: str, notebooks_from: Path) -> None:
    target = course / "submitted" / student / assignment
    shutil.copytree(notebooks_from, target)


def autograded_ids(assignment: str) -> set[str]:
    """grade_ids of the test cells (graded, not answers): the part nbgrader scores by itself."""
    ids = set()
    for path in (SOURCE / assignment).glob("*.ipynb"):
        for cell in nbformat.read(path, as_version=4).cells:
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("grade") and not meta.get("solution"):
                ids.add(meta["grade_id"])
    return ids


def autograded_scores(course: Path, assignment: str, student: str) -> list[tuple[str, float, float]]:
    from nbgrader.api import Gradebook

    wanted = autograded_ids(assignment)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        submission = gradebook.find_submission(assignment, student)
        return [
            (grade.name, grade.auto_score, grade.max_score)
            for notebook in submission.notebooks
            for grade in notebook.grades
            if grade.name in wanted
        ]


def test_there_is_at_least_one_exercise_set():
    assert ASSIGNMENTS, "exercises/source/ has no exercise set"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_solution_scores_full_marks_and_released_copy_scores_zero(tmp_path, assignment):
    course = copy_course(tmp_path)
    nbgrader(course, "generate_assignment", assignment, "--force")
    released = course / "release" / assignment
    assert list(released.glob("*.ipynb")), "generate_assignment released no notebook"
    for notebook in released.glob("*.ipynb"):
        text = notebook.read_text("utf-8")
        assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text, f"{notebook.name} leaks answers"

    submit(course, "hv_giai_dung", assignment, course / "source" / assignment)
    submit(course, "hv_chua_lam", assignment, released)
    nbgrader(course, "autograde", assignment, "--force")

    solved = autograded_scores(course, assignment, "hv_giai_dung")
    untouched = autograded_scores(course, assignment, "hv_chua_lam")
    assert len(solved) == len(autograded_ids(assignment)), "some autograded questions were not graded"
    assert all(score == maximum for _, score, maximum in solved), f"solution lost points: {solved}"
    assert sum(score for _, score, _ in untouched) == 0, f"untouched copy earned points: {untouched}"
