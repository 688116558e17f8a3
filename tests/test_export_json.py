"""`quizgen export json`: the validated banks as JSON, read back with a real JSON parser."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from quizgen.bank.load import load_banks
from quizgen.bank.model import QUESTION_TYPES
from quizgen.cli import cli
from quizgen.resources import shipped_bank_dir

BANK = """\
id: demo
title: Démo bank
description: Every type once.
sources:
  blog:
    path: seeds/004_369735ee3e7b3786.txt
    title: The blog post
  bare: seeds/000_294d461ed006609b.txt
questions:
  - id: mc
    type: multiple_choice
    prompt: "Which is a member? <script>alert(1)</script>"
    choices: [Kyrgyzstan, Turkey]
    answer: Kyrgyzstan
    tags: [members, geo]
    topic: Members
    difficulty: easy
    source: {doc: blog, quote: "Kyrgyzstan"}
  - id: ma
    type: multiple_answer
    prompt: Pick two.
    choices: [a, b, c]
    answer: [c, a]
    shuffle: false
  - id: tf
    type: true_false
    prompt: "Quotes \\"stay\\" text."
    answer: false
    points: 2
  - id: sa
    type: short_answer
    prompt: Capital?
    answer: [Bishkek, Frunze]
    case_sensitive: true
    source:
      - {doc: blog, quote: "Kyrgyzstan"}
      - {doc: bare, quote: "Shanghai Cooperation Organization"}
  - id: num
    type: numeric
    prompt: How far?
    answer: 42
    tolerance: 0.5
    unit: km
  - id: cz
    type: cloze
    text: "The {{c1::SCO}} met in {{c2::Bishkek::a city}}."
  - id: mt
    type: matching
    prompt: Match.
    pairs:
      - [one, 1]
      - [two, 2]
  - id: od
    type: ordering
    prompt: Order.
    items: [first, second, third]
"""


def export(*args: object) -> dict:
    result = CliRunner().invoke(cli, ["export", "json", *map(str, args)])
    assert result.exit_code == 0, result.output
    (path,) = result.output.split()
    return json.loads(Path(path).read_text(encoding="utf-8"))


def questions_of(doc: dict) -> dict[str, dict]:
    return {q["id"]: q for bank in doc["banks"] for q in bank["questions"]}


def test_every_question_of_every_type_with_its_answer(write_bank, tmp_path):
    path = write_bank(BANK)
    doc = export(path, "-o", tmp_path / "demo.json")
    assert (doc["format"], doc["version"]) == ("quizgen-banks", 1)
    (bank,) = doc["banks"]
    (model,) = load_banks([path])
    assert (bank["id"], bank["title"], bank["description"]) == (
        model.id,
        model.title,
        model.description,
    )
    assert bank["sources"] == {
        "blog": {"title": "The blog post", "path": "seeds/004_369735ee3e7b3786.txt"},
        "bare": {"title": model.sources["bare"].title, "path": "seeds/000_294d461ed006609b.txt"},
    }
    assert [(q["id"], q["type"]) for q in bank["questions"]] == [
        (q.id, q.type) for q in model.questions
    ]
    assert {q["type"] for q in bank["questions"]} == set(QUESTION_TYPES)
    assert [q["line"] for q in bank["questions"]] == [q.location.line for q in model.questions]
    q = questions_of(doc)
    assert (q["mc"]["choices"], q["mc"]["answer"]) == (["Kyrgyzstan", "Turkey"], "Kyrgyzstan")
    assert (q["ma"]["answer"], q["ma"]["shuffle"], q["ma"]["answer_text"]) == (
        ["c", "a"],
        False,
        "a; c",
    )
    assert q["tf"]["answer"] is False and q["tf"]["points"] == 2
    assert (q["sa"]["answer"], q["sa"]["case_sensitive"]) == (["Bishkek", "Frunze"], True)
    assert (q["num"]["answer"], q["num"]["tolerance"], q["num"]["unit"]) == (42, 0.5, "km")
    assert q["num"]["range"] == [41.5, 42.5] and q["num"]["answer_text"] == "42 ± 0.5 km"
    assert q["cz"]["gaps"] == [
        {"number": 1, "answer": "SCO", "hint": None},
        {"number": 2, "answer": "Bishkek", "hint": "a city"},
    ]
    assert q["mt"]["pairs"] == [["one", "1"], ["two", "2"]]
    assert q["od"]["items"] == ["first", "second", "third"]
    assert (q["mc"]["tags"], q["mc"]["topic"], q["mc"]["difficulty"]) == (
        ["members", "geo"],
        "Members",
        "easy",
    )
    assert q["mc"]["citations"] == [
        {"doc": "blog", "title": "The blog post", "quote": "Kyrgyzstan"}
    ]
    assert q["ma"]["citations"] == [] and q["ma"]["tags"] == []
    bare_title = model.sources["bare"].title
    assert q["sa"]["citations"] == [
        {"doc": "blog", "title": "The blog post", "quote": "Kyrgyzstan"},
        {"doc": "bare", "title": bare_title, "quote": "Shanghai Cooperation Organization"},
    ]


def test_bank_text_is_text_unchanged(write_bank, tmp_path):
    doc = export(write_bank(BANK), "-o", tmp_path / "x.json")
    q = questions_of(doc)
    assert q["mc"]["prompt"] == "Which is a member? <script>alert(1)</script>"
    assert q["tf"]["prompt"] == 'Quotes "stay" text.'
    raw = (tmp_path / "x.json").read_text(encoding="utf-8")
    assert "Démo bank" in raw  # UTF-8, not \\u escapes


def test_the_selection_is_applied_and_empty_banks_left_out(write_bank, tmp_path):
    first = write_bank(BANK)
    second = write_bank(BANK.replace("id: demo", "id: other"), "other.yaml")
    doc = export(first, second, "--type", "numeric", "-o", tmp_path / "n.json")
    assert [(b["id"], [q["id"] for q in b["questions"]]) for b in doc["banks"]] == [
        ("demo", ["num"]),
        ("other", ["num"]),
    ]
    doc = export(first, second, "--tag", "geo", "-o", tmp_path / "g.json")
    assert [b["id"] for b in doc["banks"]] == ["demo", "other"]
    doc = export(first, "--topic", "members", "-o", tmp_path / "t.json")
    assert list(questions_of(doc)) == ["mc"]


def test_nothing_is_written_when_nothing_matches(write_bank, tmp_path):
    target = tmp_path / "keep.json"
    target.write_text("old", encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["export", "json", str(write_bank(BANK)), "--tag", "nope", "-o", str(target)]
    )
    assert result.exit_code == 1
    assert "--tag 'nope': no question has this tag" in result.output
    assert target.read_text(encoding="utf-8") == "old"


@pytest.mark.slow  # a real process
def test_the_shipped_bank_exports_in_a_real_process(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "quizgen", "export", "json", "-o", "bank.json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "bank.json"
    doc = json.loads((tmp_path / "bank.json").read_text(encoding="utf-8"))
    banks = load_banks([shipped_bank_dir()])
    assert [b["id"] for b in doc["banks"]] == [b.id for b in banks]
    exported = questions_of(doc)
    assert sorted(exported) == sorted(q.id for b in banks for q in b.questions)
    for bank in banks:
        for question in bank.questions:
            record = exported[question.id]
            assert record["type"] == question.type
            assert record["answer_text"]
            assert [c["quote"] for c in record["citations"]] == [
                ref.quote for ref in question.citations
            ]


def test_json_is_listed_as_carrying_every_type():
    result = CliRunner().invoke(cli, ["export", "--list"])
    assert result.exit_code == 0
    block = result.output.split("json: ", 1)[1].split("\n\n")[0].splitlines()
    assert block[0] == "JSON of the validated banks (.json)"
    assert block[1] == "  carries: every question type"
