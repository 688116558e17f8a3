"""Printable quizzes: a student page and an answer key per version, as self-contained HTML.

The pages come from Jinja2 templates (the built-in ones in ``templates/``, found with
:func:`quizgen.resources.templates_dir`, behind an optional folder of the user's own).
The templates get view objects built here (numbering, letters, shuffled orders, data
URIs) and never decide anything themselves. Bank text reaches the page only through
the ``md`` filter, which is :func:`quizgen.text.to_html`: escaped, with the bank's
Markdown subset as the only markup.
"""

from __future__ import annotations

import base64
import functools
import math
import mimetypes
import random
import string
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import jinja2
from markupsafe import Markup

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
from ..bank.select import choice_order, shuffled
from ..errors import Location, QuizgenError
from ..fileio import write_text_atomic
from ..resources import templates_dir
from ..text import format_number, to_html

Paper = Literal["a4", "letter"]
PAPERS: tuple[str, ...] = ("a4", "letter")
STUDENT_TEMPLATE = "quiz.html.j2"
KEY_TEMPLATE = "key.html.j2"
LETTERS = string.ascii_uppercase

# One line of instructions per kind of question, in the order a quiz lists them.
INSTRUCTIONS: dict[str, str] = {
    "multiple_choice": "Multiple choice: fill in the bubble of the one best answer.",
    "true_false": "True or false: fill in the bubble of True or False.",
    "multiple_answer": "Select all that apply: tick every box that is right; there may be more than one.",
    "short_answer": "Short answer: write your answer on the lines.",
    "numeric": "Numeric: write a number in the box, in the unit shown.",
    "cloze": "Fill in the blanks: write the missing word or words on each numbered blank.",
    "matching": "Matching: write the letter of the matching item from the right column in each box.",
    "ordering": "Ordering: number the items in the boxes, 1 for the first.",
}


# -- view objects: what the templates see -----------------------------------------------


@dataclass(frozen=True)
class ChoiceView:
    """A lettered choice (or right-hand matching item) as printed."""

    letter: str
    text: str
    correct: bool = False


@dataclass(frozen=True)
class ClozePiece:
    """A run of cloze text, or one numbered blank with its hint and answer."""

    text: str = ""
    blank: int | None = None
    hint: str | None = None
    answer: str | None = None


@dataclass(frozen=True)
class MatchRow:
    """A left-hand matching item, numbered, with the letter of its partner on the right."""

    number: int
    text: str
    answer_letter: str
    answer_text: str


@dataclass(frozen=True)
class OrderItem:
    """An ordering item as printed (shuffled), with its place in the right order."""

    text: str
    position: int


@dataclass(frozen=True)
class QuestionView:
    """One question as numbered and laid out in one version."""

    number: int
    key: str
    question: Question
    points: str
    instruction: str
    choices: tuple[ChoiceView, ...] = ()
    cloze: tuple[ClozePiece, ...] = ()
    lefts: tuple[MatchRow, ...] = ()
    rights: tuple[ChoiceView, ...] = ()
    order_items: tuple[OrderItem, ...] = ()
    image_uri: str | None = None
    source_title: str | None = None
    answer_text: str | None = None
    alternatives: tuple[str, ...] = ()
    tolerance_text: str | None = None
    writing_lines: int = 0

    @property
    def kind(self) -> str:
        return self.question.type

    @property
    def correct_order(self) -> list[OrderItem]:
        return sorted(self.order_items, key=lambda item: item.position)

    @property
    def correct_letters(self) -> str:
        """The letters of the right choices, as ``B`` or ``A, C``."""
        return ", ".join(c.letter for c in self.choices if c.correct)

    @property
    def glance(self) -> str:
        """The answer in a few characters, for the key's at-a-glance grid (plain text)."""
        q = self.question
        if isinstance(q, TrueFalse):
            return "True" if q.answer else "False"
        if self.choices:
            return self.correct_letters
        if isinstance(q, Cloze):
            return " / ".join(p.answer or "" for p in self.cloze if p.blank)
        if self.lefts:
            return " ".join(f"{row.number}-{row.answer_letter}" for row in self.lefts)
        if self.order_items:
            return " ".join(str(item.position) for item in self.order_items)
        return self.answer_text or ""


@dataclass(frozen=True)
class TopicSection:
    """Questions under one topic heading (``title`` None: no heading)."""

    title: str | None
    questions: tuple[QuestionView, ...]


@dataclass(frozen=True)
class QuizVersion:
    """One version of a quiz: its letter (None for an unversioned quiz) and its sections."""

    letter: str | None
    sections: tuple[TopicSection, ...]

    @property
    def questions(self) -> list[QuestionView]:
        return [q for section in self.sections for q in section.questions]


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


@dataclass(frozen=True)
class WrittenQuiz:
    """The files written for one version: the student page and its key."""

    letter: str | None
    quiz: Path
    key: Path


@dataclass
class _Assets:
    """Data URIs of images, read once per run."""

    uris: dict[Path, str] = field(default_factory=dict)

    def data_uri(self, question: Question) -> str | None:
        if question.image is None:
            return None
        path = Path(question.image)
        if path not in self.uris:
            mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            if path.suffix.lower() == ".webp":
                mime = "image/webp"
            try:
                data = path.read_bytes()
            except OSError as exc:
                raise QuizgenError(
                    f"question '{question.id}': cannot read image {path}: {exc.strerror or exc}",
                    location=question.where("image"),
                ) from None
            self.uris[path] = f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
        return self.uris[path]


def version_letter(index: int) -> str:
    """The letter at 0-based ``index`` (versions, choices): A to Z, then AA, AB, ... as in spreadsheets."""
    out = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = LETTERS[rest] + out
    return out


# -- formatting ------------------------------------------------------------------------


def points_label(points: float) -> str:
    """``1 point``, ``2 points``, ``1.5 points``."""
    return f"{format_number(points)} point{'' if points == 1 else 's'}"


# -- the Jinja2 environment ------------------------------------------------------------


@functools.lru_cache(maxsize=16_384)
def _markdown(text: str | None) -> Markup:
    """The ``md`` filter: bank text as escaped HTML with the Markdown subset (the only ``Markup``).

    Cached: every version of a quiz prints the same texts.
    """
    return Markup(to_html(text))


def _css_string(text: str | None) -> Markup:
    """A quoted CSS string; anything but letters, digits and spaces becomes a CSS escape."""
    out = []
    for ch in text or "":
        out.append(ch if (ch.isalnum() and ch.isascii()) or ch == " " else f"\\{ord(ch):x} ")
    return Markup('"' + "".join(out) + '"')


@functools.lru_cache(maxsize=8)
def template_environment(template_dir: str | None = None) -> jinja2.Environment:
    """The one autoescaping environment: ``template_dir`` (if given) ahead of the built-ins."""
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


# -- laying out versions ---------------------------------------------------------------


def _question_key(question: Question, banks: dict[int, Bank]) -> str:
    bank = banks.get(id(question))
    return f"{bank.id}/{question.id}" if bank else question.id


def _derangement(items: Sequence[int], seed: object, *salt: object) -> list[int]:
    """A reproducible shuffle of ``items`` that is not their original order (when it can be)."""
    if len(items) < 2:
        return list(items)
    for attempt in range(50):
        out = shuffled(items, seed, *salt, attempt)
        if out != list(items):
            return out
    return list(items)[1:] + list(items)[:1]


def _view(
    question: Question,
    number: int,
    *,
    seed: object | None,
    salt: str,
    banks: dict[int, Bank],
    assets: _Assets,
) -> QuestionView:
    """Lay out one question for one version: letters, shuffles, blanks, the key's answer."""
    bank = banks.get(id(question))
    source = bank.source_for(question) if bank else None
    common = dict(
        number=number,
        key=_question_key(question, banks),
        question=question,
        points=points_label(question.points),
        instruction=INSTRUCTIONS.get(question.type, ""),
        image_uri=assets.data_uri(question),
        source_title=source.title if source else (question.source.doc if question.source else None),
    )
    # Matching columns and ordering items are always shuffled: in bank order they give the answer.
    fixed_seed = seed if seed is not None else "quizgen"
    if isinstance(question, MultipleChoice | MultipleAnswer):
        order = choice_order(question, seed, salt)
        right = {question.answer} if isinstance(question, MultipleChoice) else set(question.answers)
        choices = tuple(
            ChoiceView(version_letter(i), question.choices[j], question.choices[j] in right)
            for i, j in enumerate(order)
        )
        return QuestionView(**common, choices=choices)
    if isinstance(question, TrueFalse):
        choices = (
            ChoiceView("T", "True", question.answer is True),
            ChoiceView("F", "False", question.answer is False),
        )
        return QuestionView(**common, choices=choices, answer_text=str(question.answer))
    if isinstance(question, ShortAnswer):
        lines = min(5, 2 + max(0, math.ceil(question.points) - 1))
        return QuestionView(
            **common,
            answer_text=question.answers[0],
            alternatives=tuple(question.answers[1:]),
            writing_lines=lines,
        )
    if isinstance(question, Numeric):
        unit = f" {question.unit}" if question.unit else ""
        tolerance = None
        if question.tolerance:
            low = format_number(question.answer - question.tolerance)
            high = format_number(question.answer + question.tolerance)
            tolerance = (
                f"± {format_number(question.tolerance)}{unit} (accept {low} to {high}{unit})"
            )
        return QuestionView(
            **common, answer_text=format_number(question.answer) + unit, tolerance_text=tolerance
        )
    if isinstance(question, Cloze):
        return QuestionView(**common, cloze=_cloze_pieces(question))
    if isinstance(question, Matching):
        left_order = list(range(len(question.pairs)))
        if seed is not None:
            left_order = shuffled(left_order, seed, question.id, "left", salt)
        # The right column never lines up with the left one (A beside 1, B beside 2...).
        right_order = _derangement(left_order, fixed_seed, question.id, "right", salt)
        letter_of = {j: version_letter(i) for i, j in enumerate(right_order)}
        rights = tuple(ChoiceView(letter_of[j], question.pairs[j][1]) for j in right_order)
        lefts = tuple(
            MatchRow(n, question.pairs[j][0], letter_of[j], question.pairs[j][1])
            for n, j in enumerate(left_order, start=1)
        )
        return QuestionView(**common, lefts=lefts, rights=rights)
    if isinstance(question, Ordering):
        order = _derangement(range(len(question.items)), fixed_seed, question.id, "order", salt)
        items = tuple(OrderItem(question.items[j], j + 1) for j in order)
        return QuestionView(**common, order_items=items)
    return QuestionView(**common)


def _cloze_pieces(question: Cloze) -> tuple[ClozePiece, ...]:
    pieces: list[ClozePiece] = []
    last = 0
    for position, deletion in enumerate(question.deletions, start=1):
        if deletion.start > last:
            pieces.append(ClozePiece(text=question.text[last : deletion.start]))
        pieces.append(ClozePiece(blank=position, hint=deletion.hint, answer=deletion.answer))
        last = deletion.end
    if last < len(question.text):
        pieces.append(ClozePiece(text=question.text[last:]))
    return tuple(pieces)


def _group_by_topic(questions: Iterable[Question]) -> list[tuple[str | None, list[Question]]]:
    """Stable grouping: topics in order of first appearance, questions in order within each.

    Questions without a topic form the last group.
    """
    groups: dict[str | None, list[Question]] = {}
    for q in questions:
        groups.setdefault(q.topic, []).append(q)
    untopiced = groups.pop(None, None)
    out = list(groups.items())
    if untopiced:
        out.append((None, untopiced))  # questions without a topic come last
    return out


def _version_order(
    questions: Sequence[Question], seed: object, letter: str, taken: list[list[int]]
) -> list[Question]:
    """This version's order: a seeded shuffle, grouped by topic, unlike the versions before it."""
    indices = list(range(len(questions)))
    position = {id(q): i for i, q in enumerate(questions)}
    best: list[int] | None = None
    for attempt in range(30):
        order = shuffled(indices, seed, "version", letter, attempt)
        grouped = [
            position[id(q)] for _, qs in _group_by_topic(questions[i] for i in order) for q in qs
        ]
        best = best or grouped
        if grouped not in taken:
            best = grouped
            break
    assert best is not None
    taken.append(best)
    return [questions[i] for i in best]


def plan_versions(
    questions: Sequence[Question],
    *,
    banks: Sequence[Bank] = (),
    versions: int | None = None,
    seed: object | None = None,
    shuffle: bool = True,
) -> list[QuizVersion]:
    """Lay out the selected questions as one unlettered quiz or ``versions`` lettered ones.

    Every version holds the same questions. With ``shuffle`` each version has its own
    order (grouped by topic, distinct from the other versions whenever the questions
    allow) and its own choice order (except questions with ``shuffle: false``), all
    fixed by ``seed``. Without ``shuffle`` the order is the given one, grouped by topic.
    """
    if not questions:
        raise QuizgenError("no questions to print: the selection is empty")
    if versions is not None and versions < 1:
        raise QuizgenError(f"--versions must be at least 1, not {versions}")
    owner = {id(q): bank for bank in banks for q in bank.questions}
    assets = _Assets()
    letters: list[str | None] = [version_letter(i) for i in range(versions)] if versions else [None]
    taken: list[list[int]] = []
    out: list[QuizVersion] = []
    for letter in letters:
        salt = letter or "quiz"
        if shuffle and seed is not None:
            ordered = _version_order(questions, seed, salt, taken)
        else:
            ordered = [q for _, qs in _group_by_topic(questions) for q in qs]
        number = 0
        sections: list[TopicSection] = []
        groups = _group_by_topic(ordered)
        for topic, qs in groups:
            views = []
            for q in qs:
                number += 1
                views.append(
                    _view(
                        q,
                        number,
                        seed=seed if shuffle else None,
                        salt=salt,
                        banks=owner,
                        assets=assets,
                    )
                )
            title = topic if topic is not None else ("Other questions" if len(groups) > 1 else None)
            sections.append(TopicSection(title, tuple(views)))
        out.append(QuizVersion(letter, tuple(sections)))
    return out


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
        instructions=tuple(text for kind, text in INSTRUCTIONS.items() if kind in kinds),
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
    if paper not in PAPERS:
        raise QuizgenError(f"paper must be one of {', '.join(PAPERS)}, not '{paper}'")
    if template_dir is not None and not Path(template_dir).is_dir():
        raise QuizgenError(
            f"template folder {template_dir} does not exist", location=Location(str(template_dir))
        )
    if shuffle and seed is None:
        seed = new_seed()
    plans = plan_versions(questions, banks=banks, versions=versions, seed=seed, shuffle=shuffle)
    chosen = {id(q) for q in questions}
    used_banks = [b for b in banks if any(id(q) in chosen for q in b.questions)] or list(banks)
    heading = title or default_title(used_banks)
    description = used_banks[0].description if len(used_banks) == 1 else None
    out = []
    for version in plans:
        page = _page(
            version,
            title=heading,
            description=description,
            paper=paper,
            seed=seed if shuffle else None,
        )
        out.append(
            (
                version.letter,
                render_student_page(page, template_dir),
                render_key_page(page, template_dir),
            )
        )
    return out


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
    """Render every version and write each student page and key atomically.

    Everything is rendered before the first file is written, so a template error
    leaves no half set of files behind.
    """
    rendered = render_quizzes(
        banks,
        questions,
        versions=versions,
        seed=seed,
        shuffle=shuffle,
        paper=paper,
        title=title,
        template_dir=template_dir,
    )
    written = []
    for letter, student_html, key_html in rendered:
        quiz_path, key_path = output_paths(output, letter)
        write_text_atomic(quiz_path, student_html)
        write_text_atomic(key_path, key_html)
        written.append(WrittenQuiz(letter, quiz_path, key_path))
    return written
