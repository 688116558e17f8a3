"""``quizgen new``: a first bank with its sources filled in and one example of each type.

The examples are live questions, each under a comment saying what its keys mean, so the
new file passes ``quizgen check`` as written: each one quotes a real passage of the
sources given (the first words of a fact-bearing passage), in turn. A file that exists
is never overwritten.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import Location, QuizgenError
from .passages import split_passages

_QUOTE_WORDS = 8


@dataclass(frozen=True)
class NewSource:
    """A source document of the new bank: its id, path as written, title and quotable passages."""

    id: str
    path: str
    title: str
    quotes: tuple[str, ...]


def slug(text: str, fallback: str = "bank") -> str:
    """``text`` as a slug (a-z, 0-9, '-'): ``Water_Cycle 2`` -> ``water-cycle-2``."""
    value = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return value or fallback


def yaml_text(value: str) -> str:
    """``value`` as a double-quoted YAML scalar (a JSON string is one)."""
    return json.dumps(value, ensure_ascii=False)


def _source(document: Path, bank_folder: Path, taken: set[str]) -> NewSource:
    try:
        text = document.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or "it is not UTF-8 text"
        raise QuizgenError(
            f"cannot read source {document}: {reason}", location=Location(str(document))
        ) from None
    passages = split_passages(text)
    base = slug(document.stem, "source")
    source_id, number = base, 2
    while source_id in taken:
        source_id, number = f"{base}-{number}", number + 1
    taken.add(source_id)
    starts_with_heading = bool(passages) and passages[0].kind == "heading"
    title = passages[0].text if starts_with_heading else document.stem
    quotes = tuple(" ".join(p.text.split(" ")[:_QUOTE_WORDS]) for p in passages if p.fact_bearing)
    relative = os.path.relpath(document.resolve(), bank_folder.resolve())
    return NewSource(source_id, Path(relative).as_posix(), title, quotes)


def _examples(sources: list[NewSource]) -> list[str]:
    """The example questions, as YAML lines, each citing the next passage of the sources."""
    # Round robin over the sources, so that every source is cited when it can be.
    by_source = [[(s.id, q) for q in s.quotes] for s in sources if s.quotes]
    picked: list[tuple[str, str]] = []
    index = 0
    while by_source and len(picked) < 8 and index < 8 * len(by_source):
        pool = by_source[index % len(by_source)]
        position = index // len(by_source)
        if position < len(pool):
            picked.append(pool[position])
        index += 1

    def source(number: int) -> str:
        if number < len(picked):
            doc, quote = picked[number]
            return f"    source: {{doc: {doc}, quote: {yaml_text(quote)}}}"
        return '    # source: {doc: SOURCE_ID, quote: "words copied exactly from the document"}'

    blocks = [
        [
            "  # multiple_choice: one right answer. 'answer' is written exactly as one of the",
            "  # 2 to 10 choices; quizgen shuffles them (shuffle: false keeps your order).",
            "  - id: example-choice",
            "    type: multiple_choice",
            "    prompt: Which gas do plants take in to make their food?",
            "    choices: [Carbon dioxide, Oxygen, Nitrogen, Helium]",
            "    answer: Carbon dioxide",
            "    explanation: Say why the answer is right; students see it after answering.",
            "    topic: Examples        # groups questions: a section of a quiz, an Anki subdeck",
            "    tags: [example]        # slugs to pick questions with --tag",
            "    difficulty: easy       # easy, medium or hard",
            source(0),
        ],
        [
            "  # multiple_answer: tick every right choice; 'answer' lists them.",
            "  - id: example-select-all",
            "    type: multiple_answer",
            "    prompt: Which of these are planets?",
            "    choices: [Mars, Venus, The Moon, Sirius]",
            "    answer: [Mars, Venus]",
            "    topic: Examples",
            source(1),
        ],
        [
            "  # true_false: 'answer' is true or false (no quotes).",
            "  - id: example-true-false",
            "    type: true_false",
            "    prompt: Sound travels faster than light.",
            "    answer: false",
            "    topic: Examples",
            source(2),
        ],
        [
            "  # short_answer: typed text. The first answer is the one shown; the others are",
            "  # accepted too. Case, accents and small typos are forgiven.",
            "  - id: example-short-answer",
            "    type: short_answer",
            "    prompt: What is the largest ocean on Earth?",
            "    answer: [Pacific Ocean, Pacific, the Pacific]",
            "    topic: Examples",
            source(3),
        ],
        [
            "  # numeric: a number; answers within 'tolerance' are right. Write numbers plainly:",
            "  # 1500 or 1_500, not 1,500. 'unit' is shown beside the answer box.",
            "  - id: example-number",
            "    type: numeric",
            "    prompt: At what temperature does water boil at sea level?",
            "    answer: 100",
            "    tolerance: 0",
            "    unit: °C",
            "    topic: Examples",
            source(4),
        ],
        [
            "  # cloze: gaps written {{c1::answer}} or {{c1::answer::hint}}; the prompt is optional.",
            "  # Text with ': ' or starting with a quote or '{' must be in quotes, as here.",
            "  - id: example-cloze",
            "    type: cloze",
            "    prompt: Complete the sentence.",
            '    text: "Water freezes at {{c1::0}} °C and boils at {{c2::100::a number}} °C."',
            "    topic: Examples",
            source(5),
        ],
        [
            "  # matching: pairs of [left, right]; students match each left to its right.",
            "  - id: example-matching",
            "    type: matching",
            "    prompt: Match each country with its capital.",
            "    pairs:",
            "      - [France, Paris]",
            "      - [Japan, Tokyo]",
            "      - [Kenya, Nairobi]",
            "    topic: Examples",
            source(6),
        ],
        [
            "  # ordering: write the items in the right order; quizgen shuffles them.",
            "  - id: example-ordering",
            "    type: ordering",
            "    prompt: Put these planets in order of distance from the Sun, nearest first.",
            "    items: [Mercury, Earth, Jupiter, Neptune]",
            "    topic: Examples",
            source(7),
        ],
    ]
    lines: list[str] = []
    for block in blocks:
        lines.extend(block)
        lines.append("")
    return lines


def new_bank_text(path: Path, sources: list[Path]) -> str:
    """The text of a new bank at ``path`` citing ``sources`` (paths as given on the command line)."""
    taken: set[str] = set()
    declared = [_source(doc, path.parent, taken) for doc in sources]
    bank_id = slug(path.stem)
    title = re.sub(r"[-_]+", " ", path.stem).strip().capitalize() or "My questions"
    lines = [
        "# A quizgen question bank (docs/bank-format.md; help with writing it: docs/authoring.md).",
        f"# Check it after each change:  quizgen check {path.name}",
        f"# Make the quiz, the key and the Anki deck:  quizgen build {path.name}",
        "# Each question below is an example of one type: edit it into your own, copy a block",
        "# (from '- id:' to the line before the next one) to add a question, delete the rest.",
        "# Every 'quote' is copied word for word from its source document; check finds it there.",
        f"id: {bank_id}                 # a slug: a-z, 0-9 and '-'",
        f"title: {yaml_text(title)}",
        "description: What these questions are about (optional).",
    ]
    if declared:
        lines.append("sources:                 # the documents the questions quote")
        for s in declared:
            lines += [
                f"  {s.id}:",
                f"    path: {yaml_text(s.path)}   # relative to this file",
                f"    title: {yaml_text(s.title)}",
            ]
    else:
        lines += [
            "# sources:                # the documents the questions quote, e.g.",
            "#   lesson:",
            "#     path: lesson.txt     # relative to this file",
            "#     title: My lesson notes",
        ]
    lines += ["", "questions:"]
    lines += _examples(declared)
    return "\n".join(lines).rstrip("\n") + "\n"


def refuse_existing(path: Path) -> None:
    """Raise the "never overwrites" QuizgenError if ``path`` exists."""
    if path.exists() or path.is_symlink():
        raise _refused(path)


def _refused(path: Path) -> QuizgenError:
    return QuizgenError(
        f"{path} already exists; quizgen new never overwrites a file (choose another name)",
        location=Location(str(path)),
    )


def create_file(path: Path, text: str | bytes) -> Path:
    """Write ``text`` to a new file at ``path``; never replaces an existing one.

    The text goes to a temporary file beside ``path`` that is then hard-linked into
    place: the file appears whole or not at all, and one that appeared meanwhile wins.
    """
    import tempfile

    refused = _refused(path)
    refuse_existing(path)
    data = text.encode("utf-8") if isinstance(text, str) else text
    folder = path.parent if str(path.parent) else Path(".")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise QuizgenError(
            f"cannot write {path}: {exc.strerror or exc}", location=Location(str(path))
        ) from None
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o644)
        try:
            os.link(tmp, path)
        except FileExistsError:
            raise refused from None
        except OSError:  # a file system without hard links: an exclusive create instead
            with open(path, "xb") as f:
                f.write(data)
    except FileExistsError:
        raise refused from None
    except OSError as exc:
        raise QuizgenError(
            f"cannot write {path}: {exc.strerror or exc}", location=Location(str(path))
        ) from None
    finally:
        tmp.unlink(missing_ok=True)
    return path


def write_new_bank(path: Path, sources: list[Path]) -> Path:
    """Create the new bank file at ``path``; QuizgenError if it exists or a source cannot be read."""
    return create_file(path, new_bank_text(path, sources))
