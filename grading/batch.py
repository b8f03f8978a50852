"""Grade a class: a pool of worker processes, each with its own pair of sandboxes.

Grading tasks are plain functions of (course, assignment, student) -> record, so the
pool could as well be a cluster. Every finished submission leaves an atomic record
beside the gradebook; a rerun skips whatever already has a record for the same files,
so an interrupted run (Ctrl-C, ``kill -9``) resumes without losing or repeating work.
Workers and their sandboxes die with the grader, whatever kills it.
"""

from __future__ import annotations

import ctypes
import glob
import multiprocessing
import os
import signal
import time
import warnings
from dataclasses import dataclass, field
from multiprocessing.connection import wait

from nbgrader.api import Gradebook, MissingEntry
from sqlalchemy.exc import SAWarning

from . import flags
from .course import Course
from .pipeline import (GradingFailure, SandboxedAutograde, check_submission, preload_modules, quiet_logger,
                       source_library)
from .sandbox import Limits, Profile, Sandbox, SandboxUnavailable

_LIBC = ctypes.CDLL(None, use_errno=True)


@dataclass
class Settings:
    workers: int = 0
    unsafe: bool = False
    force: bool = False
    limits: Limits = field(default_factory=Limits)


# --------------------------------------------------------------------- one submission

def grade_student(course: Course, student: str, context: dict, logger) -> dict:
    """Grade one submission; always returns a record, graded or failed with a reason."""
    record = {"student": student, "assignment": course.assignment, "fingerprint": course.fingerprint(student),
              "state": "graded", "reason": None, "notes": [], "score": None, "max_score": None,
              "graded_at": time.time()}
    notes: list[dict] = []
    context["notes"] = notes
    converter = None
    try:
        submission = course.submission_dir(student)
        check_submission(submission)
        present = {os.path.splitext(n)[0] for n in os.listdir(submission) if n.endswith(".ipynb")}
        known = set(context["notebooks"])
        if not present & known:
            raise GradingFailure("no_notebook", found=", ".join(sorted(present)) or "—")
        for name in sorted(known - present):
            notes.append({"reason": "missing_notebook", "detail": f"{name}.ipynb"})
        for name in sorted(present - known):
            notes.append({"reason": "extra_notebook", "detail": f"{name}.ipynb"})
        converter = SandboxedAutograde(context, coursedir=course.coursedir(glob.escape(student)),
                                       config=course.config, log=logger)
        converter.force = True
        converter.start()
        if converter.failure:
            raise converter.failure
    except GradingFailure as failure:
        record.update(state="failed", reason={"key": failure.key, "params": failure.params})
    except Exception as error:  # nbgrader's own NbGraderException and the unexpected
        failure = (converter.failure if converter else None) or GradingFailure(
            "internal", name="", detail=f"{type(error).__name__}: {error}"[:300])
        record.update(state="failed", reason={"key": failure.key, "params": failure.params})
    if record["reason"] and record["reason"]["key"] == "symlink":
        notes.append({"reason": "symlink", "detail": record["reason"]["params"].get("name", "")})
    unique = []
    for note in notes:
        if note not in unique:
            unique.append(note)
    record["notes"] = unique
    record["flags"] = [n for n in unique if flags.is_tampering(n["reason"])]
    if record["state"] == "graded":
        with Gradebook(course.db_url) as gb:
            try:
                submission = gb.find_submission(course.assignment, student)
                record.update(score=submission.score, max_score=submission.max_score,
                              late=submission.total_seconds_late > 0)
            except MissingEntry:
                pass
    return record


def quiet_warnings() -> None:
    """nbgrader's gradebook code trips SQLAlchemy's autoflush warnings on every save;
    they are harmless and would spill over the instructor's progress bar."""
    warnings.filterwarnings("ignore", category=SAWarning)


def reuse_gradebook_engines() -> None:
    """nbgrader opens a new SQLAlchemy engine for every Gradebook (about ten per
    submission), so every query is compiled afresh. A worker keeps one engine per
    database URL instead. Called in each worker after the fork, never in the parent, so
    no database connection is ever shared between processes."""
    import nbgrader.api
    from sqlalchemy import create_engine

    engines: dict = {}

    def cached(url, **kwargs):
        key = (str(url), tuple(sorted(kwargs.items())))
        if key not in engines:
            engines[key] = create_engine(url, **kwargs)
        return engines[key]

    nbgrader.api.create_engine = cached


def reuse_schema_validators() -> None:
    """nbgrader validates every cell's metadata with ``jsonschema.validate``, which checks
    the schema itself again on every call; a worker builds each validator once."""
    import json as _json

    import jsonschema
    import nbgrader.nbgraderformat.common as common

    validators: dict[str, object] = {}

    class CachedJsonschema:
        ValidationError = jsonschema.ValidationError

        @staticmethod
        def validate(instance, schema):
            key = _json.dumps(schema, sort_keys=True)
            if key not in validators:
                cls = jsonschema.validators.validator_for(schema)
                cls.check_schema(schema)
                validators[key] = cls(schema)
            error = jsonschema.exceptions.best_match(validators[key].iter_errors(instance))
            if error is not None:
                raise error

    common.jsonschema = CachedJsonschema


# ------------------------------------------------------------------------- workers

def _worker(slot: int, course: Course, settings: Settings, tasks, results) -> None:
    _LIBC.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG: die with the grader
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    quiet_warnings()
    reuse_gradebook_engines()
    reuse_schema_validators()
    logger = quiet_logger(str(course.records_dir / f"nbgrader-{slot}.log"))
    context = {"limits": settings.limits, "notebooks": course.notebooks(),
               "library": source_library(course.coursedir(), course.assignment)}
    preload = preload_modules(course.coursedir(), course.assignment)
    judge_to_runner, runner_to_judge = os.pipe(), os.pipe()  # kept open for restarts
    peers = {"runner": (judge_to_runner[0], runner_to_judge[1]), "judge": (runner_to_judge[0], judge_to_runner[1])}
    sandboxes = []
    try:
        for role in ("runner", "judge"):  # both warm up at the same time
            profile = Profile(role, slot, settings.limits, settings.unsafe, preload, peers[role])
            sandboxes.append(Sandbox(profile).launch())
        for sandbox in sandboxes:
            sandbox.wait_ready()
        context["runner"], context["judge"] = sandboxes
        broken = None
    except (SandboxUnavailable, OSError) as error:
        broken = str(error)
    try:
        while True:
            student = tasks.get()
            if student is None:
                break
            results.put(("start", slot, student))
            if broken:
                record = {"student": student, "assignment": course.assignment, "state": "failed",
                          "reason": {"key": "sandbox", "params": {"detail": broken}}, "notes": [], "flags": [],
                          "fingerprint": course.fingerprint(student)}
            else:
                record = grade_student(course, student, context, logger)
            course.write_record(student, record)
            results.put(("done", slot, record))
    finally:
        for sandbox in sandboxes:
            sandbox.stop()


def pending_students(course: Course, students: list[str], force: bool) -> list[str]:
    """Students without a record for their current files (all of them with ``force``)."""
    if force:
        return list(students)
    todo = []
    for student in students:
        record = course.read_record(student)
        if record is None or record.get("fingerprint") != course.fingerprint(student):
            todo.append(student)
    return todo


def grade_all(course: Course, students: list[str], settings: Settings, progress=None) -> list[dict]:
    """Grade ``students`` in parallel; returns the new records in completion order."""
    if not students:
        return []
    quiet_warnings()
    count = max(1, min(settings.workers or os.cpu_count() or 1, len(students)))
    context = multiprocessing.get_context("fork")
    tasks, results = context.SimpleQueue(), context.SimpleQueue()
    workers = [context.Process(target=_worker, args=(slot, course, settings, tasks, results), daemon=True)
               for slot in range(count)]
    for worker in workers:
        worker.start()
    for student in students:
        tasks.put(student)
    for _ in workers:
        tasks.put(None)
    records: list[dict] = []
    current: dict[int, str] = {}
    alive = {w.sentinel: (slot, w) for slot, w in enumerate(workers)}
    try:
        while len(records) < len(students) and alive:
            ready = wait([results._reader, *alive], timeout=1.0)
            if results._reader in ready:
                kind, slot, payload = results.get()
                if kind == "start":
                    current[slot] = payload
                else:
                    current.pop(slot, None)
                    records.append(payload)
                    if progress:
                        progress(payload, len(records), len(students))
                continue
            for sentinel in [s for s in ready if s in alive]:
                slot, worker = alive.pop(sentinel)
                lost = current.pop(slot, None)
                if lost is not None:
                    record = {"student": lost, "assignment": course.assignment, "state": "failed",
                              "reason": {"key": "worker_died", "params": {}}, "notes": [], "flags": [],
                              "fingerprint": ""}
                    records.append(record)
                    if progress:
                        progress(record, len(records), len(students))
    finally:
        for worker in workers:
            if worker.is_alive():
                worker.kill()
            worker.join()
    return records
