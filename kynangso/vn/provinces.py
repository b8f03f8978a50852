"""Province codes found in personal identification numbers.

The table lists the 63 provinces that existed before the 1 July 2025 merger, because those
are the codes in every number issued so far ([P] in content-facts §3). It lives in
``kynangso/data/provinces.csv`` so that lessons, datasets and this module share one copy.
"""

from __future__ import annotations

import csv
from importlib.resources import files
from types import MappingProxyType


def _read_provinces() -> dict[str, str]:
    # Reached through the top-level package so importing kynangso.vn never imports
    # kynangso.data (which imports pandas and, in turn, this package).
    text = files("kynangso").joinpath("data", "provinces.csv").read_text(encoding="utf-8")
    return {row["code"]: row["name"] for row in csv.DictReader(text.splitlines())}


PROVINCES: MappingProxyType[str, str] = MappingProxyType(_read_provinces())
"""Three-digit province code → Vietnamese province name (pre-merger), read-only."""
