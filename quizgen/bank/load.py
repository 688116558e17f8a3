"""Loading banks: the input wing's public entry points.

``load_banks`` reads and fully checks banks, raising one :class:`QuizgenError` with
every error; ``parse_bank`` reads one file and returns its problems instead. The work
is done below, one concern per module:

- :mod:`.yaml_nodes`: YAML text to located nodes; tags, alias bombs, deep nesting refused;
- :mod:`.values`: nodes to text, booleans, numbers and lists, with located problems;
- :mod:`.common_keys` and :mod:`.builders`: a question's keys to the typed model;
- :mod:`.parse`: the files named, and one bank file to a :class:`Bank`;
- :mod:`.check`: the rules across questions, banks and source documents.
"""

from __future__ import annotations

from pathlib import Path

from .check import check_paths, ensure_valid
from .model import Bank
from .parse import bank_files, parse_bank
from .yaml_nodes import LIBYAML, collector_paused

__all__ = ["LIBYAML", "bank_files", "collector_paused", "load_bank", "load_banks", "parse_bank"]


def load_bank(path: Path) -> Bank:
    """Load and fully check one bank file; raise QuizgenError listing every error."""
    return load_banks([path])[0]


def load_banks(paths: list[Path]) -> list[Bank]:
    """Load and fully check the banks in ``paths`` (files or folders).

    Raises QuizgenError with every error found in every file. Warnings are not
    errors here; :func:`quizgen.bank.check.check_paths` reports them.
    """
    report = check_paths(paths)
    ensure_valid(report)
    return report.banks
