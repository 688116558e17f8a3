"""Printable quizzes: a student page and an answer key per version, as self-contained HTML.

The pages come from Jinja2 templates (the built-in ones in ``templates/``, found with
:func:`quizgen.resources.templates_dir`, behind an optional folder of the user's own).
The templates get the view objects of :mod:`quizgen.outputs.html_views` and never decide
anything themselves. Bank text reaches the page only through the ``md`` filter, which
is :func:`quizgen.text.to_html`: escaped, with the bank's Markdown subset as the only
markup. jinja2 is imported inside the functions that use it.
"""

from __future__ import annotations

import dataclasses
import functools
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from ..bank.model import Bank, Question
from ..errors import Location, Problem, QuizgenError
from ..fileio import check_outputs, set_fingerprint, write_set
from ..questions import TYPES
from ..questions import letter as version_letter
from ..resources import templates_dir
from ..text import format_number, to_html
from .base import Carriage, OutputOptions, Selection, WrittenFile, carries_all
from .html_views import QuizVersion, plan_versions

if TYPE_CHECKING:
    import jinja2
    from markupsafe import Markup

Paper = Literal["a4", "letter"]
PAPERS: tuple[str, ...] = ("a4", "letter")
STUDENT_TEMPLATE = "quiz.html.j2"
KEY_TEMPLATE = "key.html.j2"
#: Where the set's fingerprint goes while the set is rendered (it is a hash of the pages).
FINGERPRINT_PLACEHOLDER = "qgSETfingerprint"


@dataclass(frozen=True)
class QuizPage:
    """Everything a template needs for one page."""

    title: str
    description: str | None
    paper: str
    version: QuizVersion
    total_points: str
    instructions: tuple[str, ...]
    seed: str | None
    generator: str = "quizgen"
    #: The short fingerprint of the set of pages written together (quiz and key match).
    fingerprint: str | None = None


@dataclass(frozen=True)
class WrittenQuiz:
    """The files written for one version: the student page and its key."""

    letter: str | None
    quiz: Path
    key: Path


# -- the Jinja2 environment ------------------------------------------------------------


@functools.lru_cache(maxsize=16_384)
def _markdown(text: str | None) -> Markup:
    """The ``md`` filter: bank text as escaped HTML with the Markdown subset (the only ``Markup``).

    Cached: every version of a quiz prints the same texts.
    """
    from markupsafe import Markup

    return Markup(to_html(text))


def _css_string(text: str | None) -> Markup:
    """A quoted CSS string; anything but letters, digits and spaces becomes a CSS escape."""
    from markupsafe import Markup

    out = []
    for ch in text or "":
        out.append(ch if (ch.isalnum() and ch.isascii()) or ch == " " else f"\\{ord(ch):x} ")
    return Markup('"' + "".join(out) + '"')


@functools.lru_cache(maxsize=8)
def template_environment(template_dir: str | None = None) -> jinja2.Environment:
    """The one autoescaping environment: ``template_dir`` (if given) ahead of the built-ins."""
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
    env.filters["md"] = _markdown
    env.filters["css_string"] = _css_string
    return env


def _render(env: jinja2.Environment, name: str, page: QuizPage) -> str:
    import jinja2

    try:
        template = env.get_template(name)
    except jinja2.TemplateNotFound as exc:
        raise QuizgenError(f"template '{exc.name}' not found", location=Location(name)) from None
    except jinja2.TemplateSyntaxError as exc:
        where = Location(exc.filename or name, exc.lineno or 0, 1)
        raise QuizgenError(f"template error: {exc.message}", location=where) from None
    try:
        return template.render(page=page, version=page.version)
    except Exception as exc:  # a user's template is input: any failure is a located message
        where = _template_frame(exc) or Location(template.filename or name)
        raise QuizgenError(f"template error: {exc}", location=where) from None


def _template_frame(exc: BaseException) -> Location | None:
    """The template file and line an error was raised from (Jinja2 maps its frames to them)."""
    found = None
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith((".j2", ".html", ".css")):
            found = Location(filename, tb.tb_lineno, 1)
        tb = tb.tb_next
    return found


# -- pages and files -------------------------------------------------------------------


def _page(
    version: QuizVersion,
    *,
    title: str,
    description: str | None,
    paper: str,
    seed: object | None,
) -> QuizPage:
    questions = version.questions
    kinds = {q.kind for q in questions}
    total = sum(q.question.points for q in questions)
    return QuizPage(
        title=title,
        description=description,
        paper=paper,
        version=version,
        total_points=format_number(total),
        instructions=tuple(info.instruction for name, info in TYPES.items() if name in kinds),
        seed=None if seed is None else str(seed),
    )


def render_student_page(page: QuizPage, template_dir: Path | None = None) -> str:
    """The student's quiz page as HTML."""
    env = template_environment(str(template_dir) if template_dir else None)
    return _render(env, STUDENT_TEMPLATE, page)


def render_key_page(page: QuizPage, template_dir: Path | None = None) -> str:
    """The answer key page as HTML."""
    env = template_environment(str(template_dir) if template_dir else None)
    return _render(env, KEY_TEMPLATE, page)


def output_paths(output: Path, letter: str | None) -> tuple[Path, Path]:
    """``quiz.html`` → (``quiz.html``, ``quiz-key.html``); with a letter ``quiz-A.html``, ..."""
    output = Path(output)
    stem = output.name[: -len(".html")] if output.name.lower().endswith(".html") else output.name
    if not stem:
        stem = "quiz"
    if letter:
        stem = f"{stem}-{letter}"
    return output.with_name(f"{stem}.html"), output.with_name(f"{stem}-key.html")


def default_title(banks: Sequence[Bank]) -> str:
    """The quiz heading when none is given: the bank's title, or the titles joined."""
    titles = list(dict.fromkeys(b.title for b in banks))
    return " · ".join(titles) if titles else "Quiz"


def new_seed() -> str:
    """A fresh seed for an unseeded run, printed in the key so the quiz can be made again."""
    return str(random.SystemRandom().randrange(100_000, 1_000_000))


def option_problems(paper: str, template_dir: Path | None) -> list[Problem]:
    """What is wrong with the page options: an unknown paper, a missing template folder."""
    problems = []
    if paper not in PAPERS:
        message = f"paper must be one of {', '.join(PAPERS)}, not '{paper}'"
        problems.append(Problem(Location("quizgen"), "error", message))
    if template_dir is not None and not Path(template_dir).is_dir():
        message = f"template folder {template_dir} does not exist"
        problems.append(Problem(Location(str(template_dir)), "error", message))
    return problems


def _renderer(
    banks: Sequence[Bank],
    questions: Sequence[Question],
    *,
    versions: int | None,
    seed: object | None,
    shuffle: bool,
    paper: str,
    title: str | None,
    template_dir: Path | None,
) -> tuple[list[QuizVersion], Callable[[QuizVersion, str | None], tuple[str | None, str, str]]]:
    """The versions' plans, and the function that renders one with a set's fingerprint."""
    problems = option_problems(paper, template_dir)
    if problems:
        raise QuizgenError(problems)
    if shuffle and seed is None:
        seed = new_seed()
    plans = plan_versions(questions, banks=banks, versions=versions, seed=seed, shuffle=shuffle)
    chosen = {id(q) for q in questions}
    used_banks = [b for b in banks if any(id(q) in chosen for q in b.questions)] or list(banks)
    heading = title or default_title(used_banks)
    description = used_banks[0].description if len(used_banks) == 1 else None

    def render(version: QuizVersion, fingerprint: str | None) -> tuple[str | None, str, str]:
        page = _page(
            version,
            title=heading,
            description=description,
            paper=paper,
            seed=seed if shuffle else None,
        )
        page = dataclasses.replace(page, fingerprint=fingerprint)
        return (
            version.letter,
            render_student_page(page, template_dir),
            render_key_page(page, template_dir),
        )

    return plans, render


def render_quizzes(
    banks: Sequence[Bank],
    questions: Sequence[Question],
    *,
    versions: int | None = None,
    seed: object | None = None,
    shuffle: bool = True,
    paper: str = "a4",
    title: str | None = None,
    template_dir: Path | None = None,
) -> list[tuple[str | None, str, str]]:
    """(letter, student HTML, key HTML) for each version; nothing is written."""
    plans, render = _renderer(
        banks,
        questions,
        versions=versions,
        seed=seed,
        shuffle=shuffle,
        paper=paper,
        title=title,
        template_dir=template_dir,
    )
    return [render(version, None) for version in plans]


def page_paths(output: Path, versions: int | None) -> list[Path]:
    """Every page a quiz of ``versions`` writes at ``output``: each version's quiz, then key."""
    letters = [version_letter(i) for i in range(versions)] if versions else [None]
    return [path for x in letters for path in output_paths(output, x)]


def write_quizzes(
    banks: Sequence[Bank],
    questions: Sequence[Question],
    output: Path,
    *,
    versions: int | None = None,
    seed: object | None = None,
    shuffle: bool = True,
    paper: str = "a4",
    title: str | None = None,
    template_dir: Path | None = None,
) -> list[WrittenQuiz]:
    """Write every version's student page and key as one set (:func:`quizgen.fileio.write_set`).

    The pages are rendered one version at a time, twice: once to fingerprint the set
    (every page prints it, so a quiz and its key are matched by eye), once to stage it.
    A template error, a full disk or an interruption leaves the old set as it was; an
    output that is an input of the run (a bank, a source, an image) is refused.
    """
    paths = page_paths(output, versions)
    inputs = Selection(tuple(banks), tuple(questions)).inputs()
    check_outputs(paths, inputs)  # before the time spent rendering
    plans, render = _renderer(
        banks,
        questions,
        versions=versions,
        seed=seed,
        shuffle=shuffle,
        paper=paper,
        title=title,
        template_dir=template_dir,
    )
    placeholder = FINGERPRINT_PLACEHOLDER
    fingerprint = set_fingerprint(
        page for version in plans for page in render(version, placeholder)[1:]
    )
    items: list[tuple[Path, Callable[[], str]]] = []
    for n, version in enumerate(plans):
        pages = _OneVersion(functools.partial(render, version, fingerprint))
        items.append((paths[2 * n], pages.student))
        items.append((paths[2 * n + 1], pages.key))
    write_set(items, inputs=inputs)
    return [
        WrittenQuiz(version.letter, paths[2 * n], paths[2 * n + 1])
        for n, version in enumerate(plans)
    ]


class _OneVersion:
    """One version's two pages, rendered when the first is asked for, dropped after the second."""

    def __init__(self, render: Callable[[], tuple[str | None, str, str]]) -> None:
        self._render = render
        self._key: str | None = None

    def student(self) -> str:
        _, student, self._key = self._render()
        return student

    def key(self) -> str:
        key, self._key = self._key, None
        return key if key is not None else self._render()[2]


def write_options(selection: Selection, path: Path, options: OutputOptions) -> list[WrittenQuiz]:
    """:func:`write_quizzes` with the format protocol's selection and options."""
    return write_quizzes(
        selection.banks,
        selection.questions,
        path,
        versions=options.versions,
        seed=options.seed,
        shuffle=options.shuffle,
        paper=options.paper,
        title=options.title,
        template_dir=options.template_dir,
    )


def written_files(quizzes: Sequence[WrittenQuiz], bank: str | None) -> list[WrittenFile]:
    """The pages of each version as the protocol's written files, quiz then key."""
    files = []
    for quiz in quizzes:
        suffix = f" {quiz.letter}" if quiz.letter else ""
        files.append(WrittenFile(quiz.quiz, f"quiz{suffix}", bank))
        files.append(WrittenFile(quiz.key, f"answer key{suffix}", bank))
    return files


class HtmlFormat:
    """The registry's face of the printable quiz: student page and answer key per version."""

    name = "html"
    label = "printable quiz and key"
    suffix = ".html"
    carries: Mapping[str, Carriage] = carries_all()
    limits = "none; NAME.html and NAME-key.html per version (NAME-A.html... with versions)"

    def problems(self, selection: Selection, options: OutputOptions) -> list[Problem]:
        """An unknown paper size or a missing template folder."""
        return option_problems(options.paper, options.template_dir)

    def outputs(self, selection: Selection, path: Path, options: OutputOptions) -> list[Path]:
        """Every page :meth:`write` writes: each version's student page and key."""
        return page_paths(path, options.versions)

    def write(self, selection: Selection, path: Path, options: OutputOptions) -> list[WrittenFile]:
        """The student page and key of every version, named after ``path``."""
        bank = selection.banks[0].id if len(selection.banks) == 1 else None
        return written_files(write_options(selection, path, options), bank)


FORMAT = HtmlFormat()
