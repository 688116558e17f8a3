"""Print HTML pages to PDF with a headless Chrome or Chromium already on the machine.

No driver library: the browser's own ``--headless --print-to-pdf`` command line, with
a fresh profile each time, no network services, and no header or footer of the
browser's own (the page's CSS ``@page`` rules set the paper, margins and running
header). Every page of a run is printed first, into a temporary folder; then the PDFs
(with the HTML pages, when they are kept too) are written as one set, so a failure on
any page leaves the old files as they were.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import Location, Problem, QuizgenError
from ..fileio import LazyContent, atomic_path, write_set
from .base import Carriage, OutputOptions, Selection, WrittenFile, carries_all

if TYPE_CHECKING:
    from .html import QuizPage

BROWSER_ENV = "QUIZGEN_BROWSER"
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
PRINT_TIMEOUT_SECONDS = 120

HEADLESS_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--no-pdf-header-footer",
)


def find_browser(explicit: str | os.PathLike[str] | None = None) -> str:
    """The browser to print with: ``explicit``, else $QUIZGEN_BROWSER, else one on PATH.

    Raises QuizgenError naming what was tried when there is none.
    """
    chosen = explicit or os.environ.get(BROWSER_ENV) or None
    if chosen:
        found = shutil.which(str(chosen))
        if found is None and Path(chosen).is_file():
            found = str(Path(chosen))
        if found is None:
            origin = "--browser" if explicit else BROWSER_ENV
            raise QuizgenError(
                f"browser '{chosen}' (from {origin}) was not found or is not executable",
            )
        return found
    for name in BROWSER_NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise QuizgenError(
        "no Chrome or Chromium found to print PDFs: install one (e.g. apt-get install chromium), "
        f"or name it with --browser PATH or {BROWSER_ENV}=PATH; looked on PATH for "
        + ", ".join(BROWSER_NAMES),
    )


def print_command(browser: str, page: Path, pdf: Path, profile: Path) -> list[str]:
    """The browser command line that prints ``page`` to ``pdf`` using a fresh ``profile``."""
    return [
        browser,
        *HEADLESS_FLAGS,
        f"--user-data-dir={profile}",
        f"--print-to-pdf={pdf}",
        Path(page).resolve().as_uri(),
    ]


def html_to_pdf(
    page: str | os.PathLike[str],
    pdf: str | os.PathLike[str],
    *,
    browser: str | os.PathLike[str] | None = None,
    timeout: float = PRINT_TIMEOUT_SECONDS,
    shown_as: Path | None = None,
) -> Path:
    """Print the HTML file ``page`` to ``pdf`` (atomically) and return the PDF's path.

    ``shown_as``: the path errors name instead of ``pdf`` (a staged page's real target).
    """
    executable = find_browser(browser)
    page, pdf = Path(page), Path(pdf)
    where = Location(str(shown_as or pdf))
    what = shown_as.with_suffix(".html").name if shown_as else page
    if not page.is_file():
        raise QuizgenError(f"cannot print {page}: no such file", location=Location(str(page)))
    with atomic_path(pdf) as tmp, tempfile.TemporaryDirectory(prefix="quizgen-browser-") as prof:
        tmp.unlink(missing_ok=True)
        command = print_command(executable, page, tmp, Path(prof))
        try:
            result = subprocess.run(
                command,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise QuizgenError(
                f"{executable} did not finish printing {what} within {timeout:g} seconds",
                location=where,
            ) from None
        except OSError as exc:
            raise QuizgenError(
                f"cannot run {executable}: {exc.strerror or exc}", location=where
            ) from None
        if not _is_pdf(tmp):
            tail = _tail(result.stderr)
            raise QuizgenError(
                f"{executable} did not print {what} to PDF (exit status {result.returncode})"
                + (f": {tail}" if tail else ""),
                location=where,
            )
    return pdf


def pages_to_pdf(
    pages: Sequence[str | os.PathLike[str]],
    *,
    browser: str | os.PathLike[str] | None = None,
    timeout: float = PRINT_TIMEOUT_SECONDS,
) -> list[Path]:
    """Print each HTML page to a PDF of the same name (``quiz.html`` → ``quiz.pdf``)."""
    executable = find_browser(browser)
    return [
        html_to_pdf(page, Path(page).with_suffix(".pdf"), browser=executable, timeout=timeout)
        for page in pages
    ]


@dataclass(frozen=True)
class PrintJob:
    """One staged HTML page (in a temporary folder) and where its PDF, and maybe itself, go."""

    page: Path
    pdf: Path
    #: Where the page itself is written too; None to keep only its PDF.
    html: Path | None = None


def write_printed(
    jobs: Sequence[PrintJob],
    *,
    browser: str | os.PathLike[str] | None = None,
    inputs: Sequence[Path] = (),
) -> tuple[Path, ...]:
    """Print every staged page, then write the PDFs (and the kept pages) as one set.

    Nothing is written until every page has printed, so a browser that fails on the
    fifth page of ten leaves the old quiz, key and PDFs as they were, never a mix of
    old and new (:func:`quizgen.fileio.write_set`). The kept pages come first, then the
    PDFs, in the order of ``jobs``.
    """
    executable = find_browser(browser)
    with tempfile.TemporaryDirectory(prefix="quizgen-print-") as folder:
        printed = [
            html_to_pdf(job.page, Path(folder) / f"{n}.pdf", browser=executable, shown_as=job.pdf)
            for n, job in enumerate(jobs)
        ]
        items: list[tuple[Path, LazyContent]] = [
            (job.html, job.page.read_bytes) for job in jobs if job.html is not None
        ]
        items += [(job.pdf, pdf.read_bytes) for job, pdf in zip(jobs, printed, strict=True)]
        return write_set(items, inputs=inputs)


_PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")


def pdf_page_count(path: Path) -> int:
    """The number of pages of a PDF the browser printed (its page objects, counted)."""
    return len(_PAGE_OBJECT.findall(Path(path).read_bytes()))


def write_combined_pdf(
    pages: Sequence[QuizPage],
    html_path: Path | None,
    pdf_path: Path,
    *,
    browser: str | os.PathLike[str] | None = None,
    template_dir: Path | None = None,
    inputs: Sequence[Path] = (),
) -> tuple[Path, ...]:
    """A class set as one PDF (and one HTML file, unless ``html_path`` is None), written as a set.

    Each part (every version, then every key) is first printed on its own to count its
    pages; a part with an odd count is followed by a blank page in the combined file, so
    the next part starts on a new sheet when printed double-sided.
    """
    from .html import render_combined, render_parts

    executable = find_browser(browser)
    parts = render_parts(pages, template_dir)
    blanks: set[int] = set()
    with tempfile.TemporaryDirectory(prefix="quizgen-parts-") as folder:
        for number, text in enumerate(parts[:-1]):
            page = Path(folder) / f"part-{number}.html"
            page.write_text(text, encoding="utf-8")
            printed = html_to_pdf(page, page.with_suffix(".pdf"), browser=executable)
            if pdf_page_count(printed) % 2:
                blanks.add(number)
        combined = Path(folder) / pdf_path.with_suffix(".html").name
        combined.write_text(
            render_combined(pages, template_dir, frozenset(blanks)), encoding="utf-8"
        )
        job = PrintJob(combined, pdf_path, html_path)
        return write_printed([job], browser=executable, inputs=inputs)


def _is_pdf(path: Path) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(5) == b"%PDF-"
    except OSError:
        return False


def _tail(stderr: bytes, lines: int = 3) -> str:
    """The last meaningful lines of the browser's stderr (its D-Bus chatter left out)."""
    text = stderr.decode("utf-8", "replace").splitlines()
    useful = [line.strip() for line in text if line.strip() and "dbus" not in line.lower()]
    return " | ".join(useful[-lines:])


class PdfFormat:
    """The printable quiz and key (see :mod:`quizgen.outputs.html`) printed to PDF.

    The HTML pages are rendered in a temporary folder; only the PDFs are written.
    """

    name = "pdf"
    label = "printable quiz and key (PDF)"
    suffix = ".pdf"
    carries: Mapping[str, Carriage] = carries_all()
    limits = "needs Chrome or Chromium (--browser PATH or $QUIZGEN_BROWSER)"

    def problems(self, selection: Selection, options: OutputOptions) -> list[Problem]:
        """The page options' problems, and a missing browser."""
        from .html import quiz_problems

        problems = quiz_problems(options)
        try:
            find_browser(options.browser)
        except QuizgenError as exc:
            problems += exc.problems
        return problems

    def outputs(self, selection: Selection, path: Path, options: OutputOptions) -> list[Path]:
        """Every PDF :meth:`write` writes: each version's student page and key (or one file)."""
        from .html import page_paths, quiz_options

        return [page.with_suffix(".pdf") for page in page_paths(path, quiz_options(options))]

    def write(self, selection: Selection, path: Path, options: OutputOptions) -> list[WrittenFile]:
        """A PDF of the student page and of the key of every version, named after ``path``."""
        from ..fileio import check_outputs
        from .html import output_stem, plan_pages, printed_selection, write_quizzes, written_files

        check_outputs(self.outputs(selection, path, options), selection.inputs())
        browser = find_browser(options.browser)
        bank = selection.bank_id
        selection, settings = printed_selection(selection, options)
        stem = output_stem(Path(path))
        with tempfile.TemporaryDirectory(prefix="quizgen-pdf-") as folder:
            if settings.combined:
                pages = plan_pages(selection.banks, selection.questions, settings)
                (pdf,) = write_combined_pdf(
                    pages,
                    None,
                    stem.with_name(f"{stem.name}.pdf"),
                    browser=browser,
                    template_dir=settings.template_dir,
                    inputs=selection.inputs(),
                )
                return [WrittenFile(pdf, "class set: every version, then every key (PDF)", bank)]
            staged = written_files(
                write_quizzes(
                    selection.banks, selection.questions, Path(folder) / stem.name, settings
                ),
                bank,
            )
            jobs = [
                PrintJob(f.path, stem.with_name(f.path.with_suffix(".pdf").name)) for f in staged
            ]
            pdfs = write_printed(jobs, browser=browser, inputs=selection.inputs())
            return [
                WrittenFile(pdf, f"{f.kind} (PDF)", bank)
                for f, pdf in zip(staged, pdfs, strict=True)
            ]


FORMAT = PdfFormat()
