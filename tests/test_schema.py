"""The JSON Schema of the bank format: valid by the metaschema, in step with check."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from quizgen.authoring.schema import bank_schema, schema_text
from quizgen.bank.check import check_paths
from quizgen.cli import cli
from quizgen.resources import shipped_bank_dir

REPO = Path(__file__).resolve().parent.parent
VALIDATOR = jsonschema.Draft202012Validator(bank_schema())


def _errors(data: object) -> list[str]:
    return [e.message for e in VALIDATOR.iter_errors(data)]


def test_the_schema_is_a_valid_2020_12_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(bank_schema())
    assert bank_schema()["$schema"] == "https://json-schema.org/draft/2020-12/schema"


@pytest.mark.parametrize("path", sorted(shipped_bank_dir().glob("*.yaml")), ids=lambda p: p.name)
def test_the_shipped_banks_are_valid(path: Path) -> None:
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    assert _errors(data) == []


def _yaml_blocks(doc: Path) -> list[str]:
    text = doc.read_text(encoding="utf-8")
    return re.findall(r"```yaml\n(.*?)```", text, re.DOTALL)


def _docs_examples() -> list[tuple[str, str]]:
    """Every YAML block of the docs that is a bank or questions (not a YAML lesson's keys)."""
    out: list[tuple[str, str]] = []
    for name in ("bank-format.md", "authoring.md", "checks.md"):
        path = REPO / "docs" / name
        if not path.exists():
            continue
        for number, block in enumerate(_yaml_blocks(path), start=1):
            try:
                data = yaml.safe_load(block.replace("  - ...\n", ""))
            except yaml.YAMLError:
                continue  # a block that shows a mistake on purpose
            if isinstance(data, list) or (isinstance(data, dict) and "title" in data):
                out.append((f"{name}#{number}", block))
    return out


def test_the_docs_have_examples_to_validate() -> None:
    names = [name for name, _ in _docs_examples()]
    assert sum(n.startswith("bank-format.md") for n in names) >= 9  # the bank and eight types
    assert any(n.startswith("authoring.md") for n in names)


@pytest.mark.parametrize("name, block", _docs_examples(), ids=[n for n, _ in _docs_examples()])
def test_every_docs_example_is_valid(name: str, block: str) -> None:
    data = yaml.safe_load(block.replace("  - ...\n", ""))
    if isinstance(data, dict) and data.get("questions") is None:  # "questions: - ..." elided
        data["questions"] = [{"id": "q", "type": "true_false", "prompt": "P", "answer": True}]
    if isinstance(data, list):  # a question (or a list of them) as the docs show one
        data = {"id": "docs", "title": "Docs", "questions": data}
    assert _errors(data) == [], name


BASE = """\
id: base
title: A bank
sources:
  lesson: lesson.txt
questions:
  - id: rain
    type: multiple_choice
    prompt: What falls from clouds?
    choices: [Rain, Rocks]
    answer: Rain
    source: {doc: lesson, quote: "Rain falls from clouds."}
"""

# Each is a mistake check refuses; the schema must refuse it too (as an editor would flag it).
REJECTED = {
    "unknown key": ("    answer: Rain\n", "    answer: Rain\n    answr: Rain\n"),
    "misspelt bank key": ("title: A bank\n", "tittle: A bank\n"),
    "missing answer": ("    answer: Rain\n", ""),
    "bad question slug": ("id: rain", "id: Rain_Question"),
    "bad bank slug": ("id: base", "id: Base Bank"),
    "unknown type": ("type: multiple_choice", "type: multiple_choise"),
    "wrong type of value": ("choices: [Rain, Rocks]", "choices: Rain"),
    "one choice": ("choices: [Rain, Rocks]", "choices: [Rain]"),
    "key of another type": ("    answer: Rain\n", "    answer: Rain\n    tolerance: 1\n"),
    "bad difficulty": ("    answer: Rain\n", "    answer: Rain\n    difficulty: tricky\n"),
    "negative points": ("    answer: Rain\n", "    answer: Rain\n    points: -1\n"),
    "empty prompt": ("prompt: What falls from clouds?", "prompt: ' '"),
    "source without quote": (
        'source: {doc: lesson, quote: "Rain falls from clouds."}',
        "source: {doc: lesson}",
    ),
    "no questions": (BASE[BASE.index("  - id: rain") :], "  []\n"),
}


@pytest.mark.parametrize("mistake", sorted(REJECTED))
def test_the_schema_rejects_what_check_rejects(
    mistake: str, write_bank: Callable[..., Path], tmp_path: Path
) -> None:
    (tmp_path / "lesson.txt").write_text("Rain falls from clouds.\n", encoding="utf-8")
    old, new = REJECTED[mistake]
    assert old in BASE
    good = write_bank(BASE, "good.yaml")
    bad = write_bank(BASE.replace(old, new), "bad.yaml")
    assert not check_paths([good]).problems and not _errors(yaml.safe_load(good.read_text()))
    assert check_paths([bad]).errors, mistake
    assert _errors(yaml.safe_load(bad.read_text())), mistake


def test_numbers_and_yes_written_as_choices_are_text_to_both() -> None:
    data = yaml.safe_load(
        textwrap.dedent(
            """\
            id: t
            title: T
            questions:
              - {id: y, type: multiple_choice, prompt: Which year, choices: [2001, 2005, yes], answer: 2001}
            """
        )
    )
    assert _errors(data) == []


def test_quizgen_schema_prints_and_writes_the_schema(tmp_path: Path) -> None:
    printed = CliRunner().invoke(cli, ["schema"])
    assert printed.exit_code == 0
    assert printed.output == schema_text()
    target = tmp_path / "bank.schema.json"
    written = CliRunner().invoke(cli, ["schema", "-o", str(target)])
    assert written.exit_code == 0 and target.read_text(encoding="utf-8") == schema_text()
