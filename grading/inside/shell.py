"""An IPython shell that records a cell's outputs as nbformat outputs, like a kernel.

Running cells through IPython itself (not ``exec``) keeps the kernel's semantics:
magics, ``!`` commands, the last expression's display (nbgrader reads partial credit
from it) and tracebacks. Outputs are bounded so a cell that prints forever cannot
exhaust memory.
"""

from __future__ import annotations

import io
import signal
import sys

from IPython.core.displayhook import DisplayHook
from IPython.core.displaypub import DisplayPublisher
from IPython.core.interactiveshell import InteractiveShell
from traitlets import Type
from traitlets.config import Config

OUTPUT_LIMIT = 1 << 20
TRUNCATED = "\n… [đã cắt bớt đầu ra quá dài]\n"


class Outputs:
    """The outputs of one cell, capped at ``limit`` characters of text in total."""

    def __init__(self, limit: int = OUTPUT_LIMIT):
        self.items: list[dict] = []
        self.limit, self.size, self.truncated = limit, 0, False

    def _room(self, text: str) -> str:
        room = self.limit - self.size
        if len(text) > room:
            self.truncated = True
            text = text[: max(room, 0)]
        self.size += len(text)
        return text

    def stream(self, name: str, text: str) -> None:
        if self.truncated or not text:
            return
        text = self._room(text)
        if self.truncated:
            text += TRUNCATED
        if self.items and self.items[-1].get("output_type") == "stream" and self.items[-1]["name"] == name:
            self.items[-1]["text"] += text
        else:
            self.items.append({"output_type": "stream", "name": name, "text": text})

    def data(self, output_type: str, data: dict, metadata: dict | None) -> None:
        if self.truncated:
            return
        data = {k: self._room(v) if isinstance(v, str) else v for k, v in data.items()
                if isinstance(v, (str, dict, list))}
        output = {"output_type": output_type, "data": data, "metadata": metadata or {}}
        self.items.append(output)

    def error(self, ename: str, evalue: str, traceback: list[str]) -> None:
        self.items.append({"output_type": "error", "ename": ename, "evalue": self._room(evalue)[:2000],
                           "traceback": [self._room(line)[:4000] for line in traceback[-60:]]})


class _Stream(io.TextIOBase):
    def __init__(self, shell: "RecordingShell", name: str):
        self.shell, self.name = shell, name

    def writable(self) -> bool:
        return True

    def write(self, text) -> int:
        self.shell.outputs.stream(self.name, str(text))
        return len(text)

    @property
    def encoding(self) -> str:
        return "utf-8"

    def isatty(self) -> bool:
        return False


class _ResultHook(DisplayHook):
    def write_output_prompt(self):
        pass

    def write_format_data(self, format_dict, md_dict=None):
        self.shell.outputs.data("execute_result", format_dict, md_dict)

    def finish_displayhook(self):
        pass


class _Publisher(DisplayPublisher):
    def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kwargs):
        self.shell.outputs.data("display_data", data, metadata)

    def clear_output(self, wait=False):
        pass


class CellTimeout(BaseException):
    """Raised inside a cell that ran past its time."""


class RecordingShell(InteractiveShell):
    displayhook_class = Type(_ResultHook)
    display_pub_class = Type(_Publisher)

    outputs = Outputs()

    @classmethod
    def create(cls, **kwargs) -> "RecordingShell":
        config = Config()
        config.HistoryManager.hist_file = ":memory:"
        config.HistoryManager.enabled = False
        config.InteractiveShell.colors = "NoColor"
        config.InteractiveShell.xmode = "Plain"
        return cls(config=config, **kwargs)

    def _showtraceback(self, etype, evalue, stb):
        self.outputs.error(getattr(etype, "__name__", str(etype)), str(evalue), list(stb))

    def run(self, source: str, timeout: float | None = None) -> list[dict]:
        """Run one cell and return its outputs; ``timeout`` raises CellTimeout inside it."""
        self.outputs = Outputs()
        saved = sys.stdout, sys.stderr, sys.stdin
        sys.stdout, sys.stderr, sys.stdin = _Stream(self, "stdout"), _Stream(self, "stderr"), io.StringIO()
        if timeout:
            signal.signal(signal.SIGALRM, _alarm)
            signal.setitimer(signal.ITIMER_REAL, timeout)
        try:
            self.run_cell(source, store_history=True)
        except CellTimeout:
            self.outputs.error("CellTimeoutError", "", ["CellTimeoutError: hết thời gian chạy ô"])
        finally:
            if timeout:
                signal.setitimer(signal.ITIMER_REAL, 0)
            sys.stdout, sys.stderr, sys.stdin = saved
        return self.outputs.items


def _alarm(signum, frame):
    raise CellTimeout()
