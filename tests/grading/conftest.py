"""Shared, generated-once courses for the grading tests (real nbgrader, real sandbox)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kynangso.grading import bench

ASSIGNMENTS = sorted(p.name for p in (bench.EXERCISES / "source").iterdir() if p.is_dir())
CORPUS_SET = "an-toan-so"  # the quickest of our sets: the corpus and resumption tests use it


@pytest.fixture(scope="session")
def quickstart_started(tmp_path_factory):
    """`nbgrader quickstart` (about 20 s, single-threaded), started in the background so
    it overlaps with generating our own course."""
    root = tmp_path_factory.mktemp("quickstart")
    nbgrader = os.path.join(os.path.dirname(sys.executable), "nbgrader")
    process = subprocess.Popen([nbgrader, "quickstart", "quickstart"], cwd=root, env=bench.tool_env(),
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    yield process, root / "quickstart"
    if process.poll() is None:
        process.kill()
    process.communicate()


@pytest.fixture(scope="session")
def generated(tmp_path_factory, quickstart_started) -> Path:
    """Our course with every exercise set generated; tests clone it, never change it."""
    if shutil.which("bwrap") is None:
        pytest.fail("Thiếu bubblewrap (/usr/bin/bwrap): chạy `make test` với quyền root để cài.")
    return bench.make_course(tmp_path_factory.mktemp("generated") / "exercises", ASSIGNMENTS)


@pytest.fixture(scope="session")
def quickstart(quickstart_started) -> Path:
    process, course = quickstart_started
    output, _ = process.communicate(timeout=600)
    assert process.returncode == 0, output[-2000:]
    return course


def records(course: Path, assignment: str) -> dict[str, dict]:
    folder = course / ".kynangso" / "grading" / assignment
    found = {}
    for path in folder.glob("*.json"):
        record = json.loads(path.read_text("utf-8"))
        assert record["student"] not in found, f"two records for {record['student']}"
        found[record["student"]] = record
    return found
