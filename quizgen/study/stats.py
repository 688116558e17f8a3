"""Study statistics per bank, read from the review state (never written)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from ..bank.model import Bank, Question
from ..bank.select import Criteria
from .store import LEARNING, RELEARNING, ReviewRecord, ReviewStore, local_time
from .terminal import Terminal, percent, plural, safe

RIGHT_OUTCOMES = ("right", "typo", "overridden")


FORECAST_DAYS = 7
BAR_WIDTH = 30


@dataclass(frozen=True)
class TopicRetention:
    """Recall of one topic: answers in the last 30 days to cards last seen on an earlier day."""

    topic: str
    reviews: int
    right: int


@dataclass(frozen=True)
class BankStats:
    """Where a student stands with one bank (its selected questions).

    ``due_today`` counts studied cards due by the end of the local day (overdue
    included), ``due_week`` those due within the next seven days (today included);
    ``forecast`` the cards due on each of the seven days (overdue ones on the first);
    new cards are counted apart. Reviews count every review of the bank, including
    those of questions since removed from it, unless a selection was given.
    ``retention`` is per topic, in bank order, only topics with such answers.
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
    forecast: tuple[int, ...] = ()
    retention: tuple[TopicRetention, ...] = ()
    today: date | None = None  # the local date of the forecast's first day

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


def bank_stats(
    bank: Bank, store: ReviewStore, now: datetime, criteria: Criteria | None = None
) -> BankStats:
    """The figures ``quizgen stats`` shows for one bank (its questions ``criteria`` selects)."""
    criteria = criteria or Criteria()
    questions = [q for q in bank.questions if criteria.matches(q)]
    cards = store.cards(bank.id)
    present = [cards.get(q.id) for q in questions]
    studied = [c for c in present if c is not None]
    ends = [end_of_day(now, day) for day in range(FORECAST_DAYS)]
    forecast = [0] * FORECAST_DAYS
    for card in studied:
        day = next((n for n, end in enumerate(ends) if card.due <= end), None)
        if day is not None:
            forecast[day] += 1
    history = store.reviews(bank.id)
    if not criteria.is_empty:
        chosen = {q.id for q in questions}
        history = [r for r in history if r.question_id in chosen]
    since = now - timedelta(days=30)
    recent = [r for r in history if r.reviewed_at >= since]
    days = {local_time(r.reviewed_at).date() for r in history}
    return BankStats(
        bank_id=bank.id,
        title=bank.title,
        questions=len(questions),
        new=len(present) - len(studied),
        learning=sum(1 for c in studied if c.state in (LEARNING, RELEARNING)),
        due_today=forecast[0],
        due_week=sum(forecast),
        reviews_30_days=len(recent),
        right_30_days=sum(1 for r in recent if r.outcome in RIGHT_OUTCOMES),
        streak_days=streak(days, local_time(now).date()),
        forecast=tuple(forecast),
        retention=retention_by_topic(questions, history, since),
        today=_local_date(now),
    )


def retention_by_topic(
    questions: Sequence[Question], history: Sequence[ReviewRecord], since: datetime
) -> tuple[TopicRetention, ...]:
    """Per topic, the answers since ``since`` to cards whose previous review was on an
    earlier local day, and how many were right: recall after a gap, not the learning
    steps of one session (close to Anki's "true retention")."""
    topic_of = {q.id: q.topic or "(no topic)" for q in questions}
    counts: dict[str, list[int]] = {topic: [0, 0] for topic in dict.fromkeys(topic_of.values())}
    last_day: dict[str, date] = {}
    for review in history:  # oldest first
        day = local_time(review.reviewed_at).date()
        before = last_day.get(review.question_id)
        last_day[review.question_id] = day
        topic = topic_of.get(review.question_id)
        if topic is None or before is None or before >= day or review.reviewed_at < since:
            continue
        counts[topic][0] += 1
        counts[topic][1] += review.outcome in RIGHT_OUTCOMES
    return tuple(TopicRetention(t, n, right) for t, (n, right) in counts.items() if n)


def collect_stats(
    banks: Sequence[Bank], store: ReviewStore, now: datetime, criteria: Criteria | None = None
) -> list[BankStats]:
    """:func:`bank_stats` for each bank."""
    return [bank_stats(bank, store, now, criteria) for bank in banks]


def _local_date(now: datetime) -> date:
    try:
        return local_time(now).date()
    except (OverflowError, ValueError):
        return now.date()


def forecast_lines(forecast: Sequence[int], first: date) -> list[str]:
    """A bar per day from ``first``: ``today   ████████ 8``, then ``Tue 27  ██ 2``..."""
    top = max(forecast, default=0)
    lines = []
    for day, count in enumerate(forecast):
        try:
            label = "today" if day == 0 else f"{first + timedelta(days=day):%a %d}"
        except OverflowError:
            label = f"+{day} days"
        bar = "█" * (max(1, round(BAR_WIDTH * count / top)) if count else 0)
        lines.append(f"    {label:<6}  {bar}{' ' if bar else ''}{count}")
    return lines


def show_stats(
    terminal: Terminal,
    stats: Sequence[BankStats],
    *,
    state: Path | None = None,
) -> None:
    """Where the state file is, then one block per bank: counts, a 7-day forecast,
    recent reviews, retention per topic and the streak."""
    if state is not None:
        missing = "" if state.exists() else " (not made yet: no review so far)"
        terminal.write(f"State: {safe(str(state))}{missing}")
        terminal.write()
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
        if s.due_week:
            terminal.write("  due in the next 7 days:")
            for line in forecast_lines(s.forecast, s.today or date.today()):
                terminal.write(line)
        share = (
            f", {percent(s.right_30_days, s.reviews_30_days)} right" if s.reviews_30_days else ""
        )
        terminal.write(f"  reviews in the last 30 days: {s.reviews_30_days}{share}")
        if s.retention:
            terminal.write("  retention by topic (cards seen again on a later day, 30 days):")
            width = min(max(len(r.topic) for r in s.retention), 40)
            for r in s.retention:
                name = safe(r.topic if len(r.topic) <= 40 else r.topic[:39] + "…")
                score = f"{r.right}/{r.reviews}"
                terminal.write(f"    {name:<{width}}  {score:>7}  {percent(r.right, r.reviews):>4}")
        terminal.write(f"  streak: {plural(s.streak_days, 'day')}")
