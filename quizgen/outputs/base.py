"""The protocol every output format implements, and the types it speaks in.

A format is one module under ``quizgen/outputs/`` (or in another package, through the
``quizgen.formats`` entry point group) exposing one object that satisfies
:class:`OutputFormat`. The command line and the build know formats only through this
protocol and the registry (:mod:`quizgen.outputs.registry`), so adding a format touches
no other module.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol, get_args, runtime_checkable

from ..bank.model import QUESTION_TYPES, Bank, Question
from ..errors import Problem

CarryLevel = Literal["native", "degraded", "none"]
#: How a printed quiz is set: one column, or two where questions fit.
Layout = Literal["standard", "compact"]
LAYOUTS: tuple[Layout, ...] = get_args(Layout)


@dataclass(frozen=True)
class Carriage:
    """What a format makes of one question type: ``native``, ``degraded`` (``how``) or ``none``."""

    level: CarryLevel
    how: str = ""

    def __str__(self) -> str:
        return self.level if not self.how else f"{self.level}: {self.how}"


NATIVE = Carriage("native")

#: The most versions of a printed quiz one run writes (``--versions``): A ... CV. Each
#: version is rendered, staged and fingerprinted as part of one set, so a bound keeps a
#: mistyped ``--versions 100000`` from filling the disk and the hours.
MAX_VERSIONS = 100


def carries_all(**exceptions: Carriage) -> Mapping[str, Carriage]:
    """Every question type ``native``, except the ones named (by type name)."""
    unknown = set(exceptions) - set(QUESTION_TYPES)
    if unknown:
        raise ValueError(f"not question types: {', '.join(sorted(unknown))}")
    return {name: exceptions.get(name, NATIVE) for name in QUESTION_TYPES}


@dataclass(frozen=True)
class Selection:
    """The banks an output is made from and the questions chosen from them, in order."""

    banks: tuple[Bank, ...]
    questions: tuple[Question, ...]

    @classmethod
    def whole(cls, banks: Sequence[Bank]) -> Selection:
        """Every question of every bank, in bank order."""
        return cls(tuple(banks), tuple(q for b in banks for q in b.questions))

    @property
    def bank_id(self) -> str | None:
        """The id of the one bank the selection is made from; None for several."""
        return self.banks[0].id if len(self.banks) == 1 else None

    @functools.cached_property
    def _bank_by_question(self) -> dict[int, Bank]:
        return {id(q): bank for bank in self.banks for q in bank.questions}

    def bank_of(self, question: Question) -> Bank:
        """The bank a chosen question belongs to (one lookup: an index made on first use)."""
        try:
            return self._bank_by_question[id(question)]
        except KeyError:
            raise KeyError(question.id) from None

    def inputs(self) -> tuple[Path, ...]:
        """Every file the banks are made of: bank files, source documents, images.

        No output may be one of them (:func:`quizgen.fileio.check_outputs`).
        """
        paths: dict[Path, None] = {}
        for bank in self.banks:
            paths[bank.path] = None
            paths.update(dict.fromkeys(source.path for source in bank.sources.values()))
            paths.update(dict.fromkeys(q.image for q in bank.questions if q.image is not None))
        return tuple(paths)

    def by_bank(self) -> list[tuple[Bank, list[Question]]]:
        """The chosen questions grouped by their bank, banks in order, empty banks left out."""
        chosen = {id(q) for q in self.questions}
        groups = [(b, [q for q in b.questions if id(q) in chosen]) for b in self.banks]
        return [(b, qs) for b, qs in groups if qs]


@dataclass(frozen=True)
class WrittenFile:
    """One file an output wrote: its path, what it is (for people), and its bank if one."""

    path: Path
    kind: str
    bank: str | None = None

    @property
    def size(self) -> int:
        return self.path.stat().st_size


@dataclass(frozen=True)
class OutputOptions:
    """Options an output may use; each format reads the ones that concern it.

    ``shuffle`` false turns every shuffle off (``--no-shuffle``); the printed quiz
    (html, pdf) also reads ``shuffle_questions`` and ``shuffle_choices`` apart, and its
    ``layout``, ``sections`` and ``combined`` (docs/printing.md).
    """

    title: str | None = None
    seed: str | None = None
    versions: int | None = None
    shuffle: bool = True
    paper: str = "a4"
    browser: str | None = None
    template_dir: Path | None = None
    #: The printed quiz: the banks' order of questions (within topics) when false.
    shuffle_questions: bool = True
    #: The printed quiz: the banks' order of choices when false.
    shuffle_choices: bool = True
    #: The printed quiz: a heading per topic; false gives one run of questions.
    sections: bool = True
    #: The printed quiz: ``compact`` sets questions in two columns where they fit.
    layout: Layout = "standard"
    #: The printed quiz: one file holding every version, then every key.
    combined: bool = False


@runtime_checkable
class OutputFormat(Protocol):
    """One output format: what it is called, what it carries, its limits, and its writer."""

    #: The name on the command line: ``quizgen export NAME``.
    name: str
    #: A few words for people: "Moodle XML".
    label: str
    #: The suffix of the file it writes, with the dot: ".xml".
    suffix: str
    #: What it makes of each question type, by type name.
    carries: Mapping[str, Carriage]
    #: Its limits in a line, for ``quizgen export --list`` ("" when it has none).
    limits: str

    def problems(self, selection: Selection, options: OutputOptions) -> list[Problem]:
        """Every limit the selection (and the options) run into, located; nothing is written."""
        ...

    def write(self, selection: Selection, path: Path, options: OutputOptions) -> list[WrittenFile]:
        """Write the selection to ``path`` (and files derived from it); return what was written."""
        ...


def carriage_problems(fmt: OutputFormat, selection: Selection) -> list[Problem]:
    """A located warning for each chosen question the format does not carry natively."""
    problems: list[Problem] = []
    for question in selection.questions:
        carriage = fmt.carries.get(question.type, Carriage("none", "not supported"))
        if carriage.level == "native":
            continue
        verb = "degrades" if carriage.level == "degraded" else "leaves out"
        how = f": {carriage.how}" if carriage.how else ""
        problems.append(
            Problem(
                question.location,
                "warning",
                f"{fmt.label} {verb} {question.type.replace('_', ' ')} questions{how}",
                question.id,
            )
        )
    return problems


def planned_outputs(
    fmt: OutputFormat, selection: Selection, path: Path, options: OutputOptions
) -> list[Path]:
    """Every file ``fmt.write`` would write, known before the first write.

    A format that writes more than the one file at ``path`` says so with an optional
    ``outputs(selection, path, options)`` method; otherwise it is ``[path]``.
    """
    outputs = getattr(fmt, "outputs", None)
    if callable(outputs):
        return [Path(p) for p in outputs(selection, path, options)]
    return [Path(path)]


def check_planned_outputs(
    fmt: OutputFormat, selection: Selection, path: Path, options: OutputOptions
) -> list[Path]:
    """:func:`planned_outputs`, refused (QuizgenError) if one is an input, a clash or a device."""
    from ..fileio import check_outputs

    planned = planned_outputs(fmt, selection, path, options)
    check_outputs(planned, selection.inputs())
    return planned
