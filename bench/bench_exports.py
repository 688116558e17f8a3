"""Benchmark: `quizgen export FORMAT` on a 10,000-question bank against `quizgen check` on it.

Both sides run in the same process on the same file: check is `check_paths` (load, every
rule, every quote); an export is what `quizgen export` does (load the banks, the format's
problems, write the file). The figure that matters is the ratio (target: at most 1.5x).
Each side runs several times and the best time counts.

Usage: python bench/bench_exports.py [N] [FORMAT...]   (default 10000, every format below)
Any registered format name works; each format's helper adds its name to DEFAULT_FORMATS.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate_bank import REPO, write_bank

from quizgen.bank.check import check_paths
from quizgen.bank.load import load_banks
from quizgen.outputs.base import OutputOptions, Selection
from quizgen.outputs.registry import get_format

ROUNDS = 3
TARGET = 1.5
DEFAULT_FORMATS = [
    "moodle",
    "gift",
    "canvas",
    "blackboard",
    "kahoot",
    "quizlet",
    "brightspace",
    "wayground",
    "blooket",
]


def best_of(func: Callable[[], object], rounds: int = ROUNDS) -> float:
    """The fastest of ``rounds`` timed calls, in seconds."""
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def export_once(bank: Path, name: str, out: Path) -> None:
    """What `quizgen export NAME BANK -o OUT` does, without the command line."""
    fmt = get_format(name)
    selection = Selection.whole(load_banks([bank]))
    options = OutputOptions()
    errors = [p for p in fmt.problems(selection, options) if p.severity == "error"]
    assert not errors, errors[:3]
    fmt.write(selection, out, options)


def time_format(bank: Path, name: str, folder: Path) -> tuple[float, float, int]:
    """The best time to export ``bank`` to ``name``, the format's own part, and the size."""
    fmt = get_format(name)
    out = folder / f"bank{fmt.suffix}"
    seconds = best_of(lambda: export_once(bank, name, out))
    banks = load_banks([bank])
    options = OutputOptions()

    def own_part() -> None:
        selection = Selection.whole(banks)  # a new one each round: formats keep plans per selection
        fmt.problems(selection, options)
        fmt.write(selection, out, options)

    own = best_of(own_part)
    return seconds, own, out.stat().st_size


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    names = sys.argv[2:] or DEFAULT_FORMATS
    bank = write_bank(count, REPO / "bench" / "out" / f"bank-{count}.yaml")
    report = check_paths([bank])
    assert not [p for p in report.problems if p.severity == "error"], report.problems[:3]
    check = best_of(lambda: check_paths([bank]))
    print(f"bank: {count:,} questions; best of {ROUNDS}")
    print(f"quizgen check: {check:.3f} s")
    with tempfile.TemporaryDirectory() as folder:
        for name in names:
            seconds, own, size = time_format(bank, name, Path(folder))
            ratio = seconds / check
            verdict = "ok" if ratio <= TARGET else "OVER TARGET"
            print(
                f"export {name}: {seconds:.3f} s ({own:.3f} s of it the format's problems and "
                f"writing), {size / 1e6:.1f} MB, {ratio:.2f}x check (target <= {TARGET}x) {verdict}"
            )


if __name__ == "__main__":
    main()
