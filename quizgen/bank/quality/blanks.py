"""Q501, Q601, Q602: cloze numbers Anki reads otherwise; blanks that test English.

Anki reads a cloze number as an integer: ``c01`` is the card of ``c1`` (measured with
Anki 25's backend). The loader already refuses numbers above c500 and digits of other
scripts.
"""

from __future__ import annotations

import re

from ..model import Cloze, ShortAnswer
from . import Findings, shown
from .words import STOP_WORDS, number_word_value, plain, tokens

_NUMBER = re.compile(r"\{\{c([0-9]+)::")


def check(found: Findings) -> None:
    """Cloze numbers, stop-word blanks and number words without digits."""
    for q in found.bank.questions:
        if isinstance(q, Cloze):
            _cloze_numbers(found, q)
            _stop_word_blanks(found, q)
        elif isinstance(q, ShortAnswer):
            _number_words(found, q)


def _cloze_numbers(found: Findings, q: Cloze) -> None:
    """Q501 (an error): a cloze number with a leading zero, which Anki reads without it."""
    for written in dict.fromkeys(_NUMBER.findall(q.text)):
        if written.startswith("0") and written.strip("0"):
            plain = written.lstrip("0")
            message = (
                f"cloze number c{written} has a leading zero; Anki reads it as c{plain}, "
                f"a card it may share with another gap: write c{plain}"
            )
            found.add("Q501", q.where("text"), message, q)


def _stop_word_blanks(found: Findings, q: Cloze) -> None:
    """Q601: a blank whose answer is only little words ("the", "of", "and")."""
    for d in q.deletions:
        words = tokens(plain(d.answer))
        if words and all(w in STOP_WORDS for w in words):
            message = (
                f"blank c{d.number} hides '{shown(d.answer, 30)}', a word that tests English, "
                "not the content; blank a word that carries the fact"
            )
            found.add("Q601", q.where("text"), message, q)


def _number_words(found: Findings, q: ShortAnswer) -> None:
    """Q602: an answer that is a number in words, without the digits accepted too."""
    accepted = {a.strip().casefold() for a in q.answers}
    for answer in q.answers:
        value = number_word_value(plain(answer))
        if value is None or str(value) in accepted or f"{value:,}" in accepted:
            continue
        message = (
            f"answer '{answer}' is a number in words; a student who types {value} is marked "
            f"wrong: accept the digits too, answer: [{', '.join(q.answers)}, {value}]"
        )
        found.add("Q602", q.where("answer"), message, q)
