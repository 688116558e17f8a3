"""Blackboard, Quizlet, Blooket (read back with csv); Kahoot, Wayground (with openpyxl)."""

from __future__ import annotations

import csv
import gc
import html
import re
import weakref
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from openpyxl.worksheet.worksheet import Worksheet

from quizgen.bank.load import load_banks
from quizgen.cli import cli
from quizgen.outputs import blackboard, blooket, kahoot, quizlet, wayground
from quizgen.outputs.base import OutputOptions, Selection
from quizgen.outputs.cells import neutral_cell
from quizgen.outputs.game_sheets import per_selection, takes_choices
from quizgen.text import to_plain

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
    suffix = {"kahoot": "xlsx", "wayground": "xlsx", "blooket": "csv"}.get(fmt, "txt")
    out = bank.parent / f"out-{fmt}.{suffix}"
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


def test_kahoot_leaves_out_a_question_over_its_limits_with_the_place_never_cuts(write_bank):
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
  - id: fits
    type: true_false
    prompt: Fits.
    answer: true
"""
    found = problems(kahoot.FORMAT, text, write_bank)
    assert [(p.question, p.severity, p.location.line) for p in found] == [
        ("long", "warning", 6),
        ("long", "warning", 7),
        ("five", "warning", 12),
    ]
    assert found[0].message == (
        "the question is 121 characters; Kahoot takes at most 120: left out "
        "(shorten it to include it)"
    )
    assert "choice 2 is 76 characters; Kahoot takes at most 75: left out" in found[1].message
    assert "5 choices; Kahoot takes 2 to 4 answers: left out" in found[2].message
    bank = write_bank(text)
    path, stderr = export("kahoot", bank)
    rows = sheet_rows(path)[1:]
    assert [r[1] for r in rows] == ["Fits."]  # the others are left out, not cut
    assert all(len(v) <= kahoot.MAX_ANSWER for r in rows for v in r[2:6] if v)
    assert "question 'long': the question is 121 characters" in stderr
    assert "question 'five': 5 choices" in stderr
    assert "3 warnings: what Kahoot quiz spreadsheet (xlsx) degrades or leaves out" in stderr
    strict = bank.parent / "strict.xlsx"
    result = CliRunner().invoke(cli, ["export", "kahoot", str(bank), "-o", str(strict), "--strict"])
    assert result.exit_code == 1
    assert "error: question 'five': 5 choices; Kahoot takes 2 to 4 answers" in result.output
    assert not strict.exists()


def test_kahoot_with_no_question_it_takes_is_an_error(write_bank):
    text = "id: k\ntitle: K\nquestions:\n  - {id: s, type: short_answer, prompt: P, answer: [x]}\n"
    found = problems(kahoot.FORMAT, text, write_bank)
    assert [p.severity for p in found] == ["warning", "error"]
    assert "no chosen question is one Kahoot takes" in found[1].message


def test_kahoot_with_no_question_within_its_limits_is_an_error(write_bank):
    long = "Q" * 121
    text = f"id: k\ntitle: K\nquestions:\n  - {{id: f, type: true_false, prompt: {long}, answer: true}}\n"
    found = problems(kahoot.FORMAT, text, write_bank)
    assert [p.severity for p in found] == ["warning", "error"]
    assert (
        "no chosen question fits Kahoot's limits (1 left out): nothing to write" in found[1].message
    )


def test_kahoot_on_the_shipped_bank_leaves_out_only_questions_it_names(tmp_path):
    bank_dir = Path(__file__).resolve().parent.parent / "question_bank"
    out = tmp_path / "bank.xlsx"
    result = CliRunner().invoke(cli, ["export", "kahoot", str(bank_dir), "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = sheet_rows(out)[1:]
    taken = [q for bank in load_banks([bank_dir]) for q in bank.questions if takes_choices(q)]
    left_out = set(re.findall(r"warning: question '([^']+)': [^\n]*: left out \(", result.stderr))
    assert left_out  # the shipped bank has questions past Kahoot's limits
    assert len(rows) + len(left_out) == len(taken)
    # Every other question is there, in bank order, and its text whole.
    assert [r[1] for r in rows] == [as_cell(q.prompt or "") for q in taken if q.id not in left_out]


# --------------------------------------------------------------------------- compute once


def test_a_plan_is_built_once_per_selection_and_options(write_bank):
    calls: list[tuple[int, OutputOptions]] = []

    @per_selection
    def build(selection: Selection, options: OutputOptions) -> int:
        calls.append((id(selection), options))
        return len(calls)

    selection = Selection.whole(load_banks([write_bank(BANK)]))
    again = Selection.whole(selection.banks)  # equal questions, another object
    assert build(selection, OutputOptions()) == build(selection, OutputOptions()) == 1
    assert build(selection, OutputOptions(seed="2")) == 2  # other options: built anew
    assert build(again, OutputOptions()) == 3  # another selection: built anew
    assert build(selection, OutputOptions(seed="2")) == 2  # each selection's plan is kept
    assert build(again, OutputOptions()) == 3
    assert len(calls) == 3


def test_a_kept_plan_does_not_keep_its_selection_alive(write_bank):
    # build --watch makes a new selection at every save: old ones must not pile up.
    selection = Selection.whole(load_banks([write_bank(BANK)]))
    gone = weakref.ref(selection)
    kahoot.FORMAT.problems(selection, OutputOptions())
    del selection
    gc.collect()
    assert gone() is None


def test_kahoot_writes_the_rows_of_the_options_it_is_given(write_bank, tmp_path):
    bank = write_bank(BANK.replace(', "\\t=4"]', "]"))
    selection = Selection.whole(load_banks([bank]))
    seen = set()
    for seed in "12345678":
        options = OutputOptions(seed=seed)
        kahoot.FORMAT.problems(selection, options)
        kahoot.FORMAT.write(selection, tmp_path / "k.xlsx", options)
        row = sheet_rows(tmp_path / "k.xlsx")[1]
        seen.add(row[2:6])
        (right,) = row[7].split(",")
        assert row[1 + int(right)] == "'-2"
    assert len(seen) > 1  # each seed's own order was written, not the first one cached


# --------------------------------------------------------------------------- Wayground


def wayground_rows(path: Path) -> tuple[tuple, tuple, list[tuple]]:
    sheet = openpyxl.load_workbook(path).active
    assert isinstance(sheet, Worksheet)
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    header, instructions, *rows = sheet.iter_rows(values_only=True)
    return header, instructions, rows


def as_cell(text: str) -> str:
    """What a bank text looks like in a game sheet's cell."""
    return neutral_cell(" ".join(to_plain(text).split("\n")).replace("\t", " "))


def test_wayground_sheet_reads_back_question_by_question(write_bank):
    bank = write_bank(BANK.replace('"\\t=4"', "five"))
    path, stderr = export("wayground", bank, "--no-shuffle")
    header, instructions, rows = wayground_rows(path)
    assert header == wayground.HEADER
    assert instructions[7].startswith("The correct option choice (between 1-5).")
    questions = [
        q for q in load_banks([bank])[0].questions if wayground.takes(q)
    ]  # mc, ma, tf, sa: in bank order
    assert [r[0] for r in rows] == [as_cell(q.prompt or "") for q in questions]
    mc, ma, tf, sa = rows
    assert mc[1:9] == ("Multiple Choice", "'+1", "'-2", "'@SUM(A1)", "' =3", "five", "2", 60)
    assert mc[10] == "Line one line two"  # the explanation, one line
    assert ma[1:9] == ("Checkbox", "a", "b", "c", None, None, "1,3", 20)
    assert tf[1:8] == ("Multiple Choice", "True", "False", None, None, None, "2")
    # Fill-in-the-Blank: the accepted answers as options, no right-option number.
    assert sa[1:9] == ("Fill-in-the-Blank", "Bishkek", "AT&T", None, None, None, None, 20)
    assert mc[0] == '\'=HYPERLINK("http://x") <script>alert(1)</script>'
    for qid in ("num", "cz", "mt", "od"):
        assert f"question '{qid}': Wayground (Quizizz) spreadsheet (xlsx) leaves out" in stderr
    assert "question 'sa': Wayground's sheet has no case rule" in stderr


def test_wayground_shuffles_options_but_the_numbers_name_the_banks_right_answers(write_bank):
    bank = write_bank(BANK)
    path, _ = export("wayground", bank, "--seed", "5", "--type", "multiple_answer")
    (row,) = wayground_rows(path)[2]
    options = [o for o in row[2:7] if o is not None]
    assert sorted(options) == ["a", "b", "c"]
    assert sorted(options[int(n) - 1] for n in row[7].split(",")) == ["a", "c"]


def test_wayground_leaves_out_more_options_or_answers_than_its_five_with_the_place(write_bank):
    text = """\
id: w
title: W
questions:
  - id: six
    type: multiple_choice
    prompt: Six?
    choices: [a, b, c, d, e, f]
    answer: a
  - id: many
    type: short_answer
    prompt: Name one.
    answer: [a, b, c, d, e, f]
    case_sensitive: true
  - id: fits
    type: short_answer
    prompt: Name it.
    answer: [x]
"""
    found = problems(wayground.FORMAT, text, write_bank)
    # A question left out gets no other warning (no case rule for a question not written).
    assert [(p.question, p.severity, p.location.line) for p in found] == [
        ("six", "warning", 7),
        ("many", "warning", 12),
    ]
    assert "6 choices; Wayground takes 2 to 5 answers: left out (remove choices" in found[0].message
    assert found[1].message == (
        "6 accepted answers; Wayground's sheet takes at most 5: left out "
        "(keep the 5 likeliest to include it)"
    )
    bank = write_bank(text)
    path, stderr = export("wayground", bank)
    rows = wayground_rows(path)[2]
    assert [r[:3] for r in rows] == [("Name it.", "Fill-in-the-Blank", "x")]
    assert "question 'six': 6 choices" in stderr and "question 'many': 6 accepted" in stderr
    strict = bank.parent / "strict.xlsx"
    result = CliRunner().invoke(
        cli, ["export", "wayground", str(bank), "-o", str(strict), "--strict"]
    )
    assert result.exit_code == 1
    assert "error: question 'many': 6 accepted answers" in result.output
    assert not strict.exists()


def test_wayground_strict_makes_its_warnings_errors_and_writes_nothing(write_bank):
    bank = write_bank(BANK.replace('"\\t=4"', "five"))
    out = bank.parent / "strict.xlsx"
    result = CliRunner().invoke(cli, ["export", "wayground", str(bank), "-o", str(out), "--strict"])
    assert result.exit_code == 1
    assert "error: question 'sa': Wayground's sheet has no case rule" in result.output
    assert not out.exists()


def test_wayground_with_no_question_it_takes_is_an_error(write_bank):
    text = "id: w\ntitle: W\nquestions:\n  - {id: n, type: numeric, prompt: P, answer: 1}\n"
    found = problems(wayground.FORMAT, text, write_bank)
    assert [p.severity for p in found] == ["warning", "error"]


# --------------------------------------------------------------------------- Blooket


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def test_blooket_csv_reads_back_as_blookets_template_question_by_question(write_bank):
    text = BANK.replace(', "\\t=4"]', "]")
    bank = write_bank(text)
    path, stderr = export("blooket", bank, "--no-shuffle")
    title, header, *rows = read_csv(path)
    assert title == [blooket.TITLE] + [""] * 7
    assert tuple(header) == blooket.HEADER
    questions = [q for q in load_banks([bank])[0].questions if q.type in blooket_types()]
    assert [r[0] for r in rows] == ["1", "2", "3"]
    assert [r[1] for r in rows] == [as_cell(q.prompt or "") for q in questions]
    mc, ma, tf = rows
    assert mc[2:] == ["'+1", "'-2", "'@SUM(A1)", "' =3", "60", "2"]
    assert ma[1:] == ["Pick two now.", "a", "b", "c", "", "20", "1,3"]
    assert tf[2:] == ["True", "False", "", "", "20", "2"]
    for row in rows:
        for value in row:
            assert_no_formula(value)
    for qid in ("sa", "num", "cz", "mt", "od"):
        assert f"question '{qid}': Blooket question set (CSV) leaves out" in stderr


def blooket_types() -> set[str]:
    return {name for name, c in blooket.FORMAT.carries.items() if c.level == "native"}


def test_blooket_shuffles_answers_but_keeps_the_right_numbers(write_bank):
    bank = write_bank(BANK.replace(', "\\t=4"]', "]"))
    for seed in ("1", "2", "3"):
        path, _ = export("blooket", bank, "--seed", seed, "--type", "multiple_choice")
        (row,) = read_csv(path)[2:]
        assert row[1 + int(row[7])] == "'-2"


def test_blooket_leaves_out_more_than_four_answers_with_the_place_never_cuts(write_bank):
    found = problems(blooket.FORMAT, BANK, write_bank)
    assert all(p.severity == "warning" for p in found)
    (mc,) = [p for p in found if p.question == "mc"]
    assert mc.location.line == 9
    assert mc.message == (
        "5 choices; Blooket takes 2 to 4 answers: left out (remove choices to include it)"
    )
    assert {p.question for p in found} == {"mc", "sa", "num", "cz", "mt", "od"}
    bank = write_bank(BANK)
    path, stderr = export("blooket", bank, "--no-shuffle")
    rows = read_csv(path)[2:]
    assert [r[1] for r in rows] == ["Pick two now.", "The sky is green."]  # ma, tf; not mc
    assert "question 'mc': 5 choices; Blooket takes 2 to 4 answers: left out" in stderr
    strict = bank.parent / "strict.csv"
    result = CliRunner().invoke(
        cli, ["export", "blooket", str(bank), "-o", str(strict), "--strict"]
    )
    assert result.exit_code == 1
    assert "error: question 'mc': 5 choices" in result.output
    assert not strict.exists()


def test_blooket_with_no_question_it_takes_is_an_error(write_bank):
    text = "id: b\ntitle: B\nquestions:\n  - {id: s, type: short_answer, prompt: P, answer: [x]}\n"
    found = problems(blooket.FORMAT, text, write_bank)
    assert [p.severity for p in found] == ["warning", "error"]
