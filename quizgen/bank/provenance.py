"""Source quotes: normalization, and finding a quote (or its closest passage) in a document."""

from __future__ import annotations

import collections
import difflib
import functools
import heapq
import itertools
import re
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path

_TRANSLATE = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
    }
)
_SPACE = re.compile(r"\s+")


def normalize(text: str) -> str:
    """NFKC, typographic quotes to ASCII, dashes to ``-``, white space runs to one space; case kept."""
    text = unicodedata.normalize("NFKC", text).translate(_TRANSLATE)
    return _SPACE.sub(" ", text).strip()


@functools.lru_cache(maxsize=64)
def _normalized_document(path: Path, mtime_ns: int) -> str:
    return normalize(path.read_text(encoding="utf-8-sig"))


def normalized_document(path: Path) -> str:
    """The normalized text of a document, read once per version of the file."""
    return _normalized_document(path, path.stat().st_mtime_ns)


def quote_occurs(quote: str, document: str) -> bool:
    """Whether ``quote`` occurs in an already-normalized ``document``."""
    return normalize(quote) in document


# The closest-passage search is a hint, so its cost is bounded whatever the document.
# Every window is compared while words x len(quote)**2 <= _EVERY_WINDOW (~0.2 s); beyond,
# at most _ANCHORS runs of words of the quote are looked up; an anchor found more than
# _COMMON times says nothing about where the passage is; at most _LOOKUPS occurrences are
# examined in all, and the _CANDIDATES best-placed windows are compared. A quote longer
# than _LONGEST characters is searched by its first _LONGEST, so no one comparison costs
# more than difflib on two strings of that size. Only counts bound the work, never a
# clock: the same bank gets the same hint on a busy machine as on an idle one.
_EVERY_WINDOW = 40_000_000
_ANCHORS = 24
_COMMON = 200
_LOOKUPS = 50_000
_CANDIDATES = 24
_LONGEST = 1_000
_BUCKET = 32  # characters: anchors that place the passage this close agree


def _anchors(words: list[str]) -> dict[str, list[int]]:
    """Runs of 6, 3 and 1 words of a quote, each with its character offsets in the quote.

    Short runs find the passage in varied prose; long ones in a repetitive document,
    where every short run is common. At most ``_ANCHORS`` of them, spread over the quote
    and taken in turn by length, so a search cut short has still tried every length.
    """
    offsets = list(itertools.accumulate((len(w) + 1 for w in words[:-1]), initial=0))
    sizes = sorted({min(n, len(words)) for n in (6, 3, 1)}, reverse=True)
    picked: list[list[tuple[str, int]]] = []
    for n in sizes:
        runs = [(" ".join(words[k : k + n]), offsets[k]) for k in range(len(words) - n + 1)]
        step = max(1, len(runs) // (_ANCHORS // len(sizes)))
        picked.append(runs[::step])
    found: dict[str, list[int]] = {}
    for turn in itertools.zip_longest(*picked):
        for run in turn:
            if run is not None:
                found.setdefault(run[0], []).append(run[1])
    return found


def _occurrences(anchor: str, document: str, budget: int) -> tuple[list[int], int]:
    """Where ``anchor`` occurs as whole words, up to ``_COMMON + 1`` places; and the work done."""
    hits: list[int] = []
    work = 0
    at = document.find(anchor)
    while at != -1 and len(hits) <= _COMMON and work < budget:
        work += 1
        end = at + len(anchor)
        if (at == 0 or document[at - 1] == " ") and (end == len(document) or document[end] == " "):
            hits.append(at)
        at = document.find(anchor, at + 1)
    return hits, work


def _window(document: str, start: int, span: int) -> str:
    """``span`` words of ``document`` from the word that holds character ``start``."""
    start = document.rfind(" ", 0, max(0, start)) + 1
    end = start
    for _ in range(span):
        end = document.find(" ", end + 1)
        if end == -1:
            return document[start:]
    return document[start:end]


def _compare(wanted: str, candidates: Iterable[str]) -> tuple[float, str]:
    """The candidate most like ``wanted`` (difflib's ratio), and its ratio."""
    best_ratio, best = 0.0, ""
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(wanted)
    for candidate in candidates:
        matcher.set_seq1(candidate)
        if matcher.real_quick_ratio() <= best_ratio or matcher.quick_ratio() <= best_ratio:
            continue
        ratio = matcher.ratio()
        if ratio > best_ratio:
            best_ratio, best = ratio, candidate
    return best_ratio, best


def _every_window(document: str, span: int) -> Iterator[str]:
    """Every run of ``span`` words of ``document``."""
    words = document.split(" ")
    for start in range(0, max(1, len(words) - span + 1)):
        yield " ".join(words[start : start + span])


def _placed_windows(wanted: str, document: str) -> Iterator[str]:
    """The windows that rare runs of the quote's words place the passage at, best first."""
    words = wanted.split(" ")
    span = len(words)
    votes: dict[int, float] = collections.defaultdict(float)
    starts: dict[int, list[int]] = {}
    budget = _LOOKUPS
    for anchor, offsets in _anchors(words).items():
        hits, work = _occurrences(anchor, document, budget)
        budget -= work
        if hits and len(hits) <= _COMMON:
            weight = (anchor.count(" ") + 1) / len(hits)
            for at in hits:
                for offset in offsets:
                    bucket = (at - offset) // _BUCKET
                    votes[bucket] += weight
                    starts.setdefault(bucket, []).append(at - offset)
        if budget <= 0:
            break
    seen: set[str] = set()
    for bucket in heapq.nlargest(_CANDIDATES, votes, key=votes.__getitem__):
        placed = sorted(starts[bucket])
        middle = placed[len(placed) // 2]
        first = document.rfind(" ", 0, max(0, middle)) + 1
        before = document.rfind(" ", 0, max(0, first - 1)) + 1
        after = document.find(" ", first) + 1 or first
        for start in (first, before, after):
            candidate = _window(document, start, span)
            if candidate not in seen:
                seen.add(candidate)
                yield candidate


def closest_passage(quote: str, document: str, *, limit: int = 160) -> str | None:
    """The passage of a normalized document most like ``quote``, for a "did you mean" hint.

    Rare runs of the quote's words vote for where the passage starts and the best-placed
    windows are compared (difflib's ratio); in a short document every other run of as many
    words as the quote is compared too, unless that would cost more than ``_EVERY_WINDOW``
    (words times the square of the quote's length). The work is bounded (see the limits
    above): a huge or repetitive document costs a second or two, not hours. ``None`` when
    no passage is close enough or none was found within the bounds.
    """
    wanted = normalize(quote)
    if len(wanted) > _LONGEST:
        cut = wanted.rfind(" ", 0, _LONGEST + 1)
        wanted = wanted[: cut if cut > 0 else _LONGEST]
    if not wanted or not document:
        return None
    span = wanted.count(" ") + 1
    # The placed windows come first even when every window follows: a good early match
    # lets difflib's cheap upper bounds skip most of the others.
    candidates: Iterable[str] = _placed_windows(wanted, document)
    if (document.count(" ") + 1) * len(wanted) ** 2 <= _EVERY_WINDOW:
        candidates = itertools.chain(candidates, _every_window(document, span))
    best_ratio, best = _compare(wanted, candidates)
    if best_ratio < 0.3:
        return None
    return best if len(best) <= limit else best[: limit - 1] + "…"
