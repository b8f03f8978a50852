"""The site's own pages: the landing page, lessons behind a kernel cap, and a 404.

Lessons are Voila's handler with two gates in front: only lessons listed in the catalog
are served, and past the cap on visitor kernels a visitor gets a Vietnamese "busy" page
(HTTP 503) instead of the server starting kernels until it runs out of memory.

A lesson is sent one of three ways, fastest first: by a pooled kernel that has already
rendered it (Voila's pre-heated pool); from the page cache, with a new kernel id whose
kernel starts in the background (``page_cache``, ``warming``); or, for the very first
visitor, by Voila rendering it with a fresh kernel. Without a pool (``--pool-size 0``)
every page is rendered live, as the administrator asked.
"""

from __future__ import annotations

from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.utils import url_path_join
from tornado import web
from voila.handler import BaseVoilaHandler
from voila.tornado.handler import TornadoVoilaHandler

from kynangso.site import background_lesson, page_cache
from kynangso.site.catalog import Lesson
from kynangso.site.errors import FriendlyErrors, render_error

RETRY_AFTER_SECONDS = 60


def lesson_url(base_url: str, lesson: Lesson) -> str:
    return url_path_join(base_url, "voila/render", lesson.path)


class LandingHandler(FriendlyErrors, BaseVoilaHandler):
    """The list of courses and lessons, rendered from the catalog loaded at start."""

    def initialize(self, courses, **kwargs):
        super().initialize(**kwargs)
        self.courses = courses

    def get(self):
        self.set_header("Cache-Control", "no-cache")
        self.write(self.render_template(
            "landing.html",
            courses=self.courses,
            lesson_url=lambda lesson: lesson_url(self.base_url, lesson),
        ))


class LessonHandler(FriendlyErrors, TornadoVoilaHandler):
    """Voila's notebook handler, limited to catalogued lessons and to the kernel cap."""

    def initialize(self, lessons, **kwargs):
        super().initialize(**kwargs)
        self.lessons = lessons

    @web.authenticated
    async def get(self, path=None):
        if path not in self.lessons:
            if escapes(path):
                raise web.HTTPError(404)
            if not path.endswith(".ipynb"):
                # A lesson's relative image link: Voila's files handler decides.
                self.redirect_to_file(path)
                return
            raise web.HTTPError(404)
        km = self.kernel_manager
        if km.at_capacity():
            self.set_status(503)
            self.set_header("Retry-After", str(RETRY_AFTER_SECONDS))
            self.set_header("Cache-Control", "no-store")
            self.finish(render_error(self.settings, 503))
            return
        # Voila's front end shuts its kernel down when the resident leaves (a beacon that
        # carries this cookie's XSRF token); without the cookie the kernel waits for the culler.
        self.xsrf_token  # noqa: B018 (the property sets the _xsrf cookie)
        # The page streams cell by cell: a proxy that buffers would hide the loading screen.
        self.set_header("X-Accel-Buffering", "no")
        pages = page_cache.of(self.settings, self.contents_manager.root_dir)
        # No pool (--pool-size 0) means "render every page live": nothing is kept then.
        reuse = self.voila_configuration.preheat_kernel
        if reuse:
            pages.learn_from_pool(km, path)
        if reuse and not page_cache.ready_pool_items(km, path):
            kernel_id = km.new_kernel_id()
            page = pages.page(path, kernel_id)
            if page is not None:
                km.warming.start(kernel_id, background_lesson.starter(self, path), km)
                self.send_cached(page)
                return
        await self.send_rendered(path, pages)

    def send_cached(self, page: str) -> None:
        """The same headers Voila sets on a lesson page, then the page in one piece."""
        self.set_header("Content-Type", "text/html")
        self.set_header("Cache-Control", "no-cache, no-store, must-revalidate")
        self.set_header("Pragma", "no-cache")
        self.set_header("Expires", "0")
        self.finish(page)

    async def send_rendered(self, path: str, pages: page_cache.PageCache) -> None:
        """Voila's own rendering, streamed; the first complete one is kept for the cache."""
        km = self.kernel_manager
        keep = [] if self.voila_configuration.preheat_kernel and not pages.has(path) else None
        # A visitor is "admitting" from the gate until Voila has registered their kernel,
        # which is always done before the page's first snippet is produced.
        km.admitting += 1
        admitted = False
        try:
            async for html in self.get_generator(path=path):
                if not admitted:
                    km.admitting -= 1
                    admitted = True
                if keep is not None:
                    keep.append(html)
                self.write(html)
                self.flush()
        finally:
            if not admitted:
                km.admitting -= 1
        if keep:
            html = "".join(keep)
            for kernel_id in km.list_kernel_ids():
                if kernel_id in html:
                    pages.remember(path, html, kernel_id)
                    break


def escapes(path: str) -> bool:
    """A path that climbs out of the courses folder or names an absolute file."""
    return path.startswith("/") or "\\" in path or ".." in path.split("/")


class NotFoundHandler(FriendlyErrors, JupyterHandler):
    """Every URL the site does not serve: /lab, /api/contents, /tree, ..."""

    def prepare(self):
        raise web.HTTPError(404)

    def check_xsrf_cookie(self):
        """A 404 needs no XSRF check: POST /api/kernels gets a 404, not a 403."""
