"""The values of a quizgen Anki note: bank text made inert as fields, tags, GUID, media name.

What a question means (right choices, ranges, letters, shuffles) comes from
:mod:`quizgen.questions`; this module only lays it out in the fields of the question's
note type (:mod:`quizgen.outputs.anki_notetypes`).
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Sequence
from functools import cache
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
from ..questions import (
    CASE_NOTE,
    hashed_order,
    letter,
    not_in_answer_order,
    number_text,
    right_indices,
    source_title,
    true_false_text,
)
from ..text import to_html, to_plain
from .anki_notetypes import MAX_MATCHING_PAIRS, NOTE_TYPES

#: What a type-in card tells the student on its back: Anki marks every letter, quizgen does not.
SELF_GRADE = "Case and small typos are not the point: if you knew it, grade yourself Good."
SELF_GRADE_TYPOS = "Small typos are not the point: if you knew it, grade yourself Good."

#: Seed of the fixed shuffles (choices, ordering items, matching options).
SHUFFLE_SEED = "quizgen-anki"

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


def _escape(text: str) -> str:
    """Plain text (not Markdown) as HTML."""
    return _inert(html.escape(text, quote=True))


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


def note_guid(bank: Bank, question: Question) -> str:
    """The note's GUID: from the bank id and question id only, never from the text."""
    import genanki

    return str(genanki.guid_for("quizgen", bank.id, question.id))


def media_name(path: Path) -> str:
    """The collision-safe media name of an image: ``quizgen-<sha256 prefix><ext>``.

    Equal content shares one name; different content never does (in practice), whatever
    the files were called.
    """
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:24]
    return f"quizgen-{digest}{path.suffix.lower()}"


def _choice_list(
    items: Sequence[str], right: set[int] | None = None, *, fixed: bool = False
) -> str:
    """Lettered choices (already HTML); with ``right``, those are marked, the others dimmed.

    ``fixed``: the card's script keeps this order (a question with ``shuffle: false``).
    """
    rows = []
    for position, markup in enumerate(items):
        if right is None:
            opening, mark = "<li>", ""
        elif position in right:
            opening, mark = '<li class="qz-right">', '<span class="qz-mark">✓</span>'
        else:
            opening, mark = '<li class="qz-other">', ""
        rows.append(
            f'{opening}<span class="qz-letter">{letter(position)}</span>'
            f'<span class="qz-text">{markup}</span>{mark}</li>'
        )
    classes = "qz-list qz-fixed" if fixed else "qz-list"
    return f'<ul class="{classes}">' + "".join(rows) + "</ul>"


def note_fields(bank: Bank, question: Question, image_name: str | None = None) -> list[str]:
    """The values of a question's note, in its note type's field order."""
    specific = _specific_fields(bank, question)
    ref = question.source
    title = source_title(bank, question)
    common = [
        field_html(question.explanation),
        _escape(title) if title is not None else "",
        field_html(ref.quote) if ref else "",
        f'<img src="{html.escape(image_name)}" alt="">' if image_name else "",
        _escape(f"{bank.id}/{question.id}"),
    ]
    values = specific + common
    expected = len(NOTE_TYPES[question.type].fields)
    if len(values) != expected:  # a programming error, not a bank error
        raise AssertionError(f"{question.type}: {len(values)} values for {expected} fields")
    return values


def _specific_fields(bank: Bank, question: Question) -> list[str]:
    prompt = field_html(question.prompt)
    if isinstance(question, MultipleChoice | MultipleAnswer):
        count = len(question.choices)
        order = (
            hashed_order(count, SHUFFLE_SEED, bank.id, question.id)
            if question.shuffle
            else list(range(count))
        )
        shown = [field_html(question.choices[i]) for i in order]
        right = {order.index(i) for i in right_indices(question)}
        letters = ", ".join(letter(pos) for pos in sorted(right))
        label = "Answer" if len(right) == 1 else "Answers"
        answer = f'<div class="qz-answer-line">{label}: <b>{letters}</b></div>' + _choice_list(
            shown, right
        )
        return [prompt, _choice_list(shown, fixed=not question.shuffle), answer]
    if isinstance(question, TrueFalse):
        return [prompt, true_false_text(question.answer)]
    if isinstance(question, ShortAnswer):
        notes = []
        if len(question.answers) > 1:
            others = ", ".join(f"<b>{plain_html(a)}</b>" for a in question.answers[1:])
            notes.append(f"Also accepted: {others}")
        if question.case_sensitive:
            notes.append(f"{CASE_NOTE} {SELF_GRADE_TYPOS}")
        else:
            notes.append(SELF_GRADE)
        return [prompt, plain_html(question.answers[0]), "<br>".join(notes)]
    if isinstance(question, Numeric):
        number = number_text(question)
        unit = _escape(question.unit) if question.unit else ""
        suffix = f" {unit}" if unit else ""
        if number.tolerance:
            tolerance = (
                f"Accepted: from {number.low} to {number.high}{suffix} "
                f"(± {number.tolerance}{suffix})"
            )
        else:
            tolerance = f"Accepted: exactly {_escape(number.answer)}{suffix}"
        return [prompt, _escape(number.answer), unit, tolerance]
    if isinstance(question, Cloze):
        return [_cloze_field(question.text), prompt]
    if isinstance(question, Matching):
        return _matching_fields(bank, question, prompt)
    if isinstance(question, Ordering):
        salt = (SHUFFLE_SEED, bank.id, question.id, "items")
        order = not_in_answer_order(hashed_order(len(question.items), *salt))
        items = [field_html(item) for item in question.items]
        front = _choice_list([items[i] for i in order])
        letter_of = {index: letter(pos) for pos, index in enumerate(order)}
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
    raise AssertionError(f"question type {question.type!r} has no Anki note type")


def _matching_fields(bank: Bank, question: Matching, prompt: str) -> list[str]:
    # More pairs than card templates is reported by the format's problems() before any write.
    if len(question.pairs) > MAX_MATCHING_PAIRS:
        raise AssertionError(f"{question.id}: {len(question.pairs)} pairs reached the writer")
    lefts = [field_html(left) for left in question.lefts]
    rights = [field_html(right) for right in question.rights]
    salt = (SHUFFLE_SEED, bank.id, question.id, "options")
    order = not_in_answer_order(hashed_order(len(rights), *salt))
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
