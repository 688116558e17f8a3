"""The Brightspace CSV export, read back with the csv module and checked against the bank.

Regular expressions are checked with Python's ``re``: the patterns written use only syntax
that .NET (Brightspace's engine), Java, JavaScript and Python read alike.
"""

from __future__ import annotations

import csv
import html
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from quizgen.bank.load import load_banks
from quizgen.bank.model import (
    Bank,
    Cloze,
    Matching,
    MultipleAnswer,
    MultipleChoice,
    Numeric,
    Ordering,
    Question,
    ShortAnswer,
    TrueFalse,
)
from quizgen.cli import cli
from quizgen.outputs import brightspace
from quizgen.outputs.base import OutputOptions, Selection
from quizgen.text import format_number, to_plain

BANK = """\
id: demo
title: Demo
sources:
  blog: seeds/004_369735ee3e7b3786.txt
questions:
  - id: mc
    type: multiple_choice
    prompt: "=HYPERLINK(\\"http://x\\") <script>alert(1)</script>, **bold**"
    choices: ["+1", "-2", "@SUM(A1)", " =3", "\\t=4", "a, \\"quoted\\" one"]
    answer: "-2"
    explanation: "Line one\\nline two"
    source: {doc: blog, quote: "Kyrgyzstan"}
    difficulty: hard
    topic: Maths
    tags: [sums, signs]
  - id: ma
    type: multiple_answer
    prompt: "Pick\\ttwo\\nnow."
    choices: [a, b, c, d]
    answer: [a, c]
    shuffle: false
  - id: ma-part
    type: multiple_answer
    prompt: Pick some.
    choices: [x, y, z]
    answer: [y]
    partial: true
  - id: tf
    type: true_false
    prompt: The sky is green.
    answer: false
    points: 2
  - id: sa
    type: short_answer
    prompt: Capital?
    answer: [Bishkek, "AT&T (x.y)*"]
    case_sensitive: true
  - id: sa-any
    type: short_answer
    prompt: Temperature?
    answer: [Hot, "-5", "=cold"]
  - id: num
    type: numeric
    prompt: How far?
    answer: 42
    tolerance: 0.5
    unit: km
  - id: num-neg
    type: numeric
    prompt: Below zero?
    answer: -1.25
  - id: num-zero
    type: numeric
    prompt: Nothing?
    answer: 0
  - id: cz
    type: cloze
    text: "The {{c1::SCO}} met in {{c2::Bishkek::a city}}."
  - id: cz-one
    type: cloze
    prompt: One gap.
    text: "Water boils at {{c1::100::a number}} degrees."
  - id: mt
    type: matching
    prompt: Match.
    pairs: [[one, "1"], [two, "2"], ["=three", "-3"]]
  - id: mt-part
    type: matching
    prompt: Match again.
    pairs: [[a, b], [c, d]]
    partial: true
  - id: od
    type: ordering
    prompt: Order.
    items: [first, second, "@third"]
"""

FORMULA_STARTS = ("=", "+", "-", "@")
TAG = re.compile(r"<[^>]*>")


def export(bank: Path, *args: str) -> tuple[Path, CliRunner]:
    out = bank.parent / "out.csv"
    result = CliRunner().invoke(cli, ["export", "brightspace", str(bank), "-o", str(out), *args])
    assert result.exit_code == 0, result.output
    return out, result


def read_blocks(path: Path) -> list[list[list[str]]]:
    """The file's rows, cut into one block per question at the empty separator rows."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    blocks: list[list[list[str]]] = [[]]
    for row in rows:
        assert len(row) == brightspace.WIDTH, row
        if not any(row):
            blocks.append([])
        else:
            blocks[-1].append(row)
    assert blocks[-1] == [], "the file ends with a separator row"
    return blocks[:-1]


def text_of(cell: str) -> str:
    """What a displayed HTML cell shows, as text: tags dropped, references decoded."""
    return " ".join(html.unescape(TAG.sub("", cell.replace("<br>", " "))).split())


def words(text: str) -> str:
    """Bank text as a page shows it: Markdown markers gone, white space collapsed."""
    return " ".join(to_plain(text).split())


def keyed(block: list[list[str]]) -> dict[str, list[list[str]]]:
    out: dict[str, list[list[str]]] = {}
    for row in block:
        out.setdefault(row[0], []).append(row[1:])
    return out


@pytest.fixture
def exported(write_bank) -> tuple[Bank, list[list[list[str]]]]:
    path = write_bank(BANK)
    out, _ = export(path)
    (bank,) = load_banks([path])
    return bank, read_blocks(out)


def accepts(pattern: str, typed: str) -> bool:
    return re.search(pattern, typed) is not None


# --------------------------------------------------------------------------- every question


def check_choices(question: MultipleChoice | MultipleAnswer, rows: dict) -> None:
    options = rows["Option"]
    assert [text_of(o[1]) for o in options] == [words(c) for c in question.choices]
    assert all(o[2] == "HTML" for o in options)
    if isinstance(question, MultipleChoice):
        percents = [int(o[0]) for o in options]
        assert sum(percents) == 100
        assert percents[question.answer_index] == 100
    else:
        marks = [o[0] for o in options]
        assert marks == ["1" if question.is_right(c) else "0" for c in question.choices]
        scoring = rows["Scoring"][0][0]
        assert scoring == ("RightAnswers" if question.partial else "AllOrNothing")


def check_typed(question: Question, rows: dict) -> None:
    answers = rows["Answer"]
    assert rows["InputBox"] == [["1", "40", "", ""]]
    assert all(a[0] == "100" for a in answers)
    if isinstance(question, ShortAnswer):
        assert len(answers) == len(question.answers)
        for accepted, (_, text, flag, _) in zip(question.answers, answers, strict=True):
            if flag == "regexp":
                assert accepts(text, accepted) and accepts(text, f"  {accepted} ")
                assert accepts(text, accepted.swapcase()) is not question.case_sensitive
                assert not accepts(text, accepted + "x") and not accepts(text, "x" + accepted)
            else:
                assert flag == "" and text == accepted and not question.case_sensitive
    elif isinstance(question, Numeric):
        ((_, pattern, flag, _),) = answers
        assert flag == "regexp"
        shown = format_number(question.answer)
        for typed in (shown, f" {shown} ", f"{shown}{'' if '.' in shown else '.'}00"):
            assert accepts(pattern, typed), (pattern, typed)
        if question.unit:
            assert accepts(pattern, f"{shown} {question.unit}")
        for wrong in (f"1{shown}", f"{shown}1", "", f"{shown} {shown}"):
            assert not accepts(pattern, wrong), (pattern, wrong)


def check_question(bank: Bank, question: Question, block: list[list[str]]) -> None:
    rows = keyed(block)
    assert block[0][:2] == ["NewQuestion", brightspace.type_code(question)]
    assert rows["ID"] == [[f"{bank.id}-{question.id}", "", "", ""]]
    assert question.id in rows["Title"][0][0]
    assert rows["Points"][0][0] == format_number(question.points)
    assert rows["QuestionText"][0][1] == "HTML"
    shown = text_of(rows["QuestionText"][0][0])
    if question.prompt:
        assert words(question.prompt) in shown
    if question.explanation:
        assert text_of(rows["Feedback"][0][0]).startswith(words(question.explanation))
    if question.difficulty:
        assert rows["Difficulty"] == [[brightspace.DIFFICULTY[question.difficulty], "", "", ""]]
    if isinstance(question, MultipleChoice | MultipleAnswer):
        check_choices(question, rows)
    elif isinstance(question, TrueFalse):
        right = "TRUE" if question.answer else "FALSE"
        wrong = "FALSE" if question.answer else "TRUE"
        assert rows[right][0][0] == "100" and rows[wrong][0][0] == "0"
    elif isinstance(question, ShortAnswer | Numeric):
        check_typed(question, rows)
    elif isinstance(question, Cloze) and len(question.deletions) == 1:
        ((_, answer, flag, _),) = rows["Answer"]
        assert (answer, flag) == (question.deletions[0].answer, "")
        assert brightspace.BLANK in shown and question.deletions[0].answer not in shown
    elif isinstance(question, Cloze):
        key = text_of(rows["AnswerKey"][0][0])
        assert all(d.answer in key for d in question.deletions)
        assert all(d.answer not in shown for d in question.deletions)
    elif isinstance(question, Matching):
        choices = {n: text_of(t) for n, t, _, _ in rows["Choice"]}
        matched = {choices[n]: text_of(t) for n, t, _, _ in rows["Match"]}
        assert matched == {words(left): words(right) for left, right in question.pairs}
        firsts = [text_of(r[1]) for r in rows["Match"]]
        assert firsts != [words(r) for r in question.rights], "matches not in answer order"
        assert rows["Scoring"][0][0] == ("EquallyWeighted" if question.partial else "AllOrNothing")
    elif isinstance(question, Ordering):
        assert [text_of(r[0]) for r in rows["Item"]] == [words(i) for i in question.items]
        assert all(r[1] == "HTML" for r in rows["Item"])
    else:  # pragma: no cover - every type is above
        raise AssertionError(question.type)


def test_every_question_reads_back_as_its_bank_question(exported) -> None:
    bank, blocks = exported
    assert len(blocks) == len(bank.questions)
    for question, block in zip(bank.questions, blocks, strict=True):
        check_question(bank, question, block)


def test_the_types_and_scorings_each_question_becomes(exported) -> None:
    _, blocks = exported
    types = {keyed(b)["ID"][0][0]: b[0][1] for b in blocks}
    assert types == {
        "demo-mc": "MC",
        "demo-ma": "MS",
        "demo-ma-part": "MS",
        "demo-tf": "TF",
        "demo-sa": "SA",
        "demo-sa-any": "SA",
        "demo-num": "SA",
        "demo-num-neg": "SA",
        "demo-num-zero": "SA",
        "demo-cz": "WR",
        "demo-cz-one": "SA",
        "demo-mt": "M",
        "demo-mt-part": "M",
        "demo-od": "O",
    }


def test_the_file_is_csv_utf8_with_a_bom_crlf_and_no_blank_line(exported, tmp_path) -> None:
    data = (tmp_path / "out.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbfNewQuestion,MC,,,\r\n")
    assert b"\r\n\r\n" not in data
    assert data.count(b"\r\n,,,,\r\n") == len(exported[1])


def test_title_carries_topic_and_tags(exported) -> None:
    _, blocks = exported
    assert keyed(blocks[0])["Title"][0][0] == "Maths: mc [sums, signs]"


def test_explanation_and_source_are_the_feedback(exported) -> None:
    _, blocks = exported
    feedback = text_of(keyed(blocks[0])["Feedback"][0][0])
    assert feedback.startswith("Line one line two")
    assert "Source:" in feedback and "“Kyrgyzstan”" in feedback


# --------------------------------------------------------------------------- hostile text


def test_no_cell_starts_a_formula_and_markup_stays_text(exported) -> None:
    _, blocks = exported
    for block in blocks:
        for row in block:
            for cell in row:
                assert cell.lstrip(" \t\r\n")[:1] not in FORMULA_STARTS, cell
                assert "<script" not in cell and "\n" not in cell and "\t" not in cell
    mc = keyed(blocks[0])
    assert text_of(mc["QuestionText"][0][0]).startswith('=HYPERLINK("http://x") <script>')
    assert "<strong>bold</strong>" in mc["QuestionText"][0][0]
    assert [text_of(o[1]) for o in mc["Option"]][:3] == ["+1", "-2", "@SUM(A1)"]


def test_a_typed_answer_that_starts_like_a_formula_is_a_regular_expression(exported) -> None:
    _, blocks = exported
    answers = keyed(blocks[5])["Answer"]
    assert answers[0] == ["100", "Hot", "", ""]
    for (_, pattern, flag, _), typed in zip(answers[1:], ["-5", "=cold"], strict=True):
        assert flag == "regexp" and accepts(pattern, typed) and accepts(pattern, typed.upper())


@pytest.mark.parametrize(
    ("answer", "right", "wrong"),
    [
        (42, ["42", "42.0", "+42", "042", "42 km", "42KM"], ["4", "420", "42.5", "-42", "42 m"]),
        (-1.25, ["-1.25", "-1.250", "-01.25"], ["1.25", "-1.2", "-1.255", "-125"]),
        (0, ["0", "0.0", ".0", "+0"], ["", "1", "0.1", "00.01"]),
        (0.5, ["0.5", ".5", "0.50"], ["5", "0.05", "1.5"]),
    ],
)
def test_a_numeric_answer_pattern_accepts_the_number_and_nothing_else(answer, right, wrong):
    question = Numeric("n", _nowhere(), answer=answer, unit="km")
    pattern = brightspace.number_pattern(question)
    assert [t for t in right if not accepts(pattern, t)] == []
    assert [t for t in wrong if accepts(pattern, t)] == []


def test_a_numeric_answer_as_the_bank_wrote_it_is_accepted_too() -> None:
    question = Numeric("n", _nowhere(), answer=150000, answer_text="150,000")
    pattern = brightspace.number_pattern(question)
    assert accepts(pattern, "150,000") and accepts(pattern, "150000")
    assert not accepts(pattern, "150.000")


def test_regex_special_characters_match_themselves() -> None:
    text = r"a.b*c+d?e(f)g[h]i{j}k|l^m$n\o"
    pattern = brightspace.answer_pattern(text, case_sensitive=True)
    assert accepts(pattern, text)
    assert not accepts(pattern, text.replace(".", "x"))


def _nowhere():
    from quizgen.errors import Location

    return Location("bank.yaml", 1, 1)


# --------------------------------------------------------------------------- what it reports


def test_problems_are_located_warnings_for_what_cannot_travel(write_bank) -> None:
    path = write_bank(BANK)
    selection = Selection.whole(load_banks([path]))
    problems = brightspace.FORMAT.problems(selection, OutputOptions())
    assert all(p.severity == "warning" and p.location.line > 0 for p in problems)
    found = sorted({(p.question, p.message.split(":")[0][:40]) for p in problems})
    assert {q for q, _ in found} == {"num", "num-neg", "num-zero", "cz", "cz-one"}
    (tolerance,) = [p for p in problems if "counted right" in p.message]
    assert tolerance.question == "num" and "only 42 is counted right" in tolerance.message
    assert tolerance.location.line == BANK.splitlines().index("    tolerance: 0.5") + 1


def test_an_image_is_named_in_the_file_and_reported(write_bank) -> None:
    folder = write_bank(BANK).parent
    (folder / "dot.png").write_bytes(
        bytes.fromhex(
            "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
            "1f15c4890000000d49444154789c6300010000050001a5f645400000000049454e44ae426082"
        )
    )
    text = """\
id: img
title: Img
questions:
  - id: pic
    type: true_false
    prompt: A dot.
    answer: true
    image: dot.png
"""
    path = write_bank(text, "img.yaml")
    selection = Selection.whole(load_banks([path]))
    problems = brightspace.FORMAT.problems(selection, OutputOptions())
    (problem,) = problems
    assert problem.question == "pic" and "images/dot.png" in problem.message
    out, _ = export(path)
    (pic,) = read_blocks(out)
    assert keyed(pic)["Image"] == [["images/dot.png", "", "", ""]]


def test_strict_makes_the_warnings_errors_and_writes_nothing(write_bank) -> None:
    path = write_bank(BANK)
    out = path.parent / "strict.csv"
    result = CliRunner().invoke(
        cli, ["export", "brightspace", str(path), "-o", str(out), "--strict"]
    )
    assert result.exit_code == 1
    assert "num" in result.output and not out.exists()


def test_check_for_brightspace_reports_the_same(write_bank) -> None:
    path = write_bank(BANK)
    result = CliRunner().invoke(cli, ["check", str(path), "--for", "brightspace"])
    assert "question 'cz'" in result.output and "question 'num'" in result.output
