"""The one Jinja2 environment every HTML page is rendered with: quiz, key, web page, coverage.

One autoescaping environment per template folder, made once per process, so each template
is compiled once however many pages, versions or banks are rendered (compiling is most of
the cost of a small page). Bank text reaches a page only through the ``md``, ``plain`` and
``css_string`` filters, which escape it.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from .resources import templates_dir
from .text import to_html, to_plain

if TYPE_CHECKING:
    import jinja2
    from markupsafe import Markup


@functools.lru_cache(maxsize=16_384)
def markdown_filter(text: str | None) -> Markup:
    """The ``md`` filter: bank text as escaped HTML with the Markdown subset (the only ``Markup``).

    Cached: every version of a quiz prints the same texts.
    """
    from markupsafe import Markup

    return Markup(to_html(text))


def css_string_filter(text: str | None) -> Markup:
    """A quoted CSS string; anything but letters, digits and spaces becomes a CSS escape."""
    from markupsafe import Markup

    out = []
    for ch in text or "":
        out.append(ch if (ch.isalnum() and ch.isascii()) or ch == " " else f"\\{ord(ch):x} ")
    return Markup('"' + "".join(out) + '"')


@functools.lru_cache(maxsize=8)
def template_environment(template_dir: str | None = None) -> jinja2.Environment:
    """The autoescaping environment: ``template_dir`` (if given) ahead of the built-ins.

    Jinja2 reloads a template whose file changed, so a cached environment still sees a
    teacher's edits to their own templates.
    """
    import jinja2

    folders = [str(templates_dir())]
    if template_dir is not None:
        folders.insert(0, template_dir)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = markdown_filter
    env.filters["plain"] = to_plain
    env.filters["css_string"] = css_string_filter
    return env
