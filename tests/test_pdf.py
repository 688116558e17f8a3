"""PDF printing with the machine's own headless Chromium (no driver library)."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from quiz_pages import (
    SAMPLE_BANK,
    long_bank,
    long_bank_lines,
    pdf_page_count,
    pdf_page_sizes,
    tiny_png,
)

from quizgen.cli import cli
from quizgen.errors import QuizgenError
from quizgen.outputs.pdf import BROWSER_ENV, find_browser, html_to_pdf, print_command

A4_POINTS = (595.3, 841.9)
LETTER_POINTS = (612.0, 792.0)


@pytest.fixture
def sample_bank(write_bank: Callable[..., Path], tmp_path: Path) -> Path:
    (tmp_path / "chart.png").write_bytes(tiny_png())
    return write_bank(SAMPLE_BANK)


def run_html(*args: str | Path, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner(env=env).invoke(cli, ["html", *map(str, args)], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def close_to(size: tuple[float, float], expected: tuple[float, float]) -> bool:
    return abs(size[0] - expected[0]) < 2 and abs(size[1] - expected[1]) < 2


def test_pdf_flag_prints_every_page(sample_bank: Path, tmp_path: Path, chromium_path: str) -> None:
    out = tmp_path / "quiz.html"
    code, stdout, stderr = run_html(
        sample_bank, "-o", out, "--versions", "2", "--pdf", "--browser", chromium_path
    )
    assert code == 0, stderr
    names = [Path(line).name for line in stdout.splitlines()]
    assert names == [
        "quiz-A.html",
        "quiz-A-key.html",
        "quiz-B.html",
        "quiz-B-key.html",
        "quiz-A.pdf",
        "quiz-A-key.pdf",
        "quiz-B.pdf",
        "quiz-B-key.pdf",
    ]
    for name in names[4:]:
        data = (tmp_path / name).read_bytes()
        assert data.startswith(b"%PDF-")
        assert pdf_page_count(data) > 0
        assert all(close_to(size, A4_POINTS) for size in pdf_page_sizes(data))
    assert not list(tmp_path.glob(".*.tmp"))  # no temporary files left behind


def test_paper_size_reaches_the_pdf(
    write_bank: Callable[..., Path], tmp_path: Path, chromium_path: str
) -> None:
    bank = write_bank(long_bank(40))
    out = tmp_path / "quiz.html"
    code, _, stderr = run_html(
        bank, "-o", out, "--paper", "letter", "--pdf", "--browser", chromium_path, "--seed", "1"
    )
    assert code == 0, stderr
    data = (tmp_path / "quiz.pdf").read_bytes()
    sizes = pdf_page_sizes(data)
    assert pdf_page_count(data) >= 3  # 40 questions do not fit on two pages
    assert sizes and all(close_to(size, LETTER_POINTS) for size in sizes)


def test_browser_from_environment(
    sample_bank: Path, tmp_path: Path, chromium_path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(BROWSER_ENV, chromium_path)
    assert find_browser() == shutil.which(chromium_path) or find_browser() == chromium_path
    page = tmp_path / "page.html"
    page.write_text("<!DOCTYPE html><title>t</title><p>Hello PDF</p>", encoding="utf-8")
    pdf = html_to_pdf(page, tmp_path / "deep" / "page.pdf")
    assert pdf == tmp_path / "deep" / "page.pdf"
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert pdf_page_count(pdf.read_bytes()) == 1


@pytest.fixture
def pdftotext() -> str:
    """poppler's pdftotext, to read a PDF page by page; like Chromium, required under CI=true."""
    path = shutil.which("pdftotext")
    if path:
        return path
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail("CI=true but pdftotext was not found (apt-get install -y poppler-utils)")
    pytest.skip("needs pdftotext (apt-get install -y poppler-utils)")


def test_version_letter_on_every_printed_page(
    write_bank: Callable[..., Path], tmp_path: Path, chromium_path: str, pdftotext: str
) -> None:
    import subprocess

    bank = write_bank(long_bank(40))
    out = tmp_path / "quiz.html"
    code, _, _ = run_html(
        bank, "-o", out, "--versions", "2", "--seed", "3", "--pdf", "--browser", chromium_path
    )
    assert code == 0
    for name, label in (("quiz-B.pdf", "Version B"), ("quiz-B-key.pdf", "Answer key · Version B")):
        text = subprocess.run(
            [pdftotext, "-layout", str(tmp_path / name), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        pages = [p for p in text.split("\f") if p.strip()]
        assert len(pages) >= 3
        for number, page in enumerate(pages, start=1):
            assert label in page, (name, number)
            assert f"Page {number} of {len(pages)}" in page
        # No question is split: every line of a question is on the page of its prompt.
        for index in range(40):
            for text in long_bank_lines(index):
                holding = [n for n, p in enumerate(pages) if re.search(rf"\b{text}\b", p)]
                assert len(holding) == 1, (name, index, text, holding)
                first = [n for n, p in enumerate(pages) if f"Question {index} asks" in p]
                assert holding == first, (name, index, text)


def test_no_browser_is_a_clear_error(
    sample_bank: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.delenv(BROWSER_ENV, raising=False)
    with pytest.raises(QuizgenError) as caught:
        find_browser()
    message = str(caught.value)
    assert "no Chrome or Chromium found" in message
    assert "--browser" in message and BROWSER_ENV in message
    code, stdout, stderr = run_html(sample_bank, "-o", tmp_path / "quiz.html", "--pdf")
    assert code == 1
    assert stdout == ""
    assert "error: no Chrome or Chromium found" in stderr
    assert "Traceback" not in stderr
    assert not (tmp_path / "quiz.html").exists()  # checked before anything is written


def test_named_browser_that_does_not_exist(sample_bank: Path, tmp_path: Path) -> None:
    code, _, stderr = run_html(
        sample_bank, "-o", tmp_path / "quiz.html", "--pdf", "--browser", tmp_path / "no-such-chrome"
    )
    assert code == 1
    assert "no-such-chrome" in stderr and "(from --browser) was not found" in stderr
    code, _, stderr = run_html(
        sample_bank,
        "-o",
        tmp_path / "quiz.html",
        "--pdf",
        env={BROWSER_ENV: str(tmp_path / "nope")},
    )
    assert code == 1
    assert f"(from {BROWSER_ENV}) was not found" in stderr


def test_browser_that_fails_leaves_no_pdf(tmp_path: Path) -> None:
    broken = tmp_path / "broken-chrome"
    broken.write_text("#!/bin/sh\necho 'cannot open display' >&2\nexit 3\n")
    broken.chmod(0o755)
    page = tmp_path / "page.html"
    page.write_text("<p>x</p>")
    old = tmp_path / "page.pdf"
    old.write_bytes(b"%PDF-old")
    with pytest.raises(QuizgenError) as caught:
        html_to_pdf(page, old, browser=broken)
    assert "exit status 3" in str(caught.value) and "cannot open display" in str(caught.value)
    assert old.read_bytes() == b"%PDF-old"  # the previous PDF is untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken-chrome", "page.html", "page.pdf"]


def test_print_command_is_headless_and_offline(tmp_path: Path) -> None:
    command = print_command(
        "/usr/bin/chromium", tmp_path / "a b.html", tmp_path / "a.pdf", tmp_path
    )
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-pdf-header-footer",
    ):
        assert flag in command
    assert f"--user-data-dir={tmp_path}" in command
    assert command[-1] == (tmp_path / "a b.html").as_uri()
    assert os.path.basename(command[0]) == "chromium"


@pytest.mark.parametrize("combined", [False, True])
def test_a_page_that_fails_to_print_leaves_the_old_set_whole(
    sample_bank: Path, tmp_path: Path, chromium_path: str, combined: bool
) -> None:
    # The real browser prints every page but the last part; that one fails. Nothing of
    # the new set may land: not the pages, not the PDFs printed before the failure.
    last = "quizgen-print-" if combined else "quiz-B-key"
    flaky = tmp_path / "flaky-chrome"
    flaky.write_text(
        f'#!/bin/sh\ncase "$*" in *{last}*) echo "out of memory" >&2; exit 3;; esac\n'
        f'exec {shutil.which(chromium_path) or chromium_path} "$@"\n'
    )
    flaky.chmod(0o755)
    out = tmp_path / "out"
    out.mkdir()
    old = {"quiz-A.html": b"old page", "quiz-A.pdf": b"%PDF-old", "quiz.pdf": b"%PDF-old"}
    for name, data in old.items():
        (out / name).write_bytes(data)
    args = ["--versions", "2", "--seed", "4", "--pdf", "--browser", flaky]
    code, stdout, stderr = run_html(
        sample_bank, "-o", out / "quiz.html", *args, *(["--combined"] if combined else [])
    )
    assert code == 1, stdout
    target = out / ("quiz.pdf" if combined else "quiz-B-key.pdf")
    assert stderr.startswith(f"{target}: error: "), stderr
    assert "exit status 3" in stderr and "out of memory" in stderr
    assert "Traceback" not in stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == old
