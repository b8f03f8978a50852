"""The one catalog of user-facing text.

Every string a resident, trainee or instructor reads lives in the ``*.toml`` files of this
folder, one file per part of the platform, so wording and diacritics are reviewed in one
place. A key is ``<file stem>.<key>``, for example ``t("core.site_url", url=...)``.
"""

from __future__ import annotations

import tomllib
import unicodedata
from functools import cache
from importlib.resources import files


def _flatten(prefix: str, table: dict) -> dict[str, str]:
    flat: dict[str, str] = {}
    for name, value in table.items():
        key = f"{prefix}.{name}"
        if isinstance(value, dict):
            flat.update(_flatten(key, value))
        else:
            flat[key] = unicodedata.normalize("NFC", str(value))
    return flat


@cache
def catalog() -> dict[str, str]:
    """All messages, keyed by ``section.key``; loaded once per process."""
    merged: dict[str, str] = {}
    for resource in sorted(files(__package__).iterdir(), key=lambda r: r.name):
        if resource.name.endswith(".toml"):
            section = resource.name.removesuffix(".toml")
            merged.update(_flatten(section, tomllib.loads(resource.read_text("utf-8"))))
    return merged


def t(key: str, /, **params: object) -> str:
    """The Vietnamese text for ``key``, with ``{placeholders}`` filled from ``params``."""
    text = catalog()[key]
    return text.format(**params) if params else text
