"""The shared stylesheet, delivered as a tiny HTML widget.

Shipping the CSS inside the widget tree makes it work the same in JupyterLab and in the
Voila site, with no extra request and nothing fetched from the internet.
"""

from functools import cache
from importlib.resources import files

import ipywidgets as widgets


@cache
def _css() -> str:
    return files(__package__).joinpath("kynangso.css").read_text("utf-8")


def stylesheet() -> widgets.HTML:
    return widgets.HTML(f"<style>{_css()}</style>", layout=widgets.Layout(display="none"))
