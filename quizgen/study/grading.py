"""Is this response right? Forgiving where a teacher would be, strict where it matters.

* Text is compared after Unicode NFKC, case folding (unless the question is
  ``case_sensitive``), with accents, punctuation and runs of spaces ignored.
* Every accepted alternative counts. Small typos are forgiven by the Damerau
  (optimal string alignment) edit distance, scaled to the answer's length: none up
  to 4 letters, one up to 8, two beyond; a swap of two neighbours is one edit. A
  forgiven typo is its own verdict, ``typo``, so the student sees the spelling.
* Digits are never fuzzy: ``1914`` is not ``1941``, in a number or inside text.
* Numbers are parsed (sign, decimals, thousands separators, a unit around them) and
  compared within the question's tolerance.

Each question type has a layout (the order its choices, matches or items are shown
in, lettered a, b, c...), and the grader reads letters against that layout.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from ..bank.model import (
    Cloze,
    Matching,
    MultipleAnswer,
    MultipleChoice,
    Numeric,
    Ordering,
    Question,
    ShortAnswer,
    TrueFalse,
)
from ..bank.select import choice_order, shuffled
from ..text import format_number

Outcome = Literal["right", "typo", "wrong"]


@dataclass(frozen=True)
class Verdict:
    """The grade of one response.

    ``canonical`` is the right answer as the student should see it; for a typo,
    ``spelling`` is the accepted answer the response was taken for. Questions asked
    in several parts (cloze gaps, matching items) carry one verdict per part.
    """

    outcome: Outcome
    canonical: str
    spelling: str | None = None
    note: str | None = None
    parts: tuple[Verdict, ...] = ()

    @property
    def is_right(self) -> bool:
        """Right, with or without a typo."""
        return self.outcome != "wrong"


# --------------------------------------------------------------------------- text


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
    if letters <= 4:
        return 0
    if letters <= 8:
        return 1
    return 2


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


# ------------------------------------------------------------------------ numbers

_MINUS = "-\u2212\u2012\u2013\u2014\ufe63\uff0d"
_GROUP = ",'\u2019_ \u00a0\u202f\u2009"
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
    """The number a student typed, or None if it is not one number.

    Accepts a sign (``-``, ``−``, ``+``), decimals (``3.5``; ``3,5`` as a decimal
    comma), thousands separators in threes (``1,234,567``, ``1 234``, ``1'234``,
    ``1_234``), an exponent (``1.5e3``) and a unit or currency around the number
    (``42 km``, ``$1,000``, ``50%``). Two numbers (``12 or 13``) are not one number.
    """
    text = unicodedata.normalize("NFKC", text).strip()
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
    value = _parse_mantissa(m.group("number").rstrip(_GROUP))
    if value is None or math.isnan(value) or math.isinf(value):
        return None
    return -value if m.group("sign") and m.group("sign") in _MINUS else value


def numeric_answer_text(question: Numeric) -> str:
    """The right answer of a numeric question, with its tolerance and unit."""
    text = format_number(question.answer)
    if question.tolerance:
        text += f" ± {format_number(question.tolerance)}"
    if question.unit:
        text += f" {question.unit}"
    return text


def grade_number(response: str, question: Numeric) -> Verdict:
    """A parsed number within the question's tolerance is right; nothing is fuzzy."""
    canonical = numeric_answer_text(question)
    value = parse_number(response)
    if value is None:
        note = "not a number" if response.strip() else None
        return Verdict("wrong", canonical, note=note)
    return Verdict("right" if question.accepts(value) else "wrong", canonical)


# ------------------------------------------------------------------ true / false

_TRUE = {"t", "true", "y", "yes", "1", "vrai", "v", "w", "wahr"}
_FALSE = {"f", "false", "n", "no", "0", "faux", "falsch"}


def parse_true_false(text: str) -> bool | None:
    """``t``/``true``/``y``/``yes`` is True, ``f``/``false``/``n``/``no`` False, else None."""
    word = normalize(text)
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    return None


def true_false_text(value: bool) -> str:
    return "true" if value else "false"


# ------------------------------------------------------------------------ layout


def letter(index: int) -> str:
    """``0 -> a``, ``25 -> z``, ``26 -> aa``: the label of a shown choice."""
    out = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = chr(ord("a") + rest) + out
    return out


def letter_index(text: str, count: int) -> int | None:
    """The index a typed letter stands for among ``count`` shown items, or None."""
    word = text.strip().casefold().rstrip(").")
    for i in range(count):
        if letter(i) == word:
            return i
    return None


@dataclass(frozen=True)
class Layout:
    """How a question is shown: the bank indices of its choices (or matches, or
    items) in display order. Display position ``i`` is lettered ``letter(i)``."""

    order: tuple[int, ...] = ()


def _scrambled(count: int) -> list[int]:
    """A fixed, never-identity order for unshuffled matching and ordering."""
    if count < 2:
        return list(range(count))
    return [*range(1, count), 0]


def make_layout(question: Question, seed: object | None) -> Layout:
    """The display order of a question's choices, matches or items.

    With ``seed`` None (``--no-shuffle``) choices keep the bank order; matches and
    items, which must not be shown in their answer order, are rotated by one.
    Otherwise everything is shuffled reproducibly by seed and question id.
    """
    if isinstance(question, (MultipleChoice, MultipleAnswer)):
        return Layout(tuple(choice_order(question, seed)))
    if isinstance(question, Matching):
        count = len(question.pairs)
    elif isinstance(question, Ordering):
        count = len(question.items)
    else:
        return Layout()
    if seed is None:
        return Layout(tuple(_scrambled(count)))
    order = shuffled(list(range(count)), seed, question.id, "layout")
    if order == list(range(count)) and count > 1:
        order = order[1:] + order[:1]
    return Layout(tuple(order))


def shown_items(question: Question, layout: Layout) -> list[str]:
    """The lettered texts in display order (choices, matches or items)."""
    if isinstance(question, (MultipleChoice, MultipleAnswer)):
        texts: Sequence[str] = question.choices
    elif isinstance(question, Matching):
        texts = question.rights
    elif isinstance(question, Ordering):
        texts = question.items
    else:
        return []
    return [texts[i] for i in layout.order]


def _lettered(shown: Sequence[str], positions: Sequence[int]) -> str:
    return ", ".join(f"{letter(p)}) {shown[p]}" for p in positions)


def resolve_choice(text: str, shown: Sequence[str]) -> int | None:
    """The display position a response names: its letter, or its text (typos forgiven)."""
    position = letter_index(text, len(shown))
    if position is not None:
        return position
    said = normalize(text)
    if not said:
        return None
    for i, choice in enumerate(shown):
        if said == normalize(choice):
            return i
    close = [i for i, choice in enumerate(shown) if grade_text(text, [choice]).is_right]
    if len(close) == 1:
        return close[0]
    if len(said) >= 3:  # the start of exactly one choice's text: "the two" for "The two leaders"
        starts = [
            i for i, choice in enumerate(shown) if f"{normalize(choice)} ".startswith(said + " ")
        ]
        if len(starts) == 1:
            return starts[0]
    return None


_SEPARATORS = re.compile(r"[\s,;/]+")


def parse_letters(text: str, shown: Sequence[str]) -> list[int] | None:
    """Several display positions: ``a c``, ``a,c``, ``ac`` or choice texts split by commas."""
    stripped = text.strip()
    if not stripped:
        return None
    tokens = [t for t in _SEPARATORS.split(stripped) if t]
    positions = [letter_index(t, len(shown)) for t in tokens]
    if all(p is not None for p in positions):
        return [p for p in positions if p is not None]
    if len(tokens) == 1 and len(shown) <= 26:
        singles = [letter_index(ch, len(shown)) for ch in tokens[0]]
        if all(p is not None for p in singles):
            return [p for p in singles if p is not None]
    by_text = [resolve_choice(part, shown) for part in re.split(r"[,;]", stripped) if part.strip()]
    if by_text and all(p is not None for p in by_text):
        return [p for p in by_text if p is not None]
    return None


# ------------------------------------------------------------------- every type


def response_count(question: Question) -> int:
    """How many lines a question asks for: one per cloze gap or matching item, else one."""
    if isinstance(question, Cloze):
        return len(question.deletions)
    if isinstance(question, Matching):
        return len(question.pairs)
    return 1


def input_problem(question: Question, layout: Layout, text: str, part: int = 0) -> str | None:
    """Why a typed line cannot be read as an answer, or None if it can.

    Used on a terminal to ask again instead of grading a slip of the keyboard;
    an empty line is a valid "I don't know".
    """
    if not text.strip():
        return None
    shown = shown_items(question, layout)
    last = letter(len(shown) - 1) if shown else "a"
    if isinstance(question, TrueFalse) and parse_true_false(text) is None:
        return "type t (true) or f (false)"
    if isinstance(question, MultipleChoice) and resolve_choice(text, shown) is None:
        return f"type a letter from a to {last}, or the choice's text"
    if isinstance(question, MultipleAnswer) and parse_letters(text, shown) is None:
        return f"type letters from a to {last}, such as: a c"
    if isinstance(question, Numeric) and parse_number(text) is None:
        return "type a number"
    if isinstance(question, Matching) and resolve_choice(text, shown) is None:
        return f"type a letter from a to {last}, or the match's text"
    if isinstance(question, Ordering):
        order = parse_letters(text, shown)
        if order is None or sorted(order) != list(range(len(shown))):
            return f"type all {len(shown)} letters in order, such as: {' '.join(letter(i) for i in range(len(shown)))}"
    return None


def right_answer_text(question: Question, layout: Layout) -> str:
    """The right answer in the terms it was asked in (letters where letters were shown)."""
    shown = shown_items(question, layout)
    if isinstance(question, TrueFalse):
        return true_false_text(question.answer)
    if isinstance(question, MultipleChoice):
        return _lettered(shown, [layout.order.index(question.answer_index)])
    if isinstance(question, MultipleAnswer):
        positions = [
            p for p, i in enumerate(layout.order) if question.choices[i] in question.answers
        ]
        return _lettered(shown, positions)
    if isinstance(question, ShortAnswer):
        return question.answer
    if isinstance(question, Numeric):
        return numeric_answer_text(question)
    if isinstance(question, Cloze):
        return "; ".join(d.answer for d in question.deletions)
    if isinstance(question, Matching):
        return "; ".join(
            f"{left} → {letter(layout.order.index(i))}) {right}"
            for i, (left, right) in enumerate(question.pairs)
        )
    if isinstance(question, Ordering):
        positions = [layout.order.index(i) for i in range(len(question.items))]
        return " ".join(letter(p) for p in positions) + " (" + " → ".join(question.items) + ")"
    return ""


def _labelled(verdict: Verdict, label: str) -> Verdict:
    return Verdict(verdict.outcome, label, spelling=verdict.spelling)


def _combine(parts: list[Verdict], canonical: str) -> Verdict:
    if all(p.outcome == "right" for p in parts):
        outcome: Outcome = "right"
    elif all(p.is_right for p in parts):
        outcome = "typo"
    else:
        outcome = "wrong"
    wrong = sum(1 for p in parts if not p.is_right)
    note = f"{len(parts) - wrong} of {len(parts)} right" if wrong and len(parts) > 1 else None
    return Verdict(outcome, canonical, note=note, parts=tuple(parts))


def grade(question: Question, responses: Sequence[str], layout: Layout | None = None) -> Verdict:
    """Grade a question's responses (one per gap or item where it asks several)."""
    layout = layout or make_layout(question, None)
    canonical = right_answer_text(question, layout)
    needed = response_count(question)
    responses = list(responses) + [""] * (needed - len(responses))
    first = responses[0]
    shown = shown_items(question, layout)

    if isinstance(question, TrueFalse):
        said = parse_true_false(first)
        return Verdict("right" if said is question.answer else "wrong", canonical)
    if isinstance(question, MultipleChoice):
        position = resolve_choice(first, shown)
        right = position is not None and layout.order[position] == question.answer_index
        return Verdict("right" if right else "wrong", canonical)
    if isinstance(question, MultipleAnswer):
        positions = set(parse_letters(first, shown) or [])
        right = {p for p, i in enumerate(layout.order) if question.choices[i] in question.answers}
        if positions == right:
            return Verdict("right", canonical)
        notes = []
        if positions and right - positions:
            notes.append("missed " + " ".join(letter(p) for p in sorted(right - positions)))
        if positions - right:
            notes.append("not right: " + " ".join(letter(p) for p in sorted(positions - right)))
        return Verdict("wrong", canonical, note="; ".join(notes) or None)
    if isinstance(question, ShortAnswer):
        verdict = grade_text(first, question.answers, case_sensitive=question.case_sensitive)
        return Verdict(verdict.outcome, canonical, spelling=verdict.spelling)
    if isinstance(question, Numeric):
        return grade_number(first, question)
    if isinstance(question, Cloze):
        gaps = zip(responses, question.deletions, strict=False)
        parts = [
            _labelled(grade_text(said, [d.answer]), f"[{n}] {d.answer}")
            for n, (said, d) in enumerate(gaps, start=1)
        ]
        verdict = _combine(parts, canonical)
        if verdict.outcome == "typo":
            typos = "; ".join(p.canonical for p in parts if p.outcome == "typo")
            return Verdict("typo", canonical, spelling=typos, parts=verdict.parts)
        return verdict
    if isinstance(question, Matching):
        parts = []
        for i, ((left, right), said) in enumerate(zip(question.pairs, responses, strict=False)):
            position = resolve_choice(said, shown)
            ok = position is not None and layout.order[position] == i
            label = f"{i + 1}. {left} → {letter(layout.order.index(i))}) {right}"
            parts.append(Verdict("right" if ok else "wrong", label))
        return _combine(parts, canonical)
    if isinstance(question, Ordering):
        order = parse_letters(first, shown)
        ok = order is not None and [layout.order[p] for p in order] == list(range(len(shown)))
        return Verdict("right" if ok else "wrong", canonical)
    return Verdict("wrong", canonical, note=f"unknown question type {question.type!r}")
