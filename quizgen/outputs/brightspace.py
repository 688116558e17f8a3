"""D2L Brightspace's question-library CSV (``quizgen export brightspace``).

The file Brightspace reads in *Question Library → Import → Upload a File* (and in a quiz's
*Add Existing → Upload a File*): blocks of five-column rows, one block per question,
``NewQuestion,<type>`` first, then ``ID``, ``Title``, ``QuestionText``, ``Points``,
``Difficulty``, ``Image``, the type's rows and ``Feedback``; a row of empty cells (``,,,,``)
ends each block.

What was confirmed, and where (public pages and code found with the project's search tool):

* D2L's own article "Import questions into the Question Library"
  (community.d2l.com/brightspace/kb/articles/27274): a CSV imports Written response,
  Short answer, Matching, Multiple choice, True or false, Multiselect and Ordering, and
  **cannot** import Fill in the Blanks, Arithmetic, Significant Figures or Multiple Short
  Answer. So a cloze cannot be FIB and a numeric question cannot be Arithmetic here.
* D2L's ``Sample_Question_Import_Template.csv``, quoted whole in two public repositories
  (e.g. a React tool's ``BRIGHTSPACE_CSV_TEMPLATE`` constant): the row grammar per type:
  ``Option,<percent>,<text>,<html flag>,<feedback>`` (MC), ``Option,1|0,...`` after
  ``Scoring,RightAnswers`` (MS), ``TRUE,100,<feedback>`` / ``FALSE,0,...`` (TF),
  ``InputBox,<rows>,<columns>`` and ``Answer,<percent>,<text>,regexp`` (SA),
  ``Scoring,EquallyWeighted``, ``Choice,<n>,<text>`` and ``Match,<n>,<text>`` (M),
  ``Item,<text>,HTML|NOT HTML,<feedback>`` in the right order (O), ``AnswerKey`` (WR),
  ``Hint``, ``Feedback``; ``//`` starts a comment; "save as CSV UTF-8" (with its BOM).
* Peers' writers: a Python "Quiz CSV Builder for D2L Brightspace" (``csv`` module,
  ``utf-8-sig``; the ``HTML`` flag in column 3 of QuestionText, column 4 of Option),
  and a converter's guide listing the scoring names ``AllOrNothing``, ``RightAnswers``
  (a share per choice rightly selected or rightly left), ``RightMinusWrong`` and
  ``EquallyWeighted``, and ending each block with ``,,,,`` (blank lines leave empty
  folders behind).
* University help pages on Brightspace's short-answer regular expressions (Arizona,
  Wisconsin, Utrecht): a pattern matches anywhere unless anchored with ``^``/``$``, is
  case-sensitive unless it starts with ``(?i)``.

What follows from it: MC, MS (``AllOrNothing``, or ``RightAnswers`` for ``partial``), TF,
SA, matching (``AllOrNothing`` or ``EquallyWeighted``) and ordering are native. A short
answer that is case-sensitive is an anchored regular expression (a plain answer is
taken to be compared without case, Brightspace's default evaluation; no source shows the
CSV's default, so a case-insensitive answer that could start a formula is an ``(?i)``
pattern too). A numeric question is a short answer whose regular expression
accepts the exact number (trailing zeros, a leading ``+``, the unit optional); a tolerance
cannot travel and is reported. A cloze of one gap is a short answer; of more gaps, a
written response graded by hand with the answers as its answer key. Displayed text is the
bank's Markdown as escaped HTML with the ``HTML`` flag; a cell never starts a formula
(an HTML cell's first character becomes a character reference, a typed answer becomes a
regular expression, other cells get ``'``). Not verified against a live Brightspace.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from pathlib import Path

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
from ..errors import Problem
from ..fileio import write_text_atomic
from ..questions import cloze_pieces, derangement, hashed_order, source_title
from ..text import format_number, to_html, to_plain
from .base import Carriage, OutputOptions, Selection, WrittenFile, carriage_problems, carries_all
from .cells import neutral_cell, one_line

Row = list[str]

#: Every row has this many cells, as in D2L's template.
WIDTH = 5
#: The row that ends a question's block.
SEPARATOR: Row = [""] * WIDTH
#: Brightspace's difficulty is a number from 1 to 5.
DIFFICULTY = {"easy": "1", "medium": "3", "hard": "5"}
#: Where the Image row says a question's image is, in the course's files.
IMAGE_FOLDER = "images"
#: What a cloze gap looks like in the question text.
BLANK = "_____"

# A displayed cell that would start a formula starts with a character reference instead.
_REFERENCE = {"=": "&#61;", "+": "&#43;", "-": "&#45;", "@": "&#64;"}
# What a regular expression must escape to match itself (.NET, Java, JavaScript, Python).
_REGEX_SPECIAL = frozenset("\\.^$|?*+()[]{}")


# --------------------------------------------------------------------------- cells


def html_cell(markup: str) -> str:
    """HTML made a cell: on one line, and never a formula (a reference for its first character)."""
    markup = one_line(markup)
    if neutral_cell(markup) == markup:
        return markup
    body = markup.lstrip(" ")
    return _REFERENCE[body[0]] + body[1:]


def shown(text: str | None) -> str:
    """Displayed bank text as a cell: the Markdown subset as escaped HTML (:func:`html_cell`)."""
    return html_cell(to_html(text))


def plain_cell(text: str) -> str:
    """A cell of plain text (ID, Title): on one line, never a formula."""
    return neutral_cell(one_line(to_plain(text)))


def regex_escape(text: str) -> str:
    """``text`` as a regular expression that matches exactly it."""
    return "".join("\\" + ch if ch in _REGEX_SPECIAL else ch for ch in text)


def answer_pattern(text: str, *, case_sensitive: bool) -> str:
    """An anchored regular expression accepting ``text`` (spaces around it allowed)."""
    flag = "" if case_sensitive else "(?i)"
    return rf"{flag}^\s*{regex_escape(text)}\s*$"


def _number_body(text: str) -> str:
    """A pattern for a number as ``format_number`` writes it, trailing zeros allowed."""
    if not text[:1].isdigit() or "e" in text:
        return regex_escape(text)  # 1e+20 and the like: as written
    whole, _, fraction = text.partition(".")
    if fraction:
        lead = "0*" if whole == "0" else f"0*{whole}"
        return rf"{lead}\.{fraction}0*"
    if whole == "0":
        return r"(?:0+(?:\.0*)?|\.0+)"
    return rf"0*{whole}(?:\.0*)?"


def number_pattern(question: Numeric) -> str:
    """The regular expression a numeric question's short answer accepts: its exact number.

    Any trailing zeros, leading zeros, a ``+`` on a positive number, the number as the bank
    wrote it (``150,000``), and the unit (optional, any case) after it.
    """
    text = format_number(question.answer)
    sign, digits = ("-", text[1:]) if text.startswith("-") else (r"\+?", text)
    body = _number_body(digits)
    written = (question.answer_text or "").strip().lstrip("+-")
    if written and written != digits:
        body = f"(?:{body}|{regex_escape(written)})"
    unit = rf"(?:\s*{regex_escape(question.unit)})?" if question.unit else ""
    return rf"(?i)^\s*{sign}{body}{unit}\s*$"


def _answer_row(text: str, *, case_sensitive: bool = False) -> Row:
    """An accepted typed answer: plain, or an anchored regular expression where it must be."""
    plain = one_line(to_plain(text)).strip()
    if case_sensitive or neutral_cell(plain) != plain:
        return ["Answer", "100", answer_pattern(plain, case_sensitive=case_sensitive), "regexp", ""]
    return ["Answer", "100", plain, "", ""]


# --------------------------------------------------------------------------- questions


def _feedback(bank: Bank, question: Question) -> str:
    parts = [to_html(question.explanation)] if question.explanation else []
    for ref in question.citations:
        title = source_title(bank, question, ref) or ref.doc
        parts.append(f"Source: {to_html(title)} — “{to_html(ref.quote)}”")
    return "<br>".join(p for p in parts if p)


def title(question: Question) -> str:
    """The question's Title: its topic and id, then its tags (Brightspace has no tags)."""
    text = f"{question.topic}: {question.id}" if question.topic else question.id
    return f"{text} [{', '.join(question.tags)}]" if question.tags else text


def _cloze_html(question: Cloze) -> str:
    numbered = len(question.deletions) > 1
    out: list[str] = []
    for piece in cloze_pieces(question):
        if piece.blank is None:
            out.append(to_html(piece.text))
            continue
        out.append(f"({piece.blank}) {BLANK}" if numbered else BLANK)
        if piece.hint:
            out.append(f" ({to_html(piece.hint)})")
    text = "".join(out)
    return f"{to_html(question.prompt)}<br>{text}" if question.prompt else text


def _prompt_html(question: Question) -> str:
    if isinstance(question, Cloze):
        return _cloze_html(question)
    shown = to_html(question.prompt)
    if isinstance(question, Numeric) and question.unit:
        shown += f" ({to_html(question.unit)})"
    return shown


def type_code(question: Question) -> str:
    """The ``NewQuestion`` type a question becomes: MC, MS, TF, SA, M, O or WR."""
    if isinstance(question, MultipleChoice):
        return "MC"
    if isinstance(question, MultipleAnswer):
        return "MS"
    if isinstance(question, TrueFalse):
        return "TF"
    if isinstance(question, Matching):
        return "M"
    if isinstance(question, Ordering):
        return "O"
    if isinstance(question, Cloze) and len(question.deletions) > 1:
        return "WR"
    return "SA"  # short answer, numeric, a cloze of one gap


def _type_rows(question: Question) -> list[Row]:
    if isinstance(question, MultipleChoice):
        return [
            ["Option", "100" if c == question.answer else "0", shown(c), "HTML", ""]
            for c in question.choices
        ]
    if isinstance(question, MultipleAnswer):
        scoring = "RightAnswers" if question.partial else "AllOrNothing"
        rows = [["Scoring", scoring, "", "", ""]]
        rows += [
            ["Option", "1" if question.is_right(c) else "0", shown(c), "HTML", ""]
            for c in question.choices
        ]
        return rows
    if isinstance(question, TrueFalse):
        right, wrong = ("100", "0") if question.answer else ("0", "100")
        return [["TRUE", right, "", "", ""], ["FALSE", wrong, "", "", ""]]
    box: Row = ["InputBox", "1", "40", "", ""]
    if isinstance(question, ShortAnswer):
        rows = [box]
        rows += [_answer_row(a, case_sensitive=question.case_sensitive) for a in question.answers]
        return rows
    if isinstance(question, Numeric):
        return [box, ["Answer", "100", number_pattern(question), "regexp", ""]]
    if isinstance(question, Cloze):
        if len(question.deletions) == 1:
            return [box, _answer_row(question.deletions[0].answer)]
        key = "<br>".join(
            f"({n}) {to_html(d.answer)}" for n, d in enumerate(question.deletions, start=1)
        )
        return [["AnswerKey", html_cell(key), "HTML", "", ""]]
    scoring = "EquallyWeighted" if question.partial else "AllOrNothing"
    if isinstance(question, Matching):
        rows = [["Scoring", scoring, "", "", ""]]
        rows += [
            ["Choice", str(n), shown(left), "HTML", ""]
            for n, left in enumerate(question.lefts, start=1)
        ]
        # Matches listed in an order that pairs no choice with the match beside it.
        order = derangement(hashed_order(len(question.pairs), question.id))
        rows += [["Match", str(i + 1), shown(question.rights[i]), "HTML", ""] for i in order]
        return rows
    if isinstance(question, Ordering):
        rows = [["Scoring", scoring, "", "", ""]]
        rows += [["Item", shown(item), "HTML", "", ""] for item in question.items]
        return rows
    raise ValueError(f"no Brightspace rows for {question.type}")


def image_path(question: Question) -> str | None:
    """Where the Image row says the question's image is: ``images/<file name>``."""
    return f"{IMAGE_FOLDER}/{question.image.name}" if question.image is not None else None


def rows(bank: Bank, question: Question) -> list[Row]:
    """A question's block of rows, ``NewQuestion`` first, the empty separator row last."""
    block: list[Row] = [
        ["NewQuestion", type_code(question), "", "", ""],
        ["ID", plain_cell(f"{bank.id}-{question.id}"), "", "", ""],
        ["Title", plain_cell(title(question)), "", "", ""],
        ["QuestionText", html_cell(_prompt_html(question)), "HTML", "", ""],
        ["Points", format_number(question.points), "", "", ""],
    ]
    if question.difficulty is not None:
        block.append(["Difficulty", DIFFICULTY[question.difficulty], "", "", ""])
    image = image_path(question)
    if image is not None:
        block.append(["Image", plain_cell(image), "", "", ""])
    block += _type_rows(question)
    feedback = _feedback(bank, question)
    if feedback:
        block.append(["Feedback", html_cell(feedback), "HTML", "", ""])
    block.append(SEPARATOR)
    return block


def csv_text(selection: Selection) -> str:
    """The whole file: a UTF-8 BOM, then every chosen question's block, CRLF line ends."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    for bank, questions in selection.by_bank():
        for question in questions:
            writer.writerows(rows(bank, question))
    return out.getvalue()


# --------------------------------------------------------------------------- limits


def _warn(question: Question, key: str, message: str) -> Problem:
    return Problem(question.where(key), "warning", message, question.id)


def _question_problems(question: Question) -> list[Problem]:
    out: list[Problem] = []
    if isinstance(question, Numeric) and question.tolerance:
        out.append(
            _warn(
                question,
                "tolerance",
                f"Brightspace's import has no numeric question: only {format_number(question.answer)} "
                f"is counted right, not the tolerance ± {format_number(question.tolerance)} "
                "(widen the answer's regular expression in Brightspace)",
            )
        )
    if question.image is not None:
        out.append(
            _warn(
                question,
                "image",
                f"the CSV names the image but cannot carry it: upload {question.image.name} to "
                f"the course's Manage Files as {image_path(question)} before the import",
            )
        )
    return out


class BrightspaceFormat:
    """The registry's face of the Brightspace CSV."""

    name = "brightspace"
    label = "D2L Brightspace question library (CSV)"
    suffix = ".brightspace.csv"
    carries: Mapping[str, Carriage] = carries_all(
        numeric=Carriage(
            "degraded",
            "a short answer whose regular expression accepts the exact number "
            "(the CSV imports no arithmetic question; a tolerance is reported)",
        ),
        cloze=Carriage(
            "degraded",
            "one gap: a short answer; more gaps: a written response graded by hand, the "
            "answers as its answer key (the CSV imports no fill in the blanks)",
        ),
    )
    limits = (
        "images named, not carried (upload them to the course files first); no tolerance; "
        "no topics or tags but in the title; answer order not shuffled (set it in the quiz)"
    )

    def problems(self, selection: Selection, options: OutputOptions) -> list[Problem]:
        """A located warning for each degraded question, lost tolerance and image."""
        problems = carriage_problems(self, selection)
        for question in selection.questions:
            problems += _question_problems(question)
        return problems

    def write(self, selection: Selection, path: Path, options: OutputOptions) -> list[WrittenFile]:
        """The CSV at ``path``, UTF-8 with a BOM ("CSV UTF-8"), written atomically."""
        write_text_atomic(Path(path), csv_text(selection))
        bank = selection.bank_id
        return [WrittenFile(Path(path), self.label, bank)]


FORMAT = BrightspaceFormat()
