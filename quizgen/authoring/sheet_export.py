"""Writing spreadsheets: the empty template, and a bank as a spreadsheet (for the round trip).

Every text goes in as text: a prompt starting with ``=``, ``+``, ``-`` or ``@``, or one
that reads like ``#N/A``, is stored as a string cell, never as a formula or an error
value (openpyxl would guess a formula from a leading ``=``; the type is set back here).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

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
from ..errors import Location, Problem, QuizgenError
from .new_bank import slug
from .passages import split_passages
from .sheet_format import (
    BANK_SHEET,
    COLUMNS,
    EXAMPLES_SHEET,
    INSTRUCTIONS,
    INSTRUCTIONS_SHEET,
    QUESTIONS_SHEET,
    SOURCES_HEADER,
)

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

Cell = str | float | int | bool | None


@dataclass(frozen=True)
class SheetSource:
    """A source as the Bank sheet lists it: id, path (relative to the spreadsheet), title."""

    id: str
    path: str
    title: str


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() and abs(value) < 2**53 else value


def _lines(values: Sequence[str], question: Question, key: str) -> str:
    for value in values:
        if "\n" in value or "\r" in value:
            raise QuizgenError(
                Problem(
                    question.where(key),
                    "error",
                    f"{key} item '{value[:30]}' has a line break; a spreadsheet cell "
                    "holds one item a line, so it cannot be written there",
                    question.id,
                )
            )
    return "\n".join(values)


def question_row(question: Question, folder: Path | None = None) -> dict[str, Cell]:
    """The cells of one question's row, by column key (image paths relative to ``folder``)."""
    row: dict[str, Cell] = {
        "id": question.id,
        "type": question.type,
        "prompt": question.prompt,
        "explanation": question.explanation,
        "topic": question.topic,
        "tags": ", ".join(question.tags) or None,
        "difficulty": question.difficulty,
        "points": None if question.points == 1 else _number(question.points),
        "image": _relative(question.image, folder) if question.image and folder else None,
    }
    if question.partial:
        row["partial"] = True
    if question.ignore:
        # One entry a line; a line break inside a reason becomes a space.
        row["ignore"] = "\n".join(
            f"{i.code}: {' '.join(i.reason.split())}" for i in question.ignore
        )
    if question.citations:
        docs = {ref.doc for ref in question.citations}
        row["doc"] = (
            question.citations[0].doc
            if len(docs) == 1
            else "\n".join(ref.doc for ref in question.citations)
        )
        # A line break in a quote is white space to check: one line each here.
        row["quote"] = "\n".join(" ".join(ref.quote.split()) for ref in question.citations)
    if isinstance(question, MultipleChoice | MultipleAnswer):
        row["choices"] = _lines(question.choices, question, "choices")
        if isinstance(question, MultipleChoice):
            row["answer"] = question.answer
        else:
            row["answer"] = _lines(question.answers, question, "answer")
        row["shuffle"] = None if question.shuffle else False
    elif isinstance(question, TrueFalse):
        row["answer"] = question.answer
    elif isinstance(question, ShortAnswer):
        row["answer"] = _lines(question.answers, question, "answer")
        row["case_sensitive"] = True if question.case_sensitive else None
    elif isinstance(question, Numeric):
        # As the bank wrote it (2.50; 150_000 shown as 150,000), else the value.
        row["answer"] = question.answer_text or _number(question.answer)
        row["tolerance"] = _number(question.tolerance) if question.tolerance else None
        row["unit"] = question.unit
    elif isinstance(question, Cloze):
        row["text"] = question.text
    elif isinstance(question, Matching):
        row["choices"] = _lines(question.lefts, question, "pairs")
        row["answer"] = _lines(question.rights, question, "pairs")
    elif isinstance(question, Ordering):
        row["choices"] = _lines(question.items, question, "items")
    return row


def _put(sheet: Worksheet, row: int, column: int, value: Cell, where: Location) -> None:
    from openpyxl.utils.exceptions import IllegalCharacterError

    if value is None:
        return
    cell = sheet.cell(row=row, column=column)
    try:
        cell.value = value
    except IllegalCharacterError:
        raise QuizgenError(
            f"'{str(value)[:30]}' holds a control character a spreadsheet cannot store",
            location=where,
        ) from None
    if isinstance(value, str):
        cell.data_type = "s"  # text, never a formula or an error value
        if value[:1] in "=+-@":
            cell.quotePrefix = True  # and the spreadsheet keeps it text when edited
    if isinstance(value, str) and "\n" in value:
        from openpyxl.styles import Alignment

        cell.alignment = Alignment(wrap_text=True, vertical="top")


def _header(sheet: Worksheet) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index, value=column.header)
        cell.font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"


def _questions(sheet: Worksheet, questions: Sequence[Question], folder: Path | None = None) -> None:
    _header(sheet)
    for number, question in enumerate(questions, start=2):
        cells = question_row(question, folder)
        for index, column in enumerate(COLUMNS, start=1):
            _put(sheet, number, index, cells.get(column.key), question.location)


def _bank_sheet(
    sheet: Worksheet, bank_id: str, title: str, description: str | None, sources: list[SheetSource]
) -> None:
    from openpyxl.styles import Font

    here = Location(BANK_SHEET)
    rows: list[tuple[Cell, ...]] = [
        ("id", bank_id),
        ("title", title),
        ("description", description),
        (),
        SOURCES_HEADER,
        *[(s.id, s.path, s.title) for s in sources],
    ]
    for number, values in enumerate(rows, start=1):
        for index, value in enumerate(values, start=1):
            _put(sheet, number, index, value, here)
    for cell in (sheet["A1"], sheet["A2"], sheet["A3"], sheet["A5"], sheet["B5"], sheet["C5"]):
        cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 16
    sheet.column_dimensions["B"].width = 48
    sheet.column_dimensions["C"].width = 48


def _instructions(sheet: Worksheet) -> None:
    from openpyxl.styles import Alignment, Font

    here = Location(INSTRUCTIONS_SHEET)
    number = 0
    for number, line in enumerate(INSTRUCTIONS, start=1):
        _put(sheet, number, 1, line or None, here)
    sheet["A1"].font = Font(bold=True, size=14)
    for offset, column in enumerate(COLUMNS, start=number + 1):
        _put(sheet, offset, 1, column.header, here)
        _put(sheet, offset, 2, column.help, here)
        sheet.cell(row=offset, column=1).font = Font(bold=True)
        sheet.cell(row=offset, column=2).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.column_dimensions["A"].width = 18
    sheet.column_dimensions["B"].width = 110


def example_questions() -> list[Question]:
    """One question of each type, as the Examples sheet shows them."""
    here = Location(EXAMPLES_SHEET)
    return [
        MultipleChoice(
            "example-choice",
            here,
            prompt="Which gas do plants take in to make their food?",
            choices=("Carbon dioxide", "Oxygen", "Nitrogen", "Helium"),
            answer="Carbon dioxide",
            explanation="Plants take in carbon dioxide and give out oxygen.",
            topic="Examples",
            tags=("example", "plants"),
            difficulty="easy",
        ),
        MultipleAnswer(
            "example-select-all",
            here,
            prompt="Which of these are planets?",
            choices=("Mars", "Venus", "The Moon", "Sirius"),
            answers=("Mars", "Venus"),
            topic="Examples",
        ),
        TrueFalse(
            "example-true-false", here, prompt="Sound travels faster than light.", answer=False
        ),
        ShortAnswer(
            "example-short-answer",
            here,
            prompt="What is the largest ocean on Earth?",
            answers=("Pacific Ocean", "Pacific", "the Pacific"),
        ),
        Numeric(
            "example-number",
            here,
            prompt="At what temperature does water boil at sea level?",
            answer=100,
            tolerance=1,
            unit="°C",
        ),
        Cloze(
            "example-cloze",
            here,
            prompt="Complete the sentence.",
            text="Water freezes at {{c1::0}} °C and boils at {{c2::100::a number}} °C.",
        ),
        Matching(
            "example-matching",
            here,
            prompt="Match each country with its capital.",
            pairs=(("France", "Paris"), ("Japan", "Tokyo"), ("Kenya", "Nairobi")),
        ),
        Ordering(
            "example-ordering",
            here,
            prompt="Put these planets in order of distance from the Sun, nearest first.",
            items=("Mercury", "Earth", "Jupiter", "Neptune"),
        ),
    ]


def _save(book: Workbook, path: Path) -> Path:
    from ..fileio import atomic_path

    with atomic_path(path) as tmp:
        book.save(tmp)
    return path


def _relative(target: Path, folder: Path) -> str:
    return Path(os.path.relpath(target.resolve(), folder.resolve())).as_posix()


def write_template(path: Path, sources: Sequence[Path] = ()) -> Path:
    """Write an empty question spreadsheet with instructions and an example of each type."""
    from openpyxl import Workbook

    from .new_bank import refuse_existing

    refuse_existing(path)
    listed: list[SheetSource] = []
    taken: set[str] = set()
    for document in sources:
        source_id, number = slug(document.stem, "source"), 2
        while source_id in taken:
            source_id, number = f"{slug(document.stem, 'source')}-{number}", number + 1
        taken.add(source_id)
        try:
            first = split_passages(document.read_text(encoding="utf-8-sig"))[:1]
        except (OSError, UnicodeDecodeError) as exc:
            reason = getattr(exc, "strerror", None) or "it is not UTF-8 text"
            raise QuizgenError(
                f"cannot read source {document}: {reason}", location=Location(str(document))
            ) from None
        title = first[0].text if first and first[0].kind == "heading" else document.stem
        listed.append(SheetSource(source_id, _relative(document, path.parent), title))
    book = Workbook()
    questions = book.active
    assert questions is not None
    questions.title = QUESTIONS_SHEET
    _header(questions)
    title = path.stem.replace("_", " ").replace("-", " ").strip().capitalize() or "My questions"
    _bank_sheet(book.create_sheet(BANK_SHEET), slug(path.stem), title, None, listed)
    _instructions(book.create_sheet(INSTRUCTIONS_SHEET))
    _questions(book.create_sheet(EXAMPLES_SHEET), example_questions())
    return _save_new(book, path)


def _save_new(book: Workbook, path: Path) -> Path:
    """Save ``book`` to ``path``, which must not exist (checked again at the last moment)."""
    import io

    from .new_bank import create_file

    buffer = io.BytesIO()
    book.save(buffer)
    return create_file(path, buffer.getvalue())


def write_bank_workbook(bank: Bank, path: Path) -> Path:
    """Write ``bank`` as a spreadsheet that ``quizgen import`` turns back into the same bank."""
    from openpyxl import Workbook

    book = Workbook()
    questions = book.active
    assert questions is not None
    questions.title = QUESTIONS_SHEET
    _questions(questions, bank.questions, path.parent)
    sources = [
        SheetSource(s.id, _relative(s.path, path.parent), s.title) for s in bank.sources.values()
    ]
    _bank_sheet(book.create_sheet(BANK_SHEET), bank.id, bank.title, bank.description, sources)
    _instructions(book.create_sheet(INSTRUCTIONS_SHEET))
    return _save(book, path)


def workbook_values(path: Path) -> dict[str, list[list[Any]]]:
    """Every sheet's cell values, row by row (for tests and debugging)."""
    from openpyxl import load_workbook

    book = load_workbook(path)
    return {
        sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)]
        for sheet in book.worksheets
    }
