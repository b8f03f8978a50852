"""Static assets that a phone downloads once and then keeps.

A lesson page needs two files besides itself: the front end's script and stylesheet
(site/frontend/, built into the template's static/lesson/). They are served under
/voila/lesson-<token>/, where the token is a digest of the build, and marked immutable
for a year: a returning resident's phone asks for neither again, and a rebuilt front end
gets new URLs. Our template's own CSS and JS carry ``?v=<content hash>``."""

from __future__ import annotations

import hashlib
from functools import cache

from tornado.web import HTTPError, StaticFileHandler
from voila.static_file_handler import AllowListFileHandler, TemplateStaticFileHandler

from kynangso.site import paths
from kynangso.site.errors import FriendlyErrors

ONE_YEAR = 365 * 24 * 3600
IMMUTABLE = f"public, max-age={ONE_YEAR}, immutable"


@cache
def early_script() -> str:
    """The few lines each lesson page runs inline to open its kernel socket early
    (site/frontend/src/early.js, built): inline, because a separate file would cost the
    round trip it exists to save."""
    return (paths.LESSON_FRONTEND / "early.js").read_text("utf-8").strip()


@cache
def frontend_token() -> str:
    """A short digest of the built front end: its URLs change whenever it is rebuilt."""
    info = (paths.LESSON_FRONTEND / "build-info.json").read_bytes()
    return hashlib.sha256(info).hexdigest()[:12]


class ImmutableMixin:
    """Cache for a year: the URL carries a version token or a content hash.

    Headers that only serve revalidation (ETag, Last-Modified, Expires, Accept-Ranges,
    Server) are never used for an immutable file, so they are left out."""

    def set_extra_headers(self, path):
        super().set_extra_headers(path)
        self.set_header("Cache-Control", IMMUTABLE)
        for name in ("Expires", "Accept-Ranges", "Server", "Last-Modified"):
            self.clear_header(name)

    def compute_etag(self):
        return None

    def get_cache_time(self, path, modified, mime_type):
        return ONE_YEAR


class FrontendHandler(FriendlyErrors, ImmutableMixin, StaticFileHandler):
    """The lesson page's front end (site/frontend/, built) under /voila/lesson-<token>/."""


class TemplateAssetsHandler(FriendlyErrors, TemplateStaticFileHandler):
    """Our template's CSS and JS; URLs carry ?v=<content hash>, so tornado caches them."""

    def parse_url_path(self, path):
        # Voila's handler fails with a 500 on "static/../..": refuse any climb with a 404.
        if ".." in path.split("/") or "\\" in path:
            raise HTTPError(404)
        return super().parse_url_path(path)


class LessonFilesHandler(FriendlyErrors, AllowListFileHandler):
    """Images next to a lesson, limited by VoilaConfiguration.file_allowlist/denylist."""
