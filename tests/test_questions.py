"""The per-type layer: answers, numbers, letters, the type table, shuffles, texts."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizgen import questions as qs
from quizgen.bank.load import load_bank
from quizgen.bank.model import QUESTION_TYPES, Cloze, Matching, MultipleChoice, Numeric, Ordering
from quizgen.bank.select import shuffled

BANK = """\
id: demo
title: Demo
sources:
  sco:
    path: seeds/004_369735ee3e7b3786.txt
    title: The SCO charter
questions:
  - id: mc
    type: multiple_choice
    prompt: Capital?
    choices: [Paris, Rome, Oslo]
    answer: Rome
  - id: ma
    type: multiple_answer
    prompt: Which?
    choices: [a, b, c, d]
    answer: [d, b]
  - id: tf
    type: true_false
    prompt: Yes?
    answer: false
  - id: sa
    type: short_answer
    prompt: Name?
    answer: [Tashkent, Toshkent]
  - id: num
    type: numeric
    prompt: How far?
    answer: 42
    tolerance: 0.5
    unit: km
  - id: exact
    type: numeric
    prompt: How many?
    answer: 8
  - id: cz
    type: cloze
    text: "The {{c1::SCO}} met in {{c2::Astana::city}}."
  - id: mt
    type: matching
    prompt: Match.
    pairs:
      - [one, 1]
      - [two, 2]
      - [three, 3]
  - id: od
    type: ordering
    prompt: Order.
    items: [first, second, third]
"""


@pytest.fixture
def bank(write_bank):
    return load_bank(write_bank(BANK))


def by_id(bank, qid):
    return next(q for q in bank.questions if q.id == qid)


# -- the type table -----------------------------------------------------------------------


def test_every_question_type_has_one_row_with_every_text():
    assert list(qs.TYPES) != []
    assert set(qs.TYPES) == set(QUESTION_TYPES)
    for name, info in qs.TYPES.items():
        assert info.name == name
        assert info.label and info.asks and info.instruction
        assert qs.type_info(name) is info


def test_type_info_takes_a_question(bank):
    assert qs.type_info(by_id(bank, "ma")).asks == "select all that apply"


# -- answers ------------------------------------------------------------------------------


def test_right_choices_and_indices_are_in_choice_order(bank):
    assert qs.right_indices(by_id(bank, "mc")) == (1,)
    assert qs.right_choices(by_id(bank, "mc")) == ("Rome",)
    assert qs.right_indices(by_id(bank, "ma")) == (1, 3)
    assert qs.right_choices(by_id(bank, "ma")) == ("b", "d")
    assert qs.right_choices(by_id(bank, "sa")) == ()


@pytest.mark.parametrize(
    ("qid", "accepted", "text"),
    [
        ("mc", ("Rome",), "Rome"),
        ("ma", ("b", "d"), "b; d"),
        ("tf", ("False",), "False"),
        ("sa", ("Tashkent", "Toshkent"), "Tashkent"),
        ("num", ("42 km",), "42 ± 0.5 km"),
        ("exact", ("8",), "8"),
        ("cz", ("SCO", "Astana"), "SCO; Astana"),
        ("mt", ("1", "2", "3"), "one → 1; two → 2; three → 3"),
        ("od", ("first", "second", "third"), "first → second → third"),
    ],
)
def test_accepted_answers_and_answer_text(bank, qid, accepted, text):
    question = by_id(bank, qid)
    assert qs.accepted_answers(question) == accepted
    assert qs.answer_text(question) == text


def test_number_text_gives_the_range_only_with_a_tolerance(bank):
    ranged = qs.number_text(by_id(bank, "num"))
    assert (ranged.answer, ranged.tolerance, ranged.low, ranged.high) == (
        "42",
        "0.5",
        "41.5",
        "42.5",
    )
    assert ranged.unit_suffix == " km"
    exact = qs.number_text(by_id(bank, "exact"))
    assert (exact.tolerance, exact.low, exact.high, exact.unit_suffix) == (None, None, None, "")
    assert qs.numeric_range(by_id(bank, "num")) == (41.5, 42.5)


def test_the_range_is_what_the_question_accepts(bank):
    question = by_id(bank, "num")
    assert isinstance(question, Numeric)
    low, high = qs.numeric_range(question)
    assert question.accepts(low) and question.accepts(high)
    assert not question.accepts(high + 0.01) and not question.accepts(low - 0.01)


def test_true_false_words():
    assert qs.true_false_text(True) == "True" and qs.true_false_text(False) == "False"
    assert not qs.TRUE_WORDS & qs.FALSE_WORDS
    assert {"t", "true", "yes"} <= qs.TRUE_WORDS and {"f", "false", "no"} <= qs.FALSE_WORDS


def test_source_title_falls_back_to_the_document_id(bank, write_bank):
    cited = by_id(bank, "sa")
    assert qs.source_title(bank, cited) is None  # cites nothing
    quoted = load_bank(
        write_bank(
            BANK.replace(
                "    answer: [Tashkent, Toshkent]\n",
                "    answer: [Tashkent, Toshkent]\n"
                "    source: {doc: sco, quote: Shanghai Cooperation Organization}\n",
            ),
            "cited.yaml",
        )
    )
    question = by_id(quoted, "sa")
    assert qs.source_title(quoted, question) == "The SCO charter"
    assert qs.source_title(None, question) == "sco"
    assert qs.source_title(quoted, question, question.citations[0]) == "The SCO charter"


def test_cloze_pieces_put_text_and_numbered_gaps_in_order(bank):
    question = by_id(bank, "cz")
    assert isinstance(question, Cloze)
    pieces = qs.cloze_pieces(question)
    assert [p.text for p in pieces if p.blank is None] == ["The ", " met in ", "."]
    assert [(p.blank, p.answer, p.hint) for p in pieces if p.blank] == [
        (1, "SCO", None),
        (2, "Astana", "city"),
    ]
    rebuilt = "".join(p.text if p.blank is None else f"[{p.answer}]" for p in pieces)
    assert rebuilt == "The [SCO] met in [Astana]."


# -- letters ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("index", "label"),
    [
        (0, "A"),
        (1, "B"),
        (25, "Z"),
        (26, "AA"),
        (27, "AB"),
        (51, "AZ"),
        (52, "BA"),
        (701, "ZZ"),
        (702, "AAA"),
    ],
)
def test_letters_go_on_past_z_as_in_spreadsheets(index, label):
    assert qs.letter(index) == label
    assert qs.letter(index, lower=True) == label.lower()


@given(st.integers(min_value=0, max_value=5000))
def test_letter_index_reads_back_every_letter(index):
    assert qs.letter_index(qs.letter(index), index + 1) == index
    assert qs.letter_index(qs.letter(index, lower=True) + ")", index + 1) == index
    assert qs.letter_index(qs.letter(index), index) is None  # one past the shown items


@pytest.mark.parametrize("text", ["", "1", "é", "a b", "?"])
def test_letter_index_refuses_what_is_not_a_letter(text):
    assert qs.letter_index(text, 30) is None


# -- shuffles -----------------------------------------------------------------------------


def test_choice_order_keeps_bank_order_unseeded_or_unshuffled(bank, write_bank):
    question = by_id(bank, "ma")
    assert qs.choice_order(question, None) == [0, 1, 2, 3]
    orders = {tuple(qs.choice_order(question, seed)) for seed in range(30)}
    assert len(orders) > 1 and all(sorted(o) == [0, 1, 2, 3] for o in orders)
    assert qs.choice_order(question, 7, "A") == qs.choice_order(question, 7, "A")
    fixed = load_bank(
        write_bank(
            BANK.replace("    answer: [d, b]\n", "    answer: [d, b]\n    shuffle: false\n"),
            "f.yaml",
        )
    )
    assert qs.choice_order(by_id(fixed, "ma"), 7) == [0, 1, 2, 3]
    assert qs.choice_order(by_id(bank, "sa"), 7) == []


def test_hashed_order_is_fixed_by_its_salt():
    first = qs.hashed_order(10, "quizgen-anki", "bank", "q")
    assert first == qs.hashed_order(10, "quizgen-anki", "bank", "q")
    assert sorted(first) == list(range(10))
    assert len({tuple(qs.hashed_order(10, "s", n)) for n in range(20)}) > 1


def test_not_in_answer_order_rotates_only_the_answer_order():
    assert qs.not_in_answer_order([0, 1, 2]) == [1, 2, 0]
    assert qs.not_in_answer_order([2, 0, 1]) == [2, 0, 1]
    assert qs.not_in_answer_order([0]) == [0]
    assert qs.not_in_answer_order([]) == []


def _clash_free(order: list[int], against: list[int]) -> bool:
    return all(a != b for a, b in zip(order, against, strict=True))


@given(st.permutations(list(range(8))), st.permutations(list(range(8))))
def test_derangement_leaves_no_item_beside_its_partner(order, against):
    result = qs.derangement(order, against)
    assert sorted(result) == list(range(8))
    assert _clash_free(result, against)
    if _clash_free(order, against):
        assert result == order  # nothing to fix: unchanged


@pytest.mark.parametrize("count", [2, 3, 4, 5])
def test_derangement_of_every_order_of_small_columns(count):
    for order in itertools.permutations(range(count)):
        result = qs.derangement(list(order))
        assert sorted(result) == list(range(count))
        assert _clash_free(result, list(range(count)))
    assert qs.derangement(list(range(count))) == [*range(1, count), 0]


def test_derangement_of_one_item_and_of_unequal_lengths():
    assert qs.derangement([0]) == [0]
    with pytest.raises(ValueError):
        qs.derangement([0, 1], [0])


def test_a_seeded_matching_column_never_lines_up(bank):
    question = by_id(bank, "mt")
    assert isinstance(question, Matching)
    count = len(question.pairs)
    for seed in range(200):
        left = shuffled(list(range(count)), seed, "left")
        right = qs.derangement(shuffled(left, seed, "right"), left)
        assert _clash_free(right, left)


def test_ordering_items_are_never_shown_solved(bank):
    question = by_id(bank, "od")
    assert isinstance(question, Ordering)
    for seed in range(200):
        order = qs.not_in_answer_order(shuffled(list(range(len(question.items))), seed))
        assert order != [0, 1, 2]


def test_multiple_choice_is_the_model_class(bank):
    assert isinstance(by_id(bank, "mc"), MultipleChoice)


def test_one_default_title_rule():
    from quizgen.questions import default_title

    assert default_title([]) == "Quiz"
    assert default_title(["A"]) == "A"
    assert default_title(["A", "A"]) == "A"
    assert default_title(["A", "B"]) == "A and B"
    assert default_title(["A", "B", "C"]) == "A, B and C"
    assert default_title(["A", "B", "C", "D", "E"]) == "A, B and 3 more"


def test_part_credit_only_where_asked_and_split_evenly():
    from quizgen.bank.model import Matching, ShortAnswer
    from quizgen.errors import Location
    from quizgen.questions import part_credit

    pairs = tuple((str(i), str(i + 10)) for i in range(5))
    asked = Matching("m", Location("t"), points=5, partial=True, pairs=pairs)
    credit = part_credit(asked)
    assert credit is not None
    assert (credit.count, credit.each, credit.text) == (5, 1, "1 per pair")
    assert part_credit(Matching("m", Location("t"), points=5, pairs=pairs)) is None
    assert part_credit(ShortAnswer("s", Location("t"), answers=("x",), partial=True)) is None
