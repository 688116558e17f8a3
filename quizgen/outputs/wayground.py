"""Wayground's (formerly Quizizz) spreadsheet import (``quizgen export wayground``): an xlsx.

The sheet is laid out as Wayground's sample sheet: the column names on row 1, the sample's
line of instructions on row 2, then one question per row from row 3: question text,
question type, options 1 to 5, the right options' numbers (``1,3``), the time in seconds,
an image link and the answer explanation. Multiple choice and true or false become
*Multiple Choice*, multiple answer *Checkbox*, short answer *Fill-in-the-Blank* (the
accepted answers as the options, the right-answer cell left blank, as the sample says);
other types are reported and skipped. A question of more than 5 options or accepted answers
is left out and reported at its place, never cut. openpyxl is imported only when writing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..bank.model import Bank, MultipleAnswer, Question, ShortAnswer
from ..errors import Problem
from .base import Carriage, OutputOptions, Selection, carries_all
from .game_sheets import (
    TIME_BY_DIFFICULTY,
    ChoiceRow,
    GameSheetFormat,
    Limits,
    SheetPlan,
    cell,
    choice_row,
    image_warning,
    left_out,
    limit_problems,
    per_selection,
    plan_sheet,
    takes_choices,
)

MIN_OPTIONS, MAX_OPTIONS = 2, 5
LIMITS = Limits("Wayground", MIN_OPTIONS, MAX_OPTIONS)

#: Row 1 of Wayground's sample sheet: the column names its import reads.
HEADER = (
    "Question Text",
    "Question Type",
    *(f"Option {n}" for n in range(1, MAX_OPTIONS + 1)),
    "Correct Answer",
    "Time in seconds",
    "Image Link",
    "Answer explanation",
)
#: Row 2 of the sample sheet: what goes in each column (kept, as in the sample).
INSTRUCTIONS = (
    "Text of the question\n\n(required)",
    "Question Type\n\n(default is Multiple Choice)",
    "Text for option 1\n\n(required in all cases except open-ended & draw questions)",
    "Text for option 2\n\n(required in all cases except open-ended & draw questions)",
    "Text for option 3\n\n(optional)",
    "Text for option 4\n\n(optional)",
    "Text for option 5\n\n(optional)",
    "The correct option choice (between 1-5).\n\n"
    'Leave blank for "Open-Ended", "Poll", "Draw" and "Fill-in-the-Blank".',
    "Time in seconds\n\n(optional, default value is 30 seconds)",
    "Link of the image\n\n(optional)",
    "Explanation for the answer\n(optional)",
)
FIRST_ROW = 3

MULTIPLE_CHOICE, CHECKBOX, FILL_IN = "Multiple Choice", "Checkbox", "Fill-in-the-Blank"

_SKIPPED = Carriage(
    "none", "skipped: Wayground's spreadsheet has no such question type (use canvas or moodle)"
)


@dataclass(frozen=True)
class WaygroundRow:
    """One question as the sheet shows it (texts already cells)."""

    question: str
    kind: str
    options: tuple[str, ...]
    right: str
    seconds: int
    explanation: str

    def cells(self) -> list[str | int | None]:
        """The row's cells, from Question Text to Answer explanation."""
        options = list(self.options) + [""] * (MAX_OPTIONS - len(self.options))
        cells: list[str | int | None] = [self.question, self.kind, *options]
        cells += [self.right, self.seconds, "", self.explanation]
        return [value if value != "" else None for value in cells]


def takes(question: Question) -> bool:
    """Whether the sheet can hold this type of question at all."""
    return takes_choices(question) or isinstance(question, ShortAnswer)


def wayground_row(bank: Bank, question: Question, options: OutputOptions) -> WaygroundRow:
    """The row of a question the sheet takes."""
    seconds = TIME_BY_DIFFICULTY[question.difficulty]
    explanation = cell(question.explanation)
    if isinstance(question, ShortAnswer):
        answers = tuple(cell(answer) for answer in question.answers)
        return WaygroundRow(cell(question.prompt), FILL_IN, answers, "", seconds, explanation)
    row = choice_row(bank, question, options, "wayground")
    kind = CHECKBOX if isinstance(question, MultipleAnswer) else MULTIPLE_CHOICE
    return WaygroundRow(row.question, kind, row.answers, row.right_text, seconds, explanation)


def _fill_in_problems(question: ShortAnswer, row: WaygroundRow) -> list[Problem]:
    """A warning for each limit the row goes past: the question is then left out."""
    out: list[Problem] = []
    if not row.question:
        out.append(
            left_out(question.location, question, "Wayground needs a question text", "add a prompt")
        )
    if len(row.options) > MAX_OPTIONS:
        out.append(
            left_out(
                question.where("answer"),
                question,
                f"{len(row.options)} accepted answers; Wayground's sheet takes at most "
                f"{MAX_OPTIONS}",
                f"keep the {MAX_OPTIONS} likeliest",
            )
        )
    return out


def _case_warning(question: ShortAnswer) -> list[Problem]:
    if not question.case_sensitive:
        return []
    return [
        Problem(
            question.where("case_sensitive"),
            "warning",
            "Wayground's sheet has no case rule: set it in Wayground after the import",
            question.id,
        )
    ]


def _row_problems(question: Question, row: WaygroundRow) -> list[Problem]:
    if isinstance(question, ShortAnswer):
        return _fill_in_problems(question, row)
    return limit_problems(question, ChoiceRow(row.question, row.options, ()), LIMITS)


def _written_problems(question: Question) -> list[Problem]:
    case = _case_warning(question) if isinstance(question, ShortAnswer) else []
    return case + image_warning(question, "Wayground's spreadsheet", "Wayground")


@per_selection
def plan(selection: Selection, options: OutputOptions) -> SheetPlan[WaygroundRow]:
    """Every row and every limit problem, computed once for problems() and write()."""
    return plan_sheet(
        selection,
        takes,
        lambda bank, question: wayground_row(bank, question, options),
        _row_problems,
        _written_problems,
    )


def workbook_bytes(rows: tuple[WaygroundRow, ...]) -> bytes:
    """The xlsx file of the rows, laid out as Wayground's sample sheet.

    No cell starts a formula: every text went through :func:`cells.neutral_cell`.
    """
    import io

    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Sheet1")
    sheet.append(list(HEADER))
    sheet.append(list(INSTRUCTIONS))
    for row in rows:
        sheet.append(row.cells())
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


class WaygroundFormat(GameSheetFormat[WaygroundRow]):
    """The registry's face of the Wayground (Quizizz) spreadsheet."""

    name = "wayground"
    label = "Wayground (Quizizz) spreadsheet (xlsx)"
    suffix = ".wayground.xlsx"
    carries: Mapping[str, Carriage] = carries_all(
        numeric=_SKIPPED,
        cloze=_SKIPPED,
        matching=_SKIPPED,
        ordering=_SKIPPED,
    )
    limits = (
        f"{MIN_OPTIONS} to {MAX_OPTIONS} options or accepted answers (a question of more is "
        "left out and reported, never cut); time by difficulty (20, 30 or 60 s); no images, points or sources"
    )

    platform = "Wayground"
    kinds = "multiple choice, true or false, multiple answer, short answer"

    def takes(self, question: Question) -> bool:
        return takes(question)

    def plan(self, selection: Selection, options: OutputOptions) -> SheetPlan[WaygroundRow]:
        return plan(selection, options)

    def file_bytes(self, rows: tuple[WaygroundRow, ...]) -> bytes:
        return workbook_bytes(rows)


FORMAT = WaygroundFormat()
