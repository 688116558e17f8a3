"""Blooket's CSV import template (``quizgen export blooket``): a question set to import.

The file is laid out as Blooket's template: row 1 the title cell ("Blooket Import
Template"), row 2 the column names, then one question per row: its number, the question
text, answers 1 to 4 (3 and 4 optional), the time limit in seconds (at most 300) and the
right answers' numbers (``1,3``). Blooket takes multiple choice, true or false and multiple
answer questions with 2 to 4 answers; other types are reported and skipped, and a question
of more than 4 answers is left out and reported at its place, never cut. UTF-8, comma-separated, quoted where a
cell holds a comma or a quote; no cell starts a formula.
"""

from __future__ import annotations

import csv
import io
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

MIN_ANSWERS, MAX_ANSWERS = 2, 4
MAX_SECONDS = 300
assert max(TIME_BY_DIFFICULTY.values()) <= MAX_SECONDS
LIMITS = Limits("Blooket", MIN_ANSWERS, MAX_ANSWERS)

#: Rows 1 and 2 of Blooket's template, as it writes them (line breaks inside the cells).
TITLE = "Blooket\nImport Template"
HEADER = (
    "Question #",
    "Question Text",
    "Answer 1",
    "Answer 2",
    "Answer 3\n(Optional)",
    "Answer 4\n(Optional)",
    f"Time Limit (sec)\n(Max: {MAX_SECONDS} seconds)",
    "Correct Answer(s)\n(Only include Answer #)",
)

_SKIPPED = Carriage("none", "skipped: Blooket's import takes only questions with 2 to 4 answers")


@per_selection
def plan(selection: Selection, options: OutputOptions) -> SheetPlan[TimedRow]:
    """Every row and every limit problem, computed once for problems() and write().

    A control character is refused as in the xlsx sheets: a teacher often opens the file
    in a spreadsheet program before the upload, and it could not hold it.
    """
    return plan_timed_choices(selection, options, "blooket", LIMITS, "Blooket's import file")


def csv_text(rows: tuple[TimedRow, ...]) -> str:
    """The whole file: the template's two rows, then one row per question."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([TITLE] + [""] * (len(HEADER) - 1))
    writer.writerow(HEADER)
    for n, row in enumerate(rows, start=1):
        answers = list(row.choices.answers) + [""] * (MAX_ANSWERS - len(row.choices.answers))
        writer.writerow([n, row.choices.question, *answers, row.seconds, row.choices.right_text])
    return out.getvalue()


class BlooketFormat(GameSheetFormat[TimedRow]):
    """The registry's face of the Blooket CSV."""

    name = "blooket"
    label = "Blooket question set (CSV)"
    suffix = ".blooket.csv"
    carries: Mapping[str, Carriage] = carries_all(
        short_answer=_SKIPPED,
        numeric=_SKIPPED,
        cloze=_SKIPPED,
        matching=_SKIPPED,
        ordering=_SKIPPED,
    )
    limits = (
        f"{MIN_ANSWERS} to {MAX_ANSWERS} answers (a question of more is left out and reported, "
        "never cut); time limit "
        f"by difficulty (20, 30 or 60 s, at most {MAX_SECONDS}); no images, explanations or points"
    )

    platform = "Blooket"
    kinds = "multiple choice, true or false, multiple answer"

    def takes(self, question: Question) -> bool:
        return takes_choices(question)

    def plan(self, selection: Selection, options: OutputOptions) -> SheetPlan[TimedRow]:
        return plan(selection, options)

    def file_bytes(self, rows: tuple[TimedRow, ...]) -> bytes:
        return csv_text(rows).encode("utf-8")


FORMAT = BlooketFormat()
