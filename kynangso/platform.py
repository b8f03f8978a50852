"""`kynangso start`: JupyterLab and the resident site side by side, stopped together.

Each server runs in its own session, so the terminal's Ctrl-C reaches only this
supervisor, which then asks both servers to shut down cleanly (SIGTERM makes Jupyter
and Voila stop their kernels) before anything is killed.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

from kynangso.jupyter.lab import lab_command, lab_env
from kynangso.messages import t

READY_TIMEOUT = 180
STOP_GRACE = 20


@dataclass
class Server:
    name: str
    command: list[str]
    ready_url: str
    process: subprocess.Popen | None = None

    def start(self, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(self.command, env=env, start_new_session=True)

    def answering(self) -> bool:
        try:
            with urllib.request.urlopen(self.ready_url, timeout=2):
                return True
        except urllib.error.HTTPError as error:
            return error.code < 500
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(STOP_GRACE)
            except subprocess.TimeoutExpired:
                pass
        try:  # anything left in the server's session (a stuck kernel) goes too
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait()


def port_is_free(port: int, ip: str = "127.0.0.1") -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((ip, port))
        except OSError:
            return False
    return True


def configure(parser) -> None:
    parser.add_argument("--lab-port", type=int, default=int(os.environ.get("LAB_PORT", 8888)), help=t("core.opt_lab_port"))
    parser.add_argument("--site-port", type=int, default=int(os.environ.get("SITE_PORT", 8866)), help=t("core.opt_site_port"))


def run(args) -> int:
    for port, var in ((args.lab_port, "LAB_PORT"), (args.site_port, "SITE_PORT")):
        if not port_is_free(port):
            print(t("core.port_busy", port=port, var=var), file=sys.stderr)
            return 2
    token = os.environ.get("JUPYTER_TOKEN") or secrets.token_urlsafe(24)
    env = lab_env()
    env["JUPYTER_TOKEN"] = token
    lab_url = f"http://127.0.0.1:{args.lab_port}/lab?token={token}"
    site_url = f"http://127.0.0.1:{args.site_port}/"
    servers = [
        Server(t("core.name_lab"), lab_command(args.lab_port), f"http://127.0.0.1:{args.lab_port}/api/status?token={token}"),
        Server(t("core.name_site"), [sys.executable, "-m", "kynangso.cli", "site", "--port", str(args.site_port)], site_url),
    ]
    print(t("core.starting"), flush=True)

    def on_signal(signum, _frame):
        raise KeyboardInterrupt

    # SIGINT too: a supervisor started from a script may inherit an ignored SIGINT.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, on_signal)
    try:
        for server in servers:
            server.start(env)
        _wait_until_ready(servers)
        print(t("core.ready", site_url=site_url, lab_url=lab_url), flush=True)
        return _supervise(servers)
    except KeyboardInterrupt:
        return 0
    finally:
        print(t("core.stopping"), flush=True)
        for server in servers:
            server.stop()
        print(t("core.stopped"), flush=True)


def _wait_until_ready(servers: list[Server]) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    waiting = list(servers)
    while waiting:
        for server in list(waiting):
            if server.process.poll() is not None:
                raise SystemExit(t("core.child_died", name=server.name, code=server.process.returncode))
            if server.answering():
                waiting.remove(server)
        if time.monotonic() > deadline:
            raise SystemExit(t("core.not_ready", name=waiting[0].name, seconds=READY_TIMEOUT))
        time.sleep(0.3)


def _supervise(servers: list[Server]) -> int:
    """Block until a server dies on its own; then the platform stops as a whole."""
    while True:
        for server in servers:
            code = server.process.poll()
            if code is not None:
                print(t("core.child_died", name=server.name, code=code), file=sys.stderr)
                return 1
        time.sleep(1)
