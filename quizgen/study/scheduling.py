"""FSRS scheduling: a verdict becomes a rating, a rating and a card's state a new state.

``fsrs`` is imported only when a card is scheduled. The scheduler works on any
date the computer can hold: when a clock near the year 9999 would push a due date
past it, the due date stops at :data:`LATEST`.
"""

from __future__ import annotations

import enum
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Literal

from .store import CardRecord, CardState
from .verdict import Verdict

if TYPE_CHECKING:
    from fsrs import Card, Scheduler

# What the student may say after a verdict: "that was easy", "rate it Good" (after a
# forgiven typo, rated Hard otherwise), or "I was right".
Claim = Literal["easy", "good", "was_right"]

LATEST = datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone.utc)


class Rating(enum.IntEnum):
    """FSRS ratings, numbered as the fsrs package and the review table number them."""

    Again = 1
    Hard = 2
    Good = 3
    Easy = 4


def rating_for(verdict: Verdict, claim: Claim | None = None) -> Rating:
    """Wrong: Again; right with a typo: Hard; right: Good. ``easy`` makes a right answer
    Easy, ``good`` Good; ``was_right`` ("I was right") makes a wrong one Good."""
    if not verdict.is_right:
        return Rating.Good if claim == "was_right" else Rating.Again
    if claim == "easy":
        return Rating.Easy
    if claim == "good":
        return Rating.Good
    return Rating.Hard if verdict.outcome == "typo" else Rating.Good


def make_scheduler(*, fuzz: bool = True) -> Scheduler:
    """FSRS with its default parameters (90% desired retention)."""
    from fsrs import Scheduler

    return Scheduler(enable_fuzzing=fuzz)


def to_card(record: CardRecord | CardState | None, now: datetime) -> Card:
    """The fsrs card for a stored state, or a fresh one due now."""
    from fsrs import Card, State

    if record is None:
        return Card(card_id=0, state=State.Learning, due=now)
    return Card(
        card_id=record.id if isinstance(record, CardRecord) else 0,
        state=State(record.state),
        step=record.step,
        stability=record.stability,
        difficulty=record.difficulty,
        due=record.due,
        last_review=record.last_review,
    )


def _shift(state: CardState, by: timedelta) -> CardState:
    return CardState(
        state.state,
        state.step,
        state.stability,
        state.difficulty,
        LATEST if by > timedelta(0) and state.due > LATEST - by else state.due + by,
        state.last_review + by if state.last_review else None,
    )


def schedule(
    scheduler: Scheduler, record: CardRecord | None, rating: Rating, when: datetime
) -> CardState:
    """A card's state after a review rated ``rating`` at ``when``."""
    from fsrs import Rating as FsrsRating

    when = when.astimezone(timezone.utc)
    try:
        card, _log = scheduler.review_card(
            to_card(record, when), FsrsRating(int(rating)), review_datetime=when
        )
    except OverflowError:
        # FSRS depends only on the time between reviews: schedule a century earlier, then
        # move the result back, the due date stopping at the last moment a date can hold.
        back = timedelta(days=scheduler.maximum_interval + 366)
        earlier = None if record is None else _shift(_state(to_card(record, when)), -back)
        card, _log = scheduler.review_card(
            to_card(earlier, when - back), FsrsRating(int(rating)), review_datetime=when - back
        )
        return _shift(_state(card), back)
    return _state(card)


def _state(card: Card) -> CardState:
    return CardState(
        int(card.state), card.step, card.stability, card.difficulty, card.due, card.last_review
    )
