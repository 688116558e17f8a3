"""Anki packages (.apkg): one deck per bank, a subdeck per topic, a note type per question type.

Identity is what makes re-import work, so every id here is derived from fixed names,
never from text or from the clock:

* note type id: :func:`stable_id` of ``quizgen:note-type:<type>:v<version>``;
* deck id: :func:`stable_id` of ``quizgen:deck:<bank id>`` (the bank's deck) or
  ``quizgen:deck:<bank id>:topic:<topic>`` (a topic's subdeck);
* note GUID: ``genanki.guid_for("quizgen", bank id, question id)``.

A note type's fields and card templates are part of its identity: changing them means
a new version (a new name and id), never an edit in place. docs/anki.md says why and
what a user does then. genanki is imported inside the functions that use it.
"""

from __future__ import annotations

import hashlib
import html
import re
import shutil
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..bank.load import collector_paused
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
from ..bank.select import Criteria, select
from ..errors import Location, QuizgenError
from ..fileio import atomic_path
from ..resources import templates_dir
from ..text import format_number, to_html, to_plain

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

#: Seed of the fixed shuffles (choices, ordering items, matching options).
SHUFFLE_SEED = "quizgen-anki"

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
    specs = [
        NoteType(
            "multiple_choice", "Multiple choice", 1, ("Prompt", "Choices", "Answer"), ("Card",)
        ),
        NoteType(
            "multiple_answer", "Multiple answer", 1, ("Prompt", "Choices", "Answer"), ("Card",)
        ),
        NoteType("true_false", "True or false", 1, ("Prompt", "Answer"), ("Card",)),
        NoteType("short_answer", "Short answer", 1, ("Prompt", "Answer", "Accepted"), ("Card",)),
        NoteType("numeric", "Numeric", 1, ("Prompt", "Answer", "Unit", "Tolerance"), ("Card",)),
        NoteType("cloze", "Cloze", 1, ("Text", "Instruction"), ("Cloze",), is_cloze=True),
        NoteType(
            "matching",
            "Matching",
            1,
            ("Prompt", "Options", "Pairs", *pairs),
            tuple(f"Pair {n}" for n in range(1, MAX_MATCHING_PAIRS + 1)),
        ),
        NoteType("ordering", "Ordering", 1, ("Prompt", "Items", "Order"), ("Card",)),
    ]
    return {
        spec.question_type: NoteType(
            spec.question_type,
            spec.label,
            spec.version,
            spec.fields + COMMON_FIELDS,
            spec.template_names,
            spec.is_cloze,
        )
        for spec in specs
    }


#: The note type of each question type.
NOTE_TYPES: dict[str, NoteType] = _note_types()


@dataclass
class AnkiSummary:
    """What a package holds: counts for the command line and for tests."""

    path: Path
    decks: list[str] = field(default_factory=list)
    notes: int = 0
    cards: int = 0
    media: int = 0
    notes_by_type: dict[str, int] = field(default_factory=dict)


# --------------------------------------------------------------------------- templates


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
    front = _template_text(f"{note_type.question_type}.front.html")
    back = _template_text(f"{note_type.question_type}.back.html")
    out = []
    for number, name in enumerate(note_type.template_names, start=1):
        out.append(
            {
                "name": name,
                "qfmt": _fill(front, header, footer, number),
                "afmt": _fill(back, header, footer, number),
            }
        )
    return out


def _fill(text: str, header: str, footer: str, number: int) -> str:
    return (
        text.replace("%HEADER%", header)
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


# --------------------------------------------------------------------------- text

# Anki gives meaning to some plain text inside a field: [sound:x] plays a file,
# [latex]/[$] make images, \( \) and \[ \] start MathJax. Bank text is text, so each
# such opener is broken up: "[" as an entity (Anki's tag scanner reads raw HTML) and
# an empty span between the backslash and its bracket (MathJax does not look across
# elements).
_MATHJAX_OPENER = re.compile(r"\\([()\[\]])")


# Characters that make field_html do more than return its input.
_NEEDS_WORK = re.compile(r"[*`<>&\"'\n\r\[\\]")


def field_html(text: str | None) -> str:
    """Bank text as an Anki field: the Markdown subset as HTML, everything else inert."""
    if not text:
        return ""
    if _NEEDS_WORK.search(text) is None:
        return text  # nothing to escape, no Markdown: the common case, kept fast
    return _inert(to_html(text))


def plain_html(text: str | None) -> str:
    """Bank text with its Markdown markers removed, HTML-escaped (for type-in answers)."""
    return _inert(html.escape(to_plain(text), quote=True))


def _inert(markup: str) -> str:
    if "[" in markup:
        markup = markup.replace("[", "&#91;")
    if "\\" in markup:
        markup = _MATHJAX_OPENER.sub(r'\\<span class="qz-nomath"></span>\1', markup)
    return markup


def _cloze_field(text: str) -> str:
    """A cloze text: the Markdown subset as HTML, Anki's ``{{cN::...}}`` markers kept."""
    # to_html leaves braces and colons alone, so the deletions survive escaping.
    markup = to_html(text)
    if "\\" in markup:
        markup = _MATHJAX_OPENER.sub(r'\\<span class="qz-nomath"></span>\1', markup)
    return markup.replace("[", "&#91;")


_TAG_UNSAFE = re.compile(r"[^\w.+-]+")


@cache
def tag_slug(text: str) -> str:
    """A tag without spaces: casefolded, runs of other characters as one ``-``."""
    return _TAG_UNSAFE.sub("-", text.casefold()).strip("-")


def note_tags(question: Question) -> list[str]:
    """The question's tags, plus ``difficulty::X`` and ``topic::x`` when it has them."""
    return list(_tags(question.tags, question.difficulty, question.topic))


@cache
def _tags(tags: tuple[str, ...], difficulty: str | None, topic: str | None) -> tuple[str, ...]:
    out = [slug for slug in (tag_slug(t) for t in tags) if slug]
    if difficulty:
        out.append(f"difficulty::{difficulty}")
    if topic and tag_slug(topic):
        out.append(f"topic::{tag_slug(topic)}")
    return tuple(dict.fromkeys(out))


LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _letter(index: int) -> str:
    return LETTERS[index] if index < len(LETTERS) else str(index + 1)


def _choice_list(items: Sequence[str], right: set[int] | None = None) -> str:
    """Lettered choices (already HTML); with ``right``, those are marked, the others dimmed."""
    rows = []
    for position, markup in enumerate(items):
        if right is None:
            opening, mark = "<li>", ""
        elif position in right:
            opening, mark = '<li class="qz-right">', '<span class="qz-mark">✓</span>'
        else:
            opening, mark = '<li class="qz-other">', ""
        rows.append(
            f'{opening}<span class="qz-letter">{_letter(position)}</span>'
            f'<span class="qz-text">{markup}</span>{mark}</li>'
        )
    return '<ul class="qz-list">' + "".join(rows) + "</ul>"


def fixed_order(count: int, *salt: object) -> list[int]:
    """A shuffle of ``range(count)`` fixed by ``salt``: the same in every build and Python.

    Positions are sorted by a hash of the salt and their index, which is cheaper than
    seeding a random generator per question and just as reproducible.
    """
    prefix = ":".join(str(part) for part in (SHUFFLE_SEED, *salt)).encode("utf-8") + b":"
    return sorted(
        range(count),
        key=lambda index: hashlib.blake2b(prefix + b"%d" % index, digest_size=8).digest(),
    )


def _derangement(count: int, *salt: object) -> list[int]:
    """A fixed shuffle that is never the given order (when there are 2+ items)."""
    order = fixed_order(count, *salt)
    if count > 1 and order == list(range(count)):
        order = order[1:] + order[:1]
    return order


# --------------------------------------------------------------------------- notes


@dataclass(frozen=True)
class _Media:
    """An image to pack: its file on disk and its name inside Anki's media folder."""

    path: Path
    name: str


def media_name(path: Path) -> str:
    """The collision-safe media name of an image: ``quizgen-<sha256 prefix><ext>``.

    Equal content shares one name; different content never does (in practice), whatever
    the files were called.
    """
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:24]
    return f"quizgen-{digest}{path.suffix.lower()}"


def note_guid(bank: Bank, question: Question) -> str:
    """The note's GUID: from the bank id and question id only, never from the text."""
    import genanki

    return genanki.guid_for("quizgen", bank.id, question.id)


def note_fields(bank: Bank, question: Question, image_name: str | None = None) -> list[str]:
    """The values of a question's note, in its note type's field order."""
    specific = _specific_fields(bank, question)
    source = bank.source_for(question)
    ref = question.source
    common = [
        field_html(question.explanation),
        _escape(source.title if source else ref.doc) if ref else "",
        field_html(ref.quote) if ref else "",
        f'<img src="{html.escape(image_name)}" alt="">' if image_name else "",
        _escape(f"{bank.id}/{question.id}"),
    ]
    values = specific + common
    expected = len(NOTE_TYPES[question.type].fields)
    if len(values) != expected:  # a programming error, not a bank error
        raise AssertionError(f"{question.type}: {len(values)} values for {expected} fields")
    return values


def _escape(text: str) -> str:
    """Plain text (not Markdown) as HTML."""
    return _inert(html.escape(text, quote=True))


def _specific_fields(bank: Bank, question: Question) -> list[str]:
    prompt = field_html(question.prompt)
    if isinstance(question, MultipleChoice | MultipleAnswer):
        count = len(question.choices)
        order = fixed_order(count, bank.id, question.id) if question.shuffle else list(range(count))
        shown = [field_html(question.choices[i]) for i in order]
        if isinstance(question, MultipleChoice):
            right = {order.index(question.answer_index)}
        else:
            right = {pos for pos, i in enumerate(order) if question.is_right(question.choices[i])}
        letters = ", ".join(_letter(pos) for pos in sorted(right))
        label = "Answer" if len(right) == 1 else "Answers"
        answer = f'<div class="qz-answer-line">{label}: <b>{letters}</b></div>' + _choice_list(
            shown, right
        )
        return [prompt, _choice_list(shown), answer]
    if isinstance(question, TrueFalse):
        return [prompt, "True" if question.answer else "False"]
    if isinstance(question, ShortAnswer):
        notes = []
        if len(question.answers) > 1:
            others = ", ".join(f"<b>{plain_html(a)}</b>" for a in question.answers[1:])
            notes.append(f"Also accepted: {others}")
        if question.case_sensitive:
            notes.append("Capitals matter.")
        return [prompt, plain_html(question.answer), "<br>".join(notes)]
    if isinstance(question, Numeric):
        unit = _escape(question.unit) if question.unit else ""
        tolerance = ""
        if question.tolerance:
            low = format_number(question.answer - question.tolerance)
            high = format_number(question.answer + question.tolerance)
            suffix = f" {unit}" if unit else ""
            tolerance = (
                f"Accepted: ± {format_number(question.tolerance)}{suffix} "
                f"(from {low} to {high}{suffix})"
            )
        return [prompt, format_number(question.answer), unit, tolerance]
    if isinstance(question, Cloze):
        return [_cloze_field(question.text), prompt]
    if isinstance(question, Matching):
        return _matching_fields(bank, question, prompt)
    if isinstance(question, Ordering):
        order = _derangement(len(question.items), bank.id, question.id, "items")
        items = [field_html(item) for item in question.items]
        front = _choice_list([items[i] for i in order])
        letter_of = {index: _letter(pos) for pos, index in enumerate(order)}
        rows = "".join(
            f'<li><span class="qz-letter">{letter_of[i]}</span> {item}</li>'
            for i, item in enumerate(items)
        )
        sequence = " → ".join(letter_of[i] for i in range(len(question.items)))
        back = (
            f'<div class="qz-answer-line">Order: <b>{sequence}</b></div>'
            f'<ol class="qz-order">{rows}</ol>'
        )
        return [prompt, front, back]
    raise QuizgenError(
        f"question '{question.id}': type {question.type!r} has no Anki note type",
        location=question.location,
    )


def _matching_fields(bank: Bank, question: Matching, prompt: str) -> list[str]:
    if len(question.pairs) > MAX_MATCHING_PAIRS:
        raise QuizgenError(
            f"question '{question.id}': {len(question.pairs)} pairs; an Anki matching card "
            f"takes at most {MAX_MATCHING_PAIRS} (split the question in two)",
            location=question.where("pairs"),
        )
    lefts = [field_html(left) for left in question.lefts]
    rights = [field_html(right) for right in question.rights]
    order = _derangement(len(rights), bank.id, question.id, "options")
    options = _choice_list([rights[i] for i in order])
    rows = "".join(
        f'<tr><td>{left}</td><td class="qz-pair-arrow">→</td><td>{right}</td></tr>'
        for left, right in zip(lefts, rights, strict=True)
    )
    pairs = f'<table class="qz-pairs">{rows}</table>'
    blanks = [""] * (MAX_MATCHING_PAIRS - len(question.pairs))
    lefts += blanks
    rights += blanks
    return [prompt or "Match each item with its partner.", options, pairs, *lefts, *rights]


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
    cards in bank order. The file is written atomically. ``timestamp`` fixes the notes'
    modification time, for tests; leave it None for real builds (the build time), since
    Anki only updates notes on re-import when the package's copy is newer.
    """
    with collector_paused():
        return _write_apkg(banks, Path(output), criteria or Criteria(), timestamp)


def build_apkg(
    paths: Sequence[Path], output: Path, criteria: Criteria | None = None
) -> AnkiSummary:
    """Load and check the banks at ``paths`` and write them as one package.

    This is all of ``quizgen anki``. Loading builds a large graph of small objects, so
    the cycle collector stays paused for the whole build (see :func:`_collector_paused`).
    """
    from ..bank.load import load_banks

    with collector_paused():
        return write_apkg(load_banks(list(paths)), output, criteria)


def _write_apkg(
    banks: Sequence[Bank], output: Path, criteria: Criteria, timestamp: float | None
) -> AnkiSummary:
    import genanki

    names = deck_names(banks)
    models = {key: genanki_model(spec) for key, spec in NOTE_TYPES.items()}
    summary = AnkiSummary(path=output)
    decks: list[genanki.Deck] = []
    media: dict[str, _Media] = {}
    position = 0

    for bank in banks:
        chosen = select(bank, criteria, shuffle=False)
        if not chosen:
            continue
        root = genanki.Deck(deck_id(bank), names[bank.id], description=field_html(bank.description))
        subdecks: dict[str, genanki.Deck] = {}
        decks.append(root)
        for question in chosen:
            image_name = None
            if question.image is not None:
                image_name = _add_media(question, media)
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
                deck = subdecks.get(question.topic)  # type: ignore[assignment]
                if deck is None:
                    name = f"{names[bank.id]}::{_deck_part(question.topic)}"
                    deck = genanki.Deck(deck_id(bank, question.topic), name)
                    subdecks[question.topic] = deck
                    decks.append(deck)
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
    _write_package(decks, list(media.values()), output, timestamp)
    return summary


def _add_media(question: Question, media: dict[str, _Media]) -> str:
    assert question.image is not None
    try:
        name = media_name(question.image)
    except OSError as exc:
        raise QuizgenError(
            f"question '{question.id}': cannot read image {question.image}: {exc.strerror or exc}",
            location=question.where("image"),
        ) from None
    media.setdefault(name, _Media(question.image, name))
    return name


def _write_package(
    decks: list[Any], media: list[_Media], output: Path, timestamp: float | None
) -> None:
    import genanki

    with tempfile.TemporaryDirectory(prefix="quizgen-anki-") as folder:
        # genanki stores each media file under its base name, so give each its media name.
        files = []
        for item in media:
            copy = Path(folder) / item.name
            shutil.copyfile(item.path, copy)
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
