"""``quizgen check``: every problem of the banks, and of the chosen formats, located."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass
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
    help="text: one line per problem; json: an object with the problems and a summary.",
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
        click.echo(as_json(exc.problems, Summary(0, 0, 0, len(exc.problems), 0, False)))
        sys.exit(EXIT_INVALID)
    problems = report.problems + format_problems(names, report.banks)
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity == "warning"]
    failed = bool(errors or (strict and warnings))
    loaded = sum(len(bank.questions) for bank in report.banks)
    summary = Summary(
        files=len(report.files),
        questions=report.question_count,
        with_errors=with_errors(report.question_count, loaded, errors),
        errors=len(errors),
        warnings=len(warnings),
        ok=not failed,
    )
    if output_format == "json":
        click.echo(as_json(problems, summary))
    else:
        for problem in problems:
            click.echo(str(problem))
        click.echo(summary.line())
    sys.exit(EXIT_INVALID if failed else EXIT_OK)


@dataclass(frozen=True)
class Summary:
    """What ``check`` found, counted: every question in the files, valid or not."""

    files: int
    questions: int
    with_errors: int
    errors: int
    warnings: int
    ok: bool

    def line(self) -> str:
        """``invalid: 1 file, 8 questions (7 with errors), 12 errors, 0 warnings``."""
        bad = f" ({self.with_errors} with errors)" if self.with_errors else ""
        return (
            f"{'ok' if self.ok else 'invalid'}: {plural(self.files, 'file')}, "
            f"{plural(self.questions, 'question')}{bad}, {plural(self.errors, 'error')}, "
            f"{plural(self.warnings, 'warning')}"
        )


def with_errors(written: int, loaded: int, errors: list[Problem]) -> int:
    """Questions with at least one error: those that could not be loaded, or more where
    an error names a question that loaded all the same."""
    named = {(p.location.file, p.question) for p in errors if p.question}
    return min(max(written, loaded), max(written - loaded, len(named)))


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


def as_json(problems: list[Problem], summary: Summary) -> str:
    """``{"summary": {...}, "problems": [...]}``: the counts (files, questions, with_errors,
    errors, warnings, ok) and each problem (file, line, column, severity, message, question,
    code)."""
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
    document = {"summary": asdict(summary), "problems": rows}
    text = json.dumps(document, indent=2, ensure_ascii=False)
    # JSON escapes C0 controls itself; DEL and C1 (U+009B starts a terminal escape) too.
    return re.sub("[\x7f-\x9f]", lambda m: f"\\u{ord(m.group()):04x}", text)
