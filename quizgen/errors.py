"""The core's one error type and the located problems it carries.

A leaf module: every part of quizgen may import it, and it imports nothing of quizgen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, NamedTuple

Severity = Literal["error", "warning"]

# Control characters but tab: C0 (line breaks included), DEL and C1.
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")


class Location(NamedTuple):
    """A place in a file: 1-based line and column, as compilers print them (0: unknown)."""

    file: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if self.line <= 0:
            return self.file
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Problem:
    """One thing wrong (error) or doubtful (warning) in a bank."""

    location: Location
    severity: Severity
    message: str
    question: str | None = None
    #: The check's code (``Q101``) for the item-writing checks, else None.
    code: str | None = None

    def __str__(self) -> str:
        prefix = f"question '{self.question}': " if self.question else ""
        code = f"{self.code} " if self.code else ""
        line = f"{self.location}: {self.severity}: {code}{prefix}{self.message}"
        # Messages quote bank values: keep them on one line and out of the terminal's control.
        return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", line)


class QuizgenError(Exception):
    """The one error type the core raises; it carries every problem found.

    The command line turns it into messages and an exit code; nothing else
    catches it.
    """

    def __init__(
        self, problems: list[Problem] | Problem | str, *, location: Location | None = None
    ):
        if isinstance(problems, str):
            problems = [Problem(location or Location("quizgen"), "error", problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
