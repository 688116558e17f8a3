"""The per-type layer: what every output and study mode needs to know of a question, once.

Outputs and study modes read the model (:mod:`quizgen.bank.model`) through this module
instead of each deriving, type by type, the same facts: the right choices, the accepted
answers, a number's range and unit, choice letters, type labels and instructions, the
seeded shuffles (and the rule that matching and ordering are never shown in answer
order), a cloze text's pieces, a source's title and the words for true and false.
It knows no output, no terminal and no click; it imports only the bank model.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from .bank.model import (
    QUESTION_TYPES,
    Bank,
    Cloze,
    Matching,
    MultipleAnswer,
    MultipleChoice,
    Numeric,
    Ordering,
    Question,
    ShortAnswer,
    SourceRef,
    TrueFalse,
)
from .bank.select import shuffled
from .text import format_number

__all__ = [
    "CASE_NOTE",
    "FALSE_WORDS",
    "TRUE_WORDS",
    "TYPES",
    "ClozePiece",
    "NumberText",
    "PartCredit",
    "TypeInfo",
    "accepted_answers",
    "answer_text",
    "choice_order",
    "cloze_pieces",
    "default_title",
    "derangement",
    "hashed_order",
    "letter",
    "letter_index",
    "not_in_answer_order",
    "number_text",
    "numeric_range",
    "part_credit",
    "right_choices",
    "right_indices",
    "shuffled",
    "source_title",
    "true_false_text",
    "type_info",
]

# --------------------------------------------------------------------------- types


@dataclass(frozen=True)
class TypeInfo:
    """How people call a question type, and what a printed quiz tells students about it."""

    #: The type's name in a bank: ``multiple_choice``.
    name: str
    #: Its label: ``Multiple choice`` (Anki note type names, ``export --list``).
    label: str
    #: What a question of this type asks for, in a heading: ``select all that apply``.
    asks: str
    #: The printed quiz's line of instructions for it.
    instruction: str


#: Every question type, in the order a printed quiz lists their instructions.
TYPES: dict[str, TypeInfo] = {
    info.name: info
    for info in (
        TypeInfo(
            "multiple_choice",
            "Multiple choice",
            "multiple choice",
            "Multiple choice: fill in the bubble of the one best answer.",
        ),
        TypeInfo(
            "true_false",
            "True or false",
            "true or false",
            "True or false: fill in the bubble of True or False.",
        ),
        TypeInfo(
            "multiple_answer",
            "Multiple answer",
            "select all that apply",
            "Select all that apply: tick every box that is right; there may be more than one.",
        ),
        TypeInfo(
            "short_answer",
            "Short answer",
            "short answer",
            "Short answer: write your answer on the lines.",
        ),
        TypeInfo(
            "numeric",
            "Numeric",
            "number",
            "Numeric: write a number in the box, in the unit shown.",
        ),
        TypeInfo(
            "cloze",
            "Cloze",
            "fill in the gaps",
            "Fill in the blanks: write the missing word or words on each numbered blank.",
        ),
        TypeInfo(
            "matching",
            "Matching",
            "matching",
            "Matching: write the letter of the matching item from the right column in each box.",
        ),
        TypeInfo(
            "ordering",
            "Ordering",
            "ordering",
            "Ordering: number the items in the boxes, 1 for the first.",
        ),
    )
}

assert set(TYPES) == set(QUESTION_TYPES), "every question type needs a row in TYPES"


def type_info(question: Question | str) -> TypeInfo:
    """The row of :data:`TYPES` for a question or a type name."""
    return TYPES[question if isinstance(question, str) else question.type]


#: What every output says of a short answer whose case matters.
CASE_NOTE = "Case matters."

# --------------------------------------------------------------------------- letters


def letter(index: int, *, lower: bool = False) -> str:
    """The label of the item at 0-based ``index``: A to Z, then AA, AB, ... as in spreadsheets."""
    out = ""
    index += 1
    while index > 0:
        index, rest = divmod(index - 1, 26)
        out = chr((ord("a") if lower else ord("A")) + rest) + out
    return out


def letter_index(text: str, count: int) -> int | None:
    """The 0-based index a typed label (``b``, ``AA``, ``c)``) stands for among ``count``, or None."""
    word = text.strip().casefold().rstrip(").")
    if not word.isascii() or not word.isalpha():
        return None
    index = 0
    for ch in word:
        index = index * 26 + (ord(ch) - ord("a") + 1)
    index -= 1
    return index if index < count else None


# --------------------------------------------------------------------------- answers


def right_indices(question: Question) -> tuple[int, ...]:
    """Bank indices of the right choices of a multiple-choice or -answer question; else ()."""
    if isinstance(question, MultipleChoice):
        return (question.answer_index,)
    if isinstance(question, MultipleAnswer):
        return tuple(i for i, c in enumerate(question.choices) if c in question.answers)
    return ()


def right_choices(question: Question) -> tuple[str, ...]:
    """The texts of the right choices, in choice order (multiple choice or answer); else ()."""
    if isinstance(question, MultipleChoice | MultipleAnswer):
        return tuple(question.choices[i] for i in right_indices(question))
    return ()


def accepted_answers(question: Question) -> tuple[str, ...]:
    """Every typed answer counted right, the canonical one first.

    Short answer: its answers; numeric: the number (with its unit, if any); true or false:
    ``True`` or ``False``; cloze: each gap's answer in order; choices: the right choices;
    matching: each right-hand item in pair order; ordering: the items in order.
    """
    if isinstance(question, ShortAnswer):
        return question.answers
    if isinstance(question, Numeric):
        return (number_text(question).answer_with_unit,)
    if isinstance(question, TrueFalse):
        return (true_false_text(question.answer),)
    if isinstance(question, Cloze):
        return tuple(d.answer for d in question.deletions)
    if isinstance(question, MultipleChoice | MultipleAnswer):
        return right_choices(question)
    if isinstance(question, Matching):
        return question.rights
    if isinstance(question, Ordering):
        return question.items
    return ()


def answer_text(question: Question) -> str:
    """The right answer as one line of plain text, in bank terms (no letters)."""
    if isinstance(question, Numeric):
        return number_text(question).summary
    if isinstance(question, Matching):
        return "; ".join(f"{left} → {right}" for left, right in question.pairs)
    if isinstance(question, Ordering):
        return " → ".join(question.items)
    if isinstance(question, ShortAnswer):
        return question.answers[0]
    return "; ".join(accepted_answers(question))


# --------------------------------------------------------------------------- points


@dataclass(frozen=True)
class PartCredit:
    """A question's points shared among its parts: ``count`` parts of ``each`` points."""

    count: int
    each: float
    #: What a part is, singular: ``pair``, ``blank``, ``item``, ``choice``.
    part: str

    @property
    def text(self) -> str:
        """``0.5 per pair``."""
        return f"{format_number(self.each)} per {self.part}"

    def parts_right(self, share: float) -> int:
        """How many parts a share of the points (0..1) stands for."""
        return round(share * self.count)

    def earned_text(self, share: float, points: float) -> str:
        """``3 of 5 pairs: 3/5 points``: the parts right and the points they earn."""
        parts = f"{self.part}{'' if self.count == 1 else 's'}"
        earned = format_number(round(share * points, 2))
        return f"{self.parts_right(share)} of {self.count} {parts}: {earned}/{format_number(points)} points"


def _parts(question: Question) -> tuple[int, str]:
    if isinstance(question, Matching):
        return len(question.pairs), "pair"
    if isinstance(question, Cloze):
        return len(question.deletions), "blank"
    if isinstance(question, Ordering):
        return len(question.items), "item"
    if isinstance(question, MultipleAnswer):
        return len(question.choices), "choice"
    return 0, ""


def part_credit(question: Question) -> PartCredit | None:
    """The part credit a question asks for (``partial: true``, two parts or more), else None.

    The rule, the same on paper, in ``quizgen quiz`` / ``review`` and on the self-test page
    (``quizgen.study.grading.part_share``, ``templates/web/grader.js``): the points are shared
    equally among the parts, and a part earns its share when it is right.

    * matching: a pair matched right;
    * cloze: a blank filled right (a forgiven typo counts);
    * ordering: an item in its right place (the k-th item given is the k-th of the answer;
      more letters than items earn nothing);
    * multiple answer: a choice rightly ticked or rightly left empty (so a wrong tick costs
      one share, and a blank answer earns the shares of the wrong choices left empty).
    """
    count, part = _parts(question)
    if not question.partial or count < 2:
        return None
    return PartCredit(count, round(question.points / count, 4), part)


# --------------------------------------------------------------------------- numbers


@dataclass(frozen=True)
class NumberText:
    """A numeric question's answer, tolerance, range and unit, each as printed."""

    answer: str
    unit: str | None
    tolerance: str | None = None
    low: str | None = None
    high: str | None = None

    @property
    def unit_suffix(self) -> str:
        """`` km`` for a unit, else empty."""
        return f" {self.unit}" if self.unit else ""

    @property
    def answer_with_unit(self) -> str:
        """``42 km``."""
        return self.answer + self.unit_suffix

    @property
    def summary(self) -> str:
        """``42 ± 0.5 km``: the answer, its tolerance (if any) and its unit."""
        plus_minus = f" ± {self.tolerance}" if self.tolerance else ""
        return f"{self.answer}{plus_minus}{self.unit_suffix}"


def numeric_range(question: Numeric) -> tuple[float, float]:
    """The lowest and highest number counted right."""
    return question.answer - question.tolerance, question.answer + question.tolerance


def number_text(question: Numeric) -> NumberText:
    """The printed pieces of a numeric question's answer (range only with a tolerance)."""
    answer = question.answer_text or format_number(question.answer)
    if not question.tolerance:
        return NumberText(answer, question.unit)
    low, high = numeric_range(question)
    return NumberText(
        answer,
        question.unit,
        format_number(question.tolerance),
        format_number(low),
        format_number(high),
    )


# --------------------------------------------------------------------------- true / false


#: What a printed or exported true-or-false answer says.
TRUE_TEXT, FALSE_TEXT = "True", "False"
#: Typed words read as true / false (after normalising case and punctuation).
TRUE_WORDS: frozenset[str] = frozenset({"t", "true", "y", "yes", "1"})
FALSE_WORDS: frozenset[str] = frozenset({"f", "false", "n", "no", "0"})


def true_false_text(value: bool) -> str:
    """``True`` or ``False``."""
    return TRUE_TEXT if value else FALSE_TEXT


# --------------------------------------------------------------------------- shuffles


def hashed_order(count: int, *salt: object) -> list[int]:
    """A shuffle of ``range(count)`` fixed by ``salt``: the same in every build and Python.

    Positions are sorted by a hash of the salt and their index: cheaper than seeding a
    random generator per question (it is what keeps Anki's choice orders stable across
    builds), and independent of ``random``'s algorithm.
    """
    prefix = ":".join(str(part) for part in salt).encode("utf-8") + b":"
    return sorted(
        range(count),
        key=lambda index: hashlib.blake2b(prefix + b"%d" % index, digest_size=8).digest(),
    )


def choice_order(question: Question, seed: object | None, *salt: object) -> list[int]:
    """Bank indices of a question's choices in display order.

    Bank order when ``seed`` is None, the question has no choices, or it says
    ``shuffle: false``; otherwise a shuffle fixed by seed, question id and ``salt``.
    """
    if not isinstance(question, MultipleChoice | MultipleAnswer):
        return []
    indices = list(range(len(question.choices)))
    if seed is None or not question.shuffle:
        return indices
    return shuffled(indices, seed, question.id, *salt)


def not_in_answer_order(order: Sequence[int]) -> list[int]:
    """``order`` itself, unless it is the answer order ``0, 1, 2...``: then rotated by one.

    For ordering items (and anything else that must not be shown already solved).
    """
    out = list(order)
    if len(out) > 1 and out == list(range(len(out))):
        return out[1:] + out[:1]
    return out


def derangement(order: Sequence[int], against: Sequence[int] | None = None) -> list[int]:
    """``order`` changed as little as needed so that no position holds ``against``'s item.

    Matching: ``against`` is the left column as printed (default: bank order), ``order``
    the right column; afterwards no left item is printed beside its own partner. The
    items at clashing positions are rotated among themselves (with one clash, swapped with
    the next position), so an order without a clash comes back unchanged, and the answer
    order comes back rotated by one. With fewer than two items there is nothing to do.
    """
    out = list(order)
    base = list(range(len(out))) if against is None else list(against)
    if len(out) != len(base):
        raise ValueError("order and against must have the same length")
    if len(out) < 2:
        return out
    clashes = [i for i, (a, b) in enumerate(zip(out, base, strict=True)) if a == b]
    if len(clashes) == 1:
        i = clashes[0]
        j = (i + 1) % len(out)
        out[i], out[j] = out[j], out[i]
    elif clashes:
        values = [out[i] for i in clashes]
        for position, value in zip(clashes, values[1:] + values[:1], strict=True):
            out[position] = value
    return out


# --------------------------------------------------------------------------- texts


@dataclass(frozen=True)
class ClozePiece:
    """A run of cloze text, or one numbered gap (``blank``, 1-based) with its hint and answer."""

    text: str = ""
    blank: int | None = None
    hint: str | None = None
    answer: str | None = None


def cloze_pieces(question: Cloze) -> tuple[ClozePiece, ...]:
    """A cloze text as runs of text and numbered gaps, in order."""
    pieces: list[ClozePiece] = []
    last = 0
    for position, deletion in enumerate(question.deletions, start=1):
        if deletion.start > last:
            pieces.append(ClozePiece(text=question.text[last : deletion.start]))
        pieces.append(ClozePiece(blank=position, hint=deletion.hint, answer=deletion.answer))
        last = deletion.end
    if last < len(question.text):
        pieces.append(ClozePiece(text=question.text[last:]))
    return tuple(pieces)


def default_title(titles: Sequence[str]) -> str:
    """The one default heading of anything made from several banks, from their titles.

    One bank: its title. Two: ``A and B``. More: ``A, B and C`` up to three, then
    ``A, B and 3 more``. Repeated titles count once; no title at all gives ``Quiz``.
    """
    unique = list(dict.fromkeys(t.strip() for t in titles if t and t.strip()))
    if not unique:
        return "Quiz"
    if len(unique) == 1:
        return unique[0]
    if len(unique) <= 3:
        return ", ".join(unique[:-1]) + " and " + unique[-1]
    return f"{unique[0]}, {unique[1]} and {len(unique) - 2} more"


def source_title(bank: Bank | None, question: Question, ref: SourceRef | None = None) -> str | None:
    """The title of the document a citation (default: the question's first) points at.

    The document's id when the bank does not declare it; None when there is no citation.
    """
    ref = ref if ref is not None else question.source
    if ref is None:
        return None
    document = bank.sources.get(ref.doc) if bank is not None else None
    return document.title if document is not None else ref.doc


def type_texts(question: Question) -> Iterator[tuple[str, str]]:
    """The texts of a question's own type, each with the key it is written under in a bank.

    Choices, accepted answers, a cloze's text, both sides of each pair, the items; not the
    prompt, explanation or a number's unit, which a reader adds where it needs them.
    """
    if isinstance(question, MultipleChoice | MultipleAnswer):
        for index, choice in enumerate(question.choices):
            yield f"choices[{index}]", choice
    elif isinstance(question, ShortAnswer):
        for index, answer in enumerate(question.answers):
            yield f"answer[{index}]", answer
    elif isinstance(question, Cloze):
        yield "text", question.text
    elif isinstance(question, Matching):
        for index, (left, right) in enumerate(question.pairs):
            yield f"pairs[{index}]", left
            yield f"pairs[{index}]", right
    elif isinstance(question, Ordering):
        for index, item in enumerate(question.items):
            yield f"items[{index}]", item
