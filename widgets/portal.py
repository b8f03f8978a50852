"""A practice run of the National Public Service Portal (dichvucong.gov.vn).

Residents rehearse a whole online dossier before doing it for real: signing in with VNeID
(and learning why a level-1 account is refused a level-2 procedure), choosing a procedure,
filling a form that checks itself as they type, gathering papers, paying, and following
the dossier's status. It is a small state machine: ``step`` names the screen, and each
step is one method that moves on only when its input is right. Everything is invented
and kept in widget state only: nothing typed is written anywhere or logged.
"""

from __future__ import annotations

import html
import random
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from importlib.resources import files

import ipywidgets as widgets
from traitlets import Int, Unicode

from kynangso.messages import t
from kynangso.vn import DOSSIER_STATUSES, add_working_days, normalise_mobile, parse_cccd, phone_carrier
from kynangso.widgets.style import stylesheet

STEPS = ("login", "procedure", "form", "papers", "payment", "timeline")
# The path of a dossier that goes well, in status codes of DOSSIER_STATUSES, with the
# working day (counted from submission) on which the simulated agency reaches each one.
STATUS_PATH = ((1, 0), (2, 1), (4, 1), (9, None), (10, None))  # None: the deadline
CHILD_AGE_LIMIT = 6
FULL_WIDTH = widgets.Layout(width="100%", height="auto")
_DATE = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$")


@dataclass(frozen=True)
class Procedure:
    """A procedure of the simulation; its Vietnamese texts live in ``portal.toml``."""

    key: str
    level: int
    online: str  # "toan_trinh" or "mot_phan" (Decree 42/2022)
    working_days: int
    fee: int  # practice amount in đồng; 0 means free
    papers: tuple[str, ...]
    child_date: bool = False  # the date field is a child's birth date (under 6), not the applicant's

    @property
    def name(self) -> str:
        return t(f"portal.procedure.{self.key}.name")


PROCEDURES = (
    Procedure("lien_thong_khai_sinh", level=2, online="toan_trinh", working_days=3, fee=0,
              papers=("to_khai", "giay_chung_sinh", "giay_ket_hon"), child_date=True),
    Procedure("trich_luc_ho_tich", level=1, online="toan_trinh", working_days=1, fee=8000,
              papers=("to_khai", "cach_nhan")),
    Procedure("xac_nhan_hon_nhan", level=2, online="toan_trinh", working_days=3, fee=0,
              papers=("to_khai", "muc_dich")),
)
PROCEDURE_BY_KEY = {p.key: p for p in PROCEDURES}

# An invented applicant: a valid-format number (Nghệ An, woman born 1992) and a sample phone.
SAMPLE = {"name": "Trần Thị Hoa", "cccd": "040192000123", "phone": "0912 345 678", "birth": "14/03/1992"}


# --- Field checks: pure functions returning (ok, Vietnamese message) -----------------------

def money(amount: int) -> str:
    return t("portal.money.dong", amount=f"{amount:,}".replace(",", "."))


def check_name(text: str) -> tuple[bool, str]:
    name = " ".join(unicodedata.normalize("NFC", text).split())
    if not name:
        return False, t("portal.form.name.empty")
    for char in name:
        if not (char.isalpha() or char == " "):
            return False, t("portal.form.name.bad_char", char=char)
    if len(name.split()) < 2:
        return False, t("portal.form.name.too_short")
    return True, t("portal.form.name.good", name=name)


def check_cccd(text: str) -> tuple[bool, str]:
    try:
        cid = parse_cccd(text)
    except ValueError as error:
        return False, str(error)
    return True, t("portal.form.cccd.good", province=cid.province, code=cid.province_code,
                   sex=cid.sex.lower(), year=cid.birth_year)


def check_phone(text: str) -> tuple[bool, str]:
    if not text.strip():
        return False, t("portal.form.phone.empty")
    national = normalise_mobile(text)
    if national is None:
        return False, t("portal.form.phone.bad")
    carrier = phone_carrier(national)
    if carrier is None:
        return False, t("portal.form.phone.unknown_prefix", prefix=national[:3])
    return True, t("portal.form.phone.good", prefix=national[:3], carrier=carrier)


def parse_day(text: str) -> date:
    """``dd/mm/yyyy`` (also with ``.`` or ``-``) → date; ValueError with a Vietnamese message."""
    if not text.strip():
        raise ValueError(t("portal.form.date.empty"))
    match = _DATE.match(text)
    if not match:
        raise ValueError(t("portal.form.date.format"))
    day, month, year = map(int, match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(t("portal.form.date.not_real", text=text.strip())) from None


def check_date(text: str, today: date, *, child: bool, id_year: int | None = None) -> tuple[bool, str]:
    """A birth date: real, not in the future; a child's must be under 6, an adult's must
    match the birth year carried by their ID number (when that number is readable)."""
    try:
        day = parse_day(text)
    except ValueError as error:
        return False, str(error)
    shown = f"{day:%d/%m/%Y}"
    if day > today:
        return False, t("portal.form.date.future", day=shown, today=f"{today:%d/%m/%Y}")
    if child and _years_between(day, today) >= CHILD_AGE_LIMIT:
        return False, t("portal.form.date.too_old_child", day=shown)
    if not child and id_year is not None and day.year != id_year:
        return False, t("portal.form.date.year_mismatch", year=day.year, id_year=id_year)
    return True, t("portal.form.date.good", day=shown)


def _years_between(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


@cache
def _portal_css() -> str:
    return files(__package__).joinpath("portal.css").read_text("utf-8")


def _html(css: str = "") -> widgets.HTML:
    box = widgets.HTML("", layout=FULL_WIDTH)
    if css:
        box.add_class(css)
    return box


def _p(text: str) -> str:
    return f"<p>{html.escape(text)}</p>"


def _paragraph(text: str) -> widgets.HTML:
    return widgets.HTML(_p(text), layout=FULL_WIDTH)


def _button(label: str, handler, css: str = "kns-portal-button") -> widgets.Button:
    button = widgets.Button(description=label, tooltip=label, layout=FULL_WIDTH)
    button.add_class(css)
    button.on_click(lambda _b: handler())
    return button


class _Field(widgets.VBox):
    """A labelled text box with its own live check shown right under it."""

    def __init__(self, label: str, check):
        self.check = check
        self.text = widgets.Text(description=label, layout=FULL_WIDTH, continuous_update=True,
                                 style={"description_width": "initial"})
        self.text.add_class("kns-portal-input")
        self.feedback = _html("kns-portal-feedback")
        super().__init__([self.text, self.feedback], layout=FULL_WIDTH)
        self.add_class("kns-portal-field")
        self.text.observe(lambda _change: self.refresh(), "value")

    @property
    def ok(self) -> bool:
        return self.check(self.text.value)[0]

    def refresh(self, *, show_empty: bool = False) -> bool:
        """Re-check and show the verdict; an empty box stays quiet until the learner submits."""
        ok, message = self.check(self.text.value)
        if not self.text.value.strip() and not show_empty:
            self.feedback.value = ""
        else:
            mark, css = ("✓", "kns-right") if ok else ("✗", "kns-wrong")
            self.feedback.value = f'<span class="{css}">{mark}</span> {html.escape(message)}'
        return ok


class PortalSimulator(widgets.VBox):
    """``PortalSimulator(today=None, seed=None)``: the whole practice journey in one widget.

    ``step`` is one of ``STEPS``; ``level`` the signed-in account level (0: none);
    ``procedure`` the chosen procedure key; ``receipt`` the payment receipt code;
    ``status`` the dossier's current code in ``DOSSIER_STATUSES`` (0: not submitted).
    ``today`` fixes the calendar (tests, lessons); ``seed`` fixes the invented codes.
    """

    step = Unicode("login")
    level = Int(0)
    procedure = Unicode("")
    receipt = Unicode("")
    dossier = Unicode("")
    status = Int(0)

    def __init__(self, today: date | None = None, seed: int | None = None, **kwargs):
        self.today = today or date.today()
        self._random = random.Random(seed)
        self.header = _html("kns-portal-header")
        self.message = _html("kns-portal-message")
        self.body = widgets.VBox(layout=FULL_WIDTH)
        styles = widgets.HTML(f"<style>{_portal_css()}</style>", layout=widgets.Layout(display="none"))
        title = widgets.HTML(f'<h3 class="kns-portal-title">{html.escape(t("portal.title"))}</h3>'
                             f'<p class="kns-portal-notice">{html.escape(t("portal.notice"))}</p>')
        super().__init__([stylesheet(), styles, title, self.header, self.body, self.message], **kwargs)
        self.add_class("kns-portal")
        self._build()
        self._show("login")

    # --- building the screens ------------------------------------------------------------

    def _build(self) -> None:
        self.login_buttons = {
            level: _button(t(f"portal.login.level{level}"), lambda level=level: self.sign_in(level))
            for level in (1, 2)
        }
        self.procedure_intro = _html()
        self.procedure_buttons = {
            p.key: _button(f"{p.name}. {self._detail(p)}", lambda key=p.key: self.choose_procedure(key),
                           "kns-portal-choice")
            for p in PROCEDURES
        }
        self.name_field = _Field(t("portal.form.name_label"), check_name)
        self.cccd_field = _Field(t("portal.form.cccd_label"), check_cccd)
        self.phone_field = _Field(t("portal.form.phone_label"), check_phone)
        self.date_field = _Field("", self._check_date)
        # The birth date is checked against the ID number, so re-check it when that changes.
        self.cccd_field.text.observe(lambda _change: self._recheck_date(), "value")
        self.papers_box = widgets.VBox(layout=FULL_WIDTH)
        self.payment_info = _html()
        self.payment_method = widgets.RadioButtons(
            options=[t(f"portal.payment.method_{m}") for m in ("bank", "wallet", "card")],
            value=None, description=t("portal.payment.method_label"), layout=FULL_WIDTH,
            style={"description_width": "initial"})
        self.payment_method.add_class("kns-portal-radio")
        self.pay_button = _button(t("portal.payment.pay"), self.pay, "kns-portal-primary")
        self.timeline_info = _html()
        self.timeline_list = _html("kns-portal-timeline")
        self.advance_button = _button(t("portal.timeline.advance"), self.advance_status, "kns-portal-primary")
        back = lambda: _button(t("portal.back"), self.back)  # noqa: E731
        self.screens = {
            "login": [_paragraph(t("portal.login.intro")),
                      *self.login_buttons.values()],
            "procedure": [self.procedure_intro, *self.procedure_buttons.values(), back()],
            "form": [_paragraph(t("portal.form.intro")),
                     _button(t("portal.form.sample"), self.fill_sample),
                     self.name_field, self.cccd_field, self.phone_field, self.date_field,
                     _button(t("portal.next"), self.submit_form, "kns-portal-primary"), back()],
            "papers": [_paragraph(t("portal.papers.intro")),
                       self.papers_box, _button(t("portal.next"), self.confirm_papers, "kns-portal-primary"),
                       back()],
            "payment": [self.payment_info, self.payment_method, self.pay_button, back()],
            "timeline": [self.timeline_info, self.timeline_list, self.advance_button,
                         _button(t("portal.restart"), self.restart)],
        }

    @staticmethod
    def _detail(p: Procedure) -> str:
        fee = money(p.fee) if p.fee else None
        return t("portal.procedure.detail", kind=t(f"portal.procedure.{p.online}"), level=p.level,
                 days=p.working_days, fee=t("portal.procedure.fee", amount=fee) if fee else t("portal.procedure.free"))

    @property
    def chosen(self) -> Procedure | None:
        return PROCEDURE_BY_KEY.get(self.procedure)

    def _show(self, step: str, message: str = "", ok: bool = True) -> None:
        self.step = step
        self.body.children = self.screens[step]
        number = STEPS.index(step) + 1
        self.header.value = (f'<p class="kns-portal-progress">'
                             f'{html.escape(t("portal.progress", number=number, total=len(STEPS), name=t(f"portal.step.{step}")))}</p>')
        self._say(message, ok)

    def _say(self, message: str, ok: bool = True) -> None:
        """Show a notice; refusals are marked so that colour is not the only cue."""
        if not message:
            self.message.value = ""
            return
        css = "kns-portal-ok" if ok else "kns-portal-refusal"
        self.message.value = f'<div role="status" aria-live="polite" class="{css}">{html.escape(message)}</div>'

    # --- the steps -----------------------------------------------------------------------

    def sign_in(self, level: int) -> None:
        if level not in (1, 2):
            self._say(t("portal.login.no_such_level"), ok=False)
            return
        self.level = level
        self.procedure_intro.value = _p(t("portal.procedure.intro", level=level))
        self._show("procedure", t("portal.login.signed_in", level=level))

    def choose_procedure(self, key: str) -> None:
        procedure = PROCEDURE_BY_KEY.get(key)
        if procedure is None:
            self._say(t("portal.procedure.unknown"), ok=False)
            return
        if self.level < procedure.level:
            self._say(t("portal.procedure.needs_level2", name=procedure.name), ok=False)
            return
        if key != self.procedure:
            self._prepare(procedure)
        self._show("form", t("portal.procedure.chosen", name=procedure.name))

    def _prepare(self, procedure: Procedure) -> None:
        """A new procedure gets its own date label and checklist, and a blank form."""
        self.procedure = procedure.key
        for field in self._fields:
            field.text.value = ""
        self.date_field.text.description = t(f"portal.procedure.{procedure.key}.date_label")
        self.paper_boxes = {
            key: widgets.Checkbox(value=False, description=t(f"portal.papers.item.{key}"), indent=False,
                                  layout=FULL_WIDTH)
            for key in procedure.papers
        }
        for box in self.paper_boxes.values():
            box.add_class("kns-portal-check")
        self.papers_box.children = list(self.paper_boxes.values())

    @property
    def _fields(self) -> tuple[_Field, ...]:
        return self.name_field, self.cccd_field, self.phone_field, self.date_field

    def _check_date(self, text: str) -> tuple[bool, str]:
        procedure = self.chosen
        child = bool(procedure and procedure.child_date)
        ok_id, _ = check_cccd(self.cccd_field.text.value)
        id_year = parse_cccd(self.cccd_field.text.value).birth_year if ok_id else None
        return check_date(text, self.today, child=child, id_year=id_year)

    def _recheck_date(self) -> None:
        if self.date_field.text.value:
            self.date_field.refresh()

    def fill_sample(self) -> None:
        """An invented person's data; for the birth bundle, a baby born 20 days ago."""
        self.name_field.text.value = SAMPLE["name"]
        self.cccd_field.text.value = SAMPLE["cccd"]
        self.phone_field.text.value = SAMPLE["phone"]
        child = self.chosen is not None and self.chosen.child_date
        self.date_field.text.value = (f"{self.today - timedelta(days=20):%d/%m/%Y}" if child else SAMPLE["birth"])
        self._say(t("portal.form.sample_done"))

    def submit_form(self) -> None:
        results = [field.refresh(show_empty=True) for field in self._fields]
        if not all(results):
            self._say(t("portal.form.fix_first"), ok=False)
            return
        self._show("papers")

    def confirm_papers(self) -> None:
        missing = [box.description for box in self.paper_boxes.values() if not box.value]
        if missing:
            self._say(t("portal.papers.missing", names="; ".join(missing)), ok=False)
            return
        procedure = self.chosen
        intro = t("portal.payment.intro", name=procedure.name)
        detail = t("portal.payment.amount", amount=money(procedure.fee)) if procedure.fee else t("portal.payment.free")
        self.payment_info.value = _p(intro) + _p(detail)
        self.payment_method.layout.display = None if procedure.fee else "none"
        self.pay_button.description = t("portal.payment.pay") if procedure.fee else t("portal.payment.submit")
        self._show("payment", t("portal.papers.all_ready"))

    def pay(self) -> None:
        """Pay (when there is a fee) and submit: the dossier gets a code and status 1."""
        procedure = self.chosen
        if procedure.fee and self.payment_method.value is None:
            self._say(t("portal.payment.no_method"), ok=False)
            return
        code = f"{self.today:%y%m%d}-{self._random.randrange(10**6):06d}"
        self.receipt = f"BL-{code}" if procedure.fee else ""
        self.dossier = f"MP-{code}"
        self.status = STATUS_PATH[0][0]
        self.due = add_working_days(self.today, procedure.working_days)
        intro = t("portal.timeline.intro", code=self.dossier, due=f"{self.due:%d/%m/%Y}")
        receipt = _p(t("portal.timeline.receipt", code=self.receipt)) if self.receipt else ""
        self.timeline_info.value = _p(intro) + receipt
        self.advance_button.disabled = False
        self._render_timeline()
        message = t("portal.payment.receipt", code=self.receipt) if self.receipt else ""
        self._show("timeline", message)

    def _status_day(self, offset: int | None) -> date:
        return self.due if offset is None else add_working_days(self.today, offset)

    def _render_timeline(self) -> None:
        reached = [code for code, _ in STATUS_PATH].index(self.status)
        items = []
        for index, (code, offset) in enumerate(STATUS_PATH):
            entry = html.escape(t("portal.timeline.entry", code=code, label=DOSSIER_STATUSES[code]))
            if index <= reached:
                when = html.escape(t("portal.timeline.date", day=f"{self._status_day(offset):%d/%m/%Y}"))
                items.append(f'<li class="kns-portal-reached" aria-current="{"step" if index == reached else "false"}">'
                             f"✓ {entry} <small>({when})</small></li>")
            else:
                items.append(f'<li class="kns-portal-pending">○ {entry} '
                             f'<small>({html.escape(t("portal.timeline.pending"))})</small></li>')
        self.timeline_list.value = f"<ol>{''.join(items)}</ol>"

    def advance_status(self) -> None:
        """Simulate the agency moving the dossier one stage along its path."""
        codes = [code for code, _ in STATUS_PATH]
        if self.status not in codes or self.status == codes[-1]:
            self._say(t("portal.timeline.finished"), ok=False)
            return
        self.status = codes[codes.index(self.status) + 1]
        self._render_timeline()
        done = self.status == codes[-1]
        self.advance_button.disabled = done
        self._say(t("portal.timeline.done") if done else "")

    def back(self) -> None:
        index = STEPS.index(self.step)
        if 0 < index < STEPS.index("timeline"):
            self._show(STEPS[index - 1])

    def restart(self) -> None:
        """Forget everything typed and start again at sign-in."""
        for field in self._fields:
            field.text.value = ""
        self.level, self.procedure, self.receipt, self.dossier, self.status = 0, "", "", "", 0
        self.papers_box.children = []
        self.payment_method.value = None
        self._show("login")
