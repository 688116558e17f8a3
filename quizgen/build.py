"""One command from the banks to every output: check first, then write each bank's files.

:func:`plan_build` checks the banks and returns the steps; nothing is written until a
step runs, and nothing at all when a bank has an error. Each step writes its files
atomically and says what it wrote, so the command line can show progress its own way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .bank.check import check_paths
from .bank.model import Bank
from .errors import QuizgenError


@dataclass(frozen=True)
class WrittenFile:
    """One file a build wrote."""

    path: Path
    kind: str
    bank: str

    @property
    def size(self) -> int:
        return self.path.stat().st_size


@dataclass(frozen=True)
class BuildStep:
    """One unit of work: a label for progress, and the function that does it."""

    label: str
    run: Callable[[], list[WrittenFile]]


@dataclass(frozen=True)
class BuildOptions:
    """What to build, besides the Anki package and the quiz with its key."""

    out_dir: Path = Path("dist")
    pdf: bool = False
    versions: int | None = None
    seed: str | None = None
    browser: str | None = None


def plan_build(paths: list[Path], options: BuildOptions) -> list[BuildStep]:
    """Check the banks under ``paths`` and plan the steps that write every output.

    Raises QuizgenError with every error when a bank is invalid; then nothing is written.
    """
    report = check_paths(paths)
    if report.errors:
        raise QuizgenError(report.errors)
    steps: list[BuildStep] = []
    for bank in report.banks:
        steps.append(BuildStep(f"{bank.id}: Anki package", _anki_step(bank, options)))
        what = "quiz, key and PDFs" if options.pdf else "quiz and key"
        steps.append(BuildStep(f"{bank.id}: {what}", _html_step(bank, options)))
    if options.pdf:
        from .outputs.pdf import find_browser

        find_browser(options.browser)  # no browser: say so before writing anything
    return steps


def _anki_step(bank: Bank, options: BuildOptions) -> Callable[[], list[WrittenFile]]:
    def run() -> list[WrittenFile]:
        from .outputs.anki import write_apkg

        path = options.out_dir / f"{bank.id}.apkg"
        write_apkg([bank], path)
        return [WrittenFile(path, "Anki package", bank.id)]

    return run


def _html_step(bank: Bank, options: BuildOptions) -> Callable[[], list[WrittenFile]]:
    def run() -> list[WrittenFile]:
        from .outputs.html import write_quizzes

        written = write_quizzes(
            [bank],
            list(bank.questions),
            options.out_dir / f"{bank.id}.html",
            versions=options.versions,
            seed=options.seed if options.seed is not None else bank.id,
        )
        files: list[WrittenFile] = []
        for quiz in written:
            suffix = f" {quiz.letter}" if quiz.letter else ""
            files.append(WrittenFile(quiz.quiz, f"quiz{suffix}", bank.id))
            files.append(WrittenFile(quiz.key, f"answer key{suffix}", bank.id))
        if options.pdf:
            from .outputs.pdf import pages_to_pdf

            pages = [f.path for f in files]
            pdfs = pages_to_pdf(pages, browser=options.browser)
            files += [
                WrittenFile(p, f"{f.kind} (PDF)", bank.id) for p, f in zip(pdfs, files, strict=True)
            ]
        return files

    return run
