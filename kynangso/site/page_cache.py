"""One rendered page per lesson, kept as a template whose kernel id can be swapped.

Because every kernel creates the same widget ids (``stable_ids``), the page one kernel
rendered is the page any other kernel would render, apart from the kernel id itself. So
the first complete rendering of a lesson (a pooled kernel's, or a visitor's) is kept,
split on its kernel id wherever that appears, and a later visitor gets it with theirs.
A lesson whose notebook file changed is rendered afresh.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kynangso.site import widget_state

#: Voila's keep-alive snippet, sent while a fresh kernel is slow: noise in a stored page.
HEARTBEAT = "<script>window.voila_heartbeat()</script>\n"
#: The lesson's last cell (``embedded_state``) always writes this: a rendering without it
#: stopped early (a cell timed out under load) and is not kept, or every later visitor
#: would get the truncated page.
COMPLETE = f'<script type="{widget_state.STATE_MIME}">'
SETTINGS_KEY = "kns_page_cache"


@dataclass(frozen=True)
class Page:
    parts: tuple[str, ...]  # the page split on its kernel id
    version: int  # the notebook's mtime (ns) when it was rendered

    def with_kernel(self, kernel_id: str) -> str:
        return kernel_id.join(self.parts)


class PageCache:
    def __init__(self, root_dir: str):
        self.root = Path(root_dir)
        self._pages: dict[str, Page] = {}

    def version(self, path: str) -> int:
        try:
            return (self.root / path).stat().st_mtime_ns
        except OSError:
            return -1

    def page(self, path: str, kernel_id: str) -> str | None:
        """The lesson's page for ``kernel_id``, or None if there is no current one."""
        page = self._pages.get(path)
        if page is None or page.version != self.version(path):
            return None
        return page.with_kernel(kernel_id)

    def has(self, path: str) -> bool:
        page = self._pages.get(path)
        return page is not None and page.version == self.version(path)

    def remember(self, path: str, html: str, kernel_id: str) -> bool:
        """Keep a complete rendering made with ``kernel_id`` unless one is already kept."""
        if self.has(path) or kernel_id not in html or COMPLETE not in html:
            return False
        parts = tuple(html.replace(HEARTBEAT, "").split(kernel_id))
        self._pages[path] = Page(parts, self.version(path))
        return True

    def learn_from_pool(self, km, path: str) -> None:
        """Keep a pooled kernel's finished rendering, before any visitor takes it."""
        if self.has(path):
            return
        for content in ready_pool_items(km, path):
            renderer, rendered = content["renderer"], content["task"].result()[0]
            if not renderer.stop_generator:  # nobody cut the rendering short: it is whole
                self.remember(path, "".join(rendered), content["kernel_id"])
                return


def of(settings: dict, root_dir: str) -> PageCache:
    """The application's cache (tornado settings are shared by every handler)."""
    cache = settings.get(SETTINGS_KEY)
    if cache is None:
        cache = settings[SETTINGS_KEY] = PageCache(root_dir)
    return cache


def ready_pool_items(km, path: str) -> list[dict]:
    """Voila's pooled kernels for ``path`` that are started and have rendered the lesson."""
    ready = []
    for item in getattr(km, "_pools", {}).get(path, ()):
        if not item.done() or item.cancelled() or item.exception() is not None:
            continue
        content = item.result()
        task = content["task"]
        if task.done() and not task.cancelled() and task.exception() is None:
            ready.append(content)
    return ready
