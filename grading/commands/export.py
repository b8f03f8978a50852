"""`kynangso export ASSIGNMENT`: the class's marks as CSV and Excel, with Vietnamese headers."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from kynangso.messages import t

from . import add_course_arguments, open_graded_course
from ..export import NothingToExport, write


def configure(parser: argparse.ArgumentParser) -> None:
    add_course_arguments(parser)
    parser.add_argument("--output", metavar="THƯ_MỤC", default=None, help=t("grading.args.output"))


def run(args: argparse.Namespace) -> int:
    course = open_graded_course(args)
    if course is None:
        return 2
    output = Path(os.path.abspath(args.output or course.root))
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
