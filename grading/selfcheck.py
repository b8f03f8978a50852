"""``kiem_tra("cau_1")``: a trainee runs one question's visible tests before submitting.

In the spirit of Otter-Grader's ``check()``: the tests are read from the notebook the
trainee has open (so they are exactly the ones nbgrader will run, minus the hidden
ones), run in the trainee's own namespace, and summed up in one Vietnamese line.

The same cells also run under ``nbgrader autograde`` and inside our grading sandbox,
where there may be no notebook file at all, so this function never raises: whatever
goes wrong becomes a message and ``False``.
"""

from __future__ import annotations

import ast
import inspect
import json
import os
import re
from pathlib import Path

from kynangso.messages import t

_COUNTER = "__kiem_tra_dem__"
_HIDDEN = re.compile(r"^[ \t]*#+[ \t]*BEGIN HIDDEN TESTS.*?^[ \t]*#+[ \t]*END HIDDEN TESTS[^\n]*\n?",
                     re.IGNORECASE | re.MULTILINE | re.DOTALL)
_NAME_ERROR = re.compile(r"name '([^']+)' is not defined")
_QUESTION = re.compile(r"cau_(\d+)")


def kiem_tra(question: str) -> bool:
    """Run the visible tests of ``question`` (an answer cell's grade_id, e.g. ``"cau_1"``)."""
    caller = inspect.currentframe().f_back
    try:
        namespace, shell = _namespace(caller.f_globals if caller else {})
        passed, line = check(question, namespace, shell)
    except Exception as error:  # never break the notebook or the grader
        passed, line = False, t("grading.selfcheck.error", question=label(question), ename=type(error).__name__,
                                  evalue=str(error)[:300])
    finally:
        del caller
    print(line)
    return passed


def label(question) -> str:
    """``cau_3`` reads as «Câu 3»; any other id is shown as it is."""
    match = _QUESTION.fullmatch(str(question))
    return f"Câu {match.group(1)}" if match else str(question)


def check(question: str, namespace: dict, shell=None) -> tuple[bool, str]:
    """(passed, the line to show) for one question, run in ``namespace``."""
    notebook = find_notebook(namespace)
    if notebook is None:
        return False, t("grading.selfcheck.no_notebook")
    sources = test_sources(notebook, str(question))
    if not sources:
        return False, t("grading.selfcheck.no_tests", question=question)
    question = label(question)
    count = 0

    def counted() -> None:
        nonlocal count
        count += 1

    had_counter = _COUNTER in namespace
    saved = namespace.get(_COUNTER)
    namespace[_COUNTER] = counted
    try:
        for source in sources:
            if shell is not None:
                source = shell.transform_cell(source)
            exec(_instrument(source), namespace)  # noqa: S102 - the course's own test cell
    except AssertionError as error:
        message = str(error).strip() or t("grading.selfcheck.generic")
        return False, t("grading.selfcheck.failed", question=question, message=message)
    except NameError as error:
        match = _NAME_ERROR.search(str(error))
        name = match.group(1) if match else str(error)
        return False, t("grading.selfcheck.failed", question=question,
                        message=t("grading.selfcheck.missing_name", name=name))
    except NotImplementedError:
        return False, t("grading.selfcheck.failed", question=question, message=t("grading.selfcheck.not_done"))
    except Exception as error:
        return False, t("grading.selfcheck.error", question=question, ename=type(error).__name__,
                        evalue=str(error)[:300])
    finally:
        if had_counter:
            namespace[_COUNTER] = saved
        else:
            namespace.pop(_COUNTER, None)
    return True, t("grading.selfcheck.passed", question=question, count=count)


def _namespace(fallback: dict) -> tuple[dict, object]:
    """The trainee's namespace: IPython's user_ns in a kernel, else the caller's globals."""
    try:
        from IPython import get_ipython

        shell = get_ipython()
    except Exception:
        shell = None
    if shell is not None and isinstance(getattr(shell, "user_ns", None), dict):
        return shell.user_ns, shell
    return fallback, None


def _instrument(source: str):
    """The test code, compiled with a counter call before every assert."""
    tree = ast.parse(source, filename="<kiem_tra>")

    class CountAsserts(ast.NodeTransformer):
        def visit_Assert(self, node):
            call = ast.Expr(ast.Call(ast.Name(_COUNTER, ast.Load()), [], []))
            return [ast.copy_location(call, node), node]

    tree = ast.fix_missing_locations(CountAsserts().visit(tree))
    return compile(tree, "<kiem_tra>", "exec")


# ----------------------------------------------------------------- finding the tests

def find_notebook(namespace: dict | None = None) -> Path | None:
    """The open notebook: jupyter_server's session name, ipykernel's ``__session__``,
    else the only notebook in the working directory."""
    cwd = Path.cwd()
    for name in (os.environ.get("JPY_SESSION_NAME"), (namespace or {}).get("__session__")):
        if not isinstance(name, str) or not name.endswith(".ipynb"):
            continue
        path = Path(name)
        candidates = [path] if path.is_absolute() else [cwd / path, *(p / path for p in cwd.parents)]
        candidates.append(cwd / path.name)
        for candidate in candidates:
            if candidate.is_file():
                return candidate
    notebooks = [p for p in cwd.glob("*.ipynb") if p.is_file()]
    return notebooks[0] if len(notebooks) == 1 else None


def test_sources(notebook: Path, question: str) -> list[str]:
    """Source of the question's test cells, hidden tests removed.

    Convention: answer ``cau_N``, tests ``cau_N_kiem_tra``; otherwise any code grade
    cell whose id is the question or starts with ``<question>_`` and is not an answer.
    """
    try:
        cells = json.loads(notebook.read_text("utf-8")).get("cells", [])
    except (OSError, ValueError, AttributeError):
        return []
    tests = []
    for cell in cells if isinstance(cells, list) else []:
        meta = cell.get("metadata", {}).get("nbgrader", {}) if isinstance(cell, dict) else {}
        if cell.get("cell_type") != "code" or not isinstance(meta, dict):
            continue
        tests.append((str(meta.get("grade_id", "")), bool(meta.get("grade")), bool(meta.get("solution")),
                      _text(cell.get("source", ""))))
    exact = [src for gid, _, _, src in tests if gid == f"{question}_kiem_tra"]
    if not exact:
        exact = [src for gid, grade, solution, src in tests
                 if grade and not solution and (gid == question or gid.startswith(question + "_"))]
    return [_HIDDEN.sub("", src) for src in exact]


def _text(source) -> str:
    return "".join(source) if isinstance(source, list) else str(source)
