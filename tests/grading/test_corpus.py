"""Malicious and malformed submissions, graded in one real `kynangso grade` run.

Each ends in exactly one state (graded, or failed with a Vietnamese reason), earns no
mark it did not deserve, gets flagged when it tampers, and never stops the batch. The
same run proves the sandbox's isolation from inside a graded submission: no network,
no course or home files, an unprivileged uid.
"""

from __future__ import annotations

import json
import os
import socket
import uuid
from pathlib import Path

import nbformat
import pytest

from kynangso.grading import bench
from kynangso.grading.report import note_text, reason_text

from .conftest import CORPUS_SET, records
from .corpus import cases

pytestmark = pytest.mark.nbgrader
VIETNAMESE = set("ăâđêôơư" "àáảãạằắẳẵặầấẩẫậ" "èéẻẽẹềếểễệ" "ìíỉĩị" "òóỏõọồốổỗộờớởỡợ" "ùúủũụừứửữự" "ỳýỷỹỵ")


@pytest.fixture(scope="module")
def graded(generated, tmp_path_factory):
    """The corpus submitted to one course and graded by one `kynangso grade` run."""
    course = bench.clone_course(generated, tmp_path_factory.mktemp("corpus") / "exercises")
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.setblocking(False)
    secret = uuid.uuid4().hex
    home_secret = Path.home() / f".kynangso-test-secret-{secret}.txt"
    course_secret = course / "bi-mat-cua-giang-vien.txt"
    for path in (home_secret, course_secret):
        path.write_text(secret, "utf-8")
    probe = {
        "port": listener.getsockname()[1],
        "paths": {"course": str(course_secret), "home": str(home_secret),
                  "gradebook": str(course / "gradebook.db"),
                  "hidden": str(course / "source" / CORPUS_SET / f"bai-tap-{CORPUS_SET}.ipynb")},
        "exists": [str(course), str(course / "source"), str(course / "gradebook.db"), str(course / "submitted"),
                   str(bench.EXERCISES), str(bench.PROJECT / "README.md"), str(home_secret)],
    }
    corpus = cases(bench.notebooks(course, "source", CORPUS_SET), bench.notebooks(course, "release", CORPUS_SET),
                   probe)
    for case in corpus:
        folder = bench.submit(course, case.student, CORPUS_SET, case.files)
        for name, target in case.symlinks.items():
            os.symlink(target, folder / name)
    try:
        result = bench.kynangso_grade(course, CORPUS_SET, "--timeout", "4", "--workers", "2")
        try:
            connection, _ = listener.accept()
            connection.close()
            reached = True
        except BlockingIOError:
            reached = False
    finally:
        listener.close()
        home_secret.unlink()
    yield {"course": course, "result": result, "cases": corpus, "records": records(course, CORPUS_SET),
           "secret": secret, "reached": reached}


def test_the_batch_goes_on_and_every_submission_ends_in_one_state(graded):
    result, found = graded["result"], graded["records"]
    assert result.returncode == 1, result.stderr[-2000:]  # some failed, none stopped the run
    assert set(found) == {case.student for case in graded["cases"]}
    for case in graded["cases"]:
        record = found[case.student]
        assert record["state"] == case.state, (case.student, record)
        if case.state == "failed":
            text = reason_text(record["reason"])
            assert text and set(text.lower()) & VIETNAMESE, (case.student, text)
            if case.reason:
                assert record["reason"]["key"] == case.reason, (case.student, record["reason"])
    assert "SAWarning" not in result.stderr and "Traceback" not in result.stderr, result.stderr[-2000:]
    assert "KẾT QUẢ CHẤM BÀI" in result.stdout


def test_no_submission_gets_marks_it_did_not_earn(graded):
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{graded['course'] / 'gradebook.db'}") as gb:
        for case in graded["cases"]:
            if case.state != "graded":
                continue
            record = graded["records"][case.student]
            score = gb.find_submission(CORPUS_SET, case.student).score
            assert score == record["score"], case.student
            assert score == pytest.approx(case.score), (case.student, score, case.score, record["notes"])


@pytest.mark.parametrize("kind", ["flags", "notes"])
def test_tampering_is_flagged_with_a_reason_and_honest_work_is_not(graded, kind):
    for case in graded["cases"]:
        record = graded["records"][case.student]
        flagged = {f["reason"] for f in record.get("flags", [])}
        noted = {n["reason"] for n in record.get("notes", [])}
        if kind == "flags":
            assert set(case.flags) <= flagged, (case.student, record["notes"])
            if not case.flags and case.state == "graded":
                assert not flagged, (case.student, record["flags"])
            for flag in record.get("flags", []):
                assert set(note_text(flag).lower()) & VIETNAMESE
        else:
            assert set(case.notes) <= noted, (case.student, record["notes"])


def test_flagged_submissions_are_listed_in_the_summary(graded):
    stdout = graded["result"].stdout
    for case in graded["cases"]:
        if case.flags:
            assert case.student in stdout


def _probe_output(graded) -> dict:
    path = graded["course"] / "autograded" / "read-hidden" / CORPUS_SET / f"bai-tap-{CORPUS_SET}.ipynb"
    for cell in nbformat.read(path, as_version=4).cells:
        for output in cell.get("outputs", []):
            text = output.get("text", "")
            if text.startswith("PROBE"):
                return json.loads(text[len("PROBE"):].splitlines()[0])
    raise AssertionError("the probe printed nothing")


def test_sandbox_has_no_network(graded):
    probe = _probe_output(graded)
    assert probe["net"] != "connected" and not graded["reached"], probe


def test_sandbox_sees_no_course_or_home_files(graded):
    probe = _probe_output(graded)
    for key in ("course", "home", "gradebook", "hidden"):
        assert not str(probe[key]).startswith("READ:"), (key, probe[key])
        assert graded["secret"] not in str(probe[key])
    assert probe["exists"] == [] and probe["notebooks"] == [], probe


def test_sandbox_runs_as_an_unprivileged_uid(graded):
    probe = _probe_output(graded)
    assert probe["uid"] != 0 and probe["uid"] != os.getuid() and probe["uid"] >= 1000, probe
    assert probe["gid"] != 0, probe

