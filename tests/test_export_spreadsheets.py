"""Blackboard, Quizlet (read back with csv) and Kahoot (read back with openpyxl) exports."""

from __future__ import annotations

import csv
import html
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from openpyxl.worksheet.worksheet import Worksheet

from quizgen.bank.load import load_banks
from quizgen.cli import cli
from quizgen.outputs import blackboard, kahoot, quizlet
from quizgen.outputs.base import OutputOptions, Selection
from quizgen.outputs.cells import neutral_cell

BANK = """\
id: demo
title: Demo
sources:
  blog: seeds/004_369735ee3e7b3786.txt
questions:
  - id: mc
    type: multiple_choice
    prompt: "=HYPERLINK(\\"http://x\\") <script>alert(1)</script>"
    choices: ["+1", "-2", "@SUM(A1)", " =3", "\\t=4"]
    answer: "-2"
    explanation: "Line one\\nline two"
    source: {doc: blog, quote: "Kyrgyzstan"}
    difficulty: hard
  - id: ma
    type: multiple_answer
    prompt: "Pick\\ttwo\\nnow."
    choices: [a, b, c]
    answer: [a, c]
    shuffle: false
  - id: tf
    type: true_false
    prompt: The sky is green.
    answer: false
    points: 2
  - id: sa
    type: short_answer
    prompt: Capital?
    answer: [Bishkek, "AT&T"]
    case_sensitive: true
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
    pairs: [[one, "1"], [two, "2"]]
  - id: od
    type: ordering
    prompt: Order.
    items: [first, second, third]
"""

FORMULA_STARTS = ("=", "+", "-", "@")


def export(fmt: str, bank: Path, *args: str) -> tuple[Path, str]:
    out = bank.parent / f"out-{fmt}.{'xlsx' if fmt == 'kahoot' else 'txt'}"
    result = CliRunner().invoke(cli, ["export", fmt, str(bank), "-o", str(out), *args])
    assert result.exit_code == 0, result.output
    return out, result.stderr


def read_tsv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def assert_no_formula(cell: str) -> None:
    assert cell.lstrip(" \t\r\n")[:1] not in FORMULA_STARTS, cell


def problems(fmt, text: str, write_bank) -> list:
    return fmt.problems(Selection.whole(load_banks([write_bank(text)])), OutputOptions())


# --------------------------------------------------------------------------- cells


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@A1", "'@A1"),
        ("  =1", "'  =1"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("\tplain", "'\tplain"),
        ("a=1", "a=1"),
        ("plain", "plain"),
        ("", ""),
    ],
)
def test_a_cell_never_starts_a_formula(text: str, expected: str) -> None:
    assert neutral_cell(text) == expected


# --------------------------------------------------------------------------- Blackboard


def test_blackboard_rows_read_back_one_per_question_with_each_types_fields(write_bank):
    path, _ = export("blackboard", write_bank(BANK))
    rows = read_tsv(path)
    assert [r[0] for r in rows] == ["MC", "MA", "TF", "FIB", "NUM", "FIB_PLUS", "MAT", "ORD"]
    mc, ma, tf, fib, num, fib_plus, mat, ord_ = rows
    assert mc[3::2] == ["incorrect", "correct", "incorrect", "incorrect", "incorrect"]
    assert html.unescape(mc[4]).lstrip("'") == "-2"
    assert ma[2:] == ["a", "correct", "b", "incorrect", "c", "correct"]
    assert ma[1] == "Pick two<br>now."
    assert tf[2] == "false"
    assert fib[2:] == ["Bishkek", "AT&T"]  # typed answers are compared: plain text
    assert num[1:] == ["How far? (km)", "42", "0.5"]
    assert fib_plus[1] == "The [gap1] met in [gap2] (a city)."
    assert fib_plus[2:] == ["gap1", "SCO", "", "gap2", "Bishkek"]
    assert mat[2:] == ["one", "1", "two", "2"]
    assert ord_[2:] == ["first", "second", "third"]


def test_blackboard_hostile_text_is_escaped_html_and_never_a_formula(write_bank):
    path, _ = export("blackboard", write_bank(BANK))
    for row in read_tsv(path):
        for cell in row:
            assert_no_formula(cell)
            assert "<script>" not in cell
    assert "&lt;script&gt;" in read_tsv(path)[0][1]


def test_blackboard_reports_feedback_points_and_case_it_cannot_carry(write_bank):
    found = {
        (p.question, p.message.split(":")[0]) for p in problems(blackboard.FORMAT, BANK, write_bank)
    }
    assert found == {
        ("mc", "Blackboard's upload file carries no feedback"),
        ("tf", "Blackboard's upload file carries no points"),
        ("sa", "Blackboard's upload sets no case rule"),
    }


def test_blackboard_refuses_a_cloze_of_more_gaps_than_it_takes(write_bank):
    gaps = " ".join(f"{{{{c{n}::w{n}}}}}" for n in range(1, 12))
    text = f'id: b\ntitle: B\nquestions:\n  - id: big\n    type: cloze\n    text: "{gaps}"\n'
    (problem,) = problems(blackboard.FORMAT, text, write_bank)
    assert problem.severity == "error" and "11 gaps" in problem.message
    assert problem.location.line == 6


# --------------------------------------------------------------------------- Quizlet


def test_quizlet_every_question_is_one_card_of_two_fields(write_bank):
    path, _ = export("quizlet", write_bank(BANK))
    rows = read_tsv(path)
    assert all(len(row) == 2 for row in rows)
    assert len(rows) == 8
    cards = dict(rows[1:])
    assert cards["Pick two now."] == "a; c"
    assert cards["The sky is green."] == "False"
    assert cards["Capital?"] == "Bishkek"
    assert cards["How far?"] == "42 ± 0.5 km"
    assert cards["The (1) _____ met in (2) _____ (a city)."] == "(1) SCO; (2) Bishkek"
    assert cards["Match."] == "one → 1; two → 2"
    assert cards["Order."] == "first → second → third"
    term, definition = rows[0]
    assert term.startswith("'=HYPERLINK") and "<script>alert(1)</script>" in term
    assert definition == "'-2"
    for row in rows:
        for cell in row:
            assert_no_formula(cell)


def test_quizlet_reports_the_types_it_degrades(write_bank):
    found = {p.question for p in problems(quizlet.FORMAT, BANK, write_bank)}
    assert found == {"mc", "ma", "cz", "mt", "od"}


# --------------------------------------------------------------------------- Kahoot


def sheet_rows(path: Path) -> list[tuple]:
    sheet = openpyxl.load_workbook(path).active
    assert isinstance(sheet, Worksheet)
    return list(sheet.iter_rows(min_row=kahoot.HEADER_ROW, values_only=True))


def test_kahoot_sheet_reads_back_as_kahoots_template(write_bank):
    text = BANK.replace('"\\t=4"', "five").replace(
        ', "-2", "@SUM(A1)", " =3", five]', ', "-2", "@SUM(A1)", " =3"]'
    )
    path, stderr = export("kahoot", write_bank(text), "--no-shuffle")
    header, *rows = sheet_rows(path)
    assert header[1:8] == kahoot.HEADER[1:]
    assert [r[0] for r in rows] == [1, 2, 3]
    mc, ma, tf = rows
    assert mc[1] == '\'=HYPERLINK("http://x") <script>alert(1)</script>'
    assert mc[2:6] == ("'+1", "'-2", "'@SUM(A1)", "' =3")
    assert mc[6] == 60 and mc[7] == "2"
    assert ma[1:5] == ("Pick two now.", "a", "b", "c") and ma[7] == "1,3"
    assert tf[2:4] == ("True", "False") and tf[7] == "2" and tf[6] == 20
    # Skipped types are named, each at its place.
    for qid in ("sa", "num", "cz", "mt", "od"):
        assert f"question '{qid}': Kahoot quiz spreadsheet (xlsx) leaves out" in stderr
    sheet = openpyxl.load_workbook(path).active
    assert isinstance(sheet, Worksheet)
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_kahoot_shuffles_choices_but_keeps_the_right_numbers(write_bank):
    bank = write_bank(BANK.replace(', "\\t=4"]', "]"))
    path, _ = export("kahoot", bank, "--seed", "3", "--type", "multiple_choice")
    (row,) = sheet_rows(path)[1:]
    (right,) = row[7].split(",")
    assert row[1 + int(right)] == "'-2"


def test_kahoot_refuses_text_over_its_limits_with_the_place_never_cuts(write_bank):
    long_prompt = "Q" * 121
    text = f"""\
id: k
title: K
questions:
  - id: long
    type: multiple_choice
    prompt: {long_prompt}
    choices: [a, {"b" * 76}]
    answer: a
  - id: five
    type: multiple_choice
    prompt: Five?
    choices: [a, b, c, d, e]
    answer: a
"""
    found = problems(kahoot.FORMAT, text, write_bank)
    assert [(p.question, p.severity, p.location.line) for p in found] == [
        ("long", "error", 6),
        ("long", "error", 7),
        ("five", "error", 12),
    ]
    assert "121 characters" in found[0].message and "76 characters" in found[1].message


def test_kahoot_with_no_question_it_takes_is_an_error(write_bank):
    text = "id: k\ntitle: K\nquestions:\n  - {id: s, type: short_answer, prompt: P, answer: [x]}\n"
    found = problems(kahoot.FORMAT, text, write_bank)
    assert [p.severity for p in found] == ["warning", "error"]
