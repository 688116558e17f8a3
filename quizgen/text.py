"""The bank's Markdown subset, rendered as escaped HTML or as terminal text.

Bank text may use ``**bold**``, ``*italic*``, `` `code` `` and line breaks; nothing
else is markup. Everything else is text: ``<script>`` in a prompt is escaped in
HTML and printed as-is in the terminal.

Markers pair as the leftmost opener with the nearest closer after it (a lazy match),
but the search is linear: every possible opener and closer is found once by a
fixed-width look-around, and each opener looks its closer up in a sorted list. An
unclosed marker therefore costs nothing, however many there are.
"""

from __future__ import annotations

import bisect
import html
import re
from collections.abc import Callable

_CODE = re.compile(r"`([^`\n]+)`")
# ``**`` opens before a non-space; it closes after a non-space unless another ``*``
# follows, so a closing ``**`` is the last two of a run of stars: ``**bold *italic***``.
_BOLD_OPEN = re.compile(r"(?=\*\*\S)")
_BOLD_CLOSE = re.compile(r"(?<=\S)(?=\*\*(?!\*))")
# ``*`` opens after neither a star nor a letter and before a non-space non-star;
# it closes after a non-space non-star and before neither a star nor a letter.
_ITALIC_OPEN = re.compile(r"(?<![*\w])(?=\*[^\s*])")
_ITALIC_CLOSE = re.compile(r"(?<=[^\s*])(?=\*(?![*\w]))")
# In HTML, italic may hold whole <strong> elements but never half of one, so tags nest.
_STRONG = re.compile(r"<strong>([^<]*)</strong>")


def _spans(text: str) -> list[tuple[bool, str]]:
    """Split text into (is_code, piece) runs."""
    pieces: list[tuple[bool, str]] = []
    last = 0
    for m in _CODE.finditer(text):
        pieces.append((False, text[last : m.start()]))
        pieces.append((True, m.group(1)))
        last = m.end()
    pieces.append((False, text[last:]))
    return pieces


def _pair(
    text: str,
    opens: re.Pattern[str],
    closes: re.Pattern[str],
    width: int,
    before: str,
    after: str,
    fences: tuple[list[int], list[int]] | None = None,
) -> str:
    """Wrap each marked span, ``width`` stars either side, in ``before`` and ``after``.

    Scanning left to right, an opener pairs with the first closer that leaves at least
    one character between them; unpaired markers stay text. With ``fences`` (the starts
    and ends of regions a span may hold whole but not cross), opener and closer must
    both be outside every region or both inside the same one.
    """
    closers = [m.start() for m in closes.finditer(text)]
    if not closers:
        return text
    region: Callable[[int], int] = lambda at: 0  # noqa: E731
    by_region: dict[int, list[int]] = {0: closers}
    if fences is not None:
        starts, ends = fences

        def region(at: int) -> int:
            k = bisect.bisect_right(starts, at) - 1
            return k + 1 if k >= 0 and at < ends[k] else 0

        by_region = {}
        for at in closers:
            by_region.setdefault(region(at), []).append(at)
    out: list[str] = []
    pos = scan = 0
    while (m := opens.search(text, scan)) is not None:
        start = m.start()
        candidates = by_region.get(region(start), [])
        k = bisect.bisect_left(candidates, start + width + 1)
        if k == len(candidates):
            if fences is None:
                break  # no closer after this opener, so none after any later one
            scan = start + 1
            continue
        end = candidates[k]
        out += (text[pos:start], before, text[start + width : end], after)
        pos = scan = end + width
    if not out:
        return text
    out.append(text[pos:])
    return "".join(out)


def _bold(text: str, before: str, after: str) -> str:
    if "**" not in text:
        return text
    return _pair(text, _BOLD_OPEN, _BOLD_CLOSE, 2, before, after)


def _italic(text: str, before: str, after: str) -> str:
    if "*" not in text:
        return text
    return _pair(text, _ITALIC_OPEN, _ITALIC_CLOSE, 1, before, after)


def _italic_html(text: str) -> str:
    """Italic over escaped HTML holding ``<strong>`` elements: inside one, or around whole ones."""
    if "*" not in text:
        return text
    if "<strong>" not in text:
        return _pair(text, _ITALIC_OPEN, _ITALIC_CLOSE, 1, "<em>", "</em>")
    starts: list[int] = []
    ends: list[int] = []
    for m in _STRONG.finditer(text):
        starts.append(m.start(1))
        ends.append(m.end(1))
    return _pair(text, _ITALIC_OPEN, _ITALIC_CLOSE, 1, "<em>", "</em>", (starts, ends))


def to_html(text: str | None) -> str:
    """Escaped HTML for a piece of bank text; the Markdown subset becomes tags."""
    if not text:
        return ""
    out: list[str] = []
    for is_code, piece in _spans(text.strip("\n")):
        escaped = html.escape(piece, quote=True)
        if is_code:
            out.append(f"<code>{escaped}</code>")
            continue
        escaped = _italic_html(_bold(escaped, "<strong>", "</strong>"))
        out.append(escaped.replace("\r\n", "\n").replace("\n", "<br>") if escaped else "")
    return "".join(out)


def to_plain(text: str | None) -> str:
    """The text with the Markdown markers removed (for terminals without colour, and search)."""
    if not text:
        return ""
    out: list[str] = []
    for is_code, piece in _spans(text):
        if not is_code:
            piece = _italic(_bold(piece, "", ""), "", "")
        out.append(piece)
    return "".join(out)


def _is_control(ch: str) -> bool:
    """C0 and C1 control characters and DEL (U+009B alone starts an escape sequence)."""
    code = ord(ch)
    return code < 32 or 127 <= code < 160


def to_terminal(text: str | None, *, color: bool) -> str:
    """Text for a terminal: bold and italic as ANSI styles when ``color``, else plain.

    Control characters from the bank (escape sequences included) are made visible,
    so bank text can never move the cursor or recolour the screen.
    """
    if not text:
        return ""
    safe = "".join(
        ch if ch in "\n\t" or not _is_control(ch) else f"\\x{ord(ch):02x}" for ch in text
    )
    if not color:
        return to_plain(safe)
    out: list[str] = []
    for is_code, piece in _spans(safe):
        if is_code:
            out.append(f"\x1b[36m{piece}\x1b[39m")
            continue
        out.append(_italic(_bold(piece, "\x1b[1m", "\x1b[22m"), "\x1b[3m", "\x1b[23m"))
    return "".join(out)


def format_number(value: float) -> str:
    """A number as a person writes it: ``2`` not ``2.0``, ``0.2`` not ``0.19999999999999998``."""
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.12g}"
