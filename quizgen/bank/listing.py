"""A plain-text table of a bank's questions, with counts per topic and per type."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ..text import to_terminal
from .model import Bank, Cloze, Question


@dataclass(frozen=True)
class QuestionRow:
    """One line of the listing."""

    bank: str
    id: str
    type: str
    topic: str
    difficulty: str
    prompt: str


def question_rows(banks: list[Bank], questions: list[Question]) -> list[QuestionRow]:
    """Rows for ``questions`` (drawn from ``banks``), in bank order."""
    owner = {id(q): b.id for b in banks for q in b.questions}
    return [
        QuestionRow(
            bank=_cell(owner.get(id(q), "")),
            id=_cell(q.id),
            type=q.type,
            topic=_cell(q.topic or "-"),
            difficulty=_cell(q.difficulty or "-"),
            prompt=_cell(_prompt_of(q)),
        )
        for q in questions
    ]


def _cell(text: str) -> str:
    """Bank text for one cell: through the terminal sanitiser (control characters, escape
    sequences, C1 and NUL shown as ``\\xNN``), Markdown plain, on one line."""
    return " ".join(to_terminal(text, color=False).split())


def _prompt_of(question: Question) -> str:
    if isinstance(question, Cloze):
        return question.render("[…]")
    return question.prompt or ""


def _cut(text: str, width: int) -> str:
    if width <= 1:
        return "…" if text else ""
    return text if len(text) <= width else text[: width - 1] + "…"


def format_listing(rows: list[QuestionRow], *, width: int = 100, show_bank: bool = False) -> str:
    """The table, cut to ``width`` columns, then the counts per topic and per type."""
    headers = ("bank", "id", "type", "topic", "level", "prompt")
    columns = [
        [r.bank for r in rows],
        [r.id for r in rows],
        [r.type for r in rows],
        [r.topic for r in rows],
        [r.difficulty for r in rows],
    ]
    first = 0 if show_bank else 1
    widths = [max([len(headers[i]), *map(len, columns[i])]) for i in range(len(columns))]
    widths[3] = min(widths[3], 24)  # long topics are cut, so prompts keep their room
    fixed = sum(w + 2 for w in widths[first:])
    prompt_width = max(20, width - fixed)

    def line(cells: list[str]) -> str:
        parts = [_cut(c, widths[i]).ljust(widths[i]) for i, c in enumerate(cells[:5])][first:]
        return "  ".join([*parts, _cut(cells[5], prompt_width)]).rstrip()

    out = [line(list(headers)), line(["-" * w for w in widths] + ["-" * min(prompt_width, 40)])]
    out += [line([r.bank, r.id, r.type, r.topic, r.difficulty, r.prompt]) for r in rows]
    out.append("")
    out.append(f"{len(rows)} question{'s' if len(rows) != 1 else ''}")
    out.append("by topic: " + _counts(Counter(r.topic for r in rows)))
    out.append("by type:  " + _counts(Counter(r.type for r in rows)))
    return "\n".join(out)


def _counts(counter: Counter[str]) -> str:
    return ", ".join(f"{name} {n}" for name, n in counter.most_common()) or "none"
