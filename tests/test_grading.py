"""Grading: forgiving where a teacher would be, strict where it matters."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizgen.bank.model import (
    Cloze,
    Matching,
    MultipleAnswer,
    MultipleChoice,
    Numeric,
    Ordering,
    ShortAnswer,
    TrueFalse,
    parse_cloze,
)
from quizgen.errors import Location
from quizgen.study.grading import (
    Layout,
    grade,
    input_problem,
    make_layout,
    parse_letters,
    parse_true_false,
    right_answer_text,
    shown_items,
    shown_letter,
)
from quizgen.study.numbers import parse_number
from quizgen.study.text_match import allowed_typos, grade_text, normalize, osa_distance

HERE = Location("test.yaml", 1, 1)


def short(*answers: str, case_sensitive: bool = False) -> ShortAnswer:
    return ShortAnswer(
        id="q", prompt="?", location=HERE, answers=answers, case_sensitive=case_sensitive
    )


# ------------------------------------------------------------------ normalization


def test_normalize_folds_case_accents_punctuation_and_spaces():
    assert normalize("  Ürümqi,   CAFÉ!  ") == "urumqi cafe"
    assert normalize("Straße") == normalize("STRASSE")  # case folding, not lower()
    assert normalize("ｆｕｌｌｗｉｄｔｈ") == "fullwidth"  # NFKC
    assert normalize("e-mail") == "email"


def test_normalize_keeps_symbols_and_text_made_of_punctuation():
    assert normalize("C++") == "c++"
    assert normalize("?!") == "?!"


def test_case_sensitive_keeps_case_only():
    assert normalize("NaCl.", case_sensitive=True) == "NaCl"


# ----------------------------------------------------------------------- distance


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [
        ("", "", 0),
        ("abc", "", 3),
        ("kitten", "sitting", 3),
        ("the", "teh", 1),  # a swap of neighbours is one edit
        ("tashkent", "tahskent", 1),
        ("ca", "abc", 3),  # optimal string alignment: no substring edited twice
        ("abcdef", "abcdef", 0),
    ],
)
def test_osa_distance(a, b, distance):
    assert osa_distance(a, b) == distance
    assert osa_distance(b, a) == distance


@given(st.text(max_size=12), st.text(max_size=12))
def test_osa_distance_is_a_bounded_symmetric_measure(a, b):
    d = osa_distance(a, b)
    assert d == osa_distance(b, a)
    assert abs(len(a) - len(b)) <= d <= max(len(a), len(b))
    assert (d == 0) == (a == b)


@given(st.text(alphabet="abcd", max_size=10), st.text(alphabet="abcd", max_size=10))
def test_bounded_distance_is_exact_up_to_the_limit(a, b):
    full = osa_distance(a, b)
    for limit in range(4):
        bounded = osa_distance(a, b, limit)
        assert bounded == full if full <= limit else bounded == limit + 1


@given(st.text(alphabet="abcdefgh", min_size=2, max_size=12), st.data())
def test_swapping_two_neighbours_costs_one(word, data):
    i = data.draw(st.integers(0, len(word) - 2))
    swapped = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    assert osa_distance(word, swapped) == (0 if swapped == word else 1)


@pytest.mark.parametrize(
    ("answer", "edits"),
    [
        ("Iran", 0),
        ("Oman", 0),
        ("Russia", 1),
        ("Tashkent", 1),
        ("Kazakhstan", 2),
        ("New Delhi", 1),
        ("Islamabad", 2),
    ],
)
def test_allowed_typos_scale_with_length(answer, edits):
    assert allowed_typos(answer) == edits


# --------------------------------------------------------------------------- text


def test_exact_after_normalization_is_right():
    for said in ("tashkent", "  TASHKENT ", "Tashkent.", "Tâshkent"):
        assert grade_text(said, ["Tashkent"]).outcome == "right"


def test_every_alternative_counts():
    assert grade_text("Toshkent", ["Tashkent", "Toshkent"]).outcome == "right"


def test_small_typo_is_right_with_a_typo_and_shows_the_spelling():
    verdict = grade_text("Tashkant", ["Tashkent", "Toshkent"])
    assert verdict.outcome == "typo"
    assert verdict.is_right
    assert verdict.spelling == "Tashkent"
    assert verdict.canonical == "Tashkent"


def test_typo_names_the_alternative_it_was_taken_for():
    verdict = grade_text("Toshkentt", ["Tashkent", "Toshkent"])
    assert verdict.outcome == "typo"
    assert verdict.spelling == "Toshkent"
    assert verdict.canonical == "Tashkent"


def test_transposition_is_one_edit():
    assert grade_text("Rusisa", ["Russia"]).outcome == "typo"


def test_short_answers_forgive_nothing():
    assert grade_text("Irn", ["Iran"]).outcome == "wrong"
    assert grade_text("Iarn", ["Iran"]).outcome == "wrong"


def test_long_answers_forgive_two_edits_but_not_three():
    assert grade_text("Kazakstann", ["Kazakhstan"]).outcome == "typo"
    assert grade_text("Kazkstann", ["Kazakhstan"]).outcome == "wrong"


def test_digits_are_never_fuzzy_in_text():
    assert grade_text("in 1941", ["in 1914"]).outcome == "wrong"
    assert grade_text("World War 2", ["World War 1"]).outcome == "wrong"


def test_case_sensitive_question():
    assert grade_text("NaCl", ["NaCl"], case_sensitive=True).outcome == "right"
    assert grade_text("nacl", ["NaCl"], case_sensitive=True).outcome == "wrong"
    assert grade_text("nacl", ["NaCl"]).outcome == "right"


def test_empty_response_is_wrong():
    assert grade_text("   ", ["Tashkent"]).outcome == "wrong"


# ------------------------------------------------------------------------ numbers


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("42", 42),
        ("-3.5", -3.5),
        ("−3.5", -3.5),
        ("+7", 7),
        ("1,234", 1234),
        ("1,234,567.5", 1234567.5),
        ("1 234 567", 1234567),
        ("1'000", 1000),
        ("1_000", 1000),
        ("3,5", 3.5),
        (".5", 0.5),
        ("1.5e3", 1500),
        ("42 km", 42),
        ("42km", 42),
        ("$1,000", 1000),
        ("€ 5", 5),
        ("50%", 50),
        ("10 000 km/h", 10000),
        ("1914 AD", 1914),
        ("about 40", 40),
        ("~40", 40),
        ("Approx. 40", 40),
    ],
)
def test_parse_number_accepts_what_people_type(text, value):
    assert parse_number(text) == pytest.approx(value)


@pytest.mark.parametrize(
    "text", ["", "abc", "12 or 13", "3 4", "in 40", "about about 40", "1,000,00", "-", "1.2.3"]
)
def test_parse_number_refuses_what_is_not_one_number(text):
    assert parse_number(text) is None


def test_numeric_is_never_fuzzy_and_counts_within_tolerance():
    year = Numeric(id="ww1", prompt="?", location=HERE, answer=1914)
    assert grade(year, ["1914"]).outcome == "right"
    assert grade(year, ["1,914"]).outcome == "right"
    assert grade(year, ["1941"]).outcome == "wrong"
    assert grade(year, ["1915"]).outcome == "wrong"
    distance = Numeric(id="d", prompt="?", location=HERE, answer=4.5, tolerance=0.25, unit="km")
    assert grade(distance, ["4.7 km"]).outcome == "right"
    assert grade(distance, ["4,25"]).outcome == "right"
    assert grade(distance, ["4.8"]).outcome == "wrong"
    verdict = grade(distance, ["lots"])
    assert verdict.outcome == "wrong"
    assert verdict.note == "not a number"
    assert verdict.canonical == "4.5 ± 0.25 km"


# ------------------------------------------------------------------- other types


@pytest.mark.parametrize(
    ("text", "value"),
    [("t", True), ("TRUE", True), ("y", True), ("yes", True), ("f", False), ("n", False)],
)
def test_true_false_words(text, value):
    assert parse_true_false(text) is value


@pytest.mark.parametrize("text", ["vrai", "wahr", "faux", "falsch", "v", "w", "maybe"])
def test_only_the_documented_true_false_words_count(text):
    assert parse_true_false(text) is None


def test_true_false():
    q = TrueFalse(id="q", prompt="?", location=HERE, answer=False)
    assert grade(q, ["f"]).outcome == "right"
    assert grade(q, ["true"]).outcome == "wrong"
    assert grade(q, ["maybe"]).outcome == "wrong"
    assert grade(q, ["f"]).canonical == "False"


def test_multiple_choice_by_letter_or_text_in_display_order():
    q = MultipleChoice(
        id="q",
        prompt="?",
        location=HERE,
        choices=("Beijing", "Moscow", "Tashkent"),
        answer="Beijing",
    )
    assert grade(q, ["a"]).outcome == "right"  # bank order without a layout
    shuffled = Layout((2, 0, 1))  # shown: a) Tashkent, b) Beijing, c) Moscow
    assert grade(q, ["b"], shuffled).outcome == "right"
    assert grade(q, ["a"], shuffled).outcome == "wrong"
    assert grade(q, ["beijing"], shuffled).outcome == "right"
    assert grade(q, ["Bejing"], shuffled).outcome == "right"  # its text, with a typo
    assert right_answer_text(q, shuffled) == "b) Beijing"


def test_multiple_choice_by_the_first_words_of_one_choice():
    q = MultipleChoice(
        id="q",
        prompt="?",
        location=HERE,
        choices=("The two leaders themselves", "The SCO secretariat", "Lower level diplomats"),
        answer="Lower level diplomats",
    )
    assert grade(q, ["lower level"]).outcome == "right"
    assert grade(q, ["the two leaders"]).outcome == "wrong"
    assert input_problem(q, make_layout(q, None), "the two leaders") is None
    assert input_problem(q, make_layout(q, None), "the") is not None  # two choices start so
    assert input_problem(q, make_layout(q, None), "lower lev") is not None  # not whole words


def test_multiple_answer_needs_exactly_the_right_set():
    q = MultipleAnswer(
        id="q",
        prompt="?",
        location=HERE,
        choices=("China", "Turkey", "India", "Afghanistan"),
        answers=("China", "India"),
    )
    for said in ("a c", "a,c", "c, a", "ac", "China, India"):
        assert grade(q, [said]).outcome == "right", said
    for said in ("a", "a b c", "b d", ""):
        assert grade(q, [said]).outcome == "wrong", said
    assert right_answer_text(q, Layout((0, 1, 2, 3))) == "a) China, c) India"
    assert grade(q, ["a b"]).note == "missed c; not right: b"
    assert grade(q, ["a"]).note == "missed c"


def test_short_answer_uses_canonical_and_alternatives():
    q = short("Tashkent", "Toshkent")
    assert grade(q, ["toshkent"]).outcome == "right"
    verdict = grade(q, ["Tashkint"])
    assert (verdict.outcome, verdict.spelling, verdict.canonical) == (
        "typo",
        "Tashkent",
        "Tashkent",
    )


def cloze(text: str) -> Cloze:
    return Cloze(id="c", prompt=None, location=HERE, text=text, deletions=parse_cloze(text))


def test_cloze_grades_each_gap():
    q = cloze("{{c1::Islamabad}} is the capital of {{c2::Pakistan::country}}.")
    assert grade(q, ["islamabad", "pakistan"]).outcome == "right"
    typo = grade(q, ["Islamabd", "Pakistan"])
    assert (typo.outcome, typo.spelling) == ("typo", "[1] Islamabad")
    verdict = grade(q, ["Karachi", "Pakistan"])
    assert verdict.outcome == "wrong"
    assert [p.outcome for p in verdict.parts] == ["wrong", "right"]
    assert verdict.note == "1 of 2 right"
    assert grade(q, ["Islamabad"]).outcome == "wrong"  # a missing gap is a wrong gap


def test_matching_reads_a_letter_per_item():
    q = Matching(
        id="m",
        prompt="?",
        location=HERE,
        pairs=(("Russia", "Moscow"), ("Pakistan", "Islamabad"), ("India", "New Delhi")),
    )
    layout = make_layout(q, None)  # rotated: a) Islamabad, b) New Delhi, c) Moscow
    assert layout.order == (1, 2, 0)
    assert grade(q, ["c", "a", "b"], layout).outcome == "right"
    assert grade(q, ["Moscow", "Islamabad", "New Delhi"], layout).outcome == "right"
    verdict = grade(q, ["c", "b", "a"], layout)
    assert verdict.outcome == "wrong"
    assert [p.outcome for p in verdict.parts] == ["right", "wrong", "wrong"]


def test_ordering_reads_letters_in_order():
    q = Ordering(id="o", prompt="?", location=HERE, items=("first", "second", "third"))
    layout = make_layout(q, None)
    assert [("first", "second", "third")[i] for i in layout.order] == ["second", "third", "first"]
    for said in ("c a b", "cab", "c,a,b", "C, A, B"):
        assert grade(q, [said], layout).outcome == "right", said
    assert grade(q, ["a b c"], layout).outcome == "wrong"
    assert grade(q, ["c a"], layout).outcome == "wrong"
    assert right_answer_text(q, layout) == "c a b (first → second → third)"


# ------------------------------------------------------------------ part credit


def test_part_credit_matching_counts_pairs_and_cloze_counts_blanks():
    pairs = (("Russia", "Moscow"), ("Pakistan", "Islamabad"), ("India", "New Delhi"))
    q = Matching(id="m", prompt="?", location=HERE, pairs=pairs, partial=True, points=6)
    layout = make_layout(q, None)  # a) Islamabad, b) New Delhi, c) Moscow
    verdict = grade(q, ["c", "b", "a"], layout)  # Russia right, the others swapped
    assert (verdict.outcome, verdict.partial, verdict.credit) == ("wrong", 1 / 3, 1 / 3)
    assert grade(q, ["c", "a", "b"], layout).partial == 1.0
    text = "{{c1::Islamabad}} is the capital of {{c2::Pakistan}}, {{c3::Moscow}} of Russia."
    c = Cloze(id="c", prompt=None, location=HERE, text=text, deletions=parse_cloze(text))
    c = replace(c, partial=True)
    verdict = grade(c, ["Islamabd", "Karachi", "Moscow"])  # the typo counts
    assert (verdict.outcome, verdict.partial) == ("wrong", 2 / 3)


def test_part_credit_ordering_counts_items_in_their_right_place():
    items = ("first", "second", "third", "fourth")
    q = Ordering(id="o", prompt="?", location=HERE, items=items, partial=True)
    layout = make_layout(q, None)  # a) second b) third c) fourth d) first
    assert grade(q, ["d a b c"], layout).partial == 1.0
    assert grade(q, ["d a c b"], layout).partial == 0.5  # third and fourth swapped
    assert grade(q, ["a b c d"], layout).partial == 0.0  # every item one place off
    assert grade(q, ["d a"], layout).partial == 0.5  # two given, both in place
    assert grade(q, ["d a b c d"], layout).partial == 0.0  # more letters than items
    assert grade(q, ["x y"], layout).partial == 0.0


def test_part_credit_multiple_answer_counts_choices_ticked_or_left_rightly():
    q = MultipleAnswer(
        id="ma",
        prompt="?",
        location=HERE,
        choices=("China", "Turkey", "India", "Afghanistan", "Uzbekistan"),
        answers=("China", "India", "Uzbekistan"),
        partial=True,
    )
    layout = make_layout(q, None)
    assert grade(q, ["a c e"], layout).partial == 1.0
    assert grade(q, ["a c"], layout).partial == 4 / 5  # Uzbekistan missed
    assert grade(q, ["a b c e"], layout).partial == 4 / 5  # Turkey ticked
    assert grade(q, ["a b c d e"], layout).partial == 3 / 5
    assert grade(q, [""], layout).partial == 2 / 5  # Turkey and Afghanistan rightly left


def test_without_partial_or_with_one_part_a_question_is_all_or_nothing():
    pairs = (("Russia", "Moscow"), ("Pakistan", "Islamabad"))
    q = Matching(id="m", prompt="?", location=HERE, pairs=pairs)
    verdict = grade(q, ["b", "b"])
    assert (verdict.partial, verdict.credit) == (None, 0.0)
    assert grade(short("Tashkent"), ["Tashkant"]).credit == 1.0  # a typo is right
    one = cloze("{{c1::Islamabad}} is a capital.")
    assert grade(replace(one, partial=True), ["Karachi"]).partial is None


def test_layout_is_bank_order_without_seed_and_reproducible_with_one():
    q = MultipleChoice(id="q", prompt="?", location=HERE, choices=tuple("ABCDEFGH"), answer="A")
    assert make_layout(q, None).order == tuple(range(8))
    assert make_layout(q, "7") == make_layout(q, "7")
    orders = {make_layout(q, seed).order for seed in range(10)}
    assert len(orders) > 1
    fixed = MultipleChoice(
        id="q", prompt="?", location=HERE, choices=tuple("ABC"), answer="A", shuffle=False
    )
    assert make_layout(fixed, "7").order == (0, 1, 2)


def test_shuffled_matching_is_never_shown_in_answer_order():
    """No match is ever shown beside its own item (so never the answer order either)."""
    for pairs in (2, 3, 5):
        q = Matching(
            id="m",
            prompt="?",
            location=HERE,
            pairs=tuple((f"left {n}", f"right {n}") for n in range(pairs)),
        )
        for seed in [None, *range(40)]:
            shown = shown_items(q, make_layout(q, seed))
            assert sorted(shown) == sorted(q.rights), (pairs, seed)
            beside = [
                n
                for n, (left, right) in enumerate(zip(q.lefts, shown, strict=True))
                if (left, right) in q.pairs
            ]
            assert not beside, (pairs, seed, shown)


def test_input_problem_flags_slips_but_accepts_blank():
    q = MultipleChoice(id="q", prompt="?", location=HERE, choices=("x", "y", "z"), answer="x")
    layout = make_layout(q, None)
    assert input_problem(q, layout, "q") == "type a letter from a to c, or the choice's text"
    assert input_problem(q, layout, "b") is None
    assert input_problem(q, layout, "") is None
    tf = TrueFalse(id="t", prompt="?", location=HERE)
    assert input_problem(tf, Layout(), "perhaps") is not None
    num = Numeric(id="n", prompt="?", location=HERE, answer=1)
    assert input_problem(num, Layout(), "one") == "type a number"


def test_letters():
    assert [shown_letter(i) for i in (0, 1, 25, 26, 27)] == ["a", "b", "z", "aa", "ab"]
    assert parse_letters("a c", ["x", "y", "z"]) == [0, 2]
    assert parse_letters("q", ["x", "y", "z"]) is None


# ------------------------------------------------------- conformance vectors (data)


def shipped_vectors() -> dict:
    import json

    from quizgen.study.conformance import VECTORS_PATH

    return json.loads(VECTORS_PATH.read_text(encoding="utf-8"))


def test_the_shipped_vectors_file_is_up_to_date():
    from quizgen.study.conformance import VECTORS_PATH, main, render

    assert VECTORS_PATH.read_text(encoding="utf-8") == render(), (
        "run: python -m quizgen.study.conformance"
    )
    assert main(["--check"]) == 0


def test_the_python_grader_passes_every_vector_from_its_json_alone():
    from quizgen.study.conformance import question_from_json, verdict_json

    vectors = shipped_vectors()["vectors"]
    for vector in vectors:
        question, layout = question_from_json(vector["question"])
        got = verdict_json(grade(question, vector["responses"], layout))
        assert got == vector["verdict"], vector


def test_the_vectors_cover_every_type_and_every_outcome():
    from quizgen.bank.model import QUESTION_TYPES

    vectors = shipped_vectors()["vectors"]
    assert len(vectors) >= 200
    types = {v["question"]["type"] for v in vectors}
    assert types == set(QUESTION_TYPES)
    for kind in types:
        outcomes = {v["verdict"]["outcome"] for v in vectors if v["question"]["type"] == kind}
        assert {"right", "wrong"} <= outcomes, kind
    typos = {v["question"]["type"] for v in vectors if v["verdict"]["outcome"] == "typo"}
    assert {"short_answer", "cloze"} <= typos
    shown = [v["question"].get("shown", []) for v in vectors]
    shuffled = [v for v, order in zip(vectors, shown, strict=True) if order != sorted(order)]
    assert {v["question"]["type"] for v in shuffled} >= {"multiple_choice", "matching", "ordering"}
    credited = [v for v in vectors if "credit" in v["verdict"]]
    assert {v["question"]["type"] for v in credited} == {
        "matching",
        "cloze",
        "ordering",
        "multiple_answer",
    }
    assert all(v["question"].get("partial") for v in credited)
    shares = {v["verdict"]["credit"] for v in credited}
    assert 0.0 in shares and 1.0 in shares and shares - {0.0, 1.0}  # none, all, and a part


def test_the_rules_data_is_what_the_grader_does():
    rules = shipped_vectors()["rules"]
    for word in rules["true_false"]["true"]:
        assert parse_true_false(word) is True
    for word in rules["true_false"]["false"]:
        assert parse_true_false(word) is False
    budget = rules["typo_budget"]
    for step in budget["up_to"]:
        assert allowed_typos("x" * step["letters"]) == step["edits"]
    assert allowed_typos("x" * (budget["up_to"][-1]["letters"] + 1)) == budget["beyond"]


@pytest.mark.parametrize(
    ("response", "outcome"),
    [
        ("150,000 litres", "right"),
        ("about 150000", "right"),
        ("~150,000 l", "right"),
        ("150000 Litre", "right"),
        ("150,000 km", "wrong"),
        ("150,000 gallons", "wrong"),
    ],
)
def test_a_typed_unit_must_be_the_questions_unit(response, outcome):
    from quizgen.bank.model import Numeric
    from quizgen.errors import Location
    from quizgen.study.numbers import grade_number

    question = Numeric(
        "v", Location("t"), prompt="p", answer=150000, unit="litres", answer_text="150,000"
    )
    verdict = grade_number(response, question)
    assert verdict.outcome == outcome
    assert verdict.canonical == "150,000 litres"
