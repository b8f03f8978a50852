"""Small helpers shared by the identifier parsers."""

from __future__ import annotations

ASCII_DIGITS = frozenset("0123456789")


def type_name(value: object) -> str:
    """A short name for the type of ``value``, for error messages."""
    return "None" if value is None else type(value).__name__


def is_ascii_digits(text: str) -> bool:
    """True for a non-empty string of 0-9 only (``str.isdigit`` also accepts ``"²"`` or ``"٣"``)."""
    return bool(text) and ASCII_DIGITS.issuperset(text)
