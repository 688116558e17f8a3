"""Show one question and read one answer, on a terminal or through a pipe.

On a terminal (stdin and stdout both ttys) answers are read with line editing,
single keys can be read for choices after an answer, and colour is used unless
``NO_COLOR`` is set or ``TERM`` is ``dumb``. Through a pipe the same prompts are
written, exactly one input line is read per answer (per gap or item where a
question asks several), the line read is echoed so a log reads like a session,
and there is neither colour nor any key to press.

Answers are read as UTF-8 whatever the locale; bytes that are not UTF-8 are kept
as lone surrogates (``surrogateescape``), so the session can tell a lossy answer
from a typed one: on a terminal such a line is asked again.

Bank text always goes through :func:`quizgen.text.to_terminal`, which makes
control characters visible: a bank can never move the cursor or recolour the screen.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import textwrap
from typing import TextIO

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
from ..questions import part_credit, source_title, type_info
from ..text import to_terminal
from .grading import Layout, input_problem, response_count, shown_items, shown_letter
from .session import readable
from .verdict import Verdict

RESET = "\x1b[0m"
STYLES = {
    "bold": "\x1b[1m",
    "dim": "\x1b[2m",
    "red": "\x1b[31m",
    "green": "\x1b[32m",
    "yellow": "\x1b[33m",
    "blue": "\x1b[34m",
    "cyan": "\x1b[36m",
}
ENTER = "\n"
EASY_KEY = "e"  # after a right answer in a review: rate it Easy
OVERRIDE_KEY = "r"  # after a wrong answer: "I was right"
MAX_WIDTH = 88  # columns of text at most, for reading comfort
END = "\x04"  # Ctrl-D


class EndOfInput(Exception):
    """The student closed the input (Ctrl-D or the end of a pipe)."""


def color_wanted(stream: TextIO, environ: dict[str, str] | None = None) -> bool:
    """Colour on a terminal, unless ``NO_COLOR`` is set (non-empty) or ``TERM=dumb``."""
    env = os.environ if environ is None else environ
    if env.get("NO_COLOR") or env.get("TERM") == "dumb":
        return False
    return _isatty(stream)


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def shown(line: str) -> str:
    """A line as read, with any bytes that were not UTF-8 shown as U+FFFD."""
    return (
        line
        if readable([line])
        else line.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    )


def safe(text: str) -> str:
    """Student-typed or other untrusted text with control characters made visible."""
    return to_terminal(text, color=False) if text else ""


class Terminal:
    """Where a study session talks to the student."""

    def __init__(
        self,
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
        *,
        interactive: bool | None = None,
        color: bool | None = None,
    ):
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout
        if interactive is None:
            interactive = _isatty(self.stdin) and _isatty(self.stdout)
        self.interactive = interactive
        self.color = color_wanted(self.stdout) if color is None else color
        self._readline_ready = False
        reconfigure = getattr(self.stdin, "reconfigure", None)
        if reconfigure is not None:  # before the first read; input() decodes the same way
            with contextlib.suppress(ValueError, OSError):
                reconfigure(encoding="utf-8", errors="surrogateescape")

    # ---------------------------------------------------------------- output

    @property
    def width(self) -> int | None:
        """Columns to wrap text at on a terminal; None (no wrapping) through a pipe."""
        if not self.interactive:
            return None
        return max(40, min(shutil.get_terminal_size((80, 24)).columns - 1, MAX_WIDTH))

    def style(self, text: str, *names: str) -> str:
        """``text`` in the named styles when colour is on (``text`` must already be safe)."""
        if not self.color or not names:
            return text
        return "".join(STYLES[n] for n in names) + text + RESET

    def write(self, text: str = "") -> None:
        self.stdout.write(text + "\n")
        self.stdout.flush()

    def bank_text(self, text: str | None, indent: str = "") -> str:
        """Bank text (Markdown subset) for this terminal, wrapped on a tty."""
        if not text:
            return ""
        width = self.width
        lines: list[str] = []
        for raw in text.strip("\n").splitlines() or [""]:
            if width is None or not raw.strip():
                lines.append(indent + raw)
                continue
            lines.append(
                textwrap.fill(
                    raw,
                    width,
                    initial_indent=indent,
                    subsequent_indent=indent,
                    break_on_hyphens=False,
                    break_long_words=False,
                )
            )
        return to_terminal("\n".join(lines), color=self.color)

    # ----------------------------------------------------------------- input

    def read_line(self, prompt: str) -> str:
        """One line of input (without its newline); raises EndOfInput at the end."""
        if self.interactive:
            self._prepare_readline()
            try:
                return input(prompt)
            except EOFError:
                self.stdout.write("\n")
                raise EndOfInput from None
        self.stdout.write(prompt)
        self.stdout.flush()
        line = self.stdin.readline()
        if not line:
            self.stdout.write("\n")
            raise EndOfInput
        line = line.rstrip("\r\n")
        self.stdout.write(safe(shown(line)) + "\n")
        return line

    def _prepare_readline(self) -> None:
        if self._readline_ready:
            return
        self._readline_ready = True
        with contextlib.suppress(ImportError):  # line editing for input(); optional
            import readline  # noqa: F401

    def read_key(self, prompt: str, keys: str, *, only: bool = False) -> str:
        """One key press on a terminal: one of ``keys`` (lower case), or ENTER.

        Keys typed before the prompt appeared (type-ahead, a reflexive ``r`` pressed
        with the answer's Enter) are discarded, never taken as the choice. With
        ``only``, any key but Enter and ``keys`` is ignored; without it, any other key
        reads as ENTER. Ctrl-D raises EndOfInput. Only for interactive sessions.
        """
        self.stdout.write(prompt)
        self.stdout.flush()
        try:
            flush = True
            while True:
                key, flush = self._raw_key(flush=flush), False
                if key == END:
                    break
                key = ENTER if key == "\r" else key.lower()
                if key == ENTER or (key and key in keys):
                    break
                if not only:
                    key = ENTER
                    break
        finally:
            self.stdout.write("\r\x1b[2K" if self.color else "\n")
            self.stdout.flush()
        if key == END:
            raise EndOfInput
        return key

    def _raw_key(self, *, flush: bool = False) -> str:
        """One key read in cbreak mode ("" for a burst of several, such as an arrow key);
        ``flush`` first discards what was typed before."""
        import termios
        import tty

        fd = self.stdin.fileno()
        saved = termios.tcgetattr(fd)
        try:
            tty.setcbreak(fd, termios.TCSANOW)
            if flush:
                termios.tcflush(fd, termios.TCIFLUSH)
            data = os.read(fd, 16)
        finally:
            termios.tcsetattr(fd, termios.TCSADRAIN, saved)
        if not data:
            return END
        text = data.decode("utf-8", "replace")
        return text if len(text) == 1 else ""

    # -------------------------------------------------------------- questions

    def show_question(
        self,
        question: Question,
        layout: Layout,
        number: int,
        total: int,
        *,
        label: str = "Question",
        note: str | None = None,
    ) -> None:
        """The heading (``Card 3/10``, or the label alone when ``total`` is 0), prompt and choices."""
        kind = type_info(question).asks
        head = [f"{label} {number}/{total}" if total else label]
        if note:
            head.append(note)
        if question.topic:
            head.append(safe(question.topic))
        head.append(kind)
        self.write()
        self.write(self.style(" · ".join(head), "bold", "blue"))
        if isinstance(question, Cloze):
            if question.prompt:
                self.write(self.bank_text(question.prompt))
            self.write(self.bank_text(question.render("[___{n}___]")))
        elif question.prompt:
            self.write(self.bank_text(question.prompt))
        if question.image is not None:
            self.write(self.style(f"(image: {safe(question.image.name)})", "dim"))

        shown = shown_items(question, layout)
        if isinstance(question, (MultipleChoice, MultipleAnswer, Ordering)):
            if isinstance(question, Ordering):
                self.write(self.style("Put these in order, first to last:", "dim"))
            for i, text in enumerate(shown):
                self.write(self._item(shown_letter(i), text))
        elif isinstance(question, Matching):
            for i, left in enumerate(question.lefts, start=1):
                self.write(self._item(str(i), left, suffix="."))
            self.write(self.style("Match each with one of:", "dim"))
            for i, text in enumerate(shown):
                self.write(self._item(shown_letter(i), text))

    def _item(self, label: str, text: str, suffix: str = ")") -> str:
        indent = " " * (len(label) + len(suffix) + 3)
        body = self.bank_text(text, indent=indent).lstrip(" ")
        return f"  {self.style(label + suffix, 'bold')} {body}"

    def prompts(self, question: Question) -> list[str]:
        """The prompt for each line the question asks for."""
        if isinstance(question, TrueFalse):
            return ["True or false? (t/f) > "]
        if isinstance(question, MultipleChoice):
            return ["Your answer (letter) > "]
        if isinstance(question, MultipleAnswer):
            return ["Your answer (letters, e.g. a c) > "]
        if isinstance(question, Numeric):
            unit = f" ({safe(question.unit)})" if question.unit else ""
            return [f"Your answer{unit} > "]
        if isinstance(question, Cloze):
            out = []
            for n, d in enumerate(question.deletions, start=1):
                hint = f" ({safe(d.hint)})" if d.hint else ""
                out.append(f"Gap {n}{hint} > ")
            return out
        if isinstance(question, Matching):
            return [f"{i}. {safe(left)} → letter > " for i, left in enumerate(question.lefts, 1)]
        if isinstance(question, Ordering):
            return ["Order (letters, first to last) > "]
        if isinstance(question, ShortAnswer):
            return ["Your answer > "]
        return ["Your answer > "]

    def ask(self, question: Question, layout: Layout) -> list[str]:
        """Read the responses to a question: one line per gap or item where it asks several.

        On a terminal a line that cannot be an answer (``x`` for a choice of a to d)
        is asked again with a hint; through a pipe every line is taken as it is.
        """
        responses: list[str] = []
        prompts = self.prompts(question)
        for part in range(response_count(question)):
            prompt = prompts[min(part, len(prompts) - 1)]
            while True:
                line = self.read_line(prompt)
                if not self.interactive:
                    break
                problem = (
                    input_problem(question, layout, line)
                    if readable([line])
                    else "that was not UTF-8 text: type it again"
                )
                if problem is None:
                    break
                self.write(self.style(f"  ({problem})", "yellow"))
            responses.append(line)
        return responses

    # --------------------------------------------------------------- feedback

    def show_verdict(
        self, verdict: Verdict, *, overridden: bool = False, question: Question | None = None
    ) -> None:
        """Right, right with a typo, or wrong, and the right answer; for a wrong answer to
        ``question`` with part credit, the parts right and the points they earn."""
        self._show_verdict(verdict, overridden=overridden)
        credit = part_credit(question) if question is not None else None
        if credit and question and not overridden and not verdict.is_right:
            text = credit.earned_text(verdict.credit, question.points)
            self.write(self.style(f"  Part credit: {text}", "yellow"))

    def _show_verdict(self, verdict: Verdict, *, overridden: bool = False) -> None:
        answer = safe(verdict.canonical)
        if overridden:
            self.write(self.style("✓ Counted as right (you said you were right).", "green", "bold"))
        elif verdict.outcome == "right":
            rest = "" if verdict.parts else f"Answer: {answer}"
            self._headed("✓ Right!", ("green", "bold"), rest)
        elif verdict.outcome == "typo":
            spelling = safe(verdict.spelling or verdict.canonical)
            self._headed("✓ Right, with a typo.", ("yellow", "bold"), f"Spelling: {spelling}")
        else:
            note = f" ({safe(verdict.note)})" if verdict.note else ""
            if not verdict.parts:
                self._headed(f"✗ Wrong.{note}", ("red", "bold"), f"Answer: {answer}")
                return
            self._headed(f"✗ Wrong.{note}", ("red", "bold"), "Answers:")
            for part in verdict.parts:
                mark = self.style("✓", "green") if part.is_right else self.style("✗", "red")
                typed = f"  (you: {safe(part.note)})" if part.note else ""
                self.write(
                    f"    {mark} " + self.fill(safe(part.canonical) + typed, "      ").lstrip()
                )

    def fill(self, text: str, indent: str = "") -> str:
        """Plain (already safe) text, wrapped on a terminal."""
        if self.width is None:
            return indent + text
        return textwrap.fill(
            text,
            self.width,
            initial_indent=indent,
            subsequent_indent=indent,
            break_on_hyphens=False,
            break_long_words=False,
        )

    def _headed(self, head: str, styles: tuple[str, ...], rest: str) -> None:
        """A verdict, then the rest on the same line if it fits, else wrapped below it."""
        line = f"{head}  {rest}" if rest else head
        if not rest or self.width is None or len(line) <= self.width:
            self.write(self.style(head, *styles) + (f"  {rest}" if rest else ""))
            return
        self.write(self.style(head, *styles))
        self.write(self.fill(rest, "  "))

    def show_explanation(self, question: Question, bank: Bank | None) -> None:
        """The explanation and the source (document title and quote), if the bank gives them."""
        if question.explanation:
            self.write(self.bank_text(question.explanation, indent="  "))
        if question.source is not None:
            title = source_title(bank, question) or question.source.doc
            quote = " ".join(question.source.quote.split())
            self.write(
                self.style(f"  Source: {safe(title)}", "dim")
                + "\n"
                + self.style(self.bank_text(f"“{quote}”", indent="    "), "dim")
            )


def plural(count: int, word: str, words: str | None = None) -> str:
    """``1 card``, ``2 cards``."""
    return f"{count} {word if count == 1 else (words or word + 's')}"


def percent(right: float, total: float) -> str:
    """``67%``: a share, rounded half up."""
    return f"{int(100 * right / total + 0.5)}%" if total else "0%"
