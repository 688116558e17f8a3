"""Source quotes: normalization, and finding a quote (or its closest passage) in a document."""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
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


def closest_passage(quote: str, document: str, *, limit: int = 160) -> str | None:
    """The passage of a normalized document most like ``quote``, for a "did you mean" hint."""
    wanted = normalize(quote)
    words = document.split(" ")
    span = max(1, len(wanted.split(" ")))
    if not words or not wanted:
        return None
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
    if best_ratio < 0.3:
        return None
    return best if len(best) <= limit else best[: limit - 1] + "…"
