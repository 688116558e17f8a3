"""Benchmark: `quizgen coverage` grows linearly with the document and the number of quotes.

A document of N sentences (a tenth of them list items, a twentieth headings) and a bank of
N/10 questions, each quoting a sentence, are generated; coverage (cutting the document into
passages, placing every passage and quote, the summary) is timed for N = 2,000, 20,000 and
200,000 sentences. Linear time shows as a constant time per sentence; a quadratic step
would multiply it by ten at each size. The floor is reading and normalizing the document
once (what `check` does anyway).

Usage: python bench/bench_coverage.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from quizgen.authoring.coverage import coverage, summary_lines
from quizgen.bank.load import load_banks
from quizgen.bank.provenance import normalize


def write_case(folder: Path, sentences: int) -> Path:
    lines: list[str] = []
    for n in range(sentences):
        if n % 20 == 0:
            lines.append(f"Section {n}")
        elif n % 10 == 0:
            lines.append(f"- item number {n} about rivers and lakes")
        else:
            lines.append(f"Sentence {n} says the river {n} carries water to the sea.")
    (folder / "doc.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    questions = [
        f"  - {{id: q{n}, type: true_false, prompt: 'River {n}?', answer: true, "
        f"source: {{doc: d, quote: 'Sentence {n} says the river {n} carries'}}}}"
        for n in range(1, sentences, 10)
        if n % 10 and n % 20
    ]
    bank = folder / "bank.yaml"
    bank.write_text(
        "id: b\ntitle: B\nsources:\n  d: doc.txt\nquestions:\n" + "\n".join(questions) + "\n",
        encoding="utf-8",
    )
    return bank


def best_of(func, rounds: int = 3) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    print(f"{'sentences':>10} {'quotes':>7} {'coverage':>10} {'per sentence':>13} {'floor':>9}")
    for sentences in (2_000, 20_000, 200_000):
        with tempfile.TemporaryDirectory() as tmp:
            bank_path = write_case(Path(tmp), sentences)
            banks = load_banks([bank_path])
            quotes = len(banks[0].questions)
            doc = Path(tmp) / "doc.txt"
            took = best_of(lambda banks=banks: summary_lines(coverage(banks)))
            floor = best_of(lambda doc=doc: normalize(doc.read_text(encoding="utf-8")))
            print(
                f"{sentences:>10,} {quotes:>7,} {took:>9.3f}s {took / sentences * 1e6:>10.1f} us"
                f" {floor:>8.3f}s"
            )


if __name__ == "__main__":
    main()
