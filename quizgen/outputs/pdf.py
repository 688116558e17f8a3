"""Print HTML pages to PDF with a headless Chrome or Chromium already on the machine.

No driver library: the browser's own ``--headless --print-to-pdf`` command line, with
a fresh profile each time, no network services, and no header or footer of the
browser's own (the page's CSS ``@page`` rules set the paper, margins and running
header). The PDF is written beside the target and renamed over it when complete.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from ..errors import Location, Problem, QuizgenError
from ..fileio import atomic_path
from .base import Carriage, OutputOptions, Selection, WrittenFile, carries_all

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
) -> Path:
    """Print the HTML file ``page`` to ``pdf`` (atomically) and return the PDF's path."""
    executable = find_browser(browser)
    page, pdf = Path(page), Path(pdf)
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
                f"{executable} did not finish printing {page} within {timeout:g} seconds",
                location=Location(str(pdf)),
            ) from None
        except OSError as exc:
            raise QuizgenError(
                f"cannot run {executable}: {exc.strerror or exc}", location=Location(str(pdf))
            ) from None
        if not _is_pdf(tmp):
            tail = _tail(result.stderr)
            raise QuizgenError(
                f"{executable} did not print {page} to PDF (exit status {result.returncode})"
                + (f": {tail}" if tail else ""),
                location=Location(str(pdf)),
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
        from .html import option_problems

        problems = option_problems(options.paper, options.template_dir)
        try:
            find_browser(options.browser)
        except QuizgenError as exc:
            problems += exc.problems
        return problems

    def outputs(self, selection: Selection, path: Path, options: OutputOptions) -> list[Path]:
        """Every PDF :meth:`write` writes: each version's student page and key."""
        from .html import page_paths

        pages = page_paths(Path(path).with_suffix(".html"), options.versions)
        return [Path(path).with_name(page.with_suffix(".pdf").name) for page in pages]

    def write(self, selection: Selection, path: Path, options: OutputOptions) -> list[WrittenFile]:
        """A PDF of the student page and of the key of every version, named after ``path``."""
        from ..fileio import check_outputs
        from .html import write_options, written_files

        check_outputs(self.outputs(selection, path, options), selection.inputs())
        browser = find_browser(options.browser)
        bank = selection.banks[0].id if len(selection.banks) == 1 else None
        with tempfile.TemporaryDirectory(prefix="quizgen-pdf-") as folder:
            pages = Path(folder) / Path(path).with_suffix(".html").name
            files = written_files(write_options(selection, pages, options), bank)
            return [
                WrittenFile(
                    html_to_pdf(
                        f.path,
                        Path(path).with_name(f.path.with_suffix(".pdf").name),
                        browser=browser,
                    ),
                    f"{f.kind} (PDF)",
                    bank,
                )
                for f in files
            ]


FORMAT = PdfFormat()
