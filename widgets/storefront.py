"""A practice stall: write an honest listing, see where one order's money goes, follow an order.

Household sellers price by habit and are then surprised by the platform fee, their share of
shipping and the tax a platform withholds (Decree 117/2025). Here every change shows its
effect at once, with the exact sums from ``kynangso.commerce``. Three steps (listing,
pricing, order) can be shown together or one per lesson screen. Everything typed lives only
in this widget's memory in the kernel; nothing is written anywhere.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib.resources import files

import ipywidgets as widgets
from traitlets import Int, Unicode

from kynangso.commerce import WITHHOLDING_RATES, SaleBreakdown, seller_net
from kynangso.messages import t
from kynangso.widgets.style import stylesheet

SECTIONS = ("listing", "pricing", "order")
FEE_RATES = (Decimal("0"), Decimal("0.03"), Decimal("0.05"), Decimal("0.08"), Decimal("0.1"))
HONESTY_ITEMS = ("own_photos", "origin", "weight", "expiry")
BUYERS = ("b1", "b2", "b3")
MAX_PRICE_VND = 1_000_000_000

TITLE_MIN, TITLE_MAX = 20, 100
PHOTOS_MIN = 3
THIN_MARGIN = Decimal("0.1")  # profit below 10% of cost leaves nothing for labour and losses
# Claims a household seller cannot prove, or that food and health rules forbid.
SPAMMY_CLAIMS = ("số 1", "số một", "tốt nhất", "rẻ nhất", "ngon nhất", "chữa khỏi", "chữa bệnh",
                 "thần dược", "trị dứt", "cam kết khỏi", "100% khỏi", "hàng auth", "sale sốc")
QUANTITY = re.compile(r"\d+([.,]\d+)?\s*(g|gr|gram|kg|ml|l|lít|lit|cái|chai|hộp|gói|túi|hũ|lọ|bó|quả)\b",
                      re.IGNORECASE)
SPAM_PUNCTUATION = re.compile(r"[!?]{2,}|([$*#~+=])\1|!.*!")

# Order journey: status -> {action: next status}. Anything else is refused with a message.
TRANSITIONS = {
    "new": {"confirm": "confirmed"},
    "confirmed": {"pack": "packed"},
    "packed": {"hand_over": "shipping"},
    "shipping": {"deliver": "delivered", "return": "returned"},
}
ACTIONS = ("confirm", "pack", "hand_over", "deliver", "return")
FINISHED = ("none", "delivered", "returned")


@dataclass(frozen=True)
class Advice:
    """One line of advice; ``level`` is "ok", "warn" or "bad"."""

    level: str
    text: str


# ---------------------------------------------------------------- money text

def format_vnd(amount: int) -> str:
    """``150000`` -> ``"150.000 đ"``: dots between thousands, as Vietnamese receipts write it."""
    sign = "-" if amount < 0 else ""
    return f"{sign}{abs(amount):,} {t('storefront.money.unit')}".replace(",", ".")


def format_rate(rate: Decimal) -> str:
    """``Decimal("0.005")`` -> ``"0,5%"``, with the Vietnamese decimal comma."""
    percent = (rate * 100).normalize()
    return f"{percent:f}".replace(".", ",") + "%"


def parse_vnd(text: str) -> int:
    """Whole đồng from what a seller types: ``150000``, ``150.000``, ``150.000 đ`` or ``150k``."""
    cleaned = unicodedata.normalize("NFC", str(text)).strip().lower()
    cleaned = re.sub(r"\s*(đồng|đ|vnd|vnđ)$", "", cleaned).replace(" ", "")
    if not cleaned:
        raise ValueError(t("storefront.money.empty"))
    if re.fullmatch(r"\d+k", cleaned):
        amount = int(cleaned[:-1]) * 1000
    elif re.fullmatch(r"\d{1,3}(\.\d{3})+|\d+", cleaned):
        amount = int(cleaned.replace(".", ""))
    else:
        raise ValueError(t("storefront.money.not_a_number", text=text))
    if amount > MAX_PRICE_VND:
        raise ValueError(t("storefront.money.too_large", amount=format_vnd(amount)))
    return amount


# ---------------------------------------------------------------- advice rules

def title_advice(title: str, keywords: Iterable[str] = ()) -> list[Advice]:
    """What a buyer scrolling on a phone would think of this product name."""
    title = unicodedata.normalize("NFC", title).strip()
    if not title:
        return [Advice("bad", t("storefront.advice.title_empty"))]
    advice = [_length_advice(len(title))]
    letters = [c for c in title if c.isalpha()]
    if len(letters) >= 8 and sum(c.isupper() for c in letters) > len(letters) / 2:
        advice.append(Advice("bad", t("storefront.advice.title_caps")))
    if SPAM_PUNCTUATION.search(title):
        advice.append(Advice("warn", t("storefront.advice.title_punctuation")))
    lowered = title.lower()
    advice += [Advice("bad", t("storefront.advice.title_claim", claim=claim))
               for claim in SPAMMY_CLAIMS if claim in lowered]
    if QUANTITY.search(title):
        advice.append(Advice("ok", t("storefront.advice.title_quantity_ok")))
    else:
        advice.append(Advice("warn", t("storefront.advice.title_no_quantity")))
    keywords = tuple(keywords)
    if keywords:
        found = any(k.lower() in lowered for k in keywords)
        advice.append(Advice("ok", t("storefront.advice.title_keyword_ok")) if found else
                      Advice("warn", t("storefront.advice.title_no_keyword", keywords=", ".join(keywords))))
    return advice


def _length_advice(length: int) -> Advice:
    if length < TITLE_MIN:
        return Advice("warn", t("storefront.advice.title_short", length=length))
    if length > TITLE_MAX:
        return Advice("warn", t("storefront.advice.title_long", length=length, limit=TITLE_MAX))
    return Advice("ok", t("storefront.advice.title_length_ok", length=length))


def photo_advice(count: int) -> Advice:
    if count <= 0:
        return Advice("bad", t("storefront.advice.photos_none"))
    if count < PHOTOS_MIN:
        return Advice("warn", t("storefront.advice.photos_few", count=count, minimum=PHOTOS_MIN))
    return Advice("ok", t("storefront.advice.photos_ok", count=count))


def honesty_advice(stated: Iterable[str]) -> Advice:
    missing = [t(f"storefront.honesty.{item}").lower() for item in HONESTY_ITEMS if item not in set(stated)]
    if missing:
        return Advice("warn", t("storefront.honesty.missing", items=", ".join(missing)))
    return Advice("ok", t("storefront.honesty.all_done"))


def price_advice(breakdown: SaleBreakdown | None, cost: int | None) -> Advice:
    """Loss, thin margin or profit per order, after every deduction."""
    if breakdown is None or cost is None:
        return Advice("warn", t("storefront.advice.price_missing"))
    profit = breakdown.seller_receives - cost
    if profit < 0:
        return Advice("bad", t("storefront.advice.price_loss", amount=format_vnd(-profit)))
    if profit < cost * THIN_MARGIN:
        return Advice("warn", t("storefront.advice.price_thin", amount=format_vnd(profit)))
    return Advice("ok", t("storefront.advice.price_profit", amount=format_vnd(profit)))


def advice_html(items: Sequence[Advice]) -> str:
    rows = "".join(
        f'<li class="kns-advice-{a.level}"><strong>{t("storefront.advice." + a.level)}:</strong> '
        f"{html.escape(a.text)}</li>"
        for a in items
    )
    # The live region wraps the list: role="status" on the <ul> itself would hide its items' list.
    return f'<div role="status" aria-live="polite"><ul class="kns-advice">{rows}</ul></div>'


# ---------------------------------------------------------------- the widget

@cache
def _css() -> str:
    return files(__package__).joinpath("storefront.css").read_text("utf-8")


class Storefront(widgets.VBox):
    """``Storefront(keywords=("mật ong",), sections=("listing", "pricing"))``.

    Traits hold the listing (``title``, ``photos``, ``price``, ``cost``, ``shipping``,
    ``category``; a money trait is -1 until a valid amount is typed) and the order
    (``order_status``, ``orders_started``). Drive it like a browser does: set a control's
    ``value`` or ``click()`` a button.
    """

    title = Unicode("")
    photos = Int(0)
    price = Int(-1)
    cost = Int(-1)
    shipping = Int(0)
    category = Unicode("goods")
    order_status = Unicode("none")
    orders_started = Int(0)

    def __init__(self, *, keywords: Iterable[str] = (), sections: Sequence[str] = SECTIONS,
                 fee_rate: Decimal = Decimal("0.05"), **kwargs):
        unknown = [s for s in sections if s not in SECTIONS]
        if unknown or not sections or fee_rate not in FEE_RATES:
            raise ValueError(t("storefront.error.bad_definition", sections=", ".join(SECTIONS)))
        self.keywords = tuple(keywords)
        self._order: SaleBreakdown | None = None
        self._order_title = ""
        self._syncing = False
        # Every step is built, so any step works from code; only the chosen ones are shown.
        parts = {"listing": self._listing_part(), "pricing": self._pricing_part(), "order": self._order_part()}
        super().__init__([stylesheet(), self._own_css(), *(parts[s] for s in sections)], **kwargs)
        self.add_class("kns-store")
        self.fee_input.value = fee_rate
        self._render_listing()
        self._render_pricing()
        self._render_order()

    # -- construction: one small method per step

    @staticmethod
    def _own_css() -> widgets.HTML:
        return widgets.HTML(f"<style>{_css()}</style>", layout=widgets.Layout(display="none"))

    @staticmethod
    def _heading(key: str) -> widgets.HTML:
        return widgets.HTML(f'<h3 class="kns-store-heading">{t("storefront.heading." + key)}</h3>')

    @staticmethod
    def _full_width(control: widgets.Widget) -> widgets.Widget:
        control.layout = widgets.Layout(width="100%")
        control.style = {"description_width": "initial"}
        return control

    def _listing_part(self) -> widgets.VBox:
        self.title_input = self._full_width(widgets.Text(
            description=t("storefront.field.title"), placeholder=t("storefront.field.title_placeholder")))
        self.photos_input = self._full_width(widgets.BoundedIntText(
            value=0, min=0, max=30, description=t("storefront.field.photos")))
        self.honesty_inputs = {
            item: widgets.Checkbox(value=False, indent=False, description=t(f"storefront.honesty.{item}"),
                                   layout=widgets.Layout(width="100%"))
            for item in HONESTY_ITEMS
        }
        self.listing_advice = widgets.HTML()
        self.title_input.observe(lambda change: self.set_title(change["new"]), "value")
        self.photos_input.observe(lambda change: self.set_photos(change["new"]), "value")
        for box in self.honesty_inputs.values():
            box.observe(lambda _change: self._render_listing(), "value")
        intro = widgets.HTML(f"<p>{t('storefront.honesty.intro')}</p>")
        return self._section("listing", [self.title_input, self.photos_input, intro,
                                         *self.honesty_inputs.values(), self.listing_advice])

    def _pricing_part(self) -> widgets.VBox:
        self.money_inputs = {
            name: self._full_width(widgets.Text(description=t(f"storefront.field.{name}"),
                                                placeholder=t("storefront.field.money_placeholder"),
                                                continuous_update=False))
            for name in ("price", "cost", "shipping")
        }
        self.money_inputs["shipping"].value = "0"
        for name, box in self.money_inputs.items():
            box.observe(lambda change, name=name: self._on_money_typed(name, change["new"]), "value")
        self.fee_input = self._full_width(widgets.Dropdown(
            options=[(format_rate(rate), rate) for rate in FEE_RATES], description=t("storefront.field.fee_rate")))
        self.category_input = self._full_width(widgets.Dropdown(
            options=[(t(f"commerce.category.{code}"), code) for code in WITHHOLDING_RATES],
            description=t("storefront.field.category")))
        self.fee_input.observe(lambda _change: self._render_pricing(), "value")
        self.category_input.observe(lambda change: self._set_category(change["new"]), "value")
        self.money_message = widgets.HTML()
        self.breakdown_view = widgets.HTML()
        return self._section("pricing", [*self.money_inputs.values(), self.fee_input, self.category_input,
                                         self.money_message, self.breakdown_view])

    def _order_part(self) -> widgets.VBox:
        self.order_view = widgets.HTML()
        self.new_order_button = self._button(t("storefront.order.new_order"), self.new_order)
        self.action_buttons = {
            action: self._button(t(f"storefront.order.action.{action}"), lambda action=action: self.act(action))
            for action in ACTIONS
        }
        return self._section("order", [self.order_view, *self.action_buttons.values(), self.new_order_button])

    @staticmethod
    def _button(label: str, handler) -> widgets.Button:
        button = widgets.Button(description=label, layout=widgets.Layout(width="100%", height="auto"))
        button.add_class("kns-store-button")
        button.on_click(lambda _b: handler())
        return button

    def _section(self, key: str, children: list[widgets.Widget]) -> widgets.VBox:
        section = widgets.VBox([self._heading(key), *children], layout=widgets.Layout(width="100%"))
        section.add_class(f"kns-store-{key}")
        return section

    # -- step 1: the listing

    def set_title(self, text: str) -> None:
        self.title = unicodedata.normalize("NFC", text).strip()
        self._render_listing()

    def set_photos(self, count: int) -> None:
        self.photos = max(0, int(count))
        self._render_listing()

    def honesty_stated(self) -> list[str]:
        return [item for item, box in self.honesty_inputs.items() if box.value]

    def listing_advice_items(self) -> list[Advice]:
        return [*title_advice(self.title, self.keywords), photo_advice(self.photos),
                honesty_advice(self.honesty_stated())]

    def _render_listing(self) -> None:
        self.listing_advice.value = advice_html(self.listing_advice_items())

    # -- step 2: the price and where it goes

    def _on_money_typed(self, name: str, text: str) -> None:
        if not self._syncing:
            self.set_money(name, text)

    def set_money(self, name: str, text: str) -> None:
        """Accept a typed amount, or explain why not and keep the previous one."""
        old = getattr(self, name)
        try:
            amount = parse_vnd(text)
        except ValueError as error:
            # Before any valid amount there is nothing kept worth naming.
            kept = f' {html.escape(t("storefront.money.kept", amount=format_vnd(old)))}' if old >= 0 else ""
            self._show_money(name, old)
            self.money_message.value = f'<p class="kns-advice-bad" role="alert">{html.escape(str(error))}{kept}</p>'
            return
        setattr(self, name, amount)
        self._show_money(name, amount)
        self.money_message.value = ""
        self._render_pricing()

    def _show_money(self, name: str, amount: int) -> None:
        """Write ``amount`` back into its box with thousands dots, without re-reading it."""
        self._syncing = True
        try:
            self.money_inputs[name].value = "" if amount < 0 else f"{amount:,}".replace(",", ".")
        finally:
            self._syncing = False

    def _set_category(self, code: str) -> None:
        self.category = code
        self._render_pricing()

    def breakdown(self) -> SaleBreakdown | None:
        """The money of one paid order at the current price, or None before a price is set."""
        if self.price < 0:
            return None
        return seller_net(self.price, platform_fee_rate=self.fee_input.value, shipping_vnd=self.shipping,
                          category=self.category)

    def profit(self) -> int | None:
        sale = self.breakdown()
        return None if sale is None or self.cost < 0 else sale.seller_receives - self.cost

    def _render_pricing(self) -> None:
        sale = self.breakdown()
        if sale is None:
            self.breakdown_view.value = f"<p>{t('storefront.breakdown.empty')}</p>"
            return
        rates = WITHHOLDING_RATES[self.category]
        rows = [
            (t("storefront.breakdown.price"), sale.price),
            (t("storefront.breakdown.platform_fee", rate=format_rate(self.fee_input.value)), -sale.platform_fee),
            (t("storefront.breakdown.shipping"), -sale.shipping),
            (t("storefront.breakdown.vat", rate=format_rate(rates.vat)), -sale.vat),
            (t("storefront.breakdown.pit", rate=format_rate(rates.pit)), -sale.pit),
            (t("storefront.breakdown.receives"), sale.seller_receives),
        ]
        if self.cost >= 0:
            rows += [(t("storefront.breakdown.cost"), -self.cost), (t("storefront.breakdown.profit"), self.profit())]
        body = "".join(f"<tr><th scope=\"row\">{html.escape(label)}</th><td>{format_vnd(amount)}</td></tr>"
                       for label, amount in rows)
        advice = price_advice(sale, self.cost if self.cost >= 0 else None)
        self.breakdown_view.value = (
            f'<table class="kns-breakdown"><caption>{t("storefront.breakdown.title", price=format_vnd(sale.price))}'
            f"</caption><tbody>{body}</tbody></table>{advice_html([advice])}"
            f'<p class="kns-note">{t("storefront.breakdown.tax_note")}</p>'
        )

    # -- step 3: one simulated order

    def new_order(self) -> None:
        """Start an order from an invented buyer at the current price (needs title and price)."""
        if self.order_status not in FINISHED:
            self._render_order(t("storefront.order.wrong_step", status=self.status_text()))
            return
        if not self.title or self.price < 0:
            self._render_order(t("storefront.order.need_listing"))
            return
        self._order, self._order_title = self.breakdown(), self.title
        self.orders_started += 1
        self.order_status = "new"
        self._render_order()

    def act(self, action: str) -> None:
        """Move the order one step on; an action that does not fit the step changes nothing."""
        nxt = TRANSITIONS.get(self.order_status, {}).get(action)
        if nxt is None:
            self._render_order(t("storefront.order.wrong_step", status=self.status_text()))
            return
        self.order_status = nxt
        self._render_order()

    def status_text(self) -> str:
        return t(f"storefront.order.status.{self.order_status}")

    def buyer(self) -> tuple[str, str]:
        key = BUYERS[(self.orders_started - 1) % len(BUYERS)]
        return t(f"storefront.order.buyers.{key}.name"), t(f"storefront.order.buyers.{key}.place")

    def _render_order(self, message: str = "") -> None:
        status = self.order_status
        lines = [f'<strong>{t("storefront.order.status_label", status=self.status_text())}</strong>']
        if status != "none":
            name, place = self.buyer()
            lines.insert(0, html.escape(t("storefront.order.buyer", name=name, place=place, title=self._order_title)))
            tip_params = {"amount": format_vnd(self._order.seller_receives)} if status == "delivered" else {}
            lines.append(html.escape(t(f"storefront.order.tip.{status}", **tip_params)))
        if message:
            lines.append(f'<span class="kns-advice-bad">{html.escape(message)}</span>')
        self.order_view.value = ('<div class="kns-order" role="status" aria-live="polite">'
                                 + "".join(f"<p>{line}</p>" for line in lines) + "</div>")
        allowed = TRANSITIONS.get(status, {})
        for action, button in self.action_buttons.items():
            button.layout.display = None if action in allowed else "none"
        self.new_order_button.layout.display = None if status in FINISHED else "none"
