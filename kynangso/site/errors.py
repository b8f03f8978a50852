"""Vietnamese error pages for every handler, including tornado's plain static handlers.

Voila's and jupyter_server's error templates are English ("404 : Not Found"); tornado's
static handlers do not use templates at all. Every handler the site registers mixes this
in, so a resident who meets an error reads one plain Vietnamese sentence and a way home.
"""

from __future__ import annotations


def render_error(settings: dict, status_code: int) -> str:
    template = settings["voila_jinja2_env"].get_template("error.html")
    return template.render(status_code=status_code, base_url=settings["base_url"])


class FriendlyErrors:
    def write_error(self, status_code: int, **kwargs) -> None:
        self.set_header("Content-Type", "text/html; charset=UTF-8")
        self.set_header("Cache-Control", "no-store")
        self.write(render_error(self.settings, status_code))
