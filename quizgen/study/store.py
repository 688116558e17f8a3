"""Review state: a SQLite file that never loses an answer and is never half-used.

Every question has a card state, keyed by (bank id, question id), so editing a
prompt keeps its schedule and a question removed from the bank keeps its history
(it is simply no longer asked). Each answer is committed in its own transaction
(write-ahead log, ``synchronous=FULL``): a kill at any moment loses at most the
answer being typed, and the file is never corrupt.

Before the first card, a store opened for writing has checked that the file is
quizgen's, that every row is as quizgen writes it, that the file and its folder can
be written, and holds an exclusive lock on it, so a second review of the same file
is refused rather than overwriting the first one's schedule. A store opened
read-only (``create=False``, for ``stats``) never creates, locks or changes anything.
``sqlite3`` is imported only when a store is opened.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import Location, QuizgenError

if TYPE_CHECKING:
    import sqlite3

SCHEMA_VERSION = 1
STATE_FILE_NAME = "review.sqlite3"

# States as the fsrs package numbers them (fsrs.State), kept here so stats need no fsrs.
LEARNING, REVIEW, RELEARNING = 1, 2, 3

_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
_TIME_GLOB = "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9][0-9][0-9][0-9]Z"

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
_CARD_COLUMNS = "id, bank_id, question_id, state, step, stability, difficulty, due, last_review"
_REVIEW_COLUMNS = "id, bank_id, question_id, reviewed_at, rating, outcome, duration_ms, due_after"


def _timestamp(column: str, *, nullable: bool = False) -> str:
    text = f"(typeof({column}) = 'text' AND {column} GLOB '{_TIME_GLOB}')"
    return f"({column} IS NULL OR {text})" if nullable else text


def _number(column: str) -> str:
    return f"({column} IS NULL OR typeof({column}) IN ('integer', 'real'))"


# Per table, (column, what quizgen writes there) as SQL: a row failing one is not quizgen's.
_ROW_RULES: dict[str, tuple[tuple[str, str], ...]] = {
    "cards": (
        ("bank_id", "typeof(bank_id) = 'text'"),
        ("question_id", "typeof(question_id) = 'text'"),
        ("state", "typeof(state) = 'integer' AND state IN (1, 2, 3)"),
        ("step", "(step IS NULL OR (typeof(step) = 'integer' AND step >= 0))"),
        ("stability", f"{_number('stability')} AND (stability IS NULL OR stability > 0)"),
        ("difficulty", f"{_number('difficulty')} AND (difficulty IS NULL OR difficulty > 0)"),
        ("stability", "state = 1 OR (stability IS NOT NULL AND difficulty IS NOT NULL)"),
        ("due", _timestamp("due")),
        ("last_review", _timestamp("last_review", nullable=True)),
    ),
    "reviews": (
        ("bank_id", "typeof(bank_id) = 'text'"),
        ("question_id", "typeof(question_id) = 'text'"),
        ("reviewed_at", _timestamp("reviewed_at")),
        ("rating", "typeof(rating) = 'integer' AND rating BETWEEN 1 AND 4"),
        ("outcome", "typeof(outcome) = 'text'"),
        ("due_after", _timestamp("due_after")),
    ),
}


def to_text(moment: datetime) -> str:
    """A UTC timestamp as stored: fixed width, so text order is time order."""
    return moment.astimezone(timezone.utc).strftime(_TIME_FORMAT)


def from_text(text: str) -> datetime:
    """A stored timestamp as an aware UTC datetime (ValueError if it is not one)."""
    return datetime.strptime(text, _TIME_FORMAT).replace(tzinfo=timezone.utc)


def local_time(moment: datetime) -> datetime:
    """``moment`` in local time, or as it is where local time would be past year 9999."""
    try:
        return moment.astimezone()
    except (OverflowError, ValueError):
        return moment


def default_state_path() -> Path:
    """The review state in the user's data folder (``$XDG_DATA_HOME/quizgen`` on Linux)."""
    import platformdirs

    return platformdirs.user_data_path("quizgen") / STATE_FILE_NAME


@dataclass(frozen=True)
class CardState:
    """What the scheduler knows of a card (fsrs.Card without its id)."""

    state: int
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime
    last_review: datetime | None


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
        """Open the state file; ``path`` None means in memory.

        With ``create`` (a review): make the file if missing, refuse one that cannot
        be written, and lock it against a second review. Without (stats): read only;
        a missing file reads as empty and is not made.
        """
        import sqlite3

        self.path = path
        self.writable = create
        self._lock_fd: int | None = None
        try:
            if path is None or (not create and not path.exists()):
                target, uri = ":memory:", False
            elif create:
                self._prepare_for_writing(path)
                target, uri = str(path), False
            else:
                target, uri = self._read_only_uri(path), True
            self.db: sqlite3.Connection = sqlite3.connect(
                target, timeout=5.0, isolation_level=None, uri=uri
            )
        except (sqlite3.Error, OSError) as exc:
            self._unlock()
            raise self._error(f"cannot be used as review state: {exc}") from None
        try:
            self._open(in_memory=target == ":memory:")
        except QuizgenError:
            self.close()
            raise
        except (sqlite3.Error, OSError) as exc:
            self.close()
            raise self._error(f"cannot be used as review state: {exc}") from None

    # ------------------------------------------------------------------ opening

    def _prepare_for_writing(self, path: Path) -> None:
        """Refuse what cannot be written before SQLite touches it; then take the lock."""
        folder = path.parent
        if path.exists() and not path.is_file():
            raise self._error("cannot be used as review state: it is not a regular file")
        folder.mkdir(parents=True, exist_ok=True)
        if path.exists() and not os.access(path, os.W_OK):
            raise self._error(
                "cannot be used as review state: the file is read-only (answers could not be saved)"
            )
        if not os.access(folder, os.W_OK | os.X_OK):
            raise self._error(
                f"cannot be used as review state: its folder {folder} is read-only"
                " (SQLite keeps its write-ahead log beside the file)"
            )
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
        try:
            import fcntl
        except ImportError:  # no advisory locks (Windows): SQLite's own locking still applies
            os.close(fd)
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise self._error(
                "is in use: a review is already running on this file; finish it first"
            ) from None
        self._lock_fd = fd

    def _read_only_uri(self, path: Path) -> str:
        """A read-only URI. ``immutable`` when nothing could write the file anyway, so
        that SQLite creates no -wal or -shm file beside it."""
        from urllib.parse import quote

        base = "file:" + quote(str(path.resolve()))
        unwritable = not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK)
        no_log = not Path(f"{path}-wal").exists()
        return base + ("?mode=ro&immutable=1" if unwritable and no_log else "?mode=ro")

    def _open(self, *, in_memory: bool) -> None:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise self._error("was written by a newer quizgen")
        if version == 0 and self.db.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0]:
            raise self._error("is an SQLite file of some other program, not quizgen review state")
        if version == SCHEMA_VERSION:
            self._check_rows()
        if not self.writable and not in_memory:
            if version:
                return  # read only: never a change to the file, not even the schema
            import sqlite3  # an empty file reads as no state, from a schema in memory

            self.db.close()
            self.db = sqlite3.connect(":memory:", isolation_level=None)
            in_memory = True
        if not in_memory:  # only once the file is known to be ours
            self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        if version < SCHEMA_VERSION:
            with self.transaction():
                for statement in _SCHEMA:
                    self.db.execute(statement)
                self.db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    def _check_rows(self) -> None:
        """Refuse a file whose tables or rows are not as quizgen writes them."""
        for table, columns in (("cards", _CARD_COLUMNS), ("reviews", _REVIEW_COLUMNS)):
            self.db.execute(f"SELECT {columns} FROM {table} LIMIT 0")
            for column, rule in _ROW_RULES[table]:
                row = self.db.execute(
                    f"SELECT id, bank_id, question_id, {column} FROM {table}"
                    f" WHERE NOT ({rule}) LIMIT 1"
                ).fetchone()
                if row is not None:
                    raise self._bad_row(table, row[0], f"{row[1]}/{row[2]}", column, row[3])

    def _bad_row(
        self, table: str, row: object, card: str, column: str, value: object
    ) -> QuizgenError:
        shown = repr(value if not isinstance(value, str) or len(value) < 60 else value[:57] + "...")
        return self._error(
            f"cannot be used as review state: {table} row {row} ({card}) has {column} = {shown},"
            " which quizgen never writes (was the file edited by hand?); nothing was changed"
        )

    def _error(self, message: str) -> QuizgenError:
        name = str(self.path) if self.path else ":memory:"
        return QuizgenError(f"{name} {message}", location=Location(name))

    # ------------------------------------------------------------------ closing

    def _unlock(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # closing the descriptor releases the lock
            self._lock_fd = None

    def close(self) -> None:
        """Close the file and release the lock."""
        import sqlite3

        db = getattr(self, "db", None)
        if db is not None:
            if self.writable and self.path is not None:
                # At rest in rollback mode, so a read-only reader (stats) creates no -wal/-shm.
                with contextlib.suppress(sqlite3.Error):
                    db.execute("PRAGMA journal_mode=DELETE")
            db.close()
        self._unlock()

    def __enter__(self) -> ReviewStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ reading

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

    def _rows(self, query: str, args: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        import sqlite3

        try:
            return self.db.execute(query, args).fetchall()
        except sqlite3.Error as exc:
            raise self._error(f"cannot be read: {exc}") from None

    def cards(self, bank_id: str) -> dict[str, CardRecord]:
        """The stored cards of a bank, by question id (removed questions included)."""
        rows = self._rows(f"SELECT {_CARD_COLUMNS} FROM cards WHERE bank_id = ?", (bank_id,))
        out: dict[str, CardRecord] = {}
        for row in rows:
            try:
                due = from_text(row[7])
                last = from_text(row[8]) if row[8] else None
            except ValueError:
                raise self._bad_row("cards", row[0], f"{row[1]}/{row[2]}", "due", row[7]) from None
            out[row[2]] = CardRecord(
                row[0], row[1], row[2], row[3], row[4], row[5], row[6], due, last
            )
        return out

    def reviews(self, bank_id: str, since: datetime | None = None) -> list[ReviewRecord]:
        """A bank's reviews, oldest first, optionally only those at or after ``since``."""
        query = (
            "SELECT id, bank_id, question_id, reviewed_at, rating, outcome FROM reviews"
            " WHERE bank_id = ?"
        )
        args: tuple[Any, ...] = (bank_id,)
        if since is not None:
            query += " AND reviewed_at >= ?"
            args += (to_text(since),)
        out = []
        for row in self._rows(query + " ORDER BY reviewed_at, id", args):
            try:
                when = from_text(row[3])
            except ValueError:
                raise self._bad_row(
                    "reviews", row[0], f"{row[1]}/{row[2]}", "reviewed_at", row[3]
                ) from None
            out.append(ReviewRecord(row[1], row[2], when, row[4], row[5]))
        return out

    def new_cards_since(self, bank_ids: list[str], since: datetime) -> int:
        """Cards of these banks whose first review was at or after ``since``."""
        if not bank_ids:
            return 0
        marks = ", ".join("?" for _ in bank_ids)
        rows = self._rows(
            "SELECT COUNT(*) FROM (SELECT MIN(reviewed_at) AS first FROM reviews"
            f" WHERE bank_id IN ({marks}) GROUP BY bank_id, question_id) WHERE first >= ?",
            (*bank_ids, to_text(since)),
        )
        return int(rows[0][0])

    # ------------------------------------------------------------------ writing

    def record(
        self,
        bank_id: str,
        question_id: str,
        card: CardState,
        *,
        rating: int,
        outcome: str,
        reviewed_at: datetime,
        duration_ms: int | None = None,
    ) -> None:
        """Save a card's new state and the review that led to it, in one transaction."""
        import sqlite3

        if not self.writable:
            raise self._error("was opened read-only")
        values = (
            card.state,
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
