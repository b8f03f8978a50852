"""A single-choice question that explains every option, right or wrong.

Residents learn more from why an answer is wrong than from a score, so each option
carries its own explanation and the learner may try again. Options are real buttons:
they take focus with Tab and answer with Enter or Space, and they wrap on a 390 px screen.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import ipywidgets as widgets
from traitlets import Int

from kynangso.messages import t
from kynangso.widgets.style import stylesheet


@dataclass(frozen=True)
class Option:
    text: str
    correct: bool
    explanation: str


class Quiz(widgets.VBox):
    """``Quiz(question, [Option(...), ...])``; ``chosen`` is the index last picked (-1: none)."""

    chosen = Int(-1)
    attempts = Int(0)

    def __init__(self, question: str, options: list[Option | tuple[str, bool, str]], **kwargs):
        self.choices = [o if isinstance(o, Option) else Option(*o) for o in options]
        if len(self.choices) < 2 or sum(o.correct for o in self.choices) != 1:
            raise ValueError(t("widgets.quiz.bad_definition"))
        self.question = widgets.HTML(f'<p class="kns-quiz-question"><strong>{html.escape(question)}</strong></p>')
        self.buttons = [self._button(i, o) for i, o in enumerate(self.choices)]
        self.feedback = widgets.HTML("")
        self.feedback.add_class("kns-quiz-feedback")
        super().__init__([stylesheet(), self.question, *self.buttons, self.feedback], **kwargs)
        self.add_class("kns-quiz")

    def _button(self, index: int, option: Option) -> widgets.Button:
        letter = chr(ord("A") + index)
        button = widgets.Button(description=f"{letter}. {option.text}", tooltip=option.text,
                                layout=widgets.Layout(width="100%", height="auto"))
        button.add_class("kns-quiz-option")
        button.on_click(lambda _b: self.choose(index))
        return button

    @property
    def answered_correctly(self) -> bool:
        return self.chosen >= 0 and self.choices[self.chosen].correct

    def choose(self, index: int) -> None:
        """Record a choice and show its explanation; the learner may choose again."""
        if not 0 <= index < len(self.choices):
            raise ValueError(t("widgets.quiz.no_such_option", count=len(self.choices)))
        option = self.choices[index]
        self.chosen, self.attempts = index, self.attempts + 1
        for i, button in enumerate(self.buttons):
            button.remove_class("kns-chosen-right")
            button.remove_class("kns-chosen-wrong")
            if i == index:
                button.add_class("kns-chosen-right" if option.correct else "kns-chosen-wrong")
        verdict, css = (t("widgets.quiz.right"), "kns-right") if option.correct else (t("widgets.quiz.wrong"), "kns-wrong")
        self.feedback.value = (
            f'<div role="status" aria-live="polite"><span class="{css}">{verdict}</span> '
            f"{html.escape(option.explanation)}</div>"
        )
