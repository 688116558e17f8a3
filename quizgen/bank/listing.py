"""A plain-text table of a bank's questions, with counts per topic, per type and per tag."""

from __future__ import annotations

import textwrap
from collections import Counter
from dataclasses import dataclass

from ..text import to_terminal
from .model import Bank, Cloze, Question

#: The narrowest the prompt column gets before the other columns give up room.
MIN_PROMPT = 25
#: How narrow each other column may be squeezed (id, type, topic, level, tags), bank aside.
_FLOORS = {"bank": 8, "id": 12, "type": 7, "topic": 10, "level": 6, "tags": 8}
_SHORT_TYPES = {
    "multiple_choice": "choice",
    "multiple_answer": "choices",
    "true_false": "t/f",
    "short_answer": "short",
    "numeric": "number",
    "cloze": "cloze",
    "matching": "match",
    "ordering": "order",
}
_GAP = "  "
_SQUEEZE = ("tags", "topic", "bank", "type", "level", "id")
_DROP = ("level", "tags", "topic", "bank", "type")
#: The narrowest the prompt gets before whole columns are dropped.
PROMPT_FLOOR = 12


@dataclass(frozen=True)
class QuestionRow:
    """One line of the listing."""

    bank: str
    id: str
    type: str
    topic: str
    difficulty: str
    prompt: str
    tags: tuple[str, ...] = ()


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
            tags=tuple(_cell(tag) for tag in q.tags),
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
        return "…"[:width] if text else ""
    return text if len(text) <= width else text[: width - 1] + "…"


def _fit(columns: dict[str, list[str]], width: int) -> dict[str, int]:
    """Column widths (prompt included) so that a row is at most ``width`` wide.

    Each column starts as wide as its widest cell. While the prompt would get fewer than
    :data:`MIN_PROMPT` columns (or fewer than its longest cell), the other columns give
    up room in the order of :data:`_SQUEEZE` (tags and topic first, the id last), each
    down to its floor; the prompt takes whatever is left. Where even the floors leave
    the prompt fewer than :data:`PROMPT_FLOOR` columns, whole columns are dropped in
    the order of :data:`_DROP` (width 0), and at last the id is cut too.
    """
    widths = {name: max(map(len, cells)) for name, cells in columns.items()}
    prompt = widths.pop("prompt")

    def excess(want: int) -> int:
        shown = [w for w in widths.values() if w]
        return sum(shown) + len(_GAP) * len(shown) + want - width

    over = excess(min(prompt, MIN_PROMPT))
    for name in _SQUEEZE:
        if over <= 0:
            break
        if name in widths:
            given = min(over, max(0, widths[name] - _FLOORS[name]))
            widths[name] -= given
            over -= given
    for name in _DROP:
        if excess(min(prompt, PROMPT_FLOOR)) <= 0:
            break
        if name in widths:
            widths[name] = 0
    over = excess(min(prompt, PROMPT_FLOOR))
    if over > 0:
        widths["id"] = max(1, widths["id"] - over)
    shown = [w for w in widths.values() if w]
    widths["prompt"] = max(1, min(prompt, width - sum(shown) - len(_GAP) * len(shown)))
    return widths


def format_listing(
    rows: list[QuestionRow],
    *,
    width: int | None = 100,
    show_bank: bool = False,
    show_tags: bool = False,
) -> str:
    """The table, each row at most ``width`` columns (None: no limit, as through a pipe),
    then the counts per topic, per type and per tag.

    At a narrow width the types are abbreviated (``choice`` for multiple_choice) and the
    other columns squeezed before the prompt gets fewer than :data:`MIN_PROMPT` columns.
    """
    columns: dict[str, list[str]] = {}
    if show_bank:
        columns["bank"] = ["bank", *(r.bank for r in rows)]
    columns["id"] = ["id", *(r.id for r in rows)]
    columns["type"] = ["type", *(r.type for r in rows)]
    columns["topic"] = ["topic", *(r.topic for r in rows)]
    columns["level"] = ["level", *(r.difficulty for r in rows)]
    if show_tags:
        columns["tags"] = ["tags", *(" ".join(r.tags) or "-" for r in rows)]
    columns["prompt"] = ["prompt", *(r.prompt for r in rows)]
    if width is None:
        widths = {name: max(map(len, cells)) for name, cells in columns.items()}
    else:
        natural = sum(len(_GAP) + max(map(len, cells)) for cells in columns.values())
        if natural - len(_GAP) > width:  # short type names before cutting anything
            columns["type"] = ["type", *(_SHORT_TYPES.get(r.type, r.type) for r in rows)]
        widths = _fit(columns, width)
    names = list(columns)

    def line(cells: list[str]) -> str:
        parts = [
            _cut(cell, widths[name]).ljust(widths[name])
            for name, cell in zip(names, cells, strict=True)
            if widths[name]  # a column dropped for want of room has width 0
        ]
        return _GAP.join(parts).rstrip()

    table = list(zip(*columns.values(), strict=True))
    out = [line(list(table[0])), line(["-" * widths[name] for name in names])]
    out += [line(list(cells)) for cells in table[1:]]
    out.append("")
    out.append(f"{len(rows)} question{'s' if len(rows) != 1 else ''}")
    counts = (
        ("by topic: ", Counter(r.topic for r in rows)),
        ("by type:  ", Counter(r.type for r in rows)),
        ("by tag:   ", Counter(tag for r in rows for tag in r.tags)),
    )
    for label, counter in counts:
        text = label + _counts(counter)
        if width is None:
            out.append(text)
        else:  # wrapped, never cut: these are the names to filter by
            indent = " " * len(label)
            out.append(textwrap.fill(text, width, subsequent_indent=indent, break_on_hyphens=False))
    return "\n".join(out)


def _counts(counter: Counter[str]) -> str:
    return ", ".join(f"{name} {n}" for name, n in counter.most_common()) or "none"
