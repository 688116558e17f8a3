"""The item-writing checks' codes: one line each, as ruff lists its rules.

A leaf module: the loader reads it to validate a question's ``ignore:`` key, the
checks read it for each code's severity. docs/checks.md has a paragraph per code.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...errors import Severity


@dataclass(frozen=True)
class Code:
    """One check: its code (``Q101``), severity, short name and what it finds."""

    code: str
    severity: Severity
    name: str
    summary: str

    @property
    def can_ignore(self) -> bool:
        """Warnings may be silenced; an error makes a question wrong, so it may not."""
        return self.severity == "warning"


CODES: dict[str, Code] = {
    c.code: c
    for c in (
        Code("Q001", "warning", "unused-ignore", "an ignore: entry that silences nothing"),
        Code("Q101", "warning", "answer-leak", "another question's text gives this answer away"),
        Code("Q102", "warning", "answer-in-heading", "the bank title or a topic gives an answer"),
        Code(
            "Q201", "warning", "longest-answer", "the right answer is the longest choice too often"
        ),
        Code("Q202", "warning", "answer-position", "unshuffled answers all in one position"),
        Code("Q203", "warning", "true-share", "true/false answers mostly true (or false)"),
        Code("Q204", "warning", "all-of-the-above", "an 'all of the above' or 'none of the above'"),
        Code("Q205", "warning", "choice-contains-choice", "one choice contains another"),
        Code("Q206", "warning", "stem-echo", "the prompt repeats a word only the right choice has"),
        Code("Q301", "warning", "over-mined", "three or more questions on the same passage"),
        Code("Q302", "warning", "near-duplicate", "two prompts that are nearly the same"),
        Code("Q401", "warning", "invisible-text", "zero-width or bidi control characters"),
        Code("Q402", "error", "look-alike", "choices, items or answers that look the same"),
        Code("Q403", "warning", "look-alike-topic", "topics that differ only by case or spaces"),
        Code("Q501", "error", "cloze-number", "a cloze number with a leading zero (c01)"),
        Code("Q601", "warning", "stop-word-blank", "a cloze blank that is a little word"),
        Code("Q602", "warning", "number-word", "a number-word answer without its digits"),
    )
}


def ignorable() -> list[str]:
    """The codes a question or a run may silence."""
    return [c.code for c in CODES.values() if c.can_ignore]
