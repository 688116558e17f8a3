"""A study session that knows no terminal: plan -> next card -> submit -> verdict -> rate -> persist.

A front end (the terminal today, a web page tomorrow) asks the session for the next
card, shows it, submits what the student typed, shows the verdict, passes on any
claim ("easy", "I was right") and asks for the next card. The session grades, keeps
the score, and in a review schedules each card with FSRS and saves it at once. The
clock and the store are injected, so tests travel in time on a store in memory.

A response holding bytes that were not UTF-8 (read with ``surrogateescape``) is
graded wrong and, in a review, never recorded: the card keeps its schedule.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Literal

from ..bank.model import Bank, Question
from ..bank.select import Criteria, select
from .grading import Layout, grade, make_layout, right_answer_text
from .scheduling import Claim, Rating, make_scheduler, rating_for, schedule
from .store import LEARNING, RELEARNING, CardRecord, ReviewStore
from .verdict import Verdict

if TYPE_CHECKING:
    from fsrs import Scheduler

Clock = Callable[[], datetime]
Stop = Literal["eof", "interrupt"]

EXIT_OK = 0
EXIT_INTERRUPTED = 130

_UNDECODED = re.compile("[\udc80-\udcff]")  # bytes that were not UTF-8, kept by surrogateescape


def utc_now() -> datetime:
    """The real clock: now, as an aware UTC datetime."""
    return datetime.now(timezone.utc)


def readable(responses: Sequence[str]) -> bool:
    """Whether every response was read as text (no bytes that were not UTF-8)."""
    return not any(_UNDECODED.search(line) for line in responses)


@dataclass(frozen=True)
class Card:
    """One question to ask: its bank, the order its choices are shown in, and in a
    review its stored state (None when new)."""

    question: Question
    bank: Bank
    layout: Layout = field(default_factory=Layout)
    record: CardRecord | None = None

    @property
    def is_new(self) -> bool:
        """Never reviewed before."""
        return self.record is None


@dataclass(frozen=True)
class Answer:
    """A card answered: its verdict, any claim, and in a review how it was rated."""

    card: Card
    verdict: Verdict
    round: int = 0
    overridden: bool = False
    rating: Rating | None = None
    due: datetime | None = None
    recorded: bool = False
    readable: bool = True

    @property
    def counted_right(self) -> bool:
        """Right (a typo included), or claimed right by the student."""
        return self.verdict.is_right or self.overridden

    @property
    def points(self) -> float:
        """The points earned: all of the question's when counted right, else its part
        credit's share (none without part credit)."""
        share = 1.0 if self.overridden else self.verdict.credit
        return share * self.card.question.points


class SessionError(RuntimeError):
    """A front end called the session out of turn (a bug in the front end)."""


class Session:
    """The steps every study mode shares; :class:`QuizSession` and
    :class:`ReviewSession` decide what a rating does."""

    def __init__(self, cards: Sequence[Card], *, clock: Clock = utc_now):
        self.planned = len(cards)
        self.clock = clock
        self.round = 0
        self.number = 0  # the current card's position in its round, from 1 (first showings)
        self.total = len(cards)  # the cards in the current round
        self.answers: list[Answer] = []  # the first answer to each card
        self.stopped: Stop | None = None
        self._queue = list(cards)
        self._current: Card | None = None
        self._verdict: Verdict | None = None
        self._readable = True
        self._shown_at: datetime | None = None
        self._submitted_at: datetime | None = None
        self._card_round = 0  # 0: the card's first showing in this session

    @property
    def response_readable(self) -> bool:
        """Whether the last responses submitted were text (see :func:`readable`)."""
        return self._readable

    @property
    def current_round(self) -> int:
        """0 when the current card is shown for the first time in this session."""
        return self._card_round

    @property
    def current(self) -> Card | None:
        """The card being asked, if any."""
        return self._current

    def next(self) -> Card | None:
        """The next card to ask, or None when the session is over."""
        if self._verdict is not None:
            raise SessionError("rate the card answered before asking the next")
        self._current = None
        if self.stopped is not None:
            return None
        card = self._take()
        if card is None:
            return None
        self._current = card
        self._shown_at = self.clock()
        return self._current

    def _take(self) -> Card | None:
        """The card to ask next (and the round it belongs to), or None at the end."""
        if not self._queue:
            self._queue = self._next_round()
            if not self._queue:
                return None
            self.round += 1
            self.number, self.total = 0, len(self._queue)
        self._card_round = self.round
        self.number += 1
        return self._queue.pop(0)

    def _next_round(self) -> list[Card]:
        return []

    def submit(self, responses: Sequence[str]) -> Verdict:
        """Grade the current card's responses (one per gap or item where it asks several)."""
        card = self._current
        if card is None or self._verdict is not None:
            raise SessionError("submit once per card, after next()")
        self._submitted_at = self.clock()
        self._readable = readable(responses)
        if self._readable:
            self._verdict = grade(card.question, responses, card.layout)
        else:
            canonical = right_answer_text(card.question, card.layout)
            self._verdict = Verdict("wrong", canonical, note="not UTF-8 text")
        return self._verdict

    def rate(self, claim: Claim | None = None) -> Answer:
        """Close the current card, with the student's claim if any; returns the answer."""
        card, verdict = self._current, self._verdict
        if card is None or verdict is None:
            raise SessionError("rate a card after submitting its responses")
        first = Answer(card, verdict, self._card_round, readable=self._readable)
        answer = self._rate(first, claim)
        self._verdict = None
        if answer.round == 0 and (answer.readable or not self._skips_unreadable):
            self.answers.append(answer)
        return answer

    _skips_unreadable = False

    def _rate(self, answer: Answer, claim: Claim | None) -> Answer:
        raise NotImplementedError

    def stop(self, reason: Stop) -> None:
        """End the session early (the end of input, or an interrupt)."""
        self.stopped = reason
        self._current, self._verdict = None, None

    @property
    def right(self) -> int:
        """First answers counted right."""
        return sum(1 for a in self.answers if a.counted_right)

    @property
    def points(self) -> float:
        """Points earned by the first answers (part credit included)."""
        return sum(a.points for a in self.answers)

    @property
    def points_possible(self) -> float:
        """Points the first answers' questions are worth."""
        return sum(a.card.question.points for a in self.answers)

    @property
    def exit_code(self) -> int:
        """0, or 130 after an interrupt."""
        return EXIT_INTERRUPTED if self.stopped == "interrupt" else EXIT_OK

    def _duration_ms(self) -> int | None:
        if self._shown_at is None or self._submitted_at is None:
            return None
        return max(0, int((self._submitted_at - self._shown_at).total_seconds() * 1000))


# ------------------------------------------------------------------------ quiz


def plan_quiz(
    banks: Sequence[Bank],
    criteria: Criteria | None = None,
    *,
    count: int | None = None,
    seed: object | None = None,
    shuffle: bool = True,
) -> list[Card]:
    """The questions to ask, in order, with their layouts.

    Without ``shuffle`` the bank order of questions and choices is kept. With it,
    both are shuffled, reproducibly when ``seed`` is given.
    """
    if shuffle and seed is None:
        seed = random.SystemRandom().randrange(1 << 32)
    bank_of = {id(q): bank for bank in banks for q in bank.questions}
    chosen = select(list(banks), criteria, count=count, seed=seed, shuffle=shuffle)
    layout_seed = seed if shuffle else None
    return [Card(q, bank_of[id(q)], make_layout(q, layout_seed)) for q in chosen]


class QuizSession(Session):
    """Each card once; with ``retry_wrong`` the missed ones again, round after round,
    until each is answered right. Nothing is saved."""

    def __init__(self, cards: Sequence[Card], *, retry_wrong: bool = False, clock: Clock = utc_now):
        super().__init__(cards, clock=clock)
        self.retry_wrong = retry_wrong
        self.retries: list[Answer] = []
        self._missed: list[Card] = []

    def _rate(self, answer: Answer, claim: Claim | None) -> Answer:
        if claim == "was_right" and not answer.verdict.is_right:
            answer = replace(answer, overridden=True)
        if self.round:
            self.retries.append(answer)
        if not answer.counted_right:
            self._missed.append(answer.card)
        return answer

    def _next_round(self) -> list[Card]:
        missed, self._missed = self._missed, []
        return missed if self.retry_wrong else []

    @property
    def missed(self) -> list[Answer]:
        """First answers not counted right."""
        return [a for a in self.answers if not a.counted_right]


# ---------------------------------------------------------------------- review

DEFAULT_NEW = 10

#: Learning cards due within this time of the end of the queue come back in the same
#: session, as Anki's "learn ahead limit" (20 minutes there too).
LEARN_AHEAD = timedelta(minutes=20)


def start_of_day(now: datetime) -> datetime:
    """The first moment of ``now``'s local day, in UTC (``now`` itself where local time
    cannot be had, near the year 9999)."""
    try:
        local = now.astimezone()
        return local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(timezone.utc)
    except (OverflowError, ValueError):
        return now


def new_left_today(
    banks: Sequence[Bank], store: ReviewStore, now: datetime, new: int = DEFAULT_NEW
) -> int:
    """How many new cards may still be introduced today: ``new`` a day across ``banks``,
    less the cards of those banks first reviewed since the start of the local day."""
    started = store.new_cards_since([bank.id for bank in banks], start_of_day(now))
    return max(0, new - started)


def plan_review(
    banks: Sequence[Bank],
    store: ReviewStore,
    now: datetime,
    *,
    new: int = DEFAULT_NEW,
    limit: int | None = None,
    seed: object | None = None,
    criteria: Criteria | None = None,
) -> list[Card]:
    """The cards due now (most overdue first), then new ones in bank order, up to
    ``new`` a day (see :func:`new_left_today`), then the learning cards due within
    :data:`LEARN_AHEAD`, capped at ``limit``. Only questions ``criteria`` selects;
    other cards not yet due and removed questions are left out."""
    if seed is None:
        seed = random.SystemRandom().randrange(1 << 32)
    criteria = criteria or Criteria()
    due: list[Card] = []
    fresh: list[Card] = []
    ahead: list[Card] = []  # learning cards due within the learn-ahead limit: asked last
    for bank in banks:
        stored = store.cards(bank.id)
        for question in bank.questions:
            if not criteria.matches(question):
                continue
            record = stored.get(question.id)
            layout = make_layout(question, seed)
            if record is None:
                fresh.append(Card(question, bank, layout))
            elif record.due <= now:
                due.append(Card(question, bank, layout, record))
            elif record.state in (LEARNING, RELEARNING) and record.due - now <= LEARN_AHEAD:
                ahead.append(Card(question, bank, layout, record))
    due.sort(key=_due_of)
    ahead.sort(key=_due_of)
    queue = due + fresh[: new_left_today(banks, store, now, new)] + ahead
    return queue if limit is None else queue[: max(limit, 0)]


class ReviewSession(Session):
    """Due cards, then new ones; each answer rated, scheduled and saved as it is given.

    A card still learning (or relearning) whose next step falls due within
    :data:`LEARN_AHEAD` of its answer comes back in the same session: as soon as it is
    due, or, once nothing else is left, ahead of time (Anki's learn-ahead limit).
    """

    _skips_unreadable = True

    def __init__(
        self,
        cards: Sequence[Card],
        store: ReviewStore,
        *,
        scheduler: Scheduler | None = None,
        clock: Clock = utc_now,
    ):
        super().__init__(cards, clock=clock)
        self.store = store
        self.scheduler = scheduler or make_scheduler()
        self.new_planned = sum(1 for card in cards if card.is_new)
        self.learn_ahead = LEARN_AHEAD
        self.repeats: list[Answer] = []  # answers to cards shown again in this session
        self._learning: list[Card] = []  # cards coming back, each with its new state

    def _take(self) -> Card | None:
        self._learning.sort(key=_due_of)
        now = self.clock()
        if self._learning and (
            _due_of(self._learning[0]) <= now
            or (not self._queue and _due_of(self._learning[0]) - now <= self.learn_ahead)
        ):
            card: Card | None = self._learning.pop(0)
            self._card_round = 1
        elif self._queue:
            card = self._queue.pop(0)
            self._card_round = 0
            self.number += 1  # counts first showings: "Card 3/10"; repeats are not numbered
        else:
            return None
        return card

    @property
    def coming_back(self) -> int:
        """Cards that will be asked again in this session (learning steps)."""
        return len(self._learning)

    def _rate(self, answer: Answer, claim: Claim | None) -> Answer:
        if not answer.readable:
            return answer  # a lossy answer is never recorded: the card keeps its schedule
        card = answer.card
        rating = rating_for(answer.verdict, claim)
        when = self.clock()
        state = schedule(self.scheduler, card.record, rating, when)
        overridden = claim == "was_right" and not answer.verdict.is_right
        self.store.record(
            card.bank.id,
            card.question.id,
            state,
            rating=int(rating),
            outcome="overridden" if overridden else answer.verdict.outcome,
            reviewed_at=when,
            duration_ms=self._duration_ms(),
        )
        soon = timedelta(0) < state.due - when <= self.learn_ahead  # not at the end of time
        if state.state in (LEARNING, RELEARNING) and soon:
            record = CardRecord(
                card.record.id if card.record else 0,
                card.bank.id,
                card.question.id,
                state.state,
                state.step,
                state.stability,
                state.difficulty,
                state.due,
                state.last_review,
            )
            self._learning.append(replace(card, record=record))
        answer = replace(answer, overridden=overridden, rating=rating, due=state.due, recorded=True)
        if answer.round:
            self.repeats.append(answer)
        return answer

    @property
    def due_planned(self) -> int:
        """Planned cards that were studied before."""
        return self.planned - self.new_planned


def _due_of(card: Card) -> datetime:
    return card.record.due if card.record else datetime.min.replace(tzinfo=timezone.utc)


def next_due(
    banks: Sequence[Bank], store: ReviewStore, criteria: Criteria | None = None
) -> datetime | None:
    """When the earliest card of the banks' present (and selected) questions falls due."""
    criteria = criteria or Criteria()
    earliest: datetime | None = None
    for bank in banks:
        present = {q.id for q in bank.questions if criteria.matches(q)}
        for record in store.cards(bank.id).values():
            if record.question_id in present and (earliest is None or record.due < earliest):
                earliest = record.due
    return earliest


def new_count(banks: Sequence[Bank], store: ReviewStore, criteria: Criteria | None = None) -> int:
    """Selected questions that have never been reviewed."""
    criteria = criteria or Criteria()
    count = 0
    for bank in banks:
        stored = store.cards(bank.id)
        count += sum(1 for q in bank.questions if q.id not in stored and criteria.matches(q))
    return count
