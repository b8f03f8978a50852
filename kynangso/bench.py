"""`kynangso bench`: every benchmark, each against the stock tool it replaces, in one run.

Each part prints its own figures and ratios; a part that fails is reported and the
others still run, so one broken benchmark never hides the rest.
"""

from __future__ import annotations

import importlib
import sys
import traceback

from kynangso.messages import t

PARTS = {
    "grading": "kynangso.grading.bench",
    "site": "kynangso.site.bench",
}


def configure(parser) -> None:
    parser.add_argument("--only", choices=sorted(PARTS), action="append", help=t("core.opt_bench_only"))


def run(args) -> int:
    failed = []
    for name in args.only or PARTS:
        print(t("core.bench_part", name=name), flush=True)
        try:
            code = importlib.import_module(PARTS[name]).run(args)
        except Exception:
            traceback.print_exc()
            code = 1
        if code:
            failed.append(name)
    if failed:
        print(t("core.bench_failed", parts=", ".join(failed)), file=sys.stderr)
    return 1 if failed else 0
