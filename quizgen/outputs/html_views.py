"""What the printed quiz's templates see: each version laid out as numbered view objects.

Every decision is made here (numbering, letters, shuffles, the key's answers, data URIs),
with what a question means taken from :mod:`quizgen.questions`; the templates only lay
the views out.
"""

from __future__ import annotations

import base64
import math
import mimetypes
from collections.abc import Callable, Iterable, Sequence
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
    part_credit,
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
    wide: bool = False
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


def question_points(question: Question) -> str:
    """``2 points``, or with part credit ``5 points · 1 per pair``."""
    credit = part_credit(question)
    label = points_label(question.points)
    return f"{label} · {credit.text}" if credit else label


#: A question this long (prompt and items, in characters) takes the full width in compact layout.
WIDE_TEXT = 320


def is_wide(question: Question) -> bool:
    """Whether a question needs the page's full width (compact layout: not in a column)."""
    if question.image is not None or isinstance(question, Matching):
        return True
    items: tuple[str, ...] = ()
    if isinstance(question, MultipleChoice | MultipleAnswer):
        items = question.choices
    elif isinstance(question, Ordering):
        items = question.items
    elif isinstance(question, Cloze):
        items = (question.text,)
    longest = max((len(i) for i in items), default=0)
    return len(question.prompt or "") + sum(len(i) for i in items) > WIDE_TEXT or longest > 90


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
        points=question_points(question),
        instruction=type_info(question).instruction,
        wide=is_wide(question),
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


@dataclass(frozen=True)
class Arrangement:
    """How the chosen questions become versions: order, sections, draws, all fixed by ``seed``.

    ``shuffle_questions``: each version its own question order (within each topic when
    there are sections); ``shuffle_choices``: its own choice order. ``sections``: a heading
    per topic, topics in the banks' order. ``draw``: each version draws its own questions
    from ``pool`` with the same number per topic as the chosen ones.
    """

    versions: int | None = None
    seed: object | None = None
    shuffle_questions: bool = True
    shuffle_choices: bool = True
    sections: bool = True
    draw: bool = False


def group_by_topic(
    questions: Iterable[Question], topic_rank: dict[str | None, int] | None = None
) -> list[tuple[str | None, list[Question]]]:
    """Stable grouping by topic: topics in ``topic_rank`` order (else first appearance).

    Questions keep their order within each topic; questions without a topic come last.
    """
    groups: dict[str | None, list[Question]] = {}
    for q in questions:
        groups.setdefault(q.topic, []).append(q)
    untopiced = groups.pop(None, None)
    out = list(groups.items())
    if topic_rank is not None:
        out.sort(key=lambda item: topic_rank.get(item[0], len(topic_rank)))
    if untopiced:
        out.append((None, untopiced))  # questions without a topic come last
    return out


def _bank_order(banks: Sequence[Bank], questions: Sequence[Question]) -> list[Question]:
    """``questions`` in the order the banks list them (questions of no bank keep theirs, last)."""
    rank = {id(q): i for i, q in enumerate(q for b in banks for q in b.questions)}
    return sorted(questions, key=lambda q: rank.get(id(q), len(rank)))


def _topic_rank(banks: Sequence[Bank], questions: Sequence[Question]) -> dict[str | None, int]:
    """Each topic's place: its first appearance in the banks, then in ``questions``."""
    rank: dict[str | None, int] = {}
    for q in [*(q for b in banks for q in b.questions), *questions]:
        if q.topic is not None:
            rank.setdefault(q.topic, len(rank))
    return rank


def _version_order(
    questions: Sequence[Question],
    seed: object,
    salt: str,
    taken: list[list[int]],
    arrange: Callable[[list[Question]], list[Question]],
) -> list[Question]:
    """This version's order: a seeded shuffle, arranged (by topic), unlike the versions before."""
    position = {id(q): i for i, q in enumerate(questions)}
    best: list[int] | None = None
    for attempt in range(30):
        order = [
            position[id(q)] for q in arrange(shuffled(questions, seed, "version", salt, attempt))
        ]
        best = best or order
        if order not in taken:
            best = order
            break
    assert best is not None
    taken.append(best)
    return [questions[i] for i in best]


def draw_questions(
    chosen: Sequence[Question],
    pool: Sequence[Question],
    letters: Sequence[str | None],
    seed: object,
) -> list[list[Question]]:
    """Each version's own draw from ``pool``: as many per topic as ``chosen`` has.

    Within a topic the questions fewest earlier versions drew come first (ties broken by
    the seed), so neighbours share questions only when the pool runs short.
    """
    wanted: dict[str | None, int] = {}
    for q in chosen:
        wanted[q.topic] = wanted.get(q.topic, 0) + 1
    by_topic: dict[str | None, list[Question]] = {}
    for q in pool:
        by_topic.setdefault(q.topic, []).append(q)
    used: dict[int, int] = {}
    out = []
    for version_letter in letters:
        drawn: list[Question] = []
        for topic, count in wanted.items():
            candidates = shuffled(by_topic.get(topic, []), seed, "draw", version_letter or "quiz")
            candidates.sort(key=lambda q: used.get(id(q), 0))  # stable: the shuffle breaks ties
            drawn += candidates[:count]
        for q in drawn:
            used[id(q)] = used.get(id(q), 0) + 1
        out.append(drawn)
    return out


def plan_versions(
    questions: Sequence[Question],
    *,
    banks: Sequence[Bank] = (),
    arrangement: Arrangement | None = None,
    pool: Sequence[Question] | None = None,
) -> list[QuizVersion]:
    """Lay out the chosen questions as one unlettered quiz or lettered versions.

    Without ``arrangement.draw`` every version holds the same questions. Sections (a
    heading per topic) follow the banks' topic order. With ``shuffle_questions`` each
    version has its own question order (within topics; distinct from the other versions
    whenever the questions allow), else the banks' order; with ``shuffle_choices`` its own
    choice order (except questions with ``shuffle: false``); all fixed by the seed.
    """
    plan = arrangement or Arrangement()
    if not questions:
        raise QuizgenError("no questions to print: the selection is empty")
    if plan.versions is not None and not 1 <= plan.versions <= MAX_VERSIONS:
        raise QuizgenError(f"--versions must be from 1 to {MAX_VERSIONS}, not {plan.versions}")
    seed = plan.seed
    owner = {id(q): bank for bank in banks for q in bank.questions}
    assets = _Assets()
    letters: list[str | None] = (
        [letter(i) for i in range(plan.versions)] if plan.versions else [None]
    )
    topic_rank = _topic_rank(banks, questions)

    def arrange(qs: list[Question]) -> list[Question]:
        if not plan.sections:
            return qs
        return [q for _, group in group_by_topic(qs, topic_rank) for q in group]

    if plan.draw and seed is not None:
        draws = draw_questions(questions, pool or questions, letters, seed)
    else:
        draws = [list(questions) for _ in letters]
    taken: list[list[int]] = []
    out: list[QuizVersion] = []
    for version_letter, drawn in zip(letters, draws, strict=True):
        salt = version_letter or "quiz"
        if plan.shuffle_questions and seed is not None:
            ordered = _version_order(drawn, seed, salt, taken, arrange)
        else:
            ordered = arrange(_bank_order(banks, drawn))
        groups = group_by_topic(ordered, topic_rank) if plan.sections else [(None, ordered)]
        number = 0
        sections: list[TopicSection] = []
        for topic, qs in groups:
            views = []
            for q in qs:
                number += 1
                views.append(
                    _view(
                        q,
                        number,
                        seed=seed if plan.shuffle_choices else None,
                        salt=salt,
                        bank=owner.get(id(q)),
                        assets=assets,
                    )
                )
            title = topic if topic is not None else ("Other questions" if len(groups) > 1 else None)
            sections.append(TopicSection(title, tuple(views)))
        out.append(QuizVersion(version_letter, tuple(sections)))
    return out
