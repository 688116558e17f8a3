"""Flashcards as term/definition pairs for Quizlet's import (``quizgen export quizlet``).

One card per question, one line per card: the prompt, a tab, the answer as text. Any app
that imports tab-separated pairs reads it too. Quizlet splits on tabs and line breaks and
knows no quoting, so tabs and line breaks inside bank text become spaces (a card stays one
line), and a cell that could start a spreadsheet formula gets a ``'`` in front.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from ..bank.model import Cloze, Question
from ..errors import Problem
from ..fileio import write_text_atomic
from ..questions import answer_text, cloze_pieces
from ..text import to_plain
from .base import Carriage, OutputOptions, Selection, WrittenFile, carriage_problems, carries_all
from .cells import tsv_cell

#: What a blank looks like on the front of a cloze card.
BLANK = "_____"

_CHOICES = Carriage(
    "degraded", "a card of the prompt and its right answer; the other choices stay out"
)


def _cloze_term(question: Cloze) -> str:
    numbered = len(question.deletions) > 1
    out: list[str] = []
    for piece in cloze_pieces(question):
        if piece.blank is None:
            out.append(piece.text)
            continue
        out.append(f"({piece.blank}) {BLANK}" if numbered else BLANK)
        if piece.hint:
            out.append(f" ({piece.hint})")
    term = "".join(out)
    return f"{question.prompt} {term}" if question.prompt else term


def _cloze_definition(question: Cloze) -> str:
    if len(question.deletions) == 1:
        return question.deletions[0].answer
    return "; ".join(f"({n}) {d.answer}" for n, d in enumerate(question.deletions, start=1))


def card(question: Question) -> tuple[str, str]:
    """A question's term and definition, as plain text (not yet made cells)."""
    if isinstance(question, Cloze):
        return to_plain(_cloze_term(question)), to_plain(_cloze_definition(question))
    return to_plain(question.prompt or ""), to_plain(answer_text(question))


def cards_text(selection: Selection) -> str:
    """The whole file: one ``term<TAB>definition`` line per chosen question."""
    lines = []
    for question in selection.questions:
        term, definition = card(question)
        lines.append(f"{tsv_cell(term)}\t{tsv_cell(definition)}\n")
    return "".join(lines)


class QuizletFormat:
    """The registry's face of the Quizlet export."""

    name = "quizlet"
    label = "Quizlet flashcards (tab-separated term and definition)"
    suffix = ".quizlet.txt"
    carries: Mapping[str, Carriage] = carries_all(
        multiple_choice=_CHOICES,
        multiple_answer=_CHOICES,
        cloze=Carriage("degraded", "the text with blanks, and the gaps' answers on the back"),
        matching=Carriage("degraded", "one card; the pairs on the back as 'left → right'"),
        ordering=Carriage("degraded", "one card; the order on the back as 'a → b → c'"),
    )
    limits = (
        "plain text, one card per question: no images, explanations or sources; "
        "tabs and line breaks in text become spaces"
    )

    def problems(self, selection: Selection, options: OutputOptions) -> list[Problem]:
        """A warning for each degraded question and each image left out."""
        problems = carriage_problems(self, selection)
        for question in selection.questions:
            if question.image is not None:
                problems.append(
                    Problem(
                        question.where("image"),
                        "warning",
                        "Quizlet's import takes no images: the image is left out",
                        question.id,
                    )
                )
        return problems

    def write(self, selection: Selection, path: Path, options: OutputOptions) -> list[WrittenFile]:
        """The cards at ``path``, UTF-8, written atomically."""
        write_text_atomic(Path(path), cards_text(selection))
        bank = selection.bank_id
        return [WrittenFile(Path(path), self.label, bank)]


FORMAT = QuizletFormat()
