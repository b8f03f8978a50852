"""The Storefront widget, driven the way a browser drives it: set a control's value, click."""

from __future__ import annotations

import html
import unicodedata
from decimal import Decimal

import pytest

from kynangso.commerce import platform_withholding, share_of
from kynangso.messages import catalog, t
from kynangso.widgets import Storefront
from kynangso.widgets.storefront import (
    format_rate,
    format_vnd,
    parse_vnd,
    photo_advice,
    price_advice,
    title_advice,
)

GOOD_TITLE = "Mật ong hoa cà phê Quảng Trị chai 500ml"


def levels(advice) -> set[str]:
    return {a.level for a in advice}


def texts(advice) -> str:
    return " ".join(a.text for a in advice)


def priced(price="150.000", cost="100.000", shipping="0", category="goods", fee=Decimal("0.05")) -> Storefront:
    shop = Storefront()
    shop.fee_input.value = fee
    shop.category_input.value = category
    for name, text in (("price", price), ("cost", cost), ("shipping", shipping)):
        shop.money_inputs[name].value = text
    return shop


# ---------------------------------------------------------------- money text

@pytest.mark.parametrize(("text", "amount"), [
    ("150000", 150_000), ("150.000", 150_000), ("150.000 đ", 150_000), (" 150.000đ ", 150_000),
    ("150k", 150_000), ("1.250.000 VND", 1_250_000), ("0", 0), ("150.000 đồng", 150_000),
])
def test_money_is_read_the_ways_sellers_type_it(text, amount):
    assert parse_vnd(text) == amount


@pytest.mark.parametrize("text", ["", "abc", "-5000", "150,5", "15.00", "1.5k", "12.3456", "2.000.000.000"])
def test_unreadable_or_absurd_money_is_refused_in_vietnamese(text):
    with pytest.raises(ValueError) as error:
        parse_vnd(text)
    assert "số" in str(error.value) and unicodedata.is_normalized("NFC", str(error.value))


def test_money_and_rates_print_the_vietnamese_way():
    assert format_vnd(1_250_000) == "1.250.000 đ" and format_vnd(-750) == "-750 đ" and format_vnd(0) == "0 đ"
    assert format_rate(Decimal("0.005")) == "0,5%" and format_rate(Decimal("0.05")) == "5%"


# ---------------------------------------------------------------- listing advice

def test_a_shouting_spammy_boastful_title_gets_every_warning():
    advice = title_advice("MẬT ONG RỪNG TỐT NHẤT CHỮA KHỎI HO!!!")
    joined = texts(advice)
    assert t("storefront.advice.title_caps") in joined
    assert t("storefront.advice.title_punctuation") in joined
    assert "«tốt nhất»" in joined and "«chữa khỏi»" in joined
    assert t("storefront.advice.title_no_quantity") in joined
    assert "bad" in levels(advice)


def test_an_honest_specific_title_gets_only_praise():
    advice = title_advice(GOOD_TITLE, keywords=("mật ong",))
    assert levels(advice) == {"ok"}, texts(advice)


@pytest.mark.parametrize(("title", "expected"), [
    ("", "storefront.advice.title_empty"),
    ("Mật ong 1kg", "storefront.advice.title_short"),
    ("Mật ong " * 20 + "1kg", "storefront.advice.title_long"),
])
def test_title_length_is_judged(title, expected):
    joined = texts(title_advice(title))
    assert catalog()[expected].split("{")[0] in joined


def test_a_missing_search_word_is_pointed_out_with_the_words_buyers_use():
    advice = title_advice("Hũ đặc sản nhà làm ngon 500g", keywords=("mật ong", "hoa cà phê"))
    assert t("storefront.advice.title_no_keyword", keywords="mật ong, hoa cà phê") in texts(advice)


@pytest.mark.parametrize(("count", "level"), [(0, "bad"), (1, "warn"), (2, "warn"), (3, "ok"), (8, "ok")])
def test_photo_count_advice(count, level):
    assert photo_advice(count).level == level


def test_the_widget_shows_listing_advice_live_as_the_seller_types():
    shop = Storefront(keywords=("mật ong",))
    shop.title_input.value = "MẬT ONG RỪNG!!!"
    assert "kns-advice-bad" in shop.listing_advice.value
    assert html.escape(t("storefront.advice.title_caps")) in shop.listing_advice.value
    shop.title_input.value = GOOD_TITLE
    shop.photos_input.value = 4
    for box in shop.honesty_inputs.values():
        box.value = True
    assert shop.title == GOOD_TITLE and shop.photos == 4
    assert "kns-advice-bad" not in shop.listing_advice.value and "kns-advice-warn" not in shop.listing_advice.value
    assert t("storefront.honesty.all_done") in shop.listing_advice.value


def test_an_unticked_honesty_item_is_named():
    shop = Storefront()
    for item, box in shop.honesty_inputs.items():
        box.value = item != "expiry"
    assert t("storefront.honesty.missing", items=t("storefront.honesty.expiry").lower()) in shop.listing_advice.value


def test_a_typed_title_is_escaped_in_the_page():
    shop = Storefront()
    shop.title_input.value = "<script>alert(1)</script> mật ong 500g"
    shop.money_inputs["price"].value = "100000"
    shop.new_order_button.click()
    assert "<script>" not in shop.order_view.value and "&lt;script&gt;" in shop.order_view.value


# ---------------------------------------------------------------- price breakdown

@pytest.mark.parametrize("category", ["goods", "services", "transport"])
@pytest.mark.parametrize(("price", "shipping", "fee"), [
    (150_000, 0, Decimal("0.05")), (99_999, 15_000, Decimal("0.08")), (1_234_567, 30_000, Decimal("0.03")),
])
def test_breakdown_matches_platform_withholding(category, price, shipping, fee):
    shop = priced(price=str(price), shipping=str(shipping), category=category, fee=fee)
    sale = shop.breakdown()
    tax = platform_withholding(price, category)
    assert (sale.vat, sale.pit) == (tax.vat, tax.pit)
    assert sale.platform_fee == share_of(price, fee)
    assert sale.seller_receives == price - share_of(price, fee) - shipping - tax.total
    assert shop.profit() == sale.seller_receives - 100_000
    shown = shop.breakdown_view.value
    for amount in (price, -tax.vat, -tax.pit, sale.seller_receives, -shipping):
        assert f"<td>{format_vnd(amount)}</td>" in shown


def test_the_worked_example_of_the_pricing_lesson():
    shop = priced(price="150.000", cost="100.000", shipping="15.000")
    sale = shop.breakdown()
    assert (sale.platform_fee, sale.vat, sale.pit, sale.seller_receives) == (7_500, 1_500, 750, 125_250)
    assert shop.profit() == 25_250
    assert t("storefront.advice.price_profit", amount="25.250 đ") in shop.breakdown_view.value


def test_a_price_below_cost_after_deductions_is_called_a_loss():
    shop = priced(price="105.000", cost="100.000", shipping="10.000")
    assert shop.profit() < 0
    assert t("storefront.advice.price_loss", amount=format_vnd(-shop.profit())) in shop.breakdown_view.value


def test_price_advice_levels():
    shop = priced(price="115.000", cost="100.000")
    assert shop.profit() == 7_525
    assert price_advice(shop.breakdown(), 100_000).level == "warn"  # under 10% of the cost
    assert price_advice(shop.breakdown(), 50_000).level == "ok"
    assert price_advice(None, 50_000).level == "warn"


def test_changing_the_category_or_fee_recomputes_at_once():
    shop = priced(price="200.000")
    shop.category_input.value = "services"
    assert shop.breakdown().vat == 10_000 and "Thuế GTGT sàn khấu trừ (5%)" in shop.breakdown_view.value
    shop.fee_input.value = Decimal("0")
    assert shop.breakdown().platform_fee == 0


def test_bad_money_input_is_explained_and_changes_nothing():
    shop = priced(price="150.000")
    before_view, before = shop.breakdown_view.value, shop.breakdown()
    shop.money_inputs["price"].value = "một trăm nghìn"
    assert shop.price == 150_000 and shop.breakdown() == before and shop.breakdown_view.value == before_view
    assert shop.money_inputs["price"].value == "150.000"
    assert "«một trăm nghìn» không phải số tiền" in shop.money_message.value
    assert t("storefront.money.kept", amount="150.000 đ") in shop.money_message.value
    shop.money_inputs["price"].value = "160000"
    assert shop.price == 160_000 and shop.money_message.value == "" and shop.money_inputs["price"].value == "160.000"


def test_without_a_price_there_is_no_breakdown_yet():
    shop = Storefront()
    assert shop.breakdown() is None and shop.profit() is None
    assert t("storefront.breakdown.empty") in shop.breakdown_view.value


# ---------------------------------------------------------------- the order journey

def ready_shop() -> Storefront:
    shop = priced(price="150.000", cost="100.000", shipping="15.000")
    shop.title_input.value = GOOD_TITLE
    return shop


def visible_actions(shop: Storefront) -> set[str]:
    return {a for a, b in shop.action_buttons.items() if b.layout.display != "none"}


def test_no_order_before_the_listing_has_a_title_and_price():
    shop = Storefront()
    shop.new_order_button.click()
    assert shop.order_status == "none" and shop.orders_started == 0
    assert t("storefront.order.need_listing") in shop.order_view.value


def test_an_order_goes_from_new_to_delivered_and_pays_the_net_amount():
    shop = ready_shop()
    assert visible_actions(shop) == set()
    shop.new_order_button.click()
    assert shop.order_status == "new" and "chị Lê Thị Hồng" in shop.order_view.value
    assert shop.new_order_button.layout.display == "none"
    journey = [("confirm", "confirmed"), ("pack", "packed"), ("hand_over", "shipping"), ("deliver", "delivered")]
    for action, status in journey:
        assert action in visible_actions(shop)
        shop.action_buttons[action].click()
        assert shop.order_status == status
        assert t(f"storefront.order.status.{status}") in shop.order_view.value
    assert "125.250 đ" in shop.order_view.value
    assert visible_actions(shop) == set() and shop.new_order_button.layout.display is None


def test_a_returned_order_brings_no_money():
    shop = ready_shop()
    shop.new_order_button.click()
    for action in ("confirm", "pack", "hand_over"):
        shop.act(action)
    assert visible_actions(shop) == {"deliver", "return"}
    shop.action_buttons["return"].click()
    assert shop.order_status == "returned"
    assert html.escape(t("storefront.order.tip.returned")) in shop.order_view.value


def test_an_action_out_of_turn_is_explained_and_changes_nothing():
    shop = ready_shop()
    shop.new_order_button.click()
    shop.act("hand_over")
    assert shop.order_status == "new"
    assert t("storefront.order.wrong_step", status=t("storefront.order.status.new")) in shop.order_view.value
    shop.new_order()
    assert shop.orders_started == 1 and shop.order_status == "new"


def test_the_order_keeps_the_price_it_was_placed_at():
    shop = ready_shop()
    shop.new_order_button.click()
    shop.money_inputs["price"].value = "300.000"
    for action in ("confirm", "pack", "hand_over", "deliver"):
        shop.act(action)
    assert "125.250 đ" in shop.order_view.value


def test_each_new_order_comes_from_the_next_invented_buyer():
    shop = ready_shop()
    names = []
    for _ in range(3):
        shop.new_order_button.click()
        names.append(shop.buyer()[0])
        for action in ("confirm", "pack", "hand_over", "deliver"):
            shop.act(action)
    assert len(set(names)) == 3 and shop.orders_started == 3


# ---------------------------------------------------------------- shape

def test_sections_choose_what_is_shown_but_every_step_works():
    shop = Storefront(sections=("order",))
    shown = [c for c in shop.children if "kns-store-order" in getattr(c, "_dom_classes", ())]
    assert len(shown) == 1 and not any("kns-store-listing" in getattr(c, "_dom_classes", ()) for c in shop.children)
    shop.title_input.value = GOOD_TITLE
    shop.money_inputs["price"].value = "90.000"
    shop.new_order_button.click()
    assert shop.order_status == "new"


@pytest.mark.parametrize("kwargs", [{"sections": ("shop",)}, {"sections": ()}, {"fee_rate": Decimal("0.5")}])
def test_a_bad_definition_is_refused_in_vietnamese(kwargs):
    with pytest.raises(ValueError, match="Cửa hàng tập"):
        Storefront(**kwargs)


def test_controls_are_full_width_and_buttons_carry_the_touch_class():
    shop = Storefront()
    assert shop.title_input.layout.width == "100%" and shop.fee_input.layout.width == "100%"
    assert all("kns-store-button" in b._dom_classes for b in [*shop.action_buttons.values(), shop.new_order_button])


def test_every_storefront_message_is_nfc_vietnamese():
    messages = {k: v for k, v in catalog().items() if k.startswith("storefront.")}
    assert len(messages) > 40
    assert all(unicodedata.is_normalized("NFC", v) for v in messages.values())


def test_bad_money_before_any_amount_says_only_what_is_wrong():
    shop = Storefront()
    shop.money_inputs["price"].value = "abc"
    message = html.unescape(shop.money_message.value)
    assert "«abc» không phải số tiền" in message and "Vẫn giữ" not in message and "—" not in message
    assert shop.price == -1 and shop.money_inputs["price"].value == ""


def test_a_cleared_money_box_asks_for_an_amount_and_keeps_the_old_one():
    shop = priced(shipping="15.000")
    shop.money_inputs["shipping"].value = ""
    message = html.unescape(shop.money_message.value)
    assert t("storefront.money.empty") in message and t("storefront.money.kept", amount="15.000 đ") in message
    assert shop.shipping == 15_000 and shop.money_inputs["shipping"].value == "15.000"
