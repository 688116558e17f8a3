"""`quizgen export gift`: GIFT parsed back by the real gift-pegjs (npm) and compared with the bank.

tests/js/ pins gift-pegjs (``npm ci --prefix tests/js``, as .ci/run does); a small node
script prints what it parsed as JSON. Every exported question's answers, feedback,
category, id and tags are compared with the bank, question by question, hostile text
included; the questions GIFT cannot carry are absent and reported, located.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from anki_helpers import ALL_TYPES_BANK, write_image
from click.testing import CliRunner
from lxml import html as lxml_html
from quiz_pages import HOSTILE_BANK
from test_snapshots import BANK as SNAPSHOT_BANK
from test_snapshots import rel, run
from test_snapshots import snapshot as snapshot  # the fixture, shared
from test_snapshots import workdir as workdir

from quizgen.bank.load import load_banks
from quizgen.bank.model import (
    Bank,
    Cloze,
    Matching,
    MultipleAnswer,
    MultipleChoice,
    Numeric,
    Question,
    ShortAnswer,
    TrueFalse,
)
from quizgen.cli import cli
from quizgen.outputs.gift import skip_reason
from quizgen.questions import right_choices
from quizgen.text import to_plain

JS = Path(__file__).resolve().parent / "js"

GIFT_TYPE = {
    "multiple_choice": "MC",
    "multiple_answer": "MC",
    "true_false": "TF",
    "short_answer": "Short",
    "numeric": "Numerical",
    "cloze": "Short",
    "matching": "Matching",
}

# Every character GIFT gives a meaning to, in every field it can reach.
SPECIAL = r"a ~ b = c # d { e } f : g \ h \n &#39; // x"
GIFT_HOSTILE_BANK = f"""\
id: special
title: "GIFT: ~=#{{}}\\\\ test"
questions:
  - id: mc
    type: multiple_choice
    prompt: '{SPECIAL}'
    choices: ['{SPECIAL}', "[plain] not a format", "%50% not a weight", "2 -> 3"]
    answer: '{SPECIAL}'
    explanation: '{SPECIAL}'
    topic: 'Topic: ~#'
  - id: sa
    type: short_answer
    prompt: "Two\\n\\nparagraphs, then ## and ::"
    answer: ['{SPECIAL}', "a*b", "x -> y"]
  - id: mt
    type: matching
    prompt: Match.
    pairs:
      - ['{SPECIAL}', 'r ~ = # {{ }} : \\ s']
      - ["a -> b", "plain"]
  - id: nm
    type: numeric
    prompt: Tiny.
    answer: 0.0000001
    tolerance: 0.00000001
  - id: neg
    type: numeric
    prompt: Negative.
    answer: -12.5
  - id: cz
    type: cloze
    text: "One {{{{c1::gap {{~}}::a hint #1}}}} here: ~"
  - id: skip-order
    type: ordering
    prompt: Order.
    items: [a, b]
  - id: skip-arrow
    type: matching
    prompt: Arrow on the right.
    pairs: [[a, "b -> c"], [d, e]]
  - id: skip-amp
    type: short_answer
    prompt: Amp.
    answer: ["&&058;"]
"""


@pytest.fixture(scope="session")
def gift_reader() -> Path:
    """The parse script, with gift-pegjs installed beside it (skips without node locally)."""
    if (JS / "node_modules" / "gift-pegjs").is_dir() and shutil.which("node"):
        return JS / "parse_gift.js"
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail("CI=true but gift-pegjs is not installed (npm ci --prefix tests/js)")
    pytest.skip("gift-pegjs not installed (npm ci --prefix tests/js)")


def parse_gift(reader: Path, path: Path) -> list[dict[str, Any]]:
    done = subprocess.run(
        ["node", str(reader), str(path)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def export(path: Path, out: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["export", "gift", str(path), "-o", str(out), *args])
    assert result.exit_code == 0, result.output
    return result.output


def shown(text: dict[str, Any] | None) -> str:
    """What Moodle shows of a parsed GIFT text: HTML rendered to its text, else as written."""
    if not text:
        return ""
    if text["format"] != "html" or not text["text"]:
        return text["text"]
    return lxml_html.fragment_fromstring(text["text"], create_parent="div").text_content()


def unwildcard(pattern: str) -> str:
    """The literal answer a Moodle short-answer pattern matches (``\\*`` is a star)."""
    assert re.search(r"(?<!\\)\*", pattern) is None, pattern
    return pattern.replace("\\*", "*")


def moodle_category_names(path: str) -> list[str]:
    return [part.replace("//", "/").strip() for part in re.split(r"(?<!/)/(?!/)", path)]


# gift-pegjs reads escapes as these placeholders and decodes them everywhere but in a
# matching pair's right-hand item (its PlainText rule forgets to); Moodle's importer
# decodes them there too (qformat_gift::escapedchar_post), so the test does the same.
PLACEHOLDERS = {"&&092;": "\\", "&&058;": ":", "&&035;": "#", "&&061;": "=", "&&123;": "{"}
PLACEHOLDERS |= {"&&125;": "}", "&&126;": "~", "&&010": "\n"}


def decoded(text: str) -> str:
    return re.sub("|".join(PLACEHOLDERS), lambda m: PLACEHOLDERS[m.group()], text)


def plain(text: str | None) -> str:
    return to_plain(text).replace("\n", "")


def check_question(bank: Bank, question: Question, parsed: dict[str, Any]) -> None:
    assert parsed["type"] == GIFT_TYPE[question.type]
    assert (parsed["title"], parsed["id"]) == (question.id, question.id)
    tags = list(question.tags) + (
        [f"difficulty-{question.difficulty}"] if question.difficulty else []
    )
    assert (parsed["tags"] or []) == tags
    stem = shown(parsed["stem"])
    if question.prompt:
        assert plain(question.prompt) in stem
    feedback = shown(parsed["globalFeedback"])
    if question.explanation:
        assert plain(question.explanation) in feedback
    for ref in question.citations:
        assert ref.quote in feedback
    if isinstance(question, MultipleChoice):
        assert [shown(c["text"]) for c in parsed["choices"]] == [plain(c) for c in question.choices]
        right = [shown(c["text"]) for c in parsed["choices"] if c["isCorrect"]]
        assert right == [plain(c) for c in right_choices(question)]
    elif isinstance(question, MultipleAnswer):
        weights = [c["weight"] for c in parsed["choices"]]
        right = [shown(c["text"]) for c in parsed["choices"] if c["weight"] > 0]
        assert right == [plain(c) for c in right_choices(question)]
        assert abs(sum(w for w in weights if w > 0) - 100) < 1e-3
        assert {w for w in weights if w <= 0} <= {-100}
    elif isinstance(question, TrueFalse):
        assert parsed["isTrue"] is question.answer
    elif isinstance(question, ShortAnswer):
        assert [unwildcard(c["text"]["text"]) for c in parsed["choices"]] == list(question.answers)
    elif isinstance(question, Numeric):
        (choice,) = parsed["choices"] if isinstance(parsed["choices"], list) else [parsed]
        number = choice["text"] if "text" in choice else parsed["choices"]
        assert number["number"] == question.answer
        assert number.get("range", 0) == question.tolerance
        if question.unit:
            assert question.unit in stem
    elif isinstance(question, Cloze):
        (deletion,) = question.deletions
        assert [unwildcard(c["text"]["text"]) for c in parsed["choices"]] == [deletion.answer]
        assert parsed["hasEmbeddedAnswers"] is True
        if deletion.hint:
            assert deletion.hint in stem
    elif isinstance(question, Matching):
        pairs = [(shown(p["subquestion"]), decoded(p["subanswer"])) for p in parsed["matchPairs"]]
        assert pairs == [(plain(left), plain(right)) for left, right in question.pairs]


def check_file(banks: list[Bank], parsed: list[dict[str, Any]]) -> None:
    category = ""
    found: dict[str, tuple[str, dict[str, Any]]] = {}
    for item in parsed:
        if item["type"] == "Category":
            category = item["title"]
        else:
            found[item["id"]] = (category, item)
    chosen = [(b, q) for b in banks for q in b.questions]
    kept = [(b, q) for b, q in chosen if skip_reason(q) is None]
    assert sorted(found) == sorted(q.id for _, q in kept)
    for bank, question in kept:
        category, item = found[question.id]
        names = moodle_category_names(category)
        assert names[:2] == ["$course$", bank.title]
        assert names[2:] == ([question.topic] if question.topic else [])
        check_question(bank, question, item)


@pytest.mark.slow  # starts node
def test_every_type_gift_carries_reads_back_as_the_bank(write_bank, tmp_path, gift_reader):
    write_image(tmp_path)
    path = write_bank(
        ALL_TYPES_BANK.replace("{{c2::economic integration}}", "economic integration")
    )
    out = tmp_path / "all.gift.txt"
    export(path, out)
    banks = load_banks([path])
    check_file(banks, parse_gift(gift_reader, out))
    assert {q.type for q in banks[0].questions if skip_reason(q) is None} == set(GIFT_TYPE)


@pytest.mark.slow  # starts node
def test_gift_special_characters_and_hostile_text_stay_text(write_bank, tmp_path, gift_reader):
    for name, text in (("special.yaml", GIFT_HOSTILE_BANK), ("hostile.yaml", HOSTILE_BANK)):
        path = write_bank(text, name)
        out = tmp_path / f"{name}.gift.txt"
        export(path, out)
        check_file(load_banks([path]), parse_gift(gift_reader, out))
        raw = out.read_text(encoding="utf-8")
        assert "&#" not in raw  # GIFT would read a numeric reference's '#' as feedback
        for block in raw.split("\n\n"):  # a blank line ends a question: never one inside
            assert block.startswith(("$CATEGORY: ", "// [id:")), block


@pytest.mark.slow  # starts node
def test_what_gift_cannot_carry_is_reported_located_and_left_out(write_bank, tmp_path, gift_reader):
    path = write_bank(GIFT_HOSTILE_BANK)
    out = tmp_path / "s.gift.txt"
    output = export(path, out)
    lines = path.read_text(encoding="utf-8").splitlines()

    def at(question_id: str) -> str:
        line = lines.index(f"  - id: {question_id}") + 1
        return f"{path}:{line}:5: warning: question '{question_id}': "

    assert at("skip-order") + "GIFT has no ordering questions: left out" in output
    assert at("skip-arrow") + "the right-hand item 'b -> c' holds '->'" in output
    assert at("skip-amp") + "the answer '&&058;' holds '&&'" in output
    assert "3 warnings: what GIFT degrades or leaves out (--strict makes them errors)" in output
    ids = {q.get("id") for q in parse_gift(gift_reader, out)}
    assert not ids & {"skip-order", "skip-arrow", "skip-amp"}
    strict = CliRunner().invoke(cli, ["export", "gift", str(path), "-o", str(tmp_path / "n")])
    assert strict.exit_code == 0
    strict = CliRunner().invoke(
        cli, ["export", "gift", str(path), "-o", str(tmp_path / "m"), "--strict"]
    )
    assert strict.exit_code == 1 and not (tmp_path / "m").exists()
    assert at("skip-order").replace("warning", "error") in strict.output
    check = CliRunner().invoke(cli, ["check", str(path), "--for", "gift"])
    assert at("skip-order") + "GIFT has no ordering questions: left out" in check.output


def test_degraded_questions_are_located_warnings(write_bank, tmp_path):
    write_image(tmp_path)
    path = write_bank(ALL_TYPES_BANK.replace("answer: 9\n", "answer: 9\n    points: 2\n"))
    output = export(path, tmp_path / "d.gift.txt")
    for message in (
        "question 'mc-largest': GIFT cannot carry files: the image is left out",
        "question 'num-members': GIFT has no units: the unit is shown in the question text only",
        "question 'num-members': GIFT has no points: Moodle gives 1 mark, not 2",
        "question 'cloze-focus': GIFT holds a cloze with one gap, not 2: left out",
        "question 'order-steps': GIFT has no ordering questions: left out",
    ):
        assert re.search(rf":\d+:\d+: warning: {re.escape(message)}", output), message


def test_snapshot(workdir, snapshot):
    out = run(["export", "gift", rel(SNAPSHOT_BANK), "-o", "snap.gift.txt"])
    assert "[exit 0]" in out, out
    snapshot("gift.txt", (workdir / "snap.gift.txt").read_text(encoding="utf-8"))
