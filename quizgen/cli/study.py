"""``quizgen quiz``, ``review`` and ``stats``: the terminal front ends of studying."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from ..errors import QuizgenError
from .common import (
    EXIT_INTERRUPTED,
    EXIT_OK,
    bank_paths_argument,
    load_banks_or_default,
    selected_criteria,
    selection_options,
)

if TYPE_CHECKING:
    from ..bank.select import Criteria

F = TypeVar("F", bound=Callable[..., Any])


def _run_study(session: Callable[[], int], *, reads_answers: bool = True) -> None:
    """Run a terminal study session and exit with its code.

    Ctrl-C (or SIGTERM) before the session has started exits 130 too; a closed output
    pipe (``quizgen quiz | head``) ends quietly; a closed stdin (``<&-``) is refused
    before the session starts when the session reads answers.
    """
    import contextlib
    import os

    if reads_answers and sys.stdin is None:
        raise QuizgenError(
            "standard input is closed; answers are read from it "
            "(give a terminal, a file or a pipe, e.g. < answers.txt)"
        )

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


@click.command()
@bank_paths_argument
@click.option("--count", type=click.IntRange(min=1), help="Ask at most N questions.")
@selection_options
@click.option("--seed", help="Shuffle questions and choices reproducibly.")
@click.option("--no-shuffle", is_flag=True, help="Keep the bank's order of questions and choices.")
@click.option(
    "--retry-wrong", is_flag=True, help="Ask the missed questions again until each is right."
)
def quiz(
    paths: tuple[Path, ...],
    count: int | None,
    criteria: Criteria,
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
    from ..study.quiz import run_quiz
    from ..study.session import plan_quiz
    from ..study.terminal import Terminal

    def session() -> int:
        banks = load_banks_or_default(paths)
        chosen = selected_criteria(banks, criteria)
        items = plan_quiz(banks, chosen, count=count, seed=seed, shuffle=not no_shuffle)
        return run_quiz(Terminal(), items, retry_wrong=retry_wrong).exit_code

    _run_study(session)


def _state_option(func: F) -> F:
    return click.option(
        "--state",
        "state_file",
        type=click.Path(dir_okay=False, path_type=Path),
        help="The review state file (default: quizgen's folder in your data folder).",
    )(func)


@click.command()
@bank_paths_argument
@_state_option
@click.option(
    "--new",
    "new_cards",
    type=click.IntRange(min=0),
    default=10,
    show_default=True,
    help="Introduce at most N new cards a day (counted in the state file).",
)
@click.option("--limit", type=click.IntRange(min=1), help="Review at most N cards in all.")
@selection_options
def review(
    paths: tuple[Path, ...],
    state_file: Path | None,
    new_cards: int,
    limit: int | None,
    criteria: Criteria,
) -> None:
    """Spaced-repetition review (FSRS): the cards due now, then new ones.

    Answers are graded as in `quizgen quiz` (wrong: Again, right with a typo:
    Hard, right: Good; on a terminal, g marks Good, e Easy and r "I was right").
    Cards still learning that fall due within 20 minutes come back in the same
    session, as in Anki. Every answer is saved at once: stopping at any moment
    loses at most the answer being typed.

    \b
    Example:
      quizgen review question_bank --new 5
    """
    from ..study.review import run_review
    from ..study.store import ReviewStore, default_state_path
    from ..study.terminal import Terminal

    def session() -> int:
        banks = load_banks_or_default(paths)
        chosen = selected_criteria(banks, criteria)  # before the state file is made
        with ReviewStore(state_file or default_state_path()) as store:
            result = run_review(
                Terminal(), banks, store, new=new_cards, limit=limit, criteria=chosen
            )
        return result.exit_code

    _run_study(session)


@click.command()
@bank_paths_argument
@_state_option
@selection_options
def stats(paths: tuple[Path, ...], state_file: Path | None, criteria: Criteria) -> None:
    """Study statistics per bank: new, learning, due, a 7-day forecast, retention per topic.

    \b
    Example:
      quizgen stats question_bank
    """
    from ..study.session import utc_now
    from ..study.stats import collect_stats, show_stats
    from ..study.store import ReviewStore, default_state_path
    from ..study.terminal import Terminal

    def session() -> int:
        banks = load_banks_or_default(paths)
        chosen = selected_criteria(banks, criteria)
        path = state_file or default_state_path()
        now = utc_now()
        with ReviewStore(path, create=False) as store:
            figures = collect_stats(banks, store, now, chosen)
        show_stats(Terminal(), figures, state=path)
        return EXIT_OK

    _run_study(session, reads_answers=False)
