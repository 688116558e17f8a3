"""Grading's rules as data, and conformance vectors any other grader can be tested against.

``grading_vectors.json`` (shipped beside this module) holds:

* ``rules``: the normalisation steps, the typo budget by length, the true/false words,
  the number syntax and the tolerance test, as data;
* ``vectors``: for the fixture bank ``grading_cases.json`` (all eight question types,
  right, wrong, typo, tolerance, alternatives, accents, case, punctuation, numbers), each case's
  question as self-contained JSON (type, choices, answers, tolerance, unit, pairs,
  items, cloze deletions, ``case_sensitive``, ``partial`` for part credit, and ``shown``:
  the bank indices of its choices, matches or items in display order, which letters are
  read against), the response lines, and the verdict the Python grader gives (with
  ``credit``, the share of the points earned, where the question gives part credit).

Regenerate after a change to grading (a test fails while the file is stale)::

    python -m quizgen.study.conformance          # rewrite the file
    python -m quizgen.study.conformance --check  # exit 1 if it is out of date
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
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
    parse_cloze,
)
from ..errors import Location
from ..questions import FALSE_WORDS, TRUE_WORDS, part_credit
from .grading import Layout, grade, make_layout
from .numbers import APPROXIMATE_WORDS, GROUP_SEPARATORS, MINUS_SIGNS
from .text_match import MAX_TYPOS, TYPO_BUDGET
from .verdict import Verdict

VECTORS_PATH = Path(__file__).with_name("grading_vectors.json")
FORMAT_VERSION = 1
_HERE = Location("grading_vectors.json")


def rules() -> dict[str, Any]:
    """The grading rules, as data."""
    return {
        "normalisation": {
            "steps": [
                "Unicode NFKC",
                "case fold (str.casefold), unless the question is case_sensitive",
                "remove accents: NFD, drop combining marks, NFC",
                "remove punctuation (Unicode categories P*), unless nothing but spaces would remain",
                "white space runs become one space; trim both ends",
            ],
            "keeps": "symbols such as + % $ (categories S*) and digits",
        },
        "typo_budget": {
            "counts": "letters and digits (str.isalnum) of the normalised accepted answer",
            "up_to": [{"letters": most, "edits": edits} for most, edits in TYPO_BUDGET],
            "beyond": MAX_TYPOS,
            "distance": "optimal string alignment: insertion, deletion, substitution, "
            "or swap of two neighbours, each one edit; no substring edited twice",
            "digits_never_fuzzy": "no typo is forgiven unless the runs of digits (NFKC) of "
            "response and answer are equal",
            "case_sensitive": "a response equal to the answer but for case is wrong, never a typo",
            "best": "the accepted answer at the smallest distance is the spelling shown; "
            "exact matches after normalisation win first",
        },
        "true_false": {"true": sorted(TRUE_WORDS), "false": sorted(FALSE_WORDS)},
        "numbers": {
            "sign": "optional, one of + and " + MINUS_SIGNS,
            "group_separators": GROUP_SEPARATORS,
            "groups": "one kind of separator, first group 1-3 digits, then groups of exactly 3",
            "decimal": "a point; a single comma followed by digits that are not a group of three",
            "exponent": "e or E, optional sign, digits",
            "around": "up to 3 non-alphanumeric characters before (currency), any unit text "
            "after that holds no further number; words before the number are refused, except "
            "one of the approximate words",
            "approximate_words": list(APPROXIMATE_WORDS),
            "unit": "when the question has a unit and the unit typed after the number has a "
            "letter, it must match: equal after casefolding and removing dots and spaces, "
            "equal without a final 's', or one the start of the other (l, litres); else wrong",
            "tolerance": "right when |value - answer| <= tolerance + 1e-9 * max(1, |answer|)",
            "never_fuzzy": True,
        },
        "letters": {
            "labels": "a, b, ... z, aa, ab ... for display positions 0, 1, ...",
            "typed": "case-insensitive, one trailing ')' or '.' ignored",
            "choice_by_text": "a choice may be typed as its text (typos forgiven when exactly "
            "one choice is that close) or as its first whole words (3+ characters) when only "
            "one choice starts with them",
            "several": "letters separated by spaces, commas, semicolons or slashes, or run "
            "together (26 choices at most), or choice texts separated by commas",
        },
        "parts": "cloze: one response per gap; matching: one per left item, in bank order; "
        "the question is right when every part is, a typo when every part is right or a typo",
        "empty_response": "wrong (an empty line is 'I don't know')",
        "part_credit": {
            "when": "the question says partial: true and has two parts or more; the verdict's "
            "'credit' is then the share of its points earned (0..1), parts right over parts; "
            "without it a question earns all its points when right (a typo included), else none",
            "matching": "pairs matched right / pairs",
            "cloze": "blanks right (a forgiven typo counts) / blanks",
            "ordering": "items in their right place (the k-th letter given names the k-th item "
            "of the answer) / items; letters that cannot be read, or more letters than items, "
            "earn nothing",
            "multiple_answer": "choices rightly ticked or rightly left empty / choices; letters "
            "that cannot be read tick nothing",
            "outcome": "unchanged: right only when every part is right",
        },
    }


# ------------------------------------------------------------------- question JSON


def question_json(question: Question, layout: Layout) -> dict[str, Any]:
    """A question as self-contained JSON, with ``shown``: its display order."""
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
        out.update(
            text=question.text,
            deletions=[
                {"number": d.number, "answer": d.answer, "hint": d.hint} for d in question.deletions
            ],
        )
    elif isinstance(question, Matching):
        out.update(pairs=[list(pair) for pair in question.pairs])
    elif isinstance(question, Ordering):
        out.update(items=list(question.items))
    if layout.order:
        out["shown"] = list(layout.order)
    if part_credit(question) is not None:
        out["partial"] = True
    return out


def question_from_json(data: dict[str, Any]) -> tuple[Question, Layout]:
    """The question and layout a vector describes (the inverse of :func:`question_json`)."""
    kind = data["type"]
    common = {"id": data["id"], "location": _HERE, "partial": bool(data.get("partial"))}
    question: Question
    if kind == "multiple_choice":
        question = MultipleChoice(**common, choices=tuple(data["choices"]), answer=data["answer"])
    elif kind == "multiple_answer":
        question = MultipleAnswer(
            **common, choices=tuple(data["choices"]), answers=tuple(data["answers"])
        )
    elif kind == "true_false":
        question = TrueFalse(**common, answer=data["answer"])
    elif kind == "short_answer":
        question = ShortAnswer(
            **common, answers=tuple(data["answers"]), case_sensitive=data["case_sensitive"]
        )
    elif kind == "numeric":
        question = Numeric(
            **common, answer=data["answer"], tolerance=data["tolerance"], unit=data["unit"]
        )
    elif kind == "cloze":
        question = Cloze(**common, text=data["text"], deletions=parse_cloze(data["text"]))
    elif kind == "matching":
        question = Matching(**common, pairs=tuple((a, b) for a, b in data["pairs"]))
    elif kind == "ordering":
        question = Ordering(**common, items=tuple(data["items"]))
    else:
        raise ValueError(f"unknown question type {kind!r}")
    return question, Layout(tuple(data.get("shown", ())))


def verdict_json(verdict: Verdict) -> dict[str, Any]:
    """A verdict as JSON (``parts`` only where the question has parts)."""
    out: dict[str, Any] = {"outcome": verdict.outcome, "canonical": verdict.canonical}
    if verdict.spelling is not None:
        out["spelling"] = verdict.spelling
    if verdict.note is not None:
        out["note"] = verdict.note
    if verdict.parts:
        out["parts"] = [verdict_json(part) for part in verdict.parts]
    if verdict.partial is not None:
        out["credit"] = verdict.partial
    return out


# ------------------------------------------------------------------- the fixture bank


CASES_PATH = Path(__file__).with_name("grading_cases.json")


@dataclass(frozen=True)
class Case:
    """Responses to one question, each a list of lines, under one heading."""

    what: str
    question: Question
    responses: tuple[tuple[str, ...], ...]
    seed: object | None = None


def fixture() -> list[Case]:
    """The fixture bank (``grading_cases.json``): every type, with right, wrong and
    borderline responses; a response is a line, or a list of lines for cloze and matching."""
    cases = json.loads(CASES_PATH.read_text(encoding="utf-8"))
    return [
        Case(
            case["what"],
            question_from_json(case["question"])[0],
            tuple((r,) if isinstance(r, str) else tuple(r) for r in case["responses"]),
            case.get("seed"),
        )
        for case in cases
    ]


# ------------------------------------------------------------------- the vectors


def vectors(cases: Sequence[Case] | None = None) -> list[dict[str, Any]]:
    """One vector per response of each fixture case, with the Python grader's verdict."""
    out = []
    for case in fixture() if cases is None else cases:
        layout = make_layout(case.question, case.seed)
        question = question_json(case.question, layout)
        for lines in case.responses:
            verdict = grade(case.question, list(lines), layout)
            out.append(
                {
                    "what": case.what,
                    "question": question,
                    "responses": list(lines),
                    "verdict": verdict_json(verdict),
                }
            )
    return out


def document() -> dict[str, Any]:
    """The whole file: format version, how to use it, the rules and the vectors."""
    return {
        "format": FORMAT_VERSION,
        "about": "quizgen's grading rules and conformance vectors; generated by "
        "`python -m quizgen.study.conformance` from quizgen/study/grading.py. A grader "
        "conforms when, for every vector, it gives the same verdict outcome (and the same "
        "outcome per part, the same spelling for a typo, and the same credit where the "
        "question gives part credit) for the question and responses. "
        "'shown' lists the bank indices of choices, matches or items in display order; "
        "letters a, b, c... name those display positions.",
        "rules": rules(),
        "vectors": vectors(),
    }


def render() -> str:
    """The file's text, as shipped: the rules indented, one vector per line."""
    doc = document()
    vectors = doc.pop("vectors")
    head = json.dumps(doc, ensure_ascii=False, indent=1)[:-2]  # without the closing brace
    lines = [json.dumps(v, ensure_ascii=False) for v in vectors]
    return head + ',\n "vectors": [\n  ' + ",\n  ".join(lines) + "\n ]\n}\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Write the vectors file, or with ``--check`` report whether it is up to date."""
    args = list(sys.argv[1:] if argv is None else argv)
    text = render()
    if "--check" in args:
        current = VECTORS_PATH.read_text(encoding="utf-8") if VECTORS_PATH.exists() else ""
        if current != text:
            print(f"{VECTORS_PATH} is out of date: run python -m quizgen.study.conformance")
            return 1
        print(f"{VECTORS_PATH} is up to date")
        return 0
    from ..fileio import atomic_path

    with atomic_path(VECTORS_PATH) as temporary:
        temporary.write_text(text, encoding="utf-8")
    print(f"wrote {VECTORS_PATH} ({len(document()['vectors'])} vectors)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
