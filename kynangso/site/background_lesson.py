"""Start a visitor's kernel under a chosen id and run the lesson in it, page discarded.

The visitor already has the page (from the page cache). Running the lesson through
Voila's own renderer and executor, exactly as for a page that is sent, makes the kernel
create the same widgets, in the same order, so with the same ids (``stable_ids``).
"""

from __future__ import annotations

import os
from functools import partial

from voila.notebook_renderer import NotebookRenderer
from voila.utils import ENV_VARIABLE, get_page_config

from kynangso.site.warming import Starter


def starter(handler, path: str) -> Starter:
    """What the background start needs, taken from the request now (the handler ends first)."""
    settings = handler.settings
    vc = handler.voila_configuration
    page_config_kwargs = {
        "base_url": handler.base_url, "settings": settings, "log": handler.log, "voila_configuration": vc,
    }
    page_config = get_page_config(**page_config_kwargs)
    if vc.page_config_hook:
        page_config = vc.page_config_hook(page_config, **page_config_kwargs, notebook_path=path)
    new_renderer = partial(
        NotebookRenderer,
        voila_configuration=vc,
        traitlet_config=handler.traitlet_config,
        notebook_path=path,
        template_paths=handler.template_paths,
        config_manager=handler.config_manager,
        contents_manager=handler.contents_manager,
        base_url=handler.base_url,
        kernel_spec_manager=handler.kernel_spec_manager,
        page_config=page_config,
        mathjax_config=settings.get("mathjax_config"),
        mathjax_url=settings.get("mathjax_url"),
    )
    env = kernel_env(handler)
    return partial(run_lesson, handler.kernel_manager, new_renderer, path, env)


def kernel_env(handler) -> dict:
    """The environment Voila gives a visitor's kernel (see VoilaHandler.get_generator)."""
    port = handler.request.host.rpartition(":")[2] if ":" in handler.request.host else ""
    return {
        **os.environ,
        ENV_VARIABLE.SCRIPT_NAME: handler.request.path,
        ENV_VARIABLE.PATH_INFO: "",
        ENV_VARIABLE.QUERY_STRING: str(handler.request.query),
        ENV_VARIABLE.VOILA_PREHEAT: "False",
        ENV_VARIABLE.VOILA_BASE_URL: handler.base_url,
        ENV_VARIABLE.VOILA_SERVER_URL: handler.settings.get("server_url", "/"),
        ENV_VARIABLE.VOILA_REQUEST_URL: handler.request.full_url(),
        ENV_VARIABLE.VOILA_APP_PORT: port,
    }


async def run_lesson(km, new_renderer, path: str, env: dict, kernel_id: str) -> None:
    renderer = new_renderer()
    await renderer.initialize()
    await km.start_kernel(
        kernel_id=kernel_id,
        kernel_name=renderer.notebook.metadata.kernelspec.name,
        path=os.path.dirname(path),
        env=env,
    )
    async for _html, _ in renderer.generate_content_generator(kernel_id, km.get_kernel(kernel_id)):
        pass
