"""The command line: parse options, call the core, report.

This is the only module that imports click, and the one place where the core's
:class:`~quizgen.bank.model.QuizgenError` becomes messages and an exit code:

* 0: success (for ``check``: the banks are valid)
* 1: invalid bank or failed output (messages as ``file:line:col: error: ...``)
* 2: usage error (unknown option, missing file), click's convention
* 130: interrupted (Ctrl-C)
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from . import __version__
from .bank.model import QuizgenError

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

QUESTION_TYPE_NAMES = (
    "multiple_choice",
    "multiple_answer",
    "true_false",
    "short_answer",
    "numeric",
    "cloze",
    "matching",
    "ordering",
)


def report_errors(func: F) -> F:
    """Turn the core's QuizgenError into located messages on stderr and exit 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except QuizgenError as exc:
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            sys.exit(EXIT_INVALID)

    return wrapper  # type: ignore[return-value]


def bank_paths_argument(func: F) -> F:
    """The ``[PATH...]`` argument every command takes: bank files or folders of them."""
    return click.argument(
        "paths",
        nargs=-1,
        type=click.Path(exists=True, path_type=Path),
        metavar="[PATH...]",
    )(func)


def selection_options(func: F) -> F:
    """``--tag``, ``--topic`` and ``--type``: which questions to use (each may repeat)."""
    func = click.option(
        "--type",
        "types",
        multiple=True,
        type=click.Choice(QUESTION_TYPE_NAMES),
        help="Only questions of this type (repeatable).",
    )(func)
    func = click.option(
        "--topic", "topics", multiple=True, help="Only questions on this topic (repeatable)."
    )(func)
    func = click.option(
        "--tag", "tags", multiple=True, help="Only questions with this tag (repeatable)."
    )(func)
    return func


def load_banks_or_default(paths: tuple[Path, ...]) -> list[Any]:
    """Load the banks named on the command line, or the default ones (see resources)."""
    from .bank.load import load_banks
    from .resources import default_bank_paths

    return load_banks(list(paths) or default_bank_paths())


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="quizgen")
def cli() -> None:
    """Turn a YAML question bank into Anki decks, printable quizzes and a terminal quiz.

    With no PATH, every command reads ./question_bank if it exists, otherwise the
    bank shipped with quizgen, so you can try each command at once.

    \b
    Example:
      quizgen check question_bank
    """


@cli.command()
@bank_paths_argument
@click.option("--strict", is_flag=True, help="Fail on warnings too (for CI).")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: one line per problem; json: a list of objects for editors and CI.",
)
@report_errors
def check(paths: tuple[Path, ...], strict: bool, output_format: str) -> None:
    """Check banks and report every problem as file:line:col.

    Exit status: 0 when valid, 1 when any bank has an error (or, with --strict,
    a warning), 2 for a usage error.

    \b
    Example:
      quizgen check question_bank --strict
    """
    import json

    from .bank.check import check_paths
    from .resources import default_bank_paths

    report = check_paths(list(paths) or default_bank_paths())
    failed = bool(report.errors or (strict and report.warnings))
    if output_format == "json":
        rows = [
            {
                "file": p.location.file,
                "line": p.location.line,
                "column": p.location.column,
                "severity": p.severity,
                "message": p.message,
                "question": p.question,
            }
            for p in report.problems
        ]
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        for problem in report.problems:
            click.echo(str(problem))
        click.echo(_check_summary(report, failed))
    sys.exit(EXIT_INVALID if failed else EXIT_OK)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _check_summary(report: Any, failed: bool) -> str:
    files = _plural(len(report.files), "file")
    questions = _plural(report.question_count, "question")
    errors = _plural(len(report.errors), "error")
    warnings = _plural(len(report.warnings), "warning")
    verdict = "invalid" if failed else "ok"
    return f"{verdict}: {files}, {questions}, {errors}, {warnings}"


def main() -> None:
    """Console-script entry point."""
    try:
        cli(prog_name="quizgen")
    except KeyboardInterrupt:
        click.echo("\nInterrupted.", err=True)
        sys.exit(EXIT_INTERRUPTED)
