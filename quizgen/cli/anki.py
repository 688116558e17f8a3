"""``quizgen anki``: one Anki package of the banks."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from .common import (
    bank_paths_argument,
    load_banks_or_default,
    output_file_option,
    plural,
    selected_criteria,
    selection_options,
)

if TYPE_CHECKING:
    from ..bank.select import Criteria


@click.command("anki")
@bank_paths_argument
@output_file_option("quizgen.apkg", "The Anki package to write (.apkg).")
@selection_options
def anki(
    paths: tuple[Path, ...],
    output: Path,
    criteria: Criteria,
) -> None:
    """Write one Anki package: a deck per bank, a subdeck per topic.

    Import it in Anki (File > Import, or open the file on a phone). Importing a
    newer build of the same banks updates the notes in place and keeps your
    review history; see docs/anki.md. Prints the path written and the counts.

    \b
    Example:
      quizgen anki question_bank -o sco.apkg --topic "The SCO"
    """
    from ..bank.load import collector_paused
    from ..outputs.anki import apkg_path, write_apkg

    banks = load_banks_or_default(paths)
    with collector_paused():
        summary = write_apkg(banks, apkg_path(output), selected_criteria(banks, criteria))
    click.echo(str(summary.path))
    by_type = ", ".join(f"{name} {count}" for name, count in summary.notes_by_type.items())
    click.echo(
        f"{plural(summary.notes, 'note')}, {plural(summary.cards, 'card')}, "
        f"{plural(len(summary.decks), 'deck')}, {plural(summary.media, 'media file')} "
        f"({by_type})"
    )
