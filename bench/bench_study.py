"""Benchmark: the cost of forgiving grading and of saving every review answer durably.

1. Grading. Every short answer of the project's banks is graded against responses that are
   right, misspelt (one letter changed) and wrong, and so is every cloze gap. The floor is the least a forgiving grader
   must do: normalize both sides (NFKC, case folding, accents, punctuation) and compare.
   The extra is the typo search (Damerau distance against every accepted answer).
2. Saving an answer. Each review answer is scheduled with FSRS and committed in its own
   transaction (WAL, synchronous=FULL). The floor is the smallest durable write SQLite can do
   in the same folder: one one-row INSERT committed with the same settings.

Usage: python bench/bench_study.py [ROUNDS]
"""

from __future__ import annotations

import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from quizgen.bank.load import load_banks  # noqa: E402
from quizgen.bank.model import Cloze, ShortAnswer  # noqa: E402
from quizgen.study.grading import Verdict, grade_text, normalize  # noqa: E402
from quizgen.study.review import (  # noqa: E402
    ReviewItem,
    ReviewStore,
    make_scheduler,
    review_card,
)


def best_of(rounds: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def misspell(text: str) -> str:
    """Change one letter in the middle (a typo the grader should forgive when long enough)."""
    middle = len(text) // 2
    return text[:middle] + ("x" if text[middle] != "x" else "y") + text[middle + 1 :]


def grading(rounds: int) -> None:
    banks = load_banks([REPO / "question_bank"])
    accepted = [q.answers for b in banks for q in b.questions if isinstance(q, ShortAnswer)]
    accepted += [
        (d.answer,) for b in banks for q in b.questions if isinstance(q, Cloze) for d in q.deletions
    ]
    cases = [(r, a) for a in accepted for r in (a[0], misspell(a[0]), "no idea")]

    def floor() -> None:
        normalize.cache_clear()  # every round starts cold, as a new session would
        for response, answers in cases:
            said = normalize(response)
            any(said == normalize(a) for a in answers)

    def ours() -> None:
        normalize.cache_clear()
        for response, answers in cases:
            grade_text(response, answers)

    low, high = best_of(rounds, floor), best_of(rounds, ours)
    per = high / len(cases) * 1e6
    print(
        f"grading: {len(cases)} responses to {len(accepted)} short answers and cloze gaps: "
        f"normalize-and-compare {low * 1000:.2f} ms, quizgen {high * 1000:.2f} ms "
        f"({per:.1f} µs a response), ratio {high / low:.2f}x"
    )


def saving(rounds: int) -> None:
    """Median time per answer, floor and quizgen in alternating batches (fsync time varies)."""
    banks = load_banks([REPO / "question_bank"])
    items = [ReviewItem(q, b, None) for b in banks for q in b.questions]
    scheduler = make_scheduler()
    start_time = datetime(2026, 1, 5, 9, tzinfo=timezone.utc)
    floor_times: list[float] = []
    our_times: list[float] = []
    with tempfile.TemporaryDirectory(dir=REPO / "bench") as folder:
        floor_db = sqlite3.connect(Path(folder) / "floor.sqlite3", isolation_level=None)
        floor_db.execute("PRAGMA journal_mode=WAL")
        floor_db.execute("PRAGMA synchronous=FULL")
        floor_db.execute("CREATE TABLE t (a TEXT, b TEXT, c INTEGER)")
        with ReviewStore(Path(folder) / "state.sqlite3") as store:
            for round_number in range(rounds):
                for n, item in enumerate(items):
                    start = time.perf_counter()
                    floor_db.execute("BEGIN IMMEDIATE")
                    floor_db.execute(
                        "INSERT INTO t VALUES (?, ?, ?)", (item.bank.id, item.question.id, n)
                    )
                    floor_db.execute("COMMIT")
                    floor_times.append(time.perf_counter() - start)

                    verdict = Verdict("right" if n % 4 else "wrong", "x")
                    when = start_time + timedelta(days=round_number, seconds=n)
                    start = time.perf_counter()
                    review_card(store, scheduler, item, verdict, when)
                    our_times.append(time.perf_counter() - start)
        floor_db.close()
    low, high = statistics.median(floor_times), statistics.median(our_times)
    print(
        f"saving a review answer ({len(our_times)} answers, WAL, synchronous=FULL, median): "
        f"bare one-row commit {low * 1000:.2f} ms, quizgen (FSRS + card + review) "
        f"{high * 1000:.2f} ms, ratio {high / low:.2f}x"
    )


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    grading(rounds)
    saving(3)


if __name__ == "__main__":
    main()
