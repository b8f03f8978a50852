"""nbgrader's autograde pipeline with our execution step, grading one submission.

Everything nbgrader does around execution stays nbgrader's: creating the student and
submission in the gradebook, timestamps, copying files, sanitising (ClearOutput,
DeduplicateIds, OverwriteKernelspec, OverwriteCells, CheckCellMetadata), saving grades
(SaveAutoGrades), late penalties, writing ``autograded/``. We swap ``Execute`` for
:class:`SandboxedExecute`, make OverwriteCells restore deleted test cells and report
edits, and refuse submissions that contain symbolic links.
"""

from __future__ import annotations

import base64
import glob
import json
import logging
import os

from nbconvert.preprocessors import ClearMetadataPreprocessor
from nbformat import NBFormatError, NotebookNode
from nbformat.reader import NotJSONError

from nbgrader.converters import Autograde
from nbgrader.nbgraderformat import SchemaTooNewError, SchemaTooOldError, ValidationError
from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, ClearHiddenTests, ClearMarkScheme,
                                    ClearOutput, DeduplicateIds, IgnorePattern, LimitOutput,
                                    NbGraderPreprocessor, OverwriteCells, OverwriteKernelspec, SaveAutoGrades)
from traitlets import List

from . import flags
from .execute import Execution

MAX_FILE_BYTES = 32 << 20
MAX_TOTAL_BYTES = 64 << 20


class GradingFailure(Exception):
    """A submission that cannot be graded; ``key`` names the message in the catalog."""

    def __init__(self, key: str, **params):
        super().__init__(key)
        self.key, self.params = key, params


def grading_context(preprocessor) -> dict:
    """The worker's context, found through the traitlets parent chain (exporter, then
    converter): resources are deep-copied by nbconvert, so sandboxes cannot ride there."""
    node = preprocessor
    while node is not None:
        if isinstance(getattr(node, "context", None), dict):
            return node.context
        node = node.parent
    raise RuntimeError("SandboxedExecute needs a SandboxedAutograde parent")


class RecordingOverwriteCells(OverwriteCells):
    """OverwriteCells that restores deleted test cells and tells us what it repaired."""

    def preprocess(self, nb, resources):
        self.add_missing_cells = True
        before = {c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells}
        nb, resources = super().preprocess(nb, resources)
        after = {c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells}
        for grade_id in sorted(x for x in after - before if x):
            grading_context(self)["notes"].append({"reason": "test_cell_deleted", "detail": grade_id})
        return nb, resources

    def preprocess_cell(self, cell, resources, cell_index):
        self._submitted_source = cell.source
        return super().preprocess_cell(cell, resources, cell_index)

    def report_change(self, name, attr, old, new):
        super().report_change(name, attr, old, new)
        if attr == "checksum" and self._as_released(name):
            return
        grading_context(self)["notes"].append({"reason": "test_cell_edited", "detail": f"{name} ({attr})"})

    def _as_released(self, grade_id: str) -> bool:
        """True if the submitted cell is exactly what generate_assignment released: the
        gradebook keeps the source *with* hidden tests and mark schemes, so an untouched
        released cell never matches its checksum and must not count as an edit."""
        source_cell = self.gradebook.find_source_cell(grade_id, self.notebook_id, self.assignment_id)
        released = NotebookNode(cell_type=source_cell.cell_type, source=source_cell.source,
                                metadata=NotebookNode(nbgrader=NotebookNode(grade_id=grade_id)))
        try:
            ClearHiddenTests(parent=self)._remove_hidden_test_region(released)
            ClearMarkScheme(parent=self)._remove_mark_scheme_region(released)
        except Exception:  # malformed delimiters in the source: compare as stored
            pass
        submitted = getattr(self, "_submitted_source", None)
        return isinstance(submitted, str) and _normalise(submitted) == _normalise(released.source)


def _normalise(source: str) -> str:
    return "\n".join(line.rstrip() for line in source.strip().splitlines())


class RecordingDeduplicateIds(DeduplicateIds):
    """DeduplicateIds that tells us when a submission carries a grade cell twice."""

    def preprocess_cell(self, cell, resources, cell_index):
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        seen = grade_id in self.grade_ids
        cell, resources = super().preprocess_cell(cell, resources, cell_index)
        if seen:
            # nbgrader leaves an empty ``nbgrader`` dict, which its own restoring of
            # missing cells then trips over (KeyError 'grade_id'): drop it entirely.
            cell.metadata.pop("nbgrader", None)
            grading_context(self)["notes"].append({"reason": "test_cell_duplicated", "detail": grade_id})
        return cell, resources


class SandboxedExecute(NbGraderPreprocessor):
    """Runs the notebook in the worker's sandboxes instead of a local kernel."""

    def preprocess(self, nb, resources):
        context = grading_context(self)
        context["notes"].extend(flags.scan_notebook(nb))
        files = read_files(resources["metadata"]["path"])
        execution = Execution(context["runner"], context["judge"], context["limits"])
        run = execution.execute(nb, files, context["library"])
        context["notes"].extend(run.notes)
        return nb, resources


def read_files(directory: str) -> dict[str, str]:
    """The non-notebook files of a build directory, base64, for the sandbox's scratch space."""
    files, total = {}, 0
    for dirpath, dirnames, filenames in os.walk(directory):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for name in filenames:
            path = os.path.join(dirpath, name)
            if name.endswith(".ipynb") or os.path.islink(path) or not os.path.isfile(path):
                continue
            size = os.path.getsize(path)
            if size > MAX_FILE_BYTES or total + size > MAX_TOTAL_BYTES:
                raise GradingFailure("too_large", name=name)
            total += size
            with open(path, "rb") as fh:
                files[os.path.relpath(path, directory)] = base64.b64encode(fh.read()).decode()
    return files


def check_submission(path: str) -> None:
    """Refuse what nbgrader would follow blindly: symbolic links (it copies their targets)."""
    if os.path.islink(path):
        raise GradingFailure("symlink", name=os.path.basename(path))
    for dirpath, dirnames, filenames in os.walk(path):
        for name in dirnames + filenames:
            if os.path.islink(os.path.join(dirpath, name)):
                raise GradingFailure("symlink", name=os.path.relpath(os.path.join(dirpath, name), path))


class SandboxedAutograde(Autograde):
    """nbgrader's Autograde converter with sandboxed, judged execution."""

    sanitize_preprocessors = List([
        ClearOutput, RecordingDeduplicateIds, OverwriteKernelspec, RecordingOverwriteCells, CheckCellMetadata,
    ]).tag(config=True)
    autograde_preprocessors = List([
        SandboxedExecute, IgnorePattern, ClearMetadataPreprocessor, LimitOutput, SaveAutoGrades,
        AssignLatePenalties, CheckCellMetadata,
    ]).tag(config=True)

    def __init__(self, context: dict, **kwargs):
        super().__init__(**kwargs)
        self.context = context
        self.failure: GradingFailure | None = None

    def init_assignment(self, assignment_id, student_id):
        check_submission(self._format_source(assignment_id, student_id))
        super().init_assignment(assignment_id, student_id)

    def convert_single_notebook(self, notebook_filename):
        try:
            super().convert_single_notebook(notebook_filename)
        except Exception as error:
            self.failure = self.failure or _explain(error, os.path.basename(notebook_filename))
            raise

    def convert_notebooks(self):
        try:
            super().convert_notebooks()
        except Exception as error:
            self.failure = self.failure or _explain(error, "")
            raise


def _explain(error: Exception, notebook: str) -> GradingFailure:
    """A catalog key for what went wrong, in words an instructor can act on."""
    if isinstance(error, GradingFailure):
        return error
    if isinstance(error, (NotJSONError, json.JSONDecodeError, UnicodeDecodeError)):
        return GradingFailure("not_json", name=notebook)
    if isinstance(error, NBFormatError):
        return GradingFailure("bad_nbformat", name=notebook)
    if isinstance(error, (SchemaTooOldError, SchemaTooNewError)):
        return GradingFailure("bad_schema", name=notebook)
    if isinstance(error, ValidationError) or type(error).__name__ == "ValidationError":
        return GradingFailure("bad_notebook", name=notebook)
    if isinstance(error, (KeyError, AttributeError, TypeError)):
        return GradingFailure("bad_notebook", name=notebook)
    return GradingFailure("internal", name=notebook, detail=f"{type(error).__name__}: {error}"[:300])


def quiet_logger(logfile: str | None) -> logging.Logger:
    """nbgrader's chatter goes to a log file, not over our progress bar."""
    logger = logging.getLogger("kynangso.grading.nbgrader")
    logger.propagate = False
    logger.setLevel(logging.INFO)
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
        handler.close()
    if logfile:
        os.makedirs(os.path.dirname(logfile), exist_ok=True)
        handler = logging.FileHandler(logfile, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        logger.addHandler(handler)
    else:
        logger.addHandler(logging.NullHandler())
    return logger


def source_library(coursedir, assignment: str) -> dict[str, str]:
    """Instructor's Python helpers from ``source/<assignment>/`` that tests may import."""
    root = coursedir.format_path(coursedir.source_directory, ".", assignment)
    library = {}
    for path in glob.glob(os.path.join(root, "**", "*.py"), recursive=True):
        if not os.path.islink(path):
            with open(path, "rb") as fh:
                library[os.path.relpath(path, root)] = base64.b64encode(fh.read()).decode()
    return library


def preload_modules(coursedir, assignment: str) -> tuple[str, ...]:
    """Modules the instructor's own cells import (setup and test cells of the source
    notebooks), for the sandboxes to import once instead of once per submission."""
    import ast

    import nbformat

    root = coursedir.format_path(coursedir.source_directory, ".", assignment)
    modules: list[str] = []
    for path in sorted(glob.glob(os.path.join(glob.escape(root), "*.ipynb"))):
        try:
            cells = nbformat.read(path, as_version=4).cells
        except Exception:  # the instructor's notebook is nbgrader's problem, not ours
            continue
        for cell in cells:
            if cell.cell_type != "code":
                continue
            try:
                tree = ast.parse(cell.source)
            except SyntaxError:
                continue
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                    names = [node.module]
                else:
                    continue
                modules += [n for n in names if n not in modules]
    return tuple(modules)
