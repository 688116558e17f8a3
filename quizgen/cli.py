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
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from . import __version__
from .bank.model import QUESTION_TYPES
from .errors import QuizgenError

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_INTERRUPTED = 130

QUESTION_TYPE_NAMES = tuple(QUESTION_TYPES)


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


def output_file_option(default: str, help_text: str) -> Callable[[F], F]:
    """``-o/--output FILE`` with a default file name."""
    return click.option(
        "-o",
        "--output",
        type=click.Path(dir_okay=False, path_type=Path),
        default=Path(default),
        show_default=True,
        help=help_text,
    )


def printing_options(func: F) -> F:
    """``--pdf`` and ``--browser``: print pages to PDF with a Chrome/Chromium."""
    func = click.option(
        "--browser",
        metavar="PATH",
        help="The Chrome/Chromium for --pdf (default: $QUIZGEN_BROWSER, else one on PATH).",
    )(func)
    return click.option(
        "--pdf", is_flag=True, help="Also print each quiz and key to PDF with Chrome/Chromium."
    )(func)


def paths_or_default(paths: tuple[Path, ...]) -> list[Path]:
    """The bank paths named on the command line, or the default ones (see resources)."""
    from .resources import default_bank_paths

    return list(paths) or default_bank_paths()


def load_banks_or_default(paths: tuple[Path, ...]) -> list[Any]:
    """Load the banks named on the command line, or the default ones."""
    from .bank.load import load_banks

    return load_banks(paths_or_default(paths))


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

    def as_json(problems: list[Any]) -> str:
        rows = [
            {
                "file": p.location.file,
                "line": p.location.line,
                "column": p.location.column,
                "severity": p.severity,
                "message": p.message,
                "question": p.question,
            }
            for p in problems
        ]
        return json.dumps(rows, indent=2, ensure_ascii=False)

    try:
        report = check_paths(paths_or_default(paths))
    except QuizgenError as exc:  # nothing to read, e.g. a folder without banks
        if output_format != "json":
            raise
        click.echo(as_json(exc.problems))  # editors and CI still get a list
        sys.exit(EXIT_INVALID)
    failed = bool(report.errors or (strict and report.warnings))
    if output_format == "json":
        click.echo(as_json(report.problems))
    else:
        for problem in report.problems:
            click.echo(str(problem))
        click.echo(_check_summary(report, failed))
    sys.exit(EXIT_INVALID if failed else EXIT_OK)


@cli.command(name="list")
@bank_paths_argument
@selection_options
@report_errors
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

    from .bank.listing import format_listing, question_rows
    from .bank.select import Criteria, select

    banks = load_banks_or_default(paths)
    questions = select(banks, Criteria(tags, topics, types), shuffle=False)
    width = shutil.get_terminal_size((100, 24)).columns
    rows = question_rows(banks, questions)
    click.echo(format_listing(rows, width=width, show_bank=len(banks) > 1))


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _check_summary(report: Any, failed: bool) -> str:
    files = _plural(len(report.files), "file")
    questions = _plural(report.question_count, "question")
    errors = _plural(len(report.errors), "error")
    warnings = _plural(len(report.warnings), "warning")
    verdict = "invalid" if failed else "ok"
    return f"{verdict}: {files}, {questions}, {errors}, {warnings}"


@cli.command("html")
@bank_paths_argument
@output_file_option("quiz.html", "The student page; the key goes beside it as NAME-key.html.")
@click.option("--count", type=click.IntRange(min=1), metavar="N", help="Use at most N questions.")
@selection_options
@click.option("--seed", metavar="S", help="Make the selection and every shuffle reproducible.")
@click.option(
    "--no-shuffle",
    is_flag=True,
    help="Keep the bank's order of questions and choices (first N with --count).",
)
@click.option(
    "--versions",
    type=click.IntRange(min=1),
    metavar="N",
    help="Write N versions (A, B, ... Z, AA, ...): same questions, different order.",
)
@click.option(
    "--paper",
    type=click.Choice(["a4", "letter"]),
    default="a4",
    show_default=True,
    help="Paper size for printing.",
)
@click.option("--title", help="The heading (default: the bank's title).")
@printing_options
@click.option(
    "--template-dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    metavar="DIR",
    help="A folder of templates used ahead of the built-in ones.",
)
@report_errors
def html(
    paths: tuple[Path, ...],
    output: Path,
    count: int | None,
    tags: tuple[str, ...],
    topics: tuple[str, ...],
    types: tuple[str, ...],
    seed: str | None,
    no_shuffle: bool,
    versions: int | None,
    paper: str,
    title: str | None,
    pdf: bool,
    browser: str | None,
    template_dir: Path | None,
) -> None:
    """Write a printable quiz and its answer key (HTML, optionally PDF).

    Writes OUTPUT and OUTPUT-key.html; with --versions N, OUTPUT-A.html,
    OUTPUT-A-key.html, OUTPUT-B.html, ... Prints the paths written.

    \b
    Example:
      quizgen html question_bank -o quiz.html --count 20 --versions 2 --seed 7 --pdf
    """
    from .bank.select import Criteria, select
    from .outputs.html import new_seed, write_quizzes

    if no_shuffle and versions and versions > 1:
        raise click.UsageError("--versions differ only by their order; drop --no-shuffle")
    if pdf:
        from .outputs.pdf import find_browser

        browser = find_browser(browser)  # fail before writing anything
    banks = load_banks_or_default(paths)
    if seed is None and not no_shuffle:
        seed = new_seed()  # printed in the key, so the same quiz can be made again
    criteria = Criteria(tags=tags, topics=topics, types=types)
    questions = select(banks, criteria, count=count, seed=seed, shuffle=not no_shuffle)
    if not questions:
        raise QuizgenError("no questions match the --tag/--topic/--type given")
    if count is not None and len(questions) < count:
        click.echo(
            f"warning: only {_plural(len(questions), 'question')} match; using them all", err=True
        )
    written = write_quizzes(
        banks,
        questions,
        output,
        versions=versions,
        seed=seed,
        shuffle=not no_shuffle,
        paper=paper,
        title=title,
        template_dir=template_dir,
    )
    pages = [path for quiz in written for path in (quiz.quiz, quiz.key)]
    for path in pages:
        click.echo(str(path))
    if pdf:
        from .outputs.pdf import html_to_pdf

        for path in pages:
            click.echo(str(html_to_pdf(path, path.with_suffix(".pdf"), browser=browser)))


@cli.command("anki")
@bank_paths_argument
@output_file_option("quizgen.apkg", "The Anki package to write (.apkg).")
@selection_options
@report_errors
def anki(
    paths: tuple[Path, ...],
    output: Path,
    tags: tuple[str, ...],
    topics: tuple[str, ...],
    types: tuple[str, ...],
) -> None:
    """Write one Anki package: a deck per bank, a subdeck per topic.

    Import it in Anki (File > Import, or open the file on a phone). Importing a
    newer build of the same banks updates the notes in place and keeps your
    review history; see docs/anki.md. Prints the path written and the counts.

    \b
    Example:
      quizgen anki question_bank -o sco.apkg --topic "The SCO"
    """
    from .bank.select import Criteria
    from .outputs.anki import build_apkg

    criteria = Criteria(tags=tags, topics=topics, types=types)
    summary = build_apkg(paths_or_default(paths), output, criteria)
    click.echo(str(summary.path))
    by_type = ", ".join(f"{name} {count}" for name, count in summary.notes_by_type.items())
    click.echo(
        f"{_plural(summary.notes, 'note')}, {_plural(summary.cards, 'card')}, "
        f"{_plural(len(summary.decks), 'deck')}, {_plural(summary.media, 'media file')} "
        f"({by_type})"
    )


def _run_study(session: Callable[[], int]) -> None:
    """Run a terminal study session and exit with its code.

    Ctrl-C before the session has started exits 130 too; a closed output pipe
    (``quizgen quiz | head``) ends quietly.
    """
    import contextlib
    import os

    for stream in (sys.stdin, sys.stdout):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):
                reconfigure(errors="replace")
    try:
        code = session()
    except KeyboardInterrupt:
        click.echo("\nInterrupted.", err=True)
        code = EXIT_INTERRUPTED
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        code = EXIT_OK
    sys.exit(code)


@cli.command()
@bank_paths_argument
@click.option("--count", type=click.IntRange(min=1), help="Ask at most N questions.")
@selection_options
@click.option("--seed", help="Shuffle questions and choices reproducibly.")
@click.option("--no-shuffle", is_flag=True, help="Keep the bank's order of questions and choices.")
@click.option(
    "--retry-wrong", is_flag=True, help="Ask the missed questions again until each is right."
)
@report_errors
def quiz(
    paths: tuple[Path, ...],
    count: int | None,
    tags: tuple[str, ...],
    topics: tuple[str, ...],
    types: tuple[str, ...],
    seed: str | None,
    no_shuffle: bool,
    retry_wrong: bool,
) -> None:
    """Quiz yourself in the terminal, with feedback after every answer.

    Answer with t/f, a choice's letter (or its text), several letters (a c),
    a number, or text; a cloze asks each gap in turn, a matching question each
    item. Small typos are forgiven. Input may come from a pipe, one line per
    answer. Ctrl-D (or the end of input) stops with the summary so far (exit 0);
    Ctrl-C stops with the summary so far (exit 130).

    \b
    Example:
      quizgen quiz question_bank --count 10 --topic Energy
    """
    from .bank.select import Criteria
    from .study.quiz import run_quiz
    from .study.session import plan_quiz
    from .study.terminal import Terminal

    def session() -> int:
        banks = load_banks_or_default(paths)
        criteria = Criteria(tags=tags, topics=topics, types=types)
        items = plan_quiz(banks, criteria, count=count, seed=seed, shuffle=not no_shuffle)
        if not items:
            raise QuizgenError("no question matches the selection")
        return run_quiz(Terminal(), items, retry_wrong=retry_wrong).exit_code

    _run_study(session)


def _state_option(func: F) -> F:
    return click.option(
        "--state",
        "state_file",
        type=click.Path(dir_okay=False, path_type=Path),
        help="The review state file (default: quizgen's folder in your data folder).",
    )(func)


@cli.command()
@bank_paths_argument
@_state_option
@click.option(
    "--new",
    "new_cards",
    type=click.IntRange(min=0),
    default=10,
    show_default=True,
    help="Introduce at most N new cards.",
)
@click.option("--limit", type=click.IntRange(min=1), help="Review at most N cards in all.")
@report_errors
def review(
    paths: tuple[Path, ...], state_file: Path | None, new_cards: int, limit: int | None
) -> None:
    """Spaced-repetition review (FSRS): the cards due now, then new ones.

    Answers are graded as in `quizgen quiz` (wrong: Again, right with a typo:
    Hard, right: Good; on a terminal, e marks Easy and r "I was right"). Every
    answer is saved at once: stopping at any moment loses at most the answer
    being typed.

    \b
    Example:
      quizgen review question_bank --new 5
    """
    from .study.review import run_review
    from .study.store import ReviewStore, default_state_path
    from .study.terminal import Terminal

    def session() -> int:
        banks = load_banks_or_default(paths)
        with ReviewStore(state_file or default_state_path()) as store:
            result = run_review(Terminal(), banks, store, new=new_cards, limit=limit)
        return result.exit_code

    _run_study(session)


@cli.command()
@bank_paths_argument
@_state_option
@report_errors
def stats(paths: tuple[Path, ...], state_file: Path | None) -> None:
    """Study statistics per bank: new, learning, due, recent reviews, streak.

    \b
    Example:
      quizgen stats question_bank
    """
    from .study.session import utc_now
    from .study.stats import collect_stats, show_stats
    from .study.store import ReviewStore, default_state_path
    from .study.terminal import Terminal

    def session() -> int:
        banks = load_banks_or_default(paths)
        with ReviewStore(state_file or default_state_path(), create=False) as store:
            show_stats(Terminal(), collect_stats(banks, store, utc_now()))
        return EXIT_OK

    _run_study(session)


@cli.command()
@bank_paths_argument
@click.option(
    "-o",
    "--out-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("dist"),
    show_default=True,
    help="The folder to write into (created if missing).",
)
@printing_options
@click.option(
    "--versions",
    type=click.IntRange(min=1),
    metavar="N",
    help="Write N shuffled versions (A, B, ... Z, AA, ...) of each quiz.",
)
@click.option("--seed", help="Seed for the quizzes' shuffles (default: the bank id).")
@report_errors
def build(
    paths: tuple[Path, ...],
    out_dir: Path,
    pdf: bool,
    versions: int | None,
    seed: str | None,
    browser: str | None,
) -> None:
    """Check the banks, then write every output: Anki package, quiz and answer key.

    For each bank it writes BANK.apkg, BANK.html and BANK-key.html into the output
    folder (with --versions, BANK-A.html, BANK-A-key.html, ...; with --pdf, a PDF
    beside each page). If any bank has an error, it prints every problem and writes
    nothing. Progress goes to stderr; the table of files written to stdout.

    \b
    Example:
      quizgen build question_bank -o dist --versions 2 --pdf
    """
    from .build import BuildOptions, plan_build

    options = BuildOptions(out_dir=out_dir, pdf=pdf, versions=versions, seed=seed, browser=browser)
    steps = plan_build(paths_or_default(paths), options)
    written = []
    if sys.stderr.isatty():
        with click.progressbar(
            steps,
            label="Building",
            width=24,
            file=sys.stderr,
            item_show_func=lambda step: step.label if step else "",
        ) as bar:
            for step in bar:
                written += step.run()
    else:
        for number, step in enumerate(steps, start=1):
            click.echo(f"[{number}/{len(steps)}] {step.label}", err=True)
            written += step.run()
    width = max(len(str(f.path)) for f in written)
    click.echo(f"{'file'.ljust(width)}  {'size':>9}  what")
    for f in written:
        click.echo(f"{str(f.path).ljust(width)}  {_size(f.size):>9}  {f.kind}")
    apkg = next((f.path for f in written if f.path.suffix == ".apkg"), None)
    page = next((f.path for f in written if f.path.suffix == ".html"), None)
    click.echo(f"\nWrote {len(written)} files to {out_dir}/. Next:")
    if apkg:
        click.echo(f"  students: import {apkg} in Anki (File > Import), or run `quizgen review`")
    if page:
        click.echo(f"  teachers: open {page} in a browser and print it; the key is beside it")


def _size(count: int) -> str:
    size = float(count)
    for unit in ("B", "KB", "MB"):
        if size < 1024 or unit == "MB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} MB"


def main() -> None:
    """Console-script entry point."""
    try:
        cli(prog_name="quizgen")
    except KeyboardInterrupt:
        click.echo("\nInterrupted.", err=True)
        sys.exit(EXIT_INTERRUPTED)
    except Exception as exc:  # a bug: say so plainly; QUIZGEN_DEBUG=1 shows the traceback
        if os.environ.get("QUIZGEN_DEBUG"):
            raise
        click.echo(
            f"quizgen: internal error: {type(exc).__name__}: {exc}\n"
            "This is a bug in quizgen; run again with QUIZGEN_DEBUG=1 for the details.",
            err=True,
        )
        sys.exit(EXIT_INVALID)
