"""One question as a QTI 1.2 ``<item>`` in Canvas's dialect (the Canvas format's items).

Per type, the presentation and response processing Canvas Classic Quizzes reads:
choices as ``response_lid`` with ``render_choice``; typed answers as ``response_str`` with
``render_fib``; fill-in-multiple-blanks and matching as one ``response_lid`` per blank or
left item, each scored a share of 100. Displayed text is escaped HTML (``to_html``) in a
``mattext`` of type ``text/html``, escaped again as XML text.

Each item is written as text from a small template per part (one function per question
type), already indented as it sits in the assessment (an item is always four levels
deep): building ~54 ElementTree elements per question and serialising them cost more
than everything else an export does. Every value from the bank goes through
:func:`xml_text` or :func:`xml_attr`; only our own idents and numbers go in as they are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
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


# --------------------------------------------------------------------------- escaping

_ATTR_SPECIAL = re.compile(r'[&<>"\n\r\t]')
_ATTR = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        '"': "&quot;",
        "\n": "&#10;",
        "\r": "&#13;",
        "\t": "&#9;",
    }
)


def xml_text(value: str) -> str:
    """``value`` escaped as XML element text (``&``, ``<``, ``>``; a CR as a reference).

    A raw carriage return would reach the reader as a line feed (XML normalises line
    ends), so it is written ``&#13;``, as lxml does.
    """
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return value.replace("\r", "&#13;") if "\r" in value else value


def xml_attr(value: str) -> str:
    """``value`` escaped as a double-quoted XML attribute (whitespace kept as references)."""
    return value.translate(_ATTR) if _ATTR_SPECIAL.search(value) else value


class HtmlCache(dict[str, str]):
    """``to_html`` of each bank text, rendered once per export (choices and quotes repeat)."""

    def __missing__(self, text: str) -> str:
        html = self[text] = to_html(text)
        return html


# --------------------------------------------------------------------------- shared parts


def _leaf(indent: str, tag: str, attrs: str, text: str) -> str:
    """One element holding only text (self-closed when empty), on its own line."""
    if not text:
        return f"{indent}<{tag}{attrs} />\n"
    return f"{indent}<{tag}{attrs}>{xml_text(text)}</{tag}>\n"


def _material(indent: str, text: str, texttype: str = "text/html") -> str:
    """A ``material`` holding ``text`` (HTML or plain, as ``texttype`` says)."""
    mattext = _leaf(indent + "  ", "mattext", f' texttype="{texttype}"', text)
    return f"{indent}<material>\n{mattext}{indent}</material>\n"


def _condition(body: str, score: str, action: str = "Set") -> str:
    """A ``respcondition`` scoring ``score`` when the ``conditionvar`` lines ``body`` hold."""
    opening = '<respcondition continue="No">' if action == "Set" else "<respcondition>"
    return (
        f"          {opening}\n"
        f"            <conditionvar>\n{body}            </conditionvar>\n"
        f'            <setvar action="{action}" varname="SCORE">{score}</setvar>\n'
        "          </respcondition>\n"
    )


def _labels(idents: list[str], htmls: list[str]) -> str:
    """A ``render_choice`` of one ``response_label`` per choice."""
    labels = "".join(
        f'              <response_label ident="{choice_id}">\n'
        f"{_material('                ', html)}"
        "              </response_label>\n"
        for choice_id, html in zip(idents, htmls, strict=True)
    )
    return f"            <render_choice>\n{labels}            </render_choice>\n"


def _share(count: int) -> str:
    return format_number(round(100 / count, 2)) if count else "0"


# --------------------------------------------------------------------------- per type
# Each returns (the response elements of <presentation>, the scoring <respcondition>s).


def _choice_item(
    question: MultipleChoice | MultipleAnswer | TrueFalse, item_id: str, html: HtmlCache
) -> tuple[str, str]:
    if isinstance(question, TrueFalse):
        htmls = [true_false_text(True), true_false_text(False)]
        right = [0 if question.answer else 1]
    else:
        htmls = [html[c] for c in question.choices]
        answers = question.answers if isinstance(question, MultipleAnswer) else (question.answer,)
        right = [i for i, c in enumerate(question.choices) if c in answers]
    multiple = isinstance(question, MultipleAnswer)
    idents = [f"{item_id}_c{n}" for n in range(len(htmls))]
    response = (
        f'          <response_lid ident="response1" '
        f'rcardinality="{"Multiple" if multiple else "Single"}">\n'
        f"{_labels(idents, htmls)}"
        "          </response_lid>\n"
    )
    if not multiple:
        body = f'              <varequal respident="response1">{idents[right[0]]}</varequal>\n'
        return response, _condition(body, "100")
    checks = []
    for n, choice_id in enumerate(idents):
        if n in right:
            checks.append(
                f'                <varequal respident="response1">{choice_id}</varequal>\n'
            )
        else:
            checks.append(
                "                <not>\n"
                f'                  <varequal respident="response1">{choice_id}</varequal>\n'
                "                </not>\n"
            )
    body = f"              <and>\n{''.join(checks)}              </and>\n"
    return response, _condition(body, "100")


def _typed_item(question: ShortAnswer | Numeric) -> tuple[str, str]:
    fibtype = ' fibtype="Decimal"' if isinstance(question, Numeric) else ""
    response = (
        '          <response_str ident="response1" rcardinality="Single">\n'
        f"            <render_fib{fibtype}>\n"
        '              <response_label ident="answer1" rshuffle="No" />\n'
        "            </render_fib>\n"
        "          </response_str>\n"
    )
    if isinstance(question, ShortAnswer):
        attrs = ' respident="response1"'
        body = "".join(_leaf("              ", "varequal", attrs, a) for a in question.answers)
        return response, _condition(body, "100")
    low, high = numeric_range(question)
    body = (
        "              <or>\n"
        f'                <varequal respident="response1">{format_number(question.answer)}</varequal>\n'
        "                <and>\n"
        f'                  <vargte respident="response1">{format_number(low)}</vargte>\n'
        f'                  <varlte respident="response1">{format_number(high)}</varlte>\n'
        "                </and>\n"
        "              </or>\n"
    )
    return response, _condition(body, "100")


def _cloze_item(question: Cloze, item_id: str) -> tuple[str, str]:
    prefix = blank_stem(question)
    share = _share(len(question.deletions))
    responses: list[str] = []
    conditions: list[str] = []
    for n, deletion in enumerate(question.deletions, start=1):
        blank = f"{prefix}{n}"
        answer_id = f"{item_id}_b{n}"
        responses.append(
            f'          <response_lid ident="response_{xml_attr(blank)}">\n'
            f"{_material('            ', blank, 'text/plain')}"
            "            <render_choice>\n"
            f'              <response_label ident="{answer_id}">\n'
            f"{_material('                ', deletion.answer, 'text/plain')}"
            "              </response_label>\n"
            "            </render_choice>\n"
            "          </response_lid>\n"
        )
        body = f'              <varequal respident="response_{xml_attr(blank)}">{answer_id}</varequal>\n'
        conditions.append(_condition(body, share, "Add"))
    return "".join(responses), "".join(conditions)


def _pairs(question: Matching | Ordering) -> list[tuple[str, str]]:
    if isinstance(question, Matching):
        return list(question.pairs)
    return [(f"Position {n}", item) for n, item in enumerate(question.items, start=1)]


def _matching_item(question: Matching | Ordering, item_id: str, html: HtmlCache) -> tuple[str, str]:
    pairs = _pairs(question)
    share = _share(len(pairs))
    right_ids = [f"{item_id}_m{n}" for n in range(len(pairs))]
    # Every left item offers the same right texts: render them once.
    labels = _labels(right_ids, [html[right] for _, right in pairs])
    responses: list[str] = []
    conditions: list[str] = []
    for n, (left, _) in enumerate(pairs):
        responses.append(
            f'          <response_lid ident="response_{n}">\n'
            f"{_material('            ', html[left])}"
            f"{labels}"
            "          </response_lid>\n"
        )
        body = f'              <varequal respident="response_{n}">{right_ids[n]}</varequal>\n'
        conditions.append(_condition(body, share, "Add"))
    return "".join(responses), "".join(conditions)


def _responses(question: Question, item_id: str, html: HtmlCache) -> tuple[str, str]:
    """The response elements and their scoring, by type."""
    if isinstance(question, MultipleChoice | MultipleAnswer | TrueFalse):
        return _choice_item(question, item_id, html)
    if isinstance(question, ShortAnswer | Numeric):
        return _typed_item(question)
    if isinstance(question, Cloze):
        return _cloze_item(question, item_id)
    if isinstance(question, Matching | Ordering):
        return _matching_item(question, item_id, html)
    raise ValueError(f"no Canvas item for {question.type}")


# --------------------------------------------------------------------------- the item


def _feedback_html(bank: Bank, question: Question, html: HtmlCache) -> str:
    parts = [to_html(question.explanation)] if question.explanation else []
    for ref in question.citations:
        title = source_title(bank, question, ref) or ref.doc
        parts.append(f"Source: {html[title]} — “{html[ref.quote]}”")
    return "<br>".join(p for p in parts if p)


def _prompt_html(question: Question, image: ImageRef | None, html: HtmlCache) -> str:
    text = f"<p>{to_html(question.prompt)}</p>" if question.prompt else ""
    if isinstance(question, Numeric) and question.unit:
        text += f"<p>({html[question.unit]})</p>"
    if image is not None:
        text += f'<p><img src="{image.src}" alt=""></p>'
    return text


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


_METADATA = """\
        <itemmetadata>
          <qtimetadata>
            <qtimetadatafield>
              <fieldlabel>question_type</fieldlabel>
              <fieldentry>{question_type}</fieldentry>
            </qtimetadatafield>
            <qtimetadatafield>
              <fieldlabel>points_possible</fieldlabel>
              <fieldentry>{points}</fieldentry>
            </qtimetadatafield>
            <qtimetadatafield>
              <fieldlabel>assessment_question_identifierref</fieldlabel>
              <fieldentry>ref_{item_id}</fieldentry>
            </qtimetadatafield>
          </qtimetadata>
        </itemmetadata>
"""
_OUTCOMES = """\
          <outcomes>
            <decvar maxvalue="100" minvalue="0" varname="SCORE" vartype="Decimal" />
          </outcomes>
"""
# Canvas shows the general feedback whatever the answer.
_SHOW_FEEDBACK = """\
          <respcondition continue="Yes">
            <conditionvar>
              <other />
            </conditionvar>
            <displayfeedback feedbacktype="Response" linkrefid="general_fb" />
          </respcondition>
"""


def item_xml(
    bank: Bank, question: Question, item_id: str, image: ImageRef | None, html: HtmlCache
) -> str:
    """The ``<item>`` of one question, as indented XML lines inside its ``<section>``."""
    prompt = _prompt_html(question, image, html)
    if isinstance(question, Cloze):
        prompt += _cloze_html(question)
    responses, conditions = _responses(question, item_id, html)
    feedback = _feedback_html(bank, question, html)
    metadata = _METADATA.format(
        question_type=QUESTION_TYPES[question.type],
        points=format_number(question.points),
        item_id=item_id,
    )
    parts = [
        f'      <item ident="{item_id}" title="{xml_attr(question.id)}">\n',
        metadata,
        "        <presentation>\n",
        _material("          ", prompt),
        responses,
        "        </presentation>\n",
        "        <resprocessing>\n",
        _OUTCOMES,
        _SHOW_FEEDBACK if feedback else "",
        conditions,
        "        </resprocessing>\n",
    ]
    if feedback:
        parts += [
            '        <itemfeedback ident="general_fb">\n',
            "          <flow_mat>\n",
            _material("            ", feedback),
            "          </flow_mat>\n",
            "        </itemfeedback>\n",
        ]
    parts.append("      </item>\n")
    return "".join(parts)
