"""Blackboard's tab-delimited question upload (``quizgen export blackboard``).

One question per line, fields separated by tabs, no header: the file Blackboard Learn's
"Upload Questions" reads into a test or a question pool. Every type travels: MC, MA, TF,
FIB (short answer), NUM, FIB_PLUS (cloze, one variable per gap), MAT and ORD. Blackboard
shows uploaded text as HTML, so displayed text is the bank's Markdown rendered to escaped
HTML (``<script>`` stays text, line breaks become ``<br>``); typed answers Blackboard
compares (FIB, FIB_PLUS, NUM) are plain text. Feedback and images cannot travel in this
file: each question that has them is reported.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

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
from ..errors import Problem
from ..fileio import write_text_atomic
from ..questions import cloze_pieces, number_text
from ..text import format_number, to_html, to_plain
from .base import Carriage, OutputOptions, Selection, WrittenFile, carriage_problems, carries_all
from .cells import blank_stem, tsv_cell

#: Blackboard Learn (Original) takes at most this many answers per question, and at most
#: this many variables in a fill-in-multiple-blanks question.
MAX_ANSWERS = 20
MAX_BLANKS = 10


def _shown(text: str | None) -> str:
    """Displayed text: escaped HTML on one line, never a formula."""
    return tsv_cell(to_html(text))


def _typed(text: str) -> str:
    """A typed answer Blackboard compares: plain text on one line, never a formula."""
    return tsv_cell(to_plain(text))


def _prompt_with_unit(question: Numeric) -> str:
    unit = number_text(question).unit
    shown = to_html(question.prompt)
    return f"{shown} ({to_html(unit)})" if unit else shown


def _cloze_fields(question: Cloze) -> list[str]:
    prefix = blank_stem(question)
    body: list[str] = []
    for piece in cloze_pieces(question):
        if piece.blank is None:
            body.append(to_html(piece.text))
            continue
        body.append(f"[{prefix}{piece.blank}]")
        if piece.hint:
            body.append(f" ({to_html(piece.hint)})")
    text = "".join(body)
    if question.prompt:
        text = f"{to_html(question.prompt)}<br>{text}"
    fields = [tsv_cell(text)]
    for n, deletion in enumerate(question.deletions, start=1):
        fields += [f"{prefix}{n}", _typed(deletion.answer), ""]
    return fields[:-1]


def row(question: Question) -> list[str]:
    """A question's fields, type code first (no tabs or line breaks inside any)."""
    if isinstance(question, MultipleChoice | MultipleAnswer):
        code = "MC" if isinstance(question, MultipleChoice) else "MA"
        right = set(question.answers if isinstance(question, MultipleAnswer) else [question.answer])
        fields = [code, _shown(question.prompt)]
        for choice in question.choices:
            fields += [_shown(choice), "correct" if choice in right else "incorrect"]
        return fields
    if isinstance(question, TrueFalse):
        return ["TF", _shown(question.prompt), "true" if question.answer else "false"]
    if isinstance(question, ShortAnswer):
        return ["FIB", _shown(question.prompt), *(_typed(a) for a in question.answers)]
    if isinstance(question, Numeric):
        fields = ["NUM", tsv_cell(_prompt_with_unit(question)), format_number(question.answer)]
        return [*fields, format_number(question.tolerance)] if question.tolerance else fields
    if isinstance(question, Cloze):
        return ["FIB_PLUS", *_cloze_fields(question)]
    if isinstance(question, Matching):
        fields = ["MAT", _shown(question.prompt)]
        for left_text, right_text in question.pairs:
            fields += [_shown(left_text), _shown(right_text)]
        return fields
    if isinstance(question, Ordering):
        return ["ORD", _shown(question.prompt), *(_shown(item) for item in question.items)]
    raise ValueError(f"no Blackboard row for {question.type}")


def upload_text(selection: Selection) -> str:
    """The whole upload file: one line per chosen question."""
    return "".join("\t".join(row(q)) + "\n" for q in selection.questions)


def _warn(question: Question, key: str, message: str) -> Problem:
    return Problem(question.where(key), "warning", message, question.id)


def _question_problems(question: Question) -> list[Problem]:
    out: list[Problem] = []
    if question.explanation or question.citations:
        key = "explanation" if question.explanation else "source"
        out.append(
            _warn(
                question,
                key,
                "Blackboard's upload file carries no feedback: the explanation and source are left out",
            )
        )
    if question.image is not None:
        out.append(
            _warn(
                question,
                "image",
                "Blackboard's upload file carries no images: the image is left out",
            )
        )
    if question.points != 1:
        out.append(
            _warn(
                question,
                "points",
                f"Blackboard's upload file carries no points: set {format_number(question.points)} points in Blackboard",
            )
        )
    if isinstance(question, ShortAnswer) and question.case_sensitive:
        out.append(
            _warn(
                question,
                "case_sensitive",
                "Blackboard's upload sets no case rule: check 'case sensitive' on the question after the upload",
            )
        )
    if (
        isinstance(question, MultipleChoice | MultipleAnswer)
        and len(question.choices) > MAX_ANSWERS
    ):
        out.append(
            Problem(
                question.where("choices"),
                "error",
                f"{len(question.choices)} choices; Blackboard's upload takes at most {MAX_ANSWERS}",
                question.id,
            )
        )
    if isinstance(question, Cloze) and len(question.deletions) > MAX_BLANKS:
        out.append(
            Problem(
                question.where("text"),
                "error",
                f"{len(question.deletions)} gaps; Blackboard's fill in multiple blanks takes at most {MAX_BLANKS}",
                question.id,
            )
        )
    if isinstance(question, Matching) and len(set(question.rights)) < len(question.rights):
        out.append(
            _warn(
                question,
                "pairs",
                "two pairs share a right-hand item: Blackboard may mark a right match wrong",
            )
        )
    return out


class BlackboardFormat:
    """The registry's face of the Blackboard upload."""

    name = "blackboard"
    label = "Blackboard question upload (tab-delimited)"
    suffix = ".blackboard.txt"
    carries: Mapping[str, Carriage] = carries_all()
    limits = (
        f"no feedback, explanations, sources or images; at most {MAX_ANSWERS} choices and "
        f"{MAX_BLANKS} cloze gaps; points are set in Blackboard"
    )

    def problems(self, selection: Selection, options: OutputOptions) -> list[Problem]:
        """A warning for what each question loses; an error past Blackboard's limits."""
        problems = carriage_problems(self, selection)
        for question in selection.questions:
            problems += _question_problems(question)
        return problems

    def write(self, selection: Selection, path: Path, options: OutputOptions) -> list[WrittenFile]:
        """The upload file at ``path``, UTF-8, written atomically."""
        write_text_atomic(Path(path), upload_text(selection))
        bank = selection.bank_id
        return [WrittenFile(Path(path), self.label, bank)]


FORMAT = BlackboardFormat()
