"""Q201 to Q205: cues in the choices that let a test-wise student answer without knowing.

Three look at the whole bank (the right answer longest too often, unshuffled answers
always in one position, a true/false share far from half); two at one question ("all of
the above", a choice that contains another).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from ..model import MultipleAnswer, MultipleChoice, Question, TrueFalse
from . import Findings
from .words import plain, tokens

LONGEST_SHARE = 1 / 3
TRUE_SHARE = (0.35, 0.65)
MIN_TRUE_FALSE = 4
MIN_UNSHUFFLED = 3
_ABOVE = re.compile(
    r"\b(all|none|both|neither)\s+of\s+(the\s+)?(above|these|them|the\s+others)\b", re.I
)


def _ids(questions: Sequence[Question], limit: int = 8) -> str:
    names = ", ".join(q.id for q in questions[:limit])
    more = len(questions) - limit
    return names + (f" and {more} more" if more > 0 else "")


def check(found: Findings) -> None:
    """Every cue check on one bank."""
    _longest(found)
    _position(found)
    _true_share(found)
    for q in found.bank.questions:
        if isinstance(q, (MultipleChoice, MultipleAnswer)):
            _above(found, q)
            _contains(found, q)


def _longest(found: Findings) -> None:
    """Q201: the right answer is the longest choice in more than a third of the questions."""
    counted: list[MultipleChoice] = []
    longest: list[MultipleChoice] = []
    for q in found.bank.questions:
        if not isinstance(q, MultipleChoice) or len(q.choices) < 3:
            continue
        size = len(plain(q.answer).strip())
        is_longest = all(len(plain(c).strip()) < size for c in q.choices if c != q.answer)
        if is_longest and found.silenced(q, "Q201"):
            continue
        counted.append(q)
        if is_longest:
            longest.append(q)
    if len(counted) >= 3 and len(longest) > LONGEST_SHARE * len(counted):
        bank = found.bank
        message = (
            f"the right answer is the longest choice in {len(longest)} of {len(counted)} "
            f"multiple-choice questions ({_ids(longest)}); test-wise students pick the longest: "
            "make the wrong choices as long and as precise"
        )
        found.add("Q201", bank.locations.get("questions", bank.location), message)


def _position(found: Findings) -> None:
    """Q202: with shuffle: false, every right answer stands in the same position."""
    fixed = [
        q
        for q in found.bank.questions
        if isinstance(q, MultipleChoice) and not q.shuffle and not found.silenced(q, "Q202")
    ]
    if len(fixed) < MIN_UNSHUFFLED:
        return
    positions = Counter(q.answer_index for q in fixed)
    if len(positions) == 1:
        letter = "ABCDEFGHIJ"[fixed[0].answer_index]
        message = (
            f"all {len(fixed)} multiple-choice questions with shuffle: false have their answer "
            f"in position {letter} ({_ids(fixed)}); vary the position or let quizgen shuffle"
        )
        found.add("Q202", fixed[-1].where("shuffle"), message)


def _true_share(found: Findings) -> None:
    """Q203: the share of true answers outside 35-65 %."""
    answers = [
        q
        for q in found.bank.questions
        if isinstance(q, TrueFalse) and not found.silenced(q, "Q203")
    ]
    if len(answers) < MIN_TRUE_FALSE:
        return
    true = sum(1 for q in answers if q.answer)
    share = true / len(answers)
    if TRUE_SHARE[0] <= share <= TRUE_SHARE[1]:
        return
    word, count = ("True", true) if share > TRUE_SHARE[1] else ("False", len(answers) - true)
    bank = found.bank
    message = (
        f"{count} of {len(answers)} true/false answers are {word} ({share if word == 'True' else 1 - share:.0%}); "
        f"a student who always answers {word} scores well: keep the share of true "
        "statements between 35 % and 65 %"
    )
    found.add("Q203", bank.locations.get("questions", bank.location), message)


def _above(found: Findings, q: MultipleChoice | MultipleAnswer) -> None:
    """Q204: "all of the above", "none of the above" and their kin."""
    for i, choice in enumerate(q.choices):
        match = _ABOVE.search(plain(choice))
        if match:
            message = (
                f"choice '{match.group(0)}': it depends on the other choices' order and rewards "
                "partial knowledge; write a plain choice, or use multiple_answer"
            )
            found.add("Q204", q.where(f"choices[{i}]"), message, q)


def _contains(found: Findings, q: MultipleChoice | MultipleAnswer) -> None:
    """Q205: one choice's words contain another choice whole."""
    words = [tuple(tokens(plain(c))) for c in q.choices]
    for i, outer in enumerate(words):
        for j, inner in enumerate(words):
            if i == j or not inner or len(inner) >= len(outer):
                continue
            n = len(inner)
            if any(outer[k : k + n] == inner for k in range(len(outer) - n + 1)):
                message = (
                    f"choice '{q.choices[i]}' contains choice '{q.choices[j]}'; overlapping "
                    "choices are a cue (or two right answers): make them exclusive"
                )
                found.add("Q205", q.where(f"choices[{i}]"), message, q)
                break
