"""`kynangso feedback ASSIGNMENT`: friendly Vietnamese feedback pages for every graded student."""

from __future__ import annotations

import argparse
import os
import sys

from kynangso.messages import t

from ..course import PROJECT_COURSE, Course
from ..feedback import generate, has_gradebook


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("assignment", metavar="BÀI_TẬP", help=t("grading.args.assignment"))
    parser.add_argument("--course", metavar="THƯ_MỤC", default=str(PROJECT_COURSE), help=t("grading.args.course"))
    parser.add_argument("--tracebacks", action="store_true", help=t("grading.args.tracebacks"))


def run(args: argparse.Namespace) -> int:
    root = os.path.abspath(args.course)
    if not os.path.isdir(root):
        print(t("grading.errors.no_course", path=root), file=sys.stderr)
        return 2
    course = Course.open(root, args.assignment)
    if not has_gradebook(course) or not course.notebooks():
        print(t("grading.errors.no_assignment", assignment=args.assignment), file=sys.stderr)
        return 2

    def report(student: str, detail: str) -> None:
        print(t("grading.feedback.student_error", student=student, detail=detail), file=sys.stderr)

    written = generate(course, tracebacks=args.tracebacks, on_error=report)
    if not written:
        print(t("grading.feedback.nothing", assignment=args.assignment), file=sys.stderr)
        return 1
    cd = course.coursedir()
    folder = cd.format_path(cd.feedback_directory, "*", args.assignment)
    print(t("grading.feedback.written", count=len(written), path=folder))
    return 0
