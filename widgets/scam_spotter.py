"""Practise spotting scams: a short game of messages, calls and links, and a link checker.

Residents meet scams as a message, a call or a link, and must decide on the spot. The game
(``ScamSpotter``) shows one realistic case at a time, asks "An toàn" or "Lừa đảo", and
explains every answer, right or wrong, because the explanation is what protects people
next time. Some rounds are genuinely safe, so the lesson is "look for what they ask of
you", not "everything is a scam".

The rounds are data (``scam_spotter_rounds.toml``). A link's verdict and its explanation
come from ``kynangso.safety.classify_link``, so the game, the link checker and the lessons
always read a link the same way. Nothing a learner types or picks leaves the kernel.
"""

from __future__ import annotations

import html
import random
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Literal, Sequence

import ipywidgets as widgets
from traitlets import Bool, Int, Unicode

from kynangso.messages import t
from kynangso.safety import LinkVerdict, classify_link, registrable_domain
from kynangso.widgets.style import stylesheet

Answer = Literal["safe", "scam"]
CHOICES: tuple[Answer, ...] = ("safe", "scam")
CHANNELS = ("sms", "chat", "call", "link")
SPEAKERS = ("caller", "you")
ROUNDS_FILE = "scam_spotter_rounds.toml"

_REQUIRED = ("id", "channel", "sender", "explanation", "lesson")
_OPTIONAL = ("context", "text", "lines", "url", "answer")
# What a link's verdict means as an answer; "unknown" is no answer, so such links are refused.
_ANSWER_OF_KIND: dict[str, Answer] = {"official": "safe", "suspicious": "scam"}


@dataclass(frozen=True)
class Round:
    """One case to judge. ``explanation`` already includes the link's reasons, if any."""

    id: str
    channel: str
    sender: str
    answer: Answer
    explanation: tuple[str, ...]
    lesson: str
    context: str = ""
    text: str = ""
    lines: tuple[tuple[str, str], ...] = ()
    url: str | None = None


@dataclass(frozen=True)
class RoundSet:
    rounds: tuple[Round, ...]
    key_lessons: tuple[str, ...]


def parse_rounds(data: dict) -> RoundSet:
    """Rounds from the data file's structure; a bad round raises ValueError naming it."""
    seen: set[str] = set()
    rounds = []
    for raw in data.get("round", []):
        round_ = _parse_round(raw)
        if round_.id in seen:
            raise _bad(round_.id, t("scam_spotter.error.duplicate_id"))
        seen.add(round_.id)
        rounds.append(round_)
    if not rounds:
        raise ValueError(t("scam_spotter.error.no_rounds"))
    return RoundSet(tuple(rounds), tuple(data.get("key_lessons", ())))


@cache
def default_rounds() -> RoundSet:
    """The course's own rounds, read once per kernel."""
    text = files(__package__).joinpath(ROUNDS_FILE).read_text("utf-8")
    return parse_rounds(tomllib.loads(text))


def _parse_round(raw: dict) -> Round:
    name = str(raw.get("id", "?"))
    unknown = sorted(set(raw) - set(_REQUIRED) - set(_OPTIONAL))
    if unknown:
        raise _bad(name, t("scam_spotter.error.unknown_fields", fields=", ".join(unknown)))
    for field in _REQUIRED:
        if not raw.get(field):
            raise _bad(name, t("scam_spotter.error.missing_field", field=field))
    channel = raw["channel"]
    if channel not in CHANNELS:
        raise _bad(name, t("scam_spotter.error.bad_channel", channel=channel))
    lines = tuple((speaker, words) for speaker, words in raw.get("lines", ()))
    if channel == "call" and not lines:
        raise _bad(name, t("scam_spotter.error.call_needs_lines"))
    if any(speaker not in SPEAKERS for speaker, _ in lines):
        raise _bad(name, t("scam_spotter.error.bad_speaker"))
    url = raw.get("url")
    if channel == "link" and not url:
        raise _bad(name, t("scam_spotter.error.missing_field", field="url"))
    verdict = classify_link(url) if url else None
    answer = _answer(name, channel, raw.get("answer"), verdict)
    explanation = tuple(raw["explanation"]) + (verdict.reasons if verdict else ())
    return Round(id=name, channel=channel, sender=raw["sender"], answer=answer,
                 explanation=explanation, lesson=raw["lesson"], context=raw.get("context", ""),
                 text=raw.get("text", ""), lines=lines, url=url)


def _answer(name: str, channel: str, given: object, verdict: LinkVerdict | None) -> Answer:
    """A message's answer is written in the data; a bare link's answer is its verdict."""
    if channel != "link":
        if given not in CHOICES:
            raise _bad(name, t("scam_spotter.error.bad_answer"))
        return given  # type: ignore[return-value]
    if given is not None:
        raise _bad(name, t("scam_spotter.error.link_has_answer"))
    if verdict.kind not in _ANSWER_OF_KIND:
        raise _bad(name, t("scam_spotter.error.unclear_link"))
    return _ANSWER_OF_KIND[verdict.kind]


def _bad(name: str, problem: str) -> ValueError:
    return ValueError(t("scam_spotter.error.bad_round", round=name, problem=problem))


@cache
def _own_css() -> str:
    return files(__package__).joinpath("scam_spotter.css").read_text("utf-8")


def own_stylesheet() -> widgets.HTML:
    """This module's CSS, shipped inside the widget tree like the shared stylesheet."""
    return widgets.HTML(f"<style>{_own_css()}</style>", layout=widgets.Layout(display="none"))


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _list(items: Sequence[str], css: str = "") -> str:
    cls = f' class="{css}"' if css else ""
    return f"<ul{cls}>" + "".join(f"<li>{_e(item)}</li>" for item in items) + "</ul>"


def _big_button(description: str, css: str) -> widgets.Button:
    button = widgets.Button(description=description, tooltip=description,
                            layout=widgets.Layout(width="100%", height="auto"))
    button.add_class("kns-quiz-option")
    button.add_class(css)
    return button


class ScamSpotter(widgets.VBox):
    """``ScamSpotter()``: the course's rounds in order; ``shuffle=True, seed=n`` mixes them.

    Drive it with ``answer("safe" | "scam")``, ``next_round()`` and ``restart()`` (the
    buttons call these). Only the first answer to a round counts.
    """

    index = Int(0, help="Position of the round on screen, 0-based.")
    score = Int(0, help="Rounds answered correctly so far.")
    answered = Int(0, help="Rounds answered so far.")
    choice = Unicode("", help="The learner's answer to the round on screen; empty until chosen.")
    finished = Bool(False)

    def __init__(self, rounds: RoundSet | None = None, *, shuffle: bool = False,
                 seed: int | None = None, **kwargs):
        source = rounds or default_rounds()
        order = list(source.rounds)
        if shuffle:
            random.Random(seed).shuffle(order)
        self.rounds: tuple[Round, ...] = tuple(order)
        self.key_lessons = source.key_lessons
        self.missed: list[int] = []

        self.status = widgets.HTML("")
        self.status.add_class("kns-scam-status")
        self.card = widgets.HTML("")
        self.card.add_class("kns-scam-card")
        self.choice_buttons = {c: _big_button(t(f"scam_spotter.choice.{c}"), f"kns-scam-{c}") for c in CHOICES}
        for value, button in self.choice_buttons.items():
            button.on_click(lambda _b, value=value: self.answer(value))
        self.choice_row = widgets.HBox(list(self.choice_buttons.values()))
        self.choice_row.add_class("kns-scam-choices")
        self.feedback = widgets.HTML("")
        self.feedback.add_class("kns-quiz-feedback")
        self.next_button = _big_button(t("scam_spotter.button.next"), "kns-scam-next")
        self.next_button.on_click(lambda _b: self.next_round())
        self.summary = widgets.HTML("")
        self.summary.add_class("kns-scam-summary")
        self.restart_button = _big_button(t("scam_spotter.button.restart"), "kns-scam-restart")
        self.restart_button.on_click(lambda _b: self.restart())
        title = widgets.HTML(f'<h3 class="kns-scam-title">{_e(t("scam_spotter.title"))}</h3>'
                             f'<p>{_e(t("scam_spotter.intro"))}</p>')
        super().__init__([stylesheet(), own_stylesheet(), title, self.status, self.card,
                          self.choice_row, self.feedback, self.next_button, self.summary,
                          self.restart_button], **kwargs)
        self.add_class("kns-scam")
        self._show_round()

    @property
    def current(self) -> Round:
        return self.rounds[self.index]

    def answer(self, choice: str) -> bool:
        """Judge the round on screen; True when right. Bad or repeated answers change nothing."""
        if self.finished:
            raise ValueError(t("scam_spotter.error.finished"))
        if choice not in CHOICES:
            raise ValueError(t("scam_spotter.error.bad_choice"))
        if self.choice:
            raise ValueError(t("scam_spotter.error.already_answered"))
        right = choice == self.current.answer
        if not right:
            self.missed.append(self.index)
        self.choice, self.answered, self.score = choice, self.answered + 1, self.score + right
        for value, button in self.choice_buttons.items():
            button.disabled = True
            if value == choice:
                button.add_class("kns-chosen-right" if right else "kns-chosen-wrong")
        self.feedback.value = self._explain(right)
        self.next_button.description = t("scam_spotter.button.finish" if self._is_last else "scam_spotter.button.next")
        self.next_button.layout.display = None
        self._show_status()
        return right

    def next_round(self) -> None:
        """Move on once the round on screen is answered; after the last one, sum up."""
        if self.finished:
            raise ValueError(t("scam_spotter.error.finished"))
        if not self.choice:
            raise ValueError(t("scam_spotter.error.not_answered"))
        if self._is_last:
            self._finish()
        else:
            self.index += 1
            self._show_round()

    def restart(self) -> None:
        self.index = self.score = self.answered = 0
        self.missed = []
        self.finished = False
        self._show_round()

    @property
    def _is_last(self) -> bool:
        return self.index == len(self.rounds) - 1

    def _show_round(self) -> None:
        self.choice = ""
        for button in self.choice_buttons.values():
            button.disabled = False
            button.remove_class("kns-chosen-right")
            button.remove_class("kns-chosen-wrong")
        self.card.value = self._render_card(self.current)
        self.feedback.value = self.summary.value = ""
        for part in (self.card, self.choice_row):
            part.layout.display = None
        for part in (self.next_button, self.summary, self.restart_button):
            part.layout.display = "none"
        self._show_status()

    def _show_status(self) -> None:
        progress = t("scam_spotter.progress", number=self.index + 1, total=len(self.rounds))
        score = t("scam_spotter.score", score=self.score, answered=self.answered)
        self.status.value = f"<p>{_e(progress)} · {_e(score)}</p>"

    def _render_card(self, round_: Round) -> str:
        parts = [f'<p class="kns-scam-channel">{_e(t(f"scam_spotter.channel.{round_.channel}"))}</p>']
        sender_key = "scam_spotter.card.seen_in" if round_.channel == "link" else "scam_spotter.card.from"
        parts.append(f'<p class="kns-scam-sender">{_e(t(sender_key, sender=round_.sender))}</p>')
        if round_.context:
            parts.append(f'<p class="kns-scam-context">{_e(round_.context)}</p>')
        if round_.channel == "call":
            parts.append('<dl class="kns-scam-call">' + "".join(
                f"<dt>{_e(t(f'scam_spotter.speaker.{speaker}'))}</dt><dd>{_e(words)}</dd>"
                for speaker, words in round_.lines) + "</dl>")
        elif round_.text:
            parts.append(f'<p class="kns-scam-message">{_e(round_.text)}</p>')
        if round_.channel == "link":
            parts.append(f'<p class="kns-scam-url">{_e(round_.url)}</p>'
                         f'<p><strong>{_e(t("scam_spotter.card.link_question"))}</strong></p>')
        return "".join(parts)

    def _explain(self, right: bool) -> str:
        round_ = self.current
        verdict, css = ("right", "kns-right") if right else ("wrong", "kns-wrong")
        return (
            '<div role="status" aria-live="polite">'
            f'<p><span class="{css}">{_e(t(f"scam_spotter.feedback.{verdict}"))}</span> '
            f'<strong>{_e(t(f"scam_spotter.feedback.is_{round_.answer}"))}</strong></p>'
            f'<p>{_e(t(f"scam_spotter.feedback.why_{round_.answer}"))}</p>'
            f"{_list(round_.explanation)}"
            f'<p class="kns-scam-lesson"><strong>{_e(t("scam_spotter.feedback.remember"))}</strong> '
            f"{_e(round_.lesson)}</p></div>"
        )

    def _finish(self) -> None:
        self.finished = True
        total = len(self.rounds)
        band = "all_right" if self.score == total else "most_right" if self.score * 2 >= total else "few_right"
        parts = [
            f'<div role="status" aria-live="polite"><h3>{_e(t("scam_spotter.summary.heading"))}</h3>',
            f'<p><strong>{_e(t("scam_spotter.summary.score", score=self.score, total=total))}</strong></p>',
            f'<p>{_e(t(f"scam_spotter.summary.{band}"))}</p>',
        ]
        if self.missed:
            parts.append(f'<h4>{_e(t("scam_spotter.summary.review"))}</h4>')
            parts.append(_list([t("scam_spotter.summary.review_item", number=i + 1, lesson=self.rounds[i].lesson)
                                for i in self.missed], "kns-scam-review"))
        if self.key_lessons:
            parts.append(f'<h4>{_e(t("scam_spotter.summary.key_lessons"))}</h4>')
            parts.append(_list(self.key_lessons, "kns-scam-key-lessons"))
        self.summary.value = "".join(parts) + "</div>"
        self.feedback.value = ""
        for part in (self.card, self.choice_row, self.next_button):
            part.layout.display = "none"
        for part in (self.summary, self.restart_button):
            part.layout.display = None


class LinkChecker(widgets.VBox):
    """Type or paste a link, press "Kiểm tra", read the verdict and its reasons.

    The text stays in this kernel's memory only: nothing is written down or sent anywhere.
    ``checked`` counts checks, so a lesson or test can tell that one happened.
    """

    checked = Int(0)

    def __init__(self, **kwargs):
        self.link = widgets.Text(placeholder=t("scam_spotter.link_checker.placeholder"),
                                 continuous_update=False, layout=widgets.Layout(width="100%"))
        self.link.add_class("kns-link-input")
        # With continuous_update off, the value arrives on Enter or when the box loses focus.
        self.link.observe(lambda _change: self.check(), names="value")
        label = widgets.HTML(f'<label class="kns-link-label">{_e(t("scam_spotter.link_checker.label"))}</label>')
        self.button = _big_button(t("scam_spotter.link_checker.button"), "kns-link-check")
        self.button.on_click(lambda _b: self.check())
        self.result = widgets.HTML("")
        self.result.add_class("kns-quiz-feedback")
        privacy = widgets.HTML(f'<p class="kns-link-privacy">{_e(t("scam_spotter.link_checker.privacy"))}</p>')
        super().__init__([stylesheet(), own_stylesheet(), label, self.link, self.button, self.result, privacy],
                         **kwargs)
        self.add_class("kns-link-checker")

    def check(self, url: str | None = None) -> LinkVerdict | None:
        """Check ``url`` (default: what is typed); None, with a hint, when there is nothing."""
        text = (self.link.value if url is None else url).strip()
        if not text:
            self.result.value = f'<div role="status" aria-live="polite"><p>{_e(t("scam_spotter.link_checker.empty"))}</p></div>'
            return None
        verdict = classify_link(text)
        self.checked += 1
        css = {"official": "kns-right", "suspicious": "kns-wrong"}.get(verdict.kind, "kns-unknown")
        owner = registrable_domain(verdict.host) if verdict.host else None
        owner_line = f'<p>{_e(t("scam_spotter.link_checker.owner", domain=owner))}</p>' if owner else ""
        self.result.value = (
            f'<div role="status" aria-live="polite"><p><span class="{css}">{_e(verdict.label)}</span></p>'
            f"{owner_line}{_list(verdict.reasons)}</div>"
        )
        return verdict
