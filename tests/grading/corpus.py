"""A corpus of malicious and malformed submissions, generated from one exercise set.

Each case is small and named: a function of the set's solution and released notebooks
that returns the files of one submission, plus what the grader must make of it. Cases
that attack the grader start from the released copy (nothing solved), so the only
honest score for them is zero.
"""

from __future__ import annotations

import copy
import json
import os
import uuid
from dataclasses import dataclass, field

import nbformat

from kynangso.grading.bench import answer_ids


@dataclass
class Case:
    """One submission and the verdict it deserves."""

    student: str
    files: dict[str, object]
    state: str = "graded"               # graded | failed
    score: float | None = 0.0           # None: not graded; otherwise the deserved score
    flags: tuple[str, ...] = ()         # tamper reasons that must be raised
    reason: str | None = None           # catalog key of the failure reason
    notes: tuple[str, ...] = ()         # non-tampering notes that must appear
    symlinks: dict[str, str] = field(default_factory=dict)  # name -> target


def with_answer(nb, grade_id: str, source: str):
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            cell.source = source
    return nb


def grade_test_cells(nb) -> list:
    return [c for c in nb.cells if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("grade")
            and not c.metadata["nbgrader"].get("solution")]


PROBE = '''
import glob, json, os, socket
_res = {{"uid": os.getuid(), "gid": os.getgid()}}
try:
    socket.create_connection(("127.0.0.1", {port}), timeout=2).close()
    _res["net"] = "connected"
except Exception as _e:
    _res["net"] = type(_e).__name__
for _key, _path in {paths!r}.items():
    try:
        with open(_path, "rb") as _f:
            _res[_key] = "READ:" + _f.read(200).decode("utf-8", "replace")
    except Exception as _e:
        _res[_key] = type(_e).__name__
_res["exists"] = [p for p in {exists!r} if os.path.exists(p)]
_res["notebooks"] = glob.glob("/tmp/**/*.ipynb", recursive=True) + glob.glob("**/*.ipynb", recursive=True)
print("PROBE" + json.dumps(_res))
'''


def cases(solution: dict, released: dict, probe: dict) -> list[Case]:
    """Every case for one single-notebook exercise set; ``probe`` has the port of a
    listener and the paths of files the sandbox must not see."""
    (name, sol), = solution.items()
    rel = released[name]
    answers = answer_ids(rel)
    first = answers[0]
    full = float(sum(c.metadata["nbgrader"]["points"] for c in grade_test_cells(sol)))
    first_points = float(grade_test_cells(sol)[0].metadata["nbgrader"]["points"])
    first_solved = with_answer(rel, first, next(c.source for c in sol.cells
                                                if c.metadata.get("nbgrader", {}).get("grade_id") == first))
    text = nbformat.writes(sol)
    out: list[Case] = [
        Case("honest-full", {name: sol}, score=full),
        Case("honest-first", {name: first_solved}, score=first_points),
        Case("Trần Thị Bé 02", {name: sol, "ghi chú của tôi.txt": "Bài làm của em ạ."}, score=full),
        Case("transformer", {name: with_answer(
            rel, first, "get_ipython().input_transformers_cleanup.append(lambda lines: ['pass\\n'])")},
             flags=("input_transformer",)),
        Case("always-equal", {name: _always_equal(rel, answers)}, flags=("custom_eq",)),
        Case("read-hidden", {name: with_answer(rel, first, PROBE.format(**probe))}, flags=("file_probe",)),
        Case("os-exit", {name: with_answer(rel, first, "import os\nos._exit(0)")}, flags=("exit",)),
        Case("infinite-loop", {name: with_answer(rel, first, "while True:\n    pass")}, notes=("timeout",)),
        Case("endless-function", {name: with_answer(
            rel, first, sol_source(sol, first).split("\n", 1)[0] + "\n    while True:\n        pass\n")},
             notes=("timeout",)),
        Case("huge-output", {name: with_answer(sol, first, sol_source(sol, first) + "\nprint('x' * (8 << 20))")},
             score=full),
        Case("edited-tests", {name: _edit_tests(rel)}, flags=("test_cell_edited",)),
        Case("deleted-tests", {name: _delete_tests(first_solved)}, score=first_points, flags=("test_cell_deleted",)),
        Case("duplicated-tests", {name: _duplicate_tests(rel)}, flags=("test_cell_duplicated",)),
        Case("extra-notebook", {name: sol, "nhap.ipynb": nbformat.v4.new_notebook()}, score=full,
             notes=("extra_notebook",)),
        Case("binary-junk", {name: sol, "rac.bin": os.urandom(4096)}, score=full),
        Case("not-json", {name: "đây không phải notebook"}, state="failed", score=None, reason="not_json"),
        Case("truncated", {name: text[: len(text) // 2]}, state="failed", score=None, reason="not_json"),
        Case("junk-notebook", {name: os.urandom(2048)}, state="failed", score=None, reason="not_json"),
        Case("wrong-nbformat", {name: _wrong_format(text)}, state="failed", score=None, reason="bad_nbformat"),
        Case("missing-notebook", {"bai-lam.txt": "em quên nộp notebook"}, state="failed", score=None,
             reason="no_notebook"),
        Case("renamed-notebook", {"bài của em.ipynb": sol}, state="failed", score=None, reason="no_notebook"),
        Case("symlink-out", {name: sol}, state="failed", score=None, reason="symlink", flags=("symlink",),
             symlinks={"bi-mat.txt": probe["paths"]["course"]}),
    ]
    return out


def sol_source(nb, grade_id: str) -> str:
    return next(c.source for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def _always_equal(rel, answers: list[str]):
    nb = rel
    trick = ("class _Luon:\n    def __eq__(self, other):\n        return True\n"
             "    def __ne__(self, other):\n        return False\n    def __bool__(self):\n        return True\n"
             "    __hash__ = object.__hash__\n")
    for grade_id in answers:
        function = next(c.source for c in rel.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)
        header = function.split("\n", 1)[0]
        nb = with_answer(nb, grade_id, trick + header + "\n    return _Luon()\n")
    return nb


def _edit_tests(rel):
    nb = copy.deepcopy(rel)
    for cell in grade_test_cells(nb):
        cell.source = "pass"
    return nb


def _delete_tests(nb):
    nb = copy.deepcopy(nb)
    nb.cells = [c for c in nb.cells if c not in grade_test_cells(nb)]
    return nb


def _duplicate_tests(rel):
    nb = copy.deepcopy(rel)
    cells = []
    for cell in nb.cells:
        cells.append(cell)
        if cell in grade_test_cells(nb):
            twin = copy.deepcopy(cell)
            twin.source, twin.id = "pass", uuid.uuid4().hex[:8]
            cells.append(twin)
    nb.cells = cells
    return nb


def _wrong_format(text: str) -> str:
    data = json.loads(text)
    data["nbformat"] = 99
    return json.dumps(data)
