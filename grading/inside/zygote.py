"""A pre-warmed process that forks one child per job, inside the sandbox.

Starting Python, IPython and pandas costs most of a second; the zygote pays it once and
then forks a copy-on-write child for every submission, so a job starts in milliseconds
with a pristine interpreter. Between jobs it kills every process the job left behind,
wipes the scratch space and discards unread input, so one job leaves nothing for the
next. It reports on a control descriptor that job children close before running
anything, so a job cannot forge the end of its own (or anyone's) job.
"""

from __future__ import annotations

import ctypes
import json
import os
import resource
import shutil
import signal
import sys
import tempfile
import time

from . import wire

SCRATCH = ("/tmp", "/dev/shm")


def main(argv: list[str]) -> None:
    role, control_fd = argv[0], int(argv[1])
    sandboxed = "sandboxed" in argv[2:]
    preload = [a.split("=", 1)[1] for a in argv[2:] if a.startswith("--preload=")]
    peer = next((tuple(int(x) for x in a.split("=", 1)[1].split(",")) for a in argv[2:]
                 if a.startswith("--peer=")), None)
    os.environ.pop("JPY_SESSION_NAME", None)
    if role == "probe":  # the grader only checks that a sandbox can be made here
        wire.Channel(-1, control_fd).send({"op": "ready", "pid": os.getpid()})
        return
    import numpy  # noqa: F401  (preloaded so that children start warm)
    import pandas  # noqa: F401

    _preload(preload)

    if role == "judge":
        from .judge import create_shell, serve
    else:
        from .shell import RecordingShell
        from .student import serve

        create_shell = RecordingShell.create
    shell = create_shell()
    _not_dumpable()
    control = wire.Channel(-1, control_fd)
    control.send({"op": "ready", "pid": os.getpid()})
    jobs = wire.Channel(0, -1)
    while True:
        try:
            job = jobs.recv()
        except wire.ProtocolError:
            continue
        except wire.ChannelClosed:
            return
        if job.get("op") != "job":
            continue
        started = time.monotonic()
        scratch = "/tmp" if sandboxed else tempfile.mkdtemp(prefix="kynangso-unsafe-")
        pid = os.fork()
        if pid == 0:
            os.setpgid(0, 0)
            os.close(control_fd)
            status = 1
            try:
                _run_child(role, job, shell, serve, scratch, bytes(jobs.pending), peer)
                status = 0
            finally:
                os._exit(status)
        jobs.pending.clear()  # whatever followed the job message was the child's
        _, wait_status, usage = os.wait4(pid, 0)
        clean = _clean_up(pid, sandboxed)
        if peer is not None:
            wire.Channel(peer[0], -1).drain()  # nothing said in this job reaches the next
        if not sandboxed:
            shutil.rmtree(scratch, ignore_errors=True)
        control.send({
            "op": "job_end",
            "exit": os.waitstatus_to_exitcode(wait_status),
            "cpu": usage.ru_utime + usage.ru_stime,
            "wall": time.monotonic() - started,
            "max_rss_kb": usage.ru_maxrss,
            "clean": clean,
        })


def _preload(modules: list[str]) -> None:
    """Import what the assignment's own cells import, once, before any job: every job
    then starts with them in memory instead of paying the import per submission. The
    list comes from the instructor's source notebook; a module that fails to import
    here simply gets imported (and fails) in the job as it would anyway."""
    import importlib

    for name in modules:
        try:
            importlib.import_module(name)
        except BaseException:  # noqa: BLE001  (SystemExit too: nothing may stop the zygote)
            continue


def _run_child(role, job, shell, serve, scratch: str, pending: bytes, peer=None) -> None:
    limits = job.get("limits", {})
    _set_limits(limits)
    workspace, library = os.path.join(scratch, "work"), os.path.join(scratch, "lib")
    os.makedirs(workspace, exist_ok=True)
    wire.write_files(workspace, job.get("files", {}))
    if job.get("library"):
        wire.write_files(library, job["library"])
        sys.path.append(library)
    os.chdir(workspace)
    import random

    import numpy

    random.seed()
    numpy.random.seed()
    proto_in, proto_out = os.dup(0), os.dup(1)
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    channel = wire.Channel(proto_in, proto_out)
    channel.pending += pending
    cell_timeout = float(limits.get("cell_timeout", 30))
    peer_channel = wire.Channel(*peer) if peer is not None else None
    if role == "judge":
        serve(channel, shell, job.get("imports", []), cell_timeout, peer_channel)
    else:
        sys.path.insert(0, "")
        serve(channel, shell, workspace, cell_timeout, peer_channel)


def _set_limits(limits: dict) -> None:
    pairs = {
        resource.RLIMIT_CPU: limits.get("cpu"),
        resource.RLIMIT_AS: limits.get("memory"),
        resource.RLIMIT_NPROC: limits.get("nproc"),
        resource.RLIMIT_FSIZE: limits.get("fsize"),
        resource.RLIMIT_NOFILE: limits.get("nofile"),
        resource.RLIMIT_CORE: 0,
    }
    for which, value in pairs.items():
        if value is not None:
            resource.setrlimit(which, (int(value), int(value)))


def _inside_bubblewrap() -> bool:
    """True only in our own pid namespace, where pid 1 is bubblewrap and we are not root."""
    try:
        with open("/proc/1/cmdline", "rb") as fh:
            init = fh.read().split(b"\0")[0]
    except OSError:
        return False
    return os.path.basename(init) == b"bwrap" and os.getuid() != 0 and os.getpid() != 1


def _clean_up(job_pid: int, sandboxed: bool) -> bool:
    """Kill everything the job left behind, then wipe scratch space.

    In the sandbox every process but ours and init belongs to the job, so all of them
    go. Unsandboxed (``--unsafe``) we can only kill the job's process group, and must
    never touch anything else on the machine.
    """
    if not (sandboxed and _inside_bubblewrap()):
        try:
            os.killpg(job_pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        _reap()
        return True
    for _ in range(200):
        try:
            os.kill(-1, signal.SIGKILL)
        except ProcessLookupError:
            pass
        others = [p for p in os.listdir("/proc") if p.isdigit() and int(p) not in (1, os.getpid())]
        _reap()
        if not others:
            break
        time.sleep(0.005)
    else:
        return False
    ok = True
    for root in SCRATCH:
        for name in os.listdir(root) if os.path.isdir(root) else []:
            ok &= _remove(os.path.join(root, name))
    wire.Channel(0, -1).drain()
    return ok


def _reap() -> None:
    while True:
        try:
            if os.waitpid(-1, os.WNOHANG)[0] == 0:
                return
        except ChildProcessError:
            return


def _remove(path: str) -> bool:
    def make_writable(func, target, _exc):
        try:
            os.chmod(os.path.dirname(target), 0o700)
            os.chmod(target, 0o700)
            func(target)
        except OSError:
            pass

    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path, onerror=make_writable)
    else:
        try:
            os.unlink(path)
        except OSError:
            pass
    return not os.path.lexists(path)


def _not_dumpable() -> None:
    """Keep job children (same uid) out of our memory and descriptors."""
    try:
        ctypes.CDLL(None).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE
    except (OSError, AttributeError):
        pass


if __name__ == "__main__":
    main(sys.argv[1:])
