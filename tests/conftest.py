"""Shared fixtures: writing small banks to disk, and finding the real Chromium."""

from __future__ import annotations

import os
import shutil
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"


@pytest.fixture
def write_bank(tmp_path: Path) -> Callable[..., Path]:
    """Write YAML text (dedented) to ``tmp_path/NAME`` and return its path.

    The seeds are copied beside it as ``seeds/`` so banks can cite
    ``seeds/004_369735ee3e7b3786.txt``.
    """
    seeds = tmp_path / "seeds"
    if not seeds.exists():
        shutil.copytree(SEEDS, seeds)

    def write(text: str, name: str = "bank.yaml") -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write


def chromium_executable() -> str | None:
    """Debian's Chromium (or QUIZGEN_BROWSER), if present."""
    return (
        os.environ.get("QUIZGEN_BROWSER")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """The Chromium binary; skips when there is none, except under CI=true where that fails."""
    path = chromium_executable()
    if path:
        return path
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail("CI=true but no Chromium was found (apt-get install -y chromium)")
    pytest.skip("no Chromium on this machine (apt-get install -y chromium)")


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--snapshot-update``: rewrite tests/snapshots/ from the current output (test_snapshots.py)."""
    parser.addoption(
        "--snapshot-update",
        action="store_true",
        help="Rewrite the snapshots in tests/snapshots/ instead of comparing with them.",
    )
