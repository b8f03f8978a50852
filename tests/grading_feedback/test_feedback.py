"""`kynangso feedback` and `kynangso export` on a real course, graded by the real tools.

Feedback goes the trainee's usual way: release, fetch, submit and collect through an
nbgrader exchange inside the temporary folder, `nbgrader autograde`, then
`kynangso feedback`, `nbgrader release_feedback` and, as the trainee, `fetch_feedback`.
The export is checked against the gradebook after `kynangso grade`, with a submission
that cannot be graded and one flagged for tampering.
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import nbformat
import pytest

from tests.grading_feedback import builder as b

pytestmark = pytest.mark.nbgrader
TRAINEE = "hv01"


@pytest.fixture(scope="module")
def exchange_course(tmp_path_factory) -> dict:
    """A course whose trainee fetched, answered wrongly and submitted through the exchange;
    graded by `nbgrader autograde`; feedback written, released and fetched back."""
    tmp = tmp_path_factory.mktemp("exchange")
    course = b.make_course(tmp)
    trainee = tmp / "hoc-vien"
    b.nbgrader(course, "release_assignment", b.ASSIGNMENT)
    b.nbgrader(trainee, "fetch_assignment", b.ASSIGNMENT)
    fetched = trainee / b.ASSIGNMENT / f"{b.NOTEBOOK}.ipynb"
    nbformat.write(b.answered(fetched, b.WRONG_ANSWERS), fetched)
    b.nbgrader(trainee, "submit", b.ASSIGNMENT, "--student", TRAINEE)
    b.nbgrader(course, "collect", b.ASSIGNMENT)
    b.nbgrader(course, "autograde", b.ASSIGNMENT)
    result = b.kynangso("feedback", b.ASSIGNMENT, "--course", str(course))
    assert result.returncode == 0, result.stderr
    assert "Đã viết nhận xét cho 1 học viên" in result.stdout
    b.nbgrader(course, "release_feedback", b.ASSIGNMENT)
    b.nbgrader(trainee, "fetch_feedback", b.ASSIGNMENT, "--student", TRAINEE)
    pages = sorted(trainee.glob(f"{b.ASSIGNMENT}/feedback/*/{b.NOTEBOOK}.html"))
    return {"course": course, "trainee": trainee, "pages": pages}


def test_trainee_fetches_vietnamese_feedback_without_tracebacks(exchange_course):
    pages = exchange_course["pages"]
    assert len(pages) == 1, "fetch_feedback brought back no feedback page"
    page = pages[0].read_text("utf-8")
    assert '<html lang="vi">' in page
    assert "Tổng điểm: 0 / 9" in page
    assert f"Yêu cầu chưa đạt: {b.MSG_CAU_1}" in page  # the test's own message, as what was expected
    assert "Bộ chấm không tìm thấy «chao»" in page  # NameError hint
    assert "Kết quả chưa đúng với yêu cầu của bài kiểm tra." in page  # assert without a message
    assert "gặp lỗi KeyError" in page  # any other exception
    assert "Chờ giảng viên chấm" in page  # the manually graded answer
    assert "Traceback" not in page and "AssertionError" not in page
    assert "<script" not in page and "http://" not in page and "https://" not in page


def test_tracebacks_only_when_asked_and_escaped(exchange_course):
    course = exchange_course["course"]
    result = b.kynangso("feedback", b.ASSIGNMENT, "--course", str(course), "--tracebacks")
    assert result.returncode == 0, result.stderr
    page = (course / "feedback" / TRAINEE / b.ASSIGNMENT / f"{b.NOTEBOOK}.html").read_text("utf-8")
    assert "Chi tiết kỹ thuật" in page and "Traceback" in page and "KeyError" in page
    assert "&lt;script&gt;alert(" in page  # the student's text, shown as text
    assert "<script" not in page and "\x1b[" not in page


@pytest.mark.browser
def test_feedback_page_reads_well_on_a_phone(exchange_course, phone_page):
    page, seen = phone_page
    page.set_content(exchange_course["pages"][0].read_text("utf-8"))
    assert page.evaluate("document.documentElement.lang") == "vi"
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= 390, f"horizontal overflow: {width}px"
    assert page.get_by_text(b.MSG_CAU_1).count() == 1
    size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.hint')).fontSize)")
    assert size >= 14
    seen.assert_clean()


# --------------------------------------------------------------- kynangso grade + export

@pytest.fixture(scope="module")
def graded_course(tmp_path_factory) -> Path:
    """Five submissions placed in submitted/ and graded by `kynangso grade`: right, right but
    late, wrong, not a notebook at all, and one that tries the input-transformer trick."""
    from datetime import datetime, timezone

    from nbgrader.api import Gradebook

    course = b.make_course(tmp_path_factory.mktemp("graded"))
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        gb.update_or_create_assignment(b.ASSIGNMENT, duedate=datetime(2026, 1, 10, 17, tzinfo=timezone.utc))
    released = course / "release" / b.ASSIGNMENT / f"{b.NOTEBOOK}.ipynb"
    solution = nbformat.read(course / "source" / b.ASSIGNMENT / f"{b.NOTEBOOK}.ipynb", 4)
    b.place_submission(course, "hv_dung", solution, timestamp="2026-01-09 08:00:00.000000 UTC")
    b.place_submission(course, "hv_muon", solution, timestamp="2026-01-12 08:00:00.000000 UTC")
    b.place_submission(course, "hv_sai", b.answered(released, b.WRONG_ANSWERS))
    b.place_submission(course, "hv_hong", b'{"cells": [ cut off')
    trick = ("get_ipython().input_transformers_cleanup.append(lambda lines: ['pass\\n'])\n"
             "def cong(a, b):\n    return 0")
    b.place_submission(course, "Trần Thị Gian", b.answered(released, {"cau_1": trick}))
    result = b.kynangso("grade", b.ASSIGNMENT, "--course", str(course), "--unsafe")
    assert result.returncode in (0, 1), result.stderr
    return course


def gradebook_view(course: Path) -> dict:
    from nbgrader.api import Gradebook

    view = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for submission in gb.find_assignment(b.ASSIGNMENT).submissions:
            grades = {g.name: g.score for nb in submission.notebooks for g in nb.grades}
            view[submission.student.id] = {"total": submission.score, "grades": grades,
                                           "manual": submission.needs_manual_grade}
    return view


def test_export_csv_and_excel_match_the_gradebook(graded_course, tmp_path):
    import pandas as pd

    out = tmp_path / "bang diem"
    result = b.kynangso("export", b.ASSIGNMENT, "--course", str(graded_course), "--output", str(out))
    assert result.returncode == 0, result.stderr
    csv_path, xlsx_path = out / f"{b.ASSIGNMENT}-bang-diem.csv", out / f"{b.ASSIGNMENT}-bang-diem.xlsx"
    assert csv_path.read_bytes().startswith(b"\xef\xbb\xbf"), "Excel needs the UTF-8 BOM to show Vietnamese"
    view = gradebook_view(graded_course)
    assert {"hv_dung", "hv_sai"} <= set(view)
    for frame in (pd.read_csv(csv_path, encoding="utf-8-sig", dtype={"Mã học viên": str}), pd.read_excel(xlsx_path)):
        rows = {r["Mã học viên"]: r for r in frame.to_dict("records")}
        assert set(rows) == {"hv_dung", "hv_muon", "hv_sai", "hv_hong", "Trần Thị Gian"}
        assert list(frame.columns[:4]) == ["Mã học viên", "Họ", "Tên", "cau_1_kiem_tra (tối đa 2)"]
        for student in ("hv_dung", "hv_sai"):
            row = rows[student]
            assert row["Tổng điểm"] == view[student]["total"]
            assert row["Điểm tối đa"] == 9
            for gid in ("cau_1_kiem_tra", "cau_2_kiem_tra", "cau_3_kiem_tra", "cau_4_kiem_tra"):
                column = next(c for c in frame.columns if c.startswith(gid + " "))
                assert row[column] == view[student]["grades"][gid]
            assert row["Trạng thái"] == "Đã chấm" and row["Nghi gian lận"] == "Không"
            assert row["Cần chấm tay"] == ("Có" if view[student]["manual"] else "Không")
            assert row["Nộp muộn"] == "Không"
        assert rows["hv_dung"]["Tổng điểm"] == 6 and rows["hv_sai"]["Tổng điểm"] == 0
        late = rows["hv_muon"]  # right answers, two days late, penalty "zero"
        assert late["Nộp muộn"] == "Có" and late["Tổng điểm"] == view["hv_muon"]["total"] == 6
        assert late["Điểm trừ nộp muộn"] == 6 and late["Điểm sau khi trừ nộp muộn"] == 0
        assert rows["hv_dung"]["Điểm sau khi trừ nộp muộn"] == 6
        broken = rows["hv_hong"]
        assert broken["Trạng thái"] == "Không chấm được"
        assert "không phải notebook hợp lệ" in broken["Lý do không chấm được"]
        assert isinstance(broken["Tổng điểm"], float) and math.isnan(broken["Tổng điểm"])
        flagged = rows["Trần Thị Gian"]
        assert flagged["Nghi gian lận"] == "Có"
        assert "bộ biến đổi mã của IPython" in flagged["Lý do nghi gian lận"]
        assert flagged["Tổng điểm"] == view["Trần Thị Gian"]["total"] == 0


def test_feedback_after_kynangso_grade_explains_an_ungradable_submission(graded_course):
    result = b.kynangso("feedback", b.ASSIGNMENT, "--course", str(graded_course))
    assert result.returncode == 0, result.stderr
    feedback = graded_course / "feedback"
    broken = (feedback / "hv_hong" / b.ASSIGNMENT / f"{b.NOTEBOOK}.html").read_text("utf-8")
    assert "Bài chưa được chấm tự động" in broken and "không phải notebook hợp lệ" in broken
    wrong = (feedback / "hv_sai" / b.ASSIGNMENT / f"{b.NOTEBOOK}.html").read_text("utf-8")
    assert f"Yêu cầu chưa đạt: {b.MSG_CAU_1}" in wrong and "Traceback" not in wrong
    right = (feedback / "hv_dung" / b.ASSIGNMENT / f"{b.NOTEBOOK}.html").read_text("utf-8")
    assert right.count("<p class=\"status\">Đạt</p>") == 4 and "Yêu cầu chưa đạt" not in right
    assert "Nộp muộn" not in right
    late = (feedback / "hv_muon" / b.ASSIGNMENT / f"{b.NOTEBOOK}.html").read_text("utf-8")
    assert "Nộp muộn; điểm trừ: 6" in late


def test_bad_input_gets_a_vietnamese_message_and_writes_nothing(graded_course, tmp_path, capsys):
    from kynangso.cli import main

    def kynangso(*args: str) -> tuple[int, str]:
        code = main(list(args))
        return code, capsys.readouterr().err

    before = sorted(p.relative_to(graded_course) for p in graded_course.rglob("*"))
    for command in ("feedback", "export"):
        code, err = kynangso(command, b.ASSIGNMENT, "--course", str(tmp_path / "khong-co"))
        assert code == 2 and "Không tìm thấy khóa học nbgrader" in err
        extra = ["--output", str(tmp_path / "o")] if command == "export" else []
        code, err = kynangso(command, "bai-khong-co", "--course", str(graded_course), *extra)
        assert code == 2 and "Sổ điểm chưa có bài tập «bai-khong-co»" in err
    empty = tmp_path / "khoa-trong"  # a folder with no gradebook: nothing may be created in it
    empty.mkdir()
    for command in ("feedback", "export"):
        code, err = kynangso(command, b.ASSIGNMENT, "--course", str(empty))
        assert code == 2 and f"Sổ điểm chưa có bài tập «{b.ASSIGNMENT}»" in err
    assert not list(empty.iterdir())
    assert sorted(p.relative_to(graded_course) for p in graded_course.rglob("*")) == before
    assert not (tmp_path / "o").exists()
    blocked = tmp_path / "tep-thuong"
    blocked.write_text("không phải thư mục")
    code, err = kynangso("export", b.ASSIGNMENT, "--course", str(graded_course), "--output", str(blocked))
    assert code == 2 and "Không ghi được tệp" in err


def test_export_lists_roster_students_who_did_not_submit(graded_course, tmp_path, capsys):
    import pandas as pd
    from nbgrader.api import Gradebook

    from kynangso.cli import main

    course = tmp_path / "khoa"  # a copy: the other tests keep their own roster
    shutil.copytree(graded_course, course)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        gb.update_or_create_assignment("bai-chua-nop")
        gb.update_or_create_notebook("bai-chua-nop", "bai-chua-nop")
        gb.update_or_create_student("hv_moi", first_name="Lan", last_name="Nguyễn Thị")
    assert main(["export", "bai-chua-nop", "--course", str(course), "--output", str(tmp_path / "ra")]) == 0
    frame = pd.read_csv(tmp_path / "ra" / "bai-chua-nop-bang-diem.csv", encoding="utf-8-sig")
    rows = {r["Mã học viên"]: r for r in frame.to_dict("records")}
    assert {"hv_moi", "hv_dung", "Trần Thị Gian"} <= set(rows)
    assert {r["Trạng thái"] for r in rows.values()} == {"Chưa nộp"}
    assert (rows["hv_moi"]["Họ"], rows["hv_moi"]["Tên"]) == ("Nguyễn Thị", "Lan")
    assert "Đã xuất bảng điểm" in capsys.readouterr().out
