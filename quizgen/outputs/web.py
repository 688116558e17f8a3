"""A self-test page students open on a phone: one offline HTML file (``quizgen web``).

The page is rendered here from ``templates/web/`` (a Jinja2 template, a style sheet and
two scripts inlined into it): every question as native form controls, its feedback
(the right answer as text, the explanation, the source quote) rendered beside it and
shown after Check. Bank text reaches the page only through :func:`quizgen.text.to_html`
(escaped) or as JSON the script reads with ``textContent``; nothing from a bank is ever
markup or script.

The script grades with a port of the terminal's grader; what it reads (the exported
rules, each question's grading data and content hash) comes from :mod:`.web_grading`. The Content-Security-Policy allows the page's own script and
style (by hash) and data: images, nothing else: the page makes no request.
"""

from __future__ import annotations

import base64
import hashlib
import json
import mimetypes
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import __version__
from ..bank.model import (
    Bank,
    Cloze,
    Matching,
    MultipleAnswer,
    MultipleChoice,
    Numeric,
    Ordering,
    Question,
    ShortAnswer,
    TrueFalse,
)
from ..errors import Problem, QuizgenError
from ..fileio import check_outputs, write_text_atomic
from ..questions import (
    CASE_NOTE,
    ClozePiece,
    cloze_pieces,
    default_title,
    letter,
    number_text,
    part_credit,
    true_false_text,
    type_info,
)
from ..templating import template_environment
from .base import Carriage, OutputOptions, Selection, WrittenFile, carries_all
from .web_grading import content_hash, grading_data, grading_rules, layout

if TYPE_CHECKING:
    pass

PAGE_TEMPLATE = "web/page.html.j2"
SCRIPTS = ("web/grader.js", "web/app.js")
STYLE = "web/web.css"
#: localStorage keys start with this; the page's data says it too.
STORAGE_PREFIX = "quizgen-web:1:"


# -- what the template sees ----------------------------------------------------------------


@dataclass(frozen=True)
class Option:
    """A choice, match or item as shown: its display letter, its text (Markdown subset)."""

    letter: str
    text: str


@dataclass(frozen=True)
class WebQuestion:
    """One question of the page, laid out, with the texts of its feedback."""

    number: int
    bank: Bank
    question: Question
    options: tuple[Option, ...]
    answer_lines: tuple[str, ...]
    image_uri: str | None
    #: Each cited passage with the title of its document.
    quotes: tuple[tuple[str, str], ...]
    cloze: tuple[ClozePiece, ...] = ()

    @property
    def kind(self) -> str:
        return self.question.type

    @property
    def asks(self) -> str:
        return type_info(self.question).asks

    @property
    def case_note(self) -> str | None:
        sensitive = isinstance(self.question, ShortAnswer) and self.question.case_sensitive
        return CASE_NOTE if sensitive else None


@dataclass(frozen=True)
class WebPage:
    """The whole page: title, descriptions, questions, and the JSON the script reads."""

    title: str
    descriptions: tuple[str, ...]
    questions: tuple[WebQuestion, ...]
    data: str
    generator: str = f"quizgen {__version__}"


def answer_lines(question: Question) -> tuple[str, ...]:
    """The right answer written out, one line each (bank text, Markdown subset)."""
    if isinstance(question, TrueFalse):
        return (true_false_text(question.answer),)
    if isinstance(question, MultipleChoice):
        return (question.answer,)
    if isinstance(question, MultipleAnswer):
        return tuple(c for c in question.choices if c in question.answers)
    if isinstance(question, ShortAnswer):
        also = question.answers[1:]
        return (question.answers[0],) + ((f"Also accepted: {'; '.join(also)}",) if also else ())
    if isinstance(question, Numeric):
        number = number_text(question)
        if number.tolerance is None:
            return (number.answer_with_unit,)
        return (
            f"{number.summary} (anything from {number.low} to {number.high}{number.unit_suffix})",
        )
    if isinstance(question, Matching):
        return tuple(f"{left} → {right}" for left, right in question.pairs)
    if isinstance(question, Ordering):
        return question.items
    return ()  # cloze: the text with its gaps filled, from ``cloze``


def _parts(question: Question) -> list[int | str] | None:
    """``[5, "pairs"]``: how many parts share a part-credit question's points, and their name."""
    credit = part_credit(question)
    return [credit.count, f"{credit.part}s"] if credit else None


def _image_uri(question: Question, cache: dict[Path, str]) -> str | None:
    if question.image is None:
        return None
    path = Path(question.image)
    if path not in cache:
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise QuizgenError(
                f"question '{question.id}': cannot read image {path}: {exc.strerror or exc}",
                location=question.where("image"),
            ) from None
        cache[path] = f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
    return cache[path]


def _options(question: Question, shown: Sequence[int]) -> tuple[Option, ...]:
    if isinstance(question, MultipleChoice | MultipleAnswer):
        texts: Sequence[str] = question.choices
    elif isinstance(question, Matching):
        texts = question.rights
    elif isinstance(question, Ordering):
        texts = question.items
    else:
        return ()
    return tuple(Option(letter(p, lower=True), texts[i]) for p, i in enumerate(shown))


def script_json(data: object) -> str:
    """JSON that cannot end its ``<script>`` element or open a comment: ``<``, ``>``, ``&``
    and the JavaScript line separators U+2028/U+2029 are written as ``\\u`` escapes."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for ch in "<>&\u2028\u2029":
        text = text.replace(ch, f"\\u{ord(ch):04x}")
    return text


def build_page(selection: Selection, options: OutputOptions) -> WebPage:
    """Lay out every chosen question and gather the page's data."""
    images: dict[Path, str] = {}
    views: list[WebQuestion] = []
    records: list[dict[str, Any]] = []
    for number, question in enumerate(selection.questions, start=1):
        bank = selection.bank_of(question)
        seed = (options.seed if options.seed is not None else bank.id) if options.shuffle else None
        shown = layout(question, seed)
        views.append(
            WebQuestion(
                number,
                bank,
                question,
                _options(question, shown),
                answer_lines(question),
                _image_uri(question, images),
                tuple(
                    (ref.quote, doc.title if doc else ref.doc) for ref, doc in bank.cited(question)
                ),
                cloze_pieces(question) if isinstance(question, Cloze) else (),
            )
        )
        records.append(
            {
                "bank": bank.id,
                "hash": content_hash(question),
                "topic": question.topic,
                "tags": list(question.tags),
                "points": question.points,
                "parts": _parts(question),
                "q": grading_data(question, shown),
            }
        )
    banks = [bank for bank, _ in selection.by_bank()]
    title = options.title or (default_title([b.title for b in banks]) if banks else "Self-test")
    data = {
        "generator": f"quizgen {__version__}",
        "storage": STORAGE_PREFIX,
        "page": hashlib.sha256("\n".join(b.id for b in banks).encode()).hexdigest()[:12],
        "seed": options.seed or "",
        "questions": records,
        "rules": grading_rules(),
    }
    descriptions = tuple(b.description for b in banks if b.description)
    return WebPage(title, descriptions, tuple(views), script_json(data))


# -- rendering ------------------------------------------------------------------------------


def _csp_hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def render_page(page: WebPage, template_dir: Path | None = None) -> str:
    """The page's HTML: template, style and script inlined, the CSP naming their hashes."""
    from markupsafe import Markup

    env = template_environment(str(template_dir) if template_dir else None)

    def source(name: str) -> str:
        assert env.loader is not None
        return env.loader.get_source(env, name)[0]

    script = "\n".join(source(name) for name in SCRIPTS) + "\nstartQuizgenPage();\n"
    style = source(STYLE)
    if "</" in script or "</" in style:  # our own files; a slip here would end the element
        raise QuizgenError("templates/web: a script or style contains '</'")
    csp = (
        f"default-src 'none'; script-src {_csp_hash(script)}; style-src {_csp_hash(style)}; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )
    return env.get_template(PAGE_TEMPLATE).render(
        page=page, csp=csp, script=Markup(script), style=Markup(style), data=Markup(page.data)
    )


def write_page(selection: Selection, path: Path, options: OutputOptions) -> Path:
    """Render the page for the selection and write it atomically to ``path``.

    An output that is an input of the run (a bank, a source, an image) is refused first.
    """
    check_outputs([path], selection.inputs())
    html = render_page(build_page(selection, options), options.template_dir)
    return write_text_atomic(path, html)


class WebFormat:
    """The registry's face of the self-test page."""

    name = "web"
    label = "self-test web page"
    suffix = ".study.html"  # beside the printed quiz's .html in a build
    carries: Mapping[str, Carriage] = carries_all()
    limits = ""

    def problems(self, selection: Selection, options: OutputOptions) -> list[Problem]:
        """None: the page carries every question type the loader accepts."""
        return []

    def write(self, selection: Selection, path: Path, options: OutputOptions) -> list[WrittenFile]:
        """The page at ``path``, written atomically."""
        written = write_page(selection, Path(path), options)
        bank = selection.bank_id
        return [WrittenFile(written, self.label, bank)]


FORMAT = WebFormat()
