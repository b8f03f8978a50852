"""kynangso.commerce: exact withholding under Decree 117/2025, seller breakdowns, 2026 threshold."""

from __future__ import annotations

import random
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, localcontext

import pytest

from kynangso.commerce import (
    HOUSEHOLD_THRESHOLD_VND_2026,
    THRESHOLD_SOURCE_KEY,
    WITHHOLDING_RATES,
    WITHHOLDING_SOURCE_KEY,
    SaleBreakdown,
    Withholding,
    platform_withholding,
    seller_net,
    taxable_revenue,
)
from kynangso.messages import t

CATEGORIES = ("goods", "services", "transport")


@pytest.mark.parametrize(
    ("category", "vat", "pit"),
    [("goods", 10_000, 5_000), ("services", 50_000, 20_000), ("transport", 30_000, 15_000)],
)
def test_rates_of_decree_117_for_each_category(category, vat, pit):
    assert platform_withholding(1_000_000, category) == Withholding(vat=vat, pit=pit, total=vat + pit)


@pytest.mark.parametrize(
    ("amount", "category", "vat", "pit"),
    [
        (100, "goods", 1, 1),  # PIT 0.5 rounds up
        (150, "goods", 2, 1),  # VAT 1.5, PIT 0.75
        (99, "goods", 1, 0),  # PIT 0.495 rounds down
        (101, "goods", 1, 1),  # PIT 0.505
        (300, "services", 15, 6),  # exact
        (10, "services", 1, 0),  # VAT 0.5, PIT 0.2
        (75, "services", 4, 2),  # VAT 3.75, PIT 1.5
        (50, "transport", 2, 1),  # VAT 1.5, PIT 0.75
        (300, "transport", 9, 5),  # PIT 4.5
        (1, "services", 0, 0),
    ],
)
def test_each_tax_is_rounded_half_up_on_its_own(amount, category, vat, pit):
    result = platform_withholding(amount, category)
    assert (result.vat, result.pit, result.total) == (vat, pit, vat + pit)


def test_zero_amount_withholds_nothing():
    for category in CATEGORIES:
        assert platform_withholding(0, category) == Withholding(0, 0, 0)


def test_huge_amounts_stay_exact():
    assert platform_withholding(10**12, "goods") == Withholding(10**10, 5 * 10**9, 15 * 10**9)
    # Far beyond float precision and Decimal's default 28 digits: PIT is 5·10^27 + 0.5.
    assert platform_withholding(10**30 + 100, "goods").pit == 5 * 10**27 + 1


def test_matches_decimal_arithmetic_over_many_amounts():
    rng = random.Random(117)
    amounts = list(range(0, 3000)) + [rng.randrange(10**15) for _ in range(2000)]
    with localcontext() as context:
        context.prec = 60
        for category, rates in WITHHOLDING_RATES.items():
            for amount in amounts:
                vat = int((amount * rates.vat).quantize(Decimal(1), rounding=ROUND_HALF_UP))
                pit = int((amount * rates.pit).quantize(Decimal(1), rounding=ROUND_HALF_UP))
                expected = Withholding(vat, pit, vat + pit)
                assert platform_withholding(amount, category) == expected, (amount, category)


@pytest.mark.parametrize("amount", [1000.0, 0.5, True, False, "1000", Decimal("1000"), None])
def test_amounts_that_are_not_whole_vnd_are_refused(amount):
    with pytest.raises(ValueError, match="số nguyên đồng"):
        platform_withholding(amount, "goods")


def test_negative_amount_is_refused():
    with pytest.raises(ValueError, match="không âm"):
        platform_withholding(-1, "goods")


@pytest.mark.parametrize("category", ["food", "Goods", "", None, "hàng hóa"])
def test_unknown_category_names_the_problem_and_the_choices(category):
    with pytest.raises(ValueError) as error:
        platform_withholding(1000, category)
    message = str(error.value)
    assert f"«{category}»" in message
    for code in CATEGORIES:
        assert f"«{code}» ({t(f'commerce.category.{code}')})" in message
    assert "vận tải và dịch vụ gắn với hàng hóa" in message
    assert unicodedata.is_normalized("NFC", message)


def test_seller_net_breaks_an_order_down_to_the_dong():
    sale = seller_net(200_000, platform_fee_rate=Decimal("0.05"), shipping_vnd=15_000)
    assert sale == SaleBreakdown(
        price=200_000, platform_fee=10_000, shipping=15_000, vat=2_000, pit=1_000, seller_receives=172_000
    )


def test_seller_net_uses_the_category_and_rounds_the_fee():
    sale = seller_net(10_010, platform_fee_rate=Decimal("0.045"), category="services")
    assert (sale.platform_fee, sale.vat, sale.pit) == (450, 501, 200)  # 450.45, 500.5, 200.2
    assert sale.seller_receives == 10_010 - 450 - 501 - 200


def test_seller_net_can_show_a_loss():
    sale = seller_net(10_000, platform_fee_rate=Decimal("0.2"), shipping_vnd=30_000)
    assert sale.seller_receives == 10_000 - 2_000 - 30_000 - 100 - 50


@pytest.mark.parametrize(
    "rate", [0.05, Decimal("1.5"), Decimal("-0.01"), Decimal("NaN"), Decimal("Infinity"), 5, "0.05"]
)
def test_seller_net_refuses_a_bad_fee_rate(rate):
    with pytest.raises(ValueError, match="Tỷ lệ phí sàn"):
        seller_net(100_000, platform_fee_rate=rate)


def test_seller_net_refuses_bad_amounts_and_names_them():
    with pytest.raises(ValueError, match="phí vận chuyển"):
        seller_net(100_000, platform_fee_rate=Decimal("0.05"), shipping_vnd=-1)
    with pytest.raises(ValueError, match="giá bán"):
        seller_net(99.9, platform_fee_rate=Decimal("0.05"))
    with pytest.raises(ValueError, match="«books»"):
        seller_net(100_000, platform_fee_rate=Decimal("0.05"), category="books")


@pytest.mark.parametrize(
    ("revenue", "taxable"),
    [(0, 0), (499_999_999, 0), (500_000_000, 0), (500_000_001, 1), (800_000_000, 300_000_000)],
)
def test_only_revenue_above_the_2026_threshold_is_taxable(revenue, taxable):
    assert HOUSEHOLD_THRESHOLD_VND_2026 == 500_000_000
    assert taxable_revenue(revenue) == taxable


@pytest.mark.parametrize("revenue", [-1, 6e8, True])
def test_taxable_revenue_refuses_bad_input(revenue):
    with pytest.raises(ValueError, match="doanh thu cả năm"):
        taxable_revenue(revenue)


def test_sources_are_cited_without_overstating_them():
    assert "117/2025/NĐ-CP" in t(WITHHOLDING_SOURCE_KEY)
    threshold_source = t(THRESHOLD_SOURCE_KEY)
    assert "10/12/2025" in threshold_source
    assert "chưa được xác nhận" in threshold_source  # the law's number is [U]
