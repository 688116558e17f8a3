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
from typing import Any

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


# -- the printed quiz's options through build, export and quizgen.toml --------------------

SOURCE = "{doc: blog, quote: Kyrgyzstan}"
PRINTED = f"""\
id: printed
title: Printed bank
sources:
  blog: seeds/004_369735ee3e7b3786.txt
questions:
  - {{id: m1, type: multiple_choice, topic: Members, prompt: First member?,
      choices: [Kyrgyzstan, Turkey, Spain, Chile], answer: Kyrgyzstan, source: {SOURCE}}}
  - {{id: m2, type: multiple_choice, topic: Members, prompt: Second member?,
      choices: [Kazakhstan, Peru, Norway, Ghana], answer: Kazakhstan, source: {SOURCE}}}
  - {{id: m3, type: multiple_choice, topic: Members, prompt: Third member?,
      choices: [Tajikistan, Mexico, Japan, Kenya], answer: Tajikistan, source: {SOURCE}}}
  - {{id: m4, type: multiple_choice, topic: Members, prompt: Fourth member?,
      choices: [Uzbekistan, Brazil, Italy, Egypt], answer: Uzbekistan, source: {SOURCE}}}
  - {{id: s1, type: true_false, topic: Security, prompt: The SCO has a RATS.,
      answer: true, source: {SOURCE}}}
  - {{id: s2, type: true_false, topic: Security, prompt: The SCO is a military alliance.,
      answer: false, source: {SOURCE}}}
  - {{id: s3, type: true_false, topic: Security, prompt: The SCO fights terrorism.,
      answer: true, source: {SOURCE}}}
"""

#: Each option of the printed quiz as `quizgen html` takes it, and as quizgen.toml says it.
PRINT_OPTIONS = {
    "--no-sections": "sections = false",
    "--layout compact": 'layout = "compact"',
    "--combined": "combined = true",
    "--no-shuffle-questions": "shuffle-questions = false",
    "--no-shuffle-choices": "shuffle-choices = false",
}


def _pages(folder: Path) -> dict[str, bytes]:
    """The pages (and PDFs) in a folder, by name; build's manifest left out."""
    return {p.name: p.read_bytes() for p in folder.iterdir() if not p.name.startswith(".")}


def _invoke(*args: object) -> Any:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert "Traceback" not in result.output
    return result


def _built(bank: Path, out: Path, *args: object) -> dict[str, bytes]:
    done = _invoke("build", bank, "-o", out, "--format", "html", *args)
    assert done.exit_code == 0, done.output
    return _pages(out)


def _printed(bank: Path, out: Path, *args: object) -> dict[str, bytes]:
    """What `quizgen html` writes for the bank, named as build names it."""
    done = _invoke("html", bank, "-o", out / "printed", *args)
    assert done.exit_code == 0, done.output
    return _pages(out)


@pytest.mark.slow  # three commands' whole output, per option
@pytest.mark.parametrize("option", ["", *PRINT_OPTIONS])
def test_build_and_export_print_what_quizgen_html_prints(
    write_bank, tmp_path: Path, option: str
) -> None:
    bank = write_bank(PRINTED)
    same = ["--seed", "7", "--versions", "2", *option.split()]
    html = _printed(bank, tmp_path / "html", *same)
    built = _built(bank, tmp_path / "build", *same)
    done = _invoke("export", "html", bank, "-o", tmp_path / "export" / "printed", *same)
    assert done.exit_code == 0, done.output
    expected = (
        ["printed.html"]
        if option == "--combined"
        else ["printed-A-key.html", "printed-A.html", "printed-B-key.html", "printed-B.html"]
    )
    assert sorted(html) == expected
    assert built == html  # byte for byte, every page
    assert _pages(tmp_path / "export") == html
    if option:  # the option changed the pages
        plain = _built(bank, tmp_path / "plain", "--seed", "7", "--versions", "2")
        assert all(built.get(name) != page for name, page in plain.items())


def _config(folder: Path, *lines: str) -> Path:
    path = folder / "quizgen.toml"
    path.write_text("\n".join(["[build]", *lines, ""]), encoding="utf-8")
    return path


@pytest.mark.slow  # two commands' whole output, per option
@pytest.mark.parametrize("option", list(PRINT_OPTIONS))
def test_quizgen_toml_sets_each_print_option(write_bank, tmp_path: Path, option: str) -> None:
    bank = write_bank(PRINTED)
    _config(tmp_path, 'formats = ["html"]', "versions = 2", "seed = 7", PRINT_OPTIONS[option])
    done = _invoke("build", bank, "-o", tmp_path / "build")
    assert done.exit_code == 0, done.output
    html = _printed(bank, tmp_path / "html", "--seed", "7", "--versions", "2", *option.split())
    assert _pages(tmp_path / "build") == html
    if option == "--combined":
        assert "every version and key is in it" in done.stdout


def test_the_command_line_beats_quizgen_toml_for_print_options(write_bank, tmp_path: Path) -> None:
    bank = write_bank(PRINTED)
    _config(
        tmp_path,
        "seed = 7",
        'layout = "compact"',
        "sections = false",
        "combined = true",
        "shuffle-questions = false",
        "shuffle-choices = true",
    )
    # Each switch has both forms, so the command line can undo the file either way.
    typed = ["--layout", "standard", "--sections", "--no-combined", "--shuffle-questions"]
    typed += ["--no-shuffle-choices"]
    built = _built(bank, tmp_path / "build", *typed)
    assert sorted(built) == ["printed-key.html", "printed.html"]
    assert built == _printed(bank, tmp_path / "html", "--seed", "7", "--no-shuffle-choices")
    # Without them, the file holds.
    from_file = _built(bank, tmp_path / "file")
    file_options = ["--layout", "compact", "--no-sections", "--combined", "--no-shuffle-questions"]
    assert from_file == _printed(bank, tmp_path / "html2", "--seed", "7", *file_options)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('layout = "wide"', "layout must be one of standard, compact, not 'wide'"),
        ('sections = "no"', "sections must be true or false (no quotes), not 'no'"),
        ("combined = 1", "combined must be true or false (no quotes), not 1"),
        ('shuffle-questions = "false"', "shuffle-questions must be true or false"),
        ("shuffle-choices = []", "shuffle-choices must be true or false"),
        ("layouts = 'compact'", "unknown key 'layouts' in [build]; known keys: formats, "),
    ],
)
def test_a_bad_print_option_in_quizgen_toml_is_a_located_error(
    write_bank, tmp_path: Path, line: str, message: str
) -> None:
    bank = write_bank(PRINTED)
    config = _config(tmp_path, 'formats = ["html"]', line)
    done = _invoke("build", bank, "-o", tmp_path / "out")
    assert done.exit_code == 1
    assert f"{config}:3:1: error: {message}" in done.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "how", ["command line", "quizgen.toml", "both in quizgen.toml, versions typed"]
)
def test_versions_with_nothing_shuffled_are_refused_before_writing(
    write_bank, tmp_path: Path, how: str
) -> None:
    bank = write_bank(PRINTED)
    off = ["--no-shuffle-questions", "--no-shuffle-choices"]
    args: list[str] = []
    if how == "command line":
        args = ["--versions", "3", *off]
    elif how == "quizgen.toml":
        _config(tmp_path, "versions = 3", "shuffle-questions = false", "shuffle-choices = false")
    else:
        _config(tmp_path, "shuffle-questions = false", "shuffle-choices = false")
        args = ["--versions", "3"]
    done = _invoke("build", bank, "-o", tmp_path / "out", *args)
    assert done.exit_code == 1
    assert "error: 3 versions would be the same quiz: nothing is shuffled" in done.stderr
    assert not (tmp_path / "out").exists()
    # One of the two shuffles is enough to tell versions apart; typed, it beats the file.
    args = [a for a in args if a != "--no-shuffle-questions"]
    if how != "command line":
        args.append("--shuffle-questions")
    done = _invoke("build", bank, "-o", tmp_path / "out", "--format", "html", *args)
    assert done.exit_code == 0, done.output
    assert sorted(_pages(tmp_path / "out"))[-1] == "printed-C.html"


def test_pdf_format_takes_the_print_options(write_bank, tmp_path: Path, chromium_path: str) -> None:
    bank = write_bank(PRINTED)
    same = ["--seed", "7", "--versions", "2", "--combined", "--layout", "compact"]
    done = _invoke("build", bank, "-o", tmp_path / "out", "--format", "pdf", *same)
    assert done.exit_code == 0, done.output
    assert sorted(_pages(tmp_path / "out")) == ["printed.pdf"]
    html = _printed(bank, tmp_path / "html", *same, "--pdf")
    assert sorted(html) == ["printed.html", "printed.pdf"]
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.skip("needs pdftotext (apt-get install -y poppler-utils)")
    texts = [
        subprocess.run(
            [pdftotext, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        for pdf in (tmp_path / "out" / "printed.pdf", tmp_path / "html" / "printed.pdf")
    ]
    assert texts[0] == texts[1]
    assert "Answer key" in texts[0] and "Version B" in texts[0]
