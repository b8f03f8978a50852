"""`kynangso start` (what `make start` runs): both servers up, URLs printed in Vietnamese,
and Ctrl-C leaves no server and no kernel behind."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

from tests.servers import free_port, project_env
from kynangso.platform import port_is_free

pytestmark = pytest.mark.server
TOKEN = "kiem-thu-start"


def processes_with(marker: str) -> list[int]:
    """PIDs whose environment carries the marker: our servers and every kernel they started."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker.encode() in (entry / "environ").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                pass
    return found


def kernels_with(marker: str) -> list[int]:
    kernels = []
    for pid in processes_with(marker):
        try:
            if b"ipykernel" in Path(f"/proc/{pid}/cmdline").read_bytes():
                kernels.append(pid)
        except OSError:
            pass
    return kernels


class Output:
    """Collects a child's output in the background, so a full pipe never blocks it."""

    def __init__(self, proc: subprocess.Popen):
        self.proc, self.text = proc, ""
        threading.Thread(target=self._read, args=(proc.stdout,), daemon=True).start()

    def _read(self, stream):
        for line in stream:
            self.text += line

    def wait_for(self, needle: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while needle not in self.text:
            if self.proc.poll() is not None:
                time.sleep(1)  # let the reader catch up with the last lines
                assert needle in self.text, f"{needle!r} never printed before exit:\n{self.text}"
                return
            assert time.monotonic() < deadline, f"{needle!r} never printed:\n{self.text}"
            time.sleep(0.2)


def test_start_serves_lab_and_site_and_ctrl_c_stops_everything():
    lab_port, site_port = free_port(), free_port()
    marker = f"KNS_START_TEST={uuid.uuid4().hex}"
    env = project_env(JUPYTER_TOKEN=TOKEN, KNS_START_MARKER=marker)
    proc = subprocess.Popen(
        ["kynangso", "start", "--lab-port", str(lab_port), "--site-port", str(site_port)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )
    output = Output(proc)
    try:
        output.wait_for("Nhấn Ctrl-C để dừng.", timeout=180)
        assert f"http://127.0.0.1:{site_port}/" in output.text
        assert f"http://127.0.0.1:{lab_port}/lab?token={TOKEN}" in output.text

        request = urllib.request.Request(f"http://127.0.0.1:{lab_port}/api/kernels?token={TOKEN}", data=b"{}", method="POST")
        assert urllib.request.urlopen(request, timeout=60).status == 201
        with urllib.request.urlopen(f"http://127.0.0.1:{site_port}/voila/render/dich-vu-cong/01-tai-khoan-vneid.ipynb", timeout=120) as page:
            assert page.status == 200 and '<html lang="vi">' in page.read().decode()
        assert len(kernels_with(marker)) >= 2, "the lab kernel and the lesson kernel should be running"

        os.killpg(proc.pid, signal.SIGINT)  # what the terminal sends on Ctrl-C
        assert proc.wait(90) == 0
        output.wait_for("Đã dừng.", timeout=5)
        time.sleep(1)
        assert processes_with(marker) == [], "servers or kernels were left running"
        assert port_is_free(lab_port) and port_is_free(site_port)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        for pid in processes_with(marker):
            os.kill(pid, signal.SIGKILL)


def test_start_refuses_a_busy_port_in_vietnamese_and_starts_nothing():
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run(["kynangso", "start", "--lab-port", str(port), "--site-port", str(free_port())],
                                env=project_env(), capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert f"Cổng {port} đang bị chương trình khác dùng" in result.stderr
