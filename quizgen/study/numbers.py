"""Numbers as students type them: parsed (sign, decimals, groups, exponent, a unit
around them), then compared within the question's tolerance. Nothing here is fuzzy."""

from __future__ import annotations

import math
import re
import unicodedata

from ..bank.model import Numeric
from ..questions import number_text
from .verdict import Verdict

MINUS_SIGNS = "-\u2212\u2012\u2013\u2014\ufe63\uff0d"
GROUP_SEPARATORS = ",'\u2019_ \u00a0\u202f\u2009"
#: Words a student may write before a number to say it is approximate ("about 2").
APPROXIMATE_WORDS = (
    "about",
    "approximately",
    "approx.",
    "approx",
    "around",
    "roughly",
    "circa",
    "ca.",
)
_APPROXIMATE = re.compile(
    r"^\s*(?:" + "|".join(re.escape(w) for w in APPROXIMATE_WORDS) + r")(?:\s+|(?<=\.))",
    re.IGNORECASE,
)
_NUMBER = re.compile(
    r"""^\s*
    (?P<prefix>[^\d\s.+\-\u2212\u2012\u2013\u2014\ufe63\uff0d]{0,3}?)\s*
    (?P<sign>[+\-\u2212\u2012\u2013\u2014\ufe63\uff0d]?)\s*
    (?P<prefix2>[^\d\s.+\-\u2212\u2012\u2013\u2014\ufe63\uff0d]{0,3}?)\s*
    (?P<number>(?:\d[\d,'\u2019_\u00a0\u202f\u2009 ]*(?:[.,]\d+)?|[.,]\d+)(?:[eE][+-]?\d+)?)
    \s*(?P<unit>.*?)\s*$""",
    re.VERBOSE,
)


def _digits_only(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def _parse_mantissa(text: str) -> float | None:
    text = text.strip()
    exponent = ""
    m = re.search(r"[eE][+-]?\d+$", text)
    if m:
        exponent, text = m.group(0), text[: m.start()]
    if not text:
        return None
    separators = [ch for ch in text if not ch.isdigit()]
    if not separators:
        return float(text + exponent)
    last = text.rfind(".")
    if last >= 0:
        integer, fraction = text[:last], text[last + 1 :]
        if "." in integer or not fraction.isdigit():
            return None
        if not _valid_groups(integer):
            return None
        return float(_digits_only(integer) + "." + fraction + exponent)
    # No point: a comma is either a thousands separator (groups of three) or a decimal comma.
    if _valid_groups(text):
        return float(_digits_only(text) + exponent)
    if text.count(",") == 1 and re.fullmatch(r"\d+,\d+", text):
        whole, fraction = text.split(",")
        return float(whole + "." + fraction + exponent)
    return None


def _valid_groups(integer: str) -> bool:
    """Digits, optionally grouped by one kind of separator in threes (``1,234,567``)."""
    if integer.isdigit() or integer == "":
        return True
    seps = {ch for ch in integer if not ch.isdigit()}
    if len(seps) != 1:
        return False
    sep = seps.pop()
    groups = integer.split(sep)
    if not groups[0].isdigit() or len(groups[0]) > 3:
        return False
    return all(len(g) == 3 and g.isdigit() for g in groups[1:])


def parse_number(text: str) -> float | None:
    """The number a student typed, or None if it is not one number (see :func:`read_number`)."""
    read = read_number(text)
    return None if read is None else read[0]


def read_number(text: str) -> tuple[float, str] | None:
    """The number a student typed and the unit text after it, or None if not one number.

    Accepts a sign (``-``, ``−``, ``+``), decimals (``3.5``; ``3,5`` as a decimal
    comma), thousands separators in threes (``1,234,567``, ``1 234``, ``1'234``,
    ``1_234``), an exponent (``1.5e3``) and a unit or currency around the number
    (``42 km``, ``$1,000``, ``50%``), and one approximate word before it (``about 2``,
    ``~2``). Two numbers (``12 or 13``) are not one number.
    """
    text = unicodedata.normalize("NFKC", text).strip()
    text = _APPROXIMATE.sub("", text, count=1)
    m = _NUMBER.match(text)
    if not m or not any(ch.isdigit() for ch in m.group("number")):
        return None
    unit = m.group("unit")
    if unit and re.search(r"^[.,]?\d|(^|\s)[+\-]?\d", unit):
        return None
    if m.group("prefix") and m.group("prefix2"):
        return None
    for prefix in (m.group("prefix"), m.group("prefix2")):
        if prefix and any(ch.isalnum() for ch in prefix):
            return None  # words before the number ("about 40") are not a number
    value = _parse_mantissa(m.group("number").rstrip(GROUP_SEPARATORS))
    if value is None or math.isnan(value) or math.isinf(value):
        return None
    negative = m.group("sign") and m.group("sign") in MINUS_SIGNS
    return (-value if negative else value), unit


def _unit_word(text: str) -> str:
    return re.sub(r"[\s.]+", "", text.casefold())


def unit_matches(typed: str, unit: str) -> bool:
    """Whether the unit typed after a number is the question's unit (``l`` for ``litres``).

    A typed unit with no letter (``%``, nothing) is never held against the student.
    """
    if not any(ch.isalpha() for ch in typed):
        return True
    a, b = _unit_word(typed), _unit_word(unit)
    return a == b or a.rstrip("s") == b.rstrip("s") or b.startswith(a) or a.startswith(b)


def grade_number(response: str, question: Numeric) -> Verdict:
    """A parsed number within the question's tolerance, in the question's unit, is right."""
    canonical = number_text(question).summary
    read = read_number(response)
    if read is None:
        note = "not a number" if response.strip() else None
        return Verdict("wrong", canonical, note=note)
    value, unit = read
    if question.unit and not unit_matches(unit, question.unit):
        return Verdict("wrong", canonical, note=f"the unit is {question.unit}")
    return Verdict("right" if question.accepts(value) else "wrong", canonical)
