"""`kynangso export ASSIGNMENT`: the class's marks as CSV and Excel, with Vietnamese headers."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from kynangso.messages import t

from ..course import PROJECT_COURSE, Course
from ..export import NothingToExport, write
from ..feedback import has_gradebook


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("assignment", metavar="BÀI_TẬP", help=t("grading.args.assignment"))
    parser.add_argument("--course", metavar="THƯ_MỤC", default=str(PROJECT_COURSE), help=t("grading.args.course"))
    parser.add_argument("--output", metavar="THƯ_MỤC", default=None, help=t("grading.args.output"))


def run(args: argparse.Namespace) -> int:
    root = os.path.abspath(args.course)
    if not os.path.isdir(root):
        print(t("grading.errors.no_course", path=root), file=sys.stderr)
        return 2
    course = Course.open(root, args.assignment)
    if not has_gradebook(course) or not course.notebooks():
        print(t("grading.errors.no_assignment", assignment=args.assignment), file=sys.stderr)
        return 2
    output = Path(os.path.abspath(args.output or root))
    try:
        csv_path, xlsx_path = write(course, output)
    except NothingToExport:
        print(t("grading.export.nothing", assignment=args.assignment), file=sys.stderr)
        return 1
    except OSError as error:
        print(t("grading.export.write_error", path=error.filename or output, detail=error.strerror or error),
              file=sys.stderr)
        return 2
    print(t("grading.export.written", csv=csv_path, xlsx=xlsx_path))
    return 0
