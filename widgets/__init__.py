"""Interactive pieces that lessons are built from (imported as ``kynangso.widgets``).

Widgets load on first use, so a lesson that needs only a quiz does not pay for the PKI
or pandas imports of the others: that keeps the resident's page quick to start.
"""

from importlib import import_module

_MODULES = {
    "Option": "kynangso.widgets.quiz",
    "Quiz": "kynangso.widgets.quiz",
    "PortalSimulator": "kynangso.widgets.portal",
    "SignatureLab": "kynangso.widgets.signature_lab",
    "Storefront": "kynangso.widgets.storefront",
    "ScamSpotter": "kynangso.widgets.scam_spotter",
}

__all__ = list(_MODULES)


def __getattr__(name: str):
    if name not in _MODULES:
        raise AttributeError(f"module 'kynangso.widgets' has no attribute {name!r}")
    return getattr(import_module(_MODULES[name]), name)
