"""Bank text made safe for a spreadsheet cell or a tab-separated row (no format here).

Shared by the spreadsheet and TSV formats (Blackboard, Kahoot, Quizlet): a cell never
starts a formula, and a row of tab-separated text stays one row.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..bank.model import (
    Cloze,
    Question,
)
from ..errors import Problem
from ..questions import type_texts

#: What a spreadsheet reads as the start of a formula (OWASP's CSV injection list).
FORMULA_STARTS = ("=", "+", "-", "@")
# Whitespace a spreadsheet may skip before it looks for a formula.
_LEADING = " \t\r\n\v\f"
# Everything str.splitlines() breaks at, and tab: none may stay inside a TSV field.
# What XML 1.0 (and so an xlsx sheet) cannot hold: C0 controls but tab, CR, LF; U+FFFE/F.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_BREAKS = re.compile(r"\r\n|[\t\n\v\f\r\x1c\x1d\x1e\x85\u2028\u2029]")


def neutral_cell(text: str) -> str:
    """``text`` as a cell no spreadsheet reads as a formula: ``'`` before a risky start.

    A cell is risky when its first character after any whitespace (space, tab, CR, LF)
    is ``=``, ``+``, ``-`` or ``@``, or when it starts with a tab or CR itself.
    """
    if text[:1] in ("\t", "\r") or text.lstrip(_LEADING)[:1] in FORMULA_STARTS:
        return "'" + text
    return text


def one_line(text: str, separator: str = " ") -> str:
    """``text`` with every tab and line break replaced by ``separator``: one TSV field."""
    return _BREAKS.sub(separator, text)


def tsv_cell(text: str, separator: str = " ") -> str:
    """A field of a tab-separated row: on one line, and never a formula."""
    return neutral_cell(one_line(text, separator))


def question_texts(question: Question) -> Iterator[tuple[str, str]]:
    """Every piece of text a question shows, with the key it was written under."""
    if question.prompt:
        yield "prompt", question.prompt
    yield from type_texts(question)
    if question.explanation:
        yield "explanation", question.explanation


def unwritable_characters(question: Question, medium: str) -> list[Problem]:
    """An error for each text of ``question`` holding a character XML 1.0 cannot hold."""
    out: list[Problem] = []
    for key, text in question_texts(question):
        found = _NOT_XML.search(text)
        if found is not None:
            out.append(
                Problem(
                    question.where(key),
                    "error",
                    f"{key} holds the control character U+{ord(found.group()):04X}, "
                    f"which {medium} cannot hold (remove it)",
                    question.id,
                )
            )
    return out


def blank_stem(question: Cloze) -> str:
    """A stem for naming a cloze's blanks (``gap`` → ``[gap1]``) found nowhere in its text."""
    text = (question.prompt or "") + question.text
    stem = "gap"
    while f"[{stem}" in text:
        stem += "x"
    return stem
