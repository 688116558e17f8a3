"""Shared fixtures and the suite's wiring.

- Every process a test starts runs this source tree, like the test itself: PYTHONPATH is
  set to the repository root for the whole session, so ``python -m quizgen`` and the
  installed ``quizgen`` script import the code under test, never a stale installed copy
  (pyproject's ``pythonpath`` does the same for the pytest process).
- Markers follow from what a test uses where that is clear: the ``chromium_path`` fixture
  (directly or through another fixture) makes it ``browser``; a Hypothesis test (``@given``)
  is ``slow``; and ``browser``, ``anki`` and ``network`` tests are all ``slow``. Tests that
  start a process say ``@pytest.mark.slow`` themselves. ``pytest -m "not slow"`` is the
  inner loop.
"""

from __future__ import annotations

import os
import shutil
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]  # tests/test_suite.py runs pytest on probe tests

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"

# A test that uses one of these fixtures gets these markers.
FIXTURE_MARKERS = {"chromium_path": ("browser", "slow")}
# A test with the first marker also gets the second.
IMPLIED_MARKERS = {"browser": "slow", "anki": "slow", "network": "slow"}

_saved_pythonpath: str | None = None


def pytest_configure(config: pytest.Config) -> None:
    """Put the source tree first on PYTHONPATH for every subprocess of the session."""
    global _saved_pythonpath
    _saved_pythonpath = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), _saved_pythonpath]))


def pytest_unconfigure(config: pytest.Config) -> None:
    if _saved_pythonpath is None:
        os.environ.pop("PYTHONPATH", None)
    else:
        os.environ["PYTHONPATH"] = _saved_pythonpath


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark each test by what it uses, then add the markers those imply."""
    for item in items:
        for fixture in getattr(item, "fixturenames", ()):
            for name in FIXTURE_MARKERS.get(fixture, ()):
                item.add_marker(name)
        # What hypothesis.is_hypothesis_test checks: many generated examples.
        if getattr(getattr(item, "obj", None), "is_hypothesis_test", False):
            item.add_marker("slow")
        for marker, implied in IMPLIED_MARKERS.items():
            if item.get_closest_marker(marker) and not item.get_closest_marker(implied):
                item.add_marker(implied)


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
