"""`kynangso feedback ASSIGNMENT`: friendly Vietnamese feedback pages for every graded student."""

from __future__ import annotations

import argparse
import sys

from kynangso.messages import t

from . import add_course_arguments, open_graded_course
from ..feedback import generate


def configure(parser: argparse.ArgumentParser) -> None:
    add_course_arguments(parser)
    parser.add_argument("--tracebacks", action="store_true", help=t("grading.args.tracebacks"))


def run(args: argparse.Namespace) -> int:
    course = open_graded_course(args)
    if course is None:
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
