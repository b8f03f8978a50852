"""`kynangso site`: serve the resident lesson site in the foreground until Ctrl-C/SIGTERM.

Voila stops its kernels itself when the loop ends (``Voila.stop``); SIGTERM is turned
into the same path by Voila's signal handler.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from kynangso.messages import t
from kynangso.site import paths

DEFAULT_PORT = 8866
DEFAULT_POOL = 1
DEFAULT_MAX_KERNELS = 40
DEFAULT_CULL_IDLE = 900


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=t("site.cli.port"))
    parser.add_argument("--ip", default="127.0.0.1", help=t("site.cli.ip"))
    parser.add_argument("--courses", type=Path, default=paths.COURSES_DIR, help=t("site.cli.courses"))
    parser.add_argument("--pool-size", type=int, default=DEFAULT_POOL, help=t("site.cli.pool_size"))
    parser.add_argument("--max-kernels", type=int, default=DEFAULT_MAX_KERNELS, help=t("site.cli.max_kernels"))
    parser.add_argument("--cull-idle", type=int, default=DEFAULT_CULL_IDLE, help=t("site.cli.cull_idle"))


def build_app(args: argparse.Namespace):
    """A configured, initialised site (not yet listening); tests and the bench reuse it."""
    from kynangso.site.app import KynangsoSite
    from kynangso.site.catalog import CatalogError

    config = KynangsoSite.base_config(str(Path(args.courses).resolve()))
    config.Voila.port = args.port
    config.Voila.ip = args.ip
    config.Voila.log_level = logging.WARNING
    config.VoilaConfiguration.default_pool_size = max(args.pool_size, 0)
    config.VoilaConfiguration.preheat_kernel = args.pool_size > 0
    config.LessonKernelManager.max_visitor_kernels = args.max_kernels
    config.MappingKernelManager.cull_idle_timeout = args.cull_idle
    config.MappingKernelManager.cull_interval = max(1, min(60, args.cull_idle // 3))
    app = KynangsoSite(config=config)
    try:
        app.initialize([])
    except CatalogError as error:
        print(t("site.cli.catalog_problem", detail=error), file=sys.stderr)
        raise SystemExit(1) from error
    return app


def run(args: argparse.Namespace) -> int:
    app = build_app(args)
    host = "[{}]".format(args.ip) if ":" in args.ip else args.ip
    print(t("site.cli.serving", url=f"http://{host}:{args.port}/"), flush=True)
    app.start()  # blocks until SIGINT/SIGTERM, then shuts every kernel down
    print(t("site.cli.stopped"), flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run without the `kynangso` dispatcher (``python -m kynangso.site.command``)."""
    parser = argparse.ArgumentParser(prog="kynangso site", description=t("cli.help.site"))
    configure(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
