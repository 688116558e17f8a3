"""The terminal review: one front end of a :class:`~.session.ReviewSession`.

Due cards, then new ones (so many a day), then the learning cards that fall due within
the learn-ahead limit; after each verdict the student may press ``g`` (Good, after a
forgiven typo), ``e`` (Easy) or ``r`` (I was right), and the session saves the answer
before the next card.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from ..bank.model import Bank
from ..bank.select import Criteria
from ..questions import default_title
from .scheduling import Claim
from .session import (
    DEFAULT_NEW,
    Answer,
    Card,
    Clock,
    ReviewSession,
    new_count,
    new_left_today,
    next_due,
    plan_review,
    utc_now,
)
from .store import ReviewStore, local_time
from .terminal import EASY_KEY, OVERRIDE_KEY, EndOfInput, Terminal, percent, plural, safe
from .verdict import Verdict

if TYPE_CHECKING:
    from fsrs import Scheduler


def describe_due(due: datetime, now: datetime) -> str:
    """``now``, ``in 10 minutes``, ``in 5 hours (at 18:40)``, ``in 3 days (Thu 26 Nov)``."""
    seconds = (due - now).total_seconds()
    local = local_time(due)
    if seconds <= 30:
        return "now"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"in {plural(minutes, 'minute')} (at {local:%H:%M})"
    hours = round(seconds / 3600)
    if hours < 24:
        return f"in {plural(hours, 'hour')} (at {local:%H:%M})"
    days = round(seconds / 86400)
    return f"in {plural(days, 'day')} ({local:%a %d %b})"


GOOD_KEY = "g"  # after a forgiven typo (rated Hard): rate it Good after all


def _claim(terminal: Terminal, verdict: Verdict) -> Claim | None:
    """The student's choice after a verdict: Enter keeps the rating shown; only the keys
    offered count, so a stray or reflexive key never decides."""
    if verdict.outcome == "typo":
        key = terminal.read_key(
            terminal.style(f"Enter: Hard · {GOOD_KEY}: Good · {EASY_KEY}: Easy", "dim"),
            GOOD_KEY + EASY_KEY,
            only=True,
        )
        return "good" if key == GOOD_KEY else "easy" if key == EASY_KEY else None
    if verdict.is_right:
        key = terminal.read_key(
            terminal.style(f"Enter: Good · {EASY_KEY}: Easy", "dim"), EASY_KEY, only=True
        )
        return "easy" if key == EASY_KEY else None
    key = terminal.read_key(
        terminal.style(f"Enter: Again · {OVERRIDE_KEY}: I was right", "dim"),
        OVERRIDE_KEY,
        only=True,
    )
    return "was_right" if key == OVERRIDE_KEY else None


def review_card(terminal: Terminal, session: ReviewSession, card: Card) -> Answer:
    """Ask one card, show the verdict, read any claim, and say when the card comes back."""
    again = session.current_round > 0  # a learning card back within the session
    terminal.show_question(
        card.question,
        card.layout,
        0 if again else session.number,
        0 if again else session.total,
        label="Again" if again else "Card",
        note="new" if card.is_new else None,
    )
    verdict = session.submit(terminal.ask(card.question, card.layout))
    terminal.show_verdict(verdict, question=card.question)
    terminal.show_explanation(card.question, card.bank)
    claim = None
    if terminal.interactive and session.response_readable:
        claim = _claim(terminal, verdict)
    if claim == "was_right":
        terminal.show_verdict(verdict, overridden=True)
    answer = session.rate(claim)
    if not answer.recorded:
        terminal.write(terminal.style("  Not recorded: the answer was not UTF-8 text.", "yellow"))
    elif answer.rating is not None and answer.due is not None:
        next_time = describe_due(answer.due, session.clock())
        terminal.write(terminal.style(f"  {answer.rating.name}: next review {next_time}.", "dim"))
    return answer


def run_review(
    terminal: Terminal,
    banks: Sequence[Bank],
    store: ReviewStore,
    *,
    new: int = DEFAULT_NEW,
    limit: int | None = None,
    clock: Clock = utc_now,
    scheduler: Scheduler | None = None,
    seed: object | None = None,
    criteria: Criteria | None = None,
) -> ReviewSession:
    """A review session: due cards, then new ones (``new`` a day), learning cards again
    within the session; each answer saved as it is given."""
    cards = plan_review(banks, store, clock(), new=new, limit=limit, seed=seed, criteria=criteria)
    session = ReviewSession(cards, store, scheduler=scheduler, clock=clock)
    titles = safe(default_title([bank.title for bank in banks]))
    if not cards:
        terminal.write(terminal.style(terminal.fill(f"Review: {titles}"), "bold"))
        terminal.write("Nothing to review now.")
        _show_next(terminal, banks, store, clock(), criteria, new)
        return session
    heading = f"Review: {titles} ({session.due_planned} due, {session.new_planned} new)"
    terminal.write(terminal.style(terminal.fill(heading), "bold"))
    if terminal.interactive:
        terminal.write(terminal.style("Ctrl-D stops; every answer is saved as you go.", "dim"))
    try:
        while (card := session.next()) is not None:
            review_card(terminal, session, card)
    except EndOfInput:
        session.stop("eof")
    except KeyboardInterrupt:
        session.stop("interrupt")
        terminal.write()
    answered = len(session.answers)
    terminal.write()
    terminal.write(terminal.style("Summary", "bold"))
    if session.stopped and not answered:
        terminal.write("Stopped before the first answer: nothing recorded.")
    else:
        if session.stopped and answered < session.planned:
            terminal.write(f"Stopped after {answered} of {plural(session.planned, 'card')}.")
        terminal.write(
            terminal.style(
                f"Reviewed: {session.right}/{answered} right ({percent(session.right, answered)})",
                "bold",
            )
        )
        if session.repeats:
            again = sum(1 for a in session.repeats if a.counted_right)
            terminal.write(
                f"Asked again while learning: {plural(len(session.repeats), 'time')},"
                f" {again} right."
            )
    _show_next(terminal, banks, store, clock(), criteria, new)
    return session


def _show_next(
    terminal: Terminal,
    banks: Sequence[Bank],
    store: ReviewStore,
    now: datetime,
    criteria: Criteria | None,
    new: int,
) -> None:
    earliest = next_due(banks, store, criteria)
    waiting = new_count(banks, store, criteria)
    if earliest is not None:
        terminal.write(f"Next card due {describe_due(earliest, now)}.")
    if waiting:
        left = new_left_today(banks, store, now, new)
        today = f" (today's {plural(new, 'new card')} are done)" if new and not left else ""
        terminal.write(f"{plural(waiting, 'new card')} not yet studied{today}.")
    if earliest is None and not waiting:
        terminal.write("No cards in these banks.")
