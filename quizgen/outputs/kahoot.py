"""Kahoot's quiz spreadsheet template (``quizgen export kahoot``): an xlsx to import.

The sheet is laid out as Kahoot's own template: a few lines of instructions, a header on
row 8, then one question per row from row 9 (column A its number; B the question; C to F
up to four answers; G the time limit; H the right answers' numbers, ``1,3``). Kahoot
takes multiple choice, true or false and multiple answer questions with 2 to 4 answers;
other types are reported and skipped. A question over 120 characters or an answer over 75
is refused with its location, never cut. openpyxl is imported only when writing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..bank.model import Bank, MultipleAnswer, MultipleChoice, Question, TrueFalse
from ..errors import Location, Problem
from ..fileio import write_bytes_atomic
from ..questions import choice_order, true_false_text
from ..text import to_plain
from .base import Carriage, OutputOptions, Selection, WrittenFile, carriage_problems, carries_all
from .cells import tsv_cell, unwritable_characters

MAX_QUESTION = 120
MAX_ANSWER = 75
MIN_ANSWERS, MAX_ANSWERS = 2, 4
#: The time limits Kahoot offers, in seconds.
TIME_LIMITS = (5, 10, 20, 30, 60, 90, 120, 240)
#: The time limit a question gets, by its difficulty (none: the first).
TIME_BY_DIFFICULTY: Mapping[str | None, int] = {None: 20, "easy": 20, "medium": 30, "hard": 60}
assert set(TIME_BY_DIFFICULTY.values()) <= set(TIME_LIMITS)

HEADER_ROW = 8
HEADER = (
    "",
    f"Question - max {MAX_QUESTION} characters",
    f"Answer 1 - max {MAX_ANSWER} characters",
    f"Answer 2 - max {MAX_ANSWER} characters",
    f"Answer 3 - max {MAX_ANSWER} characters",
    f"Answer 4 - max {MAX_ANSWER} characters",
    "Time limit (sec) – " + ", ".join(map(str, TIME_LIMITS[:-1])) + f", or {TIME_LIMITS[-1]} secs",
    "Correct answer(s) - choose at least one",
)
INSTRUCTIONS = (
    "Quiz template",
    "Add questions, at least two answer alternatives, time limit and choose correct answers "
    "(at least one).",
    f"Questions have a limit of {MAX_QUESTION} characters and answers {MAX_ANSWER}. "
    "If several answers are correct, separate them with a comma.",
    "Made by quizgen from a question bank.",
)

_SKIPPED = Carriage(
    "none", "skipped: Kahoot's spreadsheet takes only questions with 2 to 4 answers"
)


@dataclass(frozen=True)
class KahootRow:
    """One question as the sheet shows it: texts as cells, right answers numbered from 1."""

    question: str
    answers: tuple[str, ...]
    time_limit: int
    right: tuple[int, ...]

    @property
    def right_text(self) -> str:
        return ",".join(map(str, self.right))


def _cell(text: str | None) -> str:
    return tsv_cell(to_plain(text or ""))


def takes(question: Question) -> bool:
    """Whether the sheet can hold this type of question at all."""
    return isinstance(question, MultipleChoice | MultipleAnswer | TrueFalse)


def _seed(bank: Bank, options: OutputOptions) -> str | None:
    if not options.shuffle:
        return None
    return options.seed if options.seed is not None else bank.id


def kahoot_row(bank: Bank, question: Question, options: OutputOptions) -> KahootRow:
    """The row of a multiple-choice, multiple-answer or true-or-false question."""
    time_limit = TIME_BY_DIFFICULTY[question.difficulty]
    if isinstance(question, TrueFalse):
        answers = (true_false_text(True), true_false_text(False))
        return KahootRow(
            _cell(question.prompt), answers, time_limit, (1 if question.answer else 2,)
        )
    if not isinstance(question, MultipleChoice | MultipleAnswer):
        raise ValueError(f"Kahoot takes no {question.type} question")
    order = choice_order(question, _seed(bank, options), "kahoot")
    right = question.answers if isinstance(question, MultipleAnswer) else (question.answer,)
    choices = tuple(_cell(question.choices[i]) for i in order)
    numbers = tuple(n for n, i in enumerate(order, start=1) if question.choices[i] in right)
    return KahootRow(_cell(question.prompt), choices, time_limit, numbers)


def _limit_problems(question: Question, row: KahootRow) -> list[Problem]:
    out: list[Problem] = []

    def refuse(where: Location, message: str) -> None:
        out.append(Problem(where, "error", message, question.id))

    if not row.question:
        refuse(question.location, "Kahoot needs a question text: add a prompt")
    if len(row.question) > MAX_QUESTION:
        refuse(
            question.where("prompt"),
            f"the question is {len(row.question)} characters; Kahoot takes at most {MAX_QUESTION} (shorten it)",
        )
    if not MIN_ANSWERS <= len(row.answers) <= MAX_ANSWERS:
        refuse(
            question.where("choices"),
            f"{len(row.answers)} choices; Kahoot takes {MIN_ANSWERS} to {MAX_ANSWERS} answers",
        )
    if isinstance(question, MultipleChoice | MultipleAnswer):
        for i, choice in enumerate(question.choices):
            length = len(_cell(choice))
            if length > MAX_ANSWER:
                refuse(
                    question.where(f"choices[{i}]"),
                    f"choice {i + 1} is {length} characters; Kahoot takes at most {MAX_ANSWER} (shorten it)",
                )
    return out


def _question_problems(bank: Bank, question: Question, options: OutputOptions) -> list[Problem]:
    out = unwritable_characters(question, "a spreadsheet")
    if out:
        return out
    out += _limit_problems(question, kahoot_row(bank, question, options))
    if question.image is not None:
        out.append(
            Problem(
                question.where("image"),
                "warning",
                "Kahoot's spreadsheet carries no images: add the image in Kahoot after the import",
                question.id,
            )
        )
    return out


def rows(selection: Selection, options: OutputOptions) -> list[KahootRow]:
    """The rows of every question Kahoot takes, in order."""
    return [
        kahoot_row(bank, q, options) for bank, qs in selection.by_bank() for q in qs if takes(q)
    ]


def workbook_bytes(table: list[KahootRow]) -> bytes:
    """The xlsx file of the rows, laid out as Kahoot's template."""
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Sheet1"
    for n, line in enumerate(INSTRUCTIONS, start=2):
        sheet.cell(row=n, column=2, value=line)
    for column, title in enumerate(HEADER, start=1):
        sheet.cell(row=HEADER_ROW, column=column, value=title or None)
    for n, entry in enumerate(table, start=1):
        r = HEADER_ROW + n
        sheet.cell(row=r, column=1, value=n)
        sheet.cell(row=r, column=2, value=entry.question).data_type = "s"
        for k, answer in enumerate(entry.answers):
            sheet.cell(row=r, column=3 + k, value=answer).data_type = "s"
        sheet.cell(row=r, column=7, value=entry.time_limit)
        sheet.cell(row=r, column=8, value=entry.right_text).data_type = "s"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


class KahootFormat:
    """The registry's face of the Kahoot spreadsheet."""

    name = "kahoot"
    label = "Kahoot quiz spreadsheet (xlsx)"
    suffix = ".xlsx"
    carries: Mapping[str, Carriage] = carries_all(
        short_answer=_SKIPPED,
        numeric=_SKIPPED,
        cloze=_SKIPPED,
        matching=_SKIPPED,
        ordering=_SKIPPED,
    )
    limits = (
        f"question ≤ {MAX_QUESTION} characters, answers ≤ {MAX_ANSWER}, "
        f"{MIN_ANSWERS} to {MAX_ANSWERS} answers (longer text is refused, never cut); "
        "time limit by difficulty (20, 30 or 60 s); no images, explanations or points"
    )

    def problems(self, selection: Selection, options: OutputOptions) -> list[Problem]:
        """A warning per skipped question or image left out; an error past Kahoot's limits."""
        problems = carriage_problems(self, selection)
        taken = 0
        for bank, questions in selection.by_bank():
            for question in questions:
                if takes(question):
                    taken += 1
                    problems += _question_problems(bank, question, options)
        if not taken:
            problems.append(
                Problem(
                    selection.banks[0].location,
                    "error",
                    "no chosen question is one Kahoot takes (multiple choice, true or false, multiple answer)",
                )
            )
        return problems

    def write(self, selection: Selection, path: Path, options: OutputOptions) -> list[WrittenFile]:
        """The spreadsheet at ``path``, written atomically."""
        write_bytes_atomic(Path(path), workbook_bytes(rows(selection, options)))
        bank = selection.banks[0].id if len(selection.banks) == 1 else None
        return [WrittenFile(Path(path), self.label, bank)]


FORMAT = KahootFormat()
