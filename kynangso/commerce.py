"""Exact money rules for household sellers online: platform withholding and the 2026 threshold.

All amounts are whole VND as ``int``. Rates are ``Decimal`` and every product is computed
with integer arithmetic, so no binary floating point ever touches money and amounts of any
size stay exact. A share of an amount is rounded half up to the whole đồng, the way a
receipt is read by a person (0.5 đồng becomes 1).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType

from kynangso.messages import t


@dataclass(frozen=True)
class TaxRates:
    """The VAT and PIT shares of one order that a platform withholds."""

    vat: Decimal
    pit: Decimal


# Decree 117/2025/NĐ-CP (effective 1/7/2025): platforms with a payment function withhold
# these shares of each paid order from resident individual and household sellers.
# content-facts.md §5 [V]. If the category of an order is unclear, the highest rate applies.
WITHHOLDING_RATES: Mapping[str, TaxRates] = MappingProxyType({
    "goods": TaxRates(vat=Decimal("0.01"), pit=Decimal("0.005")),
    "services": TaxRates(vat=Decimal("0.05"), pit=Decimal("0.02")),
    # Transport, and services tied to goods.
    "transport": TaxRates(vat=Decimal("0.03"), pit=Decimal("0.015")),
})
WITHHOLDING_SOURCE_KEY = "commerce.source.withholding"

# From 1/1/2026 households with yearly revenue up to this amount pay no tax, and tax applies
# only to the revenue above it. Source: the amended PIT law passed on 10/12/2025 [V]; the
# law's number is unconfirmed [U], so lessons cite it by date (see THRESHOLD_SOURCE_KEY).
HOUSEHOLD_THRESHOLD_VND_2026 = 500_000_000
THRESHOLD_SOURCE_KEY = "commerce.source.threshold"


@dataclass(frozen=True)
class Withholding:
    """Tax a platform keeps back from one order, in whole VND."""

    vat: int
    pit: int
    total: int


@dataclass(frozen=True)
class SaleBreakdown:
    """Where the money of one order goes, in whole VND, for a seller to read line by line."""

    price: int
    platform_fee: int
    shipping: int
    vat: int
    pit: int
    seller_receives: int


def platform_withholding(amount_vnd: int, category: str) -> Withholding:
    """VAT and PIT a platform withholds from an order of ``amount_vnd`` (Decree 117/2025).

    Each tax is rounded half up on its own, because VAT and PIT are declared separately,
    and ``total`` is their sum, so the total always equals the two lines a seller sees.
    """
    amount = _whole_vnd(amount_vnd, "amount")
    rates = _rates_for(category)
    vat = share_of(amount, rates.vat)
    pit = share_of(amount, rates.pit)
    return Withholding(vat=vat, pit=pit, total=vat + pit)


def seller_net(
    price_vnd: int,
    *,
    platform_fee_rate: Decimal,
    shipping_vnd: int = 0,
    category: str = "goods",
) -> SaleBreakdown:
    """What a seller receives from one paid order after the platform's deductions.

    ``shipping_vnd`` is the part of shipping the seller pays. As a teaching simplification
    the platform fee and the withheld tax are both taken on the price. The result may be
    negative: that is a sale at a loss, which a lesson should be able to show.
    """
    price = _whole_vnd(price_vnd, "price")
    shipping = _whole_vnd(shipping_vnd, "shipping")
    fee = share_of(price, _fee_rate(platform_fee_rate))
    tax = platform_withholding(price, category)
    return SaleBreakdown(
        price=price,
        platform_fee=fee,
        shipping=shipping,
        vat=tax.vat,
        pit=tax.pit,
        seller_receives=price - fee - shipping - tax.total,
    )


def taxable_revenue(yearly_revenue_vnd: int) -> int:
    """The part of a household's 2026 yearly revenue above the tax-free threshold."""
    revenue = _whole_vnd(yearly_revenue_vnd, "yearly_revenue")
    return max(0, revenue - HOUSEHOLD_THRESHOLD_VND_2026)


def share_of(amount_vnd: int, rate: Decimal) -> int:
    """``amount_vnd × rate`` rounded half up to whole VND, exactly, for non-negative inputs."""
    numerator, denominator = rate.as_integer_ratio()
    return (2 * amount_vnd * numerator + denominator) // (2 * denominator)


def category_choices() -> str:
    """The allowed categories with their Vietnamese names, for messages and menus."""
    return ", ".join(
        t("commerce.error.category_choice", code=code, name=t(f"commerce.category.{code}"))
        for code in WITHHOLDING_RATES
    )


def _rates_for(category: object) -> TaxRates:
    if isinstance(category, str) and category in WITHHOLDING_RATES:
        return WITHHOLDING_RATES[category]
    raise ValueError(t("commerce.error.unknown_category", category=category, choices=category_choices()))


def _whole_vnd(value: object, field: str) -> int:
    """``value`` if it is a whole, non-negative number of đồng; bool and float are refused."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(t("commerce.error.not_whole_vnd", field=t(f"commerce.field.{field}"), value=value))
    if value < 0:
        raise ValueError(t("commerce.error.negative", field=t(f"commerce.field.{field}"), value=value))
    return value


def _fee_rate(value: object) -> Decimal:
    if isinstance(value, Decimal) and value.is_finite() and 0 <= value <= 1:
        return value
    raise ValueError(t("commerce.error.bad_fee_rate", value=value))
