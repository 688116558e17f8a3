"""The terminal quiz: through a real pseudo-terminal, through a pipe, and its logic."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pexpect
import pytest
from click.testing import CliRunner

from quizgen.cli import cli

BANK = """\
id: demo
title: Demo bank
sources:
  sco:
    path: seeds/004_369735ee3e7b3786.txt
    title: Pakistan–Russia SCO meeting
questions:
  - id: tf1
    type: true_false
    prompt: The SCO has nine full members.
    answer: true
    topic: The SCO
    explanation: The article lists nine full members.
    source:
      doc: sco
      quote: "Current full members include: China, Russia, Pakistan, India, Iran, Kazakhstan, Kyrgyzstan, Tajikistan, and Uzbekistan."
  - id: mc1
    type: multiple_choice
    prompt: Which city hosts the SCO secretariat?
    choices: [Beijing, Moscow, Tashkent]
    answer: Beijing
    topic: The SCO
  - id: ma1
    type: multiple_answer
    prompt: Which are full members?
    choices: [China, Turkey, India, Afghanistan]
    answer: [China, India]
    topic: The SCO
  - id: sa1
    type: short_answer
    prompt: Capital of Uzbekistan?
    answer: [Tashkent, Toshkent]
    topic: Geography
  - id: num1
    type: numeric
    prompt: In what year did the First World War begin?
    answer: 1914
    topic: History
  - id: cz1
    type: cloze
    text: "{{c1::Islamabad}} is the capital of {{c2::Pakistan::country}}."
    topic: Geography
  - id: mt1
    type: matching
    prompt: Match each country with its capital.
    pairs:
      - [Russia, Moscow]
      - [Pakistan, Islamabad]
      - [India, New Delhi]
    topic: Geography
  - id: or1
    type: ordering
    prompt: Order these from smallest to largest population.
    items: [Kyrgyzstan, Russia, Pakistan, India]
    topic: Geography
"""

# With --no-shuffle: matching shows a) Islamabad b) New Delhi c) Moscow;
# ordering shows a) Russia b) Pakistan c) India d) Kyrgyzstan.
ALL_RIGHT = ["t", "a", "a c", "Tashkent", "1914", "Islamabad", "Pakistan", "c", "a", "b", "d a b c"]
SOME_WRONG = ["t", "b", "a,c", "Tashkant", "1941", "islamabad", "pakistan", "c", "a", "b", "abcd"]

ANSI = re.compile(r"\x1b\[")


@pytest.fixture
def bank(write_bank) -> Path:
    return write_bank(BANK)


def quiz(args: list[str], lines: list[str] | str):
    text = lines if isinstance(lines, str) else "".join(line + "\n" for line in lines)
    return CliRunner().invoke(cli, ["quiz", *args], input=text)


# ----------------------------------------------------------------- logic (CliRunner)


def test_all_eight_types_right(bank):
    result = quiz([str(bank), "--no-shuffle"], ALL_RIGHT)
    assert result.exit_code == 0, result.output
    assert result.output.count("✓ Right!") == 8
    assert "Score: 8/8 (100%)" in result.output
    assert "Missed" not in result.output
    assert "Traceback" not in result.output


def test_feedback_summary_and_missed_questions(bank):
    result = quiz([str(bank), "--no-shuffle"], SOME_WRONG)
    out = result.output
    assert result.exit_code == 0, out
    assert "✗ Wrong.  Answer: a) Beijing" in out
    assert "✓ Right, with a typo.  Spelling: Tashkent" in out
    assert "✗ Wrong.  Answer: 1914" in out  # 1941 is not 1914
    assert "Answer: d a b c (Kyrgyzstan → Russia → Pakistan → India)" in out
    # explanation and source after the answer
    assert "The article lists nine full members." in out
    assert "Source: Pakistan–Russia SCO meeting" in out
    assert "“Current full members include: China, Russia" in out
    assert "Score: 5/8 (63%)" in out
    assert "  The SCO      2/3   67%\n" in out
    assert re.search(r"Geography\s+3/4\s+75%", out)
    assert re.search(r"History\s+0/1\s+0%", out)
    missed = out.split("Missed (3):", 1)[1]
    assert "mc1: Which city hosts the SCO secretariat?" in missed
    assert "num1: In what year did the First World War begin?" in missed
    assert "or1: Order these from smallest to largest population." in missed


def test_pipe_input_is_echoed_and_blank_line_is_an_answer(bank):
    result = quiz([str(bank), "--no-shuffle", "--type", "short_answer"], ["", "x"])
    assert "Your answer > \n" in result.output
    assert "Score: 0/1 (0%)" in result.output


def test_end_of_input_ends_with_the_summary_so_far(bank):
    result = quiz([str(bank), "--no-shuffle"], ALL_RIGHT[:3])
    assert result.exit_code == 0
    assert "Stopped after 3 of 8 questions." in result.output
    assert "Score: 3/3 (100%)" in result.output
    assert "Traceback" not in result.output


def test_empty_input_ends_at_once(bank):
    result = quiz([str(bank)], "")
    assert result.exit_code == 0
    assert "Stopped before the first answer." in result.output
    assert "Score:" not in result.output and "0/0" not in result.output


def test_retry_wrong_asks_missed_until_right(bank):
    first, round1, round2 = ["t", "b", "a"], ["a", "b"], ["a c"]
    args = [str(bank), "--no-shuffle", "--topic", "the sco", "--retry-wrong"]
    result = quiz(args, first + round1 + round2)
    out = result.output
    assert result.exit_code == 0, out
    assert "Retry round 1: 2 missed questions" in out
    assert "Retry round 2: 1 missed question" in out
    assert "Score: 1/3 (33%)" in out  # the score is the first attempt
    assert "Retries: every missed question answered right after 2 rounds." in out


def test_retry_wrong_stopped_by_end_of_input(bank):
    result = quiz([str(bank), "--no-shuffle", "--type", "true_false", "--retry-wrong"], ["f", "f"])
    assert result.exit_code == 0
    assert "Retries: 0 of 1 missed answered right in 2 rounds before stopping." in result.output


def test_selection_count_and_type(bank):
    result = quiz(
        [str(bank), "--no-shuffle", "--type", "numeric", "--type", "true_false"], ["t", "1914"]
    )
    assert "Quiz: Demo bank (2 questions)" in result.output
    assert "Score: 2/2 (100%)" in result.output
    result = quiz([str(bank), "--count", "3", "--seed", "1"], "")
    assert "(3 questions)" in result.output


def test_seed_makes_order_and_choices_reproducible(bank):
    first = quiz([str(bank), "--seed", "42"], ["x"] * 11).output
    again = quiz([str(bank), "--seed", "42"], ["x"] * 11).output
    other = quiz([str(bank), "--seed", "43"], ["x"] * 11).output
    assert first == again
    assert first != other


def test_no_shuffle_keeps_bank_order(bank):
    out = quiz([str(bank), "--no-shuffle"], ALL_RIGHT).output
    headings = re.findall(r"Question \d/8 · [^\n]*", out)
    assert headings[:3] == [
        "Question 1/8 · The SCO · true or false",
        "Question 2/8 · The SCO · multiple choice",
        "Question 3/8 · The SCO · select all that apply",
    ]
    assert "  a) Beijing\n  b) Moscow\n  c) Tashkent\n" in out


def test_no_matching_question_is_an_error(bank):
    result = quiz([str(bank), "--tag", "nothing"], "")
    assert result.exit_code == 1
    assert "quizgen: error: --tag 'nothing': no question has this tag" in result.output


def test_invalid_bank_is_located_not_a_traceback(write_bank):
    bad = write_bank("id: x\ntitle: T\nquestions:\n  - id: q\n    type: nope\n", name="bad.yaml")
    result = quiz([str(bad)], "")
    assert result.exit_code == 1
    assert re.search(r"bad\.yaml:\d+:\d+: error", result.output)
    assert "Traceback" not in result.output


def test_control_characters_in_a_bank_are_shown_not_obeyed(write_bank):
    path = write_bank(
        'id: esc\ntitle: "T\\e[31m"\nquestions:\n  - id: e1\n    type: short_answer\n'
        '    prompt: "Type \\e[2J<b>this</b>"\n    answer: "x\\e[0m"\n',
        name="esc.yaml",
    )
    result = quiz([str(path)], ["y\x1b[31m"])
    assert "\x1b" not in result.output
    assert "Type \\x1b[2J<b>this</b>" in result.output
    assert "Your answer > y\\x1b[31m" in result.output


# ------------------------------------------------------------- a pipe (subprocess)


def run_piped(args: list[str], lines: list[str], env: dict[str, str] | None = None):
    return subprocess.run(
        [sys.executable, "-m", "quizgen", "quiz", *args],
        input="".join(line + "\n" for line in lines),
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, **(env or {})},
        timeout=60,
    )


@pytest.mark.slow  # a real process
def test_pipe_subprocess_one_line_per_answer_and_no_colour(bank):
    proc = run_piped([str(bank), "--no-shuffle"], SOME_WRONG)
    assert proc.returncode == 0, proc.stderr
    assert not ANSI.search(proc.stdout)
    assert "Press r" not in proc.stdout  # no override prompt without a terminal
    assert "Gap 2 (country) > pakistan" in proc.stdout
    assert "3. India → letter > b" in proc.stdout
    assert "Score: 5/8 (63%)" in proc.stdout
    assert proc.stderr == ""


@pytest.mark.slow  # a real process
def test_pipe_subprocess_eof_midway(bank):
    proc = run_piped([str(bank), "--no-shuffle"], ["t"])
    assert proc.returncode == 0
    assert "Stopped after 1 of 8 questions." in proc.stdout
    assert "Traceback" not in proc.stdout + proc.stderr


# ------------------------------------------------------------------- part credit

PART_BANK = """\
id: parts
title: Points shared
questions:
  - id: mt5
    type: matching
    prompt: Match each country with its capital.
    points: 5
    partial: true
    pairs:
      - [Russia, Moscow]
      - [Pakistan, Islamabad]
      - [India, New Delhi]
      - [China, Beijing]
      - [Japan, Tokyo]
  - id: ma2
    type: multiple_answer
    prompt: Which are full members?
    points: 2
    partial: true
    choices: [China, Turkey, India, Afghanistan]
    answer: [China, India]
  - id: or4
    type: ordering
    prompt: Order these from smallest to largest population.
    points: 4
    partial: true
    items: [Kyrgyzstan, Russia, Pakistan, India]
  - id: cz3
    type: cloze
    points: 3
    partial: true
    text: "{{c1::Islamabad}} is the capital of {{c2::Pakistan}}, {{c3::Moscow}} of Russia."
  - id: tf1
    type: true_false
    prompt: The SCO has nine full members.
    answer: true
"""

# With --no-shuffle: matches a) Islamabad b) New Delhi c) Beijing d) Tokyo e) Moscow;
# items a) Russia b) Pakistan c) India d) Kyrgyzstan.
PART_RIGHT = [
    *["e", "a", "b", "b", "d"],  # 4 of 5 pairs (China is not New Delhi)
    "a",  # China ticked, Turkey and Afghanistan rightly left, India missed: 3 of 4 choices
    "d a c b",  # Kyrgyzstan and Russia in place, India and Pakistan swapped: 2 of 4 items
    *["Islamabd", "Karachi", "Moscow"],  # a typo counts: 2 of 3 blanks
    "t",
]


def test_part_right_answers_earn_their_part_and_the_summary_sums_points(write_bank):
    result = quiz([str(write_bank(PART_BANK)), "--no-shuffle"], PART_RIGHT)
    out = result.output
    assert result.exit_code == 0, out
    assert "  Part credit: 4 of 5 pairs: 4/5 points\n" in out
    assert "  Part credit: 3 of 4 choices: 1.5/2 points\n" in out
    assert "  Part credit: 2 of 4 items: 2/4 points\n" in out
    assert "  Part credit: 2 of 3 blanks: 2/3 points\n" in out
    # 4 + 1.5 + 2 + 2 + 1 of 5 + 2 + 4 + 3 + 1 points; right/wrong is unchanged
    assert "Score: 10.5/15 points (70%) · 1 of 5 questions right" in out
    assert "Missed (4):" in out


def test_a_question_without_partial_stays_all_or_nothing(write_bank):
    text = PART_BANK.replace("    partial: true\n", "")
    result = quiz([str(write_bank(text)), "--no-shuffle"], PART_RIGHT)
    assert "Part credit:" not in result.output
    assert "Score: 1/15 points (7%) · 1 of 5 questions right" in result.output


# -------------------------------------------------------- a real pseudo-terminal


def spawn(args: list[str], tmp_path: Path, **env: str) -> pexpect.spawn:
    environment = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    environment.update({"TERM": "xterm-256color", "COLUMNS": "100", "LINES": "30", **env})
    child = pexpect.spawn(
        sys.executable,
        ["-m", "quizgen", "quiz", *args],
        cwd=str(tmp_path),
        env=environment,
        encoding="utf-8",
        dimensions=(30, 100),
        timeout=20,
    )
    child.logfile_read = open(tmp_path / "pty.log", "w", encoding="utf-8")  # noqa: SIM115
    return child


@pytest.mark.slow  # a real process
def test_pty_typing_typo_override_and_ctrl_c(bank, tmp_path):
    child = spawn([str(bank), "--no-shuffle"], tmp_path)
    child.expect_exact("Ctrl-D stops")
    child.expect_exact("True or false? (t/f) > ")
    child.sendline("t")
    child.expect_exact("Right!")
    child.expect_exact("Enter: next")
    child.send("\r")
    # a slip of the keyboard is asked again, not graded
    child.expect_exact("Your answer (letter) > ")
    child.sendline("q")
    child.expect_exact("type a letter from a to c, or the choice's text")
    child.sendline("b")
    child.expect_exact("Wrong.")
    child.expect_exact("Press r if you were right")
    child.send("r")
    child.expect_exact("Counted as right")
    child.expect_exact("Your answer (letters, e.g. a c) > ")
    child.sendline("a c")
    child.expect_exact("Right!")
    child.expect_exact("Enter: next")
    child.send("r")  # a reflex after a right answer: ignored, it never reaches the next box
    time.sleep(0.3)
    child.send("\r")
    child.expect_exact("Your answer > ")
    child.sendline("Tahskent")  # a swap of two letters: one edit
    child.expect_exact("Right, with a typo.")
    child.expect(r"Spelling: (\x1b\[[0-9;]*m)*Tashkent")
    child.expect_exact("Enter: next")
    child.send("\r")
    child.expect_exact("Your answer > ")
    child.sendintr()
    child.expect_exact("Summary")
    child.expect_exact("Stopped after 4 of 8 questions.")
    child.expect_exact("Score: 4/4 (100%)")
    child.expect_exact('Counted right because you said "I was right" (1):')
    child.expect_exact("mc1: Which city hosts the SCO secretariat?")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    log = (tmp_path / "pty.log").read_text(encoding="utf-8")
    assert "\x1b[" in log  # colour on a terminal
    assert "Traceback" not in log


@pytest.mark.slow  # a real process
def test_pty_any_other_key_keeps_the_wrong_verdict(bank, tmp_path):
    child = spawn([str(bank), "--no-shuffle", "--type", "multiple_choice"], tmp_path)
    child.expect_exact("Your answer (letter) > ")
    child.sendline("c")
    child.expect_exact("Press r if you were right")
    child.send(" ")
    child.expect_exact("Score: 0/1 (0%)")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


@pytest.mark.slow  # a real process
def test_pty_part_credit_then_i_was_right_earns_every_point(write_bank, tmp_path):
    child = spawn([str(write_bank(PART_BANK)), "--no-shuffle", "--count", "2"], tmp_path)
    for line in PART_RIGHT[:5]:
        child.expect_exact("→ letter > ")
        child.sendline(line)
    child.expect_exact("Part credit: 4 of 5 pairs: 4/5 points")
    child.expect_exact("Press r if you were right")
    child.send("\r")
    child.expect_exact("Your answer (letters, e.g. a c) > ")
    child.sendline("a")
    child.expect_exact("Part credit: 3 of 4 choices: 1.5/2 points")
    child.expect_exact("Press r if you were right")
    child.send("r")  # "I was right": all its points
    child.expect_exact("Counted as right")
    child.expect_exact("Score: 6/7 points (86%) · 1 of 2 questions right")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


@pytest.mark.slow  # a real process
def test_pty_full_quiz_without_colour_when_no_color_is_set(bank, tmp_path):
    child = spawn([str(bank), "--no-shuffle"], tmp_path, NO_COLOR="1")
    prompts = [
        "(t/f) > ",
        "(letter) > ",
        "(letters, e.g. a c) > ",
        "Your answer > ",
        "Your answer > ",
        "Gap 1 > ",
        "Gap 2 (country) > ",
        "1. Russia → letter > ",
        "2. Pakistan → letter > ",
        "3. India → letter > ",
        "Order (letters, first to last) > ",
    ]
    parts = ("Gap 1 > ", "1. Russia → letter > ", "2. Pakistan → letter > ")
    for prompt, answer in zip(prompts, ALL_RIGHT, strict=True):
        child.expect_exact(prompt)
        child.sendline(answer)
        if prompt not in parts:  # the question's last line: right, so Enter goes on
            child.expect_exact("Enter: next")
            child.send("\r")
    child.expect_exact("Score: 8/8 (100%)")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    log = (tmp_path / "pty.log").read_text(encoding="utf-8")
    assert not re.search(r"\x1b\[[0-9;]*m", log)


@pytest.mark.slow  # a real process
def test_pty_ctrl_d_ends_with_summary(bank, tmp_path):
    child = spawn([str(bank), "--no-shuffle"], tmp_path)
    child.expect_exact("(t/f) > ")
    child.sendline("f")
    child.expect_exact("Press r if you were right")
    child.send("x")
    child.expect_exact("(letter) > ")
    child.sendeof()
    child.expect_exact("Stopped after 1 of 8 questions.")
    child.expect_exact("Score: 0/1 (0%)")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


@pytest.mark.slow  # a real process
def test_pipe_with_bytes_that_are_not_utf8(bank):
    proc = subprocess.run(
        [sys.executable, "-m", "quizgen", "quiz", str(bank), "--no-shuffle", "--count", "1"],
        input=b"\xff\xfe t\n",
        capture_output=True,
        timeout=60,
    )
    assert proc.returncode == 0
    assert b"Traceback" not in proc.stderr
    assert "Score: 0/1 (0%)" in proc.stdout.decode("utf-8")


@pytest.mark.slow  # a real process
def test_closed_output_pipe_is_not_a_traceback(write_bank, tmp_path):
    many = "id: many\ntitle: Many\nquestions:\n" + "".join(
        f"  - id: q{n}\n    type: short_answer\n    prompt: Say w{n}\n    answer: w{n}\n"
        for n in range(1000)
    )
    bank = write_bank(many, name="many.yaml")
    (tmp_path / "answers.txt").write_text("x\n" * 1000, encoding="utf-8")
    proc = subprocess.run(  # far more output than a pipe holds, to a reader that stops at once
        f"{sys.executable} -m quizgen quiz {bank} --no-shuffle < {tmp_path / 'answers.txt'}"
        " | head -c 10",
        shell=True,
        capture_output=True,
        timeout=60,
    )
    assert proc.stdout == b"Quiz: Many"
    assert proc.stderr == b""


class FakeTty:
    def __init__(self, tty: bool):
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


def test_colour_only_on_a_terminal_without_no_color():
    from quizgen.study.terminal import color_wanted

    assert color_wanted(FakeTty(True), {"TERM": "xterm"})
    assert not color_wanted(FakeTty(False), {"TERM": "xterm"})
    assert not color_wanted(FakeTty(True), {"TERM": "xterm", "NO_COLOR": "1"})
    assert not color_wanted(FakeTty(True), {"TERM": "dumb"})
    assert color_wanted(FakeTty(True), {"NO_COLOR": ""})  # empty means unset (no-color.org)
