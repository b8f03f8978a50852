"""A small nbgrader course in a temporary folder, with its own exchange and cache.

One assignment, ``bai-thu``, with four autograded questions that fail in four different
ways for a wrong submission (a Vietnamese assert message, a NameError, an assert without
a message, another exception) and one manually graded answer.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from tests.servers import project_env

ASSIGNMENT = "bai-thu"
NOTEBOOK = "bai-thu"

# Messages the tests look for in the feedback.
MSG_CAU_1 = "cong(1, 2) phải bằng 3: hãy cộng hai số."
MSG_CAU_4 = "chia(6, 3) phải bằng 2."
HTML_TRAP = "<script>alert('xss')</script>"

CONFIG = '''
import os
c = get_config()
here = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.root = here
c.CourseDirectory.course_id = "khoa-thu"
c.Exchange.root = os.path.join(os.path.dirname(here), "exchange")
c.Exchange.cache = os.path.join(os.path.dirname(here), "cache")
c.Exchange.assignment_dir = os.path.join(os.path.dirname(here), "hoc-vien")
os.makedirs(c.Exchange.assignment_dir, exist_ok=True)
c.ExecutePreprocessor.timeout = 30
c.LateSubmissionPlugin.penalty_method = "zero"
# nbgrader's own remedy for the rare kernel port clash when many kernels start at once.
c.Execute.execute_retries = 2
'''


# The trainee's side: same exchange and course id, fetched work in the current folder.
TRAINEE_CONFIG = '''
import os
c = get_config()
here = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.course_id = "khoa-thu"
c.Exchange.root = os.path.join(os.path.dirname(here), "exchange")
c.Exchange.cache = os.path.join(os.path.dirname(here), "cache")
'''


def _meta(grade_id: str, *, grade: bool, solution: bool, locked: bool, points: float | None = None) -> dict:
    meta = {"grade_id": grade_id, "grade": grade, "solution": solution, "locked": locked,
            "schema_version": 3, "task": False}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def source_notebook() -> nbformat.NotebookNode:
    cells = [
        new_markdown_cell("# Bài thử\n\nBốn câu chấm tự động và một câu giảng viên chấm."),
        new_code_cell("from kynangso.grading.selfcheck import kiem_tra"),
        new_markdown_cell("## Câu 1. Cộng hai số (2 điểm)"),
        new_code_cell("def cong(a, b):\n    ### BEGIN SOLUTION\n    return a + b\n    ### END SOLUTION",
                      metadata=_meta("cau_1", grade=False, solution=True, locked=False)),
        new_code_cell(f"assert cong(2, 2) == 4, \"cong(2, 2) phải bằng 4.\"\nassert cong(1, 2) == 3, \"{MSG_CAU_1}\"\n"
                      "### BEGIN HIDDEN TESTS\nassert cong(-1, 1) == 0, \"cong(-1, 1) phải bằng 0.\"\n### END HIDDEN TESTS",
                      metadata=_meta("cau_1_kiem_tra", grade=True, solution=False, locked=True, points=2)),
        new_markdown_cell("## Câu 2. Lời chào (2 điểm)"),
        new_code_cell("def chao(ten):\n    ### BEGIN SOLUTION\n    return \"Xin chào \" + ten\n    ### END SOLUTION",
                      metadata=_meta("cau_2", grade=False, solution=True, locked=False)),
        new_code_cell("assert chao(\"Lan\") == \"Xin chào Lan\", \"chao(\\\"Lan\\\") phải trả về «Xin chào Lan».\"",
                      metadata=_meta("cau_2_kiem_tra", grade=True, solution=False, locked=True, points=2)),
        new_markdown_cell("## Câu 3. Gấp đôi (1 điểm)"),
        new_code_cell("def gap_doi(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION",
                      metadata=_meta("cau_3", grade=False, solution=True, locked=False)),
        new_code_cell("assert gap_doi(2) == 4",
                      metadata=_meta("cau_3_kiem_tra", grade=True, solution=False, locked=True, points=1)),
        new_markdown_cell("## Câu 4. Chia (1 điểm)"),
        new_code_cell("def chia(a, b):\n    ### BEGIN SOLUTION\n    return a // b\n    ### END SOLUTION",
                      metadata=_meta("cau_4", grade=False, solution=True, locked=False)),
        new_code_cell(f"assert chia(6, 3) == 2, \"{MSG_CAU_4}\"",
                      metadata=_meta("cau_4_kiem_tra", grade=True, solution=False, locked=True, points=1)),
        new_markdown_cell("## Câu 5. Lời khuyên (3 điểm, giảng viên chấm)"),
        new_markdown_cell("Gọi tổng đài ngân hàng.",
                          metadata=_meta("cau_5", grade=True, solution=True, locked=False, points=3)),
    ]
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    return nb


# What a trainee who got everything wrong typed into each answer cell.
WRONG_ANSWERS = {
    "cau_1": f"def cong(a, b):\n    print(\"{HTML_TRAP}\")\n    return a * b",
    "cau_2": "def chao_hoi(ten):\n    return \"Xin chào \" + ten",
    "cau_3": "def gap_doi(x):\n    return 3 * x",
    "cau_4": f"def chia(a, b):\n    return {{}}[\"{HTML_TRAP}\"]",
    "cau_5": "Không biết.",
}


def answered(released: Path, answers: dict[str, str]) -> nbformat.NotebookNode:
    """The released notebook with some answer cells filled in."""
    nb = nbformat.read(released, as_version=4)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
    return nb


def nbgrader(cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(["nbgrader", *args], cwd=cwd, env=project_env(), capture_output=True,
                            text=True, timeout=600)
    if check:
        assert result.returncode == 0, f"nbgrader {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
    return result


def kynangso(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    from tests.servers import VENV_BIN

    return subprocess.run([str(VENV_BIN / "kynangso"), *args], cwd=cwd, env=project_env(),
                          capture_output=True, text=True, timeout=600)


def make_course(tmp: Path) -> Path:
    """A generated (not yet released) course at ``tmp/khoa``; the trainee works in ``tmp/hoc-vien``."""
    course = tmp / "khoa"
    (course / "source" / ASSIGNMENT).mkdir(parents=True)
    (course / "nbgrader_config.py").write_text(CONFIG, "utf-8")
    nbformat.write(source_notebook(), course / "source" / ASSIGNMENT / f"{NOTEBOOK}.ipynb")
    (tmp / "hoc-vien").mkdir(exist_ok=True)
    (tmp / "hoc-vien" / "nbgrader_config.py").write_text(TRAINEE_CONFIG, "utf-8")
    nbgrader(course, "generate_assignment", ASSIGNMENT, "--force")
    return course


def place_submission(course: Path, student: str, nb_or_bytes, timestamp: str | None = None) -> Path:
    """A submission put straight into ``submitted/`` (as ``nbgrader collect`` would)."""
    folder = course / "submitted" / student / ASSIGNMENT
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    target = folder / f"{NOTEBOOK}.ipynb"
    if isinstance(nb_or_bytes, bytes):
        target.write_bytes(nb_or_bytes)
    else:
        nbformat.write(nb_or_bytes, target)
    if timestamp:
        (folder / "timestamp.txt").write_text(timestamp)
    return folder
