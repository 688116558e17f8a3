"""What Moodle XML and GIFT share: Moodle's grade list, categories, tags and inert HTML.

Both formats end up in Moodle's question bank, so they meet the same rules: an answer's
grade must be on Moodle's fixed list, a category path is split at ``/``, tags are
plain words, and question text is HTML that Moodle's filters (TeX, MathJax) read.
Not a format itself (the registry skips modules whose name starts with ``_``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from ..bank.model import (
    Bank,
    MultipleAnswer,
    Numeric,
    Question,
)
from ..errors import Location, Problem
from ..questions import source_title, type_texts
from ..text import to_html
from .base import Selection

#: Moodle's grade list (question_bank::fraction_options_full), as percentages written the
#: way Moodle writes them. An answer whose grade is not within 1e-5 of one of these makes
#: Moodle skip the whole question on import.
GRADES: tuple[str, ...] = (
    "100",
    "90",
    "83.33333",
    "80",
    "75",
    "70",
    "66.66667",
    "60",
    "50",
    "40",
    "33.33333",
    "30",
    "25",
    "20",
    "16.66667",
    "14.28571",
    "12.5",
    "11.11111",
    "10",
    "5",
    "0",
)
_GRADE_VALUES = tuple((float(g), g) for g in GRADES)
#: How far a grade (as a fraction of 1) may be from the list's and still be read as it.
GRADE_TOLERANCE = 1e-5


def grade_text(percent: float) -> str | None:
    """``percent`` as Moodle's grade list writes it (``33.33333``), or None if not on it."""
    sign = "-" if percent < 0 else ""
    for value, text in _GRADE_VALUES:
        if abs(abs(percent) - value) / 100 <= GRADE_TOLERANCE:
            return sign + text if text != "0" else "0"
    return None


def share_of(right: int) -> str | None:
    """The grade of each right choice when ``right`` of them share 100%, or None."""
    return grade_text(100 / right) if right > 0 else None


def many_right_problem(question: MultipleAnswer, fmt_label: str) -> Problem | None:
    """An error when a multiple-answer question has more right choices than the list allows."""
    right = len(question.answers)
    if share_of(right) is not None:
        return None
    return Problem(
        question.where("answer"),
        "error",
        f"{right} right choices; {fmt_label} needs each one's share of 100% on Moodle's "
        f"grade list (1 to 10 or 20 right choices), or Moodle skips the question",
        question.id,
    )


def decimal_text(value: float) -> str:
    """A number in plain decimal notation (``0.0000001``, never ``1e-07``): ``2`` not ``2.0``."""
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    text = format(Decimal(repr(float(value))), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


# --------------------------------------------------------------------------- categories


@dataclass(frozen=True)
class Category:
    """A question category: its path as written in the file, and a note if a name changed."""

    path: str
    notes: tuple[tuple[Location, str], ...] = ()


_TAG_LIKE = re.compile(r"<[A-Za-z/!?]")
_SPACES = re.compile(r"\s+")


def _category_name(name: str, where: Location, notes: list[tuple[Location, str]]) -> str:
    cleaned = _SPACES.sub(" ", name).strip().strip("/").strip()
    if cleaned != name.strip():
        notes.append((where, f"the category name '{name}' becomes '{cleaned}'"))
    if _TAG_LIKE.search(cleaned):
        notes.append(
            (where, f"Moodle removes what looks like HTML tags from the category name '{cleaned}'")
        )
    return cleaned.replace("/", "//")  # Moodle reads "//" as a "/" inside a name


def category(bank: Bank, question: Question) -> Category:
    """``$course$/<bank title>/<topic>`` (no topic: ``$course$/<bank title>``)."""
    notes: list[tuple[Location, str]] = []
    parts = ["$course$", _category_name(bank.title, bank.location, notes)]
    if question.topic:
        parts.append(_category_name(question.topic, question.where("topic"), notes))
    return Category("/".join(parts), tuple(notes))


@lru_cache(maxsize=1024)
def category_path(title: str, topic: str | None) -> str:
    """The category path alone (what the files need; the notes are for problems())."""
    notes: list[tuple[Location, str]] = []
    where = Location("")
    parts = ["$course$", _category_name(title, where, notes)]
    if topic:
        parts.append(_category_name(topic, where, notes))
    return "/".join(parts)


def by_category(selection: Selection) -> list[tuple[str, list[tuple[Bank, Question]]]]:
    """The chosen questions grouped by category path, in order of first appearance."""
    groups: dict[str, list[tuple[Bank, Question]]] = {}
    for bank, questions in selection.by_bank():
        for question in questions:
            path = category_path(bank.title, question.topic)
            groups.setdefault(path, []).append((bank, question))
    return list(groups.items())


def tag_names(question: Question) -> tuple[str, ...]:
    """The question's tags, then ``difficulty-X`` when it has a difficulty."""
    return _tags(question.tags, question.difficulty)


@lru_cache(maxsize=1024)
def _tags(tags: tuple[str, ...], difficulty: str | None) -> tuple[str, ...]:
    out = list(tags) + ([f"difficulty-{difficulty}"] if difficulty else [])
    return tuple(dict.fromkeys(out))


# --------------------------------------------------------------------------- text

# Moodle's TeX and MathJax filters read \( \) \[ \] $$ and [tex] in question text; bank
# text is text, so each opener is broken by an empty element (neither filter looks across
# elements). "nolink" is the class Moodle's filters already leave alone.
_BREAK = '<span class="nolink"></span>'
_FORMULA = re.compile(r"\\(?=[()\[\]])|\$(?=\$)|\[(?=/?tex\])", re.IGNORECASE)
_NEEDS_WORK = re.compile(r"[*`<>&\"'\n\r\\$\[]")


def html_text(text: str | None) -> str:
    """Bank text as Moodle HTML: the Markdown subset as tags, everything else inert text.

    Never a numeric character reference (GIFT would read its ``#``) and never a raw line
    break (a blank line ends a GIFT question).
    """
    if not text:
        return ""
    if _NEEDS_WORK.search(text) is None:
        return text
    markup = to_html(text).replace("&#x27;", "'").replace("&quot;", '"')
    markup = markup.replace("\r", "<br>")
    return _FORMULA.sub(lambda m: m.group() + _BREAK, markup)


def paragraph(text: str | None) -> str:
    """Bank text as one HTML paragraph ("" when there is none)."""
    return f"<p>{html_text(text)}</p>" if text else ""


def general_feedback(bank: Bank, question: Question) -> str:
    """The explanation, then each citation as "Source: title: “quote”", as HTML."""
    parts = [paragraph(question.explanation)] if question.explanation else []
    for ref in question.citations:
        title = source_title(bank, question, ref) or ref.doc
        parts.append(f"<p>Source: <cite>{html_text(title)}</cite>: “{html_text(ref.quote)}”</p>")
    return "".join(parts)


def question_texts(bank: Bank, question: Question) -> Iterator[tuple[str, str]]:
    """Every piece of text a question puts in a file, with the key it came from."""
    yield "title", bank.title
    for key in ("prompt", "explanation", "topic"):
        value = getattr(question, key)
        if value:
            yield key, value
    for index, tag in enumerate(question.tags):
        yield f"tags[{index}]", tag
    for ref in question.citations:
        yield "source", ref.quote
        yield "source", source_title(bank, question, ref) or ref.doc
    yield from type_texts(question)
    if isinstance(question, Numeric) and question.unit:
        yield "unit", question.unit
