"""The bank's Markdown subset, rendered as escaped HTML or as terminal text.

Bank text may use ``**bold**``, ``*italic*``, `` `code` `` and line breaks; nothing
else is markup. Everything else is text: ``<script>`` in a prompt is escaped in
HTML and printed as-is in the terminal.
"""

from __future__ import annotations

import html
import re

_CODE = re.compile(r"`([^`\n]+)`")
# A closing ``**`` is the last two of a run of stars: ``**bold *italic***``.
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*(?!\*)", re.DOTALL)
_ITALIC = re.compile(r"(?<![*\w])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![*\w])", re.DOTALL)
# In HTML, italic may hold whole <strong> elements but never half of one, so tags nest.
_ITALIC_HTML = re.compile(
    r"(?<![*\w])\*(?=[^\s*])((?:[^<]|<strong>[^<]*</strong>)+?)(?<=[^\s*])\*(?![*\w])"
)


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
        escaped = _BOLD.sub(r"<strong>\1</strong>", escaped)
        escaped = _ITALIC_HTML.sub(r"<em>\1</em>", escaped)
        out.append(escaped.replace("\r\n", "\n").replace("\n", "<br>"))
    return "".join(out)


def to_plain(text: str | None) -> str:
    """The text with the Markdown markers removed (for terminals without colour, and search)."""
    if not text:
        return ""
    out: list[str] = []
    for is_code, piece in _spans(text):
        if not is_code:
            piece = _BOLD.sub(r"\1", piece)
            piece = _ITALIC.sub(r"\1", piece)
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
        piece = _BOLD.sub("\x1b[1m\\1\x1b[22m", piece)
        piece = _ITALIC.sub("\x1b[3m\\1\x1b[23m", piece)
        out.append(piece)
    return "".join(out)


def format_number(value: float) -> str:
    """A number as a person writes it: ``2`` not ``2.0``, ``0.2`` not ``0.19999999999999998``."""
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.12g}"
