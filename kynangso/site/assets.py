"""Static assets that a phone downloads once and then keeps.

Voila serves its JavaScript chunks and lab extensions with no cache lifetime (or an
explicit no-cache), so every repeat visit revalidates ~60 files: on a 3G link with a
half-second round trip that alone costs seconds. We serve the same files under a second,
versioned prefix whose token changes whenever any of them can change (Voila, jupyter_server
or a lab extension is upgraded), and mark those responses immutable for a year. The page
config points Voila's front end at the versioned prefix (``page_config_hook``).
"""

from __future__ import annotations

import hashlib
import json

import jupyter_server
import voila
from jupyterlab_server.config import get_federated_extensions
from tornado.web import HTTPError
from voila.static_file_handler import (
    AllowListFileHandler,
    MultiStaticFileHandler,
    TemplateStaticFileHandler,
)

from kynangso.site.errors import FriendlyErrors

ONE_YEAR = 365 * 24 * 3600
IMMUTABLE = f"public, max-age={ONE_YEAR}, immutable"


def version_token(labextensions_path: list[str], template_roots: list[str]) -> str:
    """A short digest that changes whenever a versioned asset may have changed."""
    extensions = get_federated_extensions(labextensions_path)
    facts = {
        "voila": voila.__version__,
        "jupyter_server": jupyter_server.__version__,
        "extensions": sorted((name, ext.get("version"), ext.get("load")) for name, ext in extensions.items()),
        "roots": sorted(template_roots),
    }
    return hashlib.sha256(json.dumps(facts, sort_keys=True).encode()).hexdigest()[:12]


class ImmutableMixin:
    """Cache for a year: the URL carries a version token or a content hash.

    A page loads ~70 of these files; headers that only serve revalidation (ETag,
    Last-Modified, Expires, Accept-Ranges, Server) cost ~250 bytes each on a 3G link
    and are never used for an immutable file, so they are left out."""

    def set_extra_headers(self, path):
        super().set_extra_headers(path)
        self.set_header("Cache-Control", IMMUTABLE)
        for name in ("Expires", "Accept-Ranges", "Server", "Last-Modified"):
            self.clear_header(name)

    def compute_etag(self):
        return None

    def get_cache_time(self, path, modified, mime_type):
        return ONE_YEAR


class VersionedStaticHandler(FriendlyErrors, ImmutableMixin, MultiStaticFileHandler):
    """Voila's own front end (voila.js and its chunks) under /voila/static-<token>/."""


class VersionedLabextensionsHandler(FriendlyErrors, ImmutableMixin, MultiStaticFileHandler):
    """The allow-listed lab extensions under /voila/labextensions-<token>/.

    A plain tornado handler over the same folders as jupyter_server's FileFindHandler,
    which would mark every file no-cache and set a visitor cookie on each response."""


class TemplateAssetsHandler(FriendlyErrors, TemplateStaticFileHandler):
    """Our template's CSS and JS; URLs carry ?v=<content hash>, so tornado caches them."""

    def parse_url_path(self, path):
        # Voila's handler fails with a 500 on "static/../..": refuse any climb with a 404.
        if ".." in path.split("/") or "\\" in path:
            raise HTTPError(404)
        return super().parse_url_path(path)


class StaticHandler(FriendlyErrors, MultiStaticFileHandler):
    """Voila's front end at its usual, unversioned URL (revalidated on every visit)."""


class LessonFilesHandler(FriendlyErrors, AllowListFileHandler):
    """Images next to a lesson, limited by VoilaConfiguration.file_allowlist/denylist."""
