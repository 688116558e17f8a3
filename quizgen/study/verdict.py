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
    in several parts (cloze gaps, matching items) carry one verdict per part.
    """

    outcome: Outcome
    canonical: str
    spelling: str | None = None
    note: str | None = None
    parts: tuple[Verdict, ...] = ()

    @property
    def is_right(self) -> bool:
        """Right, with or without a typo."""
        return self.outcome != "wrong"
