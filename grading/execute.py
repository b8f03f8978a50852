"""Execute one sanitised notebook: student cells in the runner, test cells in the judge.

The judge asks the runner about the student's namespace over a direct pipe between the
two sandboxes (answers are plain data; without that pipe the parent relays them). The
parent sends the cells, enforces every deadline from outside, and turns whatever happens
(a dead or runaway runner, garbage on the wire) into cell outputs that nbgrader scores as
failures.
"""

from __future__ import annotations

import ast
import time
from dataclasses import dataclass, field

from nbformat import NotebookNode, from_dict
from nbgrader import utils

from .inside import wire
from .sandbox import Limits, Sandbox, SandboxDied

GRACE = 3.0


def is_test_cell(cell: NotebookNode) -> bool:
    """An autograder test: a code grade cell that is not the student's answer."""
    return cell.cell_type == "code" and utils.is_grade(cell) and not utils.is_solution(cell)


def trusted_imports(nb: NotebookNode) -> list[str]:
    """Import statements from the instructor's locked cells, replayed in the judge so a
    test's ``pd`` or ``np`` is the judge's own module, never a student's look-alike."""
    statements = []
    for cell in nb.cells:
        if cell.cell_type != "code" or not utils.is_locked(cell) or utils.is_grade(cell):
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue
        statements += [ast.unparse(node) for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))]
    return statements


def _error(ename: str, evalue: str) -> dict:
    return {"output_type": "error", "ename": ename, "evalue": evalue, "traceback": [f"{ename}: {evalue}"]}


def clean_outputs(outputs, count: int) -> list[NotebookNode]:
    """Valid nbformat outputs from whatever came over the wire: the runner is untrusted,
    and one malformed output must not make nbgrader reject the whole notebook."""
    cleaned = []
    for o in outputs if isinstance(outputs, list) else []:
        kind = o.get("output_type") if isinstance(o, dict) else None
        if kind == "stream" and o.get("name") in ("stdout", "stderr"):
            cleaned.append({"output_type": "stream", "name": o["name"], "text": str(o.get("text", ""))})
        elif kind in ("display_data", "execute_result") and isinstance(o.get("data"), dict):
            data = {str(k): v for k, v in o["data"].items()
                    if isinstance(v, str) or (isinstance(v, (dict, list)) and "json" in str(k))}
            output = {"output_type": kind, "data": data,
                      "metadata": o["metadata"] if isinstance(o.get("metadata"), dict) else {}}
            if kind == "execute_result":
                output["execution_count"] = count
            cleaned.append(output)
        elif kind == "error":
            traceback = o.get("traceback") if isinstance(o.get("traceback"), list) else []
            cleaned.append({"output_type": "error", "ename": str(o.get("ename", "")),
                            "evalue": str(o.get("evalue", "")), "traceback": [str(x) for x in traceback]})
    return [from_dict(o) for o in cleaned]


@dataclass
class Run:
    """What happened while executing one notebook, beyond the cell outputs."""

    notes: list[dict] = field(default_factory=list)

    def note(self, reason: str, detail: str = "") -> None:
        entry = {"reason": reason, "detail": detail}
        if entry not in self.notes:
            self.notes.append(entry)


class Execution:
    """Drives a runner/judge pair through the cells of one notebook."""

    def __init__(self, runner: Sandbox, judge: Sandbox, limits: Limits):
        self.runner, self.judge, self.limits = runner, judge, limits
        self.runner_alive = True
        self.run = Run()

    def execute(self, nb: NotebookNode, files: dict[str, str], library: dict[str, str]) -> Run:
        job_deadline = time.monotonic() + self.limits.job_timeout
        limits = self.limits.for_job()
        self.runner.begin({"files": files, "limits": limits})
        self.judge_job = {"files": files, "library": library, "imports": trusted_imports(nb), "limits": limits}
        self.judge.begin(self.judge_job)
        count = 0
        try:
            for cell in nb.cells:
                if cell.cell_type != "code":
                    continue
                count += 1
                deadline = min(time.monotonic() + self.limits.cell_timeout + GRACE, job_deadline)
                if time.monotonic() >= job_deadline:
                    outputs = [_error("CellTimeoutError", "job time limit")]
                    self.run.note("timeout")
                elif is_test_cell(cell):
                    outputs = self._test(cell.source, deadline)
                else:
                    outputs = self._student(cell.source, deadline)
                cell.outputs = clean_outputs(outputs, count)
                cell.execution_count = count
        finally:
            self._finish()
        return self.run

    # ------------------------------------------------------------------ runner side
    def _runner_lost(self, reason: str) -> None:
        """The runner is gone or must go: a dead job is reaped, a runaway one killed."""
        self.run.note(reason)
        self.runner_alive = False
        if reason == "process_died":
            self.runner.finish()
        else:
            self.runner.abort()

    def _ask_runner(self, message: dict, expect: str, deadline: float) -> dict | None:
        if not self.runner_alive:
            return None
        try:
            self.runner.send(message)
            reply = self.runner.recv(deadline)
        except SandboxDied:
            self._runner_lost("process_died")
            return None
        except wire.ChannelTimeout:
            self._runner_lost("timeout")
            return None
        except wire.ProtocolError:
            self._runner_lost("protocol")
            return None
        if reply.get("op") != expect:
            self._runner_lost("protocol")
            return None
        for note in reply.get("notes", []) if isinstance(reply.get("notes"), list) else []:
            if isinstance(note, dict) and isinstance(note.get("reason"), str):
                self.run.note(note["reason"], str(note.get("detail", ""))[:200])
        return reply

    def _student(self, source: str, deadline: float) -> list:
        reply = self._ask_runner({"op": "cell", "source": source}, "cell_done", deadline)
        if reply is None:
            return [_error("DeadKernelError", "student process is not running")]
        outputs = reply.get("outputs")
        outputs = outputs if isinstance(outputs, list) else []
        if any(isinstance(o, dict) and o.get("ename") in ("CellTimeout", "CellTimeoutError") for o in outputs):
            self.run.note("timeout")
        return outputs

    # ------------------------------------------------------------------- judge side
    def _test(self, source: str, deadline: float) -> list:
        files = self._ask_runner({"op": "files"}, "files", deadline)
        try:
            if files and isinstance(files.get("files"), dict) and files["files"]:
                self.judge.send({"op": "files", "files": files["files"]})
            self.judge.send({"op": "test", "source": source, "runner_alive": self.runner_alive})
            while True:
                message = self.judge.recv(deadline)
                if message.get("op") == "rpc":
                    self.judge.send(self._relay(message, deadline))
                elif message.get("op") == "test_done":
                    notes = message.get("notes") if isinstance(message.get("notes"), list) else []
                    for note in notes:
                        if not isinstance(note, dict):
                            continue
                        if note.get("reason") == "timeout" and note.get("detail") == "runner":
                            if self.runner_alive:  # stuck in a student function the test called
                                self._runner_lost("timeout")
                            continue
                        self.run.note(str(note.get("reason")), str(note.get("detail", ""))[:200])
                    return message.get("outputs", [])
        except (SandboxDied, wire.ChannelTimeout, wire.ProtocolError):
            self.run.note("judge_failed")
            self.judge.abort()
            self.judge.begin(self.judge_job)
            return [_error("CellTimeoutError", "test did not finish")]

    def _relay(self, message: dict, deadline: float) -> dict:
        reply = self._ask_runner({"op": "rpc", "request": message.get("request")}, "rpc_result", deadline)
        if reply is None:
            return {"op": "rpc_result", "reply": {"ok": False, "error": {
                "type": "RuntimeError", "message": "student process is not running"}}}
        return {"op": "rpc_result", "reply": reply.get("reply", {})}

    def _finish(self) -> None:
        for sandbox in (self.runner, self.judge):
            end = sandbox.finish()
            if sandbox is self.runner and end.get("exit") not in (0, None) and self.runner_alive:
                self.run.note("process_died", f"exit {end.get('exit')}")
