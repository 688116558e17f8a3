"""``quizgen html``: a printable quiz and its answer key."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import QuizgenError
from .common import (
    bank_paths_argument,
    load_banks_or_default,
    output_file_option,
    page_options,
    plural,
    printing_options,
    selection_options,
    template_dir_option,
)


@click.command("html")
@bank_paths_argument
@output_file_option("quiz.html", "The student page; the key goes beside it as NAME-key.html.")
@click.option("--count", type=click.IntRange(min=1), metavar="N", help="Use at most N questions.")
@selection_options
@page_options("Keep the bank's order of questions and choices (first N with --count).")
@printing_options
@template_dir_option
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
    from ..bank.select import Criteria, select
    from ..outputs.html import new_seed, write_quizzes

    if no_shuffle and versions and versions > 1:
        raise click.UsageError("--versions differ only by their order; drop --no-shuffle")
    if pdf:
        from ..outputs.pdf import find_browser

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
            f"warning: only {plural(len(questions), 'question')} match; using them all", err=True
        )
    from ..fileio import check_outputs, output_problems
    from ..outputs.base import Selection
    from ..outputs.html import page_paths

    if output.exists() and not output.is_file():  # -o /dev/null: not /dev/null.html either
        raise QuizgenError(output_problems([output]))
    pages = page_paths(output, versions)
    pdfs = [p.with_suffix(".pdf") for p in pages] if pdf else []
    # Every page, and PDF, is known and checked before the first write.
    check_outputs([*pages, *pdfs], Selection(tuple(banks), tuple(questions)).inputs())
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
        from ..outputs.pdf import html_to_pdf

        for path in pages:
            click.echo(str(html_to_pdf(path, path.with_suffix(".pdf"), browser=browser)))
