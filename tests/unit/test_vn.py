"""kynangso.vn against hand-checked examples: identifiers, phone prefixes, working days."""

from __future__ import annotations

import random
import unicodedata
from datetime import date, datetime, timedelta

import pytest

from kynangso.vn import (
    DOSSIER_STATUSES,
    PROVINCES,
    CitizenId,
    add_working_days,
    is_working_day,
    normalise_mobile,
    parse_cccd,
    phone_carrier,
    public_holidays,
    validate_mst,
)

THIS_YEAR = date.today().year


# --- personal identification numbers -------------------------------------------------


def test_parse_cccd_reads_every_field():
    assert parse_cccd("001203012345") == CitizenId(
        number="001203012345", province_code="001", province="Hà Nội", sex="Nam",
        birth_year=2003, serial="012345",
    )


@pytest.mark.parametrize(
    ("number", "sex", "year"),
    [
        ("079085000001", "Nam", 1985),
        ("079185000001", "Nữ", 1985),
        ("040000999999", "Nam", 1900),
        ("040199999999", "Nữ", 1999),
        ("096210000000", "Nam", 2010),
        ("096310000000", "Nữ", 2010),
    ],
)
def test_century_and_sex_digit(number, sex, year):
    citizen = parse_cccd(number)
    assert (citizen.sex, citizen.birth_year) == (sex, year)


def test_surrounding_whitespace_is_accepted_and_dropped():
    citizen = parse_cccd(" \t044190000123\n")
    assert citizen.number == "044190000123"
    assert citizen.province == "Quảng Bình"
    assert citizen.serial == "000123"


def test_birth_in_the_current_year_is_accepted():
    digit = 2 * ((THIS_YEAR - 1900) // 100)
    number = f"001{digit}{THIS_YEAR % 100:02d}000001"
    assert parse_cccd(number).birth_year == THIS_YEAR


@pytest.mark.parametrize(
    ("number", "expected_words"),
    [
        ("", "Chưa nhập"),
        ("   ", "Chưa nhập"),
        ("00120301234", "11 chữ số"),
        ("0012030123456", "13 chữ số"),
        ("00120301234A", "ký tự thứ 12 là «A»"),
        ("001 203 012345", "ký tự thứ 4 là « »"),
        ("001-203012345", "«-»"),
        ("００１203012345", "ký tự thứ 1"),  # full-width digits are not ASCII digits
        ("003203012345", "«003»"),
        ("999203012345", "«999»"),
        ("001403012345", "năm sinh 2103"),
        ("001903012345", "năm sinh 2303"),
    ],
)
def test_bad_numbers_name_the_problem_in_vietnamese(number, expected_words):
    with pytest.raises(ValueError) as error:
        parse_cccd(number)
    assert expected_words in str(error.value)
    assert unicodedata.is_normalized("NFC", str(error.value))


def test_next_year_is_a_future_birth_year():
    next_year = THIS_YEAR + 1
    digit = 2 * ((next_year - 1900) // 100)
    with pytest.raises(ValueError, match=f"năm sinh {next_year}"):
        parse_cccd(f"001{digit}{next_year % 100:02d}000001")


@pytest.mark.parametrize("value", [None, 1203012345, 1.5, b"001203012345"])
def test_non_text_is_a_value_error(value):
    with pytest.raises(ValueError, match="chuỗi chữ số"):
        parse_cccd(value)


def test_every_province_code_parses():
    for code, name in PROVINCES.items():
        assert parse_cccd(f"{code}199000001").province == name


def test_province_table_has_the_63_pre_merger_codes():
    assert len(PROVINCES) == 63
    assert all(len(code) == 3 and code.isdigit() for code in PROVINCES)
    assert PROVINCES["079"] == "TP Hồ Chí Minh"
    assert PROVINCES["049"] == "Quảng Nam"
    assert all(unicodedata.is_normalized("NFC", name) for name in PROVINCES.values())
    with pytest.raises(TypeError):
        PROVINCES["100"] = "Nowhere"  # type: ignore[index]


# --- tax codes ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code",
    [
        "0100109106",  # the worked example: Σ = 114, 114 mod 11 = 4, check digit 10 − 4 = 6
        " 0100109106 ",
        "0301234562",  # Σ = 250, 250 mod 11 = 8, check digit 10 − 8 = 2
        "0100109106-001",
        "0100109106001",
        "0100109106-999",
        "001203012345",  # 12 digits: a personal identification number
    ],
)
def test_valid_tax_codes(code):
    assert validate_mst(code) is True


@pytest.mark.parametrize(
    "code",
    [
        "0100109107",  # wrong check digit
        "0100109105",
        "010010910",  # 9 digits
        "01001091060",  # 11 digits
        "010010910A",
        "0100109106-000",  # branch suffix must be 001–999
        "0100109107-001",  # branch of an invalid organisation code
        "010010910-6001",  # dash in the wrong place
        "0100109106_001",
        "0100109106 - 001",
        "0100109106-01",
        "999203012345",  # 12 digits but no such province
        "001403012345",  # 12 digits but born in 2103
        "",
        "   ",
    ],
)
def test_invalid_tax_codes(code):
    assert validate_mst(code) is False


@pytest.mark.parametrize(
    ("first_nine", "remainder"),
    [("010000005", 0), ("010000030", 0), ("010000001", 10)],
)
def test_ambiguous_remainders_are_rejected_for_every_last_digit(first_nine, remainder):
    weights = (31, 29, 23, 19, 17, 13, 7, 5, 3)
    assert sum(int(n) * w for n, w in zip(first_nine, weights)) % 11 == remainder
    # Remainder 0 gives "10", not a digit; remainder 10 gives 0, which collides with the
    # readings that write 10 as 0. No final digit makes such a code valid.
    assert not any(validate_mst(first_nine + str(d)) for d in range(10))
    assert not any(validate_mst(f"{first_nine}{d}-001") for d in range(10))


@pytest.mark.parametrize("value", [None, 100109106, 100109106.0, b"0100109106", ["0100109106"], object()])
def test_non_text_is_false_not_an_error(value):
    assert validate_mst(value) is False


# --- mobile numbers -------------------------------------------------------------------


@pytest.mark.parametrize(
    "number",
    [
        "0912345678", "+84912345678", "84912345678", "+84 91 234 5678", "0912.345.678",
        "091-234-5678", " 0912 345 678 ", "+84-912-345-678", "84.912.345.678",
        "+84 0912 345 678",  # the trunk 0 written after the country code
    ],
)
def test_prefix_formats_are_normalised(number):
    assert normalise_mobile(number) == "0912345678"
    assert phone_carrier(number) == "VinaPhone"


@pytest.mark.parametrize(
    ("number", "carrier"),
    [
        ("0868123456", "Viettel"), ("0961234567", "Viettel"), ("0971234567", "Viettel"),
        ("0981234567", "Viettel"), ("0321234567", "Viettel"), ("0391234567", "Viettel"),
        ("0881234567", "VinaPhone"), ("0941234567", "VinaPhone"), ("0811234567", "VinaPhone"),
        ("0851234567", "VinaPhone"),
        ("0891234567", "MobiFone"), ("0901234567", "MobiFone"), ("0931234567", "MobiFone"),
        ("0701234567", "MobiFone"), ("0761234567", "MobiFone"), ("0791234567", "MobiFone"),
        ("0921234567", "Vietnamobile"), ("0561234567", "Vietnamobile"), ("0581234567", "Vietnamobile"),
        ("0991234567", "Gmobile"), ("0591234567", "Gmobile"),
        ("0871234567", "Itelecom"),
        ("0551234567", "Wintel"),
    ],
)
def test_carrier_by_prefix(number, carrier):
    assert phone_carrier(number) == carrier


# The table of content-facts §3, typed out again so a slip in CARRIER_PREFIXES shows up.
FACTS_PREFIXES = {
    "Viettel": "086 096 097 098 032 033 034 035 036 037 038 039",
    "VinaPhone": "088 091 094 081 082 083 084 085",
    "MobiFone": "089 090 093 070 076 077 078 079",
    "Vietnamobile": "092 056 058",
    "Gmobile": "099 059",
    "Itelecom": "087",
    "Wintel": "055",
}


def test_every_prefix_of_the_facts_table_in_every_written_form():
    for carrier, prefixes in FACTS_PREFIXES.items():
        for prefix in prefixes.split():
            rest = prefix[1:]
            for written in (f"{prefix}1234567", f"+84 {rest} 123 4567", f"84{rest}.123.4567", f"{prefix}-123-4567"):
                assert phone_carrier(written) == carrier, written
    all_prefixes = {p for prefixes in FACTS_PREFIXES.values() for p in prefixes.split()}
    assert len(all_prefixes) == 35
    for first_three in (f"0{n:02d}" for n in range(100)):
        if first_three not in all_prefixes:
            assert phone_carrier(f"{first_three}1234567") is None, first_three


@pytest.mark.parametrize(
    "number",
    [
        # prefixes no carrier uses
        "0311234567", "0711234567", "0751234567", "0801234567", "0951234567", "0571234567",
        "024 3825 1234", "+84 24 3825 1234", "028 3829 1234", "0236 3822 123",  # landlines
        "091234567", "09123456789", "912345678", "+8491234567", "0084912345678",  # wrong length
        "09123a5678", "0912 345 67x", "+84+912345678", "(091) 234 5678", "", "   ", "0",
        None, 912345678, 84912345678.0,
    ],
)
def test_not_a_known_mobile_number(number):
    assert phone_carrier(number) is None


# --- working days ---------------------------------------------------------------------


def test_tet_2026_is_five_days_off():
    tet = [date(2026, 2, day) for day in range(16, 21)]  # New Year's Eve to the 4th day
    assert all(day in public_holidays(2026) for day in tet)
    assert not any(is_working_day(day) for day in tet)
    assert add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 23)
    assert add_working_days(date(2026, 2, 12), 3) == date(2026, 2, 24)


def test_tet_2025_with_its_observed_days():
    # Tết 29/1/2025 (Wed): 27/1 to 31/1 off, then a weekend.
    assert add_working_days(date(2025, 1, 24), 1) == date(2025, 2, 3)


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (date(2024, 8, 30), date(2024, 9, 4)),  # 2/9 (Mon) and 3/9
        (date(2025, 8, 29), date(2025, 9, 3)),  # 1/9 (Mon) and 2/9
        (date(2026, 8, 28), date(2026, 9, 3)),  # 31/8 swapped, 1/9 and 2/9
    ],
)
def test_national_day_with_its_adjacent_day(start, expected):
    assert add_working_days(start, 1) == expected


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (date(2025, 12, 31), 1, date(2026, 1, 2)),  # 1/1 in between
        (date(2027, 12, 31), 1, date(2028, 1, 4)),  # 1/1/2028 is a Saturday: off on Monday 3/1
        (date(2025, 12, 26), 5, date(2026, 1, 5)),
        (date(2026, 3, 7), 1, date(2026, 3, 9)),  # from a Saturday
        (date(2026, 3, 6), 5, date(2026, 3, 13)),  # a plain week
        (date(2026, 4, 24), 1, date(2026, 4, 28)),  # Hùng Kings on Sunday 26/4, off on 27/4
        (date(2026, 4, 29), 1, date(2026, 5, 4)),  # 30/4 and 1/5
    ],
)
def test_add_working_days(start, days, expected):
    assert add_working_days(start, days) == expected


def test_zero_days_returns_the_start_even_on_a_holiday():
    assert add_working_days(date(2026, 2, 17), 0) == date(2026, 2, 17)


def test_a_datetime_counts_as_its_date():
    assert add_working_days(datetime(2026, 2, 13, 16, 45), 1) == date(2026, 2, 23)


def test_labour_code_article_112_holidays_are_all_present():
    lunar_new_year = {2024: date(2024, 2, 10), 2025: date(2025, 1, 29), 2026: date(2026, 2, 17),
                      2027: date(2027, 2, 6)}
    hung_kings = {2024: date(2024, 4, 18), 2025: date(2025, 4, 7), 2026: date(2026, 4, 26),
                  2027: date(2027, 4, 16)}
    for year, tet in lunar_new_year.items():
        days_off = public_holidays(year)
        fixed = [date(year, 1, 1), date(year, 4, 30), date(year, 5, 1), date(year, 9, 2)]
        tet_days = [tet + timedelta(days=k) for k in range(-1, 4)]
        assert all(day in days_off for day in [*fixed, *tet_days, hung_kings[year]]), year
        assert date(year, 9, 1) in days_off or date(year, 9, 3) in days_off, year


def test_holiday_names_are_vietnamese_and_cached():
    assert public_holidays(2026)[date(2026, 2, 17)] == "Tết Nguyên Đán"
    assert public_holidays(2026) is public_holidays(2026)


def test_negative_days_are_refused_in_vietnamese():
    with pytest.raises(ValueError, match="không được âm"):
        add_working_days(date(2026, 1, 5), -1)


@pytest.mark.parametrize(("start", "days"), [("2026-01-05", 1), (None, 1), (date(2026, 1, 5), 1.5),
                                             (date(2026, 1, 5), "3"), (date(2026, 1, 5), True)])
def test_wrong_types_are_refused_in_vietnamese(start, days):
    with pytest.raises(ValueError, match="phải là"):
        add_working_days(start, days)


def test_the_end_of_the_calendar_is_a_clear_error():
    with pytest.raises(ValueError, match="ngoài khoảng lịch"):
        add_working_days(date(9999, 12, 30), 5)


# --- dossier statuses -----------------------------------------------------------------


def test_dossier_statuses():
    assert list(DOSSIER_STATUSES) == list(range(1, 11))
    assert DOSSIER_STATUSES[5] == "Yêu cầu bổ sung giấy tờ"
    assert DOSSIER_STATUSES[10] == "Đã trả kết quả"
    assert len(set(DOSSIER_STATUSES.values())) == 10


# --- robustness: random input never escapes as anything but the promised result -------


def test_random_input_never_breaks_the_contracts():
    pieces = ["0", "1", "9", "+84", "84", " ", "-", ".", "\t", "０", "²", "a", "Đ", "\x00", "\u200b", "-001",
              "0100109106", "001203012345", "0912345678", "\ud800"]
    rng = random.Random(3)
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(0, 8)))
        assert validate_mst(text) in (True, False), repr(text)
        assert phone_carrier(text) in (None, *FACTS_PREFIXES), repr(text)
        try:
            citizen = parse_cccd(text)
        except ValueError as error:
            assert str(error) and unicodedata.is_normalized("NFC", str(error)), repr(text)
        else:
            assert citizen.number == text.strip() and len(citizen.number) == 12, repr(text)
