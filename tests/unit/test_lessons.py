"""Every catalogued lesson keeps the lesson shape of DESIGN.md and the content rules.

Static checks on the notebooks as saved (no kernel, well under a second): the shape
(title, audience and time, 2–4 objectives, steps each followed by practice, closing quiz,
key points, sources with legal basis and an "as of" date), the catalog agreeing with each
lesson, resident-visible cells never needing a trainee-only cell, unconfirmed facts always
worded as unconfirmed, today's two-tier local government, and no sentence copied from the
seed articles. nbval (courses/) and the site test run the lessons for real.
"""

from __future__ import annotations

import ast
import builtins
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import nbformat
import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
COURSES = REPO / "courses"
SEEDS = REPO.parent / "shared" / "seeds"

TRAINEE_ONLY = "trainee-only"
WIDGET_CALL = re.compile(r"\b(Quiz|PortalSimulator|SignatureLab|Storefront|ScamSpotter|LinkChecker|FingerprintDemo)\(")
HEADING = re.compile(r"^(#{1,3}) (.+)$", re.M)
LEGAL_BASIS = re.compile(r"\b(Luật|Bộ luật|Nghị định|Quyết định|Thông tư)\b[^\n]*\d")
AS_OF = re.compile(r"Cập nhật đến tháng \d{1,2}/20\d\d")

# Facts marked [U] or [P] in content-facts.md (or missing from it) that lessons mention:
# a cell that states one must also carry a hedge in the same cell.
HEDGED_FACTS = [
    # The amended PIT law of 10/12/2025: its number is [U].
    (r"10/12/2025", r"chưa được xác nhận"),
    # Decree 68/2024 and the Government Cipher Committee are [P].
    (r"68/2024", r"chưa được đối chiếu"),
    # Which seed provinces merged into which is [P].
    (r"(Quảng Bình|Quảng Nam|Kon Tum)[^.\n]{0,25}(hợp nhất|nhập) vào", r"kiểm tra lại|thông tin hiện có|chưa được đối chiếu"),
    # PAdES / X.509 in the former ministry's circulars is [P].
    (r"thông tư kỹ thuật|06/2015|16/2019|22/2020", r"đối chiếu"),
    # 24/11 as a day off is modelled by `holidays` but not in content-facts.
    (r"24/11", r"chưa được đối chiếu|kiểm tra"),
    # The 2025 local-government law is not in content-facts.
    (r"Luật Tổ chức chính quyền địa phương", r"chưa có trong bộ dữ kiện"),
    # The dossier status numbering is [P].
    (r"DOSSIER_STATUSES", None),
]
STATUS_TABLE_HEDGE = re.compile(r"có thể (hơi )?khác")
SHARED_WORDS = 9  # a run of this many words in common with a seed article counts as copied


@lru_cache(maxsize=1)
def catalog() -> list[tuple[str, dict]]:
    data = yaml.safe_load((COURSES / "catalog.yml").read_text(encoding="utf-8"))
    return [(course["slug"], lesson) for course in data["courses"] for lesson in course["lessons"]]


LESSONS = [f"{slug}/{lesson['file']}" for slug, lesson in catalog()]


@lru_cache(maxsize=None)
def notebook(path: str) -> nbformat.NotebookNode:
    return nbformat.read(COURSES / path, as_version=4)


def entry(path: str) -> dict:
    return next(lesson for slug, lesson in catalog() if f"{slug}/{lesson['file']}" == path)


def is_trainee_only(cell) -> bool:
    return TRAINEE_ONLY in cell.metadata.get("tags", [])


def headings(nb) -> list[tuple[int, int, str]]:
    """(cell index, level, text) for every markdown heading, in order."""
    return [
        (index, len(level), text.strip())
        for index, cell in enumerate(nb.cells) if cell.cell_type == "markdown"
        for level, text in HEADING.findall(cell.source)
    ]


def visible_practice(cell) -> bool:
    return cell.cell_type == "code" and not is_trainee_only(cell) and bool(WIDGET_CALL.search(cell.source))


def test_every_course_has_the_lessons_its_issue_asks_for():
    by_course: dict[str, list[str]] = {}
    for slug, lesson in catalog():
        by_course.setdefault(slug, []).append(lesson["audience"])
    public_services = by_course["dich-vu-cong"]
    assert len(public_services) >= 7
    assert public_services.count("nguoi-dan") >= 5 and public_services.count("can-bo") >= 2
    assert len(by_course["chu-ky-so"]) >= 5
    assert len(by_course["thuong-mai-dien-tu"]) >= 5
    assert len(by_course["an-toan-so"]) >= 3


@pytest.mark.parametrize("path", LESSONS)
def test_saved_clean(path):
    nb = notebook(path)
    nbformat.validate(nb)
    for cell in nb.cells:
        assert unicodedata.is_normalized("NFC", cell.source), f"{path}: text not NFC"
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None, f"{path}: saved with outputs"


@pytest.mark.parametrize("path", LESSONS)
def test_header_agrees_with_the_catalog(path):
    lesson, header = entry(path), notebook(path).cells[0].source
    assert header.splitlines()[0] == f"# {lesson['title']}"
    assert "**Dành cho:**" in header
    assert f"**Thời gian:** khoảng {lesson['minutes']} phút" in header
    objectives = re.findall(r"^\d+\. ", header, re.M)
    assert 2 <= len(objectives) <= 4
    assert len(objectives) == len(lesson["objectives"])


@pytest.mark.parametrize("path", LESSONS)
def test_steps_practice_quiz_key_points_sources(path):
    nb = notebook(path)
    found = headings(nb)
    level_two = [(index, text) for index, level, text in found if level == 2]
    steps = [(index, text) for index, text in level_two if text.startswith("Bước")]
    assert len(steps) >= 2, f"{path}: at least two steps"
    for position, (index, text) in enumerate(level_two):
        end = level_two[position + 1][0] if position + 1 < len(level_two) else len(nb.cells)
        if text.startswith("Bước") or text == "Câu hỏi cuối bài":
            section = nb.cells[index + 1 : end]
            assert any(visible_practice(cell) for cell in section), f"{path}: «{text}» has no practice"
    titles = [text for _, text in level_two]
    assert titles[-3:] == ["Câu hỏi cuối bài", "Điểm chính", "Nguồn và căn cứ pháp lý"], path
    sources = nb.cells[-1].source
    assert sources.startswith("## Nguồn và căn cứ pháp lý")
    assert AS_OF.search(sources), f"{path}: sources need an «as of» date"
    assert LEGAL_BASIS.search(sources), f"{path}: sources need a legal basis with its number or date"


def _bound_and_loaded(source: str) -> tuple[set[str], set[str]]:
    tree = ast.parse(source)
    bound, loaded = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (loaded if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound |= {(alias.asname or alias.name).split(".")[0] for alias in node.names}
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
    return bound, loaded


@pytest.mark.parametrize("path", LESSONS)
def test_resident_cells_never_need_a_trainee_only_cell(path):
    """Voila drops trainee-only cells, so what residents run must stand on its own."""
    available = set(dir(builtins))
    for index, cell in enumerate(notebook(path).cells):
        if cell.cell_type != "code" or is_trainee_only(cell):
            continue
        bound, loaded = _bound_and_loaded(cell.source)
        missing = loaded - bound - available
        assert not missing, f"{path} cell {index}: needs {sorted(missing)} from a trainee-only cell"
        available |= bound


@pytest.mark.parametrize("path", LESSONS)
def test_unconfirmed_facts_are_worded_as_unconfirmed(path):
    for index, cell in enumerate(notebook(path).cells):
        for fact, hedge in HEDGED_FACTS:
            if not re.search(fact, cell.source):
                continue
            if hedge is None:  # the status table: the lesson says names may differ
                text = "\n".join(c.source for c in notebook(path).cells)
                assert STATUS_TABLE_HEDGE.search(text), f"{path}: status codes shown as settled"
            else:
                assert re.search(hedge, cell.source), f"{path} cell {index}: «{fact}» needs «{hedge}»"


@pytest.mark.parametrize("path", LESSONS)
def test_districts_appear_only_as_gone(path):
    """Local government is province and commune since 1/7/2025; a district is history."""
    for index, cell in enumerate(notebook(path).cells):
        if re.search(r"\bhuyện\b", cell.source, re.I):
            assert re.search(r"không còn cấp huyện|\(cũ\)|trước khi sắp xếp", cell.source, re.I), (
                f"{path} cell {index}: mentions a district as if it still existed"
            )


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", unicodedata.normalize("NFC", text).lower())


@lru_cache(maxsize=1)
def seed_runs() -> frozenset[tuple[str, ...]]:
    if not SEEDS.is_dir():
        # CI lays shared/ beside the clone; a bare clone elsewhere cannot make this check.
        pytest.skip(f"Không có thư mục bài báo gốc {SEEDS} (shared/ nằm cạnh kho mã): bỏ qua.")
    runs = set()
    for seed in SEEDS.glob("*.txt"):
        words = _words(seed.read_text(encoding="utf-8"))
        runs |= {tuple(words[i : i + SHARED_WORDS]) for i in range(len(words) - SHARED_WORDS + 1)}
    return frozenset(runs)


@pytest.mark.parametrize("path", LESSONS)
def test_no_sentence_is_copied_from_the_seed_articles(path):
    runs = seed_runs()
    words = _words("\n".join(cell.source for cell in notebook(path).cells))
    copied = [" ".join(words[i : i + SHARED_WORDS]) for i in range(len(words) - SHARED_WORDS + 1)
              if tuple(words[i : i + SHARED_WORDS]) in runs]
    assert not copied, f"{path}: copied from a seed article: {copied[:3]}"
