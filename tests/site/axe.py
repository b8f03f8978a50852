"""Run axe-core (the npm package, installed by `make test-env` into .test-tools/) in a page.

The script is read from disk and injected with Playwright, so a test never downloads it.
"""

from __future__ import annotations

import warnings
from functools import cache

import pytest

from tests.servers import PROJECT

AXE_JS = PROJECT / ".test-tools" / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")
# Known violations inside widgets/ (owned by the widget code, reported there), as
# (rule id, CSS class every failing element carries). Each is still reported as a warning;
# remove the entry once the widget is fixed. Any other violation fails.
WAIVED: set[tuple[str, str]] = set()  # (rule id, CSS fragment) of known widget violations


@cache
def axe_source() -> str:
    if not AXE_JS.exists():
        pytest.fail(f"Thiếu axe-core ({AXE_JS.relative_to(PROJECT)}): chạy `make test-env` để cài.")
    return AXE_JS.read_text("utf-8")


def violations(page, impacts: tuple[str, ...] = BLOCKING) -> list[dict]:
    """axe's violations of the given impacts, each as {id, impact, help, targets}."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=axe_source())
    found = page.evaluate(
        """async (impacts) => {
            const result = await axe.run(document, {resultTypes: ["violations"]});
            return result.violations
                .filter(v => impacts.includes(v.impact))
                .map(v => ({id: v.id, impact: v.impact, help: v.help,
                            targets: v.nodes.slice(0, 5).map(n => n.target.join(" "))}));
        }""",
        list(impacts),
    )
    waived = [v for v in found if any(v["id"] == rule and all(css in target for target in v["targets"])
                                      for rule, css in WAIVED)]
    if waived:
        warnings.warn(f"axe: known widget violations (waived): {describe(waived)}", stacklevel=2)
    return [v for v in found if v not in waived]


def describe(found: list[dict]) -> str:
    return "; ".join(f"{v['id']} ({v['impact']}): {v['help']} at {v['targets']}" for v in found)
