"""Spaced repetition: FSRS scheduling over a SQLite file that never loses an answer.

Every question has a card state, keyed by (bank id, question id), so editing a
prompt keeps its schedule and a question removed from the bank keeps its history
(it is simply no longer asked). Each answer is committed in its own transaction
(write-ahead log, ``synchronous=FULL``): a kill at any moment loses at most the
answer being typed, and the file is never corrupt.

The clock is injected (a function returning an aware UTC datetime), so tests can
travel in time. ``fsrs`` and ``sqlite3`` are imported only when a session runs.
"""

from __future__ import annotations

import contextlib
import random
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..bank.model import Bank, Question
from ..errors import Location, QuizgenError
from .grading import Layout, grade, make_layout
from .terminal import EndOfInput, Terminal, percent, plural, safe
from .verdict import Verdict

if TYPE_CHECKING:
    import sqlite3

    from fsrs import Card, Rating, Scheduler

Clock = Callable[[], datetime]

SCHEMA_VERSION = 1
STATE_FILE_NAME = "review.sqlite3"
DEFAULT_NEW = 10
EXIT_OK = 0
EXIT_INTERRUPTED = 130
EASY_KEY = "e"
OVERRIDE_KEY = "r"

# States as the fsrs package numbers them (fsrs.State), kept here so stats need no fsrs.
LEARNING, REVIEW, RELEARNING = 1, 2, 3

_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"

_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS cards (
        id INTEGER PRIMARY KEY,
        bank_id TEXT NOT NULL,
        question_id TEXT NOT NULL,
        state INTEGER NOT NULL,
        step INTEGER,
        stability REAL,
        difficulty REAL,
        due TEXT NOT NULL,
        last_review TEXT,
        UNIQUE (bank_id, question_id)
    )""",
    """CREATE TABLE IF NOT EXISTS reviews (
        id INTEGER PRIMARY KEY,
        bank_id TEXT NOT NULL,
        question_id TEXT NOT NULL,
        reviewed_at TEXT NOT NULL,
        rating INTEGER NOT NULL,
        outcome TEXT NOT NULL,
        duration_ms INTEGER,
        due_after TEXT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS reviews_by_bank ON reviews (bank_id, reviewed_at)",
)


def utc_now() -> datetime:
    """The real clock: now, as an aware UTC datetime."""
    return datetime.now(timezone.utc)


def to_text(moment: datetime) -> str:
    """A UTC timestamp as stored: fixed width, so text order is time order."""
    return moment.astimezone(timezone.utc).strftime(_TIME_FORMAT)


def from_text(text: str) -> datetime:
    return datetime.strptime(text, _TIME_FORMAT).replace(tzinfo=timezone.utc)


def default_state_path() -> Path:
    """The review state in the user's data folder (``$XDG_DATA_HOME/quizgen`` on Linux)."""
    import platformdirs

    return platformdirs.user_data_path("quizgen") / STATE_FILE_NAME


@dataclass(frozen=True)
class CardRecord:
    """A card's stored scheduling state."""

    id: int
    bank_id: str
    question_id: str
    state: int
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime
    last_review: datetime | None


@dataclass(frozen=True)
class ReviewRecord:
    """One answered review."""

    bank_id: str
    question_id: str
    reviewed_at: datetime
    rating: int
    outcome: str


class ReviewStore:
    """The SQLite file that holds every card's state and every review."""

    def __init__(self, path: Path | None, *, create: bool = True):
        """Open (and with ``create``, make) the state file; ``path`` None means in memory.

        Without ``create`` a missing file reads as empty and is not made.
        """
        import sqlite3

        self.path = path
        target = ":memory:" if path is None or (not create and not path.exists()) else str(path)
        try:
            if path is not None and create:
                path.parent.mkdir(parents=True, exist_ok=True)
            self.db: sqlite3.Connection = sqlite3.connect(target, timeout=5.0, isolation_level=None)
            version = self.db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise self._error("was written by a newer quizgen")
            if version == 0 and self.db.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0]:
                raise self._error(
                    "is an SQLite file of some other program, not quizgen review state"
                )
            if target != ":memory:":  # only once the file is known to be ours
                self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=FULL")
            if version < SCHEMA_VERSION:
                with self.transaction():
                    for statement in _SCHEMA:
                        self.db.execute(statement)
                    self.db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            self.db.execute("SELECT id, bank_id, question_id, state, due FROM cards LIMIT 1")
        except (sqlite3.Error, OSError) as exc:
            raise self._error(f"cannot be used as review state: {exc}") from None

    def _error(self, message: str) -> QuizgenError:
        name = str(self.path) if self.path else ":memory:"
        return QuizgenError(f"{name} {message}", location=Location(name))

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> ReviewStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, committed on success and rolled back otherwise."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def cards(self, bank_id: str) -> dict[str, CardRecord]:
        """The stored cards of a bank, by question id (removed questions included)."""
        rows = self.db.execute(
            "SELECT id, bank_id, question_id, state, step, stability, difficulty, due, last_review"
            " FROM cards WHERE bank_id = ?",
            (bank_id,),
        ).fetchall()
        return {
            row[2]: CardRecord(
                row[0],
                row[1],
                row[2],
                row[3],
                row[4],
                row[5],
                row[6],
                from_text(row[7]),
                from_text(row[8]) if row[8] else None,
            )
            for row in rows
        }

    def reviews(self, bank_id: str, since: datetime | None = None) -> list[ReviewRecord]:
        """A bank's reviews, oldest first, optionally only those at or after ``since``."""
        query = "SELECT bank_id, question_id, reviewed_at, rating, outcome FROM reviews WHERE bank_id = ?"
        args: tuple[Any, ...] = (bank_id,)
        if since is not None:
            query += " AND reviewed_at >= ?"
            args += (to_text(since),)
        rows = self.db.execute(query + " ORDER BY reviewed_at, id", args).fetchall()
        return [ReviewRecord(r[0], r[1], from_text(r[2]), r[3], r[4]) for r in rows]

    def record(
        self,
        bank_id: str,
        question_id: str,
        card: Card,
        *,
        rating: int,
        outcome: str,
        reviewed_at: datetime,
        duration_ms: int | None = None,
    ) -> None:
        """Save a card's new state and the review that led to it, in one transaction."""
        import sqlite3

        values = (
            int(card.state),
            card.step,
            card.stability,
            card.difficulty,
            to_text(card.due),
            to_text(card.last_review) if card.last_review else None,
        )
        try:
            with self.transaction() as db:
                db.execute(
                    "INSERT INTO cards (bank_id, question_id, state, step, stability, difficulty,"
                    " due, last_review) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT (bank_id, question_id) DO UPDATE SET state = excluded.state,"
                    " step = excluded.step, stability = excluded.stability,"
                    " difficulty = excluded.difficulty, due = excluded.due,"
                    " last_review = excluded.last_review",
                    (bank_id, question_id, *values),
                )
                db.execute(
                    "INSERT INTO reviews (bank_id, question_id, reviewed_at, rating, outcome,"
                    " duration_ms, due_after) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        bank_id,
                        question_id,
                        to_text(reviewed_at),
                        rating,
                        outcome,
                        duration_ms,
                        to_text(card.due),
                    ),
                )
        except sqlite3.Error as exc:
            raise self._error(f"could not save the answer: {exc}") from None


# --------------------------------------------------------------------- planning


@dataclass
class ReviewItem:
    """A card to review: its question, bank, stored state (None when new) and layout."""

    question: Question
    bank: Bank
    record: CardRecord | None
    layout: Layout = field(default_factory=Layout)

    @property
    def is_new(self) -> bool:
        return self.record is None


def plan_review(
    banks: Sequence[Bank],
    store: ReviewStore,
    now: datetime,
    *,
    new: int = DEFAULT_NEW,
    limit: int | None = None,
    seed: object | None = None,
) -> list[ReviewItem]:
    """The cards due now (most overdue first), then up to ``new`` new ones in bank
    order, capped at ``limit``. Cards not yet due and removed questions are left out."""
    if seed is None:
        seed = random.SystemRandom().randrange(1 << 32)
    due: list[ReviewItem] = []
    fresh: list[ReviewItem] = []
    for bank in banks:
        stored = store.cards(bank.id)
        for question in bank.questions:
            record = stored.get(question.id)
            layout = make_layout(question, seed)
            if record is None:
                fresh.append(ReviewItem(question, bank, None, layout))
            elif record.due <= now:
                due.append(ReviewItem(question, bank, record, layout))
    due.sort(key=lambda item: item.record.due if item.record else now)
    queue = due + fresh[: max(new, 0)]
    return queue if limit is None else queue[: max(limit, 0)]


def next_due(banks: Sequence[Bank], store: ReviewStore) -> datetime | None:
    """When the earliest card of the banks' present questions falls due."""
    earliest: datetime | None = None
    for bank in banks:
        present = {q.id for q in bank.questions}
        for record in store.cards(bank.id).values():
            if record.question_id in present and (earliest is None or record.due < earliest):
                earliest = record.due
    return earliest


def new_count(banks: Sequence[Bank], store: ReviewStore) -> int:
    """Questions that have never been reviewed."""
    count = 0
    for bank in banks:
        stored = store.cards(bank.id)
        count += sum(1 for q in bank.questions if q.id not in stored)
    return count


def describe_due(due: datetime, now: datetime) -> str:
    """``now``, ``in 10 minutes``, ``in 5 hours (at 18:40)``, ``in 3 days (Thu 26 Nov)``."""
    seconds = (due - now).total_seconds()
    local = due.astimezone()
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


# ---------------------------------------------------------------------- grading


def rating_for(verdict: Verdict, key: str | None = None) -> Rating:
    """Wrong: Again; right with a typo: Hard; right: Good. ``e`` makes a right answer
    Easy; ``r`` ("I was right") makes a wrong one Good."""
    from fsrs import Rating

    if not verdict.is_right:
        return Rating.Good if key == OVERRIDE_KEY else Rating.Again
    if key == EASY_KEY:
        return Rating.Easy
    return Rating.Hard if verdict.outcome == "typo" else Rating.Good


def to_card(record: CardRecord | None, now: datetime) -> Card:
    """The fsrs card for a stored state, or a fresh one due now."""
    from fsrs import Card, State

    if record is None:
        return Card(card_id=0, state=State.Learning, due=now)
    return Card(
        card_id=record.id,
        state=State(record.state),
        step=record.step,
        stability=record.stability,
        difficulty=record.difficulty,
        due=record.due,
        last_review=record.last_review,
    )


def make_scheduler(*, fuzz: bool = True) -> Scheduler:
    """FSRS with its default parameters (90% desired retention)."""
    from fsrs import Scheduler

    return Scheduler(enable_fuzzing=fuzz)


def review_card(
    store: ReviewStore,
    scheduler: Scheduler,
    item: ReviewItem,
    verdict: Verdict,
    when: datetime,
    *,
    key: str | None = None,
    duration_ms: int | None = None,
) -> Card:
    """Schedule one answered card and commit it; returns the card's new state."""
    rating = rating_for(verdict, key)
    card, _log = scheduler.review_card(
        to_card(item.record, when), rating, review_datetime=when.astimezone(timezone.utc)
    )
    outcome = "overridden" if key == OVERRIDE_KEY and not verdict.is_right else verdict.outcome
    store.record(
        item.bank.id,
        item.question.id,
        card,
        rating=int(rating),
        outcome=outcome,
        reviewed_at=when,
        duration_ms=duration_ms,
    )
    return card


# ---------------------------------------------------------------------- session


@dataclass
class ReviewResult:
    planned: int
    answered: int = 0
    right: int = 0
    stopped: str | None = None

    @property
    def exit_code(self) -> int:
        return EXIT_INTERRUPTED if self.stopped == "interrupt" else EXIT_OK


def _key_prompt(terminal: Terminal, verdict: Verdict) -> str:
    if verdict.is_right:
        default = "Hard" if verdict.outcome == "typo" else "Good"
        text = f"Enter: {default} · {EASY_KEY}: Easy"
        keys = EASY_KEY
    else:
        text = f"Enter: Again · {OVERRIDE_KEY}: I was right"
        keys = OVERRIDE_KEY
    return terminal.read_key(terminal.style(text, "dim"), keys)


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
) -> ReviewResult:
    """A review session: due cards, then new ones; each answer saved as it is given."""
    scheduler = scheduler or make_scheduler()
    queue = plan_review(banks, store, clock(), new=new, limit=limit, seed=seed)
    result = ReviewResult(planned=len(queue))
    due_count = sum(1 for item in queue if not item.is_new)
    titles = "; ".join(safe(bank.title) for bank in banks)
    if not queue:
        terminal.write(terminal.style(terminal.fill(f"Review: {titles}"), "bold"))
        terminal.write("Nothing to review now.")
        _show_next(terminal, banks, store, clock())
        return result
    heading = f"Review: {titles} ({due_count} due, {len(queue) - due_count} new)"
    terminal.write(terminal.style(terminal.fill(heading), "bold"))
    if terminal.interactive:
        terminal.write(terminal.style("Ctrl-D stops; every answer is saved as you go.", "dim"))
    try:
        for number, item in enumerate(queue, start=1):
            terminal.show_question(
                item.question,
                item.layout,
                number,
                len(queue),
                label="Card",
                note="new" if item.is_new else None,
            )
            started = time.monotonic()
            responses = terminal.ask(item.question, item.layout)
            duration = int((time.monotonic() - started) * 1000)
            verdict = grade(item.question, responses, item.layout)
            terminal.show_verdict(verdict)
            terminal.show_explanation(item.question, item.bank)
            key = _key_prompt(terminal, verdict) if terminal.interactive else None
            if key == OVERRIDE_KEY:
                terminal.show_verdict(verdict, overridden=True)
            when = clock()
            card = review_card(store, scheduler, item, verdict, when, key=key, duration_ms=duration)
            result.answered += 1
            if verdict.is_right or key == OVERRIDE_KEY:
                result.right += 1
            rating = rating_for(verdict, key).name
            next_time = describe_due(card.due, when)
            terminal.write(terminal.style(f"  {rating}: next review {next_time}.", "dim"))
    except EndOfInput:
        result.stopped = "eof"
    except KeyboardInterrupt:
        result.stopped = "interrupt"
        terminal.write()
    terminal.write()
    terminal.write(terminal.style("Summary", "bold"))
    if result.stopped and result.answered < result.planned:
        terminal.write(f"Stopped after {result.answered} of {plural(result.planned, 'card')}.")
    terminal.write(
        terminal.style(
            f"Reviewed: {result.right}/{result.answered} right "
            f"({percent(result.right, result.answered)})",
            "bold",
        )
    )
    _show_next(terminal, banks, store, clock())
    return result


def _show_next(
    terminal: Terminal, banks: Sequence[Bank], store: ReviewStore, now: datetime
) -> None:
    earliest = next_due(banks, store)
    waiting = new_count(banks, store)
    if earliest is not None:
        terminal.write(f"Next card due {describe_due(earliest, now)}.")
    if waiting:
        terminal.write(f"{plural(waiting, 'new card')} not yet studied.")
    if earliest is None and not waiting:
        terminal.write("No cards in these banks.")
