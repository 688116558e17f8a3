"""Generate a large, valid question bank of all eight types for the benchmarks.

Usage: python bench/generate_bank.py [N] [OUT.yaml]   (default 10000, bench/out/bank-N.yaml)

The bank cites the real seed documents, so every quote is checked as in the real bank.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "seeds" / "004_369735ee3e7b3786.txt"

QUOTES = (
    "Current full members include:",
    "Druzhba (Friendship) military exercises",
    "Local currency trade",
    "The Pakistan Stream Gas Pipeline",
    "SCO Regional Anti-Terrorist Structure (RATS)",
)

_TEMPLATES = (
    """  - id: q{n}-mc
    type: multiple_choice
    prompt: "Question {n}: which exercise do Pakistan and Russia hold together?"
    choices: [Druzhba, Zapad {n}, Vostok, Tsentr]
    answer: Druzhba
""",
    """  - id: q{n}-ma
    type: multiple_answer
    prompt: "Question {n}: which are *full members* according to the article?"
    choices: [China, India, Turkey {n}, Kyrgyzstan]
    answer: [China, India, Kyrgyzstan]
""",
    """  - id: q{n}-tf
    type: true_false
    prompt: "Statement {n}: the SCO has a Regional Anti-Terrorist Structure."
    answer: true
""",
    """  - id: q{n}-sa
    type: short_answer
    prompt: "Question {n}: name the pipeline project."
    answer: [Pakistan Stream, Pakistan Stream Gas Pipeline]
""",
    """  - id: q{n}-num
    type: numeric
    prompt: "Question {n}: how many full members does the article list?"
    answer: 9
    tolerance: 0
    unit: states
""",
    """  - id: q{n}-cloze
    type: cloze
    text: "Fact {n}: the {{{{c1::Druzhba}}}} exercises mean {{{{c2::Friendship::a word}}}}."
""",
    """  - id: q{n}-match
    type: matching
    prompt: "Question {n}: match each item to its kind."
    pairs:
      - [CPEC, a corridor]
      - [RATS, an anti-terror structure]
      - [Druzhba {n}, an exercise]
""",
    """  - id: q{n}-order
    type: ordering
    prompt: "Question {n}: order the highlights as the article lists them."
    items: [Diplomatic engagement, Economic cooperation, Energy and fuel, Security {n}]
""",
)


def generate_bank(count: int, seed_path: str = "../../seeds/004_369735ee3e7b3786.txt") -> str:
    """YAML text of a valid bank with ``count`` questions cycling through all eight types."""
    parts = [
        "id: bench\n",
        "title: Benchmark bank\n",
        "description: Generated for the benchmarks.\n",
        f"sources:\n  blog:\n    path: {seed_path}\n    title: Pakistan–Russia SCO meeting\n",
        "questions:\n",
    ]
    for n in range(count):
        body = _TEMPLATES[n % len(_TEMPLATES)].format(n=n)
        parts.append(body)
        parts.append(
            f"    explanation: Explanation for question {n}.\n"
            f"    tags: [bench, type-{n % 8}]\n"
            f"    topic: Topic {n % 12}\n"
            f"    difficulty: {('easy', 'medium', 'hard')[n % 3]}\n"
            f'    source:\n      doc: blog\n      quote: "{QUOTES[n % len(QUOTES)]}"\n'
        )
    return "".join(parts)


def write_bank(count: int, out: Path) -> Path:
    """Write a generated bank whose source path is correct relative to ``out``."""
    out.parent.mkdir(parents=True, exist_ok=True)
    relative = Path(*[".."] * len(out.resolve().parent.relative_to(REPO).parts)) / SEED.relative_to(
        REPO
    )
    out.write_text(generate_bank(count, relative.as_posix()), encoding="utf-8")
    return out


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    target = Path(sys.argv[2]) if len(sys.argv) > 2 else REPO / "bench" / "out" / f"bank-{n}.yaml"
    print(write_bank(n, target))
