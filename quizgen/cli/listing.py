"""``quizgen list``: browse the questions of banks."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from .common import (
    bank_paths_argument,
    load_banks_or_default,
    selected_criteria,
    selection_options,
)

if TYPE_CHECKING:
    from ..bank.select import Criteria


@click.command(name="list")
@bank_paths_argument
@selection_options
@click.option("--tags", "show_tags", is_flag=True, help="Add a column with each question's tags.")
def list_questions(paths: tuple[Path, ...], criteria: Criteria, show_tags: bool) -> None:
    """List the questions of banks, with counts per topic, per type and per tag.

    On a terminal each row fits its width (the prompt gets the room left); through
    a pipe rows are whole. Use it to browse a bank and pick the tags and topics
    for a quiz.

    \b
    Example:
      quizgen list question_bank --topic "The SCO" --exclude-tag structure
    """
    from ..bank.listing import format_listing, question_rows
    from ..bank.select import select

    banks = load_banks_or_default(paths)
    questions = select(banks, selected_criteria(banks, criteria), shuffle=False)
    rows = question_rows(banks, questions)
    click.echo(
        format_listing(rows, width=terminal_width(), show_bank=len(banks) > 1, show_tags=show_tags)
    )


def terminal_width() -> int | None:
    """The columns of the terminal stdout is, ``$COLUMNS`` if set, or None through a pipe."""
    import os
    import shutil
    import sys

    if os.environ.get("COLUMNS", "").isdigit() or sys.stdout.isatty():
        return shutil.get_terminal_size((100, 24)).columns
    return None
