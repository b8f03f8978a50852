"""Start real servers for tests, wait until they answer, and always stop them.

Every server gets a free loopback port, so several test runs on one machine do not clash.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def project_env(**extra: str) -> dict[str, str]:
    """The environment `make` gives: the venv's bin first on PATH (nbgrader needs alembic)."""
    env = dict(os.environ)
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    env.update(extra)
    return env


def wait_for_http(url: str, timeout: float, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited early with code {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status < 500:
                    return
        except urllib.error.HTTPError as error:
            if error.code < 500:
                return
            last_error = error
        except OSError as error:
            last_error = error
        time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer within {timeout}s: {last_error}")


def stop_process_group(proc: subprocess.Popen, grace: float = 10) -> None:
    """SIGINT first (what Ctrl-C sends), then SIGKILL for anything left in the group."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            pass
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(5)


@contextlib.contextmanager
def running(cmd: list[str], ready_url: str, *, timeout: float = 90, cwd: Path = PROJECT,
            env: dict[str, str] | None = None, log: Path | None = None):
    """Run ``cmd`` in its own process group until the block ends; yield the Popen."""
    out = open(log, "wb") if log else subprocess.DEVNULL
    proc = subprocess.Popen(cmd, cwd=cwd, env=env or project_env(), stdout=out,
                            stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_for_http(ready_url, timeout, proc)
        yield proc
    finally:
        stop_process_group(proc)
        if log:
            out.close()
