"""A question's ``source``: one ``{doc, quote}`` mapping, or a list of them.

Each quote is checked against its own document and reported where it is written.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from quizgen.bank.check import check_paths
from quizgen.bank.model import Matching, SourceRef

SEED = "seeds/004_369735ee3e7b3786.txt"
OTHER_SEED = "seeds/000_294d461ed006609b.txt"

HEADER = f"""\
id: quiz
title: A quiz
sources:
  blog: {SEED}
  article: {OTHER_SEED}
questions:
"""


@pytest.fixture
def bank(write_bank: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> Callable[..., Path]:
    """Write a bank into the temporary folder and return its path relative to it (the cwd)."""
    monkeypatch.chdir(write_bank("", "placeholder.txt").parent)

    def write(text: str) -> Path:
        write_bank(text, "bank.yaml")
        return Path("bank.yaml")

    return write


def pos(text: str, needle: str) -> str:
    """``line:col`` (1-based) where ``needle`` first occurs in ``text``."""
    index = text.index(needle)
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return f"{line}:{column}"


def problems(path: Path) -> list[str]:
    return [str(p) for p in check_paths([path]).problems]


MATCHING = (
    HEADER
    + """\
  - id: cooperation
    type: matching
    prompt: Match each area with the word the article uses.
    pairs:
      - [Energy, fuel supply]
      - [Defense, dialogues]
      - [Security, cooperation]
    source:
      - {doc: blog, quote: "Energy and fuel supply"}
      - {doc: blog, quote: "Defense dialogues"}
      - doc: article
        quote: "the meeting between Vladimir Putin and Imran Khan"
"""
)


def test_a_list_of_citations_loads_each_with_its_location(bank):
    path = bank(MATCHING)
    report = check_paths([path])
    assert report.problems == []
    [question] = report.banks[0].questions
    assert isinstance(question, Matching)
    assert [(c.doc, c.quote) for c in question.citations] == [
        ("blog", "Energy and fuel supply"),
        ("blog", "Defense dialogues"),
        ("article", "the meeting between Vladimir Putin and Imran Khan"),
    ]
    assert [str(c.location) for c in question.citations] == [
        "bank.yaml:" + pos(MATCHING, '"Energy and'),
        "bank.yaml:" + pos(MATCHING, '"Defense'),
        "bank.yaml:" + pos(MATCHING, '"the meeting'),
    ]
    # Outputs that show one passage keep working: `source` is the first citation.
    assert question.source == question.citations[0]
    assert str(question.where("source[2].quote")) == str(question.citations[2].location)
    documents = [document.id for _, document in report.banks[0].cited(question) if document]
    assert documents == ["blog", "blog", "article"]


def test_a_single_mapping_is_one_citation(bank):
    path = bank(
        HEADER + "  - {id: q, type: true_false, prompt: P, answer: true, "
        'source: {doc: blog, quote: "Energy and fuel supply"}}\n'
    )
    [question] = check_paths([path]).banks[0].questions
    assert question.citations == (question.source,)
    assert isinstance(question.source, SourceRef)
    assert (question.source.doc, question.source.quote) == ("blog", "Energy and fuel supply")


def test_no_source_means_no_citations(bank):
    path = bank(HEADER + "  - {id: q, type: true_false, prompt: P, answer: true}\n")
    report = check_paths([path])
    [question] = report.banks[0].questions
    assert (question.citations, question.source) == ((), None)
    assert "no source: cite the passage it comes from" in problems(path)[-1]


def test_each_quote_of_a_list_is_checked_where_it_is_written(bank):
    text = MATCHING.replace('"Defense dialogues"', '"Defence dialogues"').replace(
        "Vladimir Putin and Imran Khan", "Vladimir Putin and Nobody Else"
    )
    path = bank(text)
    assert problems(path) == [
        "bank.yaml:" + pos(text, '"Defence') + ": error: question 'cooperation': quote not found "
        "in source 'blog' (004_369735ee3e7b3786); the closest passage is \"Defense dialogues\"",
        "bank.yaml:"
        + pos(text, '"the meeting')
        + ": error: question 'cooperation': quote not found "
        "in source 'article' (000_294d461ed006609b); the closest passage is "
        '"the meeting between Vladimir Putin and Imran Khan"',
    ]


def test_two_documents_cited_by_one_question_are_both_used(bank):
    single = MATCHING.replace(
        '    source:\n      - {doc: blog, quote: "Energy and fuel supply"}\n'
        '      - {doc: blog, quote: "Defense dialogues"}\n',
        "    source:\n",
    )
    assert single != MATCHING
    # Only the article is cited now: the blog is declared and unused.
    assert problems(bank(single)) == [
        "bank.yaml:4:9: warning: source 'blog' is declared but no question cites it"
    ]
    assert problems(bank(MATCHING)) == []


@pytest.mark.parametrize(
    ("item", "needle", "message"),
    [
        (
            "{doc: blgo, quote: x}",
            "blgo",
            "source[2] doc 'blgo' is not in the bank's sources "
            "(did you mean 'blog'?) (blog, article)",
        ),
        ("{doc: blog}", "{doc: blog}", "source[2] needs 'quote'"),
        ("{quote: x}", "{quote: x}", "source[2] needs 'doc'"),
        ("blog", "blog\n", "source[2] must be a mapping, not text"),
        ("{doc: blog, quote: x, page: 3}", "page", "unknown key 'page'"),
        ("{doc: blog, quote: ''}", "''", "source[2] quote is empty"),
        (
            '{doc: blog, quote: "Energy and fuel supply"}',
            '{doc: blog, quote: "Energy and fuel supply"}\n',
            "source[2] cites the same passage as source[1]",
        ),
    ],
)
def test_an_error_in_a_list_item_is_located_at_that_item(bank, item, needle, message):
    text = (
        HEADER
        + "  - id: q\n    type: true_false\n    prompt: P\n    answer: true\n    source:\n"
        + '      - {doc: blog, quote: "Energy and fuel supply"}\n'
        + f"      - {item}\n"
    )
    path = bank(text)
    # The needle is searched in the last line, the second item.
    second = text.rindex("      - " + item)
    at = pos(text[second:], needle.lstrip())
    line, column = (int(n) for n in at.split(":"))
    line += text.count("\n", 0, second)
    assert problems(path) == [f"bank.yaml:{line}:{column}: error: question 'q': {message}"]


def test_an_empty_list_of_sources_is_an_error(bank):
    text = HEADER + "  - {id: q, type: true_false, prompt: P, answer: true, source: []}\n"
    assert problems(bank(text)) == [
        f"bank.yaml:{pos(text, '[]')}: error: question 'q': "
        "source is an empty list; cite at least one {doc, quote}"
    ]


def test_the_example_in_the_format_doc_is_a_valid_bank(bank):
    doc = (Path(__file__).resolve().parent.parent / "docs" / "bank-format.md").read_text("utf-8")
    example = re.search(r"cites each of them.*?```yaml\n(.*?)```", doc, re.S)
    assert example is not None
    text = HEADER + textwrap.indent(example.group(1), "  ")
    report = check_paths([bank(text)])
    assert report.problems == []
    [question] = report.banks[0].questions
    assert len(question.citations) == 3
