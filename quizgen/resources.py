"""Files that ship inside the package: templates and the project's own question bank."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _package_dir(name: str) -> Path:
    """``quizgen/NAME`` in an installed wheel, else the top-level ``NAME`` of a checkout."""
    inside = _PACKAGE / name
    return inside if inside.is_dir() else _PACKAGE.parent / name


def templates_dir() -> Path:
    """The built-in Jinja2 templates (the top-level ``templates/`` folder, shipped in the wheel)."""
    return _package_dir("templates")


def shipped_bank_dir() -> Path:
    """The project's question bank as shipped inside the package."""
    return _package_dir("question_bank")


def default_bank_paths(cwd: Path | None = None) -> list[Path]:
    """What to load when no PATH is given: ``./question_bank`` if it exists, else the shipped bank."""
    # Relative when it can be, so messages read question_bank/x.yaml:3:5 as in the contract.
    local = Path("question_bank") if cwd is None else cwd / "question_bank"
    if local.is_dir():
        return [local]
    return [shipped_bank_dir()]
