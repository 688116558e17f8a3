"""Source coverage: which passages of each source document the questions cite, and which not.

Quotes are located as ``check`` locates them (:mod:`quizgen.bank.provenance`): both sides
normalized, then a plain substring search, so finding every quote costs one pass over
the document per quote. The document's passages (:mod:`.passages`) are placed in the
same normalized text in one forward pass, and a quote covers every passage it overlaps.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from pathlib import Path

from ..bank.model import Bank, Question
from ..bank.provenance import normalize, normalized_document
from ..errors import Location
from .passages import Passage, split_passages

#: A passage cited by this many questions or more is over-mined (the check's rule too).
OVERMINED = 3


@dataclass(frozen=True)
class Citation:
    """One quote of one question, placed in its document's normalized text (start -1: not found)."""

    bank: str
    question: str
    prompt: str
    quote: str
    location: Location
    start: int
    end: int

    @property
    def key(self) -> str:
        """The question's identity across banks: ``bank/question``."""
        return f"{self.bank}/{self.question}"

    @property
    def found(self) -> bool:
        return self.start >= 0


@dataclass(frozen=True)
class PassageCoverage:
    """A passage, the questions citing it and the quoted ranges inside it."""

    passage: Passage
    cited_by: tuple[str, ...]  # citation keys (bank/question), in bank order, each once
    marks: tuple[tuple[int, int], ...]  # quoted ranges of passage.text, sorted, disjoint

    @property
    def cited(self) -> bool:
        return bool(self.cited_by)

    @property
    def overmined(self) -> bool:
        return len(self.cited_by) >= OVERMINED


@dataclass(frozen=True)
class DocumentCoverage:
    """The coverage of one source document, cited under one or more source ids."""

    path: Path
    title: str
    ids: tuple[str, ...]
    passages: tuple[PassageCoverage, ...]
    citations: tuple[Citation, ...]

    @property
    def fact_bearing(self) -> int:
        return sum(p.passage.fact_bearing for p in self.passages)

    @property
    def covered(self) -> int:
        """The fact-bearing passages that at least one question cites."""
        return sum(p.passage.fact_bearing and p.cited for p in self.passages)

    @property
    def percent(self) -> float:
        return 100.0 * self.covered / self.fact_bearing if self.fact_bearing else 100.0

    @property
    def uncited(self) -> list[Passage]:
        """The fact-bearing passages no question cites."""
        return [p.passage for p in self.passages if p.passage.fact_bearing and not p.cited]

    @property
    def overmined(self) -> list[PassageCoverage]:
        return [p for p in self.passages if p.overmined]

    @property
    def not_found(self) -> list[Citation]:
        """Quotes not in the document (``check`` reports them as errors)."""
        return [c for c in self.citations if not c.found]


@dataclass(frozen=True)
class CoverageReport:
    """The coverage of every source document the banks declare."""

    documents: tuple[DocumentCoverage, ...]


def _prompt_of(question: Question) -> str:
    text = getattr(question, "text", None) if question.type == "cloze" else question.prompt
    return text or question.prompt or ""


def coverage(banks: list[Bank]) -> CoverageReport:
    """The coverage of every readable source document of ``banks``."""
    sources: dict[Path, tuple[str, list[str]]] = {}  # resolved path -> title, ids
    refs: dict[Path, list[tuple[Bank, Question, str, Location]]] = {}
    for bank in banks:
        for source in bank.sources.values():
            title, ids = sources.setdefault(source.path, (source.title, []))
            if source.id not in ids:
                ids.append(source.id)
        for question in bank.questions:
            for ref, document in bank.cited(question):
                if document is not None:
                    entry = (bank, question, ref.quote, ref.location)
                    refs.setdefault(document.path, []).append(entry)
    documents: list[DocumentCoverage] = []
    for path, (title, ids) in sources.items():
        try:
            text = path.read_text(encoding="utf-8-sig")
            normalized = normalized_document(path)
        except (OSError, UnicodeDecodeError):
            continue  # check reports an unreadable source; there is nothing to cover
        documents.append(_document(path, title, tuple(ids), text, normalized, refs.get(path, [])))
    return CoverageReport(tuple(documents))


def _document(
    path: Path,
    title: str,
    ids: tuple[str, ...],
    text: str,
    normalized: str,
    refs: list[tuple[Bank, Question, str, Location]],
) -> DocumentCoverage:
    passages = split_passages(text)
    # Place each passage in the normalized document, in one forward pass.
    starts: list[int] = []
    placed: list[Passage] = []
    cursor = 0
    for passage in passages:
        at = normalized.find(passage.text, cursor)
        if at < 0:  # cannot happen for text normalize() made; skip rather than guess
            continue
        starts.append(at)
        placed.append(passage)
        cursor = at + len(passage.text)
    citations: list[Citation] = []
    wanted_quotes = [normalize(quote) for _, _, quote, _ in refs]
    starts_of = _quote_starts(normalized, wanted_quotes)
    for (bank, question, quote, location), wanted in zip(refs, wanted_quotes, strict=True):
        at = starts_of.get(wanted, -1)
        end = at + len(wanted) if at >= 0 else -1
        prompt = _prompt_of(question)
        citations.append(Citation(bank.id, question.id, prompt, quote, location, at, end))
    cited_by: list[dict[str, None]] = [{} for _ in placed]
    marks: list[list[tuple[int, int]]] = [[] for _ in placed]
    for citation in citations:
        if not citation.found:
            continue
        # The passages overlapping [start, end): from the last one starting at or before start.
        first = max(0, bisect.bisect_right(starts, citation.start) - 1)
        for index in range(first, len(placed)):
            p_start = starts[index]
            if p_start >= citation.end:
                break
            p_end = p_start + len(placed[index].text)
            if p_end <= citation.start:
                continue
            cited_by[index].setdefault(citation.key)
            lo, hi = max(citation.start, p_start) - p_start, min(citation.end, p_end) - p_start
            marks[index].append((lo, hi))
    coverages = tuple(
        PassageCoverage(passage, tuple(cited_by[i]), _merged(marks[i]))
        for i, passage in enumerate(placed)
    )
    return DocumentCoverage(path, title, ids, coverages, tuple(citations))


_KEY = 24  # quotes are looked up by (up to) their first 24 characters at word starts


def _quote_starts(document: str, quotes: list[str]) -> dict[str, int]:
    """Where each quote first occurs in ``document`` (absent: not found).

    A search of the whole document for each quote costs document x quotes. Instead, one
    pass over the word starts of the document collects the places where a quote's first
    characters (up to 24; fewer for a shorter quote, so at most 24 lookups a word) begin,
    and each quote is then checked only there. A quote that starts inside a word, or is
    not found that way, gets a plain search: usually a misquote, which ``check`` reports.
    """
    by_length: dict[int, set[str]] = {}
    for quote in quotes:
        if quote:
            by_length.setdefault(min(len(quote), _KEY), set()).add(quote[:_KEY])
    lengths = sorted(by_length.items())
    candidates: dict[str, list[int]] = {}
    position = 0
    while position < len(document):
        for length, keys in lengths:
            key = document[position : position + length]
            if key in keys:
                candidates.setdefault(key, []).append(position)
        space = document.find(" ", position)
        if space < 0:
            break
        position = space + 1
    found: dict[str, int] = {}
    for quote in dict.fromkeys(quotes):
        if not quote:
            continue
        at = next(
            (p for p in candidates.get(quote[:_KEY], ()) if document.startswith(quote, p)), -1
        )
        if at < 0:
            at = document.find(quote)
        if at >= 0:
            found[quote] = at
    return found


def _merged(ranges: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    out: list[tuple[int, int]] = []
    for lo, hi in sorted(ranges):
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return tuple(out)


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(1, width - 1)] + "…"


def summary_lines(
    report: CoverageReport, *, width: int = 100, root: Path | None = None
) -> list[str]:
    """The terminal summary: per document, the share covered, the uncited and over-mined passages."""
    lines: list[str] = []
    for doc in report.documents:
        shown = shown_path(doc.path, root)
        lines.append(f"{shown}: {doc.title} [{', '.join(doc.ids)}]")
        lines.append(
            f"  {doc.covered} of {doc.fact_bearing} fact-bearing passages cited "
            f"({doc.percent:.0f}%); {len(doc.uncited)} uncited, {len(doc.overmined)} over-mined"
        )
        for passage in doc.uncited:
            prefix = f"  uncited    {shown}:{passage.line}: "
            lines.append(prefix + _cut(passage.text, max(30, width - len(prefix))))
        for over in doc.overmined:
            prefix = f"  over-mined {shown}:{over.passage.line}: "
            lines.append(prefix + _cut(over.passage.text, max(30, width - len(prefix))))
            who = ", ".join(key.split("/", 1)[1] for key in over.cited_by)
            lines.append(f"             cited by {len(over.cited_by)} questions: {who}")
        for citation in doc.not_found:
            lines.append(
                f"  not found {citation.location}: question '{citation.question}' quotes text "
                "that is not in this document (see quizgen check)"
            )
    total = sum(d.fact_bearing for d in report.documents)
    covered = sum(d.covered for d in report.documents)
    percent = 100.0 * covered / total if total else 100.0
    count = len(report.documents)
    lines.append(
        f"coverage: {covered} of {total} fact-bearing passages cited ({percent:.0f}%) "
        f"in {count} document{'' if count == 1 else 's'}"
    )
    return lines


def shown_path(path: Path, root: Path | None) -> str:
    """``path`` relative to ``root`` (the current folder) when it is inside it."""
    base = (root or Path.cwd()).resolve()
    try:
        return str(path.relative_to(base))
    except ValueError:
        return str(path)
