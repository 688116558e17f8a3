"""What the classroom-game sheets share: Kahoot, Wayground and Blooket.

Each of them takes a question as a row: its text, a few answers, and the right answers'
numbers (``1,3``). This module builds that row once for a multiple-choice, multiple-answer
or true-or-false question, checks it against a platform's limits (a question past one is
left out of the sheet and reported at its place, never cut), keeps each format's plan for
a selection so ``problems()`` and ``write()`` compute every row once, and gives the three
formats their common face (:class:`GameSheetFormat`). It has no ``FORMAT`` of its own.
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from ..bank.model import Bank, MultipleAnswer, MultipleChoice, Question, TrueFalse
from ..errors import Location, Problem
from ..fileio import write_bytes_atomic
from ..questions import choice_order, true_false_text
from ..text import to_plain
from .base import Carriage, OutputOptions, Selection, WrittenFile, carriage_problems
from .cells import tsv_cell, unwritable_characters

#: The time limit a question gets, by its difficulty (none: the first), in seconds.
TIME_BY_DIFFICULTY: Mapping[str | None, int] = {None: 20, "easy": 20, "medium": 30, "hard": 60}

T = TypeVar("T")


def cell(text: str | None) -> str:
    """Bank text as a game cell: plain (Markdown markers removed), one line, never a formula."""
    return tsv_cell(to_plain(text or ""))


def takes_choices(question: Question) -> bool:
    """Whether the question is one of choices: multiple choice, multiple answer, true or false."""
    return isinstance(question, MultipleChoice | MultipleAnswer | TrueFalse)


@dataclass(frozen=True)
class ChoiceRow:
    """One question as a game sheet shows it: texts as cells, right answers numbered from 1."""

    question: str
    answers: tuple[str, ...]
    right: tuple[int, ...]
    #: The bank index of each answer's choice (empty for true or false).
    order: tuple[int, ...] = ()

    @property
    def right_text(self) -> str:
        """The right answers' numbers as the sheets write them: ``1,3``."""
        return ",".join(map(str, self.right))


def _seed(bank: Bank, options: OutputOptions) -> str | None:
    if not options.shuffle:
        return None
    return options.seed if options.seed is not None else bank.id


def choice_row(bank: Bank, question: Question, options: OutputOptions, salt: str) -> ChoiceRow:
    """The row of a question of choices; choices shuffled by ``--seed`` (and ``salt``)."""
    if isinstance(question, TrueFalse):
        answers = (true_false_text(True), true_false_text(False))
        return ChoiceRow(cell(question.prompt), answers, (1 if question.answer else 2,))
    if not isinstance(question, MultipleChoice | MultipleAnswer):
        raise ValueError(f"not a question of choices: {question.type}")
    order = choice_order(question, _seed(bank, options), salt)
    right = question.answers if isinstance(question, MultipleAnswer) else (question.answer,)
    choices = tuple(cell(question.choices[i]) for i in order)
    numbers = tuple(n for n, i in enumerate(order, start=1) if question.choices[i] in right)
    return ChoiceRow(cell(question.prompt), choices, numbers, tuple(order))


@dataclass(frozen=True)
class Limits:
    """A platform's limits on a row: text lengths (None: no known limit) and answer count."""

    platform: str
    min_answers: int
    max_answers: int
    max_question: int | None = None
    max_answer: int | None = None


def left_out(where: Location, question: Question, reason: str, fix: str) -> Problem:
    """The warning that a question is left out of a sheet: at its place, why, and the fix."""
    return Problem(where, "warning", f"{reason}: left out ({fix} to include it)", question.id)


def limit_problems(question: Question, row: ChoiceRow, limits: Limits) -> list[Problem]:
    """A warning, at its place in the bank, for each limit the row goes past.

    Any such warning means the question is left out of the sheet (its text is never cut).
    """
    out: list[Problem] = []
    name = limits.platform

    if not row.question:
        out.append(
            left_out(question.location, question, f"{name} needs a question text", "add a prompt")
        )
    if limits.max_question is not None and len(row.question) > limits.max_question:
        out.append(
            left_out(
                question.where("prompt"),
                question,
                f"the question is {len(row.question)} characters; "
                f"{name} takes at most {limits.max_question}",
                "shorten it",
            )
        )
    if not limits.min_answers <= len(row.answers) <= limits.max_answers:
        fix = "remove choices" if len(row.answers) > limits.max_answers else "add choices"
        out.append(
            left_out(
                question.where("choices"),
                question,
                f"{len(row.answers)} choices; {name} takes {limits.min_answers} to "
                f"{limits.max_answers} answers",
                fix,
            )
        )
    if limits.max_answer is not None and row.order:  # true or false: fixed short answers
        for i, answer in sorted(zip(row.order, row.answers, strict=True)):
            length = len(answer)
            if length > limits.max_answer:
                out.append(
                    left_out(
                        question.where(f"choices[{i}]"),
                        question,
                        f"choice {i + 1} is {length} characters; "
                        f"{name} takes at most {limits.max_answer}",
                        "shorten it",
                    )
                )
    return out


def image_warning(question: Question, what: str, platform: str) -> list[Problem]:
    """A warning that ``what`` (a platform's sheet) leaves the question's image out, if it has one."""
    if question.image is None:
        return []
    return [
        Problem(
            question.where("image"),
            "warning",
            f"{what} carries no images: add the image in {platform} after the import",
            question.id,
        )
    ]


def nothing_taken(
    selection: Selection, platform: str, kinds: str, taken: int, written: int
) -> list[Problem]:
    """The error when the sheet would hold no question: none of a type it takes, or none fits.

    ``taken`` counts the chosen questions of a type the sheet takes, ``written`` its rows.
    """
    if written:
        return []
    if not taken:
        message = f"no chosen question is one {platform} takes ({kinds})"
    else:
        message = (
            f"no chosen question fits {platform}'s limits ({taken} left out): nothing to write"
        )
    return [Problem(selection.banks[0].location, "error", message)]


def per_selection(
    build: Callable[[Selection, OutputOptions], T],
) -> Callable[[Selection, OutputOptions], T]:
    """``build``, computed once per selection and options and then reused.

    ``problems()`` and ``write()`` get the same Selection object (export, build): the second
    call reuses the first's result. A result is kept only while its selection is alive
    (a weak reference), so a long ``build --watch`` holds no bank it has moved past.
    """
    cache: dict[int, tuple[weakref.ref[Selection], OutputOptions, T]] = {}

    @functools.wraps(build)
    def cached(selection: Selection, options: OutputOptions) -> T:
        key = id(selection)
        hit = cache.get(key)
        if hit is not None and hit[0]() is selection and hit[1] == options:
            return hit[2]
        result = build(selection, options)
        if hit is None or hit[0]() is not selection:
            weakref.finalize(selection, cache.pop, key, None)
        cache[key] = (weakref.ref(selection), options, result)
        return result

    return cached


R = TypeVar("R")


@dataclass(frozen=True)
class SheetPlan(Generic[R]):
    """The rows of every question a sheet takes, in order, and what the selection runs into."""

    rows: tuple[R, ...]
    problems: tuple[Problem, ...]


def plan_sheet(
    selection: Selection,
    takes: Callable[[Question], bool],
    make_row: Callable[[Bank, Question], R],
    row_problems: Callable[[Question, R], list[Problem]],
    written_problems: Callable[[Question], list[Problem]],
) -> SheetPlan[R]:
    """The row of every question the sheet ``takes``, each checked before it is kept.

    A question whose text a spreadsheet cannot hold, or whose row breaks a limit
    (``row_problems``), is left out with its problems; a kept row may still bring warnings
    (``written_problems``: an image left behind, a case rule lost).
    """
    rows: list[R] = []
    problems: list[Problem] = []
    for bank, questions in selection.by_bank():
        for question in questions:
            if not takes(question):
                continue
            unwritable = unwritable_characters(question, "a spreadsheet")
            if unwritable:
                problems += unwritable
                continue
            row = make_row(bank, question)
            over = row_problems(question, row)
            problems += over
            if over:
                continue
            rows.append(row)
            problems += written_problems(question)
    return SheetPlan(tuple(rows), tuple(problems))


@dataclass(frozen=True)
class TimedRow:
    """A choice question as a game shows it: its row of choices and its time limit (seconds)."""

    choices: ChoiceRow
    seconds: int


def plan_timed_choices(
    selection: Selection, options: OutputOptions, salt: str, limits: Limits, carrier: str
) -> SheetPlan[TimedRow]:
    """The plan of a game that takes only choice questions (Kahoot, Blooket): a timed row each.

    ``salt`` makes the game's shuffles its own; ``carrier`` names its file in the warning
    about an image it cannot carry ("Kahoot's spreadsheet").
    """

    def row(bank: Bank, question: Question) -> TimedRow:
        seconds = TIME_BY_DIFFICULTY[question.difficulty]
        return TimedRow(choice_row(bank, question, options, salt), seconds)

    return plan_sheet(
        selection,
        takes_choices,
        row,
        lambda question, timed: limit_problems(question, timed.choices, limits),
        lambda question: image_warning(question, carrier, limits.platform),
    )


class GameSheetFormat(Generic[R]):
    """The registry's face of a classroom game's sheet: Kahoot, Wayground and Blooket.

    A subclass names the platform and what it takes, and gives its plan (made once per
    selection, see :func:`per_selection`) and the file's bytes from the plan's rows.
    """

    name: str
    label: str
    suffix: str
    carries: Mapping[str, Carriage]
    limits: str
    #: The platform's name in messages ("Kahoot") and the kinds of question it takes.
    platform: str
    kinds: str

    def takes(self, question: Question) -> bool:
        """Whether the sheet has a row for a question of this kind."""
        raise NotImplementedError

    def plan(self, selection: Selection, options: OutputOptions) -> SheetPlan[R]:
        """Every row and every problem of ``selection``."""
        raise NotImplementedError

    def file_bytes(self, rows: tuple[R, ...]) -> bytes:
        """The file of ``rows``, as the platform imports it."""
        raise NotImplementedError

    def problems(self, selection: Selection, options: OutputOptions) -> list[Problem]:
        """A warning per question or image left out; an error when no question is left."""
        planned = self.plan(selection, options)
        taken = sum(map(self.takes, selection.questions))
        return (
            carriage_problems(self, selection)
            + list(planned.problems)
            + nothing_taken(selection, self.platform, self.kinds, taken, len(planned.rows))
        )

    def write(self, selection: Selection, path: Path, options: OutputOptions) -> list[WrittenFile]:
        """The file at ``path``, written atomically."""
        write_bytes_atomic(Path(path), self.file_bytes(self.plan(selection, options).rows))
        return [WrittenFile(Path(path), self.label, selection.bank_id)]
