"""Is this response right? Grading per question type, over text matching and numbers.

Each question type has a layout (the order its choices, matches or items are shown
in, lettered a, b, c...), and the grader reads letters against that layout. Text is
matched by :mod:`.text_match` (normalisation, typo budget), numbers by :mod:`.numbers`.
The same rules are exported as data with conformance vectors by :mod:`.conformance`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

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
from ..questions import (
    FALSE_WORDS,
    TRUE_WORDS,
    choice_order,
    derangement,
    letter,
    letter_index,
    not_in_answer_order,
    number_text,
    part_credit,
    right_indices,
    shuffled,
    true_false_text,
)
from .numbers import grade_number, parse_number
from .text_match import grade_text, normalize
from .verdict import Outcome, Verdict

# ------------------------------------------------------------------ true / false


def parse_true_false(text: str) -> bool | None:
    """A typed word as true or false (:data:`quizgen.questions.TRUE_WORDS` and
    ``FALSE_WORDS``: t/true/y/yes/1, f/false/n/no/0), compared after :func:`normalize`;
    anything else None."""
    word = normalize(text)
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


# ------------------------------------------------------------------------ layout


def shown_letter(position: int) -> str:
    """The label of a display position on a terminal: a, b, ... z, aa, ab..."""
    return letter(position, lower=True)


@dataclass(frozen=True)
class Layout:
    """How a question is shown: the bank indices of its choices (or matches, or
    items) in display order. Display position ``i`` is lettered ``shown_letter(i)``."""

    order: tuple[int, ...] = ()


def make_layout(question: Question, seed: object | None) -> Layout:
    """The display order of a question's choices, matches or items.

    With ``seed`` None (``--no-shuffle``) choices keep the bank order; otherwise they
    are shuffled reproducibly by seed and question id. Items are never shown in their
    answer order (rotated by one if they would be), and no match is shown beside its
    own item (a derangement of the shuffle).
    """
    if isinstance(question, (MultipleChoice, MultipleAnswer)):
        return Layout(tuple(choice_order(question, seed)))
    if isinstance(question, Matching):
        count = len(question.pairs)
    elif isinstance(question, Ordering):
        count = len(question.items)
    else:
        return Layout()
    order = list(range(count))
    if seed is not None:
        order = shuffled(order, seed, question.id, "layout")
    if isinstance(question, Matching):
        return Layout(tuple(derangement(order)))
    return Layout(tuple(not_in_answer_order(order)))


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


def _right_positions(question: Question, layout: Layout) -> list[int]:
    """The display positions of the right choices, in display order."""
    right = set(right_indices(question))
    return [p for p, i in enumerate(layout.order) if i in right]


def _lettered(shown: Sequence[str], positions: Sequence[int]) -> str:
    return ", ".join(f"{shown_letter(p)}) {shown[p]}" for p in positions)


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


def input_problem(question: Question, layout: Layout, text: str) -> str | None:
    """Why a typed line cannot be read as an answer, or None if it can.

    Used on a terminal to ask again instead of grading a slip of the keyboard;
    an empty line is a valid "I don't know".
    """
    if not text.strip():
        return None
    shown = shown_items(question, layout)
    last = shown_letter(len(shown) - 1) if shown else "a"
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
            hint = f"type all {len(shown)} letters, each once, first to last"
            example = ordering_example(question, layout)
            if example is None:
                return hint
            return f"{hint}, such as: {' '.join(shown_letter(p) for p in example)}"
    return None


def ordering_example(question: Ordering, layout: Layout) -> list[int] | None:
    """Display positions for the ordering hint's example: neither the order shown (never
    right, since items are never shown in answer order) nor the right order; None when
    there is no third order (two items)."""
    count = len(question.items)
    right = [layout.order.index(i) for i in range(count)]
    shown = list(range(count))
    for candidate in (shown[::-1], shown[1:] + shown[:1], shown[-1:] + shown[:-1]):
        if candidate not in (right, shown):
            return candidate
    return None


def right_answer_text(question: Question, layout: Layout) -> str:
    """The right answer in the terms it was asked in (letters where letters were shown)."""
    shown = shown_items(question, layout)
    if isinstance(question, TrueFalse):
        return true_false_text(question.answer)
    if isinstance(question, MultipleChoice):
        return _lettered(shown, [layout.order.index(question.answer_index)])
    if isinstance(question, MultipleAnswer):
        return _lettered(shown, _right_positions(question, layout))
    if isinstance(question, ShortAnswer):
        return question.answer
    if isinstance(question, Numeric):
        return number_text(question).summary
    if isinstance(question, Cloze):
        return "; ".join(d.answer for d in question.deletions)
    if isinstance(question, Matching):
        return "; ".join(
            f"{left} → {shown_letter(layout.order.index(i))}) {right}"
            for i, (left, right) in enumerate(question.pairs)
        )
    if isinstance(question, Ordering):
        positions = [layout.order.index(i) for i in range(len(question.items))]
        return (
            " ".join(shown_letter(p) for p in positions) + " (" + " → ".join(question.items) + ")"
        )
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


def _grade_true_false(q: TrueFalse, said: list[str], layout: Layout, canonical: str) -> Verdict:
    value = parse_true_false(said[0])
    return Verdict("right" if value is q.answer else "wrong", canonical)


def _grade_choice(q: MultipleChoice, said: list[str], layout: Layout, canonical: str) -> Verdict:
    position = resolve_choice(said[0], shown_items(q, layout))
    ok = position is not None and layout.order[position] == q.answer_index
    return Verdict("right" if ok else "wrong", canonical)


def _grade_choices(q: MultipleAnswer, said: list[str], layout: Layout, canonical: str) -> Verdict:
    chosen = set(parse_letters(said[0], shown_items(q, layout)) or [])
    expected = set(_right_positions(q, layout))
    if chosen == expected:
        return Verdict("right", canonical)
    notes = []
    if chosen and expected - chosen:
        notes.append("missed " + " ".join(shown_letter(p) for p in sorted(expected - chosen)))
    if chosen - expected:
        notes.append("not right: " + " ".join(shown_letter(p) for p in sorted(chosen - expected)))
    return Verdict("wrong", canonical, note="; ".join(notes) or None)


def _grade_short(q: ShortAnswer, said: list[str], layout: Layout, canonical: str) -> Verdict:
    verdict = grade_text(said[0], q.answers, case_sensitive=q.case_sensitive)
    return Verdict(verdict.outcome, canonical, spelling=verdict.spelling)


def _grade_number(q: Numeric, said: list[str], layout: Layout, canonical: str) -> Verdict:
    return grade_number(said[0], q)


def _grade_cloze(q: Cloze, said: list[str], layout: Layout, canonical: str) -> Verdict:
    gaps = zip(said, q.deletions, strict=False)
    parts = [
        _labelled(grade_text(line, [d.answer]), f"[{n}] {d.answer}")
        for n, (line, d) in enumerate(gaps, start=1)
    ]
    verdict = _combine(parts, canonical)
    if verdict.outcome == "typo":
        typos = "; ".join(p.canonical for p in parts if p.outcome == "typo")
        return Verdict("typo", canonical, spelling=typos, parts=verdict.parts)
    return verdict


def _grade_matching(q: Matching, said: list[str], layout: Layout, canonical: str) -> Verdict:
    shown = shown_items(q, layout)
    parts = []
    for i, ((left, right), line) in enumerate(zip(q.pairs, said, strict=False)):
        position = resolve_choice(line, shown)
        ok = position is not None and layout.order[position] == i
        label = f"{i + 1}. {left} → {shown_letter(layout.order.index(i))}) {right}"
        parts.append(
            Verdict("right" if ok else "wrong", label, note=_typed(line, position, shown, ok))
        )
    return _combine(parts, canonical)


def _typed(line: str, position: int | None, shown: Sequence[str], ok: bool) -> str | None:
    """What a wrong matching line said: the match it names, or the text as typed."""
    if ok:
        return None
    if position is not None:
        return f"{shown_letter(position)}) {shown[position]}"
    return line.strip() or "nothing"


def _grade_ordering(q: Ordering, said: list[str], layout: Layout, canonical: str) -> Verdict:
    order = parse_letters(said[0], shown_items(q, layout))
    ok = order is not None and [layout.order[p] for p in order] == list(range(len(q.items)))
    return Verdict("right" if ok else "wrong", canonical)


_GRADERS: dict[type[Question], Callable[[Any, list[str], Layout, str], Verdict]] = {
    TrueFalse: _grade_true_false,
    MultipleChoice: _grade_choice,
    MultipleAnswer: _grade_choices,
    ShortAnswer: _grade_short,
    Numeric: _grade_number,
    Cloze: _grade_cloze,
    Matching: _grade_matching,
    Ordering: _grade_ordering,
}


def part_share(question: Question, said: Sequence[str], layout: Layout, verdict: Verdict) -> float:
    """The share of a part-credit question's points (0..1) its responses earn, by the rule
    of :func:`quizgen.questions.part_credit`: parts right over parts."""
    if isinstance(question, Cloze | Matching):
        parts = verdict.parts
        return sum(1 for p in parts if p.is_right) / len(parts) if parts else 0.0
    if isinstance(question, Ordering):
        order = parse_letters(said[0], shown_items(question, layout)) or []
        if len(order) > len(question.items):
            return 0.0  # more letters than items: not an order
        placed = sum(1 for k, p in enumerate(order) if layout.order[p] == k)
        return placed / len(question.items)
    if isinstance(question, MultipleAnswer):
        chosen = set(parse_letters(said[0], shown_items(question, layout)) or [])
        expected = set(_right_positions(question, layout))
        return (len(layout.order) - len(chosen ^ expected)) / len(layout.order)
    return 1.0 if verdict.is_right else 0.0


def grade(question: Question, responses: Sequence[str], layout: Layout | None = None) -> Verdict:
    """Grade a question's responses (one per gap or item where it asks several); a question
    with part credit gets the share of its points earned (:attr:`Verdict.partial`)."""
    layout = layout or make_layout(question, None)
    canonical = right_answer_text(question, layout)
    said = list(responses) + [""] * (response_count(question) - len(responses))
    grader = _GRADERS.get(type(question))
    if grader is None:
        return Verdict("wrong", canonical, note=f"unknown question type {question.type!r}")
    verdict = grader(question, said, layout, canonical)
    if part_credit(question) is None:
        return verdict
    return replace(verdict, partial=part_share(question, said, layout, verdict))
