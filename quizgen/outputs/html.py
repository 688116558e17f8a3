"""Printable quizzes: a student page and an answer key per version, as self-contained HTML.

The pages come from Jinja2 templates (the built-in ones in ``templates/``, behind an
optional folder of the user's own), rendered in :func:`quizgen.templating.template_environment`.
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
from ..bank.select import select
from ..errors import Location, Problem, QuizgenError
from ..fileio import check_outputs, set_fingerprint, write_set
from ..questions import TYPES
from ..questions import default_title as shared_default_title
from ..questions import letter as version_letter
from ..templating import template_environment
from ..text import format_number
from .base import LAYOUTS, Carriage, OutputOptions, Selection, WrittenFile, carries_all
from .html_views import Arrangement, QuizVersion, plan_versions

if TYPE_CHECKING:
    import jinja2

Paper = Literal["a4", "letter"]
PAPERS: tuple[str, ...] = ("a4", "letter")
STUDENT_TEMPLATE = "quiz.html.j2"
KEY_TEMPLATE = "key.html.j2"
COMBINED_TEMPLATE = "combined.html.j2"
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
    layout: str = "standard"
    sections: bool = True
    generator: str = "quizgen"
    #: The short fingerprint of the set of pages written together (quiz and key match).
    fingerprint: str | None = None


@dataclass(frozen=True)
class WrittenQuiz:
    """The files written for one version: the student page and its key."""

    letter: str | None
    quiz: Path
    #: None for a combined class set (the keys are in ``quiz``).
    key: Path | None


# -- rendering ---------------------------------------------------------------------------


def _render(env: jinja2.Environment, name: str, **context: object) -> str:
    import jinja2

    try:
        template = env.get_template(name)
    except jinja2.TemplateNotFound as exc:
        raise QuizgenError(f"template '{exc.name}' not found", location=Location(name)) from None
    except jinja2.TemplateSyntaxError as exc:
        where = Location(exc.filename or name, exc.lineno or 0, 1)
        raise QuizgenError(f"template error: {exc.message}", location=where) from None
    try:
        return template.render(**context)
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


@dataclass(frozen=True)
class QuizOptions:
    """Everything that shapes a printed quiz besides the questions themselves."""

    versions: int | None = None
    seed: object | None = None
    shuffle_questions: bool = True
    shuffle_choices: bool = True
    sections: bool = True
    layout: str = "standard"
    draw: bool = False
    combined: bool = False
    paper: str = "a4"
    title: str | None = None
    template_dir: Path | None = None

    @property
    def shuffles(self) -> bool:
        """Whether anything is shuffled (then a seed is needed and printed)."""
        return self.shuffle_questions or self.shuffle_choices or self.draw

    def arrangement(self, seed: object | None) -> Arrangement:
        return Arrangement(
            versions=self.versions,
            seed=seed,
            shuffle_questions=self.shuffle_questions,
            shuffle_choices=self.shuffle_choices,
            sections=self.sections,
            draw=self.draw,
        )


def _page(
    version: QuizVersion,
    *,
    title: str,
    description: str | None,
    options: QuizOptions,
    seed: object | None,
) -> QuizPage:
    questions = version.questions
    kinds = {q.kind for q in questions}
    total = sum(q.question.points for q in questions)
    return QuizPage(
        title=title,
        description=description,
        paper=options.paper,
        version=version,
        total_points=format_number(total),
        instructions=tuple(info.instruction for name, info in TYPES.items() if name in kinds),
        seed=None if seed is None else str(seed),
        layout=options.layout,
        sections=options.sections,
    )


def render_student_page(page: QuizPage, template_dir: Path | None = None) -> str:
    """The student's quiz page as HTML."""
    env = template_environment(str(template_dir) if template_dir else None)
    return _render(env, STUDENT_TEMPLATE, page=page, version=page.version)


def render_key_page(page: QuizPage, template_dir: Path | None = None) -> str:
    """The answer key page as HTML."""
    env = template_environment(str(template_dir) if template_dir else None)
    return _render(env, KEY_TEMPLATE, page=page, version=page.version)


def render_combined(
    pages: Sequence[QuizPage],
    template_dir: Path | None = None,
    blanks: frozenset[int] = frozenset(),
) -> str:
    """Every version, then every key, in one HTML document; each part starts a new page.

    ``blanks``: the parts (0-based: the versions, then the keys) to follow with a blank
    page, so that the next part starts on the front of a sheet when printed double-sided
    (:func:`quizgen.outputs.pdf.write_combined_pdf` counts the pages to know them).
    """
    env = template_environment(str(template_dir) if template_dir else None)
    return _render(env, COMBINED_TEMPLATE, page=pages[0], pages=pages, blanks=blanks)


def render_parts(pages: Sequence[QuizPage], template_dir: Path | None = None) -> list[str]:
    """The parts of a combined class set as pages of their own: every version, then every key."""
    return [render_student_page(p, template_dir) for p in pages] + [
        render_key_page(p, template_dir) for p in pages
    ]


#: Suffixes taken off what the user typed before quizgen adds its own.
KNOWN_SUFFIXES = (".html", ".htm", ".pdf")


def output_stem(output: Path) -> Path:
    """``quiz.pdf``, ``quiz.html`` and ``quiz`` all give ``quiz`` (in the same folder)."""
    output = Path(output)
    name = output.name
    for suffix in KNOWN_SUFFIXES:
        if name.lower().endswith(suffix) and len(name) > len(suffix):
            name = name[: -len(suffix)]
            break
    return output.with_name(name or "quiz")


def output_paths(output: Path, letter: str | None) -> tuple[Path, Path]:
    """``quiz.html`` → (``quiz.html``, ``quiz-key.html``); with a letter ``quiz-A.html``, ..."""
    stem = output_stem(output)
    name = f"{stem.name}-{letter}" if letter else stem.name
    return stem.with_name(f"{name}.html"), stem.with_name(f"{name}-key.html")


def combined_path(output: Path) -> Path:
    """The one file of a combined class set: ``class.html`` (from ``class``, ``class.pdf``...)."""
    stem = output_stem(output)
    return stem.with_name(f"{stem.name}.html")


def default_title(banks: Sequence[Bank]) -> str:
    """The quiz heading when none is given (:func:`quizgen.questions.default_title`)."""
    return shared_default_title([b.title for b in banks])


def new_seed() -> str:
    """A fresh seed for an unseeded run, printed in the key so the quiz can be made again."""
    return str(random.SystemRandom().randrange(100_000, 1_000_000))


def option_problems(
    paper: str, template_dir: Path | None, layout: str = "standard"
) -> list[Problem]:
    """What is wrong with the page options: an unknown paper or layout, a missing template folder."""
    problems = []
    if paper not in PAPERS:
        message = f"paper must be one of {', '.join(PAPERS)}, not '{paper}'"
        problems.append(Problem(Location("quizgen"), "error", message))
    if layout not in LAYOUTS:
        message = f"layout must be one of {', '.join(LAYOUTS)}, not '{layout}'"
        problems.append(Problem(Location("quizgen"), "error", message))
    if template_dir is not None and not Path(template_dir).is_dir():
        message = f"template folder {template_dir} does not exist"
        problems.append(Problem(Location(str(template_dir)), "error", message))
    return problems


def plan_pages(
    banks: Sequence[Bank],
    questions: Sequence[Question],
    options: QuizOptions,
    pool: Sequence[Question] | None = None,
) -> list[QuizPage]:
    """The page of every version (what the templates see); nothing is rendered."""
    problems = option_problems(options.paper, options.template_dir, options.layout)
    if problems:
        raise QuizgenError(problems)
    seed = options.seed
    if options.shuffles and seed is None:
        seed = new_seed()
    plans = plan_versions(questions, banks=banks, arrangement=options.arrangement(seed), pool=pool)
    chosen = {id(q) for version in plans for q in (v.question for v in version.questions)}
    used_banks = [b for b in banks if any(id(q) in chosen for q in b.questions)] or list(banks)
    heading = options.title or default_title(used_banks)
    description = used_banks[0].description if len(used_banks) == 1 else None
    return [
        _page(
            version,
            title=heading,
            description=description,
            options=options,
            seed=seed if options.shuffles else None,
        )
        for version in plans
    ]


def render_quizzes(
    banks: Sequence[Bank],
    questions: Sequence[Question],
    options: QuizOptions | None = None,
    *,
    pool: Sequence[Question] | None = None,
) -> list[tuple[str | None, str, str]]:
    """(letter, student HTML, key HTML) for each version; nothing is written."""
    options = options or QuizOptions()
    return [
        (
            page.version.letter,
            render_student_page(page, options.template_dir),
            render_key_page(page, options.template_dir),
        )
        for page in plan_pages(banks, questions, options, pool)
    ]


def page_paths(output: Path, options: QuizOptions | None = None) -> list[Path]:
    """Every page a quiz writes at ``output``: each version's quiz, then key (or the one
    file of a combined class set)."""
    options = options or QuizOptions()
    if options.combined:
        return [combined_path(output)]
    versions = options.versions
    letters = [version_letter(i) for i in range(versions)] if versions else [None]
    return [path for x in letters for path in output_paths(output, x)]


def write_quizzes(
    banks: Sequence[Bank],
    questions: Sequence[Question],
    output: Path,
    options: QuizOptions | None = None,
    *,
    pool: Sequence[Question] | None = None,
) -> list[WrittenQuiz]:
    """Write every version's student page and key as one set (:func:`quizgen.fileio.write_set`).

    The pages are rendered one version at a time, twice: once to fingerprint the set
    (every page prints it, so a quiz and its key are matched by eye), once to stage it.
    A template error, a full disk or an interruption leaves the old set as it was; an
    output that is an input of the run (a bank, a source, an image) is refused. With
    ``options.combined`` the set is one file holding every version, then every key.
    """
    options = options or QuizOptions()
    paths = page_paths(output, options)
    inputs = Selection(tuple(banks), tuple(questions)).inputs()
    check_outputs(paths, inputs)  # before the time spent rendering
    pages = plan_pages(banks, questions, options, pool)
    placeholder = FINGERPRINT_PLACEHOLDER
    if options.combined:
        draft = render_combined(_stamped(pages, placeholder), options.template_dir)
        text = render_combined(_stamped(pages, set_fingerprint([draft])), options.template_dir)
        write_set([(paths[0], text)], inputs=inputs)
        return [WrittenQuiz(None, paths[0], None)]

    def render(page: QuizPage, fingerprint: str) -> tuple[str | None, str, str]:
        page = dataclasses.replace(page, fingerprint=fingerprint)
        return (
            page.version.letter,
            render_student_page(page, options.template_dir),
            render_key_page(page, options.template_dir),
        )

    fingerprint = set_fingerprint(text for page in pages for text in render(page, placeholder)[1:])
    items: list[tuple[Path, Callable[[], str]]] = []
    for n, page in enumerate(pages):
        both = _OneVersion(functools.partial(render, page, fingerprint))
        items.append((paths[2 * n], both.student))
        items.append((paths[2 * n + 1], both.key))
    write_set(items, inputs=inputs)
    return [
        WrittenQuiz(page.version.letter, paths[2 * n], paths[2 * n + 1])
        for n, page in enumerate(pages)
    ]


def _stamped(pages: Sequence[QuizPage], fingerprint: str) -> list[QuizPage]:
    return [dataclasses.replace(page, fingerprint=fingerprint) for page in pages]


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


def quiz_options(options: OutputOptions) -> QuizOptions:
    """The printed quiz's options from the format protocol's options."""
    return QuizOptions(
        versions=options.versions,
        seed=options.seed,
        shuffle_questions=options.shuffle and options.shuffle_questions,
        shuffle_choices=options.shuffle and options.shuffle_choices,
        sections=options.sections,
        layout=options.layout,
        combined=options.combined,
        paper=options.paper,
        title=options.title,
        template_dir=options.template_dir,
    )


def quiz_problems(options: OutputOptions) -> list[Problem]:
    """What is wrong with a printed quiz's options (:func:`option_problems`), and versions
    that nothing would tell apart (every shuffle off)."""
    problems = option_problems(options.paper, options.template_dir, options.layout)
    if (options.versions or 1) > 1 and not quiz_options(options).shuffles:
        message = (
            f"{options.versions} versions would be the same quiz: nothing is shuffled (questions"
            " and choices both keep the bank's order); shuffle one of them, or write one version"
        )
        problems.append(Problem(Location("quizgen"), "error", message))
    return problems


def printed_selection(
    selection: Selection, options: OutputOptions
) -> tuple[Selection, QuizOptions]:
    """The questions and options a format prints, as ``quizgen html`` would at the same seed.

    An unseeded run that shuffles gets a fresh seed (printed in the key). When questions
    are shuffled, they are first put in the seed's order, as ``quizgen html`` selects
    them, so ``build``, ``export html`` and ``quizgen html`` make the same pages.
    """
    settings = quiz_options(options)
    if not settings.shuffles:
        return selection, settings
    if settings.seed is None:
        settings = dataclasses.replace(settings, seed=new_seed())
    questions = selection.questions
    if settings.shuffle_questions:
        questions = tuple(select(questions, seed=settings.seed, shuffle=True))
    return Selection(selection.banks, questions), settings


def write_options(selection: Selection, path: Path, options: OutputOptions) -> list[WrittenQuiz]:
    """:func:`write_quizzes` with the format protocol's selection and options."""
    chosen, settings = printed_selection(selection, options)
    return write_quizzes(chosen.banks, chosen.questions, path, settings)


def written_files(quizzes: Sequence[WrittenQuiz], bank: str | None) -> list[WrittenFile]:
    """The pages of each version as the protocol's written files, quiz then key."""
    files = []
    for quiz in quizzes:
        if quiz.key is None:
            files.append(WrittenFile(quiz.quiz, "class set: every version, then every key", bank))
            continue
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
        """An unknown paper size or layout, a missing template folder, identical versions."""
        return quiz_problems(options)

    def outputs(self, selection: Selection, path: Path, options: OutputOptions) -> list[Path]:
        """Every page :meth:`write` writes: each version's student page and key."""
        return page_paths(path, quiz_options(options))

    def write(self, selection: Selection, path: Path, options: OutputOptions) -> list[WrittenFile]:
        """The student page and key of every version, named after ``path``."""
        bank = selection.bank_id
        return written_files(write_options(selection, path, options), bank)


FORMAT = HtmlFormat()
