"""The banks as question spreadsheets (``quizgen export spreadsheet``), for ``quizgen import``.

A thin face over :mod:`quizgen.authoring.sheet_export`: one .xlsx file a bank, in the
layout ``quizgen new --spreadsheet`` writes and ``quizgen import`` reads back, so a bank
can go to a spreadsheet and back without losing a question (docs/authoring.md).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path

from ..errors import Problem
from .base import Carriage, OutputOptions, Selection, WrittenFile, carries_all


def _line_breaks(selection: Selection) -> list[Problem]:
    """Items with a line break: a cell holds a list one item a line, so they cannot go in one."""
    from ..bank.model import Matching, MultipleAnswer, MultipleChoice, Ordering, ShortAnswer

    problems: list[Problem] = []
    for question in selection.questions:
        items: tuple[str, ...] = ()
        if isinstance(question, MultipleChoice | MultipleAnswer):
            items = question.choices
        elif isinstance(question, ShortAnswer):
            items = question.answers
        elif isinstance(question, Matching):
            items = question.lefts + question.rights
        elif isinstance(question, Ordering):
            items = question.items
        if any("\n" in item or "\r" in item for item in items):
            problems.append(
                Problem(
                    question.location,
                    "error",
                    "an item has a line break; a spreadsheet cell holds one item a line",
                    question.id,
                )
            )
    return problems


class SpreadsheetFormat:
    """The registry's face of the spreadsheet export."""

    name = "spreadsheet"
    label = "Question spreadsheet (.xlsx) for quizgen import"
    suffix = ".xlsx"
    carries: Mapping[str, Carriage] = carries_all()
    limits = "an item (choice, answer, pair, ordering item) may not contain a line break"

    def problems(self, selection: Selection, options: OutputOptions) -> list[Problem]:
        """Items that a cell's one-item-a-line list cannot hold."""
        return _line_breaks(selection)

    def write(self, selection: Selection, path: Path, options: OutputOptions) -> list[WrittenFile]:
        """One workbook a bank: ``path`` for one bank, ``STEM-BANK.xlsx`` for several."""
        from ..authoring.sheet_export import write_bank_workbook

        groups = selection.by_bank()
        path = Path(path)
        written: list[WrittenFile] = []
        for bank, questions in groups:
            target = (
                path if len(groups) == 1 else path.with_name(f"{path.stem}-{bank.id}{path.suffix}")
            )
            chosen = dataclasses.replace(bank, questions=tuple(questions))
            write_bank_workbook(chosen, target)
            written.append(WrittenFile(target, "question spreadsheet", bank.id))
        return written


FORMAT = SpreadsheetFormat()
