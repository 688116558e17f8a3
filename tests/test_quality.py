"""The item-writing checks (quizgen/bank/quality/), each on a planted case and on its clean twin.

Every test writes a small bank, runs the real loader and checks through ``check_paths``
(or the real command), and asserts the codes, locations and the words of the fix.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from quizgen.bank.check import check_paths
from quizgen.bank.quality.codes import CODES
from quizgen.cli import cli
from quizgen.errors import Problem

SEED = "seeds/004_369735ee3e7b3786.txt"
HEADER = f"""\
id: quiz
title: A quiz
sources:
  blog: {SEED}
questions:
"""
REPO = Path(__file__).resolve().parent.parent


def bank_text(questions: str, header: str = HEADER) -> str:
    return header + textwrap.indent(textwrap.dedent(questions), "  ")


@pytest.fixture
def run(write_bank: Callable[..., Path]) -> Callable[..., list[Problem]]:
    """Write a bank of ``questions`` and return its problems."""

    def go(questions: str, header: str = HEADER, ignore: tuple[str, ...] = ()) -> list[Problem]:
        path = write_bank(bank_text(questions, header))
        return check_paths([path], ignore=ignore).problems

    return go


def coded(problems: list[Problem], code: str) -> list[Problem]:
    return [p for p in problems if p.code == code]


def line_of(problem: Problem) -> int:
    return problem.location.line


# --------------------------------------------------------------------------- answer leaks


LEAK = """\
- id: purpose
  type: multiple_choice
  prompt: What did the agreement set out to explore?
  choices:
    - The possibility of building a pipeline
    - The possibility of building a railway
    - The possibility of a free-trade area
  answer: The possibility of building a pipeline
- id: cost
  type: numeric
  prompt: How much would the gas pipeline cost, in billions of dollars?
  answer: 10
"""


def test_an_answer_in_another_prompt_is_a_leak_with_both_places(run):
    [leak] = coded(run(LEAK), "Q101")
    assert leak.question == "cost"
    assert leak.location.line == 16  # the prompt of 'cost' (after the 5-line header)
    assert "'pipeline'" in leak.message
    assert "the answer of question 'purpose' (line 10" in leak.message  # its right choice


def test_a_word_every_choice_has_is_not_a_leak(run):
    # 'possibility' and 'building' are in wrong choices too: they tell nothing.
    text = LEAK.replace("gas pipeline cost", "possibility of building cost")
    assert coded(run(text), "Q101") == []


def test_text_that_names_a_wrong_choice_as_well_is_not_a_leak(run):
    text = LEAK.replace("the gas pipeline cost", "the pipeline or the railway cost")
    assert coded(run(text), "Q101") == []


def test_the_bank_title_and_a_topic_can_give_an_answer(run):
    header = HEADER.replace("title: A quiz", "title: The Shanghai Cooperation Organization")
    problems = run(
        """\
        - id: name
          type: short_answer
          prompt: What does SCO stand for?
          answer: Shanghai Cooperation Organization
        - id: fuel
          type: cloze
          text: Russia offered discounted {{c1::fuel}}.
          topic: Fuel
        """,
        header=header,
    )
    title, topic = coded(problems, "Q102")
    assert (title.location.line, title.question) == (2, "name")
    assert "the bank title contains 'shanghai cooperation organization'" in title.message
    assert (topic.location.line, topic.question) == (13, "fuel")
    assert "the topic 'Fuel' contains 'fuel'" in topic.message


def test_a_word_the_whole_bank_prints_is_its_subject_not_a_leak(run):
    # 'Russia' is printed in six questions: the bank's subject.
    questions = "".join(
        f"- {{id: q{i}, type: true_false, prompt: Russia sells item {i}., answer: {str(i % 2 == 0).lower()}}}\n"
        for i in range(6)
    )
    questions += "- {id: who, type: short_answer, prompt: Which country sells?, answer: Russia}\n"
    assert coded(run(questions), "Q101") == []


def test_a_leak_is_silenced_by_either_question_with_a_reason(run):
    text = LEAK + '  ignore: {Q101: "the cost question comes after the answer is known"}\n'
    assert coded(run(text), "Q101") == []
    assert coded(run(text), "Q001") == []


# --------------------------------------------------------------------------- cues


def mc(qid: str, answer: str, others: list[str], shuffle: bool = True) -> str:
    choices = ", ".join([answer, *others])
    extra = "" if shuffle else ", shuffle: false"
    return (
        f"- {{id: {qid}, type: multiple_choice, prompt: Question {qid}?, "
        f"choices: [{choices}], answer: {answer}{extra}}}\n"
    )


def test_the_right_answer_longest_in_more_than_a_third_is_a_cue(run):
    longest = "".join(mc(f"l{i}", f"A long right answer {i}", ["Red", "Blue"]) for i in range(2))
    short = "".join(mc(f"s{i}", "Red", [f"A long wrong answer {i}", "Blue"]) for i in range(3))
    [cue] = coded(run(longest + short), "Q201")
    assert "the right answer is the longest choice in 2 of 5" in cue.message
    assert "(l0, l1)" in cue.message
    # One in five is not more than a third.
    assert coded(run(longest.split("\n")[0] + "\n" + short), "Q201") == []


def test_unshuffled_answers_all_in_one_position_are_a_cue(run):
    same = "".join(
        mc(f"q{i}", f"Right {i}", ["Wrong x", "Wrong y"], shuffle=False) for i in range(3)
    )
    [cue] = coded(run(same), "Q202")
    assert "have their answer in position A" in cue.message
    varied = same.replace(
        "choices: [Right 2, Wrong x, Wrong y]", "choices: [Wrong x, Right 2, Wrong y]"
    )
    assert coded(run(varied), "Q202") == []


@pytest.mark.parametrize(
    ("trues", "total", "expected"), [(4, 5, 1), (3, 5, 0), (1, 5, 1), (3, 3, 0)]
)
def test_the_share_of_true_answers_stays_between_35_and_65_percent(run, trues, total, expected):
    questions = "".join(
        f"- {{id: t{i}, type: true_false, prompt: Statement {i}., answer: {str(i < trues).lower()}}}\n"
        for i in range(total)
    )
    found = coded(run(questions), "Q203")
    assert len(found) == expected
    if found:
        word = "True" if trues * 2 > total else "False"
        assert f"are {word}" in found[0].message


def test_all_of_the_above_and_a_choice_inside_another(run):
    problems = run(
        """\
        - id: above
          type: multiple_choice
          prompt: Which?
          choices: [Energy, Trade, None of the above]
          answer: Energy
        - id: inside
          type: multiple_answer
          prompt: Which areas?
          choices: [Energy, Energy and fuel supply, Trade]
          answer: [Energy and fuel supply]
        """
    )
    [above] = coded(problems, "Q204")
    assert (above.question, "'None of the above'" in above.message) == ("above", True)
    [inside] = coded(problems, "Q205")
    assert inside.question == "inside"
    assert "'Energy and fuel supply' contains choice 'Energy'" in inside.message
    assert inside.location.line == 14  # the containing choice's line


def test_a_prompt_echoing_a_word_only_the_right_choice_has(run):
    problems = run(
        """\
        - id: rats
          type: multiple_choice
          prompt: What does the SCO call its regional anti-terrorism body?
          choices: [Regional Anti-Terrorist Structure, Joint Counter-Terrorism Council, Collective Security Council]
          answer: Regional Anti-Terrorist Structure
        """
    )
    [echo] = coded(problems, "Q206")
    assert "'regional'" in echo.message


# --------------------------------------------------------------------------- over-mining


def test_three_questions_on_one_passage_are_over_mined(run):
    questions = "".join(
        f"- {{id: m{i}, type: true_false, prompt: Claim {i}., answer: true, "
        f'source: {{doc: blog, quote: "{quote}"}}}}\n'
        for i, quote in enumerate(
            ["Energy and fuel supply", "fuel supply", "Energy and fuel", "Defense dialogues"]
        )
    )
    [over] = coded(run(questions), "Q301")
    assert over.question == "m2"  # reported at the third question's quote
    assert "3 questions cite the same passage of 'blog'" in over.message
    assert "m0, m1 and this one" in over.message
    two = "\n".join(questions.splitlines()[1:]) + "\n"
    assert coded(run(two), "Q301") == []


def test_near_duplicate_prompts(run):
    problems = run(
        """\
        - {id: a, type: true_false, prompt: Pakistan buys discounted Russian fuel and LNG supplies., answer: true}
        - {id: b, type: true_false, prompt: Pakistan buys the discounted Russian fuel and LNG supplies!, answer: true}
        - {id: c, type: true_false, prompt: Russia sends machinery and metals to Pakistan., answer: false}
        """
    )
    [near] = coded(problems, "Q302")
    assert near.question == "b" and "nearly that of question 'a'" in near.message


# --------------------------------------------------------------------------- invisible text


def test_invisible_characters_are_named(run):
    [problem] = coded(
        run('- {id: z, type: short_answer, prompt: "Which\\u200b country?", answer: Iran}\n'),
        "Q401",
    )
    assert "ZERO WIDTH SPACE" in problem.message and "<U+200B>" in problem.message


def test_choices_equal_but_for_invisible_characters_or_case_are_errors(run):
    problems = run(
        """\
        - id: iran
          type: multiple_choice
          prompt: Which country?
          choices: ["Iran", "Iran\\u200b", "Iraq"]
          answer: Iraq
        - id: order
          type: ordering
          prompt: Order them.
          items: [Trade, trade, Energy]
        """
    )
    errors = coded(problems, "Q402")
    assert [(p.question, p.severity) for p in errors] == [("iran", "error"), ("order", "error")]
    assert "'Iran<U+200B>' and 'Iran' look the same" in errors[0].message


def test_case_sensitive_short_answers_may_differ_by_case(run):
    text = (
        "- {id: s, type: short_answer, prompt: Symbol?, answer: [Co, CO], case_sensitive: true}\n"
    )
    assert coded(run(text), "Q402") == []
    assert len(coded(run(text.replace("true}", "false}")), "Q402")) == 1


def test_topics_differing_only_by_case_or_spaces(run):
    problems = run(
        """\
        - {id: a, type: true_false, prompt: One., answer: true, topic: Energy}
        - {id: b, type: true_false, prompt: Two., answer: false, topic: energy}
        - {id: c, type: true_false, prompt: Three., answer: true, topic: "Energy\\u200b"}
        """
    )
    found = coded(problems, "Q403")
    assert [p.question for p in found] == ["b", "c"]
    assert "differs from topic 'Energy' (question 'a'" in found[0].message


# --------------------------------------------------------------------------- numbers and blanks


def test_a_cloze_number_with_a_leading_zero_is_an_error(run):
    [problem] = coded(run("- {id: c, type: cloze, text: 'A {{c01::x}} and {{c2::y}}.'}\n"), "Q501")
    assert problem.severity == "error" and "write c1" in problem.message


def test_a_stop_word_blank_tests_english(run):
    problems = run(
        "- {id: c, type: cloze, text: 'Pakistan {{c1::and}} Russia signed a {{c2::pipeline}} deal.'}\n"
    )
    [blank] = coded(problems, "Q601")
    assert "blank c1 hides 'and'" in blank.message


def test_a_number_word_answer_without_digits(run):
    [problem] = coded(
        run("- {id: n, type: short_answer, prompt: How many members?, answer: nine}\n"), "Q602"
    )
    assert "answer: [nine, 9]" in problem.message
    fixed = "- {id: n, type: short_answer, prompt: How many members?, answer: [nine, 9]}\n"
    assert coded(run(fixed), "Q602") == []


# --------------------------------------------------------------------------- silencing


def test_ignore_needs_a_known_code_and_a_reason(run):
    problems = run(
        """\
        - id: a
          type: true_false
          prompt: One.
          answer: true
          ignore: [Q203]
        - id: b
          type: true_false
          prompt: Two.
          answer: true
          ignore: {Q2O3: "typo", Q203: ""}
        - id: c
          type: true_false
          prompt: Three.
          answer: true
          ignore: {Q402: "an error"}
        """
    )
    messages = [p.message for p in problems if p.severity == "error"]
    assert any("ignore must map each code to its reason" in m for m in messages)
    assert any("unknown check code 'Q2O3' (did you mean 'Q203'?)" in m for m in messages)
    assert any("the reason for ignoring Q203 is empty" in m for m in messages)
    assert any("Q402 (look-alike) is an error; fix it, it cannot be ignored" in m for m in messages)


def test_an_ignore_that_silences_nothing_is_reported(run):
    text = '- {id: a, type: true_false, prompt: One., answer: true, ignore: {Q201: "longest"}}\n'
    [unused] = coded(run(text), "Q001")
    assert "ignore: Q201 silences nothing" in unused.message


def test_an_ignored_question_leaves_the_share_it_tilted(run):
    questions = "".join(
        f"- {{id: t{i}, type: true_false, prompt: Statement {i}., answer: {str(i < 4).lower()}}}\n"
        for i in range(6)
    )
    assert len(coded(run(questions), "Q203")) == 1  # 4 of 6 true: 67 %
    quiet = questions.replace("answer: true}", 'answer: true, ignore: {Q203: "on purpose"}}', 1)
    assert coded(run(quiet), "Q203") == []  # 3 of 5 true: 60 %


def test_run_level_ignore_and_strict(write_bank, monkeypatch):
    path = write_bank(bank_text(LEAK))
    monkeypatch.chdir(path.parent)
    runner = CliRunner()
    plain = runner.invoke(cli, ["check", path.name], prog_name="quizgen")
    assert plain.exit_code == 0 and "warning: Q101 question 'cost'" in plain.output
    strict = runner.invoke(cli, ["check", path.name, "--strict"], prog_name="quizgen")
    assert strict.exit_code == 1
    quiet = runner.invoke(
        cli, ["check", path.name, "--strict", "--ignore", "q101,Q206"], prog_name="quizgen"
    )
    assert "Q101" not in quiet.output
    data = json.loads(
        runner.invoke(cli, ["check", path.name, "--format", "json"], prog_name="quizgen").output
    )
    assert {row["code"] for row in data["problems"]} >= {"Q101"}
    wrong = runner.invoke(cli, ["check", path.name, "--ignore", "Q1O1"], prog_name="quizgen")
    assert wrong.exit_code == 2 and "did you mean 'Q101'?" in wrong.output


def test_build_prints_the_warnings_and_strict_stops_it(write_bank, monkeypatch):
    path = write_bank(bank_text(LEAK))
    monkeypatch.chdir(path.parent)
    runner = CliRunner()
    args = ["build", path.name, "--format", "json", "-o", "out"]
    strict = runner.invoke(cli, [*args, "--strict"], prog_name="quizgen")
    assert strict.exit_code == 1 and "Q101" in strict.output
    assert not (path.parent / "out").exists()
    shown = runner.invoke(cli, args, prog_name="quizgen")
    assert shown.exit_code == 0, shown.output
    assert "warning: Q101 question 'cost'" in shown.output  # printed, and the build goes on
    ignored = runner.invoke(cli, [*args, "--ignore", "Q101"], prog_name="quizgen")
    assert ignored.exit_code == 0, ignored.output
    assert "Q101" not in ignored.output and "no source" in ignored.output


def test_every_code_is_documented():
    doc = (REPO / "docs" / "checks.md").read_text(encoding="utf-8")
    for code in CODES.values():
        assert f"### {code.code} {code.name}" in doc, code.code


# --------------------------------------------------------------------------- the whole run


def test_every_problem_of_a_question_in_one_run(run):
    """A wrong number no longer hides a misquote in the same question; the count is stable."""
    problems = run(
        """\
        - id: cost
          type: numeric
          prompt: How much?
          answer: 150,000
          source: {doc: blog, quote: "Energy and fuel suply"}
        - {id: ok, type: true_false, prompt: Fine., answer: true}
        """
    )
    messages = [p.message for p in problems if p.severity == "error"]
    assert any("150,000 has a comma" in m and "write 150000" in m for m in messages)
    assert any(m.startswith("quote not found in source 'blog'") for m in messages)


def test_the_summary_counts_every_question_written(write_bank, monkeypatch):
    text = bank_text(
        """\
        - {id: bad, type: numeric, prompt: How much?, answer: 010}
        - {id: ok, type: true_false, prompt: Fine., answer: true}
        """
    )
    path = write_bank(text)
    monkeypatch.chdir(path.parent)
    result = CliRunner().invoke(cli, ["check", path.name], prog_name="quizgen")
    assert "YAML reads 010 as 8" in result.output
    assert result.output.splitlines()[-1].startswith(
        "invalid: 1 file, 2 questions (1 with errors), 1 error"
    )


@pytest.mark.parametrize(
    ("answer", "words"),
    [
        ("010", "YAML reads 010 as 8: a leading 0 makes an octal number; write 10"),
        ("1:30", "YAML reads 1:30 as 90: numbers with ':' are counted in sixties"),
        (
            "1e3",
            "YAML reads 1e3 as text: its exponent form needs a point and a sign (1.0e+3); write 1000",
        ),
        ("'150,000'", None),
        ("150,000", "150,000 has a comma, which makes it text in YAML; write 150000"),
        ("2,5", "2,5 has a decimal comma; YAML needs a point: 2.5"),
        ("10 billion", "write the number alone (a unit goes in 'unit:'"),
        ("10", None),
    ],
)
def test_numbers_yaml_misreads_are_errors_with_the_fix(run, answer, words):
    problems = run(f"- id: n\n  type: numeric\n  prompt: How much?\n  answer: {answer}\n")
    errors = [p.message for p in problems if p.severity == "error"]
    if words is None:
        assert not any("YAML reads" in m or "comma" in m for m in errors)
    else:
        assert len(errors) == 1 and words in errors[0], errors


def test_an_answer_differing_from_a_choice_by_case(run):
    problems = run(
        "- {id: r, type: multiple_choice, prompt: Which?, choices: [Rain, Snow], answer: rain}\n"
    )
    [error] = [p for p in problems if p.severity == "error"]
    assert "answer 'rain' is not one of the choices (did you mean 'Rain'?" in error.message


def test_a_quote_in_curly_quotes_says_so(run):
    problems = run(
        "- {id: q, type: true_false, prompt: Fine., answer: true, "
        "source: {doc: blog, quote: “Energy and fuel supply”}}\n"
    )
    [error] = [p for p in problems if p.severity == "error"]
    assert "typographic quotes (“…”), which YAML keeps as part of the text" in error.message
    assert 'write quote: "Energy and fuel supply"; without them it is found' in error.message


def test_a_bank_id_that_is_not_a_slug_gets_one(run):
    header = HEADER.replace("id: quiz", "id: Water_Cycle")
    problems = run("- {id: a, type: true_false, prompt: One., answer: true}\n", header=header)
    assert any("(try 'water-cycle')" in p.message for p in problems)


def test_a_missing_source_reminds_that_paths_are_relative_to_the_bank(run):
    header = HEADER.replace(SEED, "seeds/nowhere.txt")
    problems = run("- {id: a, type: true_false, prompt: One., answer: true}\n", header=header)
    assert any("a source path is relative to the bank file's folder" in p.message for p in problems)
