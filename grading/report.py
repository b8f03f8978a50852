"""What the instructor reads on the terminal: a progress bar and the closing summary."""

from __future__ import annotations

import sys
import unicodedata

from kynangso.messages import t

from . import flags


def reason_text(reason: dict | None) -> str:
    if not reason:
        return ""
    params = {"name": "", "detail": "", "found": "—", **reason.get("params", {})}
    return t(f"grading.reasons.{reason['key']}", **params)


def note_text(note: dict) -> str:
    key = f"grading.notes.{note.get('reason')}"
    try:
        text = t(key)
    except KeyError:
        text = t("grading.notes.unknown")
    detail = note.get("detail")
    return f"{text} ({detail})" if detail else text


def flag_text(record: dict, detail_width: int = 60) -> str:
    """One phrase per kind of flag, its details (cells, names) gathered and shortened."""
    grouped: dict[str, list[str]] = {}
    for note in record.get("flags", []):
        details = grouped.setdefault(note.get("reason"), [])
        if note.get("detail") and note["detail"] not in details:
            details.append(note["detail"])
    parts = []
    for reason, details in grouped.items():
        detail = ", ".join(details)
        if len(detail) > detail_width:
            detail = detail[: detail_width - 1].rstrip(", ") + "…"
        parts.append(note_text({"reason": reason, "detail": detail}))
    return "; ".join(parts)


class Progress:
    """A one-line text bar on stderr, redrawn in place."""

    def __init__(self, stream=None, width: int = 24):
        self.stream = stream or sys.stderr
        self.width = width

    def __call__(self, record: dict, done: int, total: int) -> None:
        filled = int(self.width * done / max(total, 1))
        bar = "[" + "#" * filled + "." * (self.width - filled) + "]"
        line = t("grading.progress.line", bar=bar, done=done, total=total, student=record["student"])
        self.stream.write("\r" + line[:110].ljust(110))
        if done == total:
            self.stream.write("\n")
        self.stream.flush()


def _width(text: str) -> int:
    return sum(0 if unicodedata.combining(c) else 1 for c in unicodedata.normalize("NFC", text))


def _table(rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(_width(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for index, row in enumerate(rows):
        cells = [cell + " " * (widths[i] - _width(cell)) for i, cell in enumerate(row)]
        lines.append("  " + " │ ".join(cells).rstrip())
        if index == 0:
            lines.append("  " + "─┼─".join("─" * w for w in widths))
    return lines


def _score(record: dict) -> str:
    if record.get("score") is None:
        return t("grading.summary.none")
    return f"{record['score']:g}/{record['max_score']:g}"


def summary(assignment: str, records: list[dict], skipped: int, seconds: float, workers: int) -> str:
    graded = [r for r in records if r["state"] == "graded"]
    failed = [r for r in records if r["state"] == "failed"]
    flagged = [r for r in records if r.get("flags")]
    lines = ["", t("grading.summary.title", assignment=assignment),
             "  " + t("grading.summary.graded", count=len(graded)),
             "  " + t("grading.summary.failed", count=len(failed)),
             "  " + t("grading.summary.flagged", count=len(flagged))]
    if skipped:
        lines.append("  " + t("grading.summary.skipped", count=skipped))
    if records:
        lines.append("  " + t("grading.summary.speed", seconds=seconds, rate=len(records) / max(seconds, 1e-9),
                              workers=workers))
    header = (t("grading.summary.col_student"), t("grading.summary.col_score"), t("grading.summary.col_reason"))
    if failed:
        lines += ["", t("grading.summary.failed_heading")]
        lines += _table([header] + [(r["student"], _score(r), reason_text(r["reason"])) for r in sorted(failed, key=lambda r: r["student"])])
    if flagged:
        lines += ["", t("grading.summary.flagged_heading")]
        lines += _table([header] + [(r["student"], _score(r), flag_text(r)) for r in sorted(flagged, key=lambda r: r["student"])])
    return "\n".join(lines) + "\n"


__all__ = ["Progress", "summary", "reason_text", "note_text", "flag_text", "flags"]
