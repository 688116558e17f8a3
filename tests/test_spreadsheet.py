"""Spreadsheets: the template, import with located problems, and the bank round trip."""

from __future__ import annotations

import dataclasses
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from openpyxl import load_workbook

from quizgen.authoring.sheet_format import COLUMNS, QUESTIONS_SHEET
from quizgen.bank.check import check_paths
from quizgen.bank.load import load_banks
from quizgen.bank.model import QUESTION_TYPES, Question
from quizgen.bank.provenance import normalize
from quizgen.cli import cli
from quizgen.resources import shipped_bank_dir

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
LESSON = "Rain falls from clouds. Water evaporates when the Sun heats the sea.\n"


def _run(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args))


def _fill(path: Path, rows: list[dict[str, Any]]) -> None:
    """Write ``rows`` under the Questions sheet's headers, as a teacher would type them."""
    book = load_workbook(path)
    sheet = book[QUESTIONS_SHEET]
    headers = [c.value for c in sheet[1]]
    for number, row in enumerate(rows, start=2):
        for header, value in row.items():
            sheet.cell(row=number, column=headers.index(header) + 1, value=value)
    book.save(path)


@pytest.fixture
def template(tmp_path: Path) -> Path:
    (tmp_path / "lesson.txt").write_text(LESSON, encoding="utf-8")
    path = tmp_path / "questions.xlsx"
    result = _run("new", "--spreadsheet", str(path), "--source", str(tmp_path / "lesson.txt"))
    assert result.exit_code == 0, result.output
    return path


def test_the_template_has_every_column_instructions_and_an_example_of_each_type(
    template: Path,
) -> None:
    book = load_workbook(template)
    assert book.sheetnames == ["Questions", "Bank", "Instructions", "Examples"]
    assert [c.value for c in book["Questions"][1]] == [c.header for c in COLUMNS]
    assert book["Questions"].max_row == 1  # nothing to delete before writing
    bank = {row[0]: row[1] for row in book["Bank"].iter_rows(values_only=True) if row[0]}
    assert bank["id"] == "questions" and bank["source id"] == "path"
    assert bank["lesson"] == "lesson.txt"
    examples = list(book["Examples"].iter_rows(min_row=2, values_only=True))
    assert sorted(row[1] for row in examples) == sorted(QUESTION_TYPES)
    helps = {row[0]: row[1] for row in book["Instructions"].iter_rows(values_only=True) if row[0]}
    assert all(helps.get(c.header) == c.help for c in COLUMNS)


def test_the_examples_sheet_imports_as_a_valid_bank(template: Path, tmp_path: Path) -> None:
    book = load_workbook(template)
    examples = [list(r) for r in book["Examples"].iter_rows(values_only=True)]
    del book["Questions"]
    copy = book.copy_worksheet(book["Examples"])
    copy.title = "Questions"
    book.save(template)
    assert examples  # the sheet is read by title, not position
    out = tmp_path / "examples.yaml"
    result = _run("import", str(template), "-o", str(out))
    assert "0 errors" in result.output, result.output
    assert len(load_banks([out])[0].questions) == len(QUESTION_TYPES)


def test_new_spreadsheet_never_overwrites(template: Path) -> None:
    before = template.read_bytes()
    result = _run("new", "--spreadsheet", str(template))
    assert result.exit_code == 1 and "already exists" in result.output
    assert template.read_bytes() == before


def test_import_writes_a_bank_that_passes_check(template: Path, tmp_path: Path) -> None:
    _fill(
        template,
        [
            {
                "type": "multiple_choice",
                "prompt": "What falls from clouds?",
                "choices": "Rain\nRocks\nyes",
                "answer": "Rain",
                "tags": "weather, rain",
                "source quote": "Rain falls from clouds.",
            },
            {
                "type": "True_False",
                "prompt": "The Sun heats the sea.",
                "answer": True,
                "source quote": "the Sun heats the sea",
            },
            {
                "type": "numeric",
                "prompt": "How many?",
                "answer": "1,500",
                "tolerance": "0.5",
                "source quote": "Rain falls",
            },
            {
                "type": "cloze",
                "prompt": "The {{c1::Sun}} heats the sea.",
                "source quote": "Sun heats the sea",
            },
            {
                "type": "matching",
                "prompt": "Match.",
                "choices": "Rain\nSun",
                "answer": "falls\nheats",
                "source quote": "Rain falls\nSun heats",
                "source doc": "lesson",
            },
            {
                "id": "order",
                "type": "ordering",
                "prompt": "Order them.",
                "choices": "1:30\n010\n=SUM(A1)",
                "source quote": "Water evaporates",
            },
        ],
    )
    out = tmp_path / "bank.yaml"
    result = _run("import", str(template), "-o", str(out))
    assert result.exit_code == 0, result.output
    last = result.output.splitlines()[-1]
    assert last.startswith(f"{out}: ok: 6 questions, 0 errors, ")
    (bank,) = load_banks([out])
    mc, tf, num, cloze, match, order = bank.questions
    assert mc.id == "falls-clouds" and mc.choices == ("Rain", "Rocks", "yes")  # type: ignore[attr-defined]
    assert mc.tags == ("weather", "rain")
    assert tf.answer is True  # type: ignore[attr-defined]
    assert (num.answer, num.answer_text, num.tolerance) == (1500, "1,500", 0.5)  # type: ignore[attr-defined]
    assert cloze.text == "The {{c1::Sun}} heats the sea." and cloze.prompt is None  # type: ignore[attr-defined]
    assert match.pairs == (("Rain", "falls"), ("Sun", "heats"))  # type: ignore[attr-defined]
    assert len(match.citations) == 2
    # YAML-sensitive text stays text: 1:30 is not 90, 010 is not 8, =SUM is not run
    assert order.items == ("1:30", "010", "=SUM(A1)")  # type: ignore[attr-defined]
    raw = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert raw["sources"] == {"lesson": {"path": "lesson.txt", "title": "lesson"}}


def test_import_locates_every_problem_at_its_cell_and_writes_nothing(
    template: Path, tmp_path: Path
) -> None:
    _fill(
        template,
        [
            {"type": "numeric", "prompt": "How many?", "answer": "nine", "source quote": "Rain"},
            {"type": "mulitple_choice", "prompt": "Which?"},
            {"type": "true_false", "prompt": "Is it?", "answer": "maybe", "tolerance": 3},
            {"id": "Water_Cycle", "type": "short_answer", "prompt": "What?", "answer": "rain"},
            {
                "type": "matching",
                "prompt": "Match.",
                "choices": "a\nb",
                "answer": "x",
                "source quote": "Rain",
            },
            {"type": "ordering", "prompt": "Order.", "choices": "a\nb"},
        ],
    )
    book = load_workbook(template)
    book["Questions"]["C7"] = "=1+1"  # a real formula cell, as a spreadsheet stores one
    book.save(template)
    out = tmp_path / "bank.yaml"
    result = _run("import", str(template), "-o", str(out))
    assert result.exit_code == 1
    name = str(template)
    lines = result.output.splitlines()
    assert lines == [
        f"{name}:Questions!F2: error: question 'many': answer must be a number, not 'nine'",
        f"{name}:Questions!B3: error: unknown type 'mulitple_choice' (did you mean "
        "'multiple_choice'?); the types are " + ", ".join(QUESTION_TYPES),
        f"{name}:Questions!F4: error: question 'q4': answer must be TRUE or FALSE, not 'maybe'",
        f"{name}:Questions!G4: error: question 'q4': column 'tolerance' does not apply to a "
        "true_false question; leave it empty",
        f"{name}:Questions!A5: error: question 'Water_Cycle': id 'Water_Cycle' must be a slug: "
        "a-z, 0-9 and '-' (for example 'water-cycle')",
        f"{name}:Questions!F6: error: question 'match': matching: 2 left items (choices) but 1 "
        "right items (answer); one right item per line for each left one",
        f"{name}:Questions!C7: error: this cell holds a formula (=1+1); write the text itself, "
        "or start it with ' to keep the = as text",
    ]
    assert not out.exists()


def test_check_problems_come_back_at_their_cells(template: Path, tmp_path: Path) -> None:
    _fill(
        template,
        [
            {
                "type": "multiple_choice",
                "prompt": "What falls?",
                "choices": "Rain\nSnow",
                "answer": "rain",
                "source quote": "Rain falls from clouds.",
            },
            {
                "type": "true_false",
                "prompt": "Snow falls.",
                "answer": False,
                "source quote": "Snow falls from clouds.",
            },
        ],
    )
    out = tmp_path / "bank.yaml"
    result = _run("import", str(template), "-o", str(out))
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].startswith(
        f"{template}:Questions!E2: error: question 'falls': answer 'rain' is not one of the choices"
    )
    assert lines[0].endswith(f" (in {out}:16:13)")
    assert lines[1].startswith(
        f"{template}:Questions!O3: error: question 'snow-falls': quote not found in source 'lesson'"
    )
    assert lines[-1].startswith(f"{out}: invalid: ")
    assert lines[-1].endswith(", 2 errors, 0 warnings")
    assert out.exists()  # written, so that check's line numbers mean something


def test_import_csv_with_sources_named_on_the_command_line(tmp_path: Path) -> None:
    (tmp_path / "lesson.txt").write_text(LESSON, encoding="utf-8")
    sheet = tmp_path / "quiz.csv"
    sheet.write_text(
        "Type;Prompt;Answer;Source Quote\n"
        'short_answer;What falls from clouds?;"Rain\nrain water";Rain falls from clouds.\n'
        "true_false;The Sun heats the sea.;yes;Sun heats the sea\n",
        encoding="utf-8",
    )
    out = tmp_path / "quiz.yaml"
    result = _run(
        "import",
        str(sheet),
        "-o",
        str(out),
        "--source",
        str(tmp_path / "lesson.txt"),
        "--title",
        "Weather",
    )
    assert result.exit_code == 0, result.output
    (bank,) = load_banks([out])
    assert (bank.id, bank.title) == ("quiz", "Weather")
    assert bank.questions[0].answers == ("Rain", "rain water")  # type: ignore[attr-defined]
    bad = tmp_path / "bad.csv"
    bad.write_text("type,prompt,answr\nnumeric,How many?,x\n", encoding="utf-8")
    result = _run("import", str(bad), "-o", str(tmp_path / "b.yaml"))
    assert result.exit_code == 1
    assert f"{bad}:1:3: error: unknown column 'answr' (did you mean 'answer'?)" in result.output


def test_import_refuses_to_replace_a_file_without_force(template: Path, tmp_path: Path) -> None:
    _fill(
        template,
        [
            {
                "type": "true_false",
                "prompt": "Rain falls.",
                "answer": True,
                "source quote": "Rain falls",
            }
        ],
    )
    out = tmp_path / "bank.yaml"
    out.write_text("mine\n", encoding="utf-8")
    assert _run("import", str(template), "-o", str(out)).exit_code == 1
    assert out.read_text(encoding="utf-8") == "mine\n"
    assert _run("import", str(template), "-o", str(out), "--force").exit_code == 0


def _comparable(question: Question) -> dict[str, Any]:
    fields = {
        f.name: getattr(question, f.name)
        for f in dataclasses.fields(question)
        if f.name not in ("location", "locations", "citations", "ignore")
    }
    fields["type"] = question.type
    fields["ignore"] = [(i.code, i.reason) for i in question.ignore]
    fields["citations"] = [(c.doc, normalize(c.quote)) for c in question.citations]
    return fields


@pytest.mark.slow  # the whole shipped bank through openpyxl and back
def test_the_shipped_bank_round_trips_through_a_spreadsheet(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for doc in SEEDS.iterdir():
        (seeds / doc.name).write_bytes(doc.read_bytes())
    work = tmp_path / "work"
    work.mkdir()
    for original in load_banks([shipped_bank_dir()]):
        sheet = work / f"{original.id}.xlsx"
        result = _run("export", "spreadsheet", str(original.path), "-o", str(sheet))
        assert result.exit_code == 0, result.output
        out = work / f"{original.id}.yaml"
        result = _run("import", str(sheet), "-o", str(out))
        assert result.exit_code == 0, result.output
        report = check_paths([out])

        def said(problems: list[Any]) -> list[tuple[str, str, str | None]]:
            # the same message, but the lines it names are the imported file's
            return [
                (p.severity, re.sub(r"line \d+", "line N", p.message), p.question) for p in problems
            ]

        # the same warnings as the bank itself (the item-writing checks), no error
        assert said(report.problems) == said(check_paths([original.path]).problems)
        assert not report.errors
        (again,) = report.banks
        assert (again.id, again.title, again.description) == (
            original.id,
            original.title,
            original.description,
        )
        assert {s.id: (s.path, s.title) for s in again.sources.values()} == {
            s.id: (s.path, s.title) for s in original.sources.values()
        }
        assert [_comparable(q) for q in again.questions] == [
            _comparable(q) for q in original.questions
        ]


def test_formula_like_text_is_written_as_text(tmp_path: Path, write_bank: Any) -> None:
    bank = write_bank(
        """\
        id: f
        title: Formulas
        questions:
          - id: f1
            type: multiple_choice
            prompt: "=HYPERLINK(\\"http://x\\",\\"click\\")"
            choices: ["=1+1", "+2", "-3", "@SUM(A1)", "#N/A"]
            answer: "=1+1"
        """
    )
    sheet = tmp_path / "f.xlsx"
    assert _run("export", "spreadsheet", str(bank), "-o", str(sheet)).exit_code == 0
    cells = load_workbook(sheet)["Questions"]
    prompt, choices = cells["C2"], cells["E2"]
    assert prompt.data_type == "s" and prompt.value.startswith("=HYPERLINK")
    assert choices.data_type == "s"
    with zipfile.ZipFile(sheet) as z:
        xml = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml  # no formula anywhere in the sheet
    out = tmp_path / "back.yaml"
    assert _run("import", str(sheet), "-o", str(out)).exit_code == 0
    (again,) = load_banks([out])
    assert again.questions[0].choices == ("=1+1", "+2", "-3", "@SUM(A1)", "#N/A")  # type: ignore[attr-defined]


def test_export_refuses_an_item_with_a_line_break(write_bank: Any, tmp_path: Path) -> None:
    bank = write_bank(
        """\
        id: lb
        title: Line breaks
        questions:
          - id: two-lines
            type: ordering
            prompt: Order.
            items: ["one\\ntwo", "three"]
        """
    )
    result = _run("export", "spreadsheet", str(bank), "-o", str(tmp_path / "x.xlsx"))
    assert result.exit_code == 1
    assert "question 'two-lines': an item has a line break" in result.output
    assert not (tmp_path / "x.xlsx").exists()


def test_ignore_partial_and_written_numbers_survive_the_round_trip(
    write_bank: Any, tmp_path: Path
) -> None:
    bank = write_bank(
        """\
        id: ig
        title: Ignores
        questions:
          - id: long-right
            type: multiple_choice
            prompt: Which is the full name?
            choices: [Shanghai Cooperation Organization, SCO, Shanghai]
            answer: Shanghai Cooperation Organization
            ignore: {Q201: "the full name is the longest by nature", Q101: "asked on purpose"}
          - id: litres
            type: numeric
            prompt: How many litres?
            answer: 150_000
          - id: price
            type: numeric
            prompt: What did it cost?
            answer: 2.50
            tolerance: 0.05
          - id: pairs
            type: matching
            prompt: Match them.
            pairs: [[a, b], [c, d]]
            partial: true
        """
    )
    sheet = tmp_path / "ig.xlsx"
    assert _run("export", "spreadsheet", str(bank), "-o", str(sheet)).exit_code == 0
    out = tmp_path / "ig-back.yaml"
    result = _run("import", str(sheet), "-o", str(out))
    assert "0 errors" in result.output, result.output
    (before,) = load_banks([bank])
    (after,) = load_banks([out])
    assert [_comparable(q) for q in after.questions] == [_comparable(q) for q in before.questions]
    assert [i.code for i in after.questions[0].ignore] == ["Q201", "Q101"]
    litres, price, pairs = after.questions[1:]
    assert (litres.answer, litres.answer_text) == (150000, "150,000")  # type: ignore[attr-defined]
    assert (price.answer, price.answer_text) == (2.5, "2.50")  # type: ignore[attr-defined]
    assert pairs.partial
