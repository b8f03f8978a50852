"""An nbgrader course on disk: its configuration, submissions and our grading records.

The configuration is the course's own ``nbgrader_config.py`` (plus Jupyter's usual
config paths, as nbgrader reads them), so ``db_url``, the directory layout and
timeouts are whatever the instructor set for nbgrader itself.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.coursedir import CourseDirectory
from traitlets.config import Config, PyFileConfigLoader

PROJECT_COURSE = Path(__file__).resolve().parent.parent / "exercises"


def load_config(course: Path) -> Config:
    config = Config()
    config_file = course / "nbgrader_config.py"
    if config_file.exists():
        config.merge(PyFileConfigLoader(config_file.name, path=str(course)).load_config())
    if "root" not in config.CourseDirectory:
        config.CourseDirectory.root = str(course)
    return config


@dataclass
class Course:
    """A course directory and one assignment being graded in it."""

    root: Path
    assignment: str
    config: Config

    @classmethod
    def open(cls, root: str | os.PathLike, assignment: str) -> "Course":
        root = Path(root).resolve()
        return cls(root, assignment, load_config(root))

    def coursedir(self, student: str = "*") -> CourseDirectory:
        coursedir = CourseDirectory(config=self.config)
        coursedir.assignment_id = self.assignment
        coursedir.student_id = student
        return coursedir

    @property
    def db_url(self) -> str:
        return self.coursedir().db_url

    @property
    def cell_timeout(self) -> float:
        for section in ("Execute", "ExecutePreprocessor"):
            value = self.config[section].get("timeout") if section in self.config else None
            if value:
                return float(value)
        return 30.0

    def submission_dir(self, student: str) -> str:
        cd = self.coursedir()
        return cd.format_path(cd.submitted_directory, student, self.assignment)

    def students(self) -> list[str]:
        """Students with a submission folder for this assignment, sorted."""
        cd = self.coursedir()
        pattern = cd.format_path(cd.submitted_directory, "*", glob.escape(self.assignment))
        prefix = cd.format_path(cd.submitted_directory, "\0", self.assignment).split("\0")
        found = []
        for path in glob.glob(pattern):
            if os.path.isdir(path) or os.path.islink(path):
                student = path[len(prefix[0]):len(path) - len(prefix[1])]
                if student and os.sep not in student:
                    found.append(student)
        return sorted(found)

    def notebooks(self) -> list[str]:
        """The assignment's notebooks as the gradebook knows them (after generate_assignment)."""
        with Gradebook(self.db_url) as gb:
            try:
                return sorted(nb.name for nb in gb.find_assignment(self.assignment).notebooks)
            except MissingEntry:
                return []

    # ----------------------------------------------------------------- records
    @property
    def records_dir(self) -> Path:
        return self.root / ".kynangso" / "grading" / self.assignment

    def record_path(self, student: str) -> Path:
        return self.records_dir / f"{_safe_name(student)}.json"

    def read_record(self, student: str) -> dict | None:
        try:
            return json.loads(self.record_path(student).read_text("utf-8"))
        except (OSError, ValueError):
            return None

    def write_record(self, student: str, record: dict) -> None:
        """Atomically: a record is either all there or not there at all."""
        self.records_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.records_dir, prefix=".tmp-")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(record, fh, ensure_ascii=False, indent=1)
        os.replace(tmp, self.record_path(student))

    def records(self) -> dict[str, dict]:
        result = {}
        for path in sorted(self.records_dir.glob("*.json")) if self.records_dir.exists() else []:
            try:
                record = json.loads(path.read_text("utf-8"))
            except ValueError:
                continue
            result[record["student"]] = record
        return result

    def fingerprint(self, student: str) -> str:
        """Changes whenever the submission's files change (names, sizes, times)."""
        digest = hashlib.sha256()
        root = self.submission_dir(student)
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames.sort()
            for name in sorted(filenames):
                path = os.path.join(dirpath, name)
                st = os.lstat(path)
                digest.update(f"{os.path.relpath(path, root)}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
        return digest.hexdigest()


def _safe_name(student: str) -> str:
    """A file name for any student id (Vietnamese letters and spaces kept, slashes not)."""
    cleaned = "".join(c if c.isalnum() or c in " ._-" else "_" for c in student).strip(" .") or "_"
    return f"{cleaned}-{hashlib.sha1(student.encode()).hexdigest()[:8]}"
