"""Q101, Q102, Q206: answers given away by other text printed with them.

A quiz prints every prompt, choice, item and hint on one page, under the bank title and
the topic headings. When one question's answer stands in that text, a student who
reads the page answers it without knowing it.

An answer's *distinguishing words* are its content words (stop words dropped) that its
own question does not already show: not in its prompt (that is the question's context)
and, for a choice question, not in any wrong choice (a word every choice has tells
nothing). A printed text gives an answer away when it holds all of them (for a long
answer, a run of three of its words) and favours it: it does not name a wrong choice as
much (half that choice's own words), so "Putin and Khan" in a title does not answer
"Putin or Imran Khan?".
Answers are indexed by their words; each printed text looks up only its own words, so
the work grows with the text, not with the number of question pairs. A word printed in
more than a quarter of the bank's questions (at least five, at most fifty) is the bank's
subject, not a giveaway; at most five places are reported per answer.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from ...errors import Location
from ...text import format_number
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
from .words import content_words

MAX_SPREAD = 50  # a word printed in more questions than this is vocabulary, whatever the bank
MAX_PLACES = 5  # places reported per answer: the first five make the point
LONG_ANSWER = 3  # words; an answer with more distinguishing words leaks by a run of this many


@dataclass(frozen=True)
class Answer:
    """One right answer of a question, where it is written, and the words that single it out."""

    question: Question
    text: str
    location: Location
    words: frozenset[str]  # its distinguishing words
    runs: frozenset[tuple[str, ...]]  # for a long answer: its runs of LONG_ANSWER words
    rivals: tuple[frozenset[str], ...]  # each wrong choice's words the question does not show


@dataclass(frozen=True)
class Printed:
    """One piece of text a quiz prints: whose it is (None: the bank's), which key, where."""

    question: Question | None
    key: str
    location: Location
    words: tuple[str, ...]

    def runs(self) -> set[tuple[str, ...]]:
        w = self.words
        return {w[i : i + LONG_ANSWER] for i in range(len(w) - LONG_ANSWER + 1)}


def _words(text: str) -> tuple[str, ...]:
    return tuple(content_words(text))


def answers_of(q: Question) -> list[tuple[str, str]]:
    """A question's right answers as (text, key where written); none for true/false and order."""
    if isinstance(q, MultipleChoice):
        return [(q.answer, f"choices[{q.answer_index}]")]
    if isinstance(q, MultipleAnswer):
        return [(a, f"choices[{q.choices.index(a)}]") for a in q.answers]
    if isinstance(q, ShortAnswer):
        return [(a, "answer") for a in q.answers]
    if isinstance(q, Numeric):
        number = format_number(q.answer)
        return [(number, "answer")] if len(number.lstrip("-")) >= 2 else []
    if isinstance(q, Cloze):
        return [(d.answer, "text") for d in q.deletions]
    return []


def _wrong_choices(q: Question) -> list[str]:
    if isinstance(q, MultipleChoice):
        return [c for c in q.choices if c != q.answer]
    if isinstance(q, MultipleAnswer):
        return [c for c in q.choices if c not in q.answers]
    return []


def index_answers(questions: tuple[Question, ...]) -> dict[str, list[Answer]]:
    """Each distinguishing word to the answers it belongs to."""
    index: dict[str, list[Answer]] = defaultdict(list)
    for q in questions:
        shown_words = set(_words(q.prompt or ""))
        if isinstance(q, Cloze):
            shown_words |= set(_words(q.render(" … ")))
        wrong = [set(_words(c)) for c in _wrong_choices(q)]
        every_wrong = set().union(*wrong) if wrong else set()
        rivals = tuple(frozenset(w - shown_words) for w in wrong if w - shown_words)
        for text, key in answers_of(q):
            words = _words(text)
            mine = frozenset(
                w
                for w in words
                if w not in shown_words and w not in every_wrong and _word_counts(w)
            )
            if not mine:
                continue
            runs: frozenset[tuple[str, ...]] = frozenset()
            if len(mine) > LONG_ANSWER:
                runs = frozenset(
                    words[i : i + LONG_ANSWER] for i in range(len(words) - LONG_ANSWER + 1)
                )
            # A wrong choice's words that this answer has too tell nothing apart.
            own = set(words)
            theirs = tuple(r - own for r in rivals if r - own)
            answer = Answer(q, text, q.where(key), mine, runs, theirs)
            for word in mine:
                index[word].append(answer)
    return index


def _word_counts(word: str) -> bool:
    return len(word) >= 3 or word.isdigit()


def leaks_into(answer: Answer, piece: Printed, words: set[str]) -> str | None:
    """The words of ``answer`` that ``piece`` gives away, or None."""
    # A text naming a wrong choice as much (half its words or more) favours neither.
    if any(2 * len(rival & words) >= len(rival) for rival in answer.rivals):
        return None
    if not answer.runs:
        return (
            " ".join(w for w in piece.words if w in answer.words) if answer.words <= words else None
        )
    for run in answer.runs & piece.runs():
        return " ".join(run)
    return None


def printed_texts(q: Question) -> Iterator[tuple[str, str]]:
    """The (key, text) pairs of a question a student sees before answering."""
    if q.prompt:
        yield "prompt", q.prompt
    if isinstance(q, (MultipleChoice, MultipleAnswer)):
        for i, choice in enumerate(q.choices):
            yield f"choices[{i}]", choice
    elif isinstance(q, Ordering):
        for i, item in enumerate(q.items):
            yield f"items[{i}]", item
    elif isinstance(q, Matching):
        for i, (left, right) in enumerate(q.pairs):
            yield f"pairs[{i}]", f"{left} / {right}"
    elif isinstance(q, Cloze):
        yield "text", q.render(" … ")
        for d in q.deletions:
            if d.hint:
                yield "text", d.hint
    elif isinstance(q, Numeric) and q.unit:
        yield "unit", q.unit


def _printed(found: Findings) -> list[Printed]:
    bank = found.bank
    title = bank.locations.get("title", bank.location)
    out = [Printed(None, "the bank title", title, _words(bank.title))]
    seen_topics: set[str] = set()
    for q in bank.questions:
        if q.topic and q.topic not in seen_topics:
            seen_topics.add(q.topic)
            out.append(Printed(None, f"the topic '{q.topic}'", q.where("topic"), _words(q.topic)))
        for key, text in printed_texts(q):
            out.append(Printed(q, key.split("[")[0], q.where(key), _words(text)))
    return out


def check(found: Findings) -> None:
    """Q101 and Q102: answers in other questions' text, the bank title or topic names; Q206."""
    questions = found.bank.questions
    index = index_answers(questions)
    if index:
        _leaks(found, index, len(questions))
    _stem_echo(found)


def _leaks(found: Findings, index: dict[str, list[Answer]], count: int) -> None:
    printed = _printed(found)
    spread: dict[str, set[int]] = defaultdict(set)  # word -> the questions printing it
    for piece in printed:
        if piece.question is not None:
            for word in piece.words:
                if word in index:
                    spread[word].add(id(piece.question))
    common = max(5, min(count // 4, MAX_SPREAD))
    reported: set[tuple[int, int]] = set()  # (answer's question, printing question or piece)
    places: dict[int, int] = defaultdict(int)  # answer's question -> places reported
    for number, piece in enumerate(printed):
        words = set(piece.words)
        # Only a word the bank prints rarely can give an answer away: the bank's subject,
        # printed everywhere, cannot (this also bounds the work on a repetitive bank).
        # Headings are few: every answer word counts there.
        rare = [
            w for w in words if w in index and (piece.question is None or len(spread[w]) <= common)
        ]
        candidates = {id(a): a for w in rare for a in index[w]}
        for answer in candidates.values():
            a = answer.question
            if a is piece.question or places[id(a)] >= MAX_PLACES:
                continue
            phrase = leaks_into(answer, piece, words)
            if phrase is None:
                continue
            pair = (id(a), id(piece.question) if piece.question is not None else -number)
            if pair in reported:
                continue
            reported.add(pair)
            places[id(a)] += 1
            if piece.question is None:
                message = (
                    f"{piece.key} contains '{phrase}', which answers question '{a.id}' "
                    f"({at(answer.location)}: '{shown(answer.text, 40)}'); reword one of them"
                )
                found.add("Q102", piece.location, message, a)
            else:
                message = (
                    f"{piece.key} contains '{phrase}', the answer of question '{a.id}' "
                    f"({at(answer.location)}: '{shown(answer.text, 40)}'); printed together, "
                    "one gives the other away"
                )
                found.add("Q101", piece.location, message, piece.question, also=[a])


def _stem_echo(found: Findings) -> None:
    """Q206: the prompt repeats a word that only the right choice has."""
    for q in found.bank.questions:
        if not isinstance(q, MultipleChoice) or not q.prompt:
            continue
        stem = set(content_words(q.prompt))
        others = {w for c in q.choices if c != q.answer for w in content_words(c)}
        echoed = [
            w
            for w in dict.fromkeys(content_words(q.answer))
            if w in stem and w not in others and len(w) > 3
        ]
        if echoed:
            words = ", ".join(f"'{w}'" for w in echoed)
            message = (
                f"the prompt and the right choice share {words}, which no other choice has; "
                "a student can match the words instead of knowing the answer"
            )
            found.add("Q206", q.where(f"choices[{q.answer_index}]"), message, q)
