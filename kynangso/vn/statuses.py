"""Dossier status codes of the public-service portals.

[P]: this numbering is widely used by integrations with the National Public Service Portal,
but the official specification was not retrieved (content-facts §2). Labels live in the
message catalog (``vn.dossier_status``).
"""

from __future__ import annotations

from types import MappingProxyType

from kynangso.messages import t

DOSSIER_STATUSES: MappingProxyType[int, str] = MappingProxyType(
    {code: t(f"vn.dossier_status.{code}") for code in range(1, 11)}
)
"""Status code (1–10) → Vietnamese label, read-only."""
