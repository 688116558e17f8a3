"""The docs tell the truth: every command is in the README's table and has help with an
example and the options the table shows, and every example in docs/bank-format.md is a valid
bank. (The shell examples run in tests/test_doc_examples.py.)"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from quizgen.bank.check import check_paths
from quizgen.cli import cli

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(cli.commands)


def readme_command_table() -> dict[str, str]:
    """The README's table of commands: each command's name and its synopsis."""
    section = README.split("\n## Commands\n", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `quizgen ([a-z-]+)([^`]*)` \|", section, re.M)
    return dict(rows)


TABLE = readme_command_table()


def test_the_readme_command_table_lists_every_command() -> None:
    assert sorted(TABLE) == COMMANDS


@pytest.mark.parametrize("name", sorted(TABLE))
def test_the_cli_has_the_commands_the_docs_promise(name: str) -> None:
    """Each command in the table exists, has help with an example, and every option shown."""
    assert name in cli.commands, f"the README lists `quizgen {name}`, the CLI has no such command"
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example:" in result.output, f"`quizgen {name} --help` shows no example"
    assert f"quizgen {name}" in result.output.split("Example:", 1)[1]
    options = re.findall(r"(?<![\w-])(--?[a-z][a-z-]*)", TABLE[name])
    for option in options:
        assert re.search(rf"(?<![\w-]){option}\b", result.output), f"{name}: {option} not in --help"


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_is_in_the_readme(name: str) -> None:
    assert re.search(rf"`quizgen {name}\b", README), f"README does not mention `quizgen {name}`"


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_a_summary_and_an_example(name: str) -> None:
    command = cli.commands[name]
    assert command.get_short_help_str(limit=200).strip(), f"{name} has no one-line summary"
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output
    assert f"quizgen {name}" in result.output.split("Example:", 1)[1]


def test_the_anki_doc_names_the_note_types_and_ids_the_code_uses() -> None:
    from quizgen.outputs.anki import NOTE_TYPES

    text = (REPO / "docs" / "anki.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `(\w+)` \| (quizgen [^|]+?) \| (\d+) \|", text, re.M)
    documented = {qtype: (name, int(number)) for qtype, name, number in rows}
    assert documented == {qtype: (spec.name, spec.id) for qtype, spec in NOTE_TYPES.items()}


def _format_examples() -> list[str]:
    text = (REPO / "docs" / "bank-format.md").read_text(encoding="utf-8")
    return re.findall(r"### `\w+`.*?\n```yaml\n(.*?)```", text, re.S)


def test_the_format_doc_has_an_example_of_every_type() -> None:
    examples = _format_examples()
    types = {m.group(1) for e in examples if (m := re.search(r"type: (\w+)", e))}
    assert len(types) == len(examples), "an example without a type, or two of one type"
    assert types == {
        "multiple_choice",
        "multiple_answer",
        "true_false",
        "short_answer",
        "numeric",
        "cloze",
        "matching",
        "ordering",
    }


def test_every_example_in_the_format_doc_is_a_valid_bank(tmp_path: Path) -> None:
    shutil.copytree(REPO / "seeds", tmp_path / "seeds")
    (tmp_path / "qb").mkdir()
    questions = "".join("  " + e.replace("\n", "\n  ").rstrip() + "\n" for e in _format_examples())
    bank = (
        "id: examples\ntitle: Examples\nsources:\n"
        "  blog: {path: ../seeds/004_369735ee3e7b3786.txt, title: Blog post}\n"
        "  article: ../seeds/000_294d461ed006609b.txt\n"
        "questions:\n" + questions
    )
    (tmp_path / "qb" / "examples.yaml").write_text(bank, encoding="utf-8")
    report = check_paths([tmp_path / "qb"])
    assert report.problems == []
    assert report.question_count == 8


@pytest.mark.slow  # a real process
def test_help_imports_no_heavy_module() -> None:
    code = (
        "import sys\nfrom quizgen.cli import cli\n"
        "try:\n    cli(['--help'], prog_name='quizgen')\nexcept SystemExit:\n    pass\n"
        "heavy = ('genanki', 'jinja2', 'fsrs', 'playwright', 'yaml', 'sqlite3')\n"
        "print('HEAVY:' + ','.join(m for m in heavy if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    line = next(x for x in out.stdout.splitlines() if x.startswith("HEAVY:"))
    assert line == "HEAVY:"


def help_examples() -> list[str]:
    """Every example line of every command's --help, in command order."""
    lines = []
    for name in COMMANDS:
        text = CliRunner().invoke(cli, [name, "--help"]).output
        block = text.split("Example:", 1)[1].split("\nOptions:", 1)[0]
        lines += [
            line.strip() for line in block.splitlines() if line.strip().startswith("quizgen ")
        ]
    return lines


# Examples this test leaves to others, and why.
NOT_RUN_HERE = {
    "pdf": "prints with Chromium: tests/test_pdf.py and tests/test_build.py",
    "--watch": "runs until Ctrl-C: tests/test_watch.py",
    "import": "needs a filled-in spreadsheet: tests/test_spreadsheet.py",
}


@pytest.mark.slow  # every example of every command: Anki packages, pages, spreadsheets
def test_every_help_example_runs_as_written(tmp_path: Path, monkeypatch) -> None:
    import shlex

    shutil.copytree(REPO / "question_bank", tmp_path / "question_bank")
    shutil.copytree(REPO / "seeds", tmp_path / "seeds")
    (tmp_path / "lesson.txt").write_text(
        "Water evaporates from the sea. Vapour cools and forms clouds. Rain falls.\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))  # review's state
    ran = []
    for line in help_examples():
        words = shlex.split(line)[1:]
        if any(skip in word for word in words for skip in NOT_RUN_HERE):
            continue
        result = CliRunner().invoke(cli, words, input="")
        assert result.exit_code == 0, f"{line}\n{result.output}"
        assert "Traceback" not in result.output, line
        ran.append(line)
    assert len(ran) >= 14, ran  # 14 of 22 today; the rest are named above
