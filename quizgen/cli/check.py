"""``quizgen check``: every problem of the banks, and of the chosen formats, located."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..errors import Problem, QuizgenError

if TYPE_CHECKING:
    from ..bank.model import Bank

from .common import (
    EXIT_INVALID,
    EXIT_OK,
    bank_paths_argument,
    chosen_formats,
    ignore_option,
    paths_or_default,
    plural,
)


@click.command()
@bank_paths_argument
@click.option("--strict", is_flag=True, help="Fail on warnings too (for CI).")
@ignore_option
@click.option(
    "--for",
    "for_formats",
    multiple=True,
    metavar="FORMAT",
    help="Also check the limits of this output format (repeatable; 'all' for every one).",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: one line per problem; json: a list of objects for editors and CI.",
)
def check(
    paths: tuple[Path, ...],
    strict: bool,
    ignore: tuple[str, ...],
    for_formats: tuple[str, ...],
    output_format: str,
) -> None:
    """Check banks and report every problem as file:line:col.

    With --for FORMAT, also report what that output cannot hold (a matching
    question with too many pairs for Anki, say), before anything is written;
    `quizgen export --list` shows each format's limits.

    The item-writing checks (answer leaks, cues, look-alike text...) report with
    a code, Q101 and so on (docs/checks.md); --ignore CODE skips one for this
    run, and `ignore: {CODE: reason}` in a question skips it there.

    Exit status: 0 when valid, 1 when any bank has an error (or, with --strict,
    a warning), 2 for a usage error.

    \b
    Example:
      quizgen check question_bank --strict --for anki
    """
    from ..bank.check import check_paths

    names = chosen_formats(for_formats, "--for")
    try:
        report = check_paths(paths_or_default(paths), ignore=ignore)
    except QuizgenError as exc:  # nothing to read, e.g. a folder without banks
        if output_format != "json":
            raise
        click.echo(as_json(exc.problems))  # editors and CI still get a list
        sys.exit(EXIT_INVALID)
    problems = report.problems + format_problems(names, report.banks)
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity == "warning"]
    failed = bool(errors or (strict and warnings))
    if output_format == "json":
        click.echo(as_json(problems))
    else:
        for problem in problems:
            click.echo(str(problem))
        verdict = "invalid" if failed else "ok"
        click.echo(
            f"{verdict}: {plural(len(report.files), 'file')}, "
            f"{plural(report.question_count, 'question')}, {plural(len(errors), 'error')}, "
            f"{plural(len(warnings), 'warning')}"
        )
    sys.exit(EXIT_INVALID if failed else EXIT_OK)


def format_problems(names: list[str], banks: Sequence[Bank]) -> list[Problem]:
    """Every named format's problems with all the banks' questions, in format order."""
    if not names or not banks:
        return []
    from ..outputs.base import OutputOptions, Selection
    from ..outputs.registry import get_format

    selection = Selection.whole(banks)
    found: list[Problem] = []
    for name in names:
        found += get_format(name).problems(selection, OutputOptions())
    return list(dict.fromkeys(found))


def as_json(problems: list[Problem]) -> str:
    """Problems as a JSON list of objects (file, line, column, severity, message, question, code)."""
    rows = [
        {
            "file": p.location.file,
            "line": p.location.line,
            "column": p.location.column,
            "severity": p.severity,
            "message": p.message,
            "question": p.question,
            "code": p.code,
        }
        for p in problems
    ]
    text = json.dumps(rows, indent=2, ensure_ascii=False)
    # JSON escapes C0 controls itself; DEL and C1 (U+009B starts a terminal escape) too.
    return re.sub("[\x7f-\x9f]", lambda m: f"\\u{ord(m.group()):04x}", text)
