"""Benchmark: how fast `quizgen --help` and `quizgen --version` start, against `import click`.

Each command runs as a fresh process many times; the best time counts. The floor is
`python -c "import click"`, the least any click program pays. Target: at most 2x.

Usage: python bench/bench_startup.py [ROUNDS]
"""

from __future__ import annotations

import subprocess
import sys
import time

HEAVY = ("genanki", "jinja2", "fsrs", "playwright", "yaml", "sqlite3", "platformdirs")


def best_of(argv: list[str], rounds: int) -> float:
    """The fastest wall-clock time of ``rounds`` runs of ``argv``, in seconds."""
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return min(times)


def heavy_modules_imported(args: str) -> list[str]:
    """Which heavy modules a quizgen invocation imports (it should be none)."""
    code = (
        "import sys\nfrom quizgen.cli import cli\n"
        f"try:\n    cli({args!r}.split(), prog_name='quizgen')\nexcept SystemExit:\n    pass\n"
        f"print('HEAVY:' + ','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    line = next(x for x in out.stdout.splitlines() if x.startswith("HEAVY:"))
    return [m for m in line.removeprefix("HEAVY:").split(",") if m]


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    floor = best_of([sys.executable, "-c", "import click"], rounds)
    print(f"python -c 'import click': {floor * 1000:.1f} ms")
    for args in ("--help", "--version"):
        ours = best_of([sys.executable, "-m", "quizgen", *args.split()], rounds)
        heavy = heavy_modules_imported(args) or ["none"]
        print(
            f"quizgen {args}: {ours * 1000:.1f} ms, ratio {ours / floor:.2f}x (target <= 2x); "
            f"heavy modules imported: {', '.join(heavy)}"
        )


if __name__ == "__main__":
    main()
