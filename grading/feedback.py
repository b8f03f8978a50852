"""Per-student feedback in Vietnamese, built from the gradebook and autograded notebooks.

A trainee reads it on a phone: for each question the score, and for each failed test
the test's own message as "what was expected" plus a hint, never a traceback (unless the
instructor asks). Pages go where nbgrader's own feedback goes,
``feedback/<student>/<assignment>/<notebook>.html``, with the submission's timestamp and
secret beside them, so ``nbgrader release_feedback`` and ``fetch_feedback`` deliver them.
It reads what either grader leaves (``kynangso grade`` or ``nbgrader autograde``).
"""

from __future__ import annotations

import html
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook, MissingEntry

from kynangso.messages import t

from .course import Course
from .report import reason_text

_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")
_NAME_ERROR = re.compile(r"name '([^']+)' is not defined")
_POINTS_SUFFIX = re.compile(r"\s*\([^()]*điểm[^()]*\)\s*$", re.IGNORECASE)
TIMEOUT_ERRORS = {"CellTimeoutError", "TimeoutError", "CellTimeout", "DeadKernelError"}
SUBMISSION_FILES = ("timestamp.txt", "submission_secret.txt")


@dataclass
class Question:
    grade_id: str
    title: str
    max_score: float
    score: float | None
    status: str  # passed | partial | failed | manual | manual_done
    expected: str = ""
    hint: str = ""
    traceback: str = ""


@dataclass
class NotebookFeedback:
    student: str
    assignment: str
    notebook: str
    score: float | None = None
    max_score: float | None = None
    late_penalty: float = 0.0
    late: bool = False
    reason: str = ""
    questions: list[Question] = field(default_factory=list)


# ------------------------------------------------------------------------ reading

def explain_failure(outputs: list) -> tuple[str, str, str]:
    """(expected, hint, traceback) from a failed test cell's outputs."""
    error = next((o for o in outputs if o.get("output_type") == "error"), None)
    if error is None:
        return "", t("grading.feedback.hint_generic_assert"), ""
    ename, evalue = str(error.get("ename", "")), str(error.get("evalue", ""))
    trace = _ANSI.sub("", "\n".join(str(line) for line in error.get("traceback", [])))
    if ename == "AssertionError":
        if evalue.strip():
            return evalue.strip(), "", trace
        return "", t("grading.feedback.hint_generic_assert"), trace
    if ename == "NameError":
        match = _NAME_ERROR.search(evalue)
        return "", t("grading.feedback.hint_name", name=match.group(1) if match else evalue), trace
    if ename in TIMEOUT_ERRORS:
        return "", t("grading.feedback.hint_timeout"), trace
    return "", t("grading.feedback.hint_error", ename=ename), trace


def _cells_by_id(path: str) -> tuple[dict[str, dict], list[str]]:
    """grade_id -> {title, outputs} for an autograded notebook, and the ids in cell order."""
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception:  # missing or unreadable: the gradebook alone still gives scores
        return {}, []
    found, order, heading = {}, [], ""
    for cell in nb.cells:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if cell.cell_type == "markdown" and not grade_id:
            line = next((ln for ln in cell.source.splitlines() if ln.lstrip().startswith("#")), "")
            if line:
                heading = _POINTS_SUFFIX.sub("", line.lstrip("# ").strip())
        if grade_id:
            found[grade_id] = {"title": heading, "outputs": cell.get("outputs", [])}
            order.append(grade_id)
    return found, order


def _question(grade, cell: dict | None, tracebacks: bool) -> Question:
    title = (cell or {}).get("title") or grade.name
    manual = grade.cell_type == "markdown" or grade.auto_score is None
    if manual and grade.manual_score is None:
        return Question(grade.name, title, grade.max_score, None, "manual")
    score = float(grade.score or 0)
    if manual:
        status = "manual_done"
    elif score >= grade.max_score:
        status = "passed"
    else:
        status = "partial" if score > 0 else "failed"
    question = Question(grade.name, title, grade.max_score, score, status)
    if status in ("failed", "partial") and grade.cell_type == "code":
        question.expected, question.hint, trace = explain_failure((cell or {}).get("outputs", []))
        if not question.hint:
            question.hint = t("grading.feedback.hint_default")
        question.traceback = trace if tracebacks else ""
    return question


def build(course: Course, gb: Gradebook, student: str, tracebacks: bool = False) -> list[NotebookFeedback]:
    """Feedback pages for one student; empty when the submission was never graded."""
    record = course.read_record(student)
    if record and record.get("state") == "failed":
        reason = reason_text(record.get("reason")) or t("grading.summary.none")
        return [NotebookFeedback(student, course.assignment, name, reason=reason) for name in course.notebooks()]
    try:
        submission = gb.find_submission(course.assignment, student)
    except MissingEntry:
        return []
    cd = course.coursedir()
    folder = cd.format_path(cd.autograded_directory, student, course.assignment)
    pages = []
    for notebook in sorted(submission.notebooks, key=lambda n: n.name):
        path = os.path.join(folder, f"{notebook.name}.ipynb")
        cells, order = _cells_by_id(path)
        rank = {gid: i for i, gid in enumerate(order)}
        grades = sorted(notebook.grades, key=lambda g: (rank.get(g.name, len(rank)), g.name))
        if not os.path.exists(path) and all(g.auto_score is None and g.manual_score is None for g in grades):
            pages.append(NotebookFeedback(student, course.assignment, notebook.name,
                                          reason=t("grading.feedback.not_autograded")))
            continue
        pages.append(NotebookFeedback(
            student, course.assignment, notebook.name, score=notebook.score, max_score=notebook.max_score,
            late_penalty=float(notebook.late_submission_penalty or 0),
            late=(submission.total_seconds_late or 0) > 0,
            questions=[_question(g, cells.get(g.name), tracebacks) for g in grades]))
    return pages


def has_gradebook(course: Course) -> bool:
    """Whether the course has a gradebook to read; opening a missing SQLite file would create one."""
    url = course.db_url
    if url.startswith("sqlite:///"):
        return os.path.isfile(url[len("sqlite:///"):])
    return True


def students(course: Course, gb: Gradebook) -> list[str]:
    """Everyone with a submission folder, a grading record or a gradebook submission."""
    found = set(course.students()) | set(course.records())
    try:
        found |= {s.student.id for s in gb.find_assignment(course.assignment).submissions}
    except MissingEntry:
        pass
    return sorted(found)


# ------------------------------------------------------------------------ writing

def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"


_CSS = """
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;
 color:#1b1b1b;background:#f4f6f8;overflow-wrap:anywhere}
main{max-width:42rem;margin:0 auto;padding:1rem}
h1{font-size:1.35rem;margin:.2rem 0 .5rem}
.meta{margin:.2rem 0;color:#444}
.total{font-size:1.15rem;font-weight:700;margin:.6rem 0}
.late{color:#8a4b00}
.box{background:#fff;border-radius:.6rem;padding:.8rem 1rem;margin:.8rem 0;border-left:.35rem solid #999}
.q.passed,.q.manual_done{border-color:#1e7b34}.q.failed{border-color:#b3261e}
.q.partial{border-color:#c77700}.q.manual{border-color:#5360a6}.reason{border-color:#b3261e}
.head{display:flex;justify-content:space-between;gap:.6rem;font-weight:700}
.pts{white-space:nowrap}
.status{margin:.2rem 0;font-weight:600}
.passed .status,.manual_done .status{color:#1e7b34}.failed .status{color:#b3261e}
.partial .status{color:#8a4b00}.manual .status{color:#3d4a8f}
.id{font-size:.8rem;color:#666;font-weight:400}
p{margin:.35rem 0}
pre{white-space:pre-wrap;word-break:break-word;background:#f1f1f1;padding:.5rem;border-radius:.3rem;font-size:.8rem}
footer{color:#555;font-size:.85rem;margin:1.2rem 0}
"""


def render(page: NotebookFeedback) -> str:
    """A self-contained, phone-friendly HTML page; all content escaped."""
    e = html.escape
    title = t("grading.feedback.title", assignment=page.assignment)
    parts = [
        "<!DOCTYPE html>", '<html lang="vi">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(title)}</title>", f"<style>{_CSS}</style>", "</head>", "<body>", "<main>",
        f"<h1>{e(title)}</h1>",
        f'<p class="meta">{e(t("grading.feedback.student", student=page.student))}</p>',
        f'<p class="meta">{e(t("grading.feedback.notebook", name=page.notebook))}</p>',
    ]
    if page.reason:
        parts.append(f'<div class="box reason"><p>{e(t("grading.feedback.not_graded", reason=page.reason))}</p></div>')
    else:
        parts.append(f'<p class="total">{e(t("grading.feedback.total", score=_fmt(page.score), max_score=_fmt(page.max_score)))}</p>')
        auto = [q for q in page.questions if q.status in ("passed", "partial", "failed")]
        if auto:
            passed = sum(q.status == "passed" for q in auto)
            parts.append(f'<p class="meta">{e(t("grading.feedback.summary", passed=passed, total=len(auto)))}</p>')
        if page.late or page.late_penalty:
            parts.append(f'<p class="meta late">{e(t("grading.feedback.late", penalty=_fmt(page.late_penalty)))}</p>')
        for q in page.questions:
            parts.append(_render_question(q))
    parts += [f"<footer>{e(t('grading.feedback.footer'))}</footer>", "</main>", "</body>", "</html>"]
    return "\n".join(parts) + "\n"


_STATUS_KEY = {"passed": "passed", "failed": "failed", "partial": "partial", "manual": "manual",
               "manual_done": "manual_done"}


def _render_question(q: Question) -> str:
    e = html.escape
    points = f"{_fmt(q.score)} / {_fmt(q.max_score)}" if q.status != "manual" else f"— / {_fmt(q.max_score)}"
    lines = [f'<section class="box q {q.status}">',
             f'<div class="head"><span>{e(q.title)}</span><span class="pts">{e(points)}</span></div>',
             f'<p class="id">{e(q.grade_id)}</p>',
             f'<p class="status">{e(t("grading.feedback." + _STATUS_KEY[q.status]))}</p>']
    if q.expected:
        lines.append(f'<p class="expected">{e(t("grading.feedback.expected", message=q.expected))}</p>')
    if q.hint:
        lines.append(f'<p class="hint"><strong>{e(t("grading.feedback.hint_label"))}:</strong> {e(q.hint)}</p>')
    if q.traceback:
        lines.append(f'<details><summary>{e(t("grading.feedback.technical"))}</summary><pre>{e(q.traceback)}</pre></details>')
    lines.append("</section>")
    return "\n".join(lines)


def write(course: Course, page: NotebookFeedback) -> Path:
    """Write one page where nbgrader keeps feedback, with the files release_feedback needs."""
    cd = course.coursedir()
    folder = Path(cd.format_path(cd.feedback_directory, page.student, course.assignment))
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{page.notebook}.html"
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".html")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(render(page))
    os.chmod(tmp, 0o644)
    os.replace(tmp, target)
    for name in SUBMISSION_FILES:
        for source_dir in (cd.autograded_directory, cd.submitted_directory):
            source = Path(cd.format_path(source_dir, page.student, course.assignment)) / name
            if source.is_file() and not source.is_symlink():
                shutil.copyfile(source, folder / name)
                break
    return target


def generate(course: Course, tracebacks: bool = False, on_error=None) -> dict[str, list[Path]]:
    """Feedback for every graded student; a bad submission is reported, never fatal."""
    written: dict[str, list[Path]] = {}
    with Gradebook(course.db_url) as gb:
        for student in students(course, gb):
            try:
                pages = build(course, gb, student, tracebacks)
                paths = [write(course, page) for page in pages]
            except Exception as error:
                if on_error:
                    on_error(student, f"{type(error).__name__}: {error}")
                continue
            if paths:
                written[student] = paths
    return written
