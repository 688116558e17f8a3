"""A source document cut into passages: its sentences, list items and headings.

A *passage* is a sentence of a paragraph, a list item or a heading. It is
*fact-bearing* when it is a sentence or a list item (not a heading) with at least
:data:`MIN_CONTENT_WORDS` content words (words that are not in :data:`STOP_WORDS`, nor
numbers alone), and does not end with ``?`` (a question) or ``:`` (a lead-in such as
"Plans include:", whose facts are in what follows).
``docs/authoring.md`` states the same rules for teachers.

The cut is made line by line, in one pass:

- a line starting with ``-``, ``*``, ``•`` or ``+`` is a list item (one passage);
- a line of at most :data:`MAX_HEADING_WORDS` words that neither ends nor holds a
  sentence (no ``.``, ``!``, ``?``, ``:`` or ``;`` at its end, no sentence break inside),
  and whose next line does not start in lower case, is a heading;
  ``1. Advancing Economic Cooperation`` is one too;
- other lines form paragraphs: a line that starts in lower case continues the one before
  when that one did not end a sentence (a hard-wrapped paragraph), and a blank line ends
  a paragraph; a paragraph is cut into sentences after ``.``, ``!`` or ``?`` followed by a
  space and a capital letter, a digit or a quote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from ..bank.provenance import normalize

PassageKind = Literal["sentence", "item", "heading"]

MIN_CONTENT_WORDS = 2
MAX_HEADING_WORDS = 12

_STOP_WORDS_TEXT = """
    a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each either even
    ever every few for from further had has have having he her here hers herself him himself
    his how however i if in into is it its itself just least less let like may me might more
    most much must my myself neither no nor not now of off often on once one only or other
    our ours ourselves out over own per quite rather same shall she should since so some such
    than that the their theirs them themselves then there these they this those though through
    thus to too under until up upon us very via was we were what when where whether which
    while who whom whose why will with within without would yet you your yours yourself
    yourselves s t
    """
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())

_BULLET = re.compile(r"^\s*[-*•+]\s+")
_NUMBERED = re.compile(r"^\s*\d{1,3}[.)]\s+")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_SENTENCE_END = re.compile(r"[.!?:;][\"'”’)\]]*\s*$")
# A question ("Where does Putin stand?") or a lead-in ("Plans include:") states no fact.
_NO_FACT_END = re.compile(r"[:?][\"'”’)\]]*$")
_FULL_STOP_END = re.compile(r"[.!?][\"'”’)\]]*\s*$")
# A sentence ends after . ! ? (and closing quotes/brackets) before a space and a capital,
# a digit or an opening quote. Initials and "e.g." may cut a sentence in two: a passage
# is then shorter, never lost.
_SENTENCE_BREAK = re.compile(r"[.!?][\"'”’)\]]*(\s+)(?=[\"'“‘(]?[A-Z0-9])")


@dataclass(frozen=True)
class Passage:
    """One passage of a document: its normalized text, kind and first line (1-based)."""

    index: int
    text: str
    kind: PassageKind
    line: int
    content_words: int

    @property
    def fact_bearing(self) -> bool:
        """A sentence or list item with MIN_CONTENT_WORDS content words, not a question or lead-in."""
        return (
            self.kind != "heading"
            and self.content_words >= MIN_CONTENT_WORDS
            and not _NO_FACT_END.search(self.text)
        )


def content_words(text: str) -> list[str]:
    """The words of ``text`` that are not stop words (lower case)."""
    words = (w.lower().replace("’", "'") for w in _WORD.findall(text))
    return [w for w in words if w not in STOP_WORDS and not w.isdigit()]


def _is_heading(line: str, following: str) -> bool:
    """A short line that ends no sentence, holds none, and is not continued by ``following``."""
    stripped = _NUMBERED.sub("", line).strip()
    return (
        not _SENTENCE_END.search(stripped)
        and len(stripped.split()) <= MAX_HEADING_WORDS
        and not _SENTENCE_BREAK.search(stripped)
        and not following.lstrip()[:1].islower()
    )


def _sentences(paragraph: str) -> list[str]:
    """``paragraph`` cut at each sentence break (the white space after the break is dropped)."""
    pieces: list[str] = []
    start = 0
    for match in _SENTENCE_BREAK.finditer(paragraph):
        pieces.append(paragraph[start : match.start(1)])
        start = match.end(1)
    pieces.append(paragraph[start:])
    return pieces


def split_passages(text: str) -> list[Passage]:
    """The passages of a document's ``text``, in order (linear in its length)."""
    blocks: list[tuple[str, PassageKind, int]] = []  # raw text, kind, first line
    paragraph: list[str] = []
    paragraph_line = 0

    def flush() -> None:
        if paragraph:
            blocks.append((" ".join(paragraph), "sentence", paragraph_line))
            paragraph.clear()

    lines = text.splitlines()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            flush()
            continue
        if _BULLET.match(line):
            flush()
            blocks.append((_BULLET.sub("", line), "item", number))
            continue
        if _is_heading(line, lines[number] if number < len(lines) else ""):
            flush()
            blocks.append((line, "heading", number))
            continue
        stripped = line.lstrip()
        continues = (
            paragraph and stripped[:1].islower() and not _FULL_STOP_END.search(paragraph[-1])
        )
        if not continues:
            flush()
            paragraph_line = number
        paragraph.append(line)
    flush()

    passages: list[Passage] = []
    for raw, kind, first_line in blocks:
        pieces = _sentences(raw) if kind == "sentence" else [raw]
        for piece in pieces:
            normalized = normalize(piece)
            if not normalized:
                continue
            passages.append(
                Passage(len(passages), normalized, kind, first_line, len(content_words(normalized)))
            )
    return passages
