"""Text matching: the comparable form of a text, the typo budget and the edit distance.

* Text is compared after Unicode NFKC, case folding (unless the question is
  ``case_sensitive``), with accents, punctuation and runs of spaces ignored.
* Every accepted alternative counts. Small typos are forgiven by the Damerau
  (optimal string alignment) edit distance, scaled to the answer's length: none up
  to 4 letters, one up to 8, two beyond; a swap of two neighbours is one edit. A
  forgiven typo is its own verdict, ``typo``, so the student sees the spelling.
* Digits are never fuzzy: ``1914`` is not ``1941``, in a number or inside text.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence

from .verdict import Verdict

# (most letters and digits in the answer, edits forgiven), in order; beyond the last: MAX_TYPOS.
TYPO_BUDGET: tuple[tuple[int, int], ...] = ((4, 0), (8, 1))
MAX_TYPOS = 2


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    kept = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", kept)


@functools.lru_cache(maxsize=4096)
def normalize(text: str, *, case_sensitive: bool = False) -> str:
    """The comparable form of a piece of text.

    NFKC, case folded unless ``case_sensitive``, accents removed, punctuation
    removed (symbols such as ``+`` and ``%`` are kept), runs of white space made one
    space, and the ends trimmed. Text that is nothing but punctuation keeps it.
    """
    text = unicodedata.normalize("NFKC", text)
    if not case_sensitive:
        text = text.casefold()
    text = _strip_accents(text)
    without = "".join(ch for ch in text if not unicodedata.category(ch).startswith("P"))
    if without.strip():
        text = without
    return " ".join(text.split())


def osa_distance(a: str, b: str, limit: int | None = None) -> int:
    """Damerau–Levenshtein distance, optimal string alignment variant.

    Insertions, deletions, substitutions and swaps of two neighbours each cost one
    edit; no substring is edited twice. With ``limit``, a distance above it is
    reported as ``limit + 1`` (and the search stops early).
    """
    if a == b:
        return 0
    if limit is not None and abs(len(a) - len(b)) > limit:
        return limit + 1
    if not a:
        return len(b)
    if not b:
        return len(a)
    # Cells further than ``limit`` from the diagonal cannot lead to a distance within it,
    # so with a limit only a band around the diagonal is computed; the rest stay "too far".
    far = len(a) + len(b) if limit is None else limit + 1
    band = far if limit is None else limit
    previous2: list[int] = []
    previous = [j if j <= band else far for j in range(len(b) + 1)]
    for i in range(1, len(a) + 1):
        current = [i if i <= band else far] + [far] * len(b)
        for j in range(max(1, i - band), min(len(b), i + band) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            best = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                best = min(best, previous2[j - 2] + 1)
            current[j] = min(best, far)
        if limit is not None and min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1] if limit is None else min(previous[-1], limit + 1)


def allowed_typos(answer: str) -> int:
    """Edits forgiven for an answer: none up to 4 letters, 1 up to 8, 2 beyond."""
    letters = sum(1 for ch in answer if ch.isalnum())
    for most, edits in TYPO_BUDGET:
        if letters <= most:
            return edits
    return MAX_TYPOS


_DIGIT_RUN = re.compile(r"\d+")


def _digits(text: str) -> list[str]:
    return _DIGIT_RUN.findall(unicodedata.normalize("NFKC", text))


def grade_text(response: str, accepted: Sequence[str], *, case_sensitive: bool = False) -> Verdict:
    """Grade typed text against the accepted answers (the first is canonical)."""
    canonical = accepted[0] if accepted else ""
    said = normalize(response, case_sensitive=case_sensitive)
    if not said:
        return Verdict("wrong", canonical)
    forms = [(answer, normalize(answer, case_sensitive=case_sensitive)) for answer in accepted]
    if any(said == wanted for _, wanted in forms):
        return Verdict("right", canonical)
    best: tuple[int, str] | None = None
    for answer, wanted in forms:
        allowed = allowed_typos(wanted)
        if not allowed or _digits(wanted) != _digits(said):
            continue  # short answers forgive nothing; numbers are never fuzzy
        if case_sensitive and said.casefold() == wanted.casefold():
            continue  # the case is what this question asks about
        distance = osa_distance(said, wanted, allowed)
        if distance <= allowed and (best is None or distance < best[0]):
            best = (distance, answer)
    if best is not None:
        return Verdict("typo", canonical, spelling=best[1])
    return Verdict("wrong", canonical)
