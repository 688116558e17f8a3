"""GIFT (``quizgen export gift``): Moodle's plain-text question format.

One ``$CATEGORY:`` line per category (``$course$/<bank title>/<topic>``), then each
question as ``// [id:…] [tag:…]`` and ``::id::[html]text{answers####general feedback}``,
with no blank line inside a question. Question text and choices are HTML (the Markdown
subset rendered), typed answers plain text; GIFT's special characters ``~ = # { } :`` and
the backslash are escaped, and no numeric character reference is ever written (GIFT
would read its ``#`` as the start of feedback). What GIFT cannot say (ordering, a cloze
with more than one gap, images, points, case-sensitive answers) is reported per question.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from ..bank.model import (
    Bank,
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
from ..questions import cloze_pieces, right_indices
from ..text import to_plain
from ._moodle_common import (
    by_category,
    category,
    decimal_text,
    general_feedback,
    html_text,
    many_right_problem,
    paragraph,
    share_of,
    tag_names,
)
from .base import Carriage, OutputOptions, Selection, WrittenFile, carries_all

LABEL = "GIFT"

_SPECIAL = re.compile(r"[\\~=#{}:]")
_NOLINK = '<span class="nolink"></span>'


def escape(text: str) -> str:
    """Text with GIFT's special characters escaped, line breaks as ``\\n``."""
    text = _SPECIAL.sub(lambda m: "\\" + m.group(), text)
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")


def _html(text: str | None) -> str:
    """Bank text as escaped GIFT HTML; a leading ``[`` or ``%`` never reads as a format or weight."""
    markup = html_text(text)
    if markup.startswith(("[", "%")):
        markup = _NOLINK + markup
    return escape(markup)


def _plain(text: str, *, typed: bool = False) -> str:
    """Plain text (line breaks as spaces); ``typed`` answers get Moodle's ``*`` wildcard escaped."""
    text = " ".join(text.split()) if "\n" in text or "\r" in text else text
    return escape(text.replace("*", "\\*") if typed else text)


def _plain_trouble(text: str) -> str | None:
    """Why GIFT cannot carry this typed answer as written, or None."""
    if "&&" in text:
        return "holds '&&', which Moodle's GIFT reader takes for its own escapes"
    if text.lstrip().startswith(("%", "[")):
        return "starts with '%' or '[', which GIFT reads as a weight or a text format"
    return None


def _choice_lines(question: MultipleChoice | MultipleAnswer) -> list[str]:
    right = set(right_indices(question))
    if isinstance(question, MultipleChoice):
        return [("=" if i in right else "~") + _html(c) for i, c in enumerate(question.choices)]
    share = share_of(len(right)) or "0"
    return [
        f"~%{share if i in right else '-100'}%" + _html(c) for i, c in enumerate(question.choices)
    ]


def _cloze_stem(question: Cloze) -> tuple[str, str, str]:
    """The text before the one gap, its answer, and the text after (all escaped)."""
    before: list[str] = [paragraph(question.prompt), "<p>"]
    after: list[str] = []
    answer = ""
    for piece in cloze_pieces(question):
        if piece.blank is None:
            (after if answer else before).append(html_text(piece.text))
        else:
            answer = piece.answer or ""
            if piece.hint:
                after.append(" (" + html_text(piece.hint) + ")")
    after.append("</p>")
    return escape("".join(before)), _plain(answer, typed=True), escape("".join(after))


def question_gift(bank: Bank, question: Question) -> str | None:
    """One question as GIFT text (several lines, no blank one), or None if GIFT cannot hold it."""
    if skip_reason(question) is not None:
        return None
    comment = f"// [id:{question.id}]" + "".join(f" [tag:{t}]" for t in tag_names(question))
    head = f"::{escape(question.id)}::[html]"
    stem = escape(paragraph(question.prompt))
    after = ""
    if isinstance(question, MultipleChoice | MultipleAnswer):
        answers = _choice_lines(question)
    elif isinstance(question, TrueFalse):
        answers = ["TRUE" if question.answer else "FALSE"]
    elif isinstance(question, ShortAnswer):
        answers = ["=" + _plain(a, typed=True) for a in question.answers]
    elif isinstance(question, Numeric):
        if question.unit:
            stem += escape(f"<p>Unit: {html_text(question.unit)}</p>")
        number = decimal_text(question.answer)
        if question.tolerance:
            number += ":" + decimal_text(question.tolerance)
        answers = ["#" + number]
    elif isinstance(question, Cloze):
        stem, answer, after = _cloze_stem(question)
        answers = ["=" + answer]
    elif isinstance(question, Matching):
        answers = [
            f"={_html(left)} -> {_plain(' '.join(to_plain(right).split()))}"
            for left, right in question.pairs
        ]
    else:  # pragma: no cover - skip_reason() refuses the rest
        return None
    feedback = general_feedback(bank, question)
    if feedback:
        answers.append("####" + escape(feedback))
    return "\n".join([comment, head + stem + "{", *answers, "}" + after])


def skip_reason(question: Question) -> str | None:
    """Why GIFT leaves the question out, or None when it carries it."""
    if isinstance(question, Ordering):
        return "GIFT has no ordering questions: left out"
    if isinstance(question, Cloze) and len(question.deletions) > 1:
        return (
            f"GIFT holds a cloze with one gap, not {len(question.deletions)}: left out "
            "(use the moodle format, which has embedded answers)"
        )
    texts: list[str] = []
    if isinstance(question, ShortAnswer):
        texts = list(question.answers)
    elif isinstance(question, Cloze):
        texts = [d.answer for d in question.deletions]
    elif isinstance(question, Matching):
        for right in question.rights:
            if "->" in right:
                return f"the right-hand item '{right}' holds '->', which GIFT reads as its pair mark: left out"
        texts = list(question.rights)
    for text in texts:
        trouble = _plain_trouble(text)
        if trouble:
            return f"the answer '{text}' {trouble}: left out"
    return None


def question_problems(question: Question) -> list[Problem]:
    """What GIFT leaves out of one question (warnings), and what Moodle would refuse (errors)."""
    reason = skip_reason(question)
    if reason is not None:
        return [Problem(question.location, "warning", reason, question.id)]
    found: list[Problem] = []

    def degrade(key: str, message: str) -> None:
        found.append(Problem(question.where(key), "warning", message, question.id))

    if isinstance(question, MultipleAnswer):
        problem = many_right_problem(question, LABEL)
        if problem:
            found.append(problem)
    if isinstance(question, MultipleChoice | MultipleAnswer) and not question.shuffle:
        degrade("shuffle", "GIFT cannot keep the choices in order: Moodle shuffles them")
    if isinstance(question, ShortAnswer) and question.case_sensitive:
        degrade("case_sensitive", "GIFT cannot say case matters: Moodle accepts any case")
    if isinstance(question, Numeric) and question.unit:
        degrade("unit", "GIFT has no units: the unit is shown in the question text only")
    if question.image is not None:
        degrade("image", "GIFT cannot carry files: the image is left out")
    if question.points != 1:
        degrade(
            "points",
            f"GIFT has no points: Moodle gives 1 mark, not {decimal_text(question.points)}",
        )
    return found


class GiftFormat:
    """The registry's face of the GIFT export."""

    name = "gift"
    label = LABEL
    suffix = ".gift.txt"
    carries: Mapping[str, Carriage] = carries_all(
        cloze=Carriage("degraded", "one gap as a missing-word question; more gaps left out"),
        ordering=Carriage("none", "GIFT has no ordering questions"),
    )
    limits = (
        "no ordering, no cloze of more than one gap, no images, no points, "
        "no case-sensitive answers, no units"
    )

    def problems(self, selection: Selection, options: OutputOptions) -> list[Problem]:
        """Each question GIFT leaves out or changes, as a located warning."""
        found: list[Problem] = []
        for bank, questions in selection.by_bank():
            for question in questions:
                for where, note in category(bank, question).notes:
                    found.append(Problem(where, "warning", note))
                found += question_problems(question)
        return list(dict.fromkeys(found))

    def write(self, selection: Selection, path: Path, options: OutputOptions) -> list[WrittenFile]:
        """The GIFT file at ``path``, UTF-8, written atomically."""
        write_text_atomic(Path(path), document(selection))
        bank = selection.bank_id
        return [WrittenFile(Path(path), self.label, bank)]


def document(selection: Selection) -> str:
    """The whole GIFT file as text: blocks separated by one blank line."""
    blocks: list[str] = []
    for path, members in by_category(selection):
        texts = [question_gift(bank, q) for bank, q in members]
        kept = [t for t in texts if t is not None]
        if kept:
            blocks.append(f"$CATEGORY: {path}")
            blocks += kept
    return "\n\n".join(blocks) + "\n"


FORMAT = GiftFormat()
