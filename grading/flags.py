"""What counts as possible tampering, and a static look at the student's own code.

The verdicts do not depend on any of this: tests run in the judge whatever the student
wrote. Flags exist so an instructor can see who tried, with the reason, in the summary
and the export. Dynamic notes come from the sandbox (a shell hook that changed, an
object with a rigged ``__eq__``, a process that killed itself); the static scan reads
the answer cells for the same tricks.
"""

from __future__ import annotations

import ast

from nbformat import NotebookNode
from nbgrader import utils

# note reason -> is it a sign of tampering (True) or just something that went wrong?
TAMPERING = {
    "input_transformer": True, "builtins": True, "custom_eq": True, "exit": True,
    "process_died": True, "network": True, "processes": True, "file_probe": True,
    "test_cell_edited": True, "test_cell_deleted": True, "test_cell_duplicated": True,
    "symlink": True, "protocol": True,
    "introspection": True,
    "timeout": False, "judge_failed": False, "output_truncated": False,
    "missing_notebook": False, "extra_notebook": False,
}

_SHELL_HOOKS = {"input_transformers_cleanup", "input_transformers_post", "ast_transformers",
                "register_magic_function", "events"}
_EXITS = {("os", "_exit"), ("sys", "exit"), ("os", "abort"), ("os", "kill")}
_NETWORK = {"socket", "urllib", "http", "requests", "ftplib", "smtplib", "ssl"}
_PROCESSES = {"subprocess", "multiprocessing", "pty"}
_FORKS = {("os", "fork"), ("os", "system"), ("os", "popen"), ("os", "execv"), ("os", "spawnl")}
_PROBES = ("autograded", "gradebook", "source/", "/proc/", "submitted/", "release/", ".ipynb", "nbgrader")
_INTROSPECTION = {"sys._getframe", "gc.get_objects", "inspect.stack", "ctypes"}


def is_tampering(reason: str) -> bool:
    return TAMPERING.get(reason, True)


def scan_source(source: str) -> list[dict]:
    """Suspicious constructs in one answer cell."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    found: list[dict] = []

    def note(reason: str, detail: str) -> None:
        entry = {"reason": reason, "detail": detail}
        if entry not in found:
            found.append(entry)

    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            base = node.value.id if isinstance(node.value, ast.Name) else ""
            if node.attr in _SHELL_HOOKS:
                note("input_transformer", node.attr)
            if (base, node.attr) in _EXITS:
                note("exit", f"{base}.{node.attr}")
            if (base, node.attr) in _FORKS:
                note("processes", f"{base}.{node.attr}")
            if f"{base}.{node.attr}" in _INTROSPECTION:
                note("introspection", f"{base}.{node.attr}")
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            for name in names:
                top = name.split(".")[0]
                if top in _NETWORK:
                    note("network", name)
                if top in _PROCESSES:
                    note("processes", name)
                if top in ("builtins", "ctypes"):
                    note("builtins" if top == "builtins" else "introspection", name)
        elif isinstance(node, ast.FunctionDef) and node.name in ("__eq__", "__ne__", "__bool__"):
            note("custom_eq", node.name)
        elif isinstance(node, ast.Name) and node.id in ("__builtins__", "AssertionError") and isinstance(node.ctx, ast.Store):
            note("builtins", node.id)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("exit", "quit"):
            note("exit", node.func.id)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            hit = next((p for p in _PROBES if p in node.value), None)
            if hit:
                note("file_probe", hit)
    return found


def scan_notebook(nb: NotebookNode) -> list[dict]:
    """Static notes for every cell the student could write (answer and free cells)."""
    notes: list[dict] = []
    for cell in nb.cells:
        if cell.cell_type == "code" and not utils.is_locked(cell):
            for entry in scan_source(cell.source):
                if entry not in notes:
                    notes.append(entry)
    return notes
