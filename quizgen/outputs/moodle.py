"""Moodle XML (``quizgen export moodle``): every question type, for Moodle's question bank.

One file of ``<question>`` elements, each preceded by a category element when its
category changes: ``$course$/<bank title>/<topic>``. The eight types map to Moodle's own:
multichoice (single and multiple), truefalse, shortanswer, numerical, cloze (embedded
answers), matching and ordering (core since Moodle 4.4). Moodle's import rules that
would otherwise make it skip a question or change an answer are kept here: grades on
Moodle's list, ``*`` escaped in short answers, ordering with ``selecttype ALL``, gap text
escaped as Moodle's cloze parser reads it. docs/exports.md says what each type becomes.
"""

from __future__ import annotations

import base64
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
from ..errors import Problem, QuizgenError
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
    question_texts,
    share_of,
    tag_names,
)
from .base import Carriage, OutputOptions, Selection, WrittenFile, carries_all

LABEL = "Moodle XML"

# Characters XML 1.0 cannot hold at all, not even as a character reference.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# A line break inside a gap: the answer box is one line.
_LINE_BREAK = re.compile("[\n\r\x85\u2028\u2029]")
# A gap answer that is a number Moodle reads exactly as written: a NUMERICAL gap.
_PLAIN_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?")

# Inside a gap, Moodle's cloze parser ends an answer at } # ~ (unless escaped) and then
# decodes HTML entities, then \} and \#. So } and # take Moodle's backslash, and the
# characters its escapes cannot carry (~, backslash, {, &) go as entities, decoded back.
_GAP_ESCAPES = {
    "&": "&#38;",
    "<": "&lt;",
    ">": "&gt;",
    '"': "&quot;",
    "\\": "&#92;",
    "~": "&#126;",
    "{": "&#123;",
    "}": "\\}",
    "#": "\\#",
    "*": "\\*",  # a literal star, not the short-answer wildcard
}
_XML_SPECIAL = re.compile(r"[&<>]")
_GAP_SPECIAL = re.compile(r'[&<>"\\~{}#*]')


def _xml(text: str) -> str:
    """Text as XML character data (not inside CDATA)."""
    if not _XML_SPECIAL.search(text):
        return text
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def cdata(text: str) -> str:
    """Text in a CDATA section, any ``]]>`` in it split across two sections."""
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _text(tag: str, markup: str, fmt: str = "html") -> str:
    return f'<{tag} format="{fmt}"><text>{cdata(markup) if markup else ""}</text></{tag}>'


def shortanswer_text(answer: str) -> str:
    """A short answer with Moodle's wildcard ``*`` escaped: a literal star."""
    return answer.replace("*", "\\*")


def gap_answer(answer: str, *, numeric: bool = False) -> str:
    """One answer inside a cloze gap, escaped as Moodle's cloze parser reads it back."""
    if numeric:
        return answer
    return _GAP_SPECIAL.sub(lambda m: _GAP_ESCAPES[m.group()], answer)


def is_numeric_gap(answer: str) -> bool:
    """Whether a gap's answer is a plain number (it becomes a NUMERICAL gap)."""
    return _PLAIN_NUMBER.fullmatch(answer) is not None


def _image(question: Question) -> tuple[str, str]:
    """The ``<img>`` for the question text and the ``<file>`` element (both "" without)."""
    if question.image is None:
        return "", ""
    path = question.image
    name = path.name if re.fullmatch(r"[A-Za-z0-9._-]+", path.name) else "image" + path.suffix
    try:
        data = base64.b64encode(path.read_bytes()).decode("ascii")
    except OSError as exc:
        raise QuizgenError(
            Problem(question.where("image"), "error", f"cannot read the image: {exc}", question.id)
        ) from None
    img = f'<p><img src="@@PLUGINFILE@@/{name}" alt=""></p>'
    return img, f'<file name="{name}" path="/" encoding="base64">{data}</file>'


def _question_text(question: Question, body: str) -> str:
    img, file = _image(question)
    markup = body + img
    return f'<questiontext format="html"><text>{cdata(markup)}</text>{file}</questiontext>'


def _head(bank: Bank, question: Question, qtype: str, body: str, penalty: str) -> list[str]:
    return [
        f'<question type="{qtype}">',
        f"<name><text>{_xml(question.id)}</text></name>",
        _question_text(question, body),
        _text("generalfeedback", general_feedback(bank, question)),
        f"<defaultgrade>{decimal_text(question.points)}</defaultgrade>",
        f"<penalty>{penalty}</penalty>",
        "<hidden>0</hidden>",
        f"<idnumber>{_xml(question.id)}</idnumber>",
    ]


def _tail(question: Question) -> list[str]:
    tags = "".join(f"<tag><text>{_xml(t)}</text></tag>" for t in tag_names(question))
    return ([f"<tags>{tags}</tags>"] if tags else []) + ["</question>"]


def _answer(fraction: str, markup: str, fmt: str = "html", extra: str = "") -> str:
    text = cdata(markup) if fmt == "html" else _xml(markup)
    # No per-answer <feedback>: the bank has none, and Moodle reads a missing one as empty.
    return f'<answer fraction="{fraction}" format="{fmt}"><text>{text}</text>{extra}</answer>'


def _choices(question: MultipleChoice | MultipleAnswer, shuffle: bool) -> list[str]:
    right = set(right_indices(question))
    single = isinstance(question, MultipleChoice)
    if single:
        grades = {True: "100", False: "0"}
    else:
        grades = {True: share_of(len(right)) or "0", False: "-100"}
    lines = [
        f"<single>{'true' if single else 'false'}</single>",
        f"<shuffleanswers>{'true' if shuffle and question.shuffle else 'false'}</shuffleanswers>",
        "<answernumbering>abc</answernumbering>",
    ]
    for index, choice in enumerate(question.choices):
        lines.append(_answer(grades[index in right], html_text(choice)))
    return lines


def _cloze_body(question: Cloze) -> str:
    out: list[str] = []
    for piece in cloze_pieces(question):
        if piece.blank is None:
            out.append(html_text(piece.text).replace("{", "&#123;"))
            continue
        answer = piece.answer or ""
        if is_numeric_gap(answer):
            out.append(f"{{1:NUMERICAL:={answer}:0}}")
        else:
            out.append(f"{{1:SA:={gap_answer(answer)}}}")
        if piece.hint:
            out.append(" (" + html_text(piece.hint).replace("{", "&#123;") + ")")
    prompt = paragraph(question.prompt).replace("{", "&#123;")
    return prompt + "<p>" + "".join(out) + "</p>"


def question_xml(bank: Bank, question: Question, options: OutputOptions) -> list[str]:
    """One question as the lines of its ``<question>`` element."""
    body = paragraph(question.prompt)
    if isinstance(question, MultipleChoice | MultipleAnswer):
        lines = _head(bank, question, "multichoice", body, "0.3333333")
        lines += _choices(question, options.shuffle)
    elif isinstance(question, TrueFalse):
        lines = _head(bank, question, "truefalse", body, "1")
        lines.append(_answer("100" if question.answer else "0", "true", "moodle_auto_format"))
        lines.append(_answer("0" if question.answer else "100", "false", "moodle_auto_format"))
    elif isinstance(question, ShortAnswer):
        lines = _head(bank, question, "shortanswer", body, "0.3333333")
        lines.append(f"<usecase>{1 if question.case_sensitive else 0}</usecase>")
        for answer in question.answers:
            lines.append(_answer("100", shortanswer_text(answer), "moodle_auto_format"))
    elif isinstance(question, Numeric):
        if question.unit:
            body += f"<p>Unit: {html_text(question.unit)}</p>"
        lines = _head(bank, question, "numerical", body, "0.3333333")
        tolerance = f"<tolerance>{decimal_text(question.tolerance)}</tolerance>"
        lines.append(_answer("100", decimal_text(question.answer), "moodle_auto_format", tolerance))
        if question.unit:
            lines.append(
                "<units><unit><multiplier>1</multiplier>"
                f"<unit_name>{_xml(question.unit)}</unit_name></unit></units>"
            )
        lines += [
            "<unitgradingtype>0</unitgradingtype>",
            "<unitpenalty>0.1000000</unitpenalty>",
            f"<showunits>{0 if question.unit else 3}</showunits>",
            "<unitsleft>0</unitsleft>",
        ]
    elif isinstance(question, Cloze):
        lines = _head(bank, question, "cloze", _cloze_body(question), "0.3333333")
    elif isinstance(question, Matching):
        lines = _head(bank, question, "matching", body, "0.3333333")
        lines.append("<shuffleanswers>true</shuffleanswers>")
        for left, right in question.pairs:
            answer = " ".join(to_plain(right).split())
            lines.append(
                f'<subquestion format="html"><text>{cdata(html_text(left))}</text>'
                f"<answer><text>{_xml(answer)}</text></answer></subquestion>"
            )
    elif isinstance(question, Ordering):
        lines = _head(bank, question, "ordering", body, "0.3333333")
        lines += [
            "<layouttype>VERTICAL</layouttype>",
            "<selecttype>ALL</selecttype>",
            f"<selectcount>{len(question.items)}</selectcount>",
            "<gradingtype>ALL_OR_NOTHING</gradingtype>",
            "<showgrading>SHOW</showgrading>",
        ]
        for position, item in enumerate(question.items, start=1):
            lines.append(_answer(str(position), html_text(item)))
    else:  # pragma: no cover - every type is handled above
        raise TypeError(question.type)
    return lines + _tail(question)


def document(selection: Selection, options: OutputOptions) -> str:
    """The whole Moodle XML file as text."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', "<quiz>"]
    for path, members in by_category(selection):
        lines.append(
            '<question type="category">'
            f"<category><text>{_xml(path)}</text></category>"
            '<info format="html"><text></text></info></question>'
        )
        for bank, question in members:
            lines += question_xml(bank, question, options)
    lines.append("</quiz>")
    return "\n".join(lines) + "\n"


def question_problems(bank: Bank, question: Question) -> list[Problem]:
    """What Moodle XML cannot hold of one question, or holds differently."""
    found: list[Problem] = []
    for key, value in question_texts(bank, question):
        bad = _NOT_XML.search(value)
        if bad:
            found.append(
                Problem(
                    question.where(key),
                    "error",
                    f"U+{ord(bad.group()):04X} is a character XML cannot hold; remove it",
                    question.id,
                )
            )
    if isinstance(question, MultipleAnswer):
        problem = many_right_problem(question, LABEL)
        if problem:
            found.append(problem)
    if isinstance(question, Cloze):
        for number, deletion in enumerate(question.deletions, start=1):
            if not deletion.answer.strip():
                reason = "is empty"
            elif _LINE_BREAK.search(deletion.answer):
                reason = "holds a line break, which a one-line Moodle gap cannot"
            else:
                continue
            found.append(
                Problem(
                    question.where("text"), "error", f"gap {number}'s answer {reason}", question.id
                )
            )
        gaps = len(question.deletions)
        if gaps != question.points:
            found.append(
                Problem(
                    question.location,
                    "warning",
                    f"Moodle marks a cloze question one mark a gap: {gaps} marks, "
                    f"not {decimal_text(question.points)}",
                    question.id,
                )
            )
    return found


class MoodleFormat:
    """The registry's face of the Moodle XML export."""

    name = "moodle"
    label = LABEL
    suffix = ".moodle.xml"
    carries: Mapping[str, Carriage] = carries_all()
    limits = (
        "grades on Moodle's list (1-10 or 20 right choices); gap answers on one line; "
        "a cloze question scores one mark a gap; ordering needs Moodle 4.4+"
    )

    def problems(self, selection: Selection, options: OutputOptions) -> list[Problem]:
        """Every question Moodle would refuse (errors) or hold differently (warnings)."""
        found: list[Problem] = []
        for bank, questions in selection.by_bank():
            for question in questions:
                for where, note in category(bank, question).notes:
                    found.append(Problem(where, "warning", note))
                found += question_problems(bank, question)
        return list(dict.fromkeys(found))

    def write(self, selection: Selection, path: Path, options: OutputOptions) -> list[WrittenFile]:
        """The XML file at ``path``, UTF-8, written atomically."""
        write_text_atomic(Path(path), document(selection, options))
        bank = selection.bank_id
        return [WrittenFile(Path(path), self.label, bank)]


FORMAT = MoodleFormat()
