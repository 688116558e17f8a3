"""`quizgen new`: a first bank that passes check, and never over an existing file."""

from __future__ import annotations

from pathlib import Path

import yaml
from click.testing import CliRunner

from quizgen.bank.check import check_paths
from quizgen.bank.model import QUESTION_TYPES
from quizgen.cli import cli

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def test_new_bank_with_sources_passes_check_and_cites_each(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    first = docs / "lesson one.txt"
    first.write_text((SEEDS / "000_294d461ed006609b.txt").read_text(encoding="utf-8"))
    second = docs / "blog.txt"
    second.write_text((SEEDS / "004_369735ee3e7b3786.txt").read_text(encoding="utf-8"))
    bank = tmp_path / "banks" / "Water_Cycle.yaml"
    result = CliRunner().invoke(
        cli, ["new", str(bank), "--source", str(first), "--source", str(second)]
    )
    assert result.exit_code == 0, result.output
    report = check_paths([bank])
    assert report.problems == []  # no error, no warning: every source cited, every quote found
    (loaded,) = report.banks
    assert loaded.id == "water-cycle"
    assert sorted(q.type for q in loaded.questions) == sorted(QUESTION_TYPES)
    assert {s.id for s in loaded.sources.values()} == {"lesson-one", "blog"}
    assert {ref.doc for q in loaded.questions for ref in q.citations} == {"lesson-one", "blog"}
    raw = yaml.safe_load(bank.read_text(encoding="utf-8"))
    assert raw["sources"]["lesson-one"]["path"] == "../docs/lesson one.txt"  # relative to the bank
    text = bank.read_text(encoding="utf-8")
    assert text.count("\n  # ") >= len(QUESTION_TYPES)  # a comment over each example


def test_new_bank_without_sources_passes_check_with_warnings(tmp_path: Path) -> None:
    bank = tmp_path / "plain.yml"
    assert CliRunner().invoke(cli, ["new", str(bank)]).exit_code == 0
    report = check_paths([bank])
    assert not report.errors
    assert len(report.warnings) == len(QUESTION_TYPES)
    assert all("no source" in w.message for w in report.warnings)


def test_new_never_overwrites(tmp_path: Path) -> None:
    bank = tmp_path / "mine.yaml"
    bank.write_text("my work\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["new", str(bank)])
    assert result.exit_code == 1
    assert "already exists" in result.output
    assert bank.read_text(encoding="utf-8") == "my work\n"
    assert [p.name for p in tmp_path.iterdir()] == ["mine.yaml"]  # no temporary file left


def test_new_refuses_an_unreadable_source_and_writes_nothing(tmp_path: Path) -> None:
    binary = tmp_path / "notes.txt"
    binary.write_bytes(b"\xff\xfe\x00bad")
    bank = tmp_path / "b.yaml"
    result = CliRunner().invoke(cli, ["new", str(bank), "--source", str(binary)])
    assert result.exit_code == 1
    assert f"{binary}: error: cannot read source {binary}: it is not UTF-8 text" in result.output
    assert not bank.exists()


def test_new_wants_a_yaml_name(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["new", str(tmp_path / "bank.txt")])
    assert result.exit_code == 2 and "a bank is a .yaml or .yml file" in result.output
