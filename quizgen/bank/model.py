"""The typed, immutable model of a question bank.

Every output and study mode reads these classes and nothing else: the loader
(:mod:`quizgen.bank.load`) is the only code that sees raw YAML. Every value knows
where it came from: a question's :attr:`Question.location` points at its mapping,
and :meth:`Question.where` gives the location of any one key (``"answer"``,
``"choices[2]"``, ``"pairs[0]"``...).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar, Literal

from ..errors import Location

Difficulty = Literal["easy", "medium", "hard"]

DIFFICULTIES: tuple[str, ...] = ("easy", "medium", "hard")


@dataclass(frozen=True)
class Source:
    """A source document a bank's questions quote from."""

    id: str
    path: Path
    title: str
    location: Location

    def read_text(self) -> str:
        """The document's text (UTF-8, BOM tolerated)."""
        return self.path.read_text(encoding="utf-8-sig")


@dataclass(frozen=True)
class SourceRef:
    """A question's citation: the document id and the verbatim quote."""

    doc: str
    quote: str
    location: Location


@dataclass(frozen=True)
class Ignore:
    """A question's ``ignore:`` entry: a check's code silenced here, and why."""

    code: str
    reason: str
    location: Location


@dataclass(frozen=True)
class Question:
    """Fields every question type shares. Use a subclass, never this class."""

    type: ClassVar[str] = ""

    id: str
    location: Location
    prompt: str | None = None
    explanation: str | None = None
    tags: tuple[str, ...] = ()
    topic: str | None = None
    difficulty: Difficulty | None = None
    points: float = 1
    #: Part credit: ``points`` shared equally among the parts (pairs, blanks, items, choices).
    partial: bool = False
    citations: tuple[SourceRef, ...] = ()
    image: Path | None = None
    ignore: tuple[Ignore, ...] = ()
    locations: Mapping[str, Location] = field(default_factory=dict, compare=False, repr=False)

    def ignores(self, code: str) -> bool:
        """Whether the question's ``ignore:`` key silences check ``code``."""
        return any(i.code == code for i in self.ignore)

    @property
    def source(self) -> SourceRef | None:
        """The first citation, or None: what an output shows when it shows one passage."""
        return self.citations[0] if self.citations else None

    def where(self, key: str) -> Location:
        """Where ``key`` (e.g. ``"answer"`` or ``"choices[1]"``) was written, else the question."""
        if key in self.locations:
            return self.locations[key]
        base = key.split("[", 1)[0]
        return self.locations.get(base, self.location)


@dataclass(frozen=True)
class MultipleChoice(Question):
    """One right answer among 2 to 10 choices."""

    type: ClassVar[str] = "multiple_choice"

    choices: tuple[str, ...] = ()
    answer: str = ""
    shuffle: bool = True

    @property
    def answer_index(self) -> int:
        return self.choices.index(self.answer)


@dataclass(frozen=True)
class MultipleAnswer(Question):
    """One or more right answers among the choices ("select all that apply")."""

    type: ClassVar[str] = "multiple_answer"

    choices: tuple[str, ...] = ()
    answers: tuple[str, ...] = ()
    shuffle: bool = True

    def is_right(self, choice: str) -> bool:
        return choice in self.answers


@dataclass(frozen=True)
class TrueFalse(Question):
    """A statement that is true or false."""

    type: ClassVar[str] = "true_false"

    answer: bool = True


@dataclass(frozen=True)
class ShortAnswer(Question):
    """A typed answer; ``answers[0]`` is the canonical one, the rest are accepted too."""

    type: ClassVar[str] = "short_answer"

    answers: tuple[str, ...] = ()
    case_sensitive: bool = False

    @property
    def answer(self) -> str:
        return self.answers[0]


@dataclass(frozen=True)
class Numeric(Question):
    """A number; a response within ``answer ± tolerance`` is right."""

    type: ClassVar[str] = "numeric"

    answer: float = 0
    tolerance: float = 0
    unit: str | None = None
    #: The answer as the bank wrote it (``150,000``), printed instead of ``answer``.
    answer_text: str | None = None

    def accepts(self, value: float) -> bool:
        return abs(value - self.answer) <= self.tolerance + 1e-9 * max(1.0, abs(self.answer))


@dataclass(frozen=True)
class ClozeDeletion:
    """One ``{{cN::answer::hint}}`` gap of a cloze text."""

    number: int
    answer: str
    hint: str | None
    start: int
    end: int


# Anki makes cards c1 to c500 of a cloze note; it files a higher number under c500 (or c1).
MAX_CLOZE_NUMBER = 500
# A deletion number with more digits than this is kept as CLOZE_NUMBER_CEILING (refused).
_MAX_DIGITS = 18
CLOZE_NUMBER_CEILING = 10**_MAX_DIGITS


def parse_cloze(text: str) -> tuple[ClozeDeletion, ...]:
    """The deletions of an Anki-style cloze text, in the order they appear.

    A deletion is ``{{c`` digits ``::`` then text up to the first ``}}``; its first
    ``::`` (if any) starts the hint. The same matches as the regular expression
    ``\\{\\{c(\\d+)::(.*?)(?:::(.*?))?\\}\\}``, found in one pass (that expression is
    cubic on a text of unclosed ``{{c1::``).
    """
    out: list[ClozeDeletion] = []
    position = 0
    while True:
        start = text.find("{{c", position)
        if start < 0:
            break
        digits_end = start + 3
        while digits_end < len(text) and text[digits_end] in "0123456789":
            digits_end += 1
        if digits_end == start + 3 or not text.startswith("::", digits_end):
            position = start + 1
            continue
        body = digits_end + 2
        close = text.find("}}", body)
        if close < 0:
            break  # no deletion can close after this point
        digits = text[start + 3 : digits_end]
        number = int(digits) if len(digits) <= _MAX_DIGITS else CLOZE_NUMBER_CEILING
        split = text.find("::", body, close)
        if split < 0:
            answer, hint = text[body:close], None
        else:
            answer, hint = text[body:split], text[split + 2 : close]
        out.append(ClozeDeletion(number, answer, hint, start, close + 2))
        position = close + 2
    return tuple(out)


@dataclass(frozen=True)
class Cloze(Question):
    """A text with gaps in Anki's ``{{c1::answer::hint}}`` syntax."""

    type: ClassVar[str] = "cloze"

    text: str = ""
    deletions: tuple[ClozeDeletion, ...] = ()

    @property
    def numbers(self) -> tuple[int, ...]:
        """The distinct deletion numbers, ascending (one Anki card each)."""
        return tuple(sorted({d.number for d in self.deletions}))

    def render(self, blank: str | None = None, *, show: int | None = None) -> str:
        """The text with gaps filled (``blank=None``) or replaced by ``blank``.

        ``blank`` may contain ``{n}`` (the gap's 1-based position) and ``{hint}``.
        With ``show`` set, only deletions of that number are blanked.
        """
        out: list[str] = []
        last = 0
        for position, d in enumerate(self.deletions, start=1):
            out.append(self.text[last : d.start])
            if blank is None or (show is not None and d.number != show):
                out.append(d.answer)
            else:
                out.append(blank.format(n=position, hint=d.hint or ""))
            last = d.end
        out.append(self.text[last:])
        return "".join(out)


@dataclass(frozen=True)
class Matching(Question):
    """Pairs to match: each left item goes with exactly one right item."""

    type: ClassVar[str] = "matching"

    pairs: tuple[tuple[str, str], ...] = ()

    @property
    def lefts(self) -> tuple[str, ...]:
        return tuple(left for left, _ in self.pairs)

    @property
    def rights(self) -> tuple[str, ...]:
        return tuple(right for _, right in self.pairs)


@dataclass(frozen=True)
class Ordering(Question):
    """Items to put in order; ``items`` is the right order."""

    type: ClassVar[str] = "ordering"

    items: tuple[str, ...] = ()


QUESTION_TYPES: dict[str, type[Question]] = {
    cls.type: cls
    for cls in (
        MultipleChoice,
        MultipleAnswer,
        TrueFalse,
        ShortAnswer,
        Numeric,
        Cloze,
        Matching,
        Ordering,
    )
}


@dataclass(frozen=True)
class Bank:
    """One bank file: its metadata, sources and questions, in file order."""

    id: str
    title: str
    path: Path
    location: Location
    questions: tuple[Question, ...]
    description: str | None = None
    sources: Mapping[str, Source] = field(default_factory=dict)
    #: Where each top-level key (``"title"``, ``"id"``...) was written.
    locations: Mapping[str, Location] = field(default_factory=dict, compare=False, repr=False)

    @property
    def folder(self) -> Path:
        return self.path.parent

    def source_for(self, question: Question) -> Source | None:
        """The document of a question's first citation, if the bank declares it."""
        if question.source is None:
            return None
        return self.sources.get(question.source.doc)

    def cited(self, question: Question) -> list[tuple[SourceRef, Source | None]]:
        """Each of a question's citations with its document (None if not declared)."""
        return [(ref, self.sources.get(ref.doc)) for ref in question.citations]

    def topics(self) -> list[str]:
        """The bank's topics in order of first appearance."""
        seen: dict[str, None] = {}
        for q in self.questions:
            if q.topic:
                seen.setdefault(q.topic)
        return list(seen)
