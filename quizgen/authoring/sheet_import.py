"""``quizgen import``: a question spreadsheet (.xlsx or .csv) to a bank file.

Every problem is located at its cell: ``questions.xlsx:Questions!E7`` (a CSV file gives
``questions.csv:7:5``, row and column). The YAML is written by ``yaml.safe_dump``, so
every text is quoted as YAML needs: ``yes``, ``1:30``, ``010`` or ``#tag`` stay text.
What the sheet cannot show (an answer that is not a choice, a quote not in its document)
is the loader's to say; :func:`cell_problems` maps those problems back to cells too.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..bank.model import QUESTION_TYPES
from ..bank.values import did_you_mean
from ..errors import Location, Problem
from .new_bank import slug
from .passages import content_words
from .sheet_format import (
    COLUMN_BY_KEY,
    COMMON_COLUMNS,
    QUESTIONS_SHEET,
    TYPE_COLUMNS,
)
from .sheet_read import SheetCell, SheetRow, Table

TRUE_WORDS = ("true", "yes", "y", "1")
FALSE_WORDS = ("false", "no", "n", "0")


@dataclass(frozen=True)
class ImportResult:
    """The bank's YAML text, the problems found, and each YAML line's cell (for check)."""

    text: str
    problems: tuple[Problem, ...]
    cells: dict[int, Location]  # 1-based YAML line -> the cell it came from


# --------------------------------------------------------------------------- cells to values


def _text(cell: SheetCell) -> str:
    value = cell.value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _items(cell: SheetCell) -> list[str]:
    return [line.strip() for line in _text(cell).splitlines() if line.strip()]


class _RowReader:
    """Turns one row's cells into a question mapping, recording located problems."""

    def __init__(self, table: Table, row: SheetRow, qid: str | None):
        self.table = table
        self.row = row
        self.qid = qid
        self.lines: dict[str, Location] = {}  # key -> cell, for mapping check's problems back

    def error(self, key: str, message: str) -> None:
        if key in self.row.unread:
            return  # its cell's problem is reported already
        cell = self.row.cells.get(key)
        where = cell.where if cell else self._row_start()
        self.table.error(where, message, self.qid)

    def _row_start(self) -> Location:
        first = next(iter(self.row.cells.values()), None)
        return first.where if first else Location(self.table.file, self.row.number)

    def has(self, key: str) -> bool:
        return key in self.row.cells

    def text(self, key: str) -> str | None:
        cell = self.row.cells.get(key)
        if cell is None:
            return None
        self.lines[key] = cell.where
        return _text(cell)

    def items(self, key: str) -> list[str] | None:
        cell = self.row.cells.get(key)
        if cell is None:
            return None
        self.lines[key] = cell.where
        return _items(cell)

    def boolean(self, key: str) -> bool | None:
        cell = self.row.cells.get(key)
        if cell is None:
            return None
        self.lines[key] = cell.where
        if isinstance(cell.value, bool):
            return cell.value
        word = _text(cell).lower()
        if word in TRUE_WORDS or word in FALSE_WORDS:
            return word in TRUE_WORDS
        self.error(key, f"{COLUMN_BY_KEY[key].header} must be TRUE or FALSE, not '{word[:20]}'")
        return None

    def number(self, key: str, *, grouped: bool = False) -> float | int | str | None:
        """A number cell, or a number written as text (kept as written: ``2.50``).

        With ``grouped`` (a numeric answer), digits grouped in threes (``150,000``) become
        YAML's ``150_000``, which the printed quiz shows as ``150,000``.
        """
        cell = self.row.cells.get(key)
        if cell is None:
            return None
        self.lines[key] = cell.where
        if isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
            return cell.value
        text = _text(cell)
        match = _GROUPED.fullmatch(text) if grouped else None
        if match is not None:  # 150,000: the bank writes YAML's 150_000 (printed 150,000)
            return WrittenNumber(text.replace(match.group("sep"), "_"))
        try:
            value = float(text.replace("_", ""))
        except ValueError:
            value = None
        if value is None or not math.isfinite(value) or not _PLAIN_NUMBER.fullmatch(text):
            hint = ""
            if re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?", text):
                hint = f" (write {text.replace(',', '')} without the commas)"
            self.error(
                key, f"{COLUMN_BY_KEY[key].header} must be a number, not '{text[:20]}'{hint}"
            )
            return None
        return WrittenNumber(text)


class WrittenNumber(str):
    """A number written as text in a cell (``2.50``), emitted as that plain YAML number."""


# What YAML reads as a number and quizgen accepts: digits, '_' groups, a decimal part.
_PLAIN_NUMBER = re.compile(r"[+-]?\d[\d_]*(\.\d+)?")
_GROUPED = re.compile(r"[+-]?\d{1,3}(?P<sep>[, \u00a0\u202f])\d{3}(?:(?P=sep)\d{3})*(\.\d+)?")


def _auto_id(prompt: str | None, number: int, taken: set[str]) -> str:
    words = content_words(prompt or "")[:5]
    base = slug("-".join(words), f"q{number}") if words else f"q{number}"
    qid, n = base, 2
    while qid in taken:
        qid, n = f"{base}-{n}", n + 1
    return qid


def _question(
    table: Table, row: SheetRow, taken: set[str], sources: Sequence[str]
) -> tuple[dict[str, Any], dict[str, Location]] | None:
    type_cell = row.cells.get("type")
    raw_id = _text(row.cells["id"]) if "id" in row.cells else None
    r = _RowReader(table, row, raw_id)
    if type_cell is None:
        r.error("type", f"row {row.number} has no type; the types are {', '.join(QUESTION_TYPES)}")
        return None
    r.lines["type"] = type_cell.where
    qtype = re.sub(r"[\s-]+", "_", _text(type_cell).lower())
    if qtype not in QUESTION_TYPES:
        hint = did_you_mean(qtype, list(QUESTION_TYPES))
        r.error(
            "type",
            f"unknown type '{_text(type_cell)}'{hint}; the types are {', '.join(QUESTION_TYPES)}",
        )
        return None
    prompt = r.text("prompt")
    text = r.text("text")
    if qtype == "cloze" and text is None and prompt and "{{c" in prompt:
        text, prompt = prompt, None  # the gaps written in the prompt column
        r.lines["text"] = r.lines.pop("prompt")
    if raw_id is not None:
        r.lines["id"] = row.cells["id"].where
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", raw_id):
            r.error(
                "id",
                f"id '{raw_id}' must be a slug: a-z, 0-9 and '-' (for example '{slug(raw_id, 'q')}')",
            )
        qid = raw_id
    else:
        qid = _auto_id(prompt or text, row.number, taken)
    if qid in taken:
        r.error("id", f"id '{qid}' is used by an earlier row")
    taken.add(qid)
    r.qid = qid
    allowed = set(COMMON_COLUMNS) | set(TYPE_COLUMNS[qtype])
    for key in row.cells:
        if key not in allowed:
            r.error(
                key,
                f"column '{COLUMN_BY_KEY[key].header}' does not apply to a {qtype} question; leave it empty",
            )
    q: dict[str, Any] = {"id": qid, "type": qtype}
    if prompt is not None:
        q["prompt"] = prompt
    elif qtype != "cloze":
        r.error("prompt", f"a {qtype} question needs a prompt")
    if qtype in ("multiple_choice", "multiple_answer"):
        choices = r.items("choices") or []
        if not choices:
            r.error("choices", f"a {qtype} question needs choices, one per line")
        q["choices"] = choices
        answers = r.items("answer") or []
        if not answers:
            r.error("answer", f"a {qtype} question needs its right answer")
        elif qtype == "multiple_choice":
            if len(answers) > 1:
                r.error(
                    "answer",
                    "a multiple_choice question has one right answer; for several use multiple_answer",
                )
            q["answer"] = answers[0]
        else:
            q["answer"] = answers
        shuffle = r.boolean("shuffle")
        if shuffle is not None:
            q["shuffle"] = shuffle
    elif qtype == "true_false":
        if not r.has("answer"):
            r.error("answer", "a true_false question needs TRUE or FALSE as its answer")
        value = r.boolean("answer")
        if value is not None:
            q["answer"] = value
    elif qtype == "short_answer":
        answers = r.items("answer") or []
        if not answers:
            r.error("answer", "a short_answer question needs at least one answer")
        q["answer"] = answers[0] if len(answers) == 1 else answers
        flag = r.boolean("case_sensitive")
        if flag is not None:
            q["case_sensitive"] = flag
    elif qtype == "numeric":
        if not r.has("answer"):
            r.error("answer", "a numeric question needs a number as its answer")
        for key in ("answer", "tolerance"):
            number = r.number(key, grouped=key == "answer")
            if number is not None:
                q[key] = number
        unit = r.text("unit")
        if unit is not None:
            q["unit"] = unit
    elif qtype == "cloze":
        if text is None:
            r.error(
                "text", "a cloze question needs its text with gaps, {{c1::answer}}, in 'cloze text'"
            )
        else:
            q["text"] = text
    elif qtype == "matching":
        lefts = r.items("choices") or []
        rights = r.items("answer") or []
        if len(lefts) != len(rights):
            r.error(
                "answer",
                f"matching: {len(lefts)} left items (choices) but {len(rights)} right items (answer); one right item per line for each left one",
            )
        q["pairs"] = [[left, right] for left, right in zip(lefts, rights, strict=False)]
    elif qtype == "ordering":
        items = r.items("choices") or []
        if not items:
            r.error(
                "choices", "an ordering question needs its items, one per line, in the right order"
            )
        q["items"] = items
    for key in ("explanation", "topic"):
        words = r.text(key)
        if words is not None:
            q[key] = words
    tags = r.text("tags")
    if tags is not None:
        q["tags"] = [t for t in re.split(r"[,;\s]+", tags) if t]
    difficulty = r.text("difficulty")
    if difficulty is not None:
        q["difficulty"] = difficulty.lower()
    points = r.number("points")
    if points is not None:
        q["points"] = points
    image = r.text("image")
    if image is not None:
        q["image"] = image
    partial = r.boolean("partial")
    if partial is not None:
        q["partial"] = partial
    ignores = r.items("ignore")
    if ignores:
        silenced: dict[str, str] = {}
        for line in ignores:
            code, colon, reason = line.partition(":")
            if not colon or not reason.strip() or not code.strip():
                r.error("ignore", f"write each ignore line as CODE: the reason, not '{line[:30]}'")
                continue
            silenced[code.strip().upper()] = reason.strip()
        q["ignore"] = silenced
    citations = _citations(r, sources)
    if citations:
        q["source"] = citations[0] if len(citations) == 1 else citations
    return q, r.lines


def _citations(r: _RowReader, sources: Sequence[str]) -> list[dict[str, str]]:
    quotes = r.items("quote") or []
    docs = r.items("doc") or []
    if not quotes:
        if docs:
            r.error(
                "doc", "a source doc without a source quote; copy the passage into 'source quote'"
            )
        return []
    if not docs:
        if len(sources) == 1:
            docs = [sources[0]]
        else:
            declared = ", ".join(sources) or "none are declared on the Bank sheet"
            r.error("quote", f"which document is quoted? Fill in 'source doc' ({declared})")
            return []
    if len(docs) == 1:
        docs = docs * len(quotes)
    if len(docs) != len(quotes):
        r.error(
            "doc",
            f"{len(quotes)} quotes but {len(docs)} source docs; give one doc for all, or one per quote",
        )
        return []
    return [{"doc": d, "quote": q} for d, q in zip(docs, quotes, strict=True)]


# --------------------------------------------------------------------------- the bank


def _relative(path_text: str, sheet_folder: Path, bank_folder: Path) -> str:
    target = (sheet_folder / path_text).resolve()
    return Path(os.path.relpath(target, bank_folder.resolve())).as_posix()


def import_table(
    table: Table,
    sheet_path: Path,
    output: Path,
    *,
    sources: Sequence[Path] = (),
    bank_id: str | None = None,
    title: str | None = None,
) -> ImportResult:
    """The bank's YAML text made from ``table``, to be written at ``output``."""
    from .new_bank import _source

    sheet_folder, bank_folder = sheet_path.parent, output.parent
    bank: dict[str, Any] = {}
    bank_cells: dict[str, Location] = {}
    for key in ("id", "title", "description"):
        cell = table.bank.get(key)
        if cell is not None:
            bank[key] = _text(cell)
            bank_cells[key] = cell.where
    if bank_id:
        bank["id"] = bank_id
    if title:
        bank["title"] = title
    bank.setdefault("id", slug(sheet_path.stem))
    bank.setdefault(
        "title",
        sheet_path.stem.replace("_", " ").replace("-", " ").strip().capitalize() or "Questions",
    )
    if "id" in bank_cells and not re.fullmatch(r"[a-z0-9][a-z0-9-]*", bank["id"]):
        table.error(
            bank_cells["id"],
            f"bank id '{bank['id']}' must be a slug: a-z, 0-9 and '-' (for example '{slug(bank['id'])}')",
        )
    declared: dict[str, Any] = {}
    for id_cell, path_cell, title_cell in table.sources:
        source_id = _text(id_cell)
        if source_id in declared:
            table.error(id_cell.where, f"source '{source_id}' is listed twice")
            continue
        entry = {"path": _relative(_text(path_cell), sheet_folder, bank_folder)}
        if title_cell is not None:
            entry["title"] = _text(title_cell)
        declared[source_id] = entry
        bank_cells[f"source:{source_id}"] = path_cell.where
    taken_ids = set(declared)
    for document in sources:
        new = _source(document, bank_folder, taken_ids)
        declared[new.id] = {"path": new.path, "title": new.title}
    if declared:
        bank["sources"] = declared
    questions: list[dict[str, Any]] = []
    lines: list[dict[str, Location]] = []
    taken: set[str] = set()
    for row in table.rows:
        built = _question(table, row, taken, list(declared))
        if built is not None:
            questions.append(built[0])
            lines.append(built[1])
    if not table.rows and not any(p.severity == "error" for p in table.problems):
        table.error(
            table.header_cells.get("type", Location(table.file)),
            f"no questions: write one question a row under the column names of '{QUESTIONS_SHEET}'",
        )
    bank["questions"] = questions
    header = f"# Imported from {sheet_path.name} by quizgen import; check it with: quizgen check {output.name}\n"
    body = yaml.dump(
        bank,
        Dumper=_IndentedDumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
        default_flow_style=False,
    )
    # A blank line before each question, as a person would write it.
    text = header + re.sub(r"\n(  - id: )", r"\n\n\1", body)
    problems = sorted(table.problems, key=_cell_order)
    return ImportResult(text, tuple(problems), _line_cells(text, bank_cells, lines))


def _cell_order(problem: Problem) -> tuple[str, int, int]:
    """Problems in reading order: by sheet, row, then column (B2 before A3, F2 before C7)."""
    where = problem.location
    match = re.search(r":([^:!]+)!([A-Z]+)(\d+)$", where.file)
    if match is None:
        return ("", where.line, where.column)
    letters = 0
    for letter in match.group(2):
        letters = letters * 26 + ord(letter) - ord("A") + 1
    return (match.group(1), int(match.group(3)), letters)


class _IndentedDumper(yaml.SafeDumper):
    """yaml.SafeDumper that indents a list under its key, as the docs' examples do."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> Any:
        return super().increase_indent(flow, False)


def _written_number(dumper: yaml.SafeDumper, value: WrittenNumber) -> yaml.ScalarNode:
    tag = "tag:yaml.org,2002:float" if "." in value else "tag:yaml.org,2002:int"
    return dumper.represent_scalar(tag, str(value))  # plain: YAML reads it as that number


_IndentedDumper.add_representer(WrittenNumber, _written_number)


def _line_cells(
    text: str, bank_cells: dict[str, Location], questions: list[dict[str, Location]]
) -> dict[int, Location]:
    """Each line of the YAML text to the cell its value came from."""
    from yaml.nodes import MappingNode, SequenceNode

    out: dict[int, Location] = {}
    root = yaml.compose(text)
    if not isinstance(root, MappingNode):
        return out

    def mark(node: Any, where: Location) -> None:
        # end_mark is just past the node: at column 0 of the next line after a block.
        last = node.end_mark.line if node.end_mark.column == 0 else node.end_mark.line + 1
        for line in range(node.start_mark.line + 1, max(last, node.start_mark.line + 1) + 1):
            out.setdefault(line, where)

    for key_node, value in root.value:
        key = key_node.value
        if key in bank_cells:
            mark(value, bank_cells[key])
        elif key == "sources" and isinstance(value, MappingNode):
            for source_key, source_value in value.value:
                where = bank_cells.get(f"source:{source_key.value}")
                if where is not None:
                    mark(source_value, where)
                    mark(source_key, where)
        elif key == "questions" and isinstance(value, SequenceNode):
            for node, cells in zip(value.value, questions, strict=False):
                if not isinstance(node, MappingNode):
                    continue
                first = next(iter(cells.values()), None)
                for k, v in node.value:
                    column = {"pairs": "choices", "items": "choices", "source": "quote"}.get(
                        k.value, k.value
                    )
                    where = cells.get(column) or cells.get("answer") or first
                    if where is not None:
                        mark(k, where)
                        mark(v, where)
                if first is not None:
                    out.setdefault(node.start_mark.line + 1, cells.get("id", first))
    return out


def cell_problems(
    problems: Sequence[Problem], bank_file: Path, cells: dict[int, Location]
) -> list[Problem]:
    """``check``'s problems in the imported bank, located at the cells they came from."""
    out: list[Problem] = []
    for problem in problems:
        where = (
            cells.get(problem.location.line) if problem.location.file == str(bank_file) else None
        )
        if where is None:
            out.append(problem)
            continue
        message = f"{problem.message} (in {problem.location})"
        out.append(Problem(where, problem.severity, message, problem.question))
    return out
