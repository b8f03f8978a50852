"""The grade, feedback and export subcommands of `kynangso`."""

from __future__ import annotations

import argparse
import os
import sys

from kynangso.messages import t

from ..course import PROJECT_COURSE, Course


def add_course_arguments(parser: argparse.ArgumentParser) -> None:
    """ASSIGNMENT and --course, worded the same for every subcommand."""
    parser.add_argument("assignment", metavar="BÀI_TẬP", help=t("grading.args.assignment"))
    parser.add_argument("--course", metavar="THƯ_MỤC", default=str(PROJECT_COURSE), help=t("grading.args.course"))


def open_graded_course(args: argparse.Namespace) -> Course | None:
    """The course whose gradebook knows the assignment, or None after saying why not."""
    from ..feedback import has_gradebook

    root = os.path.abspath(args.course)
    if not os.path.isdir(root):
        print(t("grading.errors.no_course", path=root), file=sys.stderr)
        return None
    course = Course.open(root, args.assignment)
    if not has_gradebook(course) or not course.notebooks():
        print(t("grading.errors.no_assignment", assignment=args.assignment), file=sys.stderr)
        return None
    return course
