"""The trainee self-check ``kiem_tra`` in a real kernel, and in the exercise notebooks."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
import pytest
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from tests.servers import PROJECT, project_env

SOURCE = PROJECT / "exercises" / "source"
EXERCISES = sorted(SOURCE.glob("*/*.ipynb"))


def grade_meta(grade_id: str, *, grade: bool, solution: bool, points: float = 0) -> dict:
    return {"nbgrader": {"grade_id": grade_id, "grade": grade, "solution": solution, "locked": not solution,
                         "points": points, "schema_version": 3, "task": False}}


def practice_notebook() -> nbformat.NotebookNode:
    """Answers: cau_1 right, cau_2 wrong, cau_3 never defined, cau_4 still the stub, cau_5 crashes."""
    cells = [new_markdown_cell("# Bài luyện")]
    answers = {
        "cau_1": "def cong(a, b):\n    return a + b",
        "cau_2": "def nhan(a, b):\n    return a + b",
        "cau_3": "x = 1",
        "cau_4": "def tru(a, b):\n    raise NotImplementedError()",
        "cau_5": "def chia(a, b):\n    return a / 0",
    }
    tests = {
        "cau_1": 'assert cong(1, 2) == 3, "1 + 2 phải bằng 3."\nassert cong(0, 0) == 0, "0 + 0 phải bằng 0."\n'
                 '### BEGIN HIDDEN TESTS\nassert False, "bài kiểm tra ẩn không được chạy"\n### END HIDDEN TESTS',
        "cau_2": 'assert nhan(2, 2) == 4, "2 × 2 phải bằng 4."\nassert nhan(2, 3) == 6, "2 × 3 phải bằng 6, không phải 5."',
        "cau_3": 'assert chao("Lan") == "Xin chào Lan", "phải chào đúng tên."',
        "cau_4": 'assert tru(3, 1) == 2, "3 − 1 phải bằng 2."',
        "cau_5": 'assert chia(6, 3) == 2, "6 : 3 phải bằng 2."',
    }
    cells.append(new_code_cell("from kynangso.grading.selfcheck import kiem_tra"))
    for gid, answer in answers.items():
        cells.append(new_code_cell(answer, metadata=grade_meta(gid, grade=False, solution=True)))
        cells.append(new_code_cell(f'ket_qua_{gid} = kiem_tra("{gid}")'))
        cells.append(new_code_cell(tests[gid], metadata=grade_meta(f"{gid}_kiem_tra", grade=True, solution=False,
                                                                   points=1)))
    cells.append(new_code_cell('khong_co = kiem_tra("cau_9")'))
    cells.append(new_code_cell('print("dem_con_sot:", "__kiem_tra_dem__" in globals())'))
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def run_in_kernel(nb: nbformat.NotebookNode, cwd: Path, session: str | None,
                  allow_errors: bool = False) -> nbformat.NotebookNode:
    """Execute ``nb`` in a fresh kernel started as jupyter_server would, in ``cwd``."""
    env = project_env()
    env.pop("JPY_SESSION_NAME", None)
    if session:
        env["JPY_SESSION_NAME"] = session
    # IPC sockets, not TCP ports: no port clash with the other kernels on a busy machine.
    sockets = Path(tempfile.mkdtemp(prefix="kt-"))
    km = AsyncKernelManager(kernel_name="python3", transport="ipc", ip=str(sockets / "k"))
    client = NotebookClient(nb, km=km, timeout=120, kernel_name="python3", allow_errors=allow_errors,
                            resources={"metadata": {"path": str(cwd)}})
    try:
        client.execute(env=env)
    finally:
        shutil.rmtree(sockets, ignore_errors=True)
    return nb


def text_of(cell) -> str:
    return "".join(o.get("text", "") for o in cell.get("outputs", []) if o.output_type == "stream")


def selfcheck_lines(nb) -> dict[str, str]:
    """kiem_tra's printed line for every cell that called it, by question."""
    lines = {}
    for cell in nb.cells:
        if cell.cell_type == "code" and "kiem_tra(" in cell.source and "import" not in cell.source:
            question = cell.source.split('kiem_tra("')[1].split('"')[0]
            assert not [o for o in cell.outputs if o.output_type == "error"], f"kiem_tra raised: {cell.outputs}"
            lines[question] = text_of(cell).strip()
    return lines


def test_kiem_tra_in_a_real_kernel(tmp_path):
    nb = practice_notebook()
    path = tmp_path / "bai-luyen.ipynb"
    nbformat.write(nb, path)
    # A second notebook in the folder: only the session name can tell which one is open.
    nbformat.write(new_notebook(), tmp_path / "ghi-chu.ipynb")
    # The test cells themselves fail for the wrong answers, as in a trainee's notebook.
    done = run_in_kernel(nb, tmp_path, session=str(path), allow_errors=True)
    lines = selfcheck_lines(done)
    assert lines["cau_1"].startswith("✅") and "đạt 2 bài kiểm tra" in lines["cau_1"], lines["cau_1"]
    assert lines["cau_2"] == "❌ Câu 2: 2 × 3 phải bằng 6, không phải 5."
    assert lines["cau_3"].startswith("❌") and "chưa có «chao»" in lines["cau_3"], lines["cau_3"]
    assert lines["cau_4"].startswith("❌") and "chưa làm xong" in lines["cau_4"], lines["cau_4"]
    assert lines["cau_5"].startswith("⚠️") and "ZeroDivisionError" in lines["cau_5"], lines["cau_5"]
    assert "Không tìm thấy bài kiểm tra nào cho «cau_9»" in lines["cau_9"]
    everything = "".join(text_of(c) for c in done.cells)
    assert "Traceback" not in everything and "bài kiểm tra ẩn" not in everything
    assert "dem_con_sot: False" in everything
    results = new_code_cell('print([ket_qua_cau_1, ket_qua_cau_2, ket_qua_cau_3, ket_qua_cau_4, ket_qua_cau_5, khong_co])')
    done.cells.append(results)
    # A relative session name (jupyter_server's form when the kernel's folder is the root) also works.
    run_in_kernel(done, tmp_path, session="bai-luyen.ipynb", allow_errors=True)
    assert text_of(done.cells[-1]).strip() == "[True, False, False, False, False, False]"


def test_kiem_tra_without_a_notebook_says_so_and_returns_false(tmp_path):
    nb = new_notebook(cells=[new_code_cell("from kynangso.grading.selfcheck import kiem_tra\n"
                                           "print('ket_qua:', kiem_tra('cau_1'))")])
    done = run_in_kernel(nb, tmp_path, session=None)  # allow_errors=False: raising would fail here
    out = text_of(done.cells[0])
    assert "Không xác định được notebook đang mở" in out and "ket_qua: False" in out, out


def test_kiem_tra_outside_ipython_uses_the_callers_globals(tmp_path):
    """Plain Python (as a script would run it): the only notebook in the folder, the caller's globals."""
    nbformat.write(practice_notebook(), tmp_path / "bai-luyen.ipynb")
    script = ("from kynangso.grading.selfcheck import kiem_tra\n"
              "def nhan(a, b):\n    return a * b\n"
              "print('ket_qua:', kiem_tra('cau_2'), kiem_tra('cau_1'))\n")
    env = project_env()
    env.pop("JPY_SESSION_NAME", None)
    result = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "✅ Câu 2: đạt 2 bài kiểm tra" in result.stdout
    assert "chưa có «cong»" in result.stdout and "ket_qua: True False" in result.stdout, result.stdout


def autograded_answers(nb) -> list[str]:
    ids = {c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells}
    return [c.metadata["nbgrader"]["grade_id"] for c in nb.cells
            if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")
            and not c.metadata["nbgrader"].get("grade") and f"{c.metadata['nbgrader']['grade_id']}_kiem_tra" in ids]


@pytest.mark.parametrize("path", EXERCISES, ids=[p.parent.name for p in EXERCISES])
def test_every_exercise_answer_has_a_self_check_that_passes_on_the_solution(tmp_path, path):
    nb = nbformat.read(path, as_version=4)
    imports = [i for i, c in enumerate(nb.cells) if "from kynangso.grading.selfcheck import kiem_tra" in c.source]
    assert imports and imports[0] <= 2 and "nbgrader" not in nb.cells[imports[0]].metadata
    answers = autograded_answers(nb)
    assert answers
    for gid in answers:
        index = next(i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == gid)
        prompt, call = nb.cells[index + 1], nb.cells[index + 2]
        assert prompt.cell_type == "markdown" and "tự kiểm tra" in prompt.source
        assert call.cell_type == "code" and call.source == f'kiem_tra("{gid}")' and "nbgrader" not in call.metadata
    # The instructor's version is the solution: every self-check passes in a real kernel.
    copy = tmp_path / path.name
    copy.write_bytes(path.read_bytes())
    for extra in path.parent.iterdir():
        if extra.suffix != ".ipynb" and extra.is_file():
            (tmp_path / extra.name).write_bytes(extra.read_bytes())
    done = run_in_kernel(nb, tmp_path, session=str(copy))
    lines = selfcheck_lines(done)
    assert set(lines) == set(answers)
    failing = {q: line for q, line in lines.items() if not line.startswith(f"✅ Câu {q.split('_')[1]}:")}
    assert not failing, failing
