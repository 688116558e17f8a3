"""Kahoot's quiz spreadsheet template (``quizgen export kahoot``): an xlsx to import.

The sheet is laid out as Kahoot's own template: a few lines of instructions, a header on
row 8, then one question per row from row 9 (column A its number; B the question; C to F
up to four answers; G the time limit; H the right answers' numbers, ``1,3``). Kahoot
takes multiple choice, true or false and multiple answer questions with 2 to 4 answers;
other types are reported and skipped. A question over 120 characters, an answer over 75
or a question of more than 4 answers is left out and reported at its place, never cut. openpyxl is imported only when writing.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..bank.model import Question
from .base import Carriage, OutputOptions, Selection, carries_all
from .game_sheets import (
    TIME_BY_DIFFICULTY,
    GameSheetFormat,
    Limits,
    SheetPlan,
    TimedRow,
    per_selection,
    plan_timed_choices,
    takes_choices,
)

MAX_QUESTION = 120
MAX_ANSWER = 75
MIN_ANSWERS, MAX_ANSWERS = 2, 4
#: The time limits Kahoot offers, in seconds.
TIME_LIMITS = (5, 10, 20, 30, 60, 90, 120, 240)
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
LIMITS = Limits("Kahoot", MIN_ANSWERS, MAX_ANSWERS, MAX_QUESTION, MAX_ANSWER)


@per_selection
def plan(selection: Selection, options: OutputOptions) -> SheetPlan[TimedRow]:
    """Every row and every limit problem, computed once for problems() and write()."""
    return plan_timed_choices(selection, options, "kahoot", LIMITS, "Kahoot's spreadsheet")


def workbook_bytes(rows: tuple[TimedRow, ...]) -> bytes:
    """The xlsx file of the rows, laid out as Kahoot's template.

    openpyxl's write-only mode streams the rows (a third of the time of building cells).
    No cell starts a formula: every text went through :func:`cells.neutral_cell`.
    """
    import io

    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Sheet1")
    sheet.append([])
    for line in INSTRUCTIONS:
        sheet.append([None, line])
    for _ in range(HEADER_ROW - len(INSTRUCTIONS) - 2):
        sheet.append([])
    sheet.append([title or None for title in HEADER])
    for n, entry in enumerate(rows, start=1):
        answers = list(entry.choices.answers) + [None] * (MAX_ANSWERS - len(entry.choices.answers))
        sheet.append([n, entry.choices.question, *answers, entry.seconds, entry.choices.right_text])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


class KahootFormat(GameSheetFormat[TimedRow]):
    """The registry's face of the Kahoot spreadsheet."""

    name = "kahoot"
    label = "Kahoot quiz spreadsheet (xlsx)"
    suffix = ".kahoot.xlsx"
    carries: Mapping[str, Carriage] = carries_all(
        short_answer=_SKIPPED,
        numeric=_SKIPPED,
        cloze=_SKIPPED,
        matching=_SKIPPED,
        ordering=_SKIPPED,
    )
    limits = (
        f"question ≤ {MAX_QUESTION} characters, answers ≤ {MAX_ANSWER}, "
        f"{MIN_ANSWERS} to {MAX_ANSWERS} answers (a question past one is left out and "
        "reported, never cut); "
        "time limit by difficulty (20, 30 or 60 s); no images, explanations or points"
    )

    platform = "Kahoot"
    kinds = "multiple choice, true or false, multiple answer"

    def takes(self, question: Question) -> bool:
        return takes_choices(question)

    def plan(self, selection: Selection, options: OutputOptions) -> SheetPlan[TimedRow]:
        return plan(selection, options)

    def file_bytes(self, rows: tuple[TimedRow, ...]) -> bytes:
        return workbook_bytes(rows)


FORMAT = KahootFormat()
