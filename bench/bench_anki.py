"""Benchmark: a 10,000-question bank to .apkg, against libyaml parsing plus raw genanki.

quizgen's side is what `quizgen anki BANK -o FILE.apkg` does: load and check the bank
(every quote verified), build eight note types' notes (Markdown to escaped HTML, fixed
shuffles, tags, GUIDs) and write the package atomically. The floor, in the same run, is
`yaml.load` with libyaml's CSafeLoader on the same file plus genanki writing the same
number of notes of its plain two-field Basic model (question text and answer). The
figure that matters is the ratio (target: at most 1.3x). Each side runs several times
and the best time counts; the two alternate, so a change in the machine's load hits both.

Usage: python bench/bench_anki.py [N]   (default 10000 questions)
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import genanki
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate_bank import REPO, write_bank

from quizgen.bank.load import collector_paused, load_banks
from quizgen.outputs.anki import build_apkg, write_apkg

ROUNDS = 5


def best_of_interleaved(*funcs, rounds: int = ROUNDS) -> list[float]:
    """The fastest of ``rounds`` timed calls of each, taken in turn so load drifts hit all."""
    times: list[list[float]] = [[] for _ in funcs]
    for _ in range(rounds):
        for func, out in zip(funcs, times, strict=True):
            start = time.perf_counter()
            func()
            out.append(time.perf_counter() - start)
    return [min(t) for t in times]


BASIC = genanki.Model(
    1607392319,
    "Floor basic",
    fields=[{"name": "Front"}, {"name": "Back"}],
    templates=[{"name": "Card 1", "qfmt": "{{Front}}", "afmt": "{{FrontSide}}<hr>{{Back}}"}],
)


def floor(path: Path, out: Path) -> int:
    """libyaml parse, then one plain genanki note per question."""
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    deck = genanki.Deck(2059400110, data["title"])
    for question in data["questions"]:
        front = question.get("prompt") or question.get("text") or ""
        back = question.get("answer", question.get("pairs", question.get("items", "")))
        deck.add_note(genanki.Note(model=BASIC, fields=[front, str(back)]))
    genanki.Package(deck).write_to_file(str(out))
    return len(deck.notes)


def quizgen(path: Path, out: Path) -> int:
    """What `quizgen anki PATH -o OUT` does."""
    return build_apkg([path], out).notes


def floor_collector_paused(path: Path, out: Path) -> int:
    """The floor with the cycle collector paused too, as quizgen pauses it (like for like)."""
    with collector_paused():
        return floor(path, out)


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    path = write_bank(count, REPO / "bench" / "out" / f"bank-{count}.yaml")
    with tempfile.TemporaryDirectory() as folder:
        floor_out = Path(folder) / "floor.apkg"
        ours_out = Path(folder) / "quizgen.apkg"
        assert floor(path, floor_out) == count
        assert quizgen(path, ours_out) == count
        base, ours, base_paused = best_of_interleaved(
            lambda: floor(path, floor_out),
            lambda: quizgen(path, ours_out),
            lambda: floor_collector_paused(path, floor_out),
        )
        summary = write_apkg(load_banks([path]), ours_out)
        print(
            f"bank: {count:,} questions; package: {summary.notes:,} notes, "
            f"{summary.cards:,} cards, {len(summary.decks)} decks, "
            f"{ours_out.stat().st_size / 1e6:.1f} MB (floor {floor_out.stat().st_size / 1e6:.1f} MB)"
        )
    print(f"floor (libyaml yaml.load + raw genanki, {count:,} Basic notes): {base:.3f} s")
    print(f"quizgen anki (load + check + notes + package): {ours:.3f} s")
    print(f"ratio: {ours / base:.2f}x (target <= 1.3x)")
    print(
        f"floor with the cycle collector paused too: {base_paused:.3f} s; "
        f"like-for-like ratio {ours / base_paused:.2f}x"
    )


if __name__ == "__main__":
    main()
