"""Words for the checks: tokens, stop words, number words, invisible characters, look-alike keys."""

from __future__ import annotations

import functools
import re
import unicodedata

from ...text import to_plain

# Zero-width, joiners, bidi embeddings/overrides/isolates and marks, BOM, soft hyphen and
# the other format characters a student cannot see or type.
INVISIBLE = {
    "\u00ad": "SOFT HYPHEN",
    "\u061c": "ARABIC LETTER MARK",
    "\u180e": "MONGOLIAN VOWEL SEPARATOR",
    "\u200b": "ZERO WIDTH SPACE",
    "\u200c": "ZERO WIDTH NON-JOINER",
    "\u200d": "ZERO WIDTH JOINER",
    "\u200e": "LEFT-TO-RIGHT MARK",
    "\u200f": "RIGHT-TO-LEFT MARK",
    "\u202a": "LEFT-TO-RIGHT EMBEDDING",
    "\u202b": "RIGHT-TO-LEFT EMBEDDING",
    "\u202c": "POP DIRECTIONAL FORMATTING",
    "\u202d": "LEFT-TO-RIGHT OVERRIDE",
    "\u202e": "RIGHT-TO-LEFT OVERRIDE",
    "\u2060": "WORD JOINER",
    "\u2061": "FUNCTION APPLICATION",
    "\u2062": "INVISIBLE TIMES",
    "\u2063": "INVISIBLE SEPARATOR",
    "\u2064": "INVISIBLE PLUS",
    "\u2066": "LEFT-TO-RIGHT ISOLATE",
    "\u2067": "RIGHT-TO-LEFT ISOLATE",
    "\u2068": "FIRST STRONG ISOLATE",
    "\u2069": "POP DIRECTIONAL ISOLATE",
    "\ufeff": "ZERO WIDTH NO-BREAK SPACE",
}
_INVISIBLE_RE = re.compile("[" + "".join(INVISIBLE) + "]")
_SPACE = re.compile(r"\s+")


def _split(text: str) -> list[str]:
    return text.split()


STOP_WORDS = frozenset(
    _split(
        """
    a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each either else
    few for from further had has have having he her here hers him his how i if in into is it
    its itself just me more most my neither no nor not now of off on once only or other our
    ours out over own same she should so some such than that the their theirs them then there
    these they this those through to too under until up upon us very was we were what when
    where which while who whom whose why will with would yet you your yours
    according article post text
    """
    )
)

_UNITS = _split(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen"
)
_TENS = _split("twenty thirty forty fifty sixty seventy eighty ninety")
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
NUMBER_WORDS = {w: i for i, w in enumerate(_UNITS)} | {w: 20 + 10 * i for i, w in enumerate(_TENS)}

# Words: letters and digits, with inner apostrophes, dots or commas between digits (1,000 3.5).
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W_]+(?:'[^\W_]+)*")


def plain(text: str) -> str:
    """Bank text without its Markdown markers (a fast path for text that has none)."""
    return to_plain(text) if "*" in text or "`" in text else text


def invisible_in(text: str) -> list[str]:
    """The names of the invisible characters in ``text``, each once, in order."""
    if text.isascii():
        return []
    return list(dict.fromkeys(INVISIBLE[c] for c in _INVISIBLE_RE.findall(text)))


def without_invisible(text: str) -> str:
    """``text`` with every invisible character removed."""
    return text if text.isascii() else _INVISIBLE_RE.sub("", text)


def look_alike_key(text: str, *, fold_case: bool = True) -> str:
    """What a reader sees: NFC, invisible characters gone, spaces collapsed, case folded."""
    if not text.isascii():
        text = without_invisible(unicodedata.normalize("NFC", text))
    key = _SPACE.sub(" ", text).strip()
    return key.casefold() if fold_case else key


def tokens(text: str) -> list[str]:
    """The words of ``text``, case-folded, typographic apostrophes made straight, 1,000 -> 1000."""
    if not text.isascii():
        text = without_invisible(unicodedata.normalize("NFKC", text)).replace("’", "'")
    words = _TOKEN.findall(text.casefold())
    if "," in text:
        words = [w.replace(",", "") if w[0].isdigit() else w for w in words]
    return words


@functools.lru_cache(maxsize=65536)
def content_words(text: str) -> tuple[str, ...]:
    """The words of a bank text (Markdown markers dropped) that are not stop words.

    Cached: the checks read each prompt and choice several times.
    """
    return tuple(w for w in tokens(plain(text)) if w not in STOP_WORDS)


def number_word_value(text: str) -> int | None:
    """The value of a number written in words (``twenty-five``, ``three hundred``), else None."""
    words = [w for w in re.split(r"[\s-]+", text.strip().casefold()) if w and w != "and"]
    if not words:
        return None
    total = current = 0
    for word in words:
        if word in NUMBER_WORDS:
            current += NUMBER_WORDS[word]
        elif word in _SCALES:
            scale = _SCALES[word]
            current = max(current, 1) * scale
            if scale > 100:
                total, current = total + current, 0
        else:
            return None
    return total + current
