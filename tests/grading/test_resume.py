"""`kill -9` the grader mid-class: nothing stray is left, and a rerun finishes the rest,
grading every submission exactly once with the right score."""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import time

import pytest

from kynangso.grading import bench
from kynangso.messages import t

from .conftest import CORPUS_SET, records
from .corpus import grade_test_cells

pytestmark = pytest.mark.nbgrader
CLASS_SIZE = 12
PR_SET_CHILD_SUBREAPER = 36


def descendants(pid: int) -> list[tuple[int, str]]:
    """Living processes below ``pid`` with their command lines."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                stat = fh.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        if stat[0] != b"Z":
            children.setdefault(int(stat[1]), []).append(int(entry))
    found, todo = [], list(children.get(pid, []))
    while todo:
        child = todo.pop()
        try:
            with open(f"/proc/{child}/cmdline", "rb") as fh:
                found.append((child, fh.read().replace(b"\0", b" ").decode(errors="replace")))
        except OSError:
            continue
        todo += children.get(child, [])
    return found


def reap() -> None:
    while True:
        try:
            if os.waitpid(-1, os.WNOHANG)[0] == 0:
                return
        except ChildProcessError:
            return


@pytest.fixture
def subreaper():
    """Orphans of the killed grader become ours, so we can see any that survive."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    yield
    libc.prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0)
    reap()


def test_kill_9_then_rerun_grades_everything_exactly_once(generated, tmp_path, subreaper):
    course = bench.clone_course(generated, tmp_path / "exercises")
    students = bench.realistic_class(course, CORPUS_SET, CLASS_SIZE)
    solution = bench.notebooks(course, "source", CORPUS_SET)
    points = [c.metadata["nbgrader"]["points"] for nb in solution.values() for c in grade_test_cells(nb)]
    levels = len(points) + 1
    expected = {s: float(sum(points[: i % levels])) for i, s in enumerate(students)}

    command = [os.path.join(os.path.dirname(bench.sys.executable), "kynangso"), "grade", CORPUS_SET,
               "--course", str(course), "--workers", "2"]
    grader = subprocess.Popen(command, env=bench.tool_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while len(records(course, CORPUS_SET)) < 2 and time.monotonic() < deadline and grader.poll() is None:
        time.sleep(0.05)
    grader.send_signal(signal.SIGKILL)
    grader.wait()
    before = records(course, CORPUS_SET)
    assert 2 <= len(before) < CLASS_SIZE, "the grader was not killed mid-run"

    deadline = time.monotonic() + 15
    while True:
        reap()
        left = [(pid, cmd) for pid, cmd in descendants(os.getpid())
                if any(word in cmd for word in ("zygote", "bwrap", "kynangso", "setpriv", "unshare"))]
        if not left or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert not left, f"stray processes after kill -9: {left}"

    result = bench.kynangso_grade(course, CORPUS_SET, "--workers", "2")
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert t("grading.progress.skipped", count=len(before)) in result.stderr
    assert t("grading.summary.graded", count=CLASS_SIZE - len(before)) in result.stdout

    after = records(course, CORPUS_SET)
    assert set(after) == set(students)
    for student, record in before.items():
        assert after[student] == record, f"{student} was graded twice"
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        submissions = {s.student.id: s.score for s in gb.assignment_submissions(CORPUS_SET)}
    assert submissions == expected
    assert {s: r["score"] for s, r in after.items()} == expected
    assert all(r["state"] == "graded" and not r["flags"] for r in after.values())
