"""``quizgen html``: a printable quiz and its answer key."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from ..errors import QuizgenError
from .common import (
    bank_paths_argument,
    load_banks_or_default,
    output_file_option,
    page_options,
    plural,
    printing_options,
    quiz_layout_options,
    selected_criteria,
    selection_options,
    template_dir_option,
)

F = TypeVar("F", bound=Callable[..., Any])


def draw_option(func: F) -> F:
    """``--draw``: each version its own draw of ``--count`` questions."""
    return click.option(
        "--draw",
        is_flag=True,
        help="Each version draws its own --count questions (same number per topic).",
    )(func)


if TYPE_CHECKING:
    from ..bank.select import Criteria


@click.command("html")
@bank_paths_argument
@output_file_option("quiz.html", "The student page; the key goes beside it as NAME-key.html.")
@click.option("--count", type=click.IntRange(min=1), metavar="N", help="Use at most N questions.")
@selection_options
@page_options("Keep the bank's order of questions and choices (first N with --count).")
@quiz_layout_options
@draw_option
@printing_options
@template_dir_option
def html(
    paths: tuple[Path, ...],
    output: Path,
    count: int | None,
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
    draw: bool,
    combined: bool,
    pdf: bool,
    browser: str | None,
    template_dir: Path | None,
) -> None:
    """Write a printable quiz and its answer key (HTML, optionally PDF).

    Writes OUTPUT and OUTPUT-key.html; with --versions N, OUTPUT-A.html,
    OUTPUT-A-key.html, OUTPUT-B.html, ...; with --combined, one OUTPUT.html
    holding every version and then every key. OUTPUT's stem is kept and the
    suffix added (-o quiz.pdf writes quiz.html). Prints the paths written.

    \b
    Example:
      quizgen html question_bank -o quiz.html --count 20 --versions 2 --seed 7 --pdf
      quizgen html question_bank -o class --count 20 --versions 30 --draw --combined --pdf
    """
    from ..bank.select import select
    from ..outputs.html import QuizOptions, new_seed, plan_pages, write_quizzes

    shuffle_questions = shuffle_questions and not no_shuffle
    shuffle_choices = shuffle_choices and not no_shuffle
    if draw and count is None:
        raise click.UsageError("--draw needs --count: how many questions each version draws")
    if versions and versions > 1 and not (shuffle_questions or shuffle_choices or draw):
        raise click.UsageError(
            "--versions differ by their order or (with --draw) their questions; drop --no-shuffle"
        )
    if pdf:
        from ..outputs.pdf import find_browser

        browser = find_browser(browser)  # fail before writing anything
    banks = load_banks_or_default(paths)
    if seed is None and (shuffle_questions or shuffle_choices or draw):
        seed = new_seed()  # printed in the key, so the same quiz can be made again
    criteria = selected_criteria(banks, criteria)
    random_pick = shuffle_questions or draw
    questions = select(banks, criteria, count=count, seed=seed, shuffle=random_pick)
    if count is not None and len(questions) < count:
        click.echo(
            f"warning: only {plural(len(questions), 'question')} match; using them all", err=True
        )
    pool = select(banks, criteria, shuffle=False) if draw else None
    options = QuizOptions(
        versions=versions,
        seed=seed,
        shuffle_questions=shuffle_questions,
        shuffle_choices=shuffle_choices,
        sections=sections,
        layout=layout,
        draw=draw,
        combined=combined,
        paper=paper,
        title=title,
        template_dir=template_dir,
    )
    from ..fileio import check_outputs, output_problems
    from ..outputs.base import Selection
    from ..outputs.html import page_paths

    if output.exists() and not output.is_file():  # -o /dev/null: not /dev/null.html either
        raise QuizgenError(output_problems([output]))
    planned = page_paths(output, options)
    pdfs = [p.with_suffix(".pdf") for p in planned] if pdf else []
    inputs = Selection(tuple(banks), tuple(questions)).inputs()
    # Every page, and PDF, is known and checked before the first write.
    check_outputs([*planned, *pdfs], inputs)
    if combined and pdf:
        from ..outputs.html import combined_path
        from ..outputs.pdf import write_combined_pdf

        page = combined_path(output)
        pages = plan_pages(banks, questions, options, pool)
        for path in write_combined_pdf(
            pages,
            page,
            page.with_suffix(".pdf"),
            browser=browser,
            template_dir=template_dir,
            inputs=inputs,
        ):
            click.echo(str(path))
        return
    if pdf:
        # The pages are staged and printed first; then pages and PDFs are written as one set.
        import tempfile

        from ..outputs.pdf import PrintJob, write_printed

        with tempfile.TemporaryDirectory(prefix="quizgen-html-") as folder:
            staged = write_quizzes(banks, questions, Path(folder) / output.name, options, pool=pool)
            staged_pages = [p for quiz in staged for p in (quiz.quiz, quiz.key) if p is not None]
            jobs = [
                PrintJob(staged_page, target.with_suffix(".pdf"), target)
                for staged_page, target in zip(staged_pages, planned, strict=True)
            ]
            for written_path in write_printed(jobs, browser=browser, inputs=inputs):
                click.echo(str(written_path))
        return
    written = write_quizzes(banks, questions, output, options, pool=pool)
    for quiz in written:
        for page_path in (quiz.quiz, quiz.key):
            if page_path is not None:
                click.echo(str(page_path))
