"""Item-writing checks: does the quiz give itself away?

Each check has a code (:mod:`.codes`) and lives with its kind: answer leaks
(:mod:`.leaks`), cues in the choices (:mod:`.cues`), over-mined passages and
near-duplicate prompts (:mod:`.overlap`), invisible and look-alike text
(:mod:`.lookalike`), cloze numbers and blanks that test English (:mod:`.blanks`).
:func:`quality_problems` runs them all on one bank; a question's ``ignore:`` key
silences a code for it, and an ``ignore:`` entry that silences nothing is reported.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from ...errors import Location, Problem
from ..model import Bank, Question
from .codes import CODES


@dataclass
class Findings:
    """The problems one bank's checks found, and which ``ignore:`` entries were used."""

    bank: Bank
    problems: list[Problem] = field(default_factory=list)
    used: set[tuple[str, str]] = field(default_factory=set)  # (question id, code)

    def silenced(self, question: Question, code: str) -> bool:
        """Whether ``question`` ignores ``code`` (the entry then counts as used)."""
        if question.ignores(code):
            self.used.add((question.id, code))
            return True
        return False

    def add(
        self,
        code: str,
        where: Location,
        message: str,
        question: Question | None = None,
        *,
        also: Iterable[Question] = (),
    ) -> None:
        """Report ``code`` unless a question involved (``question`` or ``also``) ignores it."""
        involved = [q for q in (question, *also) if q is not None]
        if [q for q in involved if self.silenced(q, code)]:
            return
        qid = question.id if question is not None else None
        self.problems.append(Problem(where, CODES[code].severity, message, qid, code))


def quality_problems(bank: Bank, *, complete: bool = True) -> list[Problem]:
    """Every item-writing problem of ``bank``.

    ``complete`` is false when questions with errors were left out of the bank; the
    checks over the whole bank (shares, leaks) still run on the rest, but an unused
    ``ignore:`` entry is not reported then.
    """
    from . import blanks, cues, leaks, lookalike, overlap

    found = Findings(bank)
    for check in (leaks.check, cues.check, overlap.check, lookalike.check, blanks.check):
        check(found)
    if complete:
        for q in bank.questions:
            for entry in q.ignore:
                if (q.id, entry.code) not in found.used:
                    message = f"ignore: {entry.code} silences nothing in this question; remove it"
                    found.add("Q001", entry.location, message, q)
    return found.problems


def shown(text: str, limit: int = 60) -> str:
    """A bank text for a one-line message: invisible characters named, long text cut."""
    from .words import INVISIBLE

    out = "".join(f"<U+{ord(c):04X}>" if c in INVISIBLE else c for c in " ".join(text.split()))
    return out if len(out) <= limit else out[: limit - 1] + "…"


def at(location: Location) -> str:
    """A location for a message that names a second place: ``line 12`` or ``file:12:5``."""
    return f"line {location.line}" if location.line else str(location)
