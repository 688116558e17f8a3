"""Q401 to Q403: text a student cannot see, and texts that look the same but are not.

``Iran`` and ``Iran\\u200b`` (a zero-width space) are two different choices to a computer
and one to a reader: a student typing Iran is marked wrong. Two topics ``Energy`` and
``energy`` become two Anki decks.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..model import (
    Cloze,
    Matching,
    MultipleAnswer,
    MultipleChoice,
    Numeric,
    Ordering,
    Question,
    ShortAnswer,
)
from . import Findings, at, shown
from .words import invisible_in, look_alike_key


def check(found: Findings) -> None:
    """Invisible characters, look-alike choices/items/answers, look-alike topics."""
    bank = found.bank
    for key, text in (("title", bank.title), ("description", bank.description or "")):
        names = invisible_in(text)
        if names:
            where = bank.locations.get(key, bank.location)
            found.add("Q401", where, f"the bank {key} contains {_named(names)}; delete them")
    for q in found.bank.questions:
        for key, text in _texts(q):
            names = invisible_in(text)
            if names:
                message = (
                    f"{key.split('[')[0]} '{shown(text, 40)}' contains {_named(names)}, which a "
                    "student cannot see or type; delete them"
                )
                found.add("Q401", q.where(key), message, q)
        for what, group in _groups(q):
            _look_alikes(found, q, what, group, fold_case=not _case_matters(q))
    _topics(found)


def _named(names: list[str]) -> str:
    return "invisible characters (" + ", ".join(names) + ")"


def _case_matters(q: Question) -> bool:
    return isinstance(q, ShortAnswer) and q.case_sensitive


def _texts(q: Question) -> Iterator[tuple[str, str]]:
    for key in ("prompt", "explanation", "topic"):
        value = getattr(q, key)
        if value:
            yield key, value
    for ref in q.citations:
        yield "source.quote", ref.quote
    for _, group in _groups(q):
        yield from group
    if isinstance(q, Cloze):
        yield "text", q.text
    if isinstance(q, Numeric) and q.unit:
        yield "unit", q.unit


def _groups(q: Question) -> Iterator[tuple[str, list[tuple[str, str]]]]:
    """The sets of texts within a question that a student must tell apart."""
    if isinstance(q, (MultipleChoice, MultipleAnswer)):
        yield "choices", [(f"choices[{i}]", c) for i, c in enumerate(q.choices)]
    elif isinstance(q, ShortAnswer):
        yield "answers", [("answer", a) for a in q.answers]
    elif isinstance(q, Ordering):
        yield "items", [(f"items[{i}]", t) for i, t in enumerate(q.items)]
    elif isinstance(q, Matching):
        yield "left items", [(f"pairs[{i}]", left) for i, (left, _) in enumerate(q.pairs)]
        yield "right items", [(f"pairs[{i}]", right) for i, (_, right) in enumerate(q.pairs)]


def _look_alikes(
    found: Findings, q: Question, what: str, group: list[tuple[str, str]], *, fold_case: bool
) -> None:
    """Q402 (an error): two texts of a group equal once case, Unicode form and invisibles are set aside."""
    first: dict[str, str] = {}
    for key, text in group:
        norm = look_alike_key(text, fold_case=fold_case)
        if norm in first and first[norm] != text:
            message = (
                f"{what} '{shown(text, 40)}' and '{shown(first[norm], 40)}' look the same "
                "(they differ only by case, spaces, Unicode form or invisible characters); "
                "a student cannot tell them apart: make them differ visibly"
            )
            found.add("Q402", q.where(key), message, q)
        first.setdefault(norm, text)


def _topics(found: Findings) -> None:
    """Q403: two topics that differ only by case, spaces or invisible characters."""
    first: dict[str, tuple[str, Question]] = {}
    reported: set[str] = set()
    for q in found.bank.questions:
        if not q.topic:
            continue
        norm = look_alike_key(q.topic)
        if norm not in first:
            first[norm] = (q.topic, q)
            continue
        topic, owner = first[norm]
        if topic != q.topic and q.topic not in reported:
            reported.add(q.topic)
            message = (
                f"topic '{shown(q.topic)}' differs from topic '{shown(topic)}' (question "
                f"'{owner.id}', {at(owner.where('topic'))}) only by case, spaces or invisible "
                "characters; they would be two decks and two headings: write them alike"
            )
            found.add("Q403", q.where("topic"), message, q)
