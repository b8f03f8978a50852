"""The two servers the site benchmark compares, each started fresh on a free loopback port.

Ours is `kynangso site` with its defaults, serving a course folder whose catalogue lists
only the benchmark lesson (stock Voila also serves that one notebook, and a full catalogue
would pre-heat a kernel for every other lesson while we measure). Stock is `voila
<notebook>` with its own defaults. Both stop with their whole process group (kernels too).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import yaml

from kynangso.site import catalog, paths

BIN = Path(sys.executable).parent


@dataclass
class Server:
    name: str
    url: str  # the lesson page
    proc: subprocess.Popen

    def kernel_pids(self) -> dict[str, int]:
        """{kernel id: pid} of the kernels this server runs (from their connection files)."""
        found = {}
        for pid in descendants(self.proc.pid):
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            text = " ".join(part.decode(errors="replace") for part in cmdline)
            match = re.search(r"kernel-([0-9a-f-]{36})\.json", text)
            if "ipykernel_launcher" in text and match:
                found[match.group(1)] = pid
        return found


def descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                ppid = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def pss_kib(pid: int) -> int:
    """Proportional set size of one process, from /proc/<pid>/smaps_rollup."""
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1])
    raise RuntimeError(f"no Pss line for {pid}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, proc: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"{url} did not answer within {timeout}s")


def one_lesson_courses(lesson: str, target: Path) -> Path:
    """A courses folder holding the lesson's course with a catalogue of just that lesson."""
    course, _ = lesson.split("/", 1)
    entry = next(item for item in catalog.lessons_of(catalog.load(paths.COURSES_DIR)) if item.path == lesson)
    shutil.copytree(paths.COURSES_DIR / course, target / course, dirs_exist_ok=True)
    data = {"courses": [{
        "slug": course, "title": course, "summary": "", "audience": "",
        "lessons": [{"file": entry.file, "title": entry.title, "audience": entry.audience,
                     "minutes": entry.minutes, "objectives": list(entry.objectives)}],
    }]}
    (target / "catalog.yml").write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    return target


def env() -> dict[str, str]:
    result = dict(os.environ)
    result["PATH"] = f"{BIN}{os.pathsep}{result.get('PATH', '')}"
    return result


@contextlib.contextmanager
def serve(name: str, cmd: list[str], lesson_url_path: str, port: int, log: Path, cwd: Path):
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env(), stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            wait_http(f"http://127.0.0.1:{port}/voila/static/voila.js"
                      if name == "stock" else f"http://127.0.0.1:{port}/", proc)
            yield Server(name, f"http://127.0.0.1:{port}/{lesson_url_path}", proc)
        finally:
            stop(proc)


def stop(proc: subprocess.Popen) -> None:
    # Nothing of a benchmark server is worth keeping: a short grace, then the whole group.
    for sig, grace in ((signal.SIGTERM, 5), (signal.SIGKILL, 5)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        try:
            proc.wait(grace)
            break
        except subprocess.TimeoutExpired:
            continue
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)


def ours(courses: Path, lesson: str, work: Path, *extra: str):
    port = free_port()
    cmd = [str(BIN / "kynangso"), "site", "--port", str(port), "--courses", str(courses), *extra]
    return serve("ours", cmd, f"voila/render/{lesson}", port, work / f"ours-{port}.log", work)


def stock(courses: Path, lesson: str, work: Path):
    port = free_port()
    cmd = [str(BIN / "voila"), str(courses / lesson), "--no-browser", f"--port={port}",
           "--Voila.ip=127.0.0.1"]
    return serve("stock", cmd, "", port, work / f"stock-{port}.log", work)


def wait_for_pool(server: Server, count: int, settle: float = 3.0, timeout: float = 180) -> None:
    """Let a pre-heating server finish its pool (kernels started and lesson rendered)."""
    deadline = time.monotonic() + timeout
    while len(server.kernel_pids()) < count and time.monotonic() < deadline:
        time.sleep(0.3)
    # The pool renders the lesson in each new kernel, driven by the server process: wait
    # until the server and every kernel have been quiet for ``settle`` seconds.
    quiet_since = time.monotonic()
    while time.monotonic() < deadline:
        pids = [server.proc.pid, *server.kernel_pids().values()]
        busy = any([cpu_busy(pid) for pid in pids])
        if busy:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since >= settle:
            return
        time.sleep(0.2)


_last_cpu: dict[int, tuple[float, int]] = {}


def cpu_busy(pid: int) -> bool:
    """Whether ``pid`` used more than 10% of a core since the last call."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return False
    ticks = int(fields[11]) + int(fields[12])
    now = time.monotonic()
    before = _last_cpu.get(pid)
    _last_cpu[pid] = (now, ticks)
    if before is None:
        return True
    elapsed = now - before[0]
    return elapsed > 0 and (ticks - before[1]) / os.sysconf("SC_CLK_TCK") / elapsed > 0.1
