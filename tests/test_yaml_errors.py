"""YAML mistakes in plain words, at the line where the mistake starts.

Each case is a bank a teacher might write, read by the real loader (libyaml's parser, and
the pure-Python one where PyYAML has both); the test asserts the line, the column and the
words of the message, never a traceback.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from quizgen.bank import yaml_nodes
from quizgen.bank.check import check_paths

QUESTION = """\
  - id: q
    type: short_answer
    prompt: What does CPEC stand for?
    answer: China–Pakistan Economic Corridor
"""


def bank(body: str) -> str:
    return "id: quiz\ntitle: A quiz\nquestions:\n" + body


CASES = {
    "colon in a title": (
        "id: quiz\ntitle: Year 8 Geography: The Water Cycle\nquestions:\n" + QUESTION,
        (2, 8),
        "the text after 'title:' contains ': ', which YAML reads as another key; "
        'put the text in quotes: title: "Year 8 Geography: The Water Cycle"',
    ),
    "colon in a prompt": (
        bank(QUESTION.replace("prompt: What", "prompt: EDITED: What")),
        (6, 13),
        "the text after 'prompt:' contains ': '",
    ),
    "percent sign": (
        bank(QUESTION.replace("prompt: What does", "prompt: %What does")),
        (6, 13),
        "a value cannot start with a percent sign (%) in YAML; put the text in quotes",
    ),
    "at sign": (
        bank(QUESTION.replace("answer: China", "answer: @China")),
        (7, 13),
        "a value cannot start with an at sign (@) in YAML; put the text in quotes",
    ),
    "backtick": (
        bank(QUESTION.replace("prompt: What", "prompt: `CPEC` What")),
        (6, 13),
        "a value cannot start with a backtick (`) in YAML; put the text in quotes",
    ),
    "unclosed double quote at the end": (
        bank(QUESTION.replace("answer: China–Pakistan Economic Corridor", 'answer: "China')),
        (7, 13),
        'this quote (") is never closed',
    ),
    "unclosed quote in the middle": (
        bank(
            QUESTION.replace("prompt: What does CPEC stand for?", "prompt: 'What does CPEC")
            + "  - id: r\n    type: true_false\n    prompt: It's true.\n    answer: true\n"
        ),
        (6, 13),
        "this quote (') is not closed on its line, so the lines after it are read as part of the text",
    ),
    "tab indentation": (
        bank(QUESTION.replace("    type:", "\ttype:")),
        (5, 1),
        "a tab character: YAML indents with spaces only; replace the tab with spaces",
    ),
    "tab after spaces": (
        bank(QUESTION.replace("    type:", "  \t  type:")),
        (5, 3),
        "a tab character: YAML indents with spaces only",
    ),
    "a list item without its dash": (
        bank(QUESTION + "    id: r\n    type: true_false\n".replace("    id", "  id")),
        (8, 3),
        "this line is in a list but does not start with '- '; add the dash to start a new "
        "item, or indent it to column 5 to continue the item above",
    ),
    "a choice without its dash": (
        bank(
            "  - id: q\n    type: multiple_choice\n    prompt: Which?\n"
            "    choices:\n      - Energy\n      - Trade\n      Defense\n    answer: Energy\n"
        ),
        (10, 7),
        "this line is in a list but does not start with '- '",
    ),
    "a key indented too far": (
        bank(QUESTION.replace("    prompt:", "      prompt:")),
        (6, 7),
        "this line is indented 6 spaces, which fits nothing above it (the line above starts "
        "at column 5); keys of one mapping start in the same column",
    ),
    "a key indented too little": (
        bank(QUESTION.replace("    prompt:", "   prompt:")),
        (6, 4),
        "this line is indented 3 spaces, which fits nothing above it",
    ),
    "text after a closing quote": (
        bank(QUESTION.replace("prompt: What does CPEC stand for?", 'prompt: "CPEC" stands for?')),
        (6, 13),
        "text follows the closing quote; quote the whole value, with the other kind of quotes "
        "outside: '\"CPEC\" stands for?'",
    ),
}


@pytest.fixture(params=["libyaml", "python"])
def parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each case with libyaml's C parser (when PyYAML has it) and with the pure-Python one."""
    if request.param == "python":
        monkeypatch.setattr(yaml_nodes, "_Parser", yaml.SafeLoader)
    elif not yaml_nodes.LIBYAML:
        pytest.skip("PyYAML was built without libyaml")
    return str(request.param)


@pytest.mark.parametrize("name", list(CASES))
def test_a_yaml_mistake_is_said_in_plain_words_where_it_starts(
    name: str, parser: str, write_bank: Callable[..., Path]
) -> None:
    text, (line, column), words = CASES[name]
    path = write_bank(text)
    [problem] = check_paths([path]).problems
    assert problem.severity == "error"
    assert (problem.location.line, problem.location.column) == (line, column), str(problem)
    assert problem.message.startswith("invalid YAML: ")
    assert words in problem.message, problem.message


def test_a_legal_quote_over_two_lines_is_not_blamed(write_bank: Callable[..., Path]) -> None:
    """A quoted text may continue on the next line; only a real mistake is reported."""
    text = bank(
        QUESTION.replace(
            "prompt: What does CPEC stand for?", 'prompt: "What does CPEC\n      stand for?"'
        )
    )
    problems = check_paths([write_bank(text)]).problems
    assert [p for p in problems if p.severity == "error"] == []


def test_an_unrecognised_mistake_keeps_yamls_words(write_bank: Callable[..., Path]) -> None:
    text = "id: quiz\ntitle: [A quiz\nquestions: []\n"
    [problem] = check_paths([write_bank(text)]).problems
    assert problem.message == "invalid YAML: did not find expected ',' or ']'"


def test_the_docs_yaml_box_is_valid_yaml() -> None:
    doc = (Path(__file__).resolve().parent.parent / "docs" / "bank-format.md").read_text("utf-8")
    box = doc.split("## YAML in five minutes", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    data = yaml.safe_load(textwrap.dedent(box))
    assert data["quoted"].startswith("Text with ': ' in it")
    assert data["single"] == "Or single quotes: inside them, ' is one quote"
    assert data["list"] == data["short-list"] == ["first item", "second item"]
