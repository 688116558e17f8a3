"""``quizgen build``: check everything, then write every chosen format of every bank."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..outputs.base import MAX_VERSIONS

if TYPE_CHECKING:
    from ..outputs.base import WrittenFile

from .common import (
    EXIT_INTERRUPTED,
    OutputPath,
    bank_paths_argument,
    browser_option,
    chosen_formats,
    given_on_command_line,
    ignore_option,
    paths_or_default,
    plural,
    quiz_layout_options,
    report,
)


@click.command()
@bank_paths_argument
@click.option(
    "-o",
    "--out-dir",
    type=OutputPath(file_okay=False, path_type=Path),
    help="The folder to write into, created if missing.  [default: dist]",
)
@click.option(
    "--format",
    "formats",
    multiple=True,
    metavar="FORMAT",
    help="Write this output format (repeatable; 'all' for every one).  [default: anki, html]",
)
@click.option("--pdf", is_flag=True, help="Also print each quiz and key to PDF (--format pdf).")
@browser_option
@click.option(
    "--versions",
    type=click.IntRange(min=1, max=MAX_VERSIONS),
    metavar="N",
    help="Write N shuffled versions (A, B, ... Z, AA, ...) of each quiz.",
)
@click.option("--seed", help="Seed for the quizzes' shuffles (default: the bank id).")
@click.option(
    "--strict",
    is_flag=True,
    help="Treat warnings as errors (the banks', and what a format degrades or leaves out): "
    "write nothing.",
)
@ignore_option
@click.option("--title", help="The quizzes' heading (default: each bank's title).")
@click.option("--paper", type=click.Choice(["a4", "letter"]), help="Paper size.  [default: a4]")
@quiz_layout_options
@click.option(
    "--watch",
    is_flag=True,
    help="Build again each time a bank, a source or an image changes (Ctrl-C stops).",
)
@click.option(
    "--config",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Read the defaults from FILE instead of looking for quizgen.toml.",
)
def build(
    paths: tuple[Path, ...],
    out_dir: Path | None,
    formats: tuple[str, ...],
    pdf: bool,
    browser: str | None,
    versions: int | None,
    seed: str | None,
    strict: bool,
    ignore: tuple[str, ...],
    title: str | None,
    paper: str | None,
    shuffle_questions: bool,
    shuffle_choices: bool,
    sections: bool,
    layout: str,
    combined: bool,
    config: Path | None,
    watch: bool,
) -> None:
    """Check the banks and the formats' limits, then write every chosen output.

    By default, for each bank: BANK.apkg (Anki), BANK.html and BANK-key.html
    (with --versions, BANK-A.html, BANK-A-key.html, ...) in the output folder;
    --format chooses other formats (`quizgen export --list` names them). The
    defaults can live in a quizgen.toml beside the banks or in the current
    folder (see docs/exports.md); options given here win. The printed quiz
    takes quizgen html's layout options (docs/printing.md). If any bank has an
    error, or any format cannot hold a question, it prints every problem and
    writes nothing. Warnings (the item-writing checks of `quizgen check`
    included) are printed; --strict makes them stop the build, --ignore CODE
    skips one. Progress goes to stderr; the table of files written to stdout.

    \b
    Example:
      quizgen build question_bank -o dist --versions 2 --format anki --format pdf
      quizgen build question_bank --versions 4 --layout compact --combined --pdf
      quizgen build question_bank --watch
    """
    from ..build import (
        DEFAULT_FORMATS,
        BuildOptions,
        find_config,
        load_config,
        plan_build,
        tidy_previous_build,
    )

    bank_paths = paths_or_default(paths)
    settings: dict[str, Any] = {}
    config = config or find_config(bank_paths)
    if config is not None:
        click.echo(f"Using {config}", err=True)
        settings = load_config(config)
    given = {
        "out_dir": out_dir,
        "versions": versions,
        "seed": seed,
        "title": title,
        "paper": paper,
        "browser": browser,
        "formats": formats or None,
    }
    settings.update({key: value for key, value in given.items() if value is not None})
    # The printed quiz's options: those typed on the command line win over quizgen.toml.
    typed = {
        "layout": layout,
        "sections": sections,
        "combined": combined,
        "shuffle_questions": shuffle_questions,
        "shuffle_choices": shuffle_choices,
    }
    settings.update({k: value for k, value in typed.items() if given_on_command_line(k)})
    names = tuple(settings.get("formats", DEFAULT_FORMATS)) + (("pdf",) if pdf else ())
    settings["formats"] = tuple(chosen_formats(names, "--format"))
    out = settings.get("out_dir", Path("dist"))
    settings.update(strict=strict, ignore=ignore)

    def once() -> None:
        plan = plan_build(bank_paths, BuildOptions(**settings))
        report(plan.warnings)
        if plan.warnings:
            click.echo(
                f"{plural(len(plan.warnings), 'warning')}: the banks' checks and what the formats "
                "degrade or leave out (--strict makes them stop the build)",
                err=True,
            )
        written = []
        steps = plan.steps
        if sys.stderr.isatty():
            with click.progressbar(
                steps,
                label="Building",
                width=24,
                file=sys.stderr,
                item_show_func=lambda step: step.label if step else "",
            ) as bar:
                for step in bar:
                    written += step.run()
        else:
            for number, step in enumerate(steps, start=1):
                click.echo(f"[{number}/{len(steps)}] {step.label}", err=True)
                written += step.run()
        for path in tidy_previous_build(out, written):
            click.echo(f"removed {path} (written by the previous build, not by this one)", err=True)
        width = max(len(str(f.path)) for f in written)
        click.echo(f"{'file'.ljust(width)}  {'size':>9}  what")
        for f in written:
            click.echo(f"{str(f.path).ljust(width)}  {_size(f.size):>9}  {f.kind}")
        apkgs = [str(f.path) for f in written if f.path.suffix == ".apkg"]
        studies = [str(f.path) for f in written if f.path.name.endswith(".study.html")]
        pages = _first_page_per_bank([f for f in written if str(f.path) not in studies])
        click.echo(f"\nWrote {plural(len(written), 'file')} to {out}/. Next:")
        if apkgs:
            click.echo(
                f"  students: import {_joined(apkgs)} in Anki (File > Import), or run `quizgen review`"
            )
        if studies:
            click.echo(
                f"  students: open {_joined(studies)} on a phone or laptop to test themselves"
            )
        if pages:
            keys = (
                "every version and key is in it"
                if settings.get("combined")
                else "each key is beside it"
            )
            click.echo(f"  teachers: open {_joined(pages)} in a browser and print; {keys}")
        platforms = _platform_suffixes(written)
        if platforms:
            click.echo(
                f"  teachers: import the {_joined(platforms)} files into those platforms "
                "(where to click: docs/exports.md)"
            )

    if not watch:
        once()
        return
    _watch(bank_paths, once)


def _platform_suffixes(written: list[WrittenFile]) -> list[str]:
    """The names after the bank id of the files a learning platform or game imports."""
    own = (".apkg", ".html", ".pdf", ".json")  # Anki, the pages, the data; the rest are platforms'
    suffixes = [
        f.path.name[len(f.bank) :]
        for f in written
        if f.bank and f.path.name.startswith(f.bank) and not f.path.name.endswith(own)
    ]
    return [s for s in dict.fromkeys(suffixes) if s != ".xlsx"]  # .xlsx: the authoring sheet


def _watch(bank_paths: list[Path], once: Callable[[], None]) -> None:
    """Build now and on every change (docs/authoring.md); a failed build is reported, not fatal."""
    import time

    from ..authoring.watch import watch_builds
    from ..errors import QuizgenError

    def failed(exc: QuizgenError) -> None:
        report(exc.problems)
        click.echo(f"Build failed ({time.strftime('%H:%M:%S')}); watching for changes.", err=True)

    def changed(files: list[Path]) -> None:
        names = ", ".join(f.name for f in files[:3]) + (" ..." if len(files) > 3 else "")
        click.echo(f"\n{time.strftime('%H:%M:%S')} changed: {names}; building", err=True)

    def built() -> None:
        once()
        click.echo(
            f"Built ({time.strftime('%H:%M:%S')}); watching for changes, Ctrl-C stops.", err=True
        )

    try:
        watch_builds(bank_paths, built, failed, changed)
    except KeyboardInterrupt:  # click would call it "Aborted!" and exit 1
        click.echo("\nStopped watching.", err=True)
        sys.exit(EXIT_INTERRUPTED)


def _first_page_per_bank(written: list[Any]) -> list[str]:
    """The first quiz page (HTML, else PDF) written for each bank, in bank order."""
    firsts: dict[object, str] = {}
    for suffix in (".html", ".pdf"):
        for f in written:
            if f.path.suffix == suffix and not f.kind.startswith("answer key"):
                firsts.setdefault(f.bank, str(f.path))
    return list(firsts.values())


def _joined(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _size(count: int) -> str:
    size = float(count)
    for unit in ("B", "KB", "MB"):
        if size < 1024 or unit == "MB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} MB"
