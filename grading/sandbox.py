"""Sandboxes for grading: Debian's bubblewrap around a pre-warmed zygote.

Each sandbox is a throw-away root: read-only ``/usr``, the Python installation and the
virtual environment, the small ``inside`` package, a size-capped tmpfs for ``/tmp``,
fresh ``/proc`` and ``/dev``, and nothing else: no network (its own empty network
namespace), no course files, no gradebook, no home directory. As root we drop to a
dedicated unprivileged uid before bubblewrap runs; source paths that uid could not
reach (say a Python under ``/root``) are staged through a private mount namespace first.
See ``grading/README.md`` for the guarantees.
"""

from __future__ import annotations

import ctypes
import os
import shlex
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from .inside import wire

INSIDE = Path(__file__).resolve().parent / "inside"
SANDBOX_PACKAGE_ROOT = "/opt/kynangso"
BASE_UID = 64000  # slot n runs as uid/gid BASE_UID + n (no such user exists on Debian)
STAGE = "/mnt"


@dataclass
class Limits:
    """Per-job limits; ``cell_timeout`` and ``job_timeout`` are wall-clock seconds."""

    cell_timeout: float = 30.0
    job_timeout: float = 300.0
    cpu: int = 120
    memory: int = 3 << 30
    nproc: int = 64
    fsize: int = 64 << 20
    nofile: int = 256
    tmpfs: int = 256 << 20

    def for_job(self) -> dict:
        return {"cell_timeout": self.cell_timeout, "cpu": self.cpu, "memory": self.memory,
                "nproc": self.nproc, "fsize": self.fsize, "nofile": self.nofile}


class SandboxUnavailable(Exception):
    """bubblewrap is missing or cannot create a sandbox on this machine."""


class SandboxDied(Exception):
    """The sandbox or its job ended while we were talking to it."""


def _python_paths() -> list[str]:
    """The directories the interpreter needs, read-only, at their own paths."""
    candidates = {sys.prefix, sys.base_prefix, os.path.dirname(os.path.dirname(os.path.realpath(sys.executable)))}
    return sorted(p for p in candidates if p and not p.startswith("/usr/") and p != "/usr")


PACKAGES = ("kynangso", "kynangso.grading", "kynangso.widgets")


def _package_paths(mounted: list[str]) -> list[str]:
    """Our own package folders, so exercises can ``import kynangso`` inside the sandbox.

    An editable install maps the packages to folders of the checkout (``kynangso/``,
    ``grading/``, ``widgets/``), which the venv's import finder expects at those exact
    paths. Only those folders are mounted, never their parent: the course, its
    gradebook and the rest of the project stay invisible. A regular install puts them
    under the venv, which is mounted already.
    """
    import importlib.util

    found = []
    for name in PACKAGES:
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            continue
        for location in (spec.submodule_search_locations or []) if spec else []:
            path = os.path.realpath(location)
            inside = any(path == m or path.startswith(m.rstrip("/") + "/") for m in mounted + ["/usr"])
            if os.path.isdir(path) and not inside and path not in found:
                found.append(path)
    return sorted(found)


def _root_links() -> list[str]:
    """Debian's merged /usr: /bin, /lib… are symlinks into /usr; mirror whatever is there."""
    args = []
    for name in ("bin", "sbin", "lib", "lib64", "lib32", "libx32"):
        path = f"/{name}"
        if os.path.islink(path):
            args += ["--symlink", os.readlink(path), path]
        elif os.path.isdir(path):
            args += ["--ro-bind", path, path]
    return args


@dataclass
class Profile:
    """How to launch one sandbox: which role, which slot, which limits."""

    role: str
    slot: int = 0
    limits: Limits = field(default_factory=Limits)
    unsafe: bool = False
    preload: tuple[str, ...] = ()
    peer: tuple[int, int] | None = None  # (read, write) descriptors of the runner<->judge pipe

    @property
    def uid(self) -> int:
        return BASE_UID + 2 * self.slot + (1 if self.role == "judge" else 0)

    def python_command(self, control_fd: int) -> list[str]:
        root = SANDBOX_PACKAGE_ROOT if not self.unsafe else str(INSIDE.parent)
        package = "inside" if not self.unsafe else "kynangso.grading.inside"
        code = (f"import sys; sys.path.insert(0, {root!r}); "
                f"from {package} import zygote; zygote.main(sys.argv[1:])")
        return [sys.executable, "-B", "-E", "-c", code, self.role, str(control_fd),
                *([] if self.unsafe else ["sandboxed"]), *(f"--preload={m}" for m in self.preload),
                *([f"--peer={self.peer[0]},{self.peer[1]}"] if self.peer else [])]

    def environment(self) -> dict[str, str]:
        return {
            "HOME": "/tmp", "TMPDIR": "/tmp", "LANG": "C.UTF-8", "PYTHONIOENCODING": "utf-8",
            "PATH": f"{os.path.dirname(sys.executable)}:/usr/bin:/bin",
            "IPYTHONDIR": "/tmp/.ipython", "MPLCONFIGDIR": "/tmp/.mpl", "MPLBACKEND": "Agg",
            "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
            "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        }

    def command(self, control_fd: int) -> list[str]:
        """The full command line: staging (as root), dropping privileges, bubblewrap."""
        if self.unsafe:
            return self.python_command(control_fd)
        staged = os.geteuid() == 0
        sources = _python_paths()
        sources += _package_paths(sources)
        bwrap = ["bwrap", "--unshare-all", "--unshare-user", "--disable-userns",
                 "--die-with-parent", "--new-session", "--hostname", "kynangso-sandbox",
                 "--uid", str(self.uid if staged else 65534), "--gid", str(self.uid if staged else 65534),
                 "--clearenv"]
        for key, value in self.environment().items():
            bwrap += ["--setenv", key, value]
        bwrap += ["--ro-bind", "/usr", "/usr", *_root_links(),
                  "--ro-bind-try", "/etc/ld.so.cache", "/etc/ld.so.cache",
                  "--ro-bind-try", "/etc/localtime", "/etc/localtime",
                  "--proc", "/proc", "--dev", "/dev",
                  "--size", str(self.limits.tmpfs), "--tmpfs", "/tmp"]
        for index, path in enumerate(sources):
            bwrap += ["--ro-bind", f"{STAGE}/{index}" if staged else path, path]
        package = f"{STAGE}/inside" if staged else str(INSIDE)
        bwrap += ["--ro-bind", package, f"{SANDBOX_PACKAGE_ROOT}/inside", "--chdir", "/tmp"]
        bwrap += self.python_command(control_fd)
        if not staged:
            return bwrap
        mounts = [f"mount -t tmpfs -o mode=0755,size=1m kynangso {STAGE}"]
        for index, path in enumerate(sources):
            mounts.append(f"mkdir {STAGE}/{index} && mount --bind {shlex.quote(path)} {STAGE}/{index}")
        mounts.append(f"mkdir {STAGE}/inside && mount --bind {shlex.quote(str(INSIDE))} {STAGE}/inside")
        drop = ["setpriv", f"--reuid={self.uid}", f"--regid={self.uid}", "--clear-groups",
                "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--"]
        script = " && ".join(mounts) + " && exec " + shlex.join(drop + bwrap)
        return ["unshare", "--mount", "--propagation", "private", "--", "/bin/sh", "-c", script]


class Sandbox:
    """One running zygote: start it, give it jobs, talk to the job, stop it."""

    def __init__(self, profile: Profile):
        self.profile = profile
        self.process: subprocess.Popen | None = None
        self.channel: wire.Channel | None = None
        self.control: wire.Channel | None = None
        self.last_job_end: dict = {}
        self.in_job = False

    def start(self, timeout: float = 60) -> "Sandbox":
        return self.launch().wait_ready(timeout)

    def launch(self) -> "Sandbox":
        """Start the zygote without waiting for it (so a worker can warm both at once)."""
        control_read, control_write = os.pipe()
        os.set_inheritable(control_write, True)
        env = self.profile.environment() if self.profile.unsafe else {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin"}
        self.process = subprocess.Popen(
            self.profile.command(control_write), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=None if os.environ.get("KYNANGSO_SANDBOX_DEBUG") else subprocess.DEVNULL,
            pass_fds=(control_write, *(self.profile.peer or ())), env=env, start_new_session=True,
            cwd="/" if not self.profile.unsafe else None, preexec_fn=_die_with_parent,
        )
        os.close(control_write)
        self.channel = wire.Channel(self.process.stdout.fileno(), self.process.stdin.fileno())
        self.control = wire.Channel(control_read, -1)
        return self

    def wait_ready(self, timeout: float = 60) -> "Sandbox":
        try:
            ready = self.control.recv(time.monotonic() + timeout)
        except (wire.ChannelClosed, wire.ChannelTimeout, wire.ProtocolError) as error:
            self.stop()
            raise SandboxUnavailable(str(error)) from error
        if ready.get("op") != "ready":
            self.stop()
            raise SandboxUnavailable("zygote did not start")
        return self

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def begin(self, job: dict) -> None:
        self.channel.drain()
        self.in_job = True
        self.send({"op": "job", **job})

    def send(self, message: dict) -> None:
        try:
            self.channel.send(message)
        except wire.ChannelClosed as error:
            raise SandboxDied(str(error)) from error

    def recv(self, deadline: float) -> dict:
        """The job's next message; SandboxDied if the job ended first."""
        try:
            return self.channel.recv(deadline, watch_fd=self.control.read_fd)
        except wire.ChannelClosed as error:
            raise SandboxDied(str(error)) from error

    def finish(self, timeout: float = 10) -> dict:
        """Wait for the zygote to report the job's end; restart the sandbox if it won't."""
        if not self.in_job:
            return {}
        self.in_job = False
        try:
            self.send({"op": "end"})
        except SandboxDied:
            pass
        try:
            end = self.control.recv(time.monotonic() + timeout)
        except (wire.ChannelClosed, wire.ChannelTimeout, wire.ProtocolError):
            self.restart()
            return {"exit": None, "restarted": True}
        if not end.get("clean", True):
            self.restart()
        self.last_job_end = end
        return end

    def abort(self) -> None:
        """Stop a job that ran past its time: kill the whole sandbox and start afresh."""
        self.restart()

    def restart(self) -> None:
        self.in_job = False
        self.stop()
        self.start()

    def stop(self) -> None:
        """Close the zygote's input so the sandbox winds down; kill it if it lingers."""
        if self.process is None:
            return
        try:
            self.process.stdin.close()
            self.process.wait(2)
        except (OSError, subprocess.TimeoutExpired):
            pass
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            try:
                stream.close()
            except OSError:
                pass
        if self.control is not None:
            os.close(self.control.read_fd)
            self.control = None
        self.process = None


_LIBC = ctypes.CDLL(None, use_errno=True)


def _die_with_parent() -> None:
    """If the grader is killed (even with SIGKILL), its sandboxes go with it."""
    _LIBC.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG


def probe(unsafe: bool = False) -> str | None:
    """None if a sandbox can be started here, else the reason it cannot."""
    if unsafe:
        return None
    for tool in ("bwrap",) + (("unshare", "setpriv") if os.geteuid() == 0 else ()):
        if shutil.which(tool) is None:
            from kynangso.messages import t

            return t("grading.errors.missing_tool", tool=tool)
    sandbox = Sandbox(Profile("probe", slot=0))
    try:
        sandbox.start(timeout=60)
    except (SandboxUnavailable, OSError) as error:
        return str(error) or type(error).__name__
    finally:
        sandbox.stop()
    return None
