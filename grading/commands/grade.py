"""`kynangso grade ASSIGNMENT`: grade every submission, sandboxed and in parallel."""

from __future__ import annotations

import argparse
import os
import sys
import time

from kynangso.messages import t

from ..batch import Settings, grade_all, pending_students, quiet_warnings
from ..course import PROJECT_COURSE, Course
from ..report import Progress, summary
from ..sandbox import Limits, probe


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("assignment", metavar="BÀI_TẬP", help=t("grading.args.assignment"))
    parser.add_argument("--course", metavar="THƯ_MỤC", default=str(PROJECT_COURSE), help=t("grading.args.course"))
    parser.add_argument("--workers", metavar="N", type=int, default=0, help=t("grading.args.workers"))
    parser.add_argument("--student", metavar="MÃ", nargs="+", default=None, help=t("grading.args.student"))
    parser.add_argument("--unsafe", action="store_true", help=t("grading.args.unsafe"))
    parser.add_argument("--force", action="store_true", help=t("grading.args.force"))
    parser.add_argument("--timeout", metavar="GIÂY", type=float, default=None, help=t("grading.args.timeout"))


def run(args: argparse.Namespace) -> int:
    root = os.path.abspath(args.course)
    if not os.path.isdir(root):
        print(t("grading.errors.no_course", path=root), file=sys.stderr)
        return 2
    _venv_on_path()
    quiet_warnings()
    course = Course.open(root, args.assignment)
    if not course.notebooks():
        print(t("grading.errors.no_assignment", assignment=args.assignment), file=sys.stderr)
        return 2
    students = course.students()
    if args.student:
        missing = [s for s in args.student if s not in students]
        if missing:
            print(t("grading.errors.unknown_students", students=", ".join(missing)), file=sys.stderr)
            return 2
        students = [s for s in students if s in args.student]
    if not students:
        print(t("grading.errors.no_submissions", assignment=args.assignment, path=root), file=sys.stderr)
        return 2
    if args.unsafe:
        print(t("grading.errors.unsafe_warning"), file=sys.stderr)
    else:
        problem = probe()
        if problem:
            print(t("grading.errors.no_sandbox", detail=problem), file=sys.stderr)
            return 3
    timeout = args.timeout or course.cell_timeout
    settings = Settings(workers=args.workers, unsafe=args.unsafe, force=args.force,
                        limits=Limits(cell_timeout=timeout, job_timeout=max(300.0, timeout * 10),
                                      cpu=int(max(120, timeout * 4))))
    todo = pending_students(course, students, args.force)
    skipped = len(students) - len(todo)
    if skipped:
        print(t("grading.progress.skipped", count=skipped), file=sys.stderr)
    workers = max(1, min(settings.workers or os.cpu_count() or 1, len(todo) or 1))
    started = time.monotonic()
    try:
        records = grade_all(course, todo, settings, progress=Progress())
    except KeyboardInterrupt:
        print("\n" + t("grading.errors.interrupted"), file=sys.stderr)
        return 130
    print(summary(args.assignment, records, skipped, time.monotonic() - started, workers))
    return 0 if all(r["state"] == "graded" for r in records) else 1


def _venv_on_path() -> None:
    """nbgrader shells out to alembic, which lives beside our interpreter."""
    bindir = os.path.dirname(sys.executable)
    if bindir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")
