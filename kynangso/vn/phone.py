"""Mobile carriers by number prefix ([P], content-facts §3).

Subscribers can keep their number when they change carrier, so the carrier found here is
only a hint. Landlines (02x, 11 digits) and unknown prefixes give None.
"""

from __future__ import annotations

from kynangso.vn._text import is_ascii_digits

CARRIER_PREFIXES: dict[str, tuple[str, ...]] = {
    "Viettel": ("086", "096", "097", "098", "032", "033", "034", "035", "036", "037", "038", "039"),
    "VinaPhone": ("088", "091", "094", "081", "082", "083", "084", "085"),
    "MobiFone": ("089", "090", "093", "070", "076", "077", "078", "079"),
    "Vietnamobile": ("092", "056", "058"),
    "Gmobile": ("099", "059"),
    "Itelecom": ("087",),
    "Wintel": ("055",),
}

_CARRIER_BY_PREFIX = {p: carrier for carrier, prefixes in CARRIER_PREFIXES.items() for p in prefixes}
_SEPARATORS = str.maketrans("", "", " .-\t")
NATIONAL_LENGTH = 10  # a leading 0 and nine digits


def normalise_mobile(number: str) -> str | None:
    """The national form ``0xxxxxxxxx`` of a mobile number, or None if it is not one.

    Accepts ``+84``, ``84`` and ``0`` prefixes (and the common ``+84 0…`` slip), with spaces,
    dots or dashes anywhere.
    """
    if not isinstance(number, str):
        return None
    compact = number.translate(_SEPARATORS)
    if compact.startswith("+84"):
        subscriber = compact[3:]
    elif compact.startswith("84") and len(compact) == NATIONAL_LENGTH + 1:
        subscriber = compact[2:]
    elif compact.startswith("0"):
        subscriber = compact[1:]
    else:
        return None
    if len(subscriber) == NATIONAL_LENGTH and subscriber.startswith("0"):
        subscriber = subscriber[1:]  # "+84 0912…": the trunk 0 written after the country code
    national = "0" + subscriber
    if len(national) != NATIONAL_LENGTH or not is_ascii_digits(national):
        return None
    return national


def phone_carrier(number: str) -> str | None:
    """The carrier that owns the prefix of a Vietnamese mobile number, or None. Never raises."""
    national = normalise_mobile(number)
    return None if national is None else _CARRIER_BY_PREFIX.get(national[:3])
