"""Tax codes (mã số thuế): organisations, their dependent units, and individuals.

- Organisations have 10 digits, the last one a check digit ([P], content-facts §3).
- Dependent units (branches) add a 3-digit suffix: ``NNNNNNNNNN-NNN`` ([P]).
- Since 1/7/2025 an individual's or household business's tax code is the 12-digit personal
  identification number (Circular 86/2024/TT-BTC) [V].
"""

from __future__ import annotations

from kynangso.vn._text import is_ascii_digits
from kynangso.vn.cccd import parse_cccd

CHECK_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)


def _check_digit(first_nine: str) -> int | None:
    """The check digit of a 10-digit tax code, or None when the rule does not give one.

    The published rule is N10 = 10 − (Σ Nᵢ·Wᵢ mod 11). A remainder of 0 gives 10, which is
    not a digit; some validators then write 0, others reject the code. A remainder of 10
    gives 0, which collides with that first reading. Because implementations disagree on
    both cases and the tax authority's own handling was not found, we reject codes with
    remainder 0 or 10 rather than accept a code that another validator would refuse.
    """
    remainder = sum(int(n) * w for n, w in zip(first_nine, CHECK_WEIGHTS)) % 11
    if remainder in (0, 10):
        return None
    return 10 - remainder


def _valid_organisation_code(code: str) -> bool:
    if len(code) != 10 or not is_ascii_digits(code):
        return False
    return _check_digit(code[:9]) == int(code[9])


def _valid_branch_code(code: str) -> bool:
    """13 digits, written NNNNNNNNNN-NNN or run together; the suffix is 001–999."""
    if len(code) == 14 and code[10] == "-":
        code = code[:10] + code[11:]
    if len(code) != 13 or not is_ascii_digits(code):
        return False
    return _valid_organisation_code(code[:10]) and code[10:] != "000"


def _valid_personal_code(code: str) -> bool:
    try:
        parse_cccd(code)
    except ValueError:
        return False
    return True


def validate_mst(code: str) -> bool:
    """True if ``code`` is a well-formed tax code; False for anything else, never raising.

    Accepts 10 digits (organisation, check digit verified), 13 digits with or without the
    dash (dependent unit), and a 12-digit personal identification number (individual).
    Surrounding whitespace is ignored.
    """
    if not isinstance(code, str):
        return False
    code = code.strip()
    if len(code) == 12:
        return _valid_personal_code(code)
    return _valid_organisation_code(code) or _valid_branch_code(code)
