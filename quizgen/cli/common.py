"""What the commands share: exit codes, the error report, and the options several take."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from ..bank.model import QUESTION_TYPES
from ..outputs.base import LAYOUTS, MAX_VERSIONS

if TYPE_CHECKING:
    from click.shell_completion import CompletionItem

    from ..bank.model import Bank
    from ..bank.select import Criteria
    from ..errors import Problem

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_INTERRUPTED = 130

QUESTION_TYPE_NAMES = tuple(QUESTION_TYPES)


def report(problems: Iterable[Problem]) -> None:
    """Each problem on its own line of stderr, as ``file:line:col: severity: message``."""
    for problem in problems:
        click.echo(str(problem), err=True)


def plural(count: int, word: str) -> str:
    """``1 file``, ``2 files``."""
    return f"{count} {word}{'' if count == 1 else 's'}"


def _ignored_codes(
    ctx: click.Context, param: click.Parameter, value: tuple[str, ...]
) -> tuple[str, ...]:
    """The codes of ``--ignore`` (repeatable, or comma-separated as ruff takes them), checked."""
    from ..bank.quality.codes import CODES, ignorable
    from ..bank.values import did_you_mean

    codes: list[str] = []
    for given in value:
        for code in filter(None, (c.strip().upper() for c in given.split(","))):
            if code not in CODES:
                hint = did_you_mean(code, ignorable())
                raise click.BadParameter(f"unknown check code '{code}'{hint}; see docs/checks.md")
            if not CODES[code].can_ignore:
                raise click.BadParameter(f"{code} ({CODES[code].name}) is an error; fix it instead")
            codes.append(code)
    return tuple(dict.fromkeys(codes))


def ignore_option(func: F) -> F:
    """``--ignore CODE``: leave an item-writing check (Q101...) out of this run."""
    return click.option(
        "--ignore",
        "ignore",
        multiple=True,
        metavar="CODE",
        callback=_ignored_codes,
        help="Skip this item-writing check, e.g. Q201 (repeatable; see docs/checks.md).",
    )(func)


def bank_paths_argument(func: F) -> F:
    """The ``[PATH...]`` argument every command takes: bank files or folders of them."""
    return click.argument(
        "paths",
        nargs=-1,
        type=click.Path(exists=True, path_type=Path),
        metavar="[PATH...]",
    )(func)


def selection_options(func: F) -> F:
    """``--tag``, ``--topic``, ``--type``, ``--exclude-tag`` and ``--exclude-topic``
    (each may repeat), handed to the command as one ``criteria`` (a Criteria).

    Topics and tags complete in the shell from the banks named so far (or the default
    ones). Check the criteria against the loaded banks with :func:`selected_criteria`.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from ..bank.select import Criteria

        kwargs["criteria"] = Criteria(
            tags=kwargs.pop("tags"),
            topics=kwargs.pop("topics"),
            types=kwargs.pop("types"),
            exclude_tags=kwargs.pop("exclude_tags"),
            exclude_topics=kwargs.pop("exclude_topics"),
        )
        return func(*args, **kwargs)

    options = (
        click.option(
            "--tag",
            "tags",
            multiple=True,
            shell_complete=_complete_tags,
            help="Only questions with this tag (repeatable).",
        ),
        click.option(
            "--topic",
            "topics",
            multiple=True,
            shell_complete=_complete_topics,
            help="Only questions on this topic (repeatable).",
        ),
        click.option(
            "--type",
            "types",
            multiple=True,
            type=click.Choice(QUESTION_TYPE_NAMES),
            help="Only questions of this type (repeatable).",
        ),
        click.option(
            "--exclude-tag",
            "exclude_tags",
            multiple=True,
            metavar="TAG",
            shell_complete=_complete_tags,
            help="Leave out questions with this tag (repeatable).",
        ),
        click.option(
            "--exclude-topic",
            "exclude_topics",
            multiple=True,
            metavar="TOPIC",
            shell_complete=_complete_topics,
            help="Leave out questions on this topic (repeatable).",
        ),
    )
    decorated: Any = wrapper
    for option in reversed(options):
        decorated = option(decorated)
    return decorated  # type: ignore[no-any-return]


def selected_criteria(banks: Sequence[Bank], criteria: Criteria) -> Criteria:
    """``criteria``, after checking that it selects something of ``banks``.

    Raises QuizgenError with the one message every command gives: the topic or tag no
    question has (with a did-you-mean) and those that exist.
    """
    from ..bank.select import require_match

    require_match(banks, criteria)
    return criteria


def _completion_names(ctx: click.Context, which: str) -> list[str]:
    """The topics or tags of the banks named so far on the command line (else the default)."""
    from ..bank.parse import bank_files, parse_bank
    from ..bank.select import topics_and_tags

    try:
        # While completing, click may leave the PATH arguments unparsed in ctx.args.
        named = list(ctx.params.get("paths") or ()) or [Path(a) for a in ctx.args]
        paths = [p for p in named if p.exists()] or _default_paths(quiet=True)
        banks = [bank for path in bank_files(paths) if (bank := parse_bank(path)[0]) is not None]
    except Exception:  # completion must never fail loudly
        return []
    topics, tags = topics_and_tags(banks)
    return list(topics if which == "topics" else tags)


def _complete_topics(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    from click.shell_completion import CompletionItem

    folded = incomplete.casefold()
    names = _completion_names(ctx, "topics")
    return [CompletionItem(n) for n in names if n.casefold().startswith(folded)]


def _complete_tags(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    from click.shell_completion import CompletionItem

    return [CompletionItem(n) for n in _completion_names(ctx, "tags") if n.startswith(incomplete)]


class OutputPath(click.Path):
    """A path to write: as click.Path, but an empty one (``-o ''``) is a usage error."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) and not value.strip():
            self.fail("an output path must not be empty", param, ctx)
        return super().convert(value, param, ctx)


def output_file_option(default: str | None, help_text: str) -> Callable[[F], F]:
    """``-o/--output FILE``, with a default file name if one is given."""
    return click.option(
        "-o",
        "--output",
        type=OutputPath(dir_okay=False, path_type=Path),
        default=Path(default) if default else None,
        show_default=default is not None,
        help=help_text,
    )


def printing_options(func: F) -> F:
    """``--pdf`` and ``--browser``: print pages to PDF with a Chrome/Chromium."""
    func = click.option(
        "--browser",
        metavar="PATH",
        help="The Chrome/Chromium for --pdf (default: $QUIZGEN_BROWSER, else one on PATH).",
    )(func)
    return click.option(
        "--pdf", is_flag=True, help="Also print each quiz and key to PDF with Chrome/Chromium."
    )(func)


def browser_option(func: F) -> F:
    """``--browser PATH``: the Chrome/Chromium that prints PDFs."""
    return click.option(
        "--browser",
        metavar="PATH",
        help="The Chrome/Chromium for PDFs (default: $QUIZGEN_BROWSER, else one on PATH).",
    )(func)


def page_options(no_shuffle_help: str) -> Callable[[F], F]:
    """The options of a printed quiz: seed, shuffle, versions, paper, title."""
    options = (
        click.option(
            "--seed", metavar="S", help="Make the selection and every shuffle reproducible."
        ),
        click.option("--no-shuffle", is_flag=True, help=no_shuffle_help),
        click.option(
            "--versions",
            type=click.IntRange(min=1, max=MAX_VERSIONS),
            metavar="N",
            help="Write N versions (A, B, ... Z, AA, ...): same questions, different order.",
        ),
        click.option(
            "--paper",
            type=click.Choice(["a4", "letter"]),
            default="a4",
            show_default=True,
            help="Paper size for printing.",
        ),
        click.option("--title", help="The heading (default: the bank's title)."),
    )

    def decorate(func: F) -> F:
        for option in reversed(options):
            func = option(func)
        return func

    return decorate


def quiz_layout_options(func: F) -> F:
    """How a printed quiz is laid out (``html``, ``build``, ``export``): the two shuffles
    apart, sections, the layout, one file for the class set.

    Each switch has both forms (``--no-sections``, ``--sections``) so that the command
    line can undo what quizgen.toml says; the command gets ``shuffle_questions``,
    ``shuffle_choices``, ``sections``, ``layout`` and ``combined``.
    """
    options = (
        click.option(
            "--shuffle-questions/--no-shuffle-questions",
            default=True,
            help="Shuffle the questions (the default), or keep the bank's order.",
        ),
        click.option(
            "--shuffle-choices/--no-shuffle-choices",
            default=True,
            help="Shuffle the choices (the default), or keep the bank's order.",
        ),
        click.option(
            "--sections/--no-sections",
            default=True,
            help="A heading per topic (the default), or one run of questions.",
        ),
        click.option(
            "--layout",
            type=click.Choice(LAYOUTS),
            default="standard",
            show_default=True,
            help="compact: two columns where questions fit.",
        ),
        click.option(
            "--combined/--no-combined",
            default=False,
            help="One file: every version, then every key, each starting a new sheet.",
        ),
    )
    for option in reversed(options):
        func = option(func)
    return func


def given_on_command_line(name: str) -> bool:
    """Whether the current command's parameter ``name`` was typed (not a default)."""
    from click.core import ParameterSource

    source = click.get_current_context().get_parameter_source(name)
    return source is ParameterSource.COMMANDLINE


def template_dir_option(func: F) -> F:
    """``--template-dir DIR``: the user's templates, ahead of the built-in ones."""
    return click.option(
        "--template-dir",
        type=click.Path(exists=True, file_okay=False, path_type=Path),
        metavar="DIR",
        help="A folder of templates used ahead of the built-in ones.",
    )(func)


#: Said on stderr whenever a command falls back on the bank shipped with quizgen.
SAMPLE_BANK_NOTICE = (
    "no ./question_bank here: using the sample bank shipped with quizgen; pass a path to use yours"
)


def _default_paths(*, quiet: bool = False) -> list[Path]:
    from ..resources import default_bank_paths, shipped_bank_dir

    found = default_bank_paths()
    if not quiet and found == [shipped_bank_dir()]:
        click.echo(f"note: {SAMPLE_BANK_NOTICE}", err=True)
    return found


def paths_or_default(paths: tuple[Path, ...]) -> list[Path]:
    """The bank paths named on the command line, or the default ones (see resources).

    Falling back on the sample bank shipped with quizgen is said on stderr each time.
    """
    return list(paths) or _default_paths()


def load_banks_or_default(paths: tuple[Path, ...]) -> list[Bank]:
    """Load the banks named on the command line, or the default ones.

    A source document that is missing is a warning here ("quotes not verified"),
    printed on stderr: studying, listing and writing still work. ``check`` keeps it an error.
    """
    from ..bank.check import check_paths, ensure_valid, unverified

    report_ = check_paths(paths_or_default(paths), missing_sources="warning")
    ensure_valid(report_)
    report(unverified(report_.problems))
    return report_.banks


def chosen_formats(names: tuple[str, ...], option: str) -> list[str]:
    """The format names given (``all``: every one), checked against the registry."""
    from ..outputs.registry import formats

    known = formats()
    if "all" in names:
        return list(known)
    for name in names:
        if name not in known:
            raise click.BadParameter(
                f"no output format '{name}'; known formats: {', '.join(known)}, all",
                param_hint=option,
            )
    return list(dict.fromkeys(names))
