"""One command from the banks to every chosen output: check everything, then write.

:func:`plan_build` checks the banks and runs every chosen format's ``problems()`` on every
bank; one error anywhere and it raises, so nothing is written. Otherwise it returns the
steps (one per bank and format), each writing its files atomically and saying what it
wrote, so the command line can show progress its own way. The formats come from the
registry: a new format needs no change here. :func:`load_config` reads the defaults a
teacher keeps in ``quizgen.toml``.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import Location, Problem, QuizgenError
from .outputs.base import (
    LAYOUTS,
    Layout,
    OutputFormat,
    OutputOptions,
    Selection,
    WrittenFile,
    planned_outputs,
)

#: The formats ``quizgen build`` writes when neither the command line nor quizgen.toml says.
DEFAULT_FORMATS: tuple[str, ...] = ("anki", "html")
CONFIG_NAME = "quizgen.toml"

__all__ = [
    "CONFIG_NAME",
    "DEFAULT_FORMATS",
    "BuildOptions",
    "BuildPlan",
    "BuildStep",
    "WrittenFile",
    "find_config",
    "load_config",
    "plan_build",
    "tidy_previous_build",
]


@dataclass(frozen=True)
class BuildStep:
    """One unit of work: a label for progress, and the function that does it."""

    label: str
    run: Callable[[], list[WrittenFile]]


@dataclass(frozen=True)
class BuildPlan:
    """The steps of a build, and the warnings of the banks and formats (nothing stopped it)."""

    steps: tuple[BuildStep, ...]
    warnings: tuple[Problem, ...] = ()


@dataclass(frozen=True)
class BuildOptions:
    """What to build and how; every field may also come from quizgen.toml."""

    out_dir: Path = Path("dist")
    formats: tuple[str, ...] = DEFAULT_FORMATS
    versions: int | None = None
    seed: str | None = None
    title: str | None = None
    paper: str = "a4"
    browser: str | None = None
    #: The printed quiz's layout (html, pdf), as ``quizgen html`` takes it.
    layout: Layout = "standard"
    sections: bool = True
    combined: bool = False
    shuffle_questions: bool = True
    shuffle_choices: bool = True
    #: Fail on the banks' warnings too, as ``check --strict`` does.
    strict: bool = False
    #: Item-writing check codes (``Q201``) left out of this build's report.
    ignore: tuple[str, ...] = ()

    def for_bank(self, bank_id: str) -> OutputOptions:
        """The output options of one bank's files (the seed defaults to the bank id)."""
        return OutputOptions(
            title=self.title,
            seed=self.seed if self.seed is not None else bank_id,
            versions=self.versions,
            paper=self.paper,
            browser=self.browser,
            layout=self.layout,
            sections=self.sections,
            combined=self.combined,
            shuffle_questions=self.shuffle_questions,
            shuffle_choices=self.shuffle_choices,
        )


def plan_build(paths: list[Path], options: BuildOptions) -> BuildPlan:
    """Check the banks under ``paths`` and every format's limits; plan the steps that write.

    Raises QuizgenError with every error (of the banks, then of the formats, then of the
    output paths) when there is one, and with ``strict`` every warning too; then nothing
    is written.
    """
    from .bank.check import check_paths
    from .fileio import output_problems
    from .outputs.registry import get_format

    formats = [get_format(name) for name in dict.fromkeys(options.formats)]
    # A missing source document is a warning here (quotes not verified), as everywhere but check.
    report = check_paths(paths, ignore=options.ignore, missing_sources="warning")
    if report.errors:
        raise QuizgenError(report.problems if options.strict else report.errors)
    problems: list[Problem] = list(report.warnings)
    steps: list[BuildStep] = []
    outputs: list[Path] = []
    inputs: list[Path] = []
    for bank in report.banks:
        selection = Selection.whole([bank])
        bank_options = options.for_bank(bank.id)
        inputs += selection.inputs()
        for fmt in formats:
            problems += fmt.problems(selection, bank_options)
            path = options.out_dir / f"{bank.id}{fmt.suffix}"
            outputs += planned_outputs(fmt, selection, path, bank_options)
            steps.append(
                BuildStep(f"{bank.id}: {fmt.label}", _step(fmt, selection, path, bank_options))
            )
    # Every file of the run, known before the first write: none is an input of any bank
    # (a bank, a source, an image), a device or a folder, and none is written twice
    # (banks `quiz` and `quiz-key`: quiz's key and quiz-key's student page are one file).
    problems += output_problems(outputs, inputs)
    errors = list(dict.fromkeys(p for p in problems if p.severity == "error"))
    if errors:
        raise QuizgenError(errors)
    warnings = tuple(dict.fromkeys(p for p in problems if p.severity == "warning"))
    if options.strict and warnings:  # what a format degrades or leaves out stops it too
        raise QuizgenError(list(warnings))
    return BuildPlan(tuple(steps), warnings)


def _step(
    fmt: OutputFormat, selection: Selection, path: Path, options: OutputOptions
) -> Callable[[], list[WrittenFile]]:
    def run() -> list[WrittenFile]:
        return fmt.write(selection, path, options)

    return run


# --------------------------------------------------------------------------- the manifest

#: The file in the output folder that lists what the last build wrote (and their hashes).
MANIFEST_NAME = ".quizgen-build.json"


def _digest(path: Path) -> str | None:
    import hashlib

    try:
        if path.is_symlink() or not path.is_file():
            return None
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _previous(manifest: Path) -> dict[str, str]:
    import json

    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
        files = data["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    if not isinstance(files, dict):
        return {}
    return {k: v for k, v in files.items() if isinstance(k, str) and isinstance(v, str)}


def tidy_previous_build(out_dir: Path, written: Sequence[WrittenFile]) -> list[Path]:
    """Remove what the previous build wrote and this one did not; record what this one wrote.

    Only a file the manifest names, directly in ``out_dir``, that still has the content
    quizgen wrote, is removed: a file quizgen did not write, or one changed since, stays.
    Returns the files removed.
    """
    import json

    from .fileio import write_text_atomic

    out_dir = Path(out_dir)
    manifest = out_dir / MANIFEST_NAME
    now: dict[str, str] = {}
    for f in written:
        path = Path(f.path)
        if path.parent.resolve() == out_dir.resolve():
            digest = _digest(path)
            if digest is not None:
                now[path.name] = digest
    removed = []
    for name, digest in _previous(manifest).items():
        if name in now or "/" in name or "\\" in name or name in ("", ".", "..", MANIFEST_NAME):
            continue
        old = out_dir / name
        if _digest(old) == digest:
            old.unlink()
            removed.append(old)
    text = json.dumps({"written_by": "quizgen build", "files": now}, indent=1, sort_keys=True)
    write_text_atomic(manifest, text + "\n")
    return removed


# --------------------------------------------------------------------------- quizgen.toml

_KEYS = (
    "formats",
    "versions",
    "seed",
    "title",
    "paper",
    "out-dir",
    "layout",
    "sections",
    "combined",
    "shuffle-questions",
    "shuffle-choices",
)
#: The printed quiz's switches: key in quizgen.toml -> BuildOptions field.
_SWITCHES = {
    "sections": "sections",
    "combined": "combined",
    "shuffle-questions": "shuffle_questions",
    "shuffle-choices": "shuffle_choices",
}


def find_config(paths: Sequence[Path], cwd: Path | None = None) -> Path | None:
    """The quizgen.toml that applies: beside the banks, else in the current folder.

    "Beside the banks" is the first PATH named if it is a folder, or the folder of the
    first PATH if it is a file. Only one file is read; nothing is merged.
    """
    here = Path.cwd() if cwd is None else cwd
    candidates = []
    if paths:
        first = Path(paths[0])
        candidates.append((first if first.is_dir() else first.parent) / CONFIG_NAME)
    candidates.append(here / CONFIG_NAME)
    return next((c for c in candidates if c.is_file()), None)


def load_config(path: Path) -> dict[str, Any]:
    """The ``[build]`` table of a quizgen.toml, checked, with ``out-dir`` made a Path.

    Relative ``out-dir`` is taken from the file's folder. Every problem is a located error.
    """
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python 3.10 only
        import tomli as tomllib

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise QuizgenError(f"cannot read {path}: {exc}", location=Location(str(path))) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # tomllib gives the place only in its message before Python 3.14: "(at line 1, column 7)".
        place = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        line, column = (int(place.group(1)), int(place.group(2))) if place else (0, 0)
        message = str(exc).split(" (at ")[0]
        raise QuizgenError(
            f"not valid TOML: {message}", location=Location(str(path), line, column)
        ) from None
    problems: list[Problem] = []

    def problem(key: str, message: str) -> None:
        problems.append(Problem(_where(path, text, key), "error", message))

    for key in data:
        if key != "build":
            problem(key, f"unknown table or key '{key}' (quizgen.toml has one table: [build])")
    table = data.get("build", {})
    if not isinstance(table, Mapping):
        problem("build", "'build' must be a table: [build]")
        table = {}
    out: dict[str, Any] = {}
    for key, value in table.items():
        if key not in _KEYS:
            problem(key, f"unknown key '{key}' in [build]; known keys: {', '.join(_KEYS)}")
        elif key == "formats":
            if not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
                problem(key, 'formats must be a list of format names, e.g. ["anki", "html"]')
            else:
                out[key] = tuple(value)
        elif key == "versions":
            from .outputs.base import MAX_VERSIONS

            if (
                isinstance(value, bool)
                or not isinstance(value, int)
                or not 1 <= value <= MAX_VERSIONS
            ):
                problem(
                    key,
                    f"versions must be a whole number from 1 to {MAX_VERSIONS}, not {value!r}",
                )
            else:
                out[key] = value
        elif key == "seed":
            if isinstance(value, bool) or not isinstance(value, str | int):
                problem(key, f"seed must be text or a whole number, not {value!r}")
            else:
                out[key] = str(value)
        elif key == "paper":
            from .outputs.html import PAPERS

            if value not in PAPERS:
                problem(key, f"paper must be one of {', '.join(PAPERS)}, not {value!r}")
            else:
                out[key] = value
        elif key == "layout":
            if value not in LAYOUTS:
                problem(key, f"layout must be one of {', '.join(LAYOUTS)}, not {value!r}")
            else:
                out[key] = value
        elif key in _SWITCHES:
            if not isinstance(value, bool):
                problem(key, f"{key} must be true or false (no quotes), not {value!r}")
            else:
                out[_SWITCHES[key]] = value
        elif not isinstance(value, str) or not value.strip():
            problem(key, f"{key} must be non-empty text, not {value!r}")
        elif key == "out-dir":
            out["out_dir"] = path.parent / value
        else:
            out[key] = value
    if problems:
        raise QuizgenError(problems)
    return out


def _where(path: Path, text: str, key: str) -> Location:
    """The line where ``key`` is set (or its table opened) in a TOML text, else the file."""
    pattern = re.compile(rf"^\s*(\[\s*{re.escape(key)}\s*\]|\"?{re.escape(key)}\"?\s*=)")
    for number, line in enumerate(text.splitlines(), start=1):
        match = pattern.match(line)
        if match:
            return Location(str(path), number, match.start(1) + 1)
    return Location(str(path))
