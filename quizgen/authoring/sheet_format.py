"""The spreadsheet form of a bank: its sheets, its columns and what goes in each cell.

One row a question on the sheet ``Questions``; the bank's id, title, description and
sources on the sheet ``Bank``; ``Instructions`` and ``Examples`` for people (the import
reads neither). A CSV file is the ``Questions`` sheet alone. Lists (choices, several
answers, several quotes) are written one item per line inside a cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

QUESTIONS_SHEET = "Questions"
BANK_SHEET = "Bank"
INSTRUCTIONS_SHEET = "Instructions"
EXAMPLES_SHEET = "Examples"
SOURCES_HEADER = ("source id", "path", "title")


@dataclass(frozen=True)
class Column:
    """A column of the Questions sheet: the bank key it fills, its header and its help."""

    key: str
    header: str
    help: str
    width: int = 18


COLUMNS: tuple[Column, ...] = (
    Column("id", "id", "Optional. A slug (a-z, 0-9, '-'); made from the prompt when empty.", 16),
    Column(
        "type",
        "type",
        "multiple_choice, multiple_answer, true_false, short_answer, numeric, cloze, "
        "matching or ordering.",
        16,
    ),
    Column("prompt", "prompt", "The question. For a cloze, an optional instruction.", 40),
    Column(
        "text",
        "cloze text",
        "Cloze only: the text with gaps, {{c1::answer}} or {{c1::answer::hint}}.",
        30,
    ),
    Column(
        "choices",
        "choices",
        "One per line (Alt+Enter, or Ctrl+Option+Enter on a Mac, starts a new line in a cell). "
        "Matching: the left items. Ordering: the items in the right order.",
        30,
    ),
    Column(
        "answer",
        "answer",
        "multiple_choice: the right choice, as written in choices. multiple_answer: the right "
        "choices, one per line. true_false: TRUE or FALSE. short_answer: the accepted answers, "
        "one per line, the first is shown. numeric: a number (1500; 1,500 grouped in threes is read as 1500). matching: the "
        "right item of each left one, one per line in the same order. cloze, ordering: empty.",
        24,
    ),
    Column("tolerance", "tolerance", "numeric only: how far off a right answer may be (0).", 10),
    Column("unit", "unit", "numeric only: the unit shown beside the answer box.", 10),
    Column("explanation", "explanation", "Optional: why the answer is right.", 30),
    Column("topic", "topic", "Optional: a heading that groups questions.", 16),
    Column("tags", "tags", "Optional: slugs separated by commas or spaces.", 14),
    Column("difficulty", "difficulty", "Optional: easy, medium or hard.", 10),
    Column("points", "points", "Optional: a positive number (1).", 8),
    Column(
        "doc",
        "source doc",
        "The source id from the Bank sheet; may be left empty when the bank has one source. "
        "With several quotes: one id for all, or one per line.",
        14,
    ),
    Column(
        "quote",
        "source quote",
        "Words copied exactly from the document; several quotes one per line.",
        40,
    ),
    Column("shuffle", "shuffle", "multiple_choice, multiple_answer: FALSE keeps your order.", 9),
    Column("case_sensitive", "case sensitive", "short_answer: TRUE if case matters.", 9),
    Column(
        "partial",
        "partial",
        "multiple_answer, cloze, matching, ordering: TRUE for part credit (the points "
        "shared equally among the parts).",
        9,
    ),
    Column("image", "image", "Optional: an image file, relative to this spreadsheet.", 14),
    Column(
        "ignore",
        "ignore",
        "Optional: item-writing checks to silence for this question, one a line as "
        "CODE: the reason (Q201: the longest choice is right here by design); docs/checks.md.",
        20,
    ),
)

COLUMN_BY_KEY = {c.key: c for c in COLUMNS}

#: Which columns each type may fill, besides those every question may have.
COMMON_COLUMNS = (
    "id",
    "type",
    "prompt",
    "explanation",
    "topic",
    "tags",
    "difficulty",
    "points",
    "doc",
    "quote",
    "image",
    "ignore",
)
TYPE_COLUMNS: dict[str, tuple[str, ...]] = {
    "multiple_choice": ("choices", "answer", "shuffle"),
    "multiple_answer": ("choices", "answer", "shuffle", "partial"),
    "true_false": ("answer",),
    "short_answer": ("answer", "case_sensitive"),
    "numeric": ("answer", "tolerance", "unit"),
    "cloze": ("text", "partial"),
    "matching": ("choices", "answer", "partial"),
    "ordering": ("choices", "partial"),
}


def header_key(header: str) -> str:
    """A header as written (``Source Quote``, ``source_quote``) to its column key, or ''."""
    wanted = re.sub(r"[\s_-]+", " ", header.strip().lower())
    for column in COLUMNS:
        if wanted in (column.header, column.key.replace("_", " ")):
            return column.key
    return ""


def column_letter(index: int) -> str:
    """The spreadsheet letter of a 1-based column index: 1 -> A, 27 -> AA."""
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


INSTRUCTIONS = (
    "How to write questions in this spreadsheet",
    "",
    "Write one question a row on the sheet 'Questions', from row 2 down; row 1 holds the "
    "column names (keep them; the order of the columns does not matter).",
    "Fill in the sheet 'Bank': the bank's id (a slug: a-z, 0-9 and '-'), its title, and "
    "the source documents your questions quote (paths relative to this spreadsheet).",
    "Several items in one cell (choices, answers, quotes): one per line. Alt+Enter "
    "(Windows) or Ctrl+Option+Enter (Mac) starts a new line inside a cell.",
    "Then run:  quizgen import THIS-FILE.xlsx -o bank.yaml   and   quizgen check bank.yaml",
    "Every problem is reported with its cell, e.g. questions.xlsx:Questions!E7.",
    "The sheet 'Examples' has one question of each type; copy a row to 'Questions' to start.",
    "",
    "The columns:",
)
