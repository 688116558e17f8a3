"""Benchmark: bank text and source quotes on hostile input, next to their floors.

Markdown (``quizgen.text.to_html``) on four inputs of 0.1 to 1 MB: 20,000 lines starting
``*item`` (unclosed italic), a run of 100,000 stars either side of a letter, a megabyte of
backticks, and a megabyte of ordinary bold, italic and code. The floor is
``html.escape`` plus the line-break replacement: the least any renderer of escaped text
does. The lazy regular expressions quizgen used before (kept here as the reference) are
timed on the other three inputs, and on the first at 2,000 and 4,000 lines, where they
still finish; ``--old-full`` also times them on all 20,000 lines (minutes).

Closest passage (``quizgen.bank.provenance.closest_passage``) for a one-word misquote of 30
words in documents of twenty short words, 250 KB and 11 MB. The floor is ``quote in
document``, the exact search every quote gets first. ``--old-full`` also times the old
search, window by window, on 250 KB (over a minute; 11 MB never ends).

Each figure is the best of several runs.

Usage: python bench/bench_text.py [--old-full]
"""

from __future__ import annotations

import difflib
import html
import random
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from quizgen.bank.provenance import closest_passage, normalize
from quizgen.text import to_html

ROUNDS = 7

# -- the lazy patterns quizgen used before (quadratic on unclosed markers) ---------------------

_OLD_CODE = re.compile(r"`([^`\n]+)`")
_OLD_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*(?!\*)", re.DOTALL)
_OLD_ITALIC_HTML = re.compile(
    r"(?<![*\w])\*(?=[^\s*])((?:[^<]|<strong>[^<]*</strong>)+?)(?<=[^\s*])\*(?![*\w])"
)


def old_to_html(text: str) -> str:
    out: list[str] = []
    last = 0
    text = text.strip("\n")
    pieces: list[tuple[bool, str]] = []
    for m in _OLD_CODE.finditer(text):
        pieces += [(False, text[last : m.start()]), (True, m.group(1))]
        last = m.end()
    pieces.append((False, text[last:]))
    for is_code, piece in pieces:
        escaped = html.escape(piece, quote=True)
        if is_code:
            out.append(f"<code>{escaped}</code>")
            continue
        escaped = _OLD_BOLD.sub(r"<strong>\1</strong>", escaped)
        escaped = _OLD_ITALIC_HTML.sub(r"<em>\1</em>", escaped)
        out.append(escaped.replace("\r\n", "\n").replace("\n", "<br>"))
    return "".join(out)


def old_closest_passage(quote: str, document: str) -> str | None:
    wanted = normalize(quote)
    words = document.split(" ")
    span = max(1, len(wanted.split(" ")))
    best_ratio, best = 0.0, ""
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(wanted)
    for start in range(0, max(1, len(words) - span + 1)):
        candidate = " ".join(words[start : start + span])
        matcher.set_seq1(candidate)
        if matcher.real_quick_ratio() <= best_ratio or matcher.quick_ratio() <= best_ratio:
            continue
        ratio = matcher.ratio()
        if ratio > best_ratio:
            best_ratio, best = ratio, candidate
    return best if best_ratio >= 0.3 else None


def floor_html(text: str) -> str:
    return html.escape(text.strip("\n"), quote=True).replace("\r\n", "\n").replace("\n", "<br>")


def best_of(work: Callable[[], object], rounds: int = ROUNDS) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def row(name: str, size: int, floor: float, ours: float, old: str = "") -> None:
    ratio = f"{ours / floor:.1f}x" if floor > 0 else "-"
    print(
        f"| {name} | {size / 1000:,.0f} KB | {floor * 1000:,.1f} ms | {ours * 1000:,.1f} ms | {ratio} | {old} |"
    )


def main(argv: list[str]) -> None:
    full = "--old-full" in argv
    print("Markdown (to_html)\n")
    print("| input | size | floor | quizgen | ratio | old patterns |")
    print("|---|---|---|---|---|---|")
    lines = "\n".join(["*item"] * 20_000)
    old_times = []
    for n in (2_000, 4_000, *((20_000,) if full else ())):
        part = "\n".join(["*item"] * n)
        old_times.append(f"{n:,} lines: {best_of(lambda p=part: old_to_html(p), 1):.1f} s")
    cases = {
        "20,000 lines `*item`": lines,
        "100,000 stars, x, 100,000 stars": "*" * 100_000 + "x" + "*" * 100_000,
        "1 MB of backticks": "`" * 1_000_000,
        "1 MB of ordinary markup": "Some **bold**, *italic* and `code`.\n" * 28_000,
    }
    for name, text in cases.items():
        if name.startswith("20,000"):
            old = "; ".join(old_times)
        else:
            old = f"{best_of(lambda t=text: old_to_html(t)) * 1000:,.1f} ms"
        row(
            name,
            len(text),
            best_of(lambda t=text: floor_html(t)),
            best_of(lambda t=text: to_html(t)),
            old,
        )

    print("\nClosest passage (one word of a 30-word quote changed)\n")
    print("| document | size | floor | quizgen | ratio | old search |")
    print("|---|---|---|---|---|---|")
    vocabulary = ["the", "a", "of", "and", "to", "in", "is", "it", "on", "at"]
    vocabulary += ["be", "as", "by", "or", "we", "so", "if", "no", "up", "do"]
    for size in (250_000, 11_000_000):
        words = random.Random(size).choices(vocabulary, k=size // 3)
        document = " ".join(words)
        at = len(words) // 2
        changed = words[at : at + 30]
        changed[15] = "zebra"
        quote = " ".join(changed)
        assert closest_passage(quote, document, limit=10_000) == " ".join(words[at : at + 30])
        old = ""
        if full and size < 1_000_000:
            old = f"{best_of(lambda d=document, q=quote: old_closest_passage(q, d), 1):.1f} s"
        floor = best_of(lambda d=document, q=quote: normalize(q) in d)
        ours = best_of(lambda d=document, q=quote: closest_passage(q, d))
        row(f"twenty words, {size // 1000:,} KB", len(document), floor, ours, old)


if __name__ == "__main__":
    main(sys.argv[1:])
