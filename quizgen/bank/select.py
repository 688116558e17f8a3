"""Choosing and ordering questions: the same rules for every output and study mode."""

from __future__ import annotations

import difflib
import random
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from ..errors import Location, QuizgenError
from .model import Bank, Question

T = TypeVar("T")


@dataclass(frozen=True)
class Criteria:
    """Which questions to take. Empty tuples mean "any"; several values mean "any of these".

    ``exclude_tags`` and ``exclude_topics`` leave out every question with one of them,
    whatever the other criteria say. Tags are exact; topics ignore case.
    """

    tags: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    exclude_tags: tuple[str, ...] = ()
    exclude_topics: tuple[str, ...] = ()

    def matches(self, question: Question) -> bool:
        """Whether ``question`` is one to take."""
        topic = (question.topic or "").casefold()
        if self.exclude_tags and set(self.exclude_tags) & set(question.tags):
            return False
        if self.exclude_topics and topic in {t.casefold() for t in self.exclude_topics}:
            return False
        if self.tags and not set(self.tags) & set(question.tags):
            return False
        if self.topics and topic not in {t.casefold() for t in self.topics}:
            return False
        return not (self.types and question.type not in self.types)

    @property
    def is_empty(self) -> bool:
        """No criterion at all: every question matches."""
        return not (
            self.tags or self.topics or self.types or self.exclude_tags or self.exclude_topics
        )

    def describe(self) -> str:
        """The criteria as the options that give them: ``--topic 'Energy' --exclude-tag 'x'``."""
        parts = [
            f"{option} '{value}'"
            for option, values in (
                ("--tag", self.tags),
                ("--topic", self.topics),
                ("--type", self.types),
                ("--exclude-tag", self.exclude_tags),
                ("--exclude-topic", self.exclude_topics),
            )
            for value in values
        ]
        return " ".join(parts)


def topics_and_tags(
    source: Bank | Iterable[Bank] | Iterable[Question],
) -> tuple[Counter[str], Counter[str]]:
    """The topics and the tags of the questions, each with its number of questions,
    in the order they first appear (topics that differ only in case are one)."""
    topics: Counter[str] = Counter()
    tags: Counter[str] = Counter()
    spelling: dict[str, str] = {}  # topics match whatever their case: the first spelling
    for question in _questions_of(source):
        if question.topic:
            topics[spelling.setdefault(question.topic.casefold(), question.topic)] += 1
        tags.update(dict.fromkeys(question.tags, 1))
    return topics, tags


def selection_problem(
    source: Bank | Iterable[Bank] | Iterable[Question], criteria: Criteria
) -> str | None:
    """Why ``criteria`` selects nothing of ``source``, or None when it selects something.

    A topic or tag named that no question has is a slip of the keyboard, even in an
    ``--exclude-*`` option: the message names it, with a did-you-mean, and lists the
    topics or tags that exist. Otherwise, when no question matches the criteria
    together, it says so and lists both.
    """
    questions = _questions_of(source)
    topics, tags = topics_and_tags(questions)
    folded = {t.casefold(): t for t in topics}
    unknown: list[str] = []
    lists: dict[str, Counter[str]] = {}
    for option, wanted in (
        ("--topic", criteria.topics),
        ("--exclude-topic", criteria.exclude_topics),
    ):
        for topic in wanted:
            if topic.casefold() not in folded:
                hint = _did_you_mean(topic.casefold(), list(folded), folded)
                unknown.append(f"{option} '{topic}': no question has this topic{hint}")
                lists["topics"] = topics
    for option, wanted in (("--tag", criteria.tags), ("--exclude-tag", criteria.exclude_tags)):
        for tag in wanted:
            if tag not in tags:
                hint = _did_you_mean(tag, list(tags))
                unknown.append(f"{option} '{tag}': no question has this tag{hint}")
                lists["tags"] = tags
    if not unknown:
        if any(criteria.matches(q) for q in questions):
            return None
        unknown.append(f"no question matches {criteria.describe()} together")
        lists = {"topics": topics, "tags": tags}
    existing = "; ".join(
        f"{name} in these banks: " + (", ".join(f"{k} ({n})" for k, n in counts.items()) or "none")
        for name, counts in sorted(lists.items(), key=lambda item: item[0] != "topics")
    )
    return "; ".join([*unknown, existing])


def require_match(source: Bank | Iterable[Bank] | Iterable[Question], criteria: Criteria) -> None:
    """Raise QuizgenError with :func:`selection_problem`'s message if ``criteria`` selects nothing."""
    problem = selection_problem(source, criteria)
    if problem is not None:
        raise QuizgenError(problem, location=Location("quizgen"))


def _did_you_mean(word: str, options: list[str], shown: dict[str, str] | None = None) -> str:
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    if not close:
        return ""
    return f" (did you mean '{(shown or {}).get(close[0], close[0])}'?)"


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
