"""Commands that help write banks: ``coverage``, ``schema``, ``new`` and ``import``."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import click

from ..errors import Location, QuizgenError
from .common import EXIT_INVALID, bank_paths_argument, paths_or_default, plural, report


@click.command()
@bank_paths_argument
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the HTML report: each document's text, cited passages highlighted.",
)
def coverage(paths: tuple[Path, ...], output: Path | None) -> None:
    """Show which passages of the source documents the questions cite, and which not.

    For each source document: the share of its fact-bearing passages (sentences
    and list items that state something; see docs/authoring.md) that some
    question cites, the passages no question cites, and the over-mined ones
    (cited by 3 or more questions). With -o, an HTML page shows the document with
    the cited passages highlighted and linked to their questions.

    \b
    Example:
      quizgen coverage question_bank -o coverage.html
    """
    from ..authoring.coverage import coverage as measure
    from ..authoring.coverage import summary_lines
    from ..bank.check import check_paths

    checked = check_paths(paths_or_default(paths))
    if checked.errors:
        click.echo(
            f"warning: the banks have {plural(len(checked.errors), 'error')} "
            "(quizgen check lists them); questions with errors are left out",
            err=True,
        )
    result = measure(checked.banks)
    if not result.documents:
        raise QuizgenError("no source documents: the banks declare no readable sources")
    width = shutil.get_terminal_size((100, 24)).columns
    for line in summary_lines(result, width=width):
        click.echo(line)
    if output is not None:
        from ..authoring.coverage_page import write_coverage

        click.echo(str(write_coverage(result, output)))


@click.command()
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the schema to this file instead of printing it.",
)
def schema(output: Path | None) -> None:
    """Print the JSON Schema of the bank format, for editors.

    Save it beside your banks and name it on the first line of a bank, and VS
    Code's YAML extension completes keys and flags mistakes as you type:

    \b
      # yaml-language-server: $schema=bank.schema.json

    The schema catches the shape of a bank (keys, types, slugs); `quizgen
    check` still checks the rest (answers among the choices, quotes found).

    \b
    Example:
      quizgen schema -o bank.schema.json
    """
    from ..authoring.schema import schema_text

    if output is None:
        click.echo(schema_text(), nl=False)
        return
    from ..fileio import write_text_atomic

    click.echo(str(write_text_atomic(output, schema_text())))


@click.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--source",
    "sources",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    metavar="DOC",
    help="A source document the questions will quote (repeatable).",
)
@click.option(
    "--spreadsheet",
    is_flag=True,
    help="Write a question spreadsheet (.xlsx) to fill in, instead of a YAML bank.",
)
def new(path: Path, sources: tuple[Path, ...], spreadsheet: bool) -> None:
    """Start a new bank: PATH with its sources and one example of each question type.

    The new bank passes `quizgen check` as written: edit the examples into your
    questions. With --spreadsheet, PATH is an .xlsx template instead (one row a
    question, a sheet of instructions and examples); `quizgen import` turns it
    into a bank. An existing file is never overwritten.

    \b
    Example:
      quizgen new water-cycle.yaml --source lesson.txt
      quizgen new --spreadsheet questions.xlsx --source lesson.txt
    """
    if spreadsheet:
        if path.suffix.lower() != ".xlsx":
            raise click.BadParameter("a spreadsheet template is an .xlsx file", param_hint="PATH")
        from ..authoring.sheet_export import write_template

        click.echo(str(write_template(path, list(sources))))
        click.echo(f"Next: fill in its sheets, then  quizgen import {path} -o bank.yaml")
        return
    if path.suffix.lower() not in (".yaml", ".yml"):
        raise click.BadParameter("a bank is a .yaml or .yml file", param_hint="PATH")
    from ..authoring.new_bank import write_new_bank

    click.echo(str(write_new_bank(path, list(sources))))
    click.echo(f"Next: edit it, then  quizgen check {path}")


@click.command(name="import")
@click.argument(
    "spreadsheet", type=click.Path(exists=True, dir_okay=False, path_type=Path), metavar="FILE"
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The bank file to write (.yaml).",
)
@click.option(
    "--source",
    "sources",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    metavar="DOC",
    help="A source document to declare (for a CSV file, which has no Bank sheet).",
)
@click.option(
    "--id", "bank_id", help="The bank id (default: the Bank sheet's, else the file name)."
)
@click.option("--title", help="The bank title (default: the Bank sheet's, else the file name).")
@click.option("--force", is_flag=True, help="Replace OUTPUT if it exists.")
def import_bank(
    spreadsheet: Path,
    output: Path,
    sources: tuple[Path, ...],
    bank_id: str | None,
    title: str | None,
    force: bool,
) -> None:
    """Turn a question spreadsheet (.xlsx or .csv) into a bank, then check it.

    Every problem is located at its cell (questions.xlsx:Questions!E7; a CSV
    file gives row:column). If the spreadsheet has errors, nothing is written.
    Otherwise the bank is written and checked, and what check finds is shown
    at its cell too. Exit status 1 if anything has an error.

    \b
    Example:
      quizgen import questions.xlsx -o bank.yaml
      quizgen import questions.csv -o bank.yaml --source lesson.txt --title "Water cycle"
    """
    from ..authoring.sheet_import import cell_problems, import_table
    from ..authoring.sheet_read import read_table
    from ..bank.check import check_paths
    from ..fileio import write_text_atomic

    if output.suffix.lower() not in (".yaml", ".yml"):
        raise click.BadParameter("the bank is a .yaml or .yml file", param_hint="-o/--output")
    if output.exists() and not force:
        raise QuizgenError(
            f"{output} exists; pass --force to replace it with the imported bank",
            location=Location(str(output)),
        )
    result = import_table(
        read_table(spreadsheet),
        spreadsheet,
        output,
        sources=list(sources),
        bank_id=bank_id,
        title=title,
    )
    if result.problems:
        raise QuizgenError(list(result.problems))
    write_text_atomic(output, result.text)
    checked = check_paths([output])
    problems = cell_problems(checked.problems, output, result.cells)
    report(problems)
    verdict = "invalid" if checked.errors else "ok"
    click.echo(
        f"{output}: {verdict}: {plural(checked.question_count, 'question')}, "
        f"{plural(len(checked.errors), 'error')}, {plural(len(checked.warnings), 'warning')}"
    )
    if checked.errors:
        sys.exit(EXIT_INVALID)
