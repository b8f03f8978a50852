"""The site's messages as a nested mapping, for Jinja templates (``msg.lesson.loading``)."""

from __future__ import annotations

from functools import cache

from kynangso.messages import catalog

PREFIX = "site."


@cache
def site_messages() -> dict:
    """Every ``site.*`` message, nested by its dotted key."""
    tree: dict = {}
    for key, text in catalog().items():
        if not key.startswith(PREFIX):
            continue
        *parents, leaf = key.removeprefix(PREFIX).split(".")
        node = tree
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = text
    return tree
