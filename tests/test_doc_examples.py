"""Every shell example in README.md and docs/*.md runs, and prints what the doc shows.

How to write an example so that it is tested (also in tests/fixtures/docs/README.md):

- A ```console block is a session: a line starting with ``$ `` is a command, the lines after it
  (up to the next ``$ `` line) are what it prints, stdout and stderr together as on a terminal.
  ``…`` in an output line stands for any text on that line; a line that is only ``…`` stands for
  any number of whole lines (none included).
- A ```sh block is commands without output: each line runs and must exit 0.
- A command exits 0 unless its line ends with the comment ``# exit status N``.
- ``<!-- not-tested: REASON -->`` on the line before a block skips it; the reason is required
  (installing packages, changing your shell, a machine without a browser).
- Every fenced block names its language, so that output cannot hide in an untagged block.

Each block runs in a fresh temporary folder holding copies of ``question_bank/``, ``seeds/`` and
``tests/fixtures/docs/`` (the small banks whose exact output the docs show), with HOME and the XDG
folders inside it, so nothing is written into the checkout or the user's home. ``quizgen`` there
runs this source tree (``python -m quizgen`` with PYTHONPATH set to it). The output is a pipe
(no colour, no wrapping); ``TZ`` is set so that local time is around noon, so that "today" in
`quizgen stats` never straddles midnight while a block runs.
"""

from __future__ import annotations

import difflib
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
SHELL_LANGUAGES = {"sh", "console"}
COPIED = ("question_bank", "seeds", "tests/fixtures/docs")
ELISION = "…"
FENCE = re.compile(r"^```(.*)$")
NOT_TESTED = re.compile(r"^<!--\s*not-tested:(.*?)-->\s*$")
EXIT_STATUS = re.compile(r"#\s*exit status (\d+)\s*$")


@dataclass(frozen=True)
class Block:
    """A fenced block of a Markdown file."""

    doc: str  # relative to the repository
    line: int  # 1-based line of the opening fence
    language: str
    lines: tuple[str, ...]
    not_tested: str | None  # the reason given, or None when there is no marker

    @property
    def where(self) -> str:
        return f"{self.doc}:{self.line}"


@dataclass(frozen=True)
class Step:
    """One command of an example and what the doc says it prints (None: not shown)."""

    command: str
    line: int
    expected: str | None
    status: int


def fenced_blocks(path: Path) -> list[Block]:
    """The fenced blocks of a Markdown file, with the not-tested marker before each."""
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        opening = FENCE.match(lines[i])
        if not opening:
            i += 1
            continue
        end = next((j for j in range(i + 1, len(lines)) if lines[j].startswith("```")), None)
        assert end is not None, f"{path.name}:{i + 1}: unclosed fence"
        previous = next((lines[j] for j in range(i - 1, -1, -1) if lines[j].strip()), "")
        marker = NOT_TESTED.match(previous.strip())
        blocks.append(
            Block(
                doc=str(path.relative_to(REPO)),
                line=i + 1,
                language=opening.group(1).strip(),
                lines=tuple(lines[i + 1 : end]),
                not_tested=marker.group(1).strip() if marker else None,
            )
        )
        i = end + 1
    return blocks


def all_blocks() -> list[Block]:
    return [block for doc in DOCS for block in fenced_blocks(doc)]


def shell_blocks() -> list[Block]:
    return [b for b in all_blocks() if b.language in SHELL_LANGUAGES]


def _status(command: str) -> int:
    found = EXIT_STATUS.search(command)
    return int(found.group(1)) if found else 0


def steps(block: Block) -> list[Step]:
    """The commands of a shell block, each with the output the doc shows for it."""
    return _sh_steps(block) if block.language == "sh" else _console_steps(block)


def _sh_steps(block: Block) -> list[Step]:
    result: list[Step] = []
    pending = ""
    for offset, text in enumerate(block.lines, start=block.line + 1):
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        if text.endswith("\\"):
            pending += text[:-1]
            continue
        command = pending + text
        pending = ""
        result.append(Step(command, offset, None, _status(command)))
    return result


def _console_steps(block: Block) -> list[Step]:
    result: list[Step] = []
    command: str | None = None
    start = 0
    output: list[str] = []
    for offset, text in enumerate(block.lines, start=block.line + 1):
        if text.startswith("$ "):
            if command is not None:
                result.append(Step(command, start, "\n".join(output), _status(command)))
            command, start, output = text[2:], offset, []
        else:
            assert command is not None, f"{block.doc}:{offset}: output before any `$ ` command"
            output.append(text)
    assert command is not None, f"{block.where}: a console block without a `$ ` command"
    result.append(Step(command, start, "\n".join(output), _status(command)))
    return result


def output_pattern(expected: str) -> re.Pattern[str]:
    """A regular expression for an output shown with `…` elisions."""
    parts = []
    for line in expected.splitlines():
        if line.strip() == ELISION:
            parts.append(r"(?:[^\n]*\n)*?")
        else:
            parts.append("[^\n]*?".join(re.escape(p) for p in line.split(ELISION)) + r"\n")
    return re.compile("".join(parts))


def _tidy(text: str) -> str:
    """Trailing spaces and trailing blank lines dropped; a final newline."""
    lines = [line.rstrip() for line in text.splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    return "".join(line + "\n" for line in lines)


def output_matches(expected: str, actual: str) -> bool:
    return output_pattern(_tidy(expected)).fullmatch(_tidy(actual)) is not None


def _midday_tz() -> str:
    """A POSIX TZ whose local time is now between 12:00 and 13:00."""
    offset = 12 - datetime.now(timezone.utc).hour  # local = UTC + offset, -11..12
    return f"DOC{-offset:+d}"


def example_env(root: Path) -> dict[str, str]:
    """The environment an example runs in: ``quizgen`` is this source tree, homes are in root."""
    bin_dir = root / "bin"
    bin_dir.mkdir()
    wrapper = bin_dir / "quizgen"
    wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m quizgen "$@"\n', encoding="utf-8")
    wrapper.chmod(0o755)
    env = {
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        "PYTHONPATH": str(REPO),
        "PYTHONUNBUFFERED": "1",  # stdout and stderr interleave as on a terminal
        "HOME": str(root / "home"),
        "XDG_DATA_HOME": str(root / "home" / "data"),
        "XDG_CONFIG_HOME": str(root / "home" / "config"),
        "XDG_CACHE_HOME": str(root / "home" / "cache"),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "COLUMNS": "100",
        "TERM": "dumb",
        "TZ": _midday_tz(),
    }
    # The reader's own choice of browser, as in conftest; and the system's TMPDIR (Chromium's
    # socket paths must stay short, which a TMPDIR inside pytest's tmp_path is not).
    for name in ("QUIZGEN_BROWSER", "TMPDIR"):
        if os.environ.get(name):
            env[name] = os.environ[name]
    (root / "home").mkdir()
    return env


def copy_of_the_repository(root: Path) -> Path:
    work = root / "repo"
    for part in COPIED:
        shutil.copytree(REPO / part, work / part)
    return work


def run(step: Step, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-o", "pipefail", "-c", step.command],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=600,
    )


def _param(block: Block) -> object:
    marks = [pytest.mark.slow]
    if "--pdf" in "\n".join(block.lines):
        marks.append(pytest.mark.browser)
    return pytest.param(block, id=block.where, marks=marks)


TESTED = [b for b in shell_blocks() if b.not_tested is None]


# -- the conventions hold -----------------------------------------------------------------


def test_every_fenced_block_names_its_language() -> None:
    untagged = [b.where for b in all_blocks() if not b.language]
    assert not untagged, f"blocks without a language (console, sh, yaml, ...): {untagged}"


def test_every_shown_session_is_a_console_block() -> None:
    """A `$ ` command in any other block would escape the test."""
    hidden = [
        b.where
        for b in all_blocks()
        if b.language != "console" and any(line.startswith("$ ") for line in b.lines)
    ]
    assert not hidden, hidden


def test_every_skipped_block_gives_a_reason_and_is_a_shell_block() -> None:
    skipped = [b for b in all_blocks() if b.not_tested is not None]
    assert skipped, "the docs install things; those blocks should be marked not-tested"
    for block in skipped:
        assert block.not_tested, f"{block.where}: not-tested without a reason"
        assert block.language in SHELL_LANGUAGES, f"{block.where}: a marker on a non-shell block"


def test_the_examples_are_found() -> None:
    """The parser sees every shell fence (a broken parser would test nothing)."""
    fences = sum(
        len(re.findall(r"^```(?:sh|console)\s*$", doc.read_text(encoding="utf-8"), re.M))
        for doc in DOCS
    )
    assert fences == len(shell_blocks()) > 0
    assert len(TESTED) >= fences - 4  # at most a few installs and the like are skipped
    for block in TESTED:
        assert steps(block), block.where


def test_elisions_match_what_they_should_and_no_more() -> None:
    assert output_matches("a\n…\nz", "a\nz\n")
    assert output_matches("a\n…\nz", "a\nb\nc\nz\n")
    assert output_matches("12 notes, … cards", "12 notes, 148 cards\n")
    assert not output_matches("12 notes, … cards", "13 notes, 148 cards\n")
    assert not output_matches("a\n…\nz", "a\nb\n")
    assert not output_matches("a", "a\nTraceback (most recent call last):\n")
    assert not output_matches("a.b", "axb\n")  # text is text, not a pattern


# -- the examples run ---------------------------------------------------------------------


@pytest.mark.parametrize("block", [_param(b) for b in TESTED])
def test_the_example_runs_and_prints_what_the_doc_shows(
    block: Block, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    if "--pdf" in "\n".join(block.lines):
        request.getfixturevalue("chromium_path")  # skips (or fails under CI) without a browser
    env = example_env(tmp_path)
    cwd = copy_of_the_repository(tmp_path)
    for step in steps(block):
        where = f"{block.doc}:{step.line}: $ {step.command}"
        result = run(step, cwd, env)
        assert result.returncode == step.status, (
            f"{where}\nexited {result.returncode}, expected {step.status}:\n{result.stdout}"
        )
        if step.expected is not None and not output_matches(step.expected, result.stdout):
            diff = "\n".join(
                difflib.unified_diff(
                    _tidy(step.expected).splitlines(),
                    _tidy(result.stdout).splitlines(),
                    "shown in the doc",
                    "printed",
                    lineterm="",
                )
            )
            pytest.fail(f"{where}\nthe output differs (… elides):\n{diff}")
