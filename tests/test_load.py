"""The bank loader and the rules of the contract (../shared/design/bank-format.md).

Each rule has a bank that passes and a bank that fails; a failure is checked as the
exact line `quizgen check` prints: ``file:line:col: error: question 'id': message``,
with the line and column of the offending node. Banks are written into a temporary
folder (with the real seeds beside them) and read from there by a relative path.
"""

from __future__ import annotations

import re
import textwrap
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest

from quizgen.bank.check import CheckReport, check_paths, ensure_valid
from quizgen.bank.load import bank_files, load_bank, load_banks, parse_bank
from quizgen.bank.model import (
    Cloze,
    Matching,
    MultipleAnswer,
    MultipleChoice,
    Numeric,
    Ordering,
    ShortAnswer,
    TrueFalse,
)
from quizgen.bank.yaml_nodes import MAX_NESTING
from quizgen.errors import QuizgenError

SEED = "seeds/004_369735ee3e7b3786.txt"
OTHER_SEED = "seeds/000_294d461ed006609b.txt"

# A bank with one valid question of every type, each citing a passage of a seed.
ALL_TYPES = f"""\
id: sco
title: The Shanghai Cooperation Organization
description: Facts from two articles.
sources:
  sco-2025:
    path: {SEED}
    title: SCO meeting (blog post)
  putin-khan: {OTHER_SEED}
questions:
  - id: full-members
    type: multiple_answer
    prompt: Which of these countries are full members of the SCO?
    choices: [China, India, Turkey, Uzbekistan]
    answer: [China, India, Uzbekistan]
    explanation: Turkey is not a member.
    tags: [membership, sco]
    topic: The SCO
    difficulty: easy
    points: 2
    source:
      doc: sco-2025
      quote: "China, Russia, Pakistan, India, Iran, Kazakhstan, Kyrgyzstan, Tajikistan, and Uzbekistan."
  - id: cooperation-area
    type: multiple_choice
    prompt: Which is listed as a key area of cooperation?
    choices: [Energy and fuel supply, Space travel, Fishing]
    answer: Energy and fuel supply
    shuffle: false
    source: {{doc: sco-2025, quote: "Energy and fuel supply"}}
  - id: largest-alliance
    type: true_false
    prompt: The article calls the SCO one of the world's largest regional alliances.
    answer: true
    source: {{doc: sco-2025, quote: "one of the world’s largest regional alliances"}}
  - id: member-name
    type: short_answer
    prompt: Name one full member of the SCO.
    answer: [Tajikistan, Republic of Tajikistan]
    case_sensitive: true
    source: {{doc: sco-2025, quote: "Kyrgyzstan, Tajikistan, and Uzbekistan"}}
  - id: member-count
    type: numeric
    prompt: How many full members does the article list?
    answer: 9
    tolerance: 0.5
    unit: countries
    source: {{doc: sco-2025, quote: "Current full members include:"}}
  - id: meeting-place
    type: cloze
    prompt: Fill in the gaps.
    text: "Putin and {{{{c1::Khan}}}} meet at the {{{{c2::SCO::organization}}}}."
    source: {{doc: putin-khan, quote: "Sideline Meeting"}}
  - id: leaders
    type: matching
    prompt: Match each leader to a country.
    pairs:
      - [Vladimir Putin, Russia]
      - [Imran Khan, Pakistan]
    source: {{doc: putin-khan, quote: "the meeting between Vladimir Putin and Imran Khan"}}
  - id: benefit-order
    type: ordering
    prompt: Put the benefits in the article's order.
    items: [Stronger diplomatic engagement, Opportunities for trade, A platform to advocate]
    source: {{doc: sco-2025, quote: "Stronger diplomatic engagement with regional powers"}}
"""

# The start of a bank whose questions begin on line 6.
HEADER = f"""\
id: quiz
title: A quiz
sources:
  sco-2025: {SEED}
questions:
"""
# A source for questions that should raise no warning.
CITE = 'source: {doc: sco-2025, quote: "Energy and fuel supply"}'


@pytest.fixture
def bank(write_bank: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> Callable[..., Path]:
    """Write a bank into the temporary folder and return its path relative to it (the cwd)."""
    monkeypatch.chdir(write_bank("", "placeholder.txt").parent)

    def write(text: str, name: str = "bank.yaml") -> Path:
        write_bank(text, name)
        return Path(name)

    return write


def pos(text: str, needle: str) -> str:
    """``line:col`` (1-based) where ``needle`` first occurs in ``text``."""
    index = text.index(needle)
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return f"{line}:{column}"


def report_of(path: Path) -> CheckReport:
    return check_paths([path])


def errors(path: Path) -> list[str]:
    return [str(p) for p in report_of(path).errors]


def warnings(path: Path) -> list[str]:
    return [str(p) for p in report_of(path).warnings]


def one_question(line: str) -> str:
    """A bank holding one question written on one line."""
    return HEADER + "  - " + line + "\n"


# -- a valid bank of every type ---------------------------------------------------------


def test_a_bank_of_all_eight_types_loads_with_no_problem(bank):
    path = bank(ALL_TYPES)
    report = report_of(path)
    assert [p for p in report.problems if p.code is None] == []  # item-writing checks aside
    [loaded] = report.banks
    assert (loaded.id, loaded.title, loaded.description) == (
        "sco",
        "The Shanghai Cooperation Organization",
        "Facts from two articles.",
    )
    assert [type(q) for q in loaded.questions] == [
        MultipleAnswer,
        MultipleChoice,
        TrueFalse,
        ShortAnswer,
        Numeric,
        Cloze,
        Matching,
        Ordering,
    ]
    assert loaded.sources["sco-2025"].title == "SCO meeting (blog post)"
    assert loaded.sources["putin-khan"].path == (path.parent / OTHER_SEED).resolve()


def test_every_type_reads_its_values(bank):
    ma, mc, tf, sa, num, cz, mt, order = load_bank(bank(ALL_TYPES)).questions
    assert ma.answers == ("China", "India", "Uzbekistan")
    assert ma.tags == ("membership", "sco")
    assert (ma.topic, ma.difficulty, ma.points) == ("The SCO", "easy", 2)
    assert mc.choices[mc.answer_index] == "Energy and fuel supply" and mc.shuffle is False
    assert ma.shuffle is True
    assert tf.answer is True
    assert sa.answers == ("Tajikistan", "Republic of Tajikistan") and sa.answer == "Tajikistan"
    assert sa.case_sensitive is True
    assert (num.answer, num.tolerance, num.unit) == (9, 0.5, "countries")
    assert num.accepts(9.4) and not num.accepts(9.6)
    assert cz.prompt == "Fill in the gaps."
    assert [(d.number, d.answer, d.hint) for d in cz.deletions] == [
        (1, "Khan", None),
        (2, "SCO", "organization"),
    ]
    assert cz.render() == "Putin and Khan meet at the SCO."
    assert mt.pairs == (("Vladimir Putin", "Russia"), ("Imran Khan", "Pakistan"))
    assert order.items[0] == "Stronger diplomatic engagement"


def test_every_value_knows_where_it_was_written(bank):
    path = bank(ALL_TYPES)
    mc = load_bank(path).questions[1]
    assert str(mc.location) == "bank.yaml:" + pos(ALL_TYPES, "id: cooperation-area")
    assert str(mc.where("answer")).endswith(pos(ALL_TYPES, "Energy and fuel supply\n"))
    assert str(mc.where("choices[1]")).endswith(pos(ALL_TYPES, "Space travel"))
    assert str(mc.source.location).endswith(pos(ALL_TYPES, '"Energy and fuel supply"}'))


def test_one_bad_question_in_a_valid_bank_is_the_only_problem(bank):
    text = ALL_TYPES.replace("answer: Energy and fuel supply", "answer: Energy")
    path = bank(text)
    at = pos(text, "Energy\n")
    assert errors(path) == [
        f"bank.yaml:{at}: error: question 'cooperation-area': "
        "answer 'Energy' is not one of the choices"
    ]
    with pytest.raises(QuizgenError) as raised:
        load_banks([path])
    assert [str(p) for p in raised.value.problems] == errors(path)


def test_every_problem_in_a_file_is_reported_in_file_order(bank):
    text = (
        HEADER
        + f"  - {{id: a, type: true_false, prompt: A?, answer: maybe, {CITE}}}\n"
        + f"  - {{id: b, type: ordering, prompt: B?, items: [x], {CITE}}}\n"
        + f"  - {{id: c, type: numeric, prompt: C?, answer: many, {CITE}}}\n"
    )
    path = bank(text)
    assert errors(path) == [
        f"bank.yaml:{pos(text, 'maybe')}: error: question 'a': answer must be true or false, not text",
        f"bank.yaml:{pos(text, '[x]')}: error: question 'b': items needs at least 2 items",
        f"bank.yaml:{pos(text, 'many')}: error: question 'c': answer must be a number, not text",
    ]


# -- the bank's own keys ----------------------------------------------------------------

VALID_QUESTION = f"{{id: q, type: true_false, prompt: Is it?, answer: true, {CITE}}}"


def test_a_bank_without_id_title_and_questions_gets_three_errors(bank):
    path = bank("description: only a description\n")
    assert errors(path) == [
        "bank.yaml:1:1: error: the bank has no 'id'",
        "bank.yaml:1:1: error: the bank has no 'title'",
        "bank.yaml:1:1: error: the bank has no 'questions'",
    ]


@pytest.mark.parametrize(
    ("bad_id", "slug"),
    [("Quiz", "quiz"), ("my_quiz", "my-quiz"), ("-quiz", "quiz"), ("quiz bank", "quiz-bank")],
)
def test_a_bank_id_must_be_a_slug(bank, bad_id, slug):
    text = one_question(VALID_QUESTION).replace("id: quiz", f"id: {bad_id}", 1)
    assert errors(bank(text)) == [
        f"bank.yaml:1:5: error: bank id '{bad_id}' must be a slug: a-z, 0-9 and '-' (try '{slug}')"
    ]


def test_a_slug_bank_id_with_digits_and_hyphens_passes(bank):
    text = one_question(VALID_QUESTION).replace("id: quiz", "id: 2025-quiz-b", 1)
    assert load_bank(bank(text)).id == "2025-quiz-b"


@pytest.mark.parametrize(
    ("text", "kind"),
    [("- id: quiz\n- title: x\n", "a list"), ("just some words\n", "text"), ("42\n", "a number")],
)
def test_a_file_that_is_not_a_mapping(bank, text, kind):
    assert errors(bank(text)) == [
        f"bank.yaml:1:1: error: a bank file must be a mapping, not {kind}"
    ]


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n"])
def test_an_empty_file(bank, text):
    assert errors(bank(text)) == [
        "bank.yaml:1:1: error: the file is empty; a bank needs id, title and questions"
    ]


def test_an_empty_document_is_not_a_mapping(bank):
    assert errors(bank("---\n")) == [
        "bank.yaml:2:1: error: a bank file must be a mapping, not empty"
    ]


def test_an_empty_question_list(bank):
    text = "id: quiz\ntitle: A quiz\nquestions: []\n"
    assert errors(bank(text)) == [
        "bank.yaml:3:12: error: questions is empty; a bank needs at least one question"
    ]


def test_questions_must_be_a_list(bank):
    text = "id: quiz\ntitle: A quiz\nquestions:\n  q: 1\n"
    assert errors(bank(text)) == ["bank.yaml:4:3: error: questions must be a list, not a mapping"]


def test_an_unknown_top_level_key_suggests_the_right_one(bank):
    text = one_question(VALID_QUESTION) + "titel: Another title\n"
    assert errors(bank(text)) == [
        "bank.yaml:7:1: error: unknown key 'titel' (did you mean 'title'?)"
    ]


def test_an_unknown_top_level_key_far_from_any_gets_no_suggestion(bank):
    text = one_question(VALID_QUESTION) + "zzz: 1\n"
    assert errors(bank(text)) == ["bank.yaml:7:1: error: unknown key 'zzz'"]


def test_a_title_must_be_text(bank):
    text = one_question(VALID_QUESTION).replace("title: A quiz", "title: [A, quiz]")
    assert errors(bank(text)) == ["bank.yaml:2:8: error: title must be text, not a list"]


def test_a_source_must_have_a_path_and_exist(bank):
    text = one_question(VALID_QUESTION).replace(
        "sources:\n", "sources:\n  no-path: {title: T}\n  gone: seeds/missing.txt\n"
    )
    problems = errors(bank(text))
    assert problems == [
        "bank.yaml:4:12: error: source 'no-path' has no 'path'",
        f"bank.yaml:5:9: error: source file {Path('seeds/missing.txt').resolve()} does not exist; "
        f"a source path is relative to the bank file's folder ({Path('.').resolve()})",
    ]


# -- each type: its failures --------------------------------------------------------------

TYPE_FAILURES = [
    # (question on one line, the offending text, the message)
    (
        "{id: q, type: multiple_choice, prompt: P, choices: [A, B, C], answer: D}",
        "D}",
        "answer 'D' is not one of the choices",
    ),
    (
        "{id: q, type: multiple_choice, prompt: P, choices: [A], answer: A}",
        "[A]",
        "choices needs at least 2 items",
    ),
    (
        "{id: q, type: multiple_choice, prompt: P, choices: [a, b, c, d, e, f, g, h, i, j, k], answer: a}",
        "[a, b",
        "choices has 11 items; at most 10",
    ),
    (
        "{id: q, type: multiple_choice, prompt: P, choices: [A, B, A], answer: A}",
        "A], answer",
        "choices lists 'A' twice",
    ),
    (
        "{id: q, type: multiple_choice, prompt: P, choices: [A, '', B], answer: A}",
        "''",
        "choices[2] is empty",
    ),
    (
        "{id: q, type: multiple_choice, prompt: P, choices: [A, '  ', B], answer: A}",
        "'  '",
        "choices[2] is empty",
    ),
    (
        "{id: q, type: multiple_choice, prompt: P, choices: [A, B], answer: [A]}",
        "[A]}",
        "answer must be text, not a list",
    ),
    (
        "{id: q, type: multiple_choice, choices: [A, B], answer: A}",
        "{id",
        "a multiple_choice question needs 'prompt'",
    ),
    (
        "{id: q, type: multiple_choice, prompt: P, answer: A}",
        "{id",
        "a multiple_choice question needs 'choices'",
    ),
    (
        "{id: q, type: multiple_choice, prompt: P, choices: [A, B], answer: A, shuffle: maybe}",
        "maybe",
        "shuffle must be true or false, not text",
    ),
    (
        "{id: q, type: multiple_answer, prompt: P, choices: [A, B, C], answer: [A, Z]}",
        "Z]",
        "answer 'Z' is not one of the choices",
    ),
    (
        "{id: q, type: multiple_answer, prompt: P, choices: [A, B, C], answer: []}",
        "[]",
        "answer needs at least 1 item",
    ),
    (
        "{id: q, type: multiple_answer, prompt: P, choices: [A, B, C], answer: [A, A]}",
        "A]}",
        "answer lists 'A' twice",
    ),
    (
        "{id: q, type: true_false, prompt: P, answer: 'true'}",
        "'true'",
        "answer must be true or false, not text",
    ),
    (
        "{id: q, type: true_false, prompt: P, answer: 1}",
        "1}",
        "answer must be true or false, not a number",
    ),
    ("{id: q, type: true_false, prompt: P}", "{id", "a true_false question needs 'answer'"),
    (
        "{id: q, type: short_answer, prompt: P, answer: [Paris, [France]]}",
        "[France]",
        "answer[2] must be text, not a list",
    ),
    (
        "{id: q, type: short_answer, prompt: P, answer: []}",
        "[]",
        "answer needs at least 1 item",
    ),
    ("{id: q, type: short_answer, prompt: P, answer: ''}", "''", "answer is empty"),
    (
        "{id: q, type: short_answer, prompt: P, answer: Paris, case_sensitive: sometimes}",
        "sometimes",
        "case_sensitive must be true or false, not text",
    ),
    (
        "{id: q, type: numeric, prompt: P, answer: nine}",
        "nine",
        "answer must be a number, not text",
    ),
    (
        "{id: q, type: numeric, prompt: P, answer: '9'}",
        "'9'",
        "answer must be a number, not text",
    ),
    (
        "{id: q, type: numeric, prompt: P, answer: .inf}",
        ".inf",
        "answer must be a finite number, not .inf",
    ),
    (
        "{id: q, type: numeric, prompt: P, answer: 9, tolerance: -0.5}",
        "-0.5",
        "tolerance must not be negative",
    ),
    (
        "{id: q, type: cloze, text: 'No gap here.'}",
        "'No gap",
        "cloze text has no deletion; write gaps as {{c1::answer}}",
    ),
    (
        "{id: q, type: cloze, text: 'The {{c0::SCO}} met.'}",
        "'The",
        "cloze deletion c0 must be numbered from c1",
    ),
    (
        "{id: q, type: cloze, text: 'The {{c1::}} met.'}",
        "'The",
        "cloze deletion c1 has an empty answer",
    ),
    (
        "{id: q, type: cloze, text: 'The {{c1::SCO}} met in {{c2::Bishkek.'}",
        "'The",
        "cloze text has an unclosed or malformed deletion; write {{c1::answer}}",
    ),
    ("{id: q, type: cloze, prompt: P}", "{id", "a cloze question needs 'text'"),
    (
        "{id: q, type: matching, prompt: P, pairs: [[a, 1], [a, 2]]}",
        "a, 2]",
        "pairs use 'a' twice on the left",
    ),
    (
        "{id: q, type: matching, prompt: P, pairs: [[a, 1], [b, 1]]}",
        "1]]",
        "pairs use '1' twice on the right",
    ),
    (
        "{id: q, type: matching, prompt: P, pairs: [[a, 1]]}",
        "[[a",
        "matching needs at least 2 pairs",
    ),
    (
        "{id: q, type: matching, prompt: P, pairs: {a: 1}}",
        "{a: 1}",
        "matching needs at least 2 pairs",
    ),
    (
        "{id: q, type: matching, prompt: P, pairs: [[a, 1], [b]]}",
        "[b]",
        "each pair must be a list of two items: [left, right]",
    ),
    (
        "{id: q, type: matching, prompt: P, pairs: [[a, 1], [b, 2, 3]]}",
        "[b, 2, 3]",
        "each pair must be a list of two items: [left, right]",
    ),
    (
        "{id: q, type: matching, prompt: P, pairs: [[a, 1], b]}",
        "b]}",
        "each pair must be a list of two items: [left, right]",
    ),
    (
        "{id: q, type: matching, prompt: P, pairs: a-1}",
        "a-1",
        "pairs must be a list of [left, right] pairs, not text",
    ),
    (
        "{id: q, type: ordering, prompt: P, items: [only]}",
        "[only]",
        "items needs at least 2 items",
    ),
    (
        "{id: q, type: ordering, prompt: P, items: [one, two, one]}",
        "one]",
        "items lists 'one' twice",
    ),
    (
        "{id: q, type: ordering, prompt: P, items: one two}",
        "one two",
        "items must be a list, not text",
    ),
]


@pytest.mark.parametrize(
    ("question", "at", "message"),
    TYPE_FAILURES,
    ids=[f"{q.split(',')[1].split(': ')[1]}-{m[:30]}" for q, _, m in TYPE_FAILURES],
)
def test_a_type_rule_failure_is_located(bank, question, at, message):
    text = one_question(question)
    assert errors(bank(text)) == [f"bank.yaml:{pos(text, at)}: error: question 'q': {message}"]


TYPE_PASSES = [
    # (question on one line, attribute, value read)
    ("{id: q, type: multiple_choice, prompt: P, choices: [A, B], answer: B}", "answer", "B"),
    (
        "{id: q, type: multiple_choice, prompt: P, choices: [a, b, c, d, e, f, g, h, i, j], answer: j}",
        "answer",
        "j",
    ),
    ("{id: q, type: multiple_answer, prompt: P, choices: [A, B], answer: B}", "answers", ("B",)),
    ("{id: q, type: true_false, prompt: P, answer: false}", "answer", False),
    ("{id: q, type: short_answer, prompt: P, answer: Paris}", "answers", ("Paris",)),
    ("{id: q, type: short_answer, prompt: P, answer: Paris}", "case_sensitive", False),
    ("{id: q, type: numeric, prompt: P, answer: -2.5}", "answer", -2.5),
    ("{id: q, type: numeric, prompt: P, answer: 3}", "tolerance", 0),
    ("{id: q, type: cloze, text: 'A {{c1::b}} c {{c1::d}}'}", "numbers", (1,)),
    ("{id: q, type: cloze, text: 'A {{c2::b}} c {{c10::d::hint}}'}", "numbers", (2, 10)),
    ("{id: q, type: matching, prompt: P, pairs: {a: 1, b: 2}}", "pairs", (("a", "1"), ("b", "2"))),
    ("{id: q, type: ordering, prompt: P, items: [x, y]}", "items", ("x", "y")),
]


@pytest.mark.parametrize(("question", "attribute", "value"), TYPE_PASSES)
def test_a_type_rule_pass(bank, question, attribute, value):
    text = one_question(question[:-1] + ", " + CITE + "}")
    report = report_of(bank(text))
    assert report.problems == []
    [q] = report.banks[0].questions
    assert getattr(q, attribute) == value


# -- keys every question may have ----------------------------------------------------------


COMMON_FAILURES = [
    (
        "{id: q, type: multiple_choice, prompt: P, choises: [A, B], choices: [A, B], answer: A}",
        "choises",
        "unknown key 'choises' (did you mean 'choices'?)",
    ),
    (
        "{id: q, type: short_answer, prompt: P, answer: Paris, tolerance: 1}",
        "tolerance",
        "key 'tolerance' does not apply to a short_answer question",
    ),
    (
        "{id: q, type: true_false, prompt: P, answer: true, choices: [a, b]}",
        "choices",
        "key 'choices' does not apply to a true_false question",
    ),
    (
        "{id: q, type: true_false, prompt: P, answer: true, explanaton: Because.}",
        "explanaton",
        "unknown key 'explanaton' (did you mean 'explanation'?)",
    ),
    (
        "{id: q, type: true_false, prompt: P, answer: true, difficulty: hrad}",
        "hrad",
        "difficulty 'hrad' must be easy, medium or hard (did you mean 'hard'?)",
    ),
    (
        "{id: q, type: true_false, prompt: P, answer: true, difficulty: impossible}",
        "impossible",
        "difficulty 'impossible' must be easy, medium or hard",
    ),
    (
        "{id: q, type: true_false, prompt: P, answer: true, points: 0}",
        "0}",
        "points must be a positive number",
    ),
    (
        "{id: q, type: true_false, prompt: P, answer: true, points: -2}",
        "-2}",
        "points must be a positive number",
    ),
    (
        "{id: q, type: true_false, prompt: P, answer: true, points: many}",
        "many",
        "points must be a number, not text",
    ),
    (
        "{id: q, type: true_false, prompt: P, answer: true, tags: [ok, Not Slug]}",
        "Not Slug",
        "tag 'Not Slug' must be a slug: a-z, 0-9 and '-' (try 'not-slug')",
    ),
    (
        "{id: q, type: true_false, prompt: P, answer: true, tags: one-tag}",
        "one-tag",
        "tags must be a list, not text",
    ),
    (
        "{id: q, type: true_false, prompt: P, answer: true, prompt: Again}",
        "prompt: Again",
        "duplicate key 'prompt' (first given at line 6); a key may appear once",
    ),
    (
        "{id: q, type: true_false, prompt: P, answer: true, source: {doc: sco-2024, quote: x}}",
        "sco-2024",
        "source doc 'sco-2024' is not in the bank's sources (did you mean 'sco-2025'?)",
    ),
    (
        "{id: q, type: true_false, prompt: P, answer: true, source: {doc: sco-2025}}",
        "{doc",
        "source needs 'quote'",
    ),
    (
        "{id: q, type: true_false, prompt: P, answer: true, source: sco-2025}",
        "sco-2025}",
        "source must be a mapping, not text",
    ),
    (
        "{id: q, type: true_false, prompt: P, answer: true, source: {doc: sco-2025, quote: x, page: 3}}",
        "page",
        "unknown key 'page'",
    ),
    (
        "{id: q, type: true_false, prompt: P, answer: true, image: ../outside.png}",
        "../outside.png",
        "image '../outside.png' must stay inside the bank's folder",
    ),
    (
        "{id: q, type: true_false, prompt: P, answer: true, image: /etc/hostname.png}",
        "/etc/hostname.png",
        "image '/etc/hostname.png' must stay inside the bank's folder",
    ),
    (
        "{id: q, type: true_false, prompt: P, answer: true, image: images/missing.png}",
        "images/missing.png",
        "image 'images/missing.png' does not exist",
    ),
    (
        "{id: q, type: true_false, prompt: P, answer: true, image: images/notes.txt}",
        "images/notes.txt",
        "image 'images/notes.txt' must be one of .png, .jpg, .jpeg, .gif, .svg, .webp",
    ),
    (
        "{id: Question_1, type: true_false, prompt: P, answer: true}",
        "Question_1",
        "question id 'Question_1' must be a slug: a-z, 0-9 and '-' (try 'question-1')",
    ),
    (
        "{id: q, type: truefalse, prompt: P, answer: true}",
        "truefalse",
        "unknown type 'truefalse' (did you mean 'true_false'?); the types are multiple_choice, "
        "multiple_answer, true_false, short_answer, numeric, cloze, matching, ordering",
    ),
    ("{id: q, prompt: P, answer: true}", "{id", "a question has no 'type'"),
    ("{id: q, type: true_false, prompt: '', answer: true}", "''", "prompt is empty"),
    (
        "{id: q, type: true_false, prompt: [P], answer: true}",
        "[P]",
        "prompt must be text, not a list",
    ),
]


@pytest.mark.parametrize(
    ("question", "at", "message"), COMMON_FAILURES, ids=[m[:40] for _, _, m in COMMON_FAILURES]
)
def test_a_common_key_failure_is_located(bank, question, at, message):
    images = Path("images")
    text = one_question(question)
    path = bank(text)
    images.mkdir(exist_ok=True)
    (images / "notes.txt").write_text("not an image")
    name = "Question_1" if "Question_1" in question else "q"  # a question is named by its id
    assert errors(path) == [f"bank.yaml:{pos(text, at)}: error: question '{name}': {message}"]


def test_common_keys_that_pass(bank):
    Path("images").mkdir()
    Path("images/map.PNG").write_bytes(b"\x89PNG\r\n\x1a\n")
    question = (
        "{id: q-1, type: true_false, prompt: P, answer: true, explanation: E, tags: [a-1, b],"
        " topic: Geography, difficulty: medium, points: 1.5, image: images/map.PNG, " + CITE + "}"
    )
    path = bank(one_question(question))
    report = report_of(path)
    assert report.problems == []
    [q] = report.banks[0].questions
    assert (q.id, q.explanation, q.tags, q.topic) == ("q-1", "E", ("a-1", "b"), "Geography")
    assert (q.difficulty, q.points) == ("medium", 1.5)
    assert q.image == Path("images/map.PNG").resolve()
    assert (q.source.doc, q.source.quote) == ("sco-2025", "Energy and fuel supply")


def test_a_question_without_an_id_is_located_at_its_mapping(bank):
    text = one_question("{type: true_false, prompt: P, answer: true}")
    assert errors(bank(text)) == [f"bank.yaml:{pos(text, '{type')}: error: a question has no 'id'"]


@pytest.mark.parametrize(
    ("item", "kind"), [("42", "a number"), ("[a, b]", "a list"), ("x", "text")]
)
def test_a_question_must_be_a_mapping(bank, item, kind):
    text = one_question(item)
    assert errors(bank(text)) == [f"bank.yaml:6:5: error: a question must be a mapping, not {kind}"]


def test_a_question_id_used_twice(bank):
    text = HEADER + f"  - {VALID_QUESTION}\n  - {VALID_QUESTION.replace('Is it?', 'Other?')}\n"
    assert errors(bank(text)) == [
        "bank.yaml:7:10: error: question 'q': question id 'q' is used twice (first at line 6)"
    ]


def test_the_same_question_id_in_two_banks_is_fine(bank):
    first = bank(one_question(VALID_QUESTION), "a.yaml")
    second = bank(one_question(VALID_QUESTION).replace("id: quiz", "id: other"), "b.yaml")
    assert check_paths([first, second]).problems == []


# -- provenance ----------------------------------------------------------------------------


def test_a_quote_not_in_its_source_names_the_closest_passage(bank):
    quote = "Current full members include: China, Russia, Pakistan, India, Iran, Kazakstan"
    text = one_question(
        f'{{id: q, type: true_false, prompt: P, answer: true, source: {{doc: sco-2025, quote: "{quote}"}}}}'
    )
    at = pos(text, '"Current')
    assert errors(bank(text)) == [
        f"bank.yaml:{at}: error: question 'q': quote not found in source "
        "'sco-2025' (004_369735ee3e7b3786); the closest passage is "
        '"Current full members include: China, Russia, Pakistan, India, Iran, Kazakhstan,"'
    ]


def test_a_quote_like_nothing_in_the_source_gets_no_passage(bank):
    text = one_question(
        "{id: q, type: true_false, prompt: P, answer: true, source: {doc: sco-2025, quote: qqqq zzzz xxxx}}"
    )
    assert errors(bank(text)) == [
        f"bank.yaml:{pos(text, 'qqqq')}: error: question 'q': quote not found in source "
        "'sco-2025' (004_369735ee3e7b3786)"
    ]


@pytest.mark.parametrize(
    "quote",
    [
        "Pakistan's foreign policy",  # the document has a typographic apostrophe
        "Pakistan\u2019s   foreign\\n policy",  # runs of white space, a line break
        "The Pakistan-Russia SCO meeting demonstrates",  # the document has an en dash
        "The Pakistan\u2014Russia SCO meeting demonstrates",  # an em dash
        "\u201cquoted\u201d \ufb01nd",  # NFKC (the ligature fi), typographic double quotes
    ],
)
def test_a_quote_is_found_after_normalization(bank, quote):
    Path("seeds/extra.txt").write_text('We "quoted" find it.\n', encoding="utf-8")
    doc = "extra" if "quoted" in quote else "sco-2025"
    text = HEADER.replace(f"sco-2025: {SEED}", f"{doc}: {SEED}").replace(
        f"extra: {SEED}", "extra: seeds/extra.txt"
    ) + (
        f'  - {{id: q, type: true_false, prompt: P, answer: true, source: {{doc: {doc}, quote: "{quote}"}}}}\n'
    )
    assert report_of(bank(text)).problems == []


def test_quote_case_is_kept(bank):
    text = one_question(
        '{id: q, type: true_false, prompt: P, answer: true, source: {doc: sco-2025, quote: "energy and fuel supply"}}'
    )
    [problem] = errors(bank(text))
    assert "quote not found in source 'sco-2025'" in problem
    assert 'the closest passage is "Energy and fuel supply"' in problem


# -- YAML's own rules --------------------------------------------------------------------


def test_numbers_in_choices_and_answers_mean_their_text(bank):
    text = HEADER + textwrap.indent(
        textwrap.dedent(
            f"""\
            - {{id: year, type: multiple_choice, prompt: Which year?, choices: [2001, 2005], answer: 2001, {CITE}}}
            - {{id: years, type: multiple_answer, prompt: Which?, choices: [1.5, 2, 3], answer: [1.5, 3], {CITE}}}
            - {{id: short, type: short_answer, prompt: Number?, answer: 42, {CITE}}}
            - {{id: pairs, type: matching, prompt: Match, pairs: [[1, one], [2, two]], {CITE}}}
            - {{id: order, type: ordering, prompt: Order, items: [3, 1, 2], {CITE}}}
            - {{id: count, type: numeric, prompt: How many?, answer: 2001, {CITE}}}
            """
        ),
        "  ",
    )
    report = report_of(bank(text))
    assert [p for p in report.problems if p.code is None] == []  # item-writing checks aside
    mc, ma, sa, mt, order, num = report.banks[0].questions
    assert (mc.choices, mc.answer) == (("2001", "2005"), "2001")
    assert ma.answers == ("1.5", "3")
    assert sa.answers == ("42",)
    assert mt.pairs == (("1", "one"), ("2", "two"))
    assert order.items == ("3", "1", "2")
    assert num.answer == 2001 and isinstance(num.answer, int)


def test_a_number_answer_not_among_number_choices(bank):
    text = one_question(
        "{id: q, type: multiple_choice, prompt: P, choices: [2001, 2005], answer: 2010}"
    )
    assert errors(bank(text)) == [
        f"bank.yaml:{pos(text, '2010')}: error: question 'q': answer '2010' is not one of the choices (did you mean '2005'?)"
    ]


def test_a_duplicate_top_level_key_is_an_error(bank):
    text = "id: quiz\ntitle: First\ntitle: Second\nquestions:\n  - " + VALID_QUESTION + "\n"
    text = text.replace("questions:", f"sources:\n  sco-2025: {SEED}\nquestions:")
    path = bank(text)
    assert errors(path) == [
        "bank.yaml:3:1: error: duplicate key 'title' (first given at line 2); a key may appear once"
    ]
    with pytest.raises(QuizgenError):
        load_bank(path)


def test_a_duplicate_key_in_a_block_question_points_at_the_second(bank):
    text = HEADER + textwrap.indent(
        "- id: q\n  type: true_false\n  prompt: P\n  answer: true\n  answer: false\n  "
        + CITE
        + "\n",
        "  ",
    )
    assert errors(bank(text)) == [
        "bank.yaml:10:5: error: question 'q': duplicate key 'answer' (first given at line 9); "
        "a key may appear once"
    ]


def test_utf8_bom_and_crlf_line_ends_load(bank):
    text = one_question(VALID_QUESTION).replace("title: A quiz", "title: Café ünïcode")
    path = Path("bank.yaml")
    bank("")
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    report = report_of(path)
    assert report.problems == []
    loaded = report.banks[0]
    assert loaded.id == "quiz" and loaded.title == "Café ünïcode"
    assert str(loaded.questions[0].location) == "bank.yaml:6:5"


def test_crlf_file_errors_have_the_right_line_and_column(bank):
    text = one_question("{id: q, type: true_false, prompt: P, answer: maybe}")
    bank("")
    Path("bank.yaml").write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    assert errors(Path("bank.yaml")) == [
        f"bank.yaml:{pos(text, 'maybe')}: error: question 'q': answer must be true or false, not text"
    ]


def test_bytes_that_are_not_utf8_are_located(bank):
    bank("")
    Path("bank.yaml").write_bytes(b"id: quiz\ntitle: Caf\xe9\nquestions: []\n")
    assert errors(Path("bank.yaml")) == [
        "bank.yaml:2:11: error: the file is not UTF-8 text (byte 0xe9 at offset 19)"
    ]


def test_a_binary_file_is_located(bank):
    bank("")
    Path("bank.yaml").write_bytes(bytes(range(256)))
    assert errors(Path("bank.yaml")) == [
        "bank.yaml:2:118: error: the file is not UTF-8 text (byte 0x80 at offset 128)"
    ]


@pytest.mark.parametrize(("char", "code"), [("\x00", "U+0000"), ("\x1b", "U+001B")])
def test_a_control_character_is_located(bank, char, code):
    text = f"id: quiz\ntitle: 'Caf\u00e9 \u20ac {char}'\nquestions: []\n"
    path = bank(text)
    assert errors(path) == [
        f"bank.yaml:2:16: error: invalid YAML: the character {code} is not allowed in a YAML file"
    ]


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        ("id: quiz\ntitle: [A quiz\nquestions: []\n", "3:10", "did not find expected ',' or ']'"),
        # Plain words for the common mistakes: tests/test_yaml_errors.py has the rest.
        (
            "id: quiz\n\ttitle: A quiz\n",
            "2:1",
            "a tab character: YAML indents with spaces only; replace the tab with spaces",
        ),
        (
            "id: quiz\ntitle: 'unclosed\n",
            "2:8",
            "this quote (') is never closed; end the text with ' on its line",
        ),
        (
            "id: quiz\n  title: x\n",
            "2:3",
            "this line is indented 2 spaces, which fits nothing above it (the line above "
            "starts at column 1); keys of one mapping start in the same column",
        ),
        ("id: *nowhere\n", "1:5", "found undefined alias 'nowhere'"),
    ],
)
def test_malformed_yaml_is_located(bank, text, where, message):
    assert errors(bank(text)) == [f"bank.yaml:{where}: error: invalid YAML: {message}"]


def test_two_documents_in_one_file(bank):
    text = one_question(VALID_QUESTION) + "---\nid: second\n"
    assert errors(bank(text)) == [
        "bank.yaml:7:1: error: invalid YAML: a bank file holds one YAML document; "
        "found another after '---'"
    ]


def test_one_document_with_explicit_markers_is_fine(bank):
    text = "---\n" + one_question(VALID_QUESTION) + "...\n"
    assert report_of(bank(text)).problems == []


# -- tags, anchors and alias bombs ---------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("!!python/object/apply:os.system ['touch MARKER']", "!!python/object/apply:os.system"),
        ("!!python/object/new:os.system ['touch MARKER']", "!!python/object/new:os.system"),
        ("!!python/name:os.system", "!!python/name:os.system"),
        ("!!python/module:os", "!!python/module:os"),
        ("!foo x", "!foo"),
        ("!<tag:example.com,2000:x> y", "tag:example.com,2000:x"),
    ],
)
def test_a_tag_that_is_not_plain_yaml_is_refused_and_never_run(bank, value, shown):
    text = one_question(VALID_QUESTION).replace("title: A quiz", f"title: {value}")
    path = bank(text)
    assert errors(path) == [
        f"bank.yaml:2:8: error: tag '{shown}' is not allowed; a bank uses plain YAML only"
    ]
    assert not Path("MARKER").exists()


def test_a_tag_inside_a_question_is_located_there(bank):
    text = one_question(
        "{id: q, type: true_false, prompt: !!python/object/apply:os.system ['touch MARKER'], answer: true}"
    )
    assert errors(bank(text)) == [
        f"bank.yaml:{pos(text, '!!python')}: error: tag '!!python/object/apply:os.system' "
        "is not allowed; a bank uses plain YAML only"
    ]
    assert not Path("MARKER").exists()


def test_standard_tags_are_fine(bank):
    text = one_question(VALID_QUESTION.replace("prompt: Is it?", "prompt: !!str 2025"))
    report = report_of(bank(text))
    assert report.problems == []
    assert report.banks[0].questions[0].prompt == "2025"


def billion_laughs(levels: int = 10) -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, levels):
        lines.append(f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * 10) + "]")
    return "\n".join(lines) + "\n"


def test_an_alias_bomb_is_refused_with_bounded_memory(bank):
    path = bank(billion_laughs())
    tracemalloc.start()
    try:
        problems = errors(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert problems == [
        "bank.yaml:1:1: error: aliases expand this file to 12,345,679,021 values "
        "(limit 100,000); refusing to expand it (an 'alias bomb'?)"
    ]
    assert peak < 200 * 1024 * 1024


def test_an_alias_bomb_inside_the_questions_is_refused(bank):
    lines = ["q0: &q0 [{id: q, type: true_false, prompt: P, answer: true}]"]
    lines += [f"q{n}: &q{n} [*q{n - 1}, *q{n - 1}, *q{n - 1}]" for n in range(1, 25)]
    text = "id: quiz\ntitle: T\nbombs:\n" + textwrap.indent("\n".join(lines), "  ")
    text += "\nquestions: *q24\n"
    [problem] = errors(bank(text))
    assert problem.startswith("bank.yaml:1:1: error: aliases expand this file to ")
    assert "refusing to expand it" in problem


def test_a_recursive_alias_is_refused(bank):
    text = "id: quiz\ntitle: T\nquestions: &loop\n  - *loop\n"
    assert errors(bank(text)) == [
        "bank.yaml:3:12: error: an alias refers to the collection that contains it; "
        "a bank cannot hold a recursive structure"
    ]


def nesting_refusal(problem: str) -> tuple[int, int]:
    """The line and column of a refusal of deep nesting, whichever parser refused first.

    quizgen's composer refuses more than MAX_NESTING levels with its own message. libyaml
    (PyYAML 6.0.4 and later) refuses more than 1,000 with its own, and speaks first when
    that many openings sit on one line within its look-ahead. Either way the behaviour is
    the same: one located error that names nesting as the reason.
    """
    match = re.fullmatch(r"bank\.yaml:(\d+):(\d+): error: invalid YAML: (.+)", problem)
    assert match, problem
    assert "nest" in match[3], problem
    return int(match[1]), int(match[2])


# The pure-Python scanner takes a second or two on a line packed with "[".
@pytest.mark.parametrize("parser", ["libyaml", pytest.param("pure Python", marks=pytest.mark.slow)])
@pytest.mark.parametrize("opening", ["[", "{a: ", "- "])
def test_deep_nesting_is_refused(bank, monkeypatch, opening, parser):
    if parser == "pure Python":
        import yaml

        import quizgen.bank.yaml_nodes as yaml_nodes

        monkeypatch.setattr(yaml_nodes, "_Parser", yaml.SafeLoader)
    depth = 50_000
    closing = {"[": "]", "{a: ": "}", "- ": ""}[opening]
    if opening == "- ":
        line, prefix, text = 2, "", "id:\n" + opening * depth + "x\n"
    else:
        line, prefix = 1, "id: "
        text = prefix + opening * depth + "x" + closing * depth + "\n"
    [problem] = errors(bank(text))
    # On the line of the openings, once more than MAX_NESTING of them are open: not
    # before, and without reading on past them.
    found_line, column = nesting_refusal(problem)
    assert found_line == line
    assert len(prefix) + (MAX_NESTING - 1) * len(opening) < column
    assert column <= len(prefix) + depth * len(opening)


def test_the_loaders_own_nesting_limit_is_reported_where_it_is_passed(bank):
    # One opening per line: no parser meets 1,000 levels before the loader refuses 200.
    text = "id:\n" + "  [\n" * 1_500 + "  ]\n" * 1_500
    assert errors(bank(text)) == [
        f"bank.yaml:{MAX_NESTING + 1}:3: error: invalid YAML: lists and mappings nested more "
        f"than {MAX_NESTING} levels deep; a bank needs only a few"
    ]


def test_small_anchors_aliases_and_merge_keys_work(bank):
    text = HEADER + textwrap.indent(
        textwrap.dedent(
            f"""\
            - &base
              id: capital
              type: short_answer
              prompt: Capital of Russia?
              answer: Moscow
              tags: &tags [geography]
              {CITE}
            - <<: *base
              id: capital-pk
              prompt: Capital of Pakistan?
              answer: Islamabad
            - id: shared-tags
              <<: [{{type: true_false}}, {{answer: false, prompt: ignored}}]
              prompt: Russia is in the SCO?
              answer: true
              tags: *tags
              {CITE}
            """
        ),
        "  ",
    )
    report = report_of(bank(text))
    assert [p for p in report.problems if p.code is None] == []  # item-writing checks aside
    base, merged, listed = report.banks[0].questions
    assert (base.id, base.answers, base.tags) == ("capital", ("Moscow",), ("geography",))
    assert (merged.id, merged.type, merged.prompt) == (
        "capital-pk",
        "short_answer",
        "Capital of Pakistan?",
    )
    assert merged.answers == ("Islamabad",) and merged.tags == ("geography",)
    assert merged.source == base.source
    assert (listed.type, listed.answer, listed.prompt) == (
        "true_false",
        True,
        "Russia is in the SCO?",
    )
    assert listed.tags == ("geography",)


def test_an_error_in_merged_keys_is_reported_for_each_question_using_them(bank):
    text = HEADER + textwrap.indent(
        textwrap.dedent(
            f"""\
            - &base {{id: a, type: true_false, prompt: A?, answer: true, difficulty: extreme, {CITE}}}
            - {{<<: *base, id: b, prompt: B?}}
            """
        ),
        "  ",
    )
    assert errors(bank(text)) == [
        f"bank.yaml:{pos(text, 'extreme')}: error: question 'a': "
        "difficulty 'extreme' must be easy, medium or hard",
        f"bank.yaml:{pos(text, 'extreme')}: error: question 'b': "
        "difficulty 'extreme' must be easy, medium or hard",
    ]


# -- several files -------------------------------------------------------------------------


def in_folder(text: str) -> str:
    """A bank for a sub-folder: its sources are one folder up."""
    return text.replace(": seeds/", ": ../seeds/")


def test_a_folder_means_every_yaml_and_yml_file_in_it(bank):
    bank(in_folder(one_question(VALID_QUESTION)), "banks/a.yaml")
    bank(in_folder(one_question(VALID_QUESTION)).replace("id: quiz", "id: second"), "banks/b.yml")
    bank("not a bank", "banks/notes.txt")
    bank("id: [broken", "banks/nested/c.yaml")
    banks = load_banks([Path("banks")])
    assert [b.id for b in banks] == ["quiz", "second"]
    assert bank_files([Path("banks")]) == [Path("banks/a.yaml"), Path("banks/b.yml")]


def test_a_folder_without_banks_is_an_error(bank):
    Path("empty").mkdir()
    with pytest.raises(QuizgenError, match=r"no \*\.yaml or \*\.yml bank files in folder empty"):
        check_paths([Path("empty")])


def test_a_missing_path_is_an_error(bank):
    with pytest.raises(QuizgenError) as raised:
        check_paths([Path("nowhere.yaml")])
    assert [str(p) for p in raised.value.problems] == [
        "nowhere.yaml: error: no such file or folder: nowhere.yaml"
    ]


def test_bank_ids_are_unique_among_banks_loaded_together(bank):
    first = bank(one_question(VALID_QUESTION), "a.yaml")
    second = bank(one_question(VALID_QUESTION), "b.yaml")
    assert errors(second) == [] and errors(first) == []
    report = check_paths([first, second])
    assert [str(p) for p in report.errors] == [
        "b.yaml:1:1: error: bank id 'quiz' is also the id of a.yaml; "
        "bank ids must be unique among the banks loaded together"
    ]


def test_problems_of_several_files_are_all_reported(bank):
    bad = in_folder(one_question(f"{{id: q, type: true_false, prompt: P, answer: maybe, {CITE}}}"))
    bank(bad, "banks/a.yaml")
    bank(bad.replace("id: quiz", "id: other"), "banks/b.yaml")
    assert [p.location.file for p in check_paths([Path("banks")]).errors] == [
        "banks/a.yaml",
        "banks/b.yaml",
    ]


def test_parse_bank_keeps_the_valid_questions_of_a_bank_with_errors(bank):
    text = HEADER + f"  - {VALID_QUESTION}\n  - {{id: bad, type: true_false, prompt: P}}\n"
    loaded, problems = parse_bank(bank(text))
    assert [q.id for q in loaded.questions] == ["q"]
    assert [p.question for p in problems] == ["bad"]


# -- warnings ------------------------------------------------------------------------------


def test_warnings_do_not_fail_unless_strict(bank):
    text = HEADER.replace(
        "sources:\n", "sources:\n  unused: " + OTHER_SEED + "\n"
    ) + textwrap.indent(
        textwrap.dedent(
            f"""\
            - {{id: a, type: true_false, prompt: Is the SCO large?, answer: true, {CITE}}}
            - {{id: b, type: true_false, prompt: "is the  SCO large?", answer: true, {CITE}}}
            - {{id: c, type: true_false, prompt: No source here, answer: true}}
            """
        ),
        "  ",
    )
    path = bank(text)
    report = report_of(path)
    assert report.errors == []
    second = pos(text, '"is the')
    assert warnings(path) == [
        "bank.yaml:4:11: warning: source 'unused' is declared but no question cites it",
        f"bank.yaml:{second}: warning: question 'b': the same prompt as question 'a'",
        f"bank.yaml:{pos(text, '{id: c')}: warning: question 'c': no source: cite the passage it comes from",
    ]
    ensure_valid(report)  # warnings alone pass
    assert [b.id for b in load_banks([path])] == ["quiz"]
    with pytest.raises(QuizgenError) as raised:
        ensure_valid(report, strict=True)
    assert len(raised.value.problems) == 3


def test_the_same_cloze_text_twice_is_a_warning(bank):
    cloze = "{id: ID, type: cloze, text: 'The {{c1::SCO}} met.', " + CITE + "}"
    text = HEADER + f"  - {cloze.replace('ID', 'a')}\n  - {cloze.replace('ID', 'b')}\n"
    column = pos(text, "'The").split(":")[1]
    assert warnings(bank(text)) == [
        f"bank.yaml:7:{column}: warning: question 'b': the same prompt as question 'a'"
    ]
    assert column == "32"


# -- names the system cannot use -------------------------------------------------------------


def test_a_source_path_with_a_nul_byte_is_located(bank):
    text = one_question(VALID_QUESTION).replace(
        "sources:\n", 'sources:\n  broken: "seeds/a\\0b.txt"\n'
    )
    assert errors(bank(text)) == [
        "bank.yaml:4:11: error: source 'broken' path is not a usable file name"
    ]


@pytest.mark.parametrize(
    ("image", "message"),
    [
        ('"images/a\\0.png"', "image 'images/a\\x00.png' is not a usable file name"),
        ("x" * 300 + ".png", f"image '{'x' * 300}.png' does not exist"),
    ],
)
def test_an_image_name_the_system_cannot_use_is_located(bank, image, message):
    text = one_question(f"{{id: q, type: true_false, prompt: P, answer: true, image: {image}}}")
    assert errors(bank(text)) == [f"bank.yaml:{pos(text, image)}: error: question 'q': {message}"]


def test_a_problem_quoting_control_characters_prints_them_visibly_on_one_line(bank):
    text = one_question(
        '{id: q, type: multiple_choice, prompt: P, choices: [a, b], answer: "\\e[2J\\x9b1m\\nnext"}'
    )
    [line] = errors(bank(text))
    at = pos(text, '"')
    assert line == (
        f"bank.yaml:{at}: error: question 'q': "
        "answer '\\x1b[2J\\x9b1m\\x0anext' is not one of the choices"
    )
    problem = report_of(Path("bank.yaml")).errors[0]
    assert problem.message == "answer '\x1b[2J\x9b1m\nnext' is not one of the choices"


def test_a_file_named_twice_is_read_once(bank):
    bank(in_folder(one_question(VALID_QUESTION)), "banks/a.yaml")
    bank(in_folder(one_question(VALID_QUESTION)).replace("id: quiz", "id: b"), "banks/b.yaml")
    paths = [Path("banks/a.yaml"), Path("banks"), Path("./banks/a.yaml"), Path("banks/../banks")]
    assert bank_files(paths) == [Path("banks/a.yaml"), Path("banks/b.yaml")]
    report = check_paths(paths)
    assert report.problems == []
    assert [b.id for b in report.banks] == ["quiz", "b"]


# -- without libyaml --------------------------------------------------------------------------

FALLBACK_CASES = {
    "all-types": ALL_TYPES,
    "bad-answer": one_question("{id: q, type: true_false, prompt: P, answer: maybe}"),
    "control-character": "id: quiz\ntitle: 'Caf\u00e9 \u20ac \x1b'\n",
    "python-tag": "id: !!python/object/apply:os.system ['touch MARKER']\n",
    "alias-bomb": billion_laughs(),
    "recursive-alias": "id: &a [*a]\n",
    # One opening per line, so the loader refuses it, never libyaml's own limit: the same
    # message from both parsers (test_deep_nesting_is_refused packs them on one line).
    "deep-nesting": "id:\n" + "  [\n" * 1_500 + "  ]\n" * 1_500,
    "two-documents": "id: a\n---\nid: b\n",
    "duplicate-anchor": "id: &a x\ntitle: &a y\n",
    "undefined-alias": "id: *nowhere\n",
}


@pytest.mark.parametrize("name", FALLBACK_CASES)
def test_the_pure_python_parser_gives_the_same_problems(bank, monkeypatch, name):
    import yaml

    import quizgen.bank.yaml_nodes as yaml_nodes

    path = bank(FALLBACK_CASES[name])
    with_libyaml = errors(path)
    monkeypatch.setattr(yaml_nodes, "_Parser", yaml.SafeLoader)
    assert errors(path) == with_libyaml
    assert not Path("MARKER").exists()


def test_a_source_cited_only_by_a_question_with_errors_is_not_called_unused(bank):
    text = one_question(
        "{id: q, type: true_false, prompt: P, answer: maybe, "
        'source: {doc: sco-2025, quote: "Energy and fuel supply"}}'
    )
    path = bank(text)
    assert errors(path) == [
        f"bank.yaml:{pos(text, 'maybe')}: error: question 'q': answer must be true or false, not text"
    ]
    assert warnings(path) == []
    bank(text.replace("maybe", "true"))
    assert report_of(path).problems == []
    bank(text.replace("maybe", "true").replace(", source: {doc", "}  # {doc"))
    assert warnings(path) == [
        "bank.yaml:4:13: warning: source 'sco-2025' is declared but no question cites it",
        "bank.yaml:6:5: warning: question 'q': no source: cite the passage it comes from",
    ]


def test_hidden_files_in_a_folder_are_not_banks(bank):
    bank(in_folder(one_question(VALID_QUESTION)), "banks/a.yaml")
    Path("banks/._a.yaml").write_bytes(b"\x00\x05\x16\x07Mac OS X resource fork\xff")
    Path("banks/.draft.yml").write_text("id: [unfinished")
    assert bank_files([Path("banks")]) == [Path("banks/a.yaml")]
    assert check_paths([Path("banks")]).problems == []
    # Named on its own, a hidden file is read like any other.
    assert errors(Path("banks/.draft.yml")) == [
        "banks/.draft.yml:2:1: error: invalid YAML: did not find expected ',' or ']'"
    ]


def test_a_misspelt_key_of_another_type_is_suggested_with_a_warning_that_it_does_not_apply(
    write_bank,
):
    path = write_bank(
        """\
        id: x
        title: X
        questions:
          - {id: a, type: short_answer, prompt: p, answer: q, choises: [a]}
        """
    )
    _, problems = parse_bank(path)
    assert [str(p) for p in problems] == [
        f"{path}:4:55: error: question 'a': unknown key 'choises' "
        "(did you mean 'choices'? It is not a key of short_answer questions)"
    ]


def test_numeric_answer_keeps_the_text_the_bank_wrote(tmp_path):
    from quizgen.bank.load import load_banks
    from quizgen.questions import number_text

    bank = tmp_path / "b.yaml"
    bank.write_text(
        "title: T\nid: t\nquestions:\n"
        "  - id: a\n    type: numeric\n    prompt: p\n    answer: 150_000\n    unit: litres\n"
        "  - {id: b, type: numeric, prompt: p, answer: 2.50}\n"
        "  - {id: c, type: numeric, prompt: p, answer: 1.0e+3}\n"
        "  - {id: d, type: matching, prompt: p, partial: true, pairs: [[a, b], [c, d]]}\n",
        encoding="utf-8",
    )
    a, b, c, d = load_banks([bank])[0].questions
    assert (a.answer, number_text(a).answer_with_unit) == (150000, "150,000 litres")
    assert number_text(b).answer == "2.50"
    assert (c.answer, number_text(c).answer) == (1000, "1000")  # YAML's exponent form
    assert d.partial is True


def test_partial_is_refused_where_a_question_has_no_parts(tmp_path):
    from quizgen.bank.load import load_banks
    from quizgen.errors import QuizgenError

    bank = tmp_path / "b.yaml"
    bank.write_text(
        "title: T\nid: t\nquestions:\n"
        "  - {id: a, type: short_answer, prompt: p, answer: x, partial: true}\n",
        encoding="utf-8",
    )
    with pytest.raises(QuizgenError, match="partial"):
        load_banks([bank])
