"""The docs tell the truth: every command is in the README and has help with an example,
and every example in docs/bank-format.md is a valid bank."""

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


def test_the_cli_has_the_commands_the_docs_promise() -> None:
    assert {"check", "list"} <= set(COMMANDS)


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


def _format_examples() -> list[str]:
    text = (REPO / "docs" / "bank-format.md").read_text(encoding="utf-8")
    return re.findall(r"### `\w+`.*?\n```yaml\n(.*?)```", text, re.S)


def test_the_format_doc_has_an_example_of_every_type() -> None:
    examples = _format_examples()
    types = {re.search(r"type: (\w+)", e).group(1) for e in examples}
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
