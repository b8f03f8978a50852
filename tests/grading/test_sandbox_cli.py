"""The grader never runs student code unsandboxed by accident: without a sandbox it
refuses (in Vietnamese, exit code ≠ 0, nothing graded); `--unsafe` says loudly what it does."""

from __future__ import annotations

import os
import subprocess

import pytest

from kynangso.grading import bench
from kynangso.messages import t

from .conftest import CORPUS_SET, records
from .corpus import grade_test_cells

pytestmark = pytest.mark.nbgrader


@pytest.fixture
def one_submission(generated, tmp_path):
    course = bench.clone_course(generated, tmp_path / "exercises")
    bench.submit(course, "hoc-vien", CORPUS_SET, bench.notebooks(course, "source", CORPUS_SET))
    return course


def test_without_bubblewrap_it_refuses_and_grades_nothing(one_submission):
    env = dict(bench.tool_env(), PATH="/nonexistent")
    command = [os.path.join(os.path.dirname(bench.sys.executable), "kynangso"), "grade", CORPUS_SET,
               "--course", str(one_submission)]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode not in (0, None)
    assert t("grading.errors.no_sandbox", detail="").split("(")[0] in result.stderr
    assert "bubblewrap" in result.stderr
    assert not records(one_submission, CORPUS_SET)
    assert not (one_submission / "autograded").exists()
    assert bench.gradebook_scores(one_submission, CORPUS_SET) == {}


def test_unsafe_grades_with_a_warning(one_submission):
    result = bench.kynangso_grade(one_submission, CORPUS_SET, "--unsafe")
    assert result.returncode == 0, result.stderr[-2000:]
    assert t("grading.errors.unsafe_warning") in result.stderr
    record = records(one_submission, CORPUS_SET)["hoc-vien"]
    solution = bench.notebooks(one_submission, "source", CORPUS_SET)
    full = sum(c.metadata["nbgrader"]["points"] for nb in solution.values() for c in grade_test_cells(nb))
    assert record["state"] == "graded" and record["score"] == full > 0
