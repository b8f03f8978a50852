"""Personal identification numbers (số định danh cá nhân, printed on the chip ID card).

Layout of the numbers issued so far (Decree 137/2015/NĐ-CP, Art. 13): a 3-digit code of the
province where the birth was registered, 1 digit for century and sex, 2 digits of the birth
year and 6 random digits. Today's law (Law on Identity 2023, Decree 70/2024) only promises
12 digits, so lessons teach this as "how the numbers issued so far are built".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kynangso.messages import t
from kynangso.vn._text import ASCII_DIGITS, type_name
from kynangso.vn.provinces import PROVINCES

LENGTH = 12


@dataclass(frozen=True)
class CitizenId:
    """What a personal identification number tells about its holder."""

    number: str
    province_code: str
    province: str
    sex: str
    birth_year: int
    serial: str


def parse_cccd(number: str) -> CitizenId:
    """Read a 12-digit personal identification number.

    Surrounding whitespace is ignored. Anything else that is wrong raises ``ValueError``
    whose Vietnamese message names the problem, so a lesson can show it as it is.
    """
    if not isinstance(number, str):
        raise ValueError(t("vn.cccd.not_text", kind=type_name(number)))
    digits = number.strip()
    if not digits:
        raise ValueError(t("vn.cccd.empty"))
    for position, char in enumerate(digits, start=1):
        if char not in ASCII_DIGITS:
            raise ValueError(t("vn.cccd.non_digit", position=position, char=char))
    if len(digits) != LENGTH:
        raise ValueError(t("vn.cccd.length", length=len(digits)))

    province_code = digits[:3]
    if province_code not in PROVINCES:
        raise ValueError(t("vn.cccd.unknown_province", code=province_code))

    # The 4th digit d encodes century 1900 + 100·(d // 2) and sex (even male, odd female).
    century_sex = int(digits[3])
    birth_year = 1900 + 100 * (century_sex // 2) + int(digits[4:6])
    if birth_year > date.today().year:
        raise ValueError(
            t("vn.cccd.future_birth_year", digit=digits[3], yy=digits[4:6], year=birth_year)
        )

    return CitizenId(
        number=digits,
        province_code=province_code,
        province=PROVINCES[province_code],
        sex=t("vn.sex.female") if century_sex % 2 else t("vn.sex.male"),
        birth_year=birth_year,
        serial=digits[6:],
    )
