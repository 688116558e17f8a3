"""What the self-test page's grader reads: the grading rules, each question's data, its hash.

The rules come from the file the Python grader exports (``quizgen/study/grading_vectors.json``,
read as data: outputs never import the study wing), plus two Unicode tables of this Python
that a browser does not offer: where case folding differs from lowercasing, and which code
points are combining marks. Each question's grading data has the shape of the conformance
vectors' questions, so the tests feed those vectors to the page's grader unchanged.
"""

from __future__ import annotations

import functools
import hashlib
import json
import unicodedata
from collections.abc import Sequence
from dataclasses import fields, is_dataclass
from pathlib import Path
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
from ..errors import QuizgenError
from ..questions import choice_order, derangement, not_in_answer_order, part_credit, shuffled

#: The grading rules and conformance vectors the Python grader exports (read as data).
RULES_FILE = Path(__file__).resolve().parent.parent / "study" / "grading_vectors.json"

# -- the grading rules, as the page's script reads them ------------------------------------


#: Code points below this are scanned for the Unicode tables: planes 2 and up hold no
#: character that case folding changes or that has a combining class (tested).
UNICODE_SCAN_END = 0x20000


def unicode_tables(end: int = UNICODE_SCAN_END) -> tuple[dict[str, str], str]:
    """This Python's case folding where it differs from lowercasing, and the code points
    with a combining class as a regular-expression class body (``\\u{300}-\\u{36f}...``)."""
    casefold: dict[str, str] = {}
    ranges: list[str] = []
    start: int | None = None
    for code in range(end + 1):
        ch = chr(code) if code < end and not 0xD800 <= code < 0xE000 else ""
        if ch and ch.casefold() != ch.lower():
            casefold[ch] = ch.casefold()
        inside = bool(ch) and unicodedata.combining(ch) != 0
        if inside and start is None:
            start = code
        elif not inside and start is not None:
            last = code - 1
            ranges.append(f"\\u{{{start:x}}}" + (f"-\\u{{{last:x}}}" if last > start else ""))
            start = None
    return casefold, "".join(ranges)


@functools.cache
def grading_rules() -> dict[str, Any]:
    """What the page's grader needs: the exported rules plus this Python's Unicode tables."""
    try:
        rules = json.loads(RULES_FILE.read_text(encoding="utf-8"))["rules"]
        sign = rules["numbers"]["sign"]
        plus, minus = sign.split("one of ", 1)[1].split(" and ", 1)
        if plus != "+" or not minus:
            raise ValueError(f"unexpected sign rule {sign!r}")
        out = {
            "typo_budget": [[r["letters"], r["edits"]] for r in rules["typo_budget"]["up_to"]],
            "max_typos": rules["typo_budget"]["beyond"],
            "true_words": rules["true_false"]["true"],
            "false_words": rules["true_false"]["false"],
            "group_separators": rules["numbers"]["group_separators"],
            "minus_signs": minus,
            "approximate_words": rules["numbers"]["approximate_words"],
        }
    except (OSError, KeyError, ValueError, TypeError) as exc:  # a broken install, not bad input
        raise QuizgenError(f"cannot read the grading rules in {RULES_FILE}: {exc}") from None
    out["casefold"], out["combining"] = unicode_tables()
    out["unicode"] = unicodedata.unidata_version
    return out


# -- one question: its layout, its grading data, its content hash --------------------------


def layout(question: Question, seed: object | None) -> list[int]:
    """Bank indices of the choices, matches or items in display order, as the terminal
    shows them for the same seed (matching never beside its partner, ordering never solved)."""
    if isinstance(question, MultipleChoice | MultipleAnswer):
        return choice_order(question, seed)
    if isinstance(question, Matching):
        count = len(question.pairs)
    elif isinstance(question, Ordering):
        count = len(question.items)
    else:
        return []
    order = list(range(count))
    if seed is not None:
        order = shuffled(order, seed, question.id, "layout")
    return derangement(order) if isinstance(question, Matching) else not_in_answer_order(order)


def grading_data(question: Question, shown: Sequence[int]) -> dict[str, Any]:
    """The question as the conformance vectors write it: what the page's grader reads."""
    out: dict[str, Any] = {"id": question.id, "type": question.type}
    if isinstance(question, MultipleChoice):
        out.update(choices=list(question.choices), answer=question.answer)
    elif isinstance(question, MultipleAnswer):
        out.update(choices=list(question.choices), answers=list(question.answers))
    elif isinstance(question, TrueFalse):
        out.update(answer=question.answer)
    elif isinstance(question, ShortAnswer):
        out.update(answers=list(question.answers), case_sensitive=question.case_sensitive)
    elif isinstance(question, Numeric):
        out.update(answer=question.answer, tolerance=question.tolerance, unit=question.unit)
    elif isinstance(question, Cloze):
        out.update(deletions=[{"number": d.number, "answer": d.answer} for d in question.deletions])
    elif isinstance(question, Matching):
        out.update(pairs=[list(pair) for pair in question.pairs])
    elif isinstance(question, Ordering):
        out.update(items=list(question.items))
    if shown:
        out["shown"] = list(shown)
    if part_credit(question) is not None:
        out["partial"] = True
    return out


def _plain(value: Any) -> Any:
    """A model value as JSON-ready data, without locations; an image as its bytes' digest."""
    if is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: _plain(getattr(value, f.name))
            for f in fields(value)
            if f.name not in ("location", "locations")
        }
    if isinstance(value, Path):
        try:
            return hashlib.sha256(value.read_bytes()).hexdigest()
        except OSError:
            return value.name
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


def content_hash(question: Question) -> str:
    """A short digest of everything a question says: an edited question gets a new one."""
    data = json.dumps([question.type, _plain(question)], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:12]
