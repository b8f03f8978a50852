"""The resident site: a standalone Voila application with our routes, template and policy.

Standalone Voila (not the jupyter_server extension) is what keeps a visitor from running
code: its kernel manager only lets widget/comm messages through the websocket. On top of
it this subclass

- serves exactly the routes listed in ``init_handlers`` (landing page, catalogued lessons,
  the kernel websocket, assets); everything else, JupyterLab's URLs included, is a 404;
- replaces Voila's JupyterLab-based front end with our own small one (site/frontend/),
  served under a versioned, year-long cacheable URL;
- gzips responses (tornado's ``compress_response``, streaming-safe);
- renders every page and error in Vietnamese from the message catalog.

Static configuration lives in ``site/voila.json``; ``command.py`` adds what the
administrator chooses on the command line.
"""

from __future__ import annotations

import os
from functools import partial
from pathlib import Path

from jupyter_server.services.kernels.handlers import KernelHandler
from jupyter_server.utils import url_path_join
from traitlets import List, Unicode
from traitlets.config import Config
from voila.app import Voila, _kernel_id_regex
from voila.request_info_handler import RequestInfoSocketHandler
from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler
from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler
from voila.utils import include_url

from kynangso.site import assets, catalog, paths
from kynangso.site.errors import FriendlyErrors
from kynangso.site.handlers import LandingHandler, LessonHandler, NotFoundHandler
from kynangso.site.text import site_messages


class WebsocketHandler(FriendlyErrors, VoilaKernelWebsocketHandler):
    """Voila's kernel websocket (widget and comm messages only).

    A page sent from the cache names a kernel still starting: wait for it (bounded)."""

    async def get(self, kernel_id):
        await self.kernel_manager.wait_until_warm(kernel_id)
        await super().get(kernel_id)


class KernelInfoHandler(FriendlyErrors, KernelHandler):
    """GET /api/kernels/<id>: one kernel's state, for monitoring (GET only: leaving is
    the page's shutdown beacon, which carries its XSRF token)."""

    SUPPORTED_METHODS = ("GET",)

    async def get(self, kernel_id):
        await self.kernel_manager.wait_until_warm(kernel_id)
        await super().get(kernel_id)


class ShutdownHandler(FriendlyErrors, VoilaShutdownKernelHandler):
    """The page shuts its kernel down when the resident leaves it."""


class KynangsoSite(Voila):
    name = "kynangso-site"

    courses_dir = Unicode(str(paths.COURSES_DIR), config=True, help="Folder with catalog.yml and the course notebooks.")
    lesson_paths = List(Unicode())

    @classmethod
    def base_config(cls, courses_dir: str) -> Config:
        """Configuration that must be in place before Voila reads voila.json."""
        config = Config()
        config.Voila.config_file_paths = [str(paths.SITE_DIR)]
        config.Voila.open_browser = False
        config.Voila.port_retries = 0
        config.Voila.root_dir = courses_dir
        config.KynangsoSite.courses_dir = courses_dir
        # The lesson template reads its text from here (VoilaConfiguration.resources).
        config.VoilaConfiguration.resources = {"kns": {
            "msg": site_messages(),
            "early_js": assets.early_script(),
            "frontend": f"voila/lesson-{assets.frontend_token()}/",
        }}
        return config

    def initialize(self, argv=None):
        # Our template lives under site/voila/templates; Voila finds templates on JUPYTER_PATH.
        os.environ["JUPYTER_PATH"] = os.pathsep.join(
            p for p in (str(paths.JUPYTER_DATA), os.environ.get("JUPYTER_PATH")) if p
        )
        super().initialize([] if argv is None else argv)
        self.courses = catalog.load(Path(self.courses_dir))
        self.lesson_paths = [lesson.path for lesson in catalog.lessons_of(self.courses)]
        self.voila_configuration.page_config_hook = self._page_config

    def _page_config(self, page_config, base_url, settings, log, voila_configuration, notebook_path):
        """Only what our front end reads (it loads no lab extension, theme or MathJax)."""
        return {"baseUrl": page_config.get("baseUrl", base_url)}

    def pool_config(self, size: int) -> dict:
        """A pool of ``size`` kernels for each catalogued lesson and none for other notebooks."""
        pools = {"default": {"pool_size": 0}}
        pools.update({path: {"pool_size": size} for path in self.lesson_paths})
        return pools

    def init_settings(self):
        self.config.VoilaKernelManager.kernel_pools_config = self.pool_config(
            self.voila_configuration.default_pool_size
        )
        settings = super().init_settings()
        env = settings["voila_jinja2_env"]
        env.globals.update(
            msg=site_messages(),
            kns_static=lambda name: include_url(paths.TEMPLATE, self.base_url, f"static/{name}"),
        )
        # jupyter_server's own handlers render errors from "jinja2_env": make it ours too.
        settings["jinja2_env"] = env
        settings["compress_response"] = True
        # An upload reaches the kernel as one websocket message: past tornado's 10 MiB default
        # the socket just closes and the resident sees nothing, instead of the widget's own
        # "file too large" message.
        settings["websocket_max_message_size"] = 32 * 1024 * 1024
        # Widget state is verbose JSON (every Layout lists ~40 empty fields): permessage-deflate
        # shrinks the first load of a lesson's widgets about tenfold on a 3G link.
        settings["websocket_compression_options"] = {}
        settings["default_handler_class"] = NotFoundHandler
        settings["xsrf_cookies"] = False
        return settings

    def init_handlers(self):
        """Exactly the routes a resident's phone needs; the order matters (first match)."""
        url = partial(url_path_join, self.server_url)
        vc = self.voila_configuration
        kernel = _kernel_id_regex
        handlers = [
            (url("/"), LandingHandler, {"voila_configuration": vc, "courses": self.courses}),
            (url(r"/voila/render/(.*)"), LessonHandler, {
                "lessons": frozenset(self.lesson_paths),
                "template_paths": self.template_paths,
                "config": self.config,
                "voila_configuration": vc,
            }),
            (url(rf"/api/kernels/{kernel}"), KernelInfoHandler),
            (url(rf"/api/kernels/{kernel}/channels"), WebsocketHandler),
            (url(r"/voila/api/shutdown/(.*)"), ShutdownHandler),
            (url(r"/voila/templates/(kynangso/static/.*)"), assets.TemplateAssetsHandler),
            (url(rf"/voila/lesson-{assets.frontend_token()}/(.*)"), assets.FrontendHandler,
             {"path": str(paths.LESSON_FRONTEND)}),
            (url(r"/voila/files/(.*)"), assets.LessonFilesHandler, {
                "allowlist": vc.file_allowlist,
                "denylist": vc.file_denylist,
                "path": self.root_dir,
            }),
        ]
        if vc.preheat_kernel:
            handlers.append((url(rf"/voila/query/{kernel}"), RequestInfoSocketHandler))
        return handlers

