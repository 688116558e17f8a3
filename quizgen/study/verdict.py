"""The grade of one response: the value every grader returns and every front end shows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Outcome = Literal["right", "typo", "wrong"]


@dataclass(frozen=True)
class Verdict:
    """The grade of one response.

    ``canonical`` is the right answer as the student should see it; for a typo,
    ``spelling`` is the accepted answer the response was taken for. Questions asked
    in several parts (cloze gaps, matching items) carry one verdict per part. A
    question with part credit (``partial: true``) carries ``partial``, the share of its
    points earned (0..1, see :func:`quizgen.questions.part_credit`); the ``outcome`` stays
    right only when every part is, and is what scheduling reads.
    """

    outcome: Outcome
    canonical: str
    spelling: str | None = None
    note: str | None = None
    parts: tuple[Verdict, ...] = ()
    partial: float | None = None

    @property
    def credit(self) -> float:
        """The share of the question's points earned: the part credit where the question
        gives it, else 1 when right (a typo included) and 0 when wrong."""
        if self.partial is not None:
            return self.partial
        return 1.0 if self.is_right else 0.0

    @property
    def is_right(self) -> bool:
        """Right, with or without a typo."""
        return self.outcome != "wrong"
