"""What the printed quiz's templates see: each version laid out as numbered view objects.

Every decision is made here (numbering, letters, shuffles, the key's answers, data URIs),
with what a question means taken from :mod:`quizgen.questions`; the templates only lay
the views out.
"""

from __future__ import annotations

import base64
import math
import mimetypes
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..bank.model import (
    Bank,
    Cloze,
    Matching,
    MultipleAnswer,
    MultipleChoice,
    Numeric,
    Ordering,
    Question,
    ShortAnswer,
    TrueFalse,
)
from ..bank.select import shuffled
from ..errors import QuizgenError
from ..questions import (
    ClozePiece,
    choice_order,
    cloze_pieces,
    derangement,
    letter,
    not_in_answer_order,
    number_text,
    right_indices,
    source_title,
    true_false_text,
    type_info,
)
from ..text import format_number
from .base import MAX_VERSIONS


@dataclass(frozen=True)
class ChoiceView:
    """A lettered choice (or right-hand matching item) as printed."""

    letter: str
    text: str
    correct: bool = False


@dataclass(frozen=True)
class MatchRow:
    """A left-hand matching item, numbered, with the letter of its partner on the right."""

    number: int
    text: str
    answer_letter: str
    answer_text: str


@dataclass(frozen=True)
class OrderItem:
    """An ordering item as printed (shuffled), with its place in the right order."""

    text: str
    position: int


@dataclass(frozen=True)
class QuestionView:
    """One question as numbered and laid out in one version."""

    number: int
    key: str
    question: Question
    points: str
    instruction: str
    choices: tuple[ChoiceView, ...] = ()
    cloze: tuple[ClozePiece, ...] = ()
    lefts: tuple[MatchRow, ...] = ()
    rights: tuple[ChoiceView, ...] = ()
    order_items: tuple[OrderItem, ...] = ()
    image_uri: str | None = None
    source_title: str | None = None
    answer_text: str | None = None
    alternatives: tuple[str, ...] = ()
    tolerance_text: str | None = None
    writing_lines: int = 0

    @property
    def kind(self) -> str:
        return self.question.type

    @property
    def correct_letters(self) -> str:
        """The letters of the right choices, as ``B`` or ``A, C``."""
        return ", ".join(c.letter for c in self.choices if c.correct)

    @property
    def glance(self) -> str:
        """The answer in a few characters, for the key's at-a-glance grid (plain text)."""
        if isinstance(self.question, TrueFalse):
            return true_false_text(self.question.answer)
        if self.choices:
            return self.correct_letters
        if self.cloze:
            return " / ".join(p.answer or "" for p in self.cloze if p.blank)
        if self.lefts:
            return " ".join(f"{row.number}-{row.answer_letter}" for row in self.lefts)
        if self.order_items:
            return " ".join(str(item.position) for item in self.order_items)
        return self.answer_text or ""


@dataclass(frozen=True)
class TopicSection:
    """Questions under one topic heading (``title`` None: no heading)."""

    title: str | None
    questions: tuple[QuestionView, ...]


@dataclass(frozen=True)
class QuizVersion:
    """One version of a quiz: its letter (None for an unversioned quiz) and its sections."""

    letter: str | None
    sections: tuple[TopicSection, ...]

    @property
    def questions(self) -> list[QuestionView]:
        return [q for section in self.sections for q in section.questions]


@dataclass
class _Assets:
    """Data URIs of images, read once per run."""

    uris: dict[Path, str] = field(default_factory=dict)

    def data_uri(self, question: Question) -> str | None:
        if question.image is None:
            return None
        path = Path(question.image)
        if path not in self.uris:
            mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            if path.suffix.lower() == ".webp":
                mime = "image/webp"
            try:
                data = path.read_bytes()
            except OSError as exc:
                raise QuizgenError(
                    f"question '{question.id}': cannot read image {path}: {exc.strerror or exc}",
                    location=question.where("image"),
                ) from None
            self.uris[path] = f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
        return self.uris[path]


def points_label(points: float) -> str:
    """``1 point``, ``2 points``, ``1.5 points``."""
    return f"{format_number(points)} point{'' if points == 1 else 's'}"


def _view(
    question: Question,
    number: int,
    *,
    seed: object | None,
    salt: str,
    bank: Bank | None,
    assets: _Assets,
) -> QuestionView:
    """Lay out one question for one version: letters, shuffles, blanks, the key's answer."""
    view = QuestionView(
        number=number,
        key=f"{bank.id}/{question.id}" if bank else question.id,
        question=question,
        points=points_label(question.points),
        instruction=type_info(question).instruction,
        image_uri=assets.data_uri(question),
        source_title=source_title(bank, question),
    )
    # Matching columns and ordering items are always shuffled: in bank order they give the answer.
    fixed_seed = seed if seed is not None else "quizgen"
    if isinstance(question, MultipleChoice | MultipleAnswer):
        right = set(right_indices(question))
        choices = tuple(
            ChoiceView(letter(i), question.choices[j], j in right)
            for i, j in enumerate(choice_order(question, seed, salt))
        )
        return replace(view, choices=choices)
    if isinstance(question, TrueFalse):
        choices = (
            ChoiceView("T", true_false_text(True), question.answer is True),
            ChoiceView("F", true_false_text(False), question.answer is False),
        )
        return replace(view, choices=choices, answer_text=true_false_text(question.answer))
    if isinstance(question, ShortAnswer):
        return replace(
            view,
            answer_text=question.answers[0],
            alternatives=question.answers[1:],
            writing_lines=min(5, 2 + max(0, math.ceil(question.points) - 1)),
        )
    if isinstance(question, Numeric):
        n = number_text(question)
        tolerance = None
        if n.tolerance:
            unit = n.unit_suffix
            tolerance = f"± {n.tolerance}{unit} (accept {n.low} to {n.high}{unit})"
        return replace(view, answer_text=n.answer_with_unit, tolerance_text=tolerance)
    if isinstance(question, Cloze):
        return replace(view, cloze=cloze_pieces(question))
    if isinstance(question, Matching):
        left_order = list(range(len(question.pairs)))
        if seed is not None:
            left_order = shuffled(left_order, seed, question.id, "left", salt)
        # No left item is printed beside its own partner (1 beside its own A).
        right_order = derangement(
            shuffled(left_order, fixed_seed, question.id, "right", salt, 0), left_order
        )
        letter_of = {j: letter(i) for i, j in enumerate(right_order)}
        rights = tuple(ChoiceView(letter_of[j], question.pairs[j][1]) for j in right_order)
        lefts = tuple(
            MatchRow(n, question.pairs[j][0], letter_of[j], question.pairs[j][1])
            for n, j in enumerate(left_order, start=1)
        )
        return replace(view, lefts=lefts, rights=rights)
    if isinstance(question, Ordering):
        count = len(question.items)
        order = not_in_answer_order(
            shuffled(range(count), fixed_seed, question.id, "order", salt, 0)
        )
        return replace(view, order_items=tuple(OrderItem(question.items[j], j + 1) for j in order))
    return view


def group_by_topic(questions: Iterable[Question]) -> list[tuple[str | None, list[Question]]]:
    """Stable grouping: topics in order of first appearance, questions in order within each.

    Questions without a topic form the last group.
    """
    groups: dict[str | None, list[Question]] = {}
    for q in questions:
        groups.setdefault(q.topic, []).append(q)
    untopiced = groups.pop(None, None)
    out = list(groups.items())
    if untopiced:
        out.append((None, untopiced))  # questions without a topic come last
    return out


def _version_order(
    questions: Sequence[Question], seed: object, letter: str, taken: list[list[int]]
) -> list[Question]:
    """This version's order: a seeded shuffle, grouped by topic, unlike the versions before it."""
    indices = list(range(len(questions)))
    position = {id(q): i for i, q in enumerate(questions)}
    best: list[int] | None = None
    for attempt in range(30):
        order = shuffled(indices, seed, "version", letter, attempt)
        grouped = [
            position[id(q)] for _, qs in group_by_topic(questions[i] for i in order) for q in qs
        ]
        best = best or grouped
        if grouped not in taken:
            best = grouped
            break
    assert best is not None
    taken.append(best)
    return [questions[i] for i in best]


def plan_versions(
    questions: Sequence[Question],
    *,
    banks: Sequence[Bank] = (),
    versions: int | None = None,
    seed: object | None = None,
    shuffle: bool = True,
) -> list[QuizVersion]:
    """Lay out the selected questions as one unlettered quiz or ``versions`` lettered ones.

    Every version holds the same questions. With ``shuffle`` each version has its own
    order (grouped by topic, distinct from the other versions whenever the questions
    allow) and its own choice order (except questions with ``shuffle: false``), all
    fixed by ``seed``. Without ``shuffle`` the order is the given one, grouped by topic.
    """
    if not questions:
        raise QuizgenError("no questions to print: the selection is empty")
    if versions is not None and not 1 <= versions <= MAX_VERSIONS:
        raise QuizgenError(f"--versions must be from 1 to {MAX_VERSIONS}, not {versions}")
    owner = {id(q): bank for bank in banks for q in bank.questions}
    assets = _Assets()
    letters: list[str | None] = [letter(i) for i in range(versions)] if versions else [None]
    taken: list[list[int]] = []
    out: list[QuizVersion] = []
    for version_letter in letters:
        salt = version_letter or "quiz"
        if shuffle and seed is not None:
            ordered = _version_order(questions, seed, salt, taken)
        else:
            ordered = [q for _, qs in group_by_topic(questions) for q in qs]
        number = 0
        sections: list[TopicSection] = []
        groups = group_by_topic(ordered)
        for topic, qs in groups:
            views = []
            for q in qs:
                number += 1
                views.append(
                    _view(
                        q,
                        number,
                        seed=seed if shuffle else None,
                        salt=salt,
                        bank=owner.get(id(q)),
                        assets=assets,
                    )
                )
            title = topic if topic is not None else ("Other questions" if len(groups) > 1 else None)
            sections.append(TopicSection(title, tuple(views)))
        out.append(QuizVersion(version_letter, tuple(sections)))
    return out
