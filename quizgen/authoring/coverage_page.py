"""The coverage report as one HTML page: each document's text, cited passages highlighted.

Rendered with ``templates/coverage.html.j2`` through an autoescaping Jinja2 environment:
document and bank text is always text on the page, never markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..fileio import write_text_atomic
from ..templating import template_environment
from ..text import to_plain
from .coverage import (
    OVERMINED,
    Citation,
    CoverageReport,
    DocumentCoverage,
    PassageCoverage,
    shown_path,
)

TEMPLATE = "coverage.html.j2"


@dataclass(frozen=True)
class Segment:
    """A piece of a passage's text; ``quoted`` when a question quotes it."""

    text: str
    quoted: bool


@dataclass(frozen=True)
class PassageView:
    """A passage as the page shows it."""

    anchor: str
    line: int
    segments: tuple[Segment, ...]
    css: str
    questions: tuple[tuple[str, str], ...]  # (anchor, question id)


@dataclass(frozen=True)
class BlockView:
    """A run of passages shown together: a heading, a paragraph or a list."""

    kind: str  # "heading", "paragraph" or "list"
    passages: tuple[PassageView, ...]


@dataclass(frozen=True)
class QuestionView:
    """A question citing the document, with the passages it covers."""

    anchor: str
    id: str
    bank: str
    prompt: str
    quote: str
    location: str
    found: bool
    passages: tuple[tuple[str, int], ...]  # (passage anchor, its line), in document order


@dataclass(frozen=True)
class DocumentView:
    """One document's section of the page."""

    anchor: str
    title: str
    path: str
    ids: str
    covered: int
    fact_bearing: int
    percent: str
    uncited: int
    overmined: int
    blocks: tuple[BlockView, ...]
    questions: tuple[QuestionView, ...]


def _anchor(text: str) -> str:
    return "".join(c if c.isalnum() or c == "-" else "_" for c in text)


def question_anchor(doc_index: int, key: str) -> str:
    """The element id of a question's entry in a document's section."""
    return f"d{doc_index}-q-{_anchor(key)}"


def _segments(pc: PassageCoverage) -> tuple[Segment, ...]:
    text = pc.passage.text
    out: list[Segment] = []
    last = 0
    for lo, hi in pc.marks:
        if lo > last:
            out.append(Segment(text[last:lo], False))
        out.append(Segment(text[lo:hi], True))
        last = hi
    if last < len(text):
        out.append(Segment(text[last:], False))
    return tuple(out)


def _css(pc: PassageCoverage) -> str:
    classes = ["passage", pc.passage.kind]
    if pc.overmined:
        classes += ["cited", "overmined"]
    elif pc.cited:
        classes.append("cited")
    elif pc.passage.fact_bearing:
        classes.append("uncited")
    else:
        classes.append("minor")
    return " ".join(classes)


def _document_view(index: int, doc: DocumentCoverage, shown_path: str) -> DocumentView:
    blocks: list[BlockView] = []
    current: list[PassageView] = []
    current_kind = ""
    current_line = -1
    covered_by: dict[str, list[tuple[str, int]]] = {}
    for number, pc in enumerate(doc.passages):
        anchor = f"d{index}-p{number}"
        for key in pc.cited_by:
            covered_by.setdefault(key, []).append((anchor, pc.passage.line))
        view = PassageView(
            anchor=anchor,
            line=pc.passage.line,
            segments=_segments(pc),
            css=_css(pc),
            questions=tuple(
                (question_anchor(index, key), key.split("/", 1)[1]) for key in pc.cited_by
            ),
        )
        kind = {"item": "list", "sentence": "paragraph"}.get(pc.passage.kind, "heading")
        # Items gather in one list; sentences of one paragraph (same first line) in one block.
        same = kind == current_kind and (
            kind == "list" or (kind == "paragraph" and pc.passage.line == current_line)
        )
        if current and not same:
            blocks.append(BlockView(current_kind, tuple(current)))
            current = []
        current.append(view)
        current_kind, current_line = kind, pc.passage.line
    if current:
        blocks.append(BlockView(current_kind, tuple(current)))
    questions: dict[str, QuestionView] = {}
    for citation in doc.citations:
        questions[citation.key] = _question_view(index, citation, questions.get(citation.key))
    ordered = tuple(
        QuestionView(**{**q.__dict__, "passages": tuple(covered_by.get(f"{q.bank}/{q.id}", ()))})
        for q in questions.values()
    )
    return DocumentView(
        anchor=f"d{index}",
        title=doc.title,
        path=shown_path,
        ids=", ".join(doc.ids),
        covered=doc.covered,
        fact_bearing=doc.fact_bearing,
        percent=f"{doc.percent:.0f}",
        uncited=len(doc.uncited),
        overmined=len(doc.overmined),
        blocks=tuple(blocks),
        questions=ordered,
    )


def _question_view(index: int, citation: Citation, before: QuestionView | None) -> QuestionView:
    quote = citation.quote if before is None else f"{before.quote} … {citation.quote}"
    return QuestionView(
        anchor=question_anchor(index, citation.key),
        id=citation.question,
        bank=citation.bank,
        prompt=to_plain(citation.prompt),
        quote=quote,
        location=str(citation.location),
        found=citation.found and (before is None or before.found),
        passages=(),
    )


def render_coverage(report: CoverageReport, *, root: Path | None = None) -> str:
    """The HTML page of ``report``."""
    env = template_environment()
    documents = [
        _document_view(i, doc, shown_path(doc.path, root)) for i, doc in enumerate(report.documents)
    ]
    total = sum(d.fact_bearing for d in report.documents)
    covered = sum(d.covered for d in report.documents)
    percent = f"{100.0 * covered / total if total else 100.0:.0f}"
    return env.get_template(TEMPLATE).render(
        documents=documents, covered=covered, total=total, percent=percent, overmined=OVERMINED
    )


def write_coverage(report: CoverageReport, path: Path, *, root: Path | None = None) -> Path:
    """Write the HTML page of ``report`` to ``path`` atomically."""
    return write_text_atomic(path, render_coverage(report, root=root))
