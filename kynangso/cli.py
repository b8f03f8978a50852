"""The `kynangso` command: one entry point for administrators and instructors.

Each subcommand lives in its own module, which provides ``configure(parser)`` and
``run(args) -> int``. Only the module of the chosen subcommand is imported, so
``kynangso --help`` stays fast and one broken part cannot break the others.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from kynangso.messages import t

SUBCOMMANDS: dict[str, str] = {
    "start": "kynangso.platform",
    "lab": "kynangso.jupyter.lab",
    "site": "kynangso.site.command",
    "grade": "kynangso.grading.commands.grade",
    "feedback": "kynangso.grading.commands.feedback",
    "export": "kynangso.grading.commands.export",
    "bench": "kynangso.bench",
}


class VietnameseHelpFormatter(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        # argparse passes prefix="" when it builds a subcommand's prog: keep that one bare.
        super().add_usage(usage, actions, groups, prefix=t("cli.usage_prefix") if prefix is None else prefix)


class VietnameseArgumentParser(argparse.ArgumentParser):
    """argparse with Vietnamese headings, help flag and error line."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", VietnameseHelpFormatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = t("cli.positionals")
        self._optionals.title = t("cli.options")
        self.add_argument("-h", "--help", action="help", help=t("cli.help_flag"))

    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(2, t("cli.bad_arguments", detail=message) + "\n")


def build_parser(chosen: str | None = None) -> argparse.ArgumentParser:
    parser = VietnameseArgumentParser(prog="kynangso", description=t("cli.description"))
    sub = parser.add_subparsers(
        dest="command", title=t("cli.commands"), metavar=t("cli.command_metavar"),
        parser_class=VietnameseArgumentParser,
    )
    for name, module in SUBCOMMANDS.items():
        subparser = sub.add_parser(name, help=t(f"cli.help.{name}"), description=t(f"cli.help.{name}"))
        if name == chosen:
            importlib.import_module(module).configure(subparser)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    chosen = next((a for a in argv if a in SUBCOMMANDS), None)
    parser = build_parser(chosen)
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 2
    return int(importlib.import_module(SUBCOMMANDS[args.command]).run(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
