"""Bank text to HTML and to the terminal: the Markdown subset, and text that stays text."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizgen.text import format_number, to_html, to_plain, to_terminal


class _Tags(HTMLParser):
    """The element names in a piece of HTML, and whether every element closes in order."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.open: list[str] = []
        self.nested = True

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append(tag)
        if tag != "br":
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open.pop() != tag:
            self.nested = False


def tags_of(markup: str) -> list[str]:
    parser = _Tags()
    parser.feed(markup)
    parser.close()
    return parser.tags


def well_nested(markup: str) -> bool:
    parser = _Tags()
    parser.feed(markup)
    parser.close()
    return parser.nested and not parser.open


# -- to_html -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("Tom & Jerry", "Tom &amp; Jerry"),
        ("say \"hi\" and 'bye'", "say &quot;hi&quot; and &#x27;bye&#x27;"),
        ("<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;"),
        ("a<br>b", "a&lt;br&gt;b"),
        ("&lt; already", "&amp;lt; already"),
    ],
)
def test_html_escapes_markup_in_bank_text(text, expected):
    assert to_html(text) == expected
    assert tags_of(to_html(text)) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("**bold**", "<strong>bold</strong>"),
        ("*italic*", "<em>italic</em>"),
        ("`code`", "<code>code</code>"),
        ("one\ntwo", "one<br>two"),
        ("one\r\ntwo", "one<br>two"),
        ("**a** and *b* and `c`", "<strong>a</strong> and <em>b</em> and <code>c</code>"),
        ("**bold *and italic***", "<strong>bold <em>and italic</em></strong>"),
        ("**bold *and italic* here**", "<strong>bold <em>and italic</em> here</strong>"),
    ],
)
def test_html_formats_the_markdown_subset(text, expected):
    assert to_html(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("`**not bold**`", "<code>**not bold**</code>"),
        ("`*x*` and *y*", "<code>*x*</code> and <em>y</em>"),
        ("`<b>&</b>`", "<code>&lt;b&gt;&amp;&lt;/b&gt;</code>"),
    ],
)
def test_code_spans_are_not_formatted_inside(text, expected):
    assert to_html(text) == expected


@pytest.mark.parametrize(
    "text",
    ["2 * 3 * 4", "**unclosed", "*unclosed", "snake_case_name", "a * b", "** spaced **", "x*"],
)
def test_stray_asterisks_stay_text(text):
    assert to_html(text) == html.escape(text)
    assert to_plain(text) == text


def test_html_of_nothing_is_empty():
    assert to_html(None) == "" and to_html("") == ""


def test_html_strips_only_surrounding_blank_lines():
    assert to_html("\n\nfirst\n\nsecond\n") == "first<br><br>second"


def test_bold_markup_cannot_smuggle_a_tag():
    out = to_html("**<script>x</script>**")
    assert out == "<strong>&lt;script&gt;x&lt;/script&gt;</strong>"
    assert tags_of(out) == ["strong"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("***both***", "<strong><em>both</em></strong>"),
        ("*x **y** z*", "<em>x <strong>y</strong> z</em>"),
        ("*a **b* c**", "*a <strong>b* c</strong>"),  # overlapping markers: bold wins
    ],
)
def test_tags_always_nest(text, expected):
    assert to_html(text) == expected
    assert well_nested(expected)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_html_only_ever_holds_the_subset_tags_well_nested(text):
    out = to_html(text)
    assert set(tags_of(out)) <= {"strong", "em", "code", "br"}
    assert "<script" not in out.lower()
    assert well_nested(out), out


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["*", "**", "`", "a", "b c", "<", "&", "\n", " "]), max_size=20))
def test_markdown_soup_gives_well_nested_html(pieces):
    out = to_html("".join(pieces))
    assert set(tags_of(out)) <= {"strong", "em", "code", "br"}
    assert well_nested(out), out


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_characters="*`\r\n")))
def test_html_of_text_without_markers_is_its_escaped_self(text):
    assert to_html(text) == html.escape(text, quote=True)


# -- to_plain and to_terminal ----------------------------------------------------------------


def test_plain_text_drops_the_markers():
    assert to_plain("**bold**, *italic* and `co*d*e`") == "bold, italic and co*d*e"
    assert to_plain(None) == ""


def test_terminal_without_colour_is_plain():
    assert to_terminal("**bold** *it* `c`", color=False) == "bold it c"


def test_terminal_with_colour_uses_ansi_styles():
    assert to_terminal("**bold** *it* `c`", color=True) == (
        "\x1b[1mbold\x1b[22m \x1b[3mit\x1b[23m \x1b[36mc\x1b[39m"
    )


@pytest.mark.parametrize("color", [True, False])
@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("\x1b[2J\x1b[31mred", "\\x1b[2J\\x1b[31mred"),
        ("bell\x07", "bell\\x07"),
        ("nul\x00", "nul\\x00"),
        ("back\x08space", "back\\x08space"),
        ("carriage\rreturn", "carriage\\x0dreturn"),
        ("del\x7f", "del\\x7f"),
        ("csi\x9b31m", "csi\\x9b31m"),
        ("next line\x85", "next line\\x85"),
    ],
)
def test_terminal_shows_control_characters_instead_of_obeying_them(text, shown, color):
    out = to_terminal(text, color=color)
    assert out == shown
    assert "\x1b" not in out and "\x9b" not in out


@pytest.mark.parametrize("color", [True, False])
def test_terminal_keeps_newlines_tabs_and_unicode(color):
    text = "Pakistan–Russia\tcafé\nline two 中文"
    assert to_terminal(text, color=color) == text


def test_terminal_prints_markup_as_text():
    assert to_terminal("<script>alert(1)</script>", color=True) == "<script>alert(1)</script>"


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_terminal_output_holds_no_control_character_but_its_own_styles(text):
    out = to_terminal(text, color=True)
    # Remove the styles to_terminal itself adds; nothing else may be a control character.
    for style in ("\x1b[1m", "\x1b[22m", "\x1b[3m", "\x1b[23m", "\x1b[36m", "\x1b[39m"):
        out = out.replace(style, "")
    assert all(ch in "\n\t" or not (ord(ch) < 32 or 127 <= ord(ch) < 160) for ch in out)
    plain = to_terminal(text, color=False)
    assert all(ch in "\n\t" or not (ord(ch) < 32 or 127 <= ord(ch) < 160) for ch in plain)


@pytest.mark.parametrize(
    ("value", "shown"),
    [(2.0, "2"), (10, "10"), (0.1 + 0.2, "0.3"), (9.5, "9.5"), (-3.25, "-3.25"), (1e20, "1e+20")],
)
def test_format_number_writes_numbers_as_a_person_would(value: float, shown: str) -> None:
    assert format_number(value) == shown


# -- hostile sizes: rendering is linear, and still right -------------------------------------
#
# The renderer pairs markers without backtracking; these inputs took minutes with the lazy
# regular expressions it replaced (see docs/performance.md). No timing asserts: they simply
# finish within the suite's normal run.


@pytest.mark.slow  # a large input
def test_twenty_thousand_unclosed_italic_lines_stay_text():
    text = "\n".join(["*item"] * 20_000)
    assert to_html(text) == "<br>".join(["*item"] * 20_000)
    assert to_plain(text) == text
    assert to_terminal(text, color=True) == text


def test_a_late_closer_pairs_with_the_first_opener_across_twenty_thousand_lines():
    # A line-start ``*`` cannot close (a line break is white space before it), so the first
    # opener's nearest closer is the very last star.
    text = "\n".join(["*item"] * 20_000) + "\n*last*"
    body = "<br>".join(["item", *["*item"] * 19_999, "*last"])
    assert to_html(text) == f"<em>{body}</em>"
    assert to_plain(text) == text[1:-1]


@pytest.mark.parametrize("depth", [6, 100_000])
def test_deep_runs_of_stars_pair_as_the_outermost_two(depth):
    # ``**`` opens at the first star; the nearest closer is the last two stars of the run
    # (a closing ``**`` is not followed by another star), so depth - 4 stars stay inside; two or
    # more of them cannot pair again as italic.
    stars = "*" * depth
    inner = "*" * (depth - 4)
    assert to_html(stars + "x") == f"<strong>{inner}</strong>x"
    assert to_html(stars + "x" + stars) == f"<strong>{inner}</strong>x<strong>{inner}</strong>"
    assert to_plain(stars + "x" + stars) == inner + "x" + inner


def test_many_unclosed_bold_openers_stay_text():
    text = "**a " * 100_000
    assert to_html(text) == html.escape(text)
    assert to_plain(text) == text


@pytest.mark.slow  # a large input
def test_a_megabyte_of_backticks():
    ticks = "`" * 1_000_000
    assert to_html(ticks) == ticks and to_plain(ticks) == ticks
    unclosed = "`" + "a *b* " * 200_000
    assert to_html(unclosed) == "`" + "a <em>b</em> " * 200_000
    spans = "`*x*`" * 200_000
    assert to_html(spans) == "<code>*x*</code>" * 200_000
    assert to_plain(spans) == "*x*" * 200_000


def _stars(markup: str) -> tuple[int, int, int]:
    """Stars left in the text of some HTML, and its <strong> and <em> elements."""
    tags = tags_of(markup)
    return markup.count("*"), tags.count("strong"), tags.count("em")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["*", "**", "***", "a", " ", "\n", "<", "x_y"]), max_size=40))
def test_every_star_is_either_text_or_half_of_a_tag(pieces):
    text = "".join(pieces)
    left, strong, em = _stars(to_html(text))
    assert left + 4 * strong + 2 * em == text.count("*")


# The lazy regular expressions the linear renderer replaced: the reference it must agree
# with on inputs small enough for them.
_REF_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*(?!\*)", re.DOTALL)
_REF_ITALIC = re.compile(r"(?<![*\w])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![*\w])", re.DOTALL)
_REF_ITALIC_HTML = re.compile(
    r"(?<![*\w])\*(?=[^\s*])((?:[^<]|<strong>[^<]*</strong>)+?)(?<=[^\s*])\*(?![*\w])"
)
_REF_CODE = re.compile(r"`([^`\n]+)`")


def _reference_html(text: str) -> str:
    if not text:
        return ""
    out, last, text = [], 0, text.strip("\n")
    pieces = []
    for m in _REF_CODE.finditer(text):
        pieces += [(False, text[last : m.start()]), (True, m.group(1))]
        last = m.end()
    pieces.append((False, text[last:]))
    for is_code, piece in pieces:
        escaped = html.escape(piece, quote=True)
        if is_code:
            out.append(f"<code>{escaped}</code>")
            continue
        escaped = _REF_BOLD.sub(r"<strong>\1</strong>", escaped)
        escaped = _REF_ITALIC_HTML.sub(r"<em>\1</em>", escaped)
        out.append(escaped.replace("\r\n", "\n").replace("\n", "<br>"))
    return "".join(out)


def _reference_terminal(text: str) -> str:
    out, last = [], 0
    text = text.replace("\r", "\\x0d")  # the one control character in the soup below
    for m in _REF_CODE.finditer(text):
        piece = _REF_BOLD.sub("\x1b[1m\\1\x1b[22m", text[last : m.start()])
        out += [_REF_ITALIC.sub("\x1b[3m\\1\x1b[23m", piece), f"\x1b[36m{m.group(1)}\x1b[39m"]
        last = m.end()
    piece = _REF_BOLD.sub("\x1b[1m\\1\x1b[22m", text[last:])
    return "".join([*out, _REF_ITALIC.sub("\x1b[3m\\1\x1b[23m", piece)])


_SOUP = st.lists(
    st.sampled_from(["*", "**", "***", "`", "a", "b c", " ", "<", "&", "\n", "\r\n", "_", "é"]),
    max_size=24,
).map("".join)


@settings(max_examples=500, deadline=None)
@given(_SOUP)
def test_the_linear_renderer_agrees_with_the_lazy_patterns_it_replaced(text):
    assert to_html(text) == _reference_html(text)
    assert to_terminal(text, color=True) == _reference_terminal(text)
