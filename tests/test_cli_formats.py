"""Commands from the registry: `export --list`, `export FORMAT`, `check --for`,
`build --format` and quizgen.toml, and a format dropped into the package with no other edit."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

import quizgen.outputs
from quizgen.cli import cli
from quizgen.outputs import registry
from quizgen.outputs.anki import MAX_MATCHING_PAIRS
from quizgen.questions import TYPES

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
    tags: [security]
    source: {doc: blog, quote: "SCO Regional Anti-Terrorist Structure (RATS)"}
  - id: members
    type: multiple_choice
    prompt: Which country does the article list as a full member?
    choices: [Kyrgyzstan, Turkey]
    answer: Kyrgyzstan
    source: {doc: blog, quote: "Kyrgyzstan"}
"""

PAIRS = "".join(f"\n      - [L{n}, R{n}]" for n in range(MAX_MATCHING_PAIRS + 1))
TOO_MANY = (
    VALID.replace("id: tiny", "id: big")
    + f"""\
  - id: many
    type: matching
    prompt: Match them
    source: {{doc: blog, quote: "Kyrgyzstan"}}
    pairs:{PAIRS}
"""
)

MANIFEST = ".quizgen-build.json"  # what build wrote, for the next build (quizgen.build)


def invoke(*args: object, cwd: Path | None = None):
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert "Traceback" not in result.output
    return result


def run(*args: object, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "quizgen", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


# -- export --list -------------------------------------------------------------------------


@pytest.mark.slow  # a real process
def test_export_list_names_every_registered_format_with_carriage_and_limits(tmp_path):
    done = run("export", "--list", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    listed = [line.split(":")[0] for line in done.stdout.splitlines() if not line.startswith(" ")]
    assert listed == list(registry.formats())
    assert {"anki", "html", "pdf"} <= set(listed)
    assert f"at most {MAX_MATCHING_PAIRS} pairs" in done.stdout
    assert done.stdout.count("  limits: ") == len(listed)
    assert done.stdout.count("  carries: ") + done.stdout.count("  matching: ") >= len(listed)


def test_export_without_a_format_or_with_an_unknown_one_is_a_usage_error(tmp_path):
    assert invoke("export").exit_code == 2
    result = invoke("export", "nope", tmp_path)
    assert result.exit_code == 2
    assert "no output format 'nope'" in result.output and "anki" in result.output


# -- export FORMAT ------------------------------------------------------------------------


def test_export_writes_any_format_with_the_selection(write_bank, tmp_path):
    bank = write_bank(VALID)
    out = tmp_path / "sec.html"
    result = invoke("export", "html", bank, "-o", out, "--tag", "security", "--seed", "3")
    assert result.exit_code == 0, result.output
    assert result.output.split() == [str(out), str(tmp_path / "sec-key.html")]
    page = out.read_text(encoding="utf-8")
    assert 'data-question="tiny/rats"' in page and "tiny/members" not in page


def test_export_anki_default_name_and_an_empty_selection(write_bank, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    bank = write_bank(VALID)
    result = invoke("export", "anki", bank)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "quizgen.apkg"
    assert zipfile.is_zipfile(tmp_path / "quizgen.apkg")
    result = invoke("export", "anki", bank, "--tag", "nope", "-o", tmp_path / "none.apkg")
    assert result.exit_code == 1
    assert "--tag 'nope': no question has this tag" in result.output
    assert not (tmp_path / "none.apkg").exists()


def test_export_stops_before_writing_when_the_format_cannot_hold_a_question(write_bank, tmp_path):
    bank = write_bank(TOO_MANY)
    result = invoke("export", "anki", bank, "-o", tmp_path / "big.apkg")
    assert result.exit_code == 1
    assert f"question 'many': {MAX_MATCHING_PAIRS + 1} pairs" in result.output
    assert f"{bank}:" in result.output  # located in the bank
    assert not (tmp_path / "big.apkg").exists()


# -- check --for -------------------------------------------------------------------------


def test_check_for_adds_the_format_limits_located(write_bank):
    bank = write_bank(TOO_MANY)
    plain = invoke("check", bank)
    assert plain.exit_code == 0, plain.output
    result = invoke("check", bank, "--for", "anki")
    assert result.exit_code == 1
    (line,) = [x for x in result.output.splitlines() if "pairs" in x]
    location, message = line.split(": error: ")
    assert location.startswith(f"{bank}:") and location.count(":") == 2
    assert message.startswith(f"question 'many': {MAX_MATCHING_PAIRS + 1} pairs")
    assert result.output.splitlines()[-1].startswith(
        "invalid: 1 file, 3 questions (1 with errors), 1 error"
    )
    html_only = invoke("check", bank, "--for", "html")
    assert html_only.exit_code == 0, html_only.output


def test_check_for_all_and_json_output(write_bank, monkeypatch):
    monkeypatch.setenv("QUIZGEN_BROWSER", sys.executable)  # pdf's limit: some browser is there
    bank = write_bank(TOO_MANY)
    result = invoke("check", bank, "--for", "all", "--format", "json")
    assert result.exit_code == 1
    import json

    rows = json.loads(result.output)["problems"]
    assert [r["question"] for r in rows if r["severity"] == "error"] == ["many"]


def test_check_for_an_unknown_format_is_a_usage_error(write_bank):
    result = invoke("check", write_bank(VALID), "--for", "nope")
    assert result.exit_code == 2
    assert "no output format 'nope'" in result.output


def test_check_for_pdf_without_a_browser_says_so(write_bank, monkeypatch, tmp_path):
    monkeypatch.setenv("QUIZGEN_BROWSER", str(tmp_path / "no-such-chrome"))
    result = invoke("check", write_bank(VALID), "--for", "pdf")
    assert result.exit_code == 1
    assert "no-such-chrome" in result.output


# -- build --format ----------------------------------------------------------------------


def test_build_writes_only_the_chosen_formats(write_bank, tmp_path):
    bank = write_bank(VALID)
    out = tmp_path / "out"
    result = invoke("build", bank, "-o", out, "--format", "anki")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir() if p.name != MANIFEST) == ["tiny.apkg"]


def test_every_format_of_a_build_has_a_file_name_of_its_own(write_bank, tmp_path):
    # Blackboard and Quizlet both write .txt, Kahoot, Wayground and the authoring sheet
    # .xlsx: a build of all of them once refused to run ("would be written twice").
    suffixes = [fmt.suffix for fmt in registry.formats().values()]
    assert len(set(suffixes)) == len(suffixes), suffixes
    names = [name for name in registry.formats() if name != "pdf"]  # pdf: the browser tests
    out = tmp_path / "out"
    result = invoke("build", write_bank(VALID), "-o", out, *(f"--format={n}" for n in names))
    assert result.exit_code == 0, result.output
    written = {p.name for p in out.iterdir() if p.name != MANIFEST}
    for name in names:
        assert any(file.endswith(registry.get_format(name).suffix) for file in written), name


def test_build_says_which_files_go_to_which_platforms(write_bank, tmp_path):
    out = tmp_path / "out"
    result = invoke(
        "build", write_bank(VALID), "-o", out, "--format=anki", "--format=moodle", "--format=kahoot"
    )
    assert result.exit_code == 0, result.output
    assert "import the .moodle.xml and .kahoot.xlsx files into those platforms" in result.stdout
    only_anki = invoke("build", write_bank(VALID), "-o", tmp_path / "anki", "--format=anki")
    assert "platforms" not in only_anki.stdout


def test_build_checks_every_format_before_writing_anything(write_bank, tmp_path):
    good = write_bank(VALID)
    big = write_bank(TOO_MANY, "big.yaml")
    out = tmp_path / "out"
    result = invoke("build", good, big, "-o", out)
    assert result.exit_code == 1
    assert f"{MAX_MATCHING_PAIRS} (split the question in two)" in result.output
    assert not out.exists()  # not even the good bank's files


FIVE_CHOICES = (
    VALID
    + """\
  - id: five
    type: multiple_choice
    prompt: Which of these is a full member?
    choices: [Kyrgyzstan, Turkey, Japan, Brazil, Chile]
    answer: Kyrgyzstan
    source: {doc: blog, quote: "Kyrgyzstan"}
"""
)


def test_build_strict_stops_on_what_a_format_leaves_out(write_bank, tmp_path):
    bank = write_bank(FIVE_CHOICES)
    out = tmp_path / "out"
    result = invoke("build", bank, "-o", out, "--format", "kahoot")
    assert result.exit_code == 0, result.output
    assert "question 'five': 5 choices; Kahoot takes 2 to 4 answers: left out" in result.stderr
    count = result.stderr.count(": warning: ")
    assert f"{count} warnings: the banks' checks and what the formats degrade" in result.stderr
    strict = invoke("build", bank, "-o", tmp_path / "strict", "--format", "kahoot", "--strict")
    assert strict.exit_code == 1
    assert "question 'five': 5 choices" in strict.stderr
    assert not (tmp_path / "strict").exists()


def test_build_with_an_unknown_format_is_a_usage_error(write_bank, tmp_path):
    result = invoke("build", write_bank(VALID), "-o", tmp_path / "out", "--format", "nope")
    assert result.exit_code == 2
    assert not (tmp_path / "out").exists()


# -- quizgen.toml ------------------------------------------------------------------------


def write_config(folder: Path, text: str) -> Path:
    path = folder / "quizgen.toml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.mark.slow  # a real process
def test_quizgen_toml_beside_the_banks_sets_the_build(write_bank, tmp_path):
    banks = tmp_path / "banks"
    bank = write_bank(VALID, "banks/tiny.yaml")
    (banks / "seeds").symlink_to(tmp_path / "seeds")
    write_config(
        banks,
        """\
        [build]
        formats = ["html"]
        versions = 2
        seed = 7
        title = "Week 3"
        paper = "letter"
        out-dir = "printed"
        """,
    )
    done = run("build", banks, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert f"Using {banks / 'quizgen.toml'}" in done.stderr
    out = banks / "printed"  # relative to the file's folder
    assert sorted(p.name for p in out.iterdir() if p.name != MANIFEST) == [
        "tiny-A-key.html",
        "tiny-A.html",
        "tiny-B-key.html",
        "tiny-B.html",
    ]
    page = (out / "tiny-A.html").read_text(encoding="utf-8")
    assert "Week 3" in page and "size: letter" in page
    assert bank.exists()


@pytest.mark.slow  # builds every format
def test_the_command_line_wins_over_quizgen_toml(write_bank, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    bank = write_bank(VALID)
    write_config(tmp_path, '[build]\nformats = ["html"]\nversions = 3\n')
    result = invoke("build", bank, "--format", "anki", "-o", "cli-out")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "cli-out").iterdir() if p.name != MANIFEST) == [
        "tiny.apkg"
    ]
    result = invoke("build", bank, "--versions", "1", "-o", "one")
    assert sorted(p.name for p in (tmp_path / "one").iterdir() if p.name != MANIFEST) == [
        "tiny-A-key.html",
        "tiny-A.html",
    ]


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        ('[build]\nformat = ["html"]\n', ":2:1: error: ", "unknown key 'format' in [build]"),
        ("[build]\nversions = 0\n", ":2:1: error: ", "versions must be a whole number"),
        ('[build]\npaper = "a3"\n', ":2:1: error: ", "paper must be one of a4, letter"),
        ("[print]\nx = 1\n", ":1:1: error: ", "unknown table or key 'print'"),
        ("[build\n", ":1:7: error: ", "not valid TOML"),
    ],
)
def test_a_bad_quizgen_toml_is_a_located_error(write_bank, tmp_path, text, where, message):
    bank = write_bank(VALID)
    config = write_config(tmp_path, text)
    result = invoke("build", bank, "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert f"{config}{where}" in result.output
    assert message in result.output
    assert not (tmp_path / "out").exists()


def test_an_unknown_format_in_quizgen_toml(write_bank, tmp_path):
    bank = write_bank(VALID)
    write_config(tmp_path, '[build]\nformats = ["nope"]\n')
    result = invoke("build", bank, "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert "no output format 'nope'" in result.output


# -- a new format is one module ------------------------------------------------------------

SHOUT = '''\
"""A test format: every prompt in capitals, one line each."""

from pathlib import Path

from quizgen.errors import Problem
from quizgen.fileio import write_text_atomic
from quizgen.outputs.base import Carriage, Selection, WrittenFile, carries_all


class Shout:
    name = "shout"
    label = "Shouted prompts"
    suffix = ".txt"
    carries = carries_all(cloze=Carriage("none", "no prompt to shout"))
    limits = "no cloze"

    def problems(self, selection, options):
        return [
            Problem(q.location, "warning", "cloze is left out", q.id)
            for q in selection.questions
            if q.type == "cloze"
        ]

    def write(self, selection, path, options):
        text = "".join((q.prompt or "").upper() + "\\n" for q in selection.questions)
        write_text_atomic(Path(path), text)
        return [WrittenFile(Path(path), self.label)]


FORMAT = Shout()
'''


@pytest.fixture
def shout_format(tmp_path: Path) -> Iterator[None]:
    folder = tmp_path / "plugin_formats"
    folder.mkdir()
    (folder / "shout.py").write_text(SHOUT, encoding="utf-8")
    quizgen.outputs.__path__.append(str(folder))
    registry.formats.cache_clear()
    try:
        yield
    finally:
        quizgen.outputs.__path__.remove(str(folder))
        sys.modules.pop("quizgen.outputs.shout", None)
        registry.formats.cache_clear()


def test_a_module_with_a_format_is_listed_exported_checked_and_built(
    shout_format, write_bank, tmp_path
):
    bank = write_bank(VALID)
    listing = invoke("export", "--list")
    assert "shout: Shouted prompts (.txt)" in listing.output
    assert "  cloze: none: no prompt to shout" in listing.output
    assert f"  {next(iter(TYPES))}: native" in listing.output
    result = invoke("export", "shout", bank, "-o", tmp_path / "s.txt")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "s.txt").read_text(encoding="utf-8").splitlines()[0] == (
        "THE SCO HAS A REGIONAL ANTI-TERRORIST STRUCTURE."
    )
    assert invoke("check", bank, "--for", "shout").exit_code == 0
    result = invoke("build", bank, "--format", "shout", "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert [p.name for p in (tmp_path / "out").iterdir() if p.name != MANIFEST] == ["tiny.txt"]
