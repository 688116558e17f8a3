"""Benchmark: `quizgen check` on a 10,000-question bank against plain libyaml parsing.

Both are timed in the same run on the same file; the figure that matters is the ratio
(target: at most 1.3x). Each side runs several times and the best time counts, which
keeps other load on the machine out of the comparison.

Usage: python bench/bench_check.py [N]   (default 10000 questions)
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate_bank import REPO, write_bank

from quizgen.bank.check import check_paths
from quizgen.bank.load import LIBYAML, collector_paused

ROUNDS = 5


def best_of(func, rounds: int = ROUNDS) -> float:
    """The fastest of ``rounds`` timed calls, in seconds."""
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    path = write_bank(count, REPO / "bench" / "out" / f"bank-{count}.yaml")
    text = path.read_text(encoding="utf-8")

    report = check_paths([path])
    # A generated bank repeats its questions: the item-writing checks warn, as they should.
    assert not report.errors, report.errors[:3]
    assert report.question_count == count

    def plain_load() -> None:
        yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)

    def plain_load_paused() -> None:
        with collector_paused():
            plain_load()

    floor = best_of(plain_load)
    floor_paused = best_of(plain_load_paused)
    ours = best_of(lambda: check_paths([path]))
    print(f"bank: {count:,} questions, {len(text) / 1e6:.1f} MB; libyaml in quizgen: {LIBYAML}")
    print(f"libyaml yaml.load (CSafeLoader): {floor:.3f} s")
    print(f"quizgen check (load + all rules): {ours:.3f} s")
    print(f"libyaml yaml.load, cycle collector paused as quizgen does: {floor_paused:.3f} s")
    print(f"ratio: {ours / floor:.2f}x against plain yaml.load (target <= 1.3x)")
    print(f"ratio: {ours / floor_paused:.2f}x against yaml.load with the collector paused too")


if __name__ == "__main__":
    main()
