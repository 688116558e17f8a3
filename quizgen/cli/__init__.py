"""The command line: parse options, call the core, report.

Only this package imports click. Each command lives in its own module and is imported
only when it runs (or when ``--help`` lists it), so ``quizgen --help`` starts fast.
:class:`QuizgenGroup` is the one place where the core's
:class:`~quizgen.errors.QuizgenError` becomes messages and an exit code:

* 0: success (for ``check``: the banks are valid)
* 1: invalid bank or failed output (messages as ``file:line:col: error: ...``)
* 2: usage error (unknown option, missing file), click's convention
* 130: interrupted (Ctrl-C or SIGTERM), after "Interrupted." on stderr

Standard output closed (``quizgen list >&-``) is refused before anything runs (exit 1):
every command reports on it, and a file opened later must not take its place.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import sys
from collections.abc import Iterator, Mapping, MutableMapping, Sequence
from typing import Any, NoReturn

import click

from .. import __version__
from ..errors import QuizgenError
from .common import EXIT_INTERRUPTED, EXIT_INVALID, report

#: Every command: its name and the ``module:object`` it is defined in (imported on use).
COMMANDS: dict[str, str] = {
    "anki": "quizgen.cli.anki:anki",
    "build": "quizgen.cli.build:build",
    "check": "quizgen.cli.check:check",
    "coverage": "quizgen.cli.authoring:coverage",
    "export": "quizgen.cli.export:export",
    "html": "quizgen.cli.html:html",
    "import": "quizgen.cli.authoring:import_bank",
    "list": "quizgen.cli.listing:list_questions",
    "new": "quizgen.cli.authoring:new",
    "quiz": "quizgen.cli.study:quiz",
    "review": "quizgen.cli.study:review",
    "schema": "quizgen.cli.authoring:schema",
    "stats": "quizgen.cli.study:stats",
    "web": "quizgen.cli.web:web",
}


class LazyCommands(MutableMapping[str, click.Command]):
    """A group's commands by name, each imported from its module on first access.

    click's documented lazy group overrides ``get_command``/``list_commands``; a lazy
    ``commands`` mapping does the same and keeps ``group.commands`` and ``add_command``
    (what plug-ins use) working as click documents them.
    """

    def __init__(self, table: Mapping[str, str]) -> None:
        self._table = dict(table)
        self._loaded: dict[str, click.Command] = {}

    def __getitem__(self, name: str) -> click.Command:
        if name not in self._loaded:
            module_name, attribute = self._table[name].split(":")
            command = getattr(importlib.import_module(module_name), attribute)
            if not isinstance(command, click.Command):  # a programming error
                raise TypeError(f"{self._table[name]} is not a click command")
            self._loaded[name] = command
        return self._loaded[name]

    def __setitem__(self, name: str, command: click.Command) -> None:
        self._loaded[name] = command
        self._table.setdefault(name, "")

    def __delitem__(self, name: str) -> None:
        del self._table[name]
        self._loaded.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._table))

    def __len__(self) -> int:
        return len(self._table)


class QuizgenGroup(click.Group):
    """The ``quizgen`` group: lazy commands, and the one place where the core's
    QuizgenError becomes located messages on stderr and exit status 1."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.commands = LazyCommands(COMMANDS)

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except KeyboardInterrupt:  # while parsing: click would say "Aborted!" and exit 1
            interrupted()

    def invoke(self, ctx: click.Context) -> Any:
        from ..fileio import fault_point

        try:
            fault_point("command")  # QUIZGEN_FAULT=command:pause, for the tests' signals
            return super().invoke(ctx)
        except QuizgenError as exc:
            report(exc.problems)
            ctx.exit(EXIT_INVALID)
        except KeyboardInterrupt:  # Ctrl-C, or SIGTERM (fileio.Terminated)
            interrupted()


def interrupted() -> NoReturn:
    """Say "Interrupted." on stderr and exit 130 (Ctrl-C and SIGTERM alike)."""
    click.echo("\nInterrupted.", err=True)
    sys.exit(EXIT_INTERRUPTED)


def closed_standard_streams() -> list[int]:
    """Which of stdin, stdout and stderr (0, 1, 2) were closed when quizgen started.

    Each closed one is opened on the null device, so that no file quizgen opens later
    gets its number (and output meant for the terminal lands in a bank or a package).
    """
    closed = []
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            closed.append(fd)
    for fd in closed:
        null = os.open(os.devnull, os.O_RDONLY if fd == 0 else os.O_WRONLY)
        if null != fd:
            os.dup2(null, fd)
            os.close(null)
    return closed


@click.group(cls=QuizgenGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="quizgen")
def cli() -> None:
    """Turn a YAML question bank into Anki decks, printable quizzes, exports and a terminal quiz.

    With no PATH, every command reads ./question_bank if it exists, otherwise the
    bank shipped with quizgen, so you can try each command at once.

    \b
    Example:
      quizgen check question_bank
    """


def _from_echo(exc: BaseException) -> bool:
    """Whether ``exc`` was raised writing a report to stdout (click.echo), e.g. ``>/dev/full``."""
    tb = exc.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_name == "echo" and "click" in code.co_filename:
            return True
        tb = tb.tb_next
    return False


def main(args: Sequence[str] | None = None) -> None:
    """Console-script entry point."""
    from ..fileio import terminate_as_interrupt

    if 1 in closed_standard_streams() or sys.stdout is None:
        if sys.stderr is not None:
            print("quizgen: standard output is closed; quizgen reports on it", file=sys.stderr)
        sys.exit(EXIT_INVALID)
    try:
        with terminate_as_interrupt():  # SIGTERM is Ctrl-C: clean up, "Interrupted.", 130
            cli(args=args, prog_name="quizgen")
    except KeyboardInterrupt:
        interrupted()
    except Exception as exc:  # a bug: say so plainly; QUIZGEN_DEBUG=1 shows the traceback
        if isinstance(exc, OSError) and _from_echo(exc):  # >/dev/full: not a bug
            with contextlib.suppress(OSError, ValueError):
                message = f"quizgen: cannot write standard output: {exc.strerror or exc}"
                print(message, file=sys.stderr)
            sys.exit(EXIT_INVALID)
        if os.environ.get("QUIZGEN_DEBUG"):
            raise
        click.echo(
            f"quizgen: internal error: {type(exc).__name__}: {exc}\n"
            "This is a bug in quizgen; run again with QUIZGEN_DEBUG=1 for the details.",
            err=True,
        )
        sys.exit(EXIT_INVALID)


__all__ = ["cli", "main"]
