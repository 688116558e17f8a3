"""Choosing and ordering questions: the same rules for every output and study mode."""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from .model import Bank, Question

T = TypeVar("T")


@dataclass(frozen=True)
class Criteria:
    """Which questions to take. Empty tuples mean "any"; several values mean "any of these"."""

    tags: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    types: tuple[str, ...] = ()

    def matches(self, question: Question) -> bool:
        if self.tags and not set(self.tags) & set(question.tags):
            return False
        if self.topics:
            wanted = {t.casefold() for t in self.topics}
            if (question.topic or "").casefold() not in wanted:
                return False
        return not (self.types and question.type not in self.types)


def seeded_random(seed: object, *salt: object) -> random.Random:
    """A random generator fixed by ``seed`` and ``salt`` (stable across runs and Pythons)."""
    return random.Random(":".join(str(part) for part in (seed, *salt)))


def shuffled(items: Sequence[T], seed: object, *salt: object) -> list[T]:
    """A copy of ``items`` in a reproducible shuffled order."""
    out = list(items)
    seeded_random(seed, *salt).shuffle(out)
    return out


def choice_order(question: Question, seed: object | None, *salt: object) -> list[int]:
    """Indices of a question's choices in display order.

    Bank order when ``seed`` is None or the question says ``shuffle: false``;
    otherwise a shuffle fixed by seed, question id and ``salt``.
    """
    choices = getattr(question, "choices", ())
    indices = list(range(len(choices)))
    if seed is None or not getattr(question, "shuffle", False):
        return indices
    return shuffled(indices, seed, question.id, *salt)


def select(
    source: Bank | Iterable[Bank] | Iterable[Question],
    criteria: Criteria | None = None,
    *,
    count: int | None = None,
    seed: object | None = None,
    shuffle: bool = True,
) -> list[Question]:
    """The questions that match, optionally shuffled (reproducibly by ``seed``) and cut to ``count``.

    With ``shuffle`` false the bank order is kept and ``count`` takes the first ones.
    With ``shuffle`` true and no seed, a fresh random order is used.
    """
    questions = _questions_of(source)
    criteria = criteria or Criteria()
    chosen = [q for q in questions if criteria.matches(q)]
    if shuffle:
        rng = seeded_random(seed) if seed is not None else random.Random()
        rng.shuffle(chosen)
    if count is not None:
        chosen = chosen[: max(count, 0)]
    return chosen


def _questions_of(source: Bank | Iterable[Bank] | Iterable[Question]) -> list[Question]:
    if isinstance(source, Bank):
        return list(source.questions)
    out: list[Question] = []
    for item in source:
        if isinstance(item, Bank):
            out.extend(item.questions)
        else:
            out.append(item)
    return out
