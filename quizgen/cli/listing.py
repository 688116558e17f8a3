"""``quizgen list``: browse the questions of banks."""

from __future__ import annotations

from pathlib import Path

import click

from .common import bank_paths_argument, load_banks_or_default, selection_options


@click.command(name="list")
@bank_paths_argument
@selection_options
def list_questions(
    paths: tuple[Path, ...], tags: tuple[str, ...], topics: tuple[str, ...], types: tuple[str, ...]
) -> None:
    """List the questions of banks, with counts per topic and per type.

    The prompt is cut to the terminal's width. Use it to browse a bank and pick the
    tags and topics for a quiz.

    \b
    Example:
      quizgen list question_bank --topic "The SCO"
    """
    import shutil

    from ..bank.listing import format_listing, question_rows
    from ..bank.select import Criteria, select

    banks = load_banks_or_default(paths)
    questions = select(banks, Criteria(tags, topics, types), shuffle=False)
    width = shutil.get_terminal_size((100, 24)).columns
    rows = question_rows(banks, questions)
    click.echo(format_listing(rows, width=width, show_bank=len(banks) > 1))
