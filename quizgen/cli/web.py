"""``quizgen web``: the self-test page, one offline HTML file (also ``export web``)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from .common import (
    bank_paths_argument,
    load_banks_or_default,
    output_file_option,
    plural,
    selected_criteria,
    selection_options,
)
from .common import report as report_problems

if TYPE_CHECKING:
    from ..bank.select import Criteria


@click.command("web")
@bank_paths_argument
@output_file_option("study.html", "The page to write.")
@selection_options
@click.option("--seed", metavar="S", help="Fix the choice orders and the page's default shuffle.")
@click.option("--title", help="The page's heading (default: the banks' titles).")
def web(
    paths: tuple[Path, ...],
    output: Path,
    criteria: Criteria,
    seed: str | None,
    title: str | None,
) -> None:
    """Write a self-test page: one offline HTML file for a phone or laptop.

    Every question type is answered in the page and graded as `quizgen quiz`
    grades; progress stays on the device. It works offline and makes no network
    request; see docs/web.md. Prints the path written and its size.

    \b
    Example:
      quizgen web question_bank -o study.html --topic "The SCO" --seed 7
    """
    from ..bank.select import select
    from ..outputs.base import OutputOptions, Selection
    from ..outputs.web import FORMAT

    banks = load_banks_or_default(paths)
    questions = select(banks, selected_criteria(banks, criteria), shuffle=False)
    selection = Selection(tuple(banks), tuple(questions))
    options = OutputOptions(title=title, seed=seed)
    report_problems(FORMAT.problems(selection, options))
    for written in FORMAT.write(selection, output, options):
        click.echo(
            f"{written.path} ({plural(len(questions), 'question')}, {written.size // 1000} KB)"
        )
