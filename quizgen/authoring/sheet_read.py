"""Reading a question spreadsheet (.xlsx or .csv) into a table of located cells.

The Bank sheet's fields and sources and the Questions sheet's rows, each cell with its
place (``questions.xlsx:Questions!E7``; a CSV file gives ``questions.csv:7:5``). A cell
a bank cannot take (a formula, a date) is refused at its place here; what the values
mean is :mod:`quizgen.authoring.sheet_import`'s to say.
"""

from __future__ import annotations

import csv
import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..bank.values import did_you_mean
from ..errors import Location, Problem, QuizgenError
from .sheet_format import (
    BANK_SHEET,
    COLUMN_BY_KEY,
    COLUMNS,
    QUESTIONS_SHEET,
    SOURCES_HEADER,
    column_letter,
    header_key,
)

MAX_ROWS = 10_000


@dataclass(frozen=True)
class SheetCell:
    """A cell's value (text, number, boolean or None) and where it is."""

    value: Any
    where: Location


@dataclass(frozen=True)
class SheetRow:
    """One question row: its number and its cells by column key."""

    number: int
    cells: dict[str, SheetCell]
    unread: frozenset[str] = frozenset()  # columns whose cell was refused (a formula, a date)


@dataclass
class Table:
    """What a spreadsheet holds: the bank's fields, its sources and the question rows."""

    file: str
    bank: dict[str, SheetCell] = field(default_factory=dict)
    sources: list[tuple[SheetCell, SheetCell, SheetCell | None]] = field(default_factory=list)
    rows: list[SheetRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    header_cells: dict[str, Location] = field(default_factory=dict)

    def error(self, where: Location, message: str, question: str | None = None) -> None:
        self.problems.append(Problem(where, "error", message, question))


def _xlsx_where(file: str, sheet: str, row: int, column: int) -> Location:
    return Location(f"{file}:{sheet}!{column_letter(column)}{row}")


GridCell = tuple[Any, str, int, int]  # value, openpyxl data type, row, column


def _grid_cell(cell: Any) -> GridCell:
    return (cell.value, str(cell.data_type), int(cell.row or 0), int(cell.column or 0))


def read_xlsx(path: Path) -> Table:
    """The Bank and Questions sheets of an .xlsx file."""
    from zipfile import BadZipFile

    from openpyxl import load_workbook

    table = Table(str(path))
    try:
        book = load_workbook(path, data_only=False)
    except (BadZipFile, OSError, KeyError, ValueError) as exc:
        raise QuizgenError(
            f"cannot read {path} as an .xlsx spreadsheet: {exc}", location=Location(str(path))
        ) from None
    if QUESTIONS_SHEET not in book.sheetnames:
        names = ", ".join(book.sheetnames)
        raise QuizgenError(
            f"{path} has no sheet '{QUESTIONS_SHEET}' (its sheets: {names})",
            location=Location(str(path)),
        )
    sheet = book[QUESTIONS_SHEET]
    grid = [
        [_grid_cell(cell) for cell in row]
        for row in sheet.iter_rows(max_row=min(sheet.max_row, MAX_ROWS + 1))
    ]
    if sheet.max_row > MAX_ROWS + 1:
        table.error(
            _xlsx_where(str(path), QUESTIONS_SHEET, MAX_ROWS + 2, 1),
            f"a sheet may hold at most {MAX_ROWS} questions",
        )

    def where(row: int, column: int) -> Location:
        return _xlsx_where(str(path), QUESTIONS_SHEET, row, column)

    _read_grid(table, grid, where)
    if BANK_SHEET in book.sheetnames:
        bank = book[BANK_SHEET]
        bank_grid = [
            [_grid_cell(cell) for cell in row]
            for row in bank.iter_rows(max_row=min(bank.max_row, 1000))
        ]
        _read_bank(table, bank_grid, lambda r, c: _xlsx_where(str(path), BANK_SHEET, r, c))
    return table


def read_csv(path: Path) -> Table:
    """A CSV file: the Questions sheet alone (UTF-8; comma, semicolon or tab separated)."""
    table = Table(str(path))
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise QuizgenError(
            f"{path} is not UTF-8 text; save it as 'CSV UTF-8'", location=Location(str(path))
        ) from None
    except OSError as exc:
        raise QuizgenError(
            f"cannot read {path}: {exc.strerror or exc}", location=Location(str(path))
        ) from None
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        rows = list(csv.reader(text.splitlines(keepends=True), dialect))
    except csv.Error as exc:
        raise QuizgenError(f"{path} is not a readable CSV file: {exc}") from None
    grid = [
        [(value, "s", r, c) for c, value in enumerate(row, start=1)]
        for r, row in enumerate(rows[: MAX_ROWS + 1], start=1)
    ]
    _read_grid(table, grid, lambda r, c: Location(str(path), r, c))
    return table


def _read_grid(table: Table, grid: list[list[GridCell]], where: Any) -> None:
    if not grid:
        table.error(where(1, 1), "the sheet is empty; row 1 names the columns")
        return
    columns: dict[int, str] = {}
    for value, _, row, column in grid[0]:
        if value is None or not str(value).strip():
            continue
        key = header_key(str(value))
        if not key:
            headers = [c.header for c in COLUMNS]
            hint = did_you_mean(str(value).strip().lower(), headers)
            table.error(where(row, column), f"unknown column '{value}'{hint}")
            continue
        if key in table.header_cells:
            table.error(where(row, column), f"column '{value}' appears twice")
            continue
        columns[column] = key
        table.header_cells[key] = where(row, column)
    for needed in ("type",):
        if needed not in table.header_cells:
            table.error(where(1, 1), f"row 1 has no '{COLUMN_BY_KEY[needed].header}' column")
    for line in grid[1:]:
        cells: dict[str, SheetCell] = {}
        unread: set[str] = set()
        number = line[0][2] if line else 0
        for value, data_type, row, column in line:
            column_key = columns.get(column, "")
            if not column_key or value is None or (isinstance(value, str) and not value.strip()):
                if not column_key and value not in (None, "") and columns:
                    table.error(where(row, column), "this cell is outside the named columns")
                continue
            if data_type == "f":
                table.error(
                    where(row, column),
                    f"this cell holds a formula ({str(value)[:30]}); write the text itself, "
                    "or start it with ' to keep the = as text",
                )
                unread.add(column_key)
                continue
            if isinstance(value, datetime.date | datetime.time):
                table.error(
                    where(row, column),
                    "this cell is a date or time; format the cell as text (or start it with ')",
                )
                unread.add(column_key)
                continue
            cells[column_key] = SheetCell(value, where(row, column))
        if cells or unread:
            table.rows.append(SheetRow(number, cells, frozenset(unread)))


def _read_bank(table: Table, grid: list[list[GridCell]], where: Any) -> None:
    in_sources = False
    for line in grid:
        values = [v for v, *_ in line]
        if not any(v not in (None, "") for v in values):
            continue
        label = str(values[0] or "").strip().lower()
        if tuple(str(v or "").strip().lower() for v in values[:3]) == SOURCES_HEADER:
            in_sources = True
            continue
        cell_of = [SheetCell(v, where(r, c)) for v, _, r, c in line]
        if in_sources:
            if values[0] in (None, "") or len(values) < 2 or values[1] in (None, ""):
                table.error(cell_of[0].where, "a source needs its id (column A) and path (B)")
                continue
            title = cell_of[2] if len(values) > 2 and values[2] not in (None, "") else None
            table.sources.append((cell_of[0], cell_of[1], title))
        elif label in ("id", "title", "description"):
            if len(values) > 1 and values[1] not in (None, ""):
                table.bank[label] = cell_of[1]
        else:
            table.error(
                cell_of[0].where,
                f"unknown bank field '{values[0]}'; the Bank sheet has id, title, description "
                "and a table of sources under 'source id | path | title'",
            )


def read_table(path: Path) -> Table:
    """Read a question spreadsheet: ``.xlsx`` or ``.csv`` by its suffix."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return read_csv(path)
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(path)
    raise QuizgenError(
        f"{path}: import reads .xlsx and .csv files (save other formats as one of them)",
        location=Location(str(path)),
    )
