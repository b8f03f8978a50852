"""`kynangso bench --only grading`: our grader against `nbgrader autograde`, same class.

It builds one course from an exercise set, fills it with realistic submissions (fully
correct, partly correct, wrong), copies it twice, grades one copy with stock nbgrader
and the other with ``kynangso grade``, and prints notebooks per second for each, the
ratio and how many submissions got identical per-cell scores. The course helpers here
are also what the grading tests use to build their courses, so bench and tests grade
the same kind of class.
"""

from __future__ import annotations

import copy
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from kynangso.messages import t

PROJECT = Path(__file__).resolve().parent.parent
EXERCISES = PROJECT / "exercises"
BENCH_ASSIGNMENT = "dich-vu-cong"
DEFAULT_COUNT = 120


# ------------------------------------------------------------------ building courses

def tool_env() -> dict[str, str]:
    """Our venv's bin first on PATH: nbgrader shells out to alembic."""
    env = dict(os.environ)
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    return env


def nbgrader(course: Path, *args: str, timeout: float = 1800) -> subprocess.CompletedProcess:
    return subprocess.run([os.path.join(os.path.dirname(sys.executable), "nbgrader"), *args], cwd=course,
                          env=tool_env(), capture_output=True, text=True, timeout=timeout)


def make_course(target: Path, assignments: list[str], source: Path = EXERCISES) -> Path:
    """A copy of an nbgrader course (config and ``source/``) with ``assignments`` generated."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(source / "nbgrader_config.py", target)
    for assignment in assignments:
        shutil.copytree(source / "source" / assignment, target / "source" / assignment, dirs_exist_ok=True)
        result = nbgrader(target, "generate_assignment", assignment, "--force")
        if result.returncode:
            raise RuntimeError(f"generate_assignment {assignment}:\n{result.stdout}\n{result.stderr}")
    return target


def clone_course(course: Path, target: Path) -> Path:
    """An identical copy (gradebook included) so two graders start from the same state."""
    shutil.copytree(course, target, symlinks=True)
    return target


def notebooks(course: Path, kind: str, assignment: str) -> dict[str, nbformat.NotebookNode]:
    """``source`` (the solution) or ``release`` (what trainees get) notebooks, by file name."""
    folder = course / kind / assignment
    return {p.name: nbformat.read(p, as_version=4) for p in sorted(folder.glob("*.ipynb"))}


def answer_ids(nb: nbformat.NotebookNode) -> list[str]:
    """grade_ids of the answer (solution) code cells, in order."""
    return [c.metadata["nbgrader"]["grade_id"] for c in nb.cells
            if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")]


def mix(solution: nbformat.NotebookNode, released: nbformat.NotebookNode, solved: int) -> nbformat.NotebookNode:
    """The released notebook with the first ``solved`` answers filled in from the solution:
    what a trainee who finished that many questions submits."""
    answers = {c.metadata["nbgrader"]["grade_id"]: c.source for c in solution.cells
               if c.metadata.get("nbgrader", {}).get("solution")}
    keep = set(answer_ids(released)[:solved])
    nb = copy.deepcopy(released)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in keep and grade_id in answers:
            cell.source = answers[grade_id]
    return nb


def submit(course: Path, student: str, assignment: str, files: dict[str, object]) -> Path:
    """Put a submission in place: notebooks (NotebookNode), text (str) or raw bytes."""
    folder = course / "submitted" / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = folder / name
        if isinstance(content, nbformat.NotebookNode):
            nbformat.write(content, path)
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(str(content), "utf-8")
    return folder


def gradebook_scores(course: Path, assignment: str) -> dict[tuple[str, str, str], tuple]:
    """(student, notebook, grade cell) -> (auto score, max score) from the gradebook."""
    import warnings

    from nbgrader.api import Gradebook
    from sqlalchemy.exc import SAWarning

    warnings.filterwarnings("ignore", category=SAWarning)
    scores = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for submission in gb.assignment_submissions(assignment):
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    scores[(submission.student.id, notebook.name, grade.name)] = (grade.auto_score, grade.max_score)
    return scores


def kynangso_grade(course: Path, assignment: str, *args: str, timeout: float = 1800) -> subprocess.CompletedProcess:
    command = [os.path.join(os.path.dirname(sys.executable), "kynangso"), "grade", assignment,
               "--course", str(course), *args]
    return subprocess.run(command, env=tool_env(), capture_output=True, text=True, timeout=timeout)


def realistic_class(course: Path, assignment: str, count: int) -> list[str]:
    """``count`` submissions cycling through every level from nothing solved to all solved."""
    solutions, released = notebooks(course, "source", assignment), notebooks(course, "release", assignment)
    levels = max(len(answer_ids(nb)) for nb in released.values()) + 1
    students = []
    for index in range(count):
        student = f"hv{index:03d}"
        solved = index % levels
        submit(course, student, assignment,
               {name: mix(solutions[name], nb, solved) for name, nb in released.items()})
        students.append(student)
    return students


# ------------------------------------------------------------------------ benchmark

def run(args) -> int:
    count = int(getattr(args, "count", None) or os.environ.get("KYNANGSO_BENCH_COUNT") or DEFAULT_COUNT)
    workers = getattr(args, "workers", None) or os.cpu_count() or 1
    assignment = BENCH_ASSIGNMENT
    print(t("grading.bench.title", count=count), flush=True)
    with tempfile.TemporaryDirectory(prefix="kynangso-bench-") as tmp:
        base = make_course(Path(tmp) / "base" / "exercises", [assignment])
        realistic_class(base, assignment, count)
        stock = clone_course(base, Path(tmp) / "stock" / "exercises")
        ours = clone_course(base, Path(tmp) / "ours" / "exercises")
        notebooks_per_submission = len(list((base / "release" / assignment).glob("*.ipynb")))
        total = count * notebooks_per_submission

        started = time.monotonic()
        result = nbgrader(stock, "autograde", assignment, "--force")
        stock_seconds = time.monotonic() - started
        if result.returncode:
            print(result.stdout[-2000:], result.stderr[-2000:], file=sys.stderr)
            return 1
        print(t("grading.bench.stock", count=total, seconds=stock_seconds, rate=total / stock_seconds), flush=True)

        started = time.monotonic()
        result = kynangso_grade(ours, assignment, "--workers", str(workers))
        our_seconds = time.monotonic() - started
        if result.returncode not in (0, 1):
            print(result.stdout[-2000:], result.stderr[-2000:], file=sys.stderr)
            return 1
        print(t("grading.bench.ours", count=total, seconds=our_seconds, rate=total / our_seconds), flush=True)
        ratio = stock_seconds / our_seconds
        print(t("grading.bench.ratio", ratio=ratio), flush=True)

        theirs, mine = gradebook_scores(stock, assignment), gradebook_scores(ours, assignment)
        students = sorted({key[0] for key in theirs})
        same = sum(1 for s in students
                   if {k: v for k, v in theirs.items() if k[0] == s} == {k: v for k, v in mine.items() if k[0] == s})
        print(t("grading.bench.parity", same=same, total=len(students)), flush=True)
        if same != len(students):
            return 1
        if ratio < 5:
            print(t("grading.bench.too_slow", ratio=ratio), file=sys.stderr)
            return 1
    return 0
