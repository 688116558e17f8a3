"""The Anki note-type contract: one note type per question type, fixed per version.

Identity is what makes re-import work, so every id here is derived from fixed names,
never from text or from the clock: a note type's id is :func:`stable_id` of
``quizgen:note-type:<type>:v<version>``. A note type's fields and card templates are part
of its identity: changing them means a new version (a new name and id), never an edit in
place; docs/anki.md says why and what a user does then. genanki is imported inside the
functions that use it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from ..bank.model import Cloze, Matching, Question
from ..questions import TYPES
from ..resources import templates_dir

if TYPE_CHECKING:
    import genanki

#: Most pairs a matching question can have in Anki: its note type has one card template per pair.
MAX_MATCHING_PAIRS = 20

#: Fields every quizgen note type ends with, in this order.
COMMON_FIELDS: tuple[str, ...] = (
    "Explanation",
    "SourceTitle",
    "SourceQuote",
    "Image",
    "QuestionId",
)

_ID_LOW = 1 << 30
_ID_SPAN = 1 << 30


def stable_id(name: str) -> int:
    """A fixed id in [2**30, 2**31) for ``name``: the first 8 bytes of its SHA-256, reduced.

    The range is the one genanki recommends for note type and deck ids; the same name
    gives the same id on every machine and in every Python.
    """
    digest = hashlib.sha256(name.encode("utf-8")).digest()
    return _ID_LOW + int.from_bytes(digest[:8], "big") % _ID_SPAN


@dataclass(frozen=True)
class NoteType:
    """One quizgen note type: its name, id, fields and card templates are fixed per version."""

    question_type: str
    label: str
    version: int
    fields: tuple[str, ...]
    template_names: tuple[str, ...]
    is_cloze: bool = False

    @property
    def name(self) -> str:
        """The name users see in Anki, e.g. ``quizgen Multiple choice v1``."""
        return f"quizgen {self.label} v{self.version}"

    @property
    def key(self) -> str:
        """The fixed name the id is derived from."""
        return f"quizgen:note-type:{self.question_type}:v{self.version}"

    @property
    def id(self) -> int:
        return stable_id(self.key)


def _note_types() -> dict[str, NoteType]:
    pairs = tuple(f"Left{n}" for n in range(1, MAX_MATCHING_PAIRS + 1)) + tuple(
        f"Right{n}" for n in range(1, MAX_MATCHING_PAIRS + 1)
    )
    card = ("Card",)
    # (fields before the common ones, card template names, is cloze), per question type.
    specs: dict[str, tuple[tuple[str, ...], tuple[str, ...], bool]] = {
        "multiple_choice": (("Prompt", "Choices", "Answer"), card, False),
        "multiple_answer": (("Prompt", "Choices", "Answer"), card, False),
        "true_false": (("Prompt", "Answer"), card, False),
        "short_answer": (("Prompt", "Answer", "Accepted"), card, False),
        "numeric": (("Prompt", "Answer", "Unit", "Tolerance"), card, False),
        "cloze": (("Text", "Instruction"), ("Cloze",), True),
        "matching": (
            ("Prompt", "Options", "Pairs", *pairs),
            tuple(f"Pair {n}" for n in range(1, MAX_MATCHING_PAIRS + 1)),
            False,
        ),
        "ordering": (("Prompt", "Items", "Order"), card, False),
    }
    return {
        name: NoteType(name, TYPES[name].label, 1, fields + COMMON_FIELDS, templates, is_cloze)
        for name, (fields, templates, is_cloze) in specs.items()
    }


#: The note type of each question type.
NOTE_TYPES: dict[str, NoteType] = _note_types()


@cache
def _template_text(name: str) -> str:
    return (templates_dir() / "anki" / name).read_text(encoding="utf-8")


@cache
def card_css() -> str:
    """The stylesheet every quizgen note type uses.

    After templates/anki/card.css come the rules that highlight, on the back of matching
    card N, row N of the table of all pairs (one rule per card template).
    """
    rows = ",\n".join(
        f".qz-ask-{n} .qz-pairs tr:nth-child({n}) td" for n in range(1, MAX_MATCHING_PAIRS + 1)
    )
    highlight = (
        "\n/* Matching: the pair this card asks, in the table of all pairs */\n"
        f"{rows} {{\n  background: var(--qz-right-bg);\n  font-weight: 600;\n}}\n"
    )
    return _template_text("card.css") + highlight


def card_templates(note_type: NoteType) -> list[dict[str, str]]:
    """The note type's card templates (``name``, ``qfmt``, ``afmt``) as Anki wants them."""
    header = _template_text("header.html").strip()
    footer = _template_text("footer.html").strip()
    tap = _template_text("tap.html").strip()
    front = _template_text(f"{note_type.question_type}.front.html")
    back = _template_text(f"{note_type.question_type}.back.html")
    return [
        {
            "name": name,
            "qfmt": _fill(front, header, footer, number, tap),
            "afmt": _fill(back, header, footer, number, tap),
        }
        for number, name in enumerate(note_type.template_names, start=1)
    ]


def _fill(text: str, header: str, footer: str, number: int, tap: str) -> str:
    return (
        text.replace("%TAP%", tap)
        .replace("%HEADER%", header)
        .replace("%FOOTER%", footer)
        .replace("%N%", str(number))
        .strip()
    )


def genanki_model(note_type: NoteType) -> genanki.Model:
    """The genanki model of a note type."""
    import genanki

    model = genanki.Model(
        note_type.id,
        note_type.name,
        fields=[{"name": name} for name in note_type.fields],
        templates=card_templates(note_type),
        css=card_css(),
        model_type=genanki.Model.CLOZE if note_type.is_cloze else genanki.Model.FRONT_BACK,
    )
    if note_type.question_type == "matching":
        # Card template N needs field LeftN and nothing else. genanki would find this out
        # by rendering every template once per field (1,800 renders); say it directly.
        model._req = [
            [n, "all", [note_type.fields.index(f"Left{n + 1}")]]
            for n in range(len(note_type.template_names))
        ]
    return model


def card_ordinals(question: Question) -> list[int]:
    """The card template ordinals a question's note makes, as Anki generates them."""
    if isinstance(question, Cloze):
        return [number - 1 for number in question.numbers]
    if isinstance(question, Matching):
        return list(range(len(question.pairs)))
    return [0]
