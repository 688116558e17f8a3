"""One question as a QTI 1.2 ``<item>`` in Canvas's dialect (the Canvas format's items).

Per type, the presentation and response processing Canvas Classic Quizzes reads:
choices as ``response_lid`` with ``render_choice``; typed answers as ``response_str`` with
``render_fib``; fill-in-multiple-blanks and matching as one ``response_lid`` per blank or
left item, each scored a share of 100. Displayed text is escaped HTML (``to_html``) in a
``mattext`` of type ``text/html``; ElementTree escapes it again as XML.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree as ET

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
from ..questions import cloze_pieces, numeric_range, source_title, true_false_text
from ..text import format_number, to_html
from .cells import blank_stem

#: Canvas's question_type for each bank type (ordering travels as matching).
QUESTION_TYPES = {
    "multiple_choice": "multiple_choice_question",
    "multiple_answer": "multiple_answers_question",
    "true_false": "true_false_question",
    "short_answer": "short_answer_question",
    "numeric": "numerical_question",
    "cloze": "fill_in_multiple_blanks_question",
    "matching": "matching_question",
    "ordering": "matching_question",
}


@dataclass(frozen=True)
class ImageRef:
    """A question's image: the file, its path in the zip, and the ``src`` that finds it."""

    path: Path
    zip_path: str
    src: str


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = text
    return element


def _material(parent: ET.Element, html: str, texttype: str = "text/html") -> None:
    _sub(_sub(parent, "material"), "mattext", html, texttype=texttype)


def _metadata(item: ET.Element, fields: dict[str, str]) -> None:
    meta = _sub(_sub(item, "itemmetadata"), "qtimetadata")
    for label, entry in fields.items():
        field = _sub(meta, "qtimetadatafield")
        _sub(field, "fieldlabel", label)
        _sub(field, "fieldentry", entry)


def _outcomes(processing: ET.Element) -> None:
    outcomes = _sub(processing, "outcomes")
    _sub(outcomes, "decvar", maxvalue="100", minvalue="0", varname="SCORE", vartype="Decimal")


def _condition(processing: ET.Element, score: str, action: str = "Set") -> ET.Element:
    """A ``respcondition`` scoring ``score``; returns its ``conditionvar`` to fill."""
    condition = _sub(processing, "respcondition", **({"continue": "No"} if action == "Set" else {}))
    conditionvar = _sub(condition, "conditionvar")
    _sub(condition, "setvar", score, action=action, varname="SCORE")
    return conditionvar


def _share(count: int) -> str:
    return format_number(round(100 / count, 2)) if count else "0"


def _feedback_html(bank: Bank, question: Question) -> str:
    parts = [to_html(question.explanation)] if question.explanation else []
    for ref in question.citations:
        title = source_title(bank, question, ref) or ref.doc
        parts.append(f"Source: {to_html(title)} — “{to_html(ref.quote)}”")
    return "<br>".join(p for p in parts if p)


def _prompt_html(question: Question, image: ImageRef | None) -> str:
    html = f"<p>{to_html(question.prompt)}</p>" if question.prompt else ""
    if isinstance(question, Numeric) and question.unit:
        html += f"<p>({to_html(question.unit)})</p>"
    if image is not None:
        html += f'<p><img src="{image.src}" alt=""></p>'
    return html


def _choices(
    question: Question, presentation: ET.Element, labels: list[str], item_id: str, multiple: bool
) -> list[str]:
    response = _sub(
        presentation,
        "response_lid",
        ident="response1",
        rcardinality="Multiple" if multiple else "Single",
    )
    render = _sub(response, "render_choice")
    idents = []
    for n, label in enumerate(labels):
        choice_id = f"{item_id}_c{n}"
        idents.append(choice_id)
        _material(_sub(render, "response_label", ident=choice_id), label)
    return idents


def _pairs(question: Matching | Ordering) -> list[tuple[str, str]]:
    if isinstance(question, Matching):
        return list(question.pairs)
    return [(f"Position {n}", item) for n, item in enumerate(question.items, start=1)]


def _fill(
    question: Question, item_id: str, presentation: ET.Element, processing: ET.Element
) -> None:
    """The response and its scoring, by type."""
    if isinstance(question, MultipleChoice | MultipleAnswer | TrueFalse):
        if isinstance(question, TrueFalse):
            labels = [true_false_text(True), true_false_text(False)]
            right = [0 if question.answer else 1]
        else:
            labels = [to_html(c) for c in question.choices]
            answers = (
                question.answers if isinstance(question, MultipleAnswer) else (question.answer,)
            )
            right = [i for i, c in enumerate(question.choices) if c in answers]
        multiple = isinstance(question, MultipleAnswer)
        idents = _choices(question, presentation, labels, item_id, multiple)
        conditionvar = _condition(processing, "100")
        if not multiple:
            _sub(conditionvar, "varequal", idents[right[0]], respident="response1")
            return
        both = _sub(conditionvar, "and")
        for n, choice_id in enumerate(idents):
            parent = both if n in right else _sub(both, "not")
            _sub(parent, "varequal", choice_id, respident="response1")
        return
    if isinstance(question, ShortAnswer | Numeric):
        response = _sub(presentation, "response_str", ident="response1", rcardinality="Single")
        render = _sub(
            response,
            "render_fib",
            **({"fibtype": "Decimal"} if isinstance(question, Numeric) else {}),
        )
        _sub(render, "response_label", ident="answer1", rshuffle="No")
        conditionvar = _condition(processing, "100")
        if isinstance(question, ShortAnswer):
            for answer in question.answers:
                _sub(conditionvar, "varequal", answer, respident="response1")
            return
        low, high = numeric_range(question)
        either = _sub(conditionvar, "or")
        _sub(either, "varequal", format_number(question.answer), respident="response1")
        within = _sub(either, "and")
        _sub(within, "vargte", format_number(low), respident="response1")
        _sub(within, "varlte", format_number(high), respident="response1")
        return
    if isinstance(question, Cloze):
        prefix = blank_stem(question)
        share = _share(len(question.deletions))
        for n, deletion in enumerate(question.deletions, start=1):
            blank = f"{prefix}{n}"
            response = _sub(presentation, "response_lid", ident=f"response_{blank}")
            _material(response, blank, "text/plain")
            render = _sub(response, "render_choice")
            answer_id = f"{item_id}_b{n}"
            _material(
                _sub(render, "response_label", ident=answer_id), deletion.answer, "text/plain"
            )
            conditionvar = _condition(processing, share, "Add")
            _sub(conditionvar, "varequal", answer_id, respident=f"response_{blank}")
        return
    if isinstance(question, Matching | Ordering):
        pairs = _pairs(question)
        share = _share(len(pairs))
        right_ids = [f"{item_id}_m{n}" for n in range(len(pairs))]
        for n, (left, _) in enumerate(pairs):
            response = _sub(presentation, "response_lid", ident=f"response_{n}")
            _material(response, to_html(left))
            render = _sub(response, "render_choice")
            for right_id, (_, right_text) in zip(right_ids, pairs, strict=True):
                _material(_sub(render, "response_label", ident=right_id), to_html(right_text))
            conditionvar = _condition(processing, share, "Add")
            _sub(conditionvar, "varequal", right_ids[n], respident=f"response_{n}")
        return
    raise ValueError(f"no Canvas item for {question.type}")


def _cloze_html(question: Cloze) -> str:
    prefix = blank_stem(question)
    body: list[str] = []
    for piece in cloze_pieces(question):
        if piece.blank is None:
            body.append(to_html(piece.text))
            continue
        body.append(f"[{prefix}{piece.blank}]")
        if piece.hint:
            body.append(f" ({to_html(piece.hint)})")
    return f"<p>{''.join(body)}</p>"


def item_element(
    bank: Bank, question: Question, item_id: str, image: ImageRef | None
) -> ET.Element:
    """The ``<item>`` of one question."""
    item = ET.Element("item", ident=item_id, title=question.id)
    _metadata(
        item,
        {
            "question_type": QUESTION_TYPES[question.type],
            "points_possible": format_number(question.points),
            "assessment_question_identifierref": f"ref_{item_id}",
        },
    )
    presentation = _sub(item, "presentation")
    html = _prompt_html(question, image)
    if isinstance(question, Cloze):
        html += _cloze_html(question)
    _material(presentation, html)
    processing = _sub(item, "resprocessing")
    _outcomes(processing)
    feedback = _feedback_html(bank, question)
    if feedback:
        condition = _sub(processing, "respcondition", **{"continue": "Yes"})
        _sub(_sub(condition, "conditionvar"), "other")
        _sub(condition, "displayfeedback", feedbacktype="Response", linkrefid="general_fb")
    _fill(question, item_id, presentation, processing)
    if feedback:
        flow = _sub(_sub(item, "itemfeedback", ident="general_fb"), "flow_mat")
        _material(flow, feedback)
    return item
