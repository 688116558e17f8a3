"""Anki packages (.apkg): one deck per bank, a subdeck per topic, a note type per question type.

Identity is what makes re-import work, so every id is derived from fixed names, never
from text or from the clock:

* note type id: see :mod:`quizgen.outputs.anki_notetypes`;
* deck id: :func:`stable_id` of ``quizgen:deck:<bank id>`` (the bank's deck) or
  ``quizgen:deck:<bank id>:topic:<topic>`` (a topic's subdeck);
* note GUID: ``genanki.guid_for("quizgen", bank id, question id)``.

This module is the package (decks, notes, media, the file) and the format the registry
lists; the note types and the note fields are the two modules beside it. genanki is
imported inside the functions that use it.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from ..bank.load import collector_paused
from ..bank.model import Bank, Matching, Question
from ..bank.select import Criteria
from ..errors import Location, Problem, QuizgenError
from ..fileio import atomic_path, check_outputs
from .anki_fields import field_html, media_name, note_fields, note_guid, note_tags
from .anki_notetypes import (
    MAX_MATCHING_PAIRS,
    NOTE_TYPES,
    NoteType,
    card_ordinals,
    genanki_model,
    stable_id,
)
from .base import Carriage, OutputOptions, Selection, WrittenFile, carries_all

__all__ = [
    "FORMAT",
    "MAX_MATCHING_PAIRS",
    "NOTE_TYPES",
    "AnkiSummary",
    "NoteType",
    "apkg_path",
    "build_apkg",
    "deck_id",
    "deck_names",
    "note_guid",
    "stable_id",
    "write_apkg",
]


@dataclass
class AnkiSummary:
    """What a package holds: counts for the command line and for tests."""

    path: Path
    decks: list[str] = field(default_factory=list)
    notes: int = 0
    cards: int = 0
    media: int = 0
    notes_by_type: dict[str, int] = field(default_factory=dict)


# --------------------------------------------------------------------------- limits


def anki_problems(questions: Sequence[Question]) -> list[Problem]:
    """What Anki cannot hold: a matching question with more pairs than card templates."""
    return [
        Problem(
            q.where("pairs"),
            "error",
            f"{len(q.pairs)} pairs; an Anki matching card takes at most {MAX_MATCHING_PAIRS} "
            "(split the question in two)",
            q.id,
        )
        for q in questions
        if isinstance(q, Matching) and len(q.pairs) > MAX_MATCHING_PAIRS
    ]


# --------------------------------------------------------------------------- decks


def deck_id(bank: Bank, topic: str | None = None) -> int:
    """The fixed id of a bank's deck, or of one of its topic subdecks."""
    if topic is None:
        return stable_id(f"quizgen:deck:{bank.id}")
    return stable_id(f"quizgen:deck:{bank.id}:topic:{topic}")


def _deck_part(text: str) -> str:
    """A deck name component: ``::`` (Anki's separator) and control characters removed."""
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    return re.sub(r"\s+", " ", text.replace("::", ":")).strip() or "(untitled)"


def deck_names(banks: Sequence[Bank]) -> dict[str, str]:
    """Each bank's deck name: its title, with `` (bank id)`` added when two titles clash."""
    titles = [_deck_part(bank.title) for bank in banks]
    out = {}
    for bank, title in zip(banks, titles, strict=True):
        out[bank.id] = f"{title} ({bank.id})" if titles.count(title) > 1 else title
    return out


# --------------------------------------------------------------------------- package


def write_apkg(
    banks: Sequence[Bank],
    output: Path,
    criteria: Criteria | None = None,
    *,
    timestamp: float | None = None,
) -> AnkiSummary:
    """Write one .apkg holding the chosen questions of every bank; return what it holds.

    One deck per bank (named by its title), a subdeck ``Title::Topic`` per topic, new
    cards in bank order. The file is written atomically, and only when no chosen
    question is beyond Anki's limits. ``timestamp`` fixes the notes' modification time,
    for tests; leave it None for real builds (the build time), since Anki only updates
    notes on re-import when the package's copy is newer.
    """
    criteria = criteria or Criteria()
    chosen = tuple(q for b in banks for q in b.questions if criteria.matches(q))
    with collector_paused():
        return write_selection(Selection(tuple(banks), chosen), Path(output), timestamp)


def apkg_path(output: Path) -> Path:
    """``out`` → ``out.apkg``: a name typed without a suffix gets Anki's.

    A name with another suffix (``deck.zip``), or one that exists (``/dev/null``), is kept
    as typed, so the output checks see what the user named.
    """
    output = Path(output)
    if output.suffix or output.exists() or not output.name:
        return output
    return output.with_name(output.name + ".apkg")


def build_apkg(
    paths: Sequence[Path], output: Path, criteria: Criteria | None = None
) -> AnkiSummary:
    """Load and check the banks at ``paths`` and write them as one package (``quizgen anki``).

    Loading builds a large graph of small objects, so the cycle collector stays paused
    for the whole build.
    """
    from ..bank.load import load_banks

    with collector_paused():
        return write_apkg(load_banks(list(paths)), output, criteria)


def write_selection(
    selection: Selection, output: Path, timestamp: float | None = None
) -> AnkiSummary:
    """Write the selection as one package, after checking it against Anki's limits.

    An output that is an input of the run (a bank, a source, an image) is refused first.
    """
    import genanki

    check_outputs([output], selection.inputs())
    problems = anki_problems(selection.questions)
    if problems:
        raise QuizgenError(problems)
    names = deck_names(selection.banks)
    models = {key: genanki_model(spec) for key, spec in NOTE_TYPES.items()}
    summary = AnkiSummary(path=output)
    decks: list[genanki.Deck] = []
    media: dict[str, Path] = {}
    position = 0

    for bank, chosen in selection.by_bank():
        root = genanki.Deck(deck_id(bank), names[bank.id], description=field_html(bank.description))
        subdecks: dict[str, genanki.Deck] = {}
        decks.append(root)
        for question in chosen:
            image_name = _add_media(question, media) if question.image is not None else None
            note = _note_class()(
                model=models[question.type],
                fields=note_fields(bank, question, image_name),
                tags=note_tags(question),
                guid=note_guid(bank, question),
                due=position,
            )
            # The cards are known from the question; genanki would re-derive them per note.
            note.cards = [genanki.Card(ordinal) for ordinal in card_ordinals(question)]
            position += 1
            deck = root
            if question.topic:
                found = subdecks.get(question.topic)
                if found is None:
                    name = f"{names[bank.id]}::{_deck_part(question.topic)}"
                    found = genanki.Deck(deck_id(bank, question.topic), name)
                    subdecks[question.topic] = found
                    decks.append(found)
                deck = found
            deck.add_note(note)
            summary.notes += 1
            summary.cards += len(note.cards)
            summary.notes_by_type[question.type] = summary.notes_by_type.get(question.type, 0) + 1

    if not summary.notes:
        raise QuizgenError(
            "no questions match the selection: nothing to put in an Anki package",
            location=Location(str(output)),
        )
    summary.decks = [deck.name for deck in decks]
    summary.media = len(media)
    _write_package(decks, media, output, timestamp)
    return summary


def _add_media(question: Question, media: dict[str, Path]) -> str:
    assert question.image is not None
    try:
        name = media_name(question.image)
    except OSError as exc:
        raise QuizgenError(
            f"question '{question.id}': cannot read image {question.image}: {exc.strerror or exc}",
            location=question.where("image"),
        ) from None
    media.setdefault(name, question.image)
    return name


def _write_package(
    decks: list[Any], media: Mapping[str, Path], output: Path, timestamp: float | None
) -> None:
    import genanki

    with tempfile.TemporaryDirectory(prefix="quizgen-anki-") as folder:
        # genanki stores each media file under its base name, so give each its media name.
        files = []
        for name, path in media.items():
            copy = Path(folder) / name
            shutil.copyfile(path, copy)
            files.append(str(copy))
        package = genanki.Package(decks, media_files=files)
        with atomic_path(output) as tmp:
            package.write_to_file(
                str(tmp), timestamp=time.time() if timestamp is None else timestamp
            )


@cache
def _note_class() -> type:
    """genanki.Note without its scan for unescaped HTML (quizgen escapes every field itself).

    The scan runs a regular expression over every field of every note and only warns;
    quizgen's fields are escaped by construction, so skipping it saves build time.
    """
    import genanki

    class QuizgenNote(genanki.Note):
        def _check_invalid_html_tags_in_fields(self) -> None:
            return None

    return QuizgenNote


# --------------------------------------------------------------------------- the format


class AnkiFormat:
    """The registry's face of the Anki package."""

    name = "anki"
    label = "Anki package"
    suffix = ".apkg"
    carries: Mapping[str, Carriage] = carries_all()
    limits = (
        f"matching: at most {MAX_MATCHING_PAIRS} pairs (one card template each); "
        "typed answers are compared letter by letter, tolerance and alternatives shown on the back"
    )

    def problems(self, selection: Selection, options: OutputOptions) -> list[Problem]:
        """A matching question with more pairs than Anki's note type has cards."""
        return anki_problems(selection.questions)

    def write(self, selection: Selection, path: Path, options: OutputOptions) -> list[WrittenFile]:
        """One package of the selection at ``path``."""
        with collector_paused():
            write_selection(selection, path)
        return [WrittenFile(path, self.label, _only_bank(selection))]


def _only_bank(selection: Selection) -> str | None:
    return selection.bank_id


FORMAT = AnkiFormat()
