"""``quizgen export``: write any registered output format; ``--list`` shows them all."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, cast

import click

from ..errors import QuizgenError
from .common import (
    bank_paths_argument,
    browser_option,
    chosen_formats,
    load_banks_or_default,
    output_file_option,
    page_options,
    plural,
    quiz_layout_options,
    report,
    selected_criteria,
    selection_options,
    template_dir_option,
)

if TYPE_CHECKING:
    from ..bank.select import Criteria
    from ..outputs.base import Layout


@click.command()
@click.argument("format_name", required=False, metavar="FORMAT")
@bank_paths_argument
@output_file_option(None, "The file to write.  [default: quizgen + the format's suffix]")
@selection_options
@page_options("Keep the bank's order of questions and choices.")
@quiz_layout_options
@browser_option
@template_dir_option
@click.option(
    "--strict",
    is_flag=True,
    help="Fail on warnings too: a question the format degrades or leaves out stops the export.",
)
@click.option(
    "--list", "show_list", is_flag=True, help="List every format, what it carries and its limits."
)
def export(
    format_name: str | None,
    paths: tuple[Path, ...],
    output: Path | None,
    criteria: Criteria,
    seed: str | None,
    no_shuffle: bool,
    versions: int | None,
    paper: str,
    title: str | None,
    shuffle_questions: bool,
    shuffle_choices: bool,
    sections: bool,
    layout: str,
    combined: bool,
    browser: str | None,
    template_dir: Path | None,
    strict: bool,
    show_list: bool,
) -> None:
    """Write the banks in any output format; --list names them.

    Every format first checks what it cannot hold (as `quizgen check --for
    FORMAT` does): any error, and nothing is written. Options a format does not
    use are ignored (the layout options are the printed quiz's: html, pdf). Prints the paths written, and on stderr each question the
    format degrades or leaves out, with their count (--strict: an error, and
    nothing is written).

    \b
    Example:
      quizgen export --list
      quizgen export moodle question_bank -o week3.moodle.xml --topic "The SCO"
      quizgen export kahoot question_bank -o game.kahoot.xlsx --type multiple_choice
      quizgen export pdf question_bank -o quiz --layout compact --no-sections
    """
    from ..outputs.registry import get_format

    if show_list:
        click.echo(format_list())
        return
    if format_name is None:
        raise click.UsageError("name a FORMAT (quizgen export --list shows them)")
    (name,) = chosen_formats((format_name,), "FORMAT")
    fmt = get_format(name)
    from ..bank.select import select
    from ..outputs.base import OutputOptions, Selection, check_planned_outputs

    banks = load_banks_or_default(paths)
    questions = select(banks, selected_criteria(banks, criteria), shuffle=False)
    selection = Selection(tuple(banks), tuple(questions))
    options = OutputOptions(
        title=title,
        seed=seed,
        versions=versions,
        shuffle=not no_shuffle,
        paper=paper,
        browser=browser,
        template_dir=template_dir,
        shuffle_questions=shuffle_questions,
        shuffle_choices=shuffle_choices,
        sections=sections,
        layout=cast("Layout", layout),
        combined=combined,
    )
    problems = fmt.problems(selection, options)
    errors = [p for p in problems if p.severity == "error"]
    if strict:
        errors = [replace(p, severity="error") for p in problems]
    if errors:
        raise QuizgenError(errors)
    path = output or Path(f"quizgen{fmt.suffix}")
    check_planned_outputs(fmt, selection, path, options)  # no input, device or clash
    report(problems)  # the warnings
    for written in fmt.write(selection, path, options):
        click.echo(str(written.path))
    if problems:
        click.echo(
            f"{plural(len(problems), 'warning')}: what {fmt.label} degrades or leaves out "
            "(--strict makes them errors)",
            err=True,
        )


def format_list() -> str:
    """Each format: its name, label and suffix, what it carries of each type, its limits."""
    from ..outputs.registry import formats
    from ..questions import TYPES

    lines = []
    for name, fmt in formats().items():
        lines.append(f"{name}: {fmt.label} ({fmt.suffix})")
        levels = {t: fmt.carries.get(t) for t in TYPES}
        if all(c is not None and c.level == "native" for c in levels.values()):
            lines.append("  carries: every question type")
        else:
            for type_name, carriage in levels.items():
                lines.append(f"  {type_name}: {carriage or 'none'}")
        lines.append(f"  limits: {getattr(fmt, 'limits', '') or 'none'}")
    return "\n".join(lines)
