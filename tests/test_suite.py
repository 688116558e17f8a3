"""The suite's own wiring (tests/conftest.py): the code every test runs, and its markers."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import quizgen

REPO = Path(__file__).resolve().parent.parent

WHERE = "import quizgen; print(quizgen.__file__)"


def test_the_tests_import_the_source_tree() -> None:
    assert Path(quizgen.__file__).resolve().is_relative_to(REPO / "quizgen")


@pytest.mark.slow  # a real process
def test_a_subprocess_runs_the_same_quizgen_as_the_tests(tmp_path: Path) -> None:
    # From another folder, where the current directory cannot put the source tree first.
    done = subprocess.run(
        [sys.executable, "-c", WHERE], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert Path(done.stdout.strip()).resolve() == Path(quizgen.__file__).resolve()


PROBES = """
    import pytest
    from hypothesis import given, strategies as st


    @pytest.fixture
    def page(chromium_path):
        return chromium_path


    def test_plain():
        pass


    def test_browser(chromium_path):
        pass


    def test_browser_through_a_fixture(page):
        pass


    @pytest.mark.anki
    def test_anki():
        pass


    @pytest.mark.network
    def test_network():
        pass


    @given(st.integers())
    def test_property(n):
        pass
"""


def selected(pytester: pytest.Pytester, expression: str) -> list[str]:
    """The probe tests that ``-m EXPRESSION`` selects, by name."""
    result = pytester.runpytest("--collect-only", "-q", "-p", "no:cacheprovider", "-m", expression)
    return sorted(line.split("::")[1] for line in result.outlines if "::" in line)


@pytest.mark.slow  # three runs of pytest
def test_markers_follow_what_a_test_uses(pytester: pytest.Pytester) -> None:
    pytester.makeconftest((REPO / "tests" / "conftest.py").read_text(encoding="utf-8"))
    pytester.makepyfile(test_probes=textwrap.dedent(PROBES))
    assert selected(pytester, "not slow") == ["test_plain"]
    assert selected(pytester, "browser") == ["test_browser", "test_browser_through_a_fixture"]
    assert selected(pytester, "slow and not browser") == [
        "test_anki",
        "test_network",
        "test_property",
    ]
