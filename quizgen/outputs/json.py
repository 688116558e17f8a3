"""The validated banks as JSON, for people who build on quizgen (``quizgen export json``).

One document: the banks, each with its sources and its chosen questions. Each question
has the keys of the bank format (``answer`` as the bank writes it, with its type per
question type) plus ``answer_text``, the right answer as one line of text, ``citations``, and
``line``, where the question starts in its file. docs/exports.md describes every key.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .. import __version__
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
from ..fileio import check_outputs, write_text_atomic
from ..questions import answer_text, numeric_range, source_title
from .base import Carriage, OutputOptions, Selection, WrittenFile, carries_all

#: The ``format`` value of the document, and its version (raised on any incompatible change).
DOCUMENT_FORMAT = "quizgen-banks"
DOCUMENT_VERSION = 1


def _number(value: float) -> int | float:
    """A whole number as an int (``42``, not ``42.0``), any other as it is."""
    return int(value) if float(value).is_integer() else value


def _relative(path: Path, folder: Path) -> str:
    """``path`` as written relative to ``folder`` (POSIX separators)."""
    return Path(os.path.relpath(path, folder)).as_posix()


def _specific(question: Question) -> dict[str, Any]:
    if isinstance(question, MultipleChoice):
        return {
            "choices": list(question.choices),
            "answer": question.answer,
            "shuffle": question.shuffle,
        }
    if isinstance(question, MultipleAnswer):
        return {
            "choices": list(question.choices),
            "answer": list(question.answers),
            "shuffle": question.shuffle,
        }
    if isinstance(question, TrueFalse):
        return {"answer": question.answer}
    if isinstance(question, ShortAnswer):
        return {"answer": list(question.answers), "case_sensitive": question.case_sensitive}
    if isinstance(question, Numeric):
        low, high = numeric_range(question)
        return {
            "answer": _number(question.answer),
            "tolerance": _number(question.tolerance),
            "unit": question.unit,
            "range": [_number(low), _number(high)],
        }
    if isinstance(question, Cloze):
        return {
            "text": question.text,
            "gaps": [
                {"number": d.number, "answer": d.answer, "hint": d.hint} for d in question.deletions
            ],
        }
    if isinstance(question, Matching):
        return {"pairs": [list(pair) for pair in question.pairs]}
    if isinstance(question, Ordering):
        return {"items": list(question.items)}
    return {}


def question_record(bank: Bank, question: Question) -> dict[str, Any]:
    """One question as a JSON object (plain types only)."""
    citations = [
        {"doc": ref.doc, "title": source_title(bank, question, ref), "quote": ref.quote}
        for ref in question.citations
    ]
    return {
        "id": question.id,
        "type": question.type,
        "line": question.location.line,
        "prompt": question.prompt,
        **_specific(question),
        "answer_text": answer_text(question),
        "explanation": question.explanation,
        "tags": list(question.tags),
        "topic": question.topic,
        "difficulty": question.difficulty,
        "points": _number(question.points),
        "citations": citations,
        "image": _relative(question.image, bank.folder) if question.image else None,
    }


def bank_record(bank: Bank, questions: list[Question]) -> dict[str, Any]:
    """One bank and its chosen questions as a JSON object."""
    return {
        "id": bank.id,
        "title": bank.title,
        "description": bank.description,
        "file": str(bank.path),
        "sources": {
            sid: {"title": s.title, "path": _relative(s.path, bank.folder)}
            for sid, s in bank.sources.items()
        },
        "questions": [question_record(bank, q) for q in questions],
    }


def document(selection: Selection) -> dict[str, Any]:
    """The whole export as one JSON-ready object."""
    return {
        "format": DOCUMENT_FORMAT,
        "version": DOCUMENT_VERSION,
        "generator": f"quizgen {__version__}",
        "banks": [bank_record(bank, questions) for bank, questions in selection.by_bank()],
    }


class JsonFormat:
    """The registry's face of the JSON export."""

    name = "json"
    label = "JSON of the validated banks"
    suffix = ".json"
    carries: Mapping[str, Carriage] = carries_all()
    limits = ""

    def problems(self, selection: Selection, options: OutputOptions) -> list[Problem]:
        """None: JSON holds every question the loader accepts."""
        return []

    def write(self, selection: Selection, path: Path, options: OutputOptions) -> list[WrittenFile]:
        """The document at ``path``, UTF-8, indented, written atomically."""
        import json

        check_outputs([path], selection.inputs())
        text = json.dumps(document(selection), ensure_ascii=False, indent=2) + "\n"
        write_text_atomic(Path(path), text)
        bank = selection.bank_id
        return [WrittenFile(Path(path), self.label, bank)]


FORMAT = JsonFormat()
