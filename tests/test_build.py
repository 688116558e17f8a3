"""`quizgen build`: check first, then every output; and the path a new user takes.

The end-to-end test installs quizgen the way the README says (a fresh virtual
environment, a non-editable `pip install .`), runs `quizgen build` in an empty folder
(the shipped bank) and in the repository, imports the .apkg into the real Anki
backend and opens the quiz in Chromium.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest
from click.testing import CliRunner

from quizgen.bank.load import load_banks
from quizgen.cli import cli

REPO = Path(__file__).resolve().parent.parent

VALID = """\
id: tiny
title: Tiny bank
sources:
  blog: seeds/004_369735ee3e7b3786.txt
questions:
  - id: rats
    type: true_false
    prompt: The SCO has a Regional Anti-Terrorist Structure.
    answer: true
    source: {doc: blog, quote: "SCO Regional Anti-Terrorist Structure (RATS)"}
  - id: members
    type: multiple_choice
    prompt: Which country does the article list as a full member?
    choices: [Kyrgyzstan, Turkey]
    answer: Kyrgyzstan
    source: {doc: blog, quote: "Kyrgyzstan"}
"""


@pytest.mark.slow  # every output, the Anki package too
def test_build_writes_every_output_and_a_table(write_bank, tmp_path: Path) -> None:
    bank = write_bank(VALID)
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["build", str(bank), "-o", str(out), "--versions", "2"])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir() if p.name != ".quizgen-build.json")
    assert names == [
        "tiny-A-key.html",
        "tiny-A.html",
        "tiny-B-key.html",
        "tiny-B.html",
        "tiny.apkg",
    ]
    for name in names:
        assert name in result.stdout
    assert "[1/2] tiny: Anki package" in result.stderr
    assert "quizgen review" in result.stdout


def test_build_writes_nothing_when_a_bank_has_an_error(write_bank, tmp_path: Path) -> None:
    good = write_bank(VALID)
    bad = write_bank(
        VALID.replace("id: tiny", "id: broken").replace("answer: Kyrgyzstan", "answer: Kazakhstan"),
        "bad.yaml",
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["build", str(good), str(bad), "-o", str(out)])
    assert result.exit_code == 1
    assert (
        "bad.yaml:15:13: error: question 'members': answer 'Kazakhstan' is not one of the choices"
        in result.stderr
    )
    assert not out.exists()


def test_build_pdf_without_a_browser_is_a_clear_error(write_bank, tmp_path: Path) -> None:
    bank = write_bank(VALID)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli,
        [
            "build",
            str(bank),
            "-o",
            str(out),
            "--pdf",
            "--browser",
            str(tmp_path / "no-such-chrome"),
        ],
    )
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "no-such-chrome" in result.stderr
    assert not out.exists()


@pytest.mark.slow  # a real process
def test_shell_completion_completes_commands_and_options() -> None:
    env = {
        **os.environ,
        "_QUIZGEN_COMPLETE": "bash_complete",
        "COMP_WORDS": "quizgen bu",
        "COMP_CWORD": "1",
    }
    done = subprocess.run(
        [sys.executable, "-m", "quizgen"], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0
    assert "plain,build" in done.stdout.splitlines()
    env["COMP_WORDS"], env["COMP_CWORD"] = "quizgen html --pa", "2"
    done = subprocess.run(
        [sys.executable, "-m", "quizgen"], env=env, capture_output=True, text=True
    )
    assert "plain,--paper" in done.stdout.splitlines()


def _without_source_tree() -> dict[str, str]:
    """The environment without PYTHONPATH, which conftest points at the source tree: a
    fresh install must run its own copy."""
    return {name: value for name, value in os.environ.items() if name != "PYTHONPATH"}


@pytest.fixture(scope="module")
def installed_quizgen(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with quizgen installed as the README says
    (`pip install -c constraints.txt .`)."""
    env_dir = tmp_path_factory.mktemp("venv")
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    source = tmp_path_factory.mktemp("clone") / "quizgen"
    # A clean copy, as a fresh clone would be: no build/ or egg-info left by other installs.
    shutil.copytree(
        REPO,
        source,
        ignore=shutil.ignore_patterns(
            ".git", ".venv*", "build", "*.egg-info", "dist", "bench", "__pycache__", ".*_cache"
        ),
    )
    pip = [str(python), "-m", "pip", "install", "-q", "-c", str(source / "constraints.txt")]
    subprocess.run([*pip, str(source)], check=True, timeout=600, env=_without_source_tree())
    where = subprocess.run(
        [str(python), "-c", "import quizgen; print(quizgen.__file__)"],
        cwd=tmp_path_factory.mktemp("elsewhere"),
        capture_output=True,
        text=True,
        check=True,
        env=_without_source_tree(),
    )
    assert Path(where.stdout.strip()).is_relative_to(env_dir)  # the wheel, not the source tree
    return env_dir / "bin" / "quizgen"


def _build(quizgen: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [str(quizgen), "build"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        stdin=subprocess.DEVNULL,
        env=_without_source_tree(),
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return done


def _anki_counts(apkg: Path, tmp: Path) -> tuple[int, int]:
    from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

    tmp.mkdir(parents=True, exist_ok=True)
    col = Collection(str(tmp / "collection.anki2"))
    try:
        col.import_anki_package(
            ImportAnkiPackageRequest(package_path=str(apkg), options=ImportAnkiPackageOptions())
        )
        return col.note_count(), col.card_count()
    finally:
        col.close()


def _questions_in_page(page: Path, chromium: str) -> int:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--no-first-run",
            ],
        )
        try:
            tab = browser.new_page()
            tab.goto(page.as_uri())
            return tab.locator("article.question").count()
        finally:
            browser.close()


@pytest.mark.network
@pytest.mark.anki
@pytest.mark.parametrize("where", ["empty folder", "repository"])
def test_a_fresh_install_builds_everything(
    where: str, installed_quizgen: Path, tmp_path: Path, chromium_path: str
) -> None:
    if where == "empty folder":
        cwd = tmp_path / "empty"
        cwd.mkdir()
    else:
        cwd = tmp_path / "repo"
        shutil.copytree(REPO / "question_bank", cwd / "question_bank")
        shutil.copytree(REPO / "seeds", cwd / "seeds")
    done = _build(installed_quizgen, cwd)
    banks = load_banks([REPO / "question_bank"])
    assert banks, "the project ships at least one bank"
    dist = cwd / "dist"
    for bank in banks:
        notes, cards = _anki_counts(dist / f"{bank.id}.apkg", tmp_path / bank.id)
        assert notes == len(bank.questions)
        assert cards >= notes
        assert _questions_in_page(dist / f"{bank.id}.html", chromium_path) == len(bank.questions)
        assert _questions_in_page(dist / f"{bank.id}-key.html", chromium_path) == len(
            bank.questions
        )
        assert f"{bank.id}.apkg" in done.stdout


@pytest.mark.slow  # two builds with the Anki package
def test_build_removes_what_the_previous_build_wrote_and_nothing_else(
    write_bank, tmp_path: Path
) -> None:
    bank = write_bank(VALID)
    out = tmp_path / "out"
    args = ["build", str(bank), "-o", str(out)]
    first = CliRunner().invoke(cli, [*args, "--versions", "3"])
    assert first.exit_code == 0, first.output
    (out / "mine.txt").write_text("the teacher's notes", encoding="utf-8")
    (out / "tiny-C-key.html").write_text("edited by hand", encoding="utf-8")
    second = CliRunner().invoke(cli, args)
    assert second.exit_code == 0, second.output
    names = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    # A and B of the old build are gone; the edited C key and the user's file stay.
    assert names == ["mine.txt", "tiny-C-key.html", "tiny-key.html", "tiny.apkg", "tiny.html"]
    assert "removed" in second.stderr and "tiny-A.html" in second.stderr
    assert "mine.txt" not in second.stderr


@pytest.mark.slow  # every output of two banks
def test_build_next_hints_name_every_bank(write_bank, tmp_path: Path) -> None:
    cited = VALID.replace("seeds/", "../seeds/")
    write_bank(cited, "a/one.yaml")
    write_bank(cited.replace("id: tiny", "id: other"), "a/two.yaml")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["build", str(tmp_path / "a"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    next_lines = result.stdout.split("Next:")[1]
    for name in ("tiny.apkg", "other.apkg", "tiny.html", "other.html"):
        assert name in next_lines
