"""YAML's syntax errors in a teacher's words, at the line where the mistake starts.

PyYAML reports where its parser gave up ("mapping values are not allowed in this
context", "did not find expected key"), often lines after the mistake. The common
mistakes of a hand-written bank are recognised from the error and the text around it:
text with ``: `` in it, a value starting with a character YAML reserves, an unclosed
quote, a tab, a list item without its dash, a line indented wrongly. Anything else keeps
PyYAML's words.
"""

from __future__ import annotations

import itertools
import re

from yaml import MarkedYAMLError

_KEY_LINE = re.compile(r"^(\s*)(?:-\s+)?([^\s#'\"][^:#]*?):(?:\s|$)")
_DASHES = re.compile(r"\s*(?:-\s+)*")
_KEY_AND_SPACE = re.compile(r"[^\s#'\"][^:#]*?:\s+(?=\S)")
_ITEM = re.compile(r"\s*-\s+(?=\S)")
_ITEM_OR_KEY = re.compile(r"^\s*(-\s|-$|[^\s#'\"][^:#]*:(\s|$))")
_RESERVED = {
    "%": "a percent sign (%)",
    "@": "an at sign (@)",
    "`": "a backtick (`)",
}
QUOTE_HINT = "put the text in quotes"


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _value_start(line: str) -> int | None:
    """The 0-based column where a ``key: value`` or ``- value`` line's value starts."""
    # The dashes first, then the key from where they end: one pattern for both would try
    # every split of a line of many "- " between dashes and key (quadratic in its length).
    dashes = _DASHES.match(line)
    assert dashes is not None  # the pattern matches the empty string
    key = _KEY_AND_SPACE.match(line, dashes.end())
    if key:
        return key.end()
    item = _ITEM.match(line)
    return item.end() if item else None


def _unclosed_quote(line: str) -> int | None:
    """The column of a value's opening quote that its line does not close, else None."""
    start = _value_start(line)
    if start is None or line[start] not in "'\"":
        return None
    quote = line[start]
    i = start + 1
    while i < len(line):
        ch = line[i]
        if quote == '"' and ch == "\\":
            i += 2
            continue
        if ch == quote:
            if quote == "'" and line[i + 1 : i + 2] == "'":
                i += 2
                continue
            return None
        i += 1
    return start


def _find_unclosed_quote(lines: list[str], upto: int) -> tuple[int, int] | None:
    """The first value quote left open whose next line looks like a key or a list item."""
    for number in range(min(upto, len(lines) - 1) + 1):
        column = _unclosed_quote(lines[number])
        if column is None:
            continue
        following = next((x for x in itertools.islice(lines, number + 1, None) if x.strip()), "")
        if not following or _ITEM_OR_KEY.match(following):
            return number, column
    return None


def _first_tab(lines: list[str], upto: int) -> tuple[int, int] | None:
    for number in range(min(upto, len(lines) - 1), -1, -1):
        head = lines[number][: _indent(lines[number]) + 1]
        if "\t" in head:
            return number, head.index("\t")
    return None


def plain_words(text: str, exc: MarkedYAMLError) -> tuple[int, int, str] | None:
    """(line, column, message), 1-based, for a common mistake behind ``exc``; else None."""
    mark = exc.problem_mark or exc.context_mark
    if mark is None:
        return None
    lines = text.splitlines() or [""]
    row = min(mark.line, len(lines) - 1)
    line = lines[row]
    problem = exc.problem or ""
    context = exc.context or ""

    if "tab" in problem or (
        "cannot start any token" in problem and line[mark.column : mark.column + 1] == "\t"
    ):
        where = _first_tab(lines, row) or (row, mark.column)
        return (
            where[0] + 1,
            where[1] + 1,
            "a tab character: YAML indents with spaces only; replace the tab with spaces",
        )
    m = exc.context_mark
    if "quoted scalar" in context and m is not None:
        quote = lines[m.line][m.column] if m.line < len(lines) else '"'
        return (
            m.line + 1,
            m.column + 1,
            f"this quote ({quote}) is never closed; end the text with {quote} on its line",
        )
    found = _find_unclosed_quote(lines, row)
    if found is not None and found[0] < row:
        quote = lines[found[0]][found[1]]
        return (
            found[0] + 1,
            found[1] + 1,
            f"this quote ({quote}) is not closed on its line, so the lines after it are read "
            f"as part of the text; end the text with {quote}",
        )
    if "cannot start any token" in problem:
        char = line[mark.column : mark.column + 1]
        name = _RESERVED.get(char, f"the character '{char}'")
        return (
            row + 1,
            mark.column + 1,
            f"a value cannot start with {name} in YAML; {QUOTE_HINT}: "
            f"'{line[mark.column :].strip()}'",
        )
    if "mapping values are not allowed" in problem:
        key = _KEY_LINE.match(line)
        if key and len(key.group(0)) <= mark.column:
            start = _value_start(line) or mark.column
            value = line[start:].strip()
            return (
                row + 1,
                start + 1,
                f"the text after '{key.group(2)}:' contains ': ', which YAML reads as another "
                f'key; {QUOTE_HINT}: {key.group(2)}: "{value}"',
            )
        return _indentation(lines, row)
    if "expected '-' indicator" in problem or "could not find expected ':'" in problem:
        dash = exc.context_mark.column if exc.context_mark and "collection" in context else None
        if "could not find expected ':'" in problem and exc.context_mark:
            row = exc.context_mark.line  # the line the parser took for a key
            line = lines[row]
        column = _indent(line)
        above = _line_above(lines, row)
        if dash is None and above.lstrip().startswith("- ") and _indent(above) == column:
            dash = column
        if dash is not None and column == dash:
            return (
                row + 1,
                column + 1,
                "this line is in a list but does not start with '- '; add the dash to start "
                f"a new item, or indent it to column {dash + 3} to continue the item above",
            )
        if "could not find expected ':'" in problem and exc.context_mark:
            m = exc.context_mark
            return (
                m.line + 1,
                m.column + 1,
                "this line is neither 'key: value' nor a list item '- ...'; "
                "did you forget the '- ' or the ':'?",
            )
        return _indentation(lines, row)
    if "did not find expected key" in problem or "expected <block end>" in problem:
        before = line[: mark.column].rstrip()
        if before and before[-1] in "'\"":
            return (
                row + 1,
                (_value_start(line) or 0) + 1,
                "text follows the closing quote; quote the whole value, with the other kind "
                f"of quotes outside: '{line[_value_start(line) or 0 :].strip()}'",
            )
        return _indentation(lines, row)
    return None


def _indentation(lines: list[str], row: int) -> tuple[int, int, str]:
    """A line indented so that it belongs to nothing above it (or a list item without its dash)."""
    line = lines[row]
    column = _indent(line)
    owner = next((x for x in reversed(lines[:row]) if _meaningful(x) and _indent(x) <= column), "")
    if _indent(owner) == column and owner.lstrip().startswith("- ") and line.lstrip()[:1] != "-":
        return (
            row + 1,
            column + 1,
            "this line is in a list but does not start with '- '; add the dash to start a new "
            f"item, or indent it to column {column + 3} to continue the item above",
        )
    above = _line_above(lines, row)
    keys_above = _indent(above)
    if above.lstrip().startswith("- "):
        keys_above += len(above.lstrip()) - len(above.lstrip()[2:].lstrip())
    spaces = f"{column} space{'' if column == 1 else 's'}"
    return (
        row + 1,
        column + 1,
        f"this line is indented {spaces}, which fits nothing above it (the line above "
        f"starts at column {keys_above + 1}); keys of one mapping start in the same column",
    )


def _meaningful(line: str) -> bool:
    return bool(line.strip()) and not line.lstrip().startswith("#")


def _line_above(lines: list[str], row: int) -> str:
    """The nearest line above ``row`` that is neither blank nor a comment."""
    return next((x for x in reversed(lines[:row]) if _meaningful(x)), "")
