"""Study statistics per bank, read from the review state (never written)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from ..bank.model import Bank
from .store import LEARNING, RELEARNING, ReviewStore, local_time
from .terminal import Terminal, percent, plural, safe

RIGHT_OUTCOMES = ("right", "typo", "overridden")


@dataclass(frozen=True)
class BankStats:
    """Where a student stands with one bank.

    ``due_today`` counts studied cards due by the end of the local day (overdue
    included), ``due_week`` those due within the next seven days (today included);
    new cards are counted apart. Reviews count every review of the bank, including
    those of questions since removed from it.
    """

    bank_id: str
    title: str
    questions: int
    new: int
    learning: int
    due_today: int
    due_week: int
    reviews_30_days: int
    right_30_days: int
    streak_days: int

    @property
    def right_share(self) -> float | None:
        if not self.reviews_30_days:
            return None
        return self.right_30_days / self.reviews_30_days


def end_of_day(now: datetime, days_ahead: int = 0) -> datetime:
    """The last moment of the local day ``days_ahead`` after ``now``, in UTC (or the
    last moment a date can hold, for a clock near the year 9999)."""
    try:
        local = now.astimezone() + timedelta(days=days_ahead)
        end = local.replace(hour=23, minute=59, second=59, microsecond=999999)
        return end.astimezone(timezone.utc)
    except (OverflowError, ValueError):
        return datetime.max.replace(tzinfo=timezone.utc)


def streak(days: set[date], today: date) -> int:
    """Consecutive days with a review, ending today (or yesterday, if not yet today)."""
    day = today if today in days else today - timedelta(days=1)
    count = 0
    while day in days:
        count += 1
        day -= timedelta(days=1)
    return count


def bank_stats(bank: Bank, store: ReviewStore, now: datetime) -> BankStats:
    """The figures ``quizgen stats`` shows for one bank."""
    cards = store.cards(bank.id)
    present = [cards.get(q.id) for q in bank.questions]
    studied = [c for c in present if c is not None]
    today_end, week_end = end_of_day(now), end_of_day(now, 6)
    recent = store.reviews(bank.id, since=now - timedelta(days=30))
    days = {local_time(r.reviewed_at).date() for r in store.reviews(bank.id)}
    return BankStats(
        bank_id=bank.id,
        title=bank.title,
        questions=len(bank.questions),
        new=len(present) - len(studied),
        learning=sum(1 for c in studied if c.state in (LEARNING, RELEARNING)),
        due_today=sum(1 for c in studied if c.due <= today_end),
        due_week=sum(1 for c in studied if c.due <= week_end),
        reviews_30_days=len(recent),
        right_30_days=sum(1 for r in recent if r.outcome in RIGHT_OUTCOMES),
        streak_days=streak(days, local_time(now).date()),
    )


def collect_stats(banks: Sequence[Bank], store: ReviewStore, now: datetime) -> list[BankStats]:
    """:func:`bank_stats` for each bank."""
    return [bank_stats(bank, store, now) for bank in banks]


def show_stats(terminal: Terminal, stats: Sequence[BankStats]) -> None:
    """One block per bank."""
    for n, s in enumerate(stats):
        if n:
            terminal.write()
        terminal.write(
            terminal.style(f"{safe(s.title)} ({safe(s.bank_id)})", "bold")
            + f": {plural(s.questions, 'question')}"
        )
        terminal.write(
            f"  new {s.new} · learning {s.learning} · due today {s.due_today}"
            f" · due this week {s.due_week}"
        )
        share = (
            f", {percent(s.right_30_days, s.reviews_30_days)} right" if s.reviews_30_days else ""
        )
        terminal.write(f"  reviews in the last 30 days: {s.reviews_30_days}{share}")
        terminal.write(f"  streak: {plural(s.streak_days, 'day')}")
