"""Choosing questions on the command line (issue 17): --exclude-*, one message for a filter
that matches nothing, shell completion of topics and tags, list within the terminal's width,
and the notice when the sample bank shipped with quizgen is used."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from quizgen.bank.listing import MIN_PROMPT
from quizgen.cli import cli
from quizgen.cli.common import SAMPLE_BANK_NOTICE

REPO = Path(__file__).resolve().parent.parent
BANK = REPO / "tests" / "fixtures" / "docs" / "sample.yaml"


def invoke(*args: str, input: str | None = None, env: dict[str, str] | None = None):
    result = CliRunner().invoke(cli, list(args), input=input, env=env)
    assert "Traceback" not in result.output
    return result


@pytest.mark.parametrize(
    "command",
    [
        ["list", "{bank}"],
        ["quiz", "{bank}"],
        ["html", "{bank}", "-o", "{tmp}/q.html"],
        ["anki", "{bank}", "-o", "{tmp}/q.apkg"],
        ["export", "json", "{bank}", "-o", "{tmp}/q.json"],
        ["web", "{bank}", "-o", "{tmp}/q.html"],
        ["review", "{bank}", "--state", "{tmp}/s.sqlite3"],
        ["stats", "{bank}", "--state", "{tmp}/s.sqlite3"],
    ],
)
def test_a_topic_no_question_has_is_one_message_and_exit_1_in_every_command(command, tmp_path):
    args = [part.format(tmp=tmp_path, bank=BANK) for part in command]
    result = invoke(*args, "--topic", "The meetng")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "quizgen: error: --topic 'The meetng': no question has this topic"
        " (did you mean 'The meeting'?); topics in these banks: Security and exercises (3),"
        " The meeting (2), Trade and banking (1)"
    ]
    assert list(tmp_path.iterdir()) == []  # nothing written, no state made


def test_exclusions_leave_questions_out_of_list_and_html(tmp_path):
    every = invoke("list", str(BANK)).stdout
    assert "6 questions" in every
    kept = invoke("list", str(BANK), "--exclude-topic", "security and exercises").stdout
    assert "3 questions" in kept and "Security and exercises" not in kept
    html = invoke(
        "html", str(BANK), "-o", str(tmp_path / "q.html"), "--exclude-topic", "The meeting"
    )
    assert html.exit_code == 0, html.output
    page = (tmp_path / "q.html").read_text(encoding="utf-8")
    assert "Trade and banking" in page and "The meeting" not in page


def test_excluding_everything_says_so(tmp_path):
    left_out = ("--exclude-tag", "meeting", "--exclude-tag", "banking", "--exclude-tag", "security")
    result = invoke("list", str(BANK), "--type", "short_answer", *left_out)
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith(
        "quizgen: error: no question matches --type 'short_answer' --exclude-tag 'meeting'"
        " --exclude-tag 'banking' --exclude-tag 'security' together; topics in these banks: "
    )


def complete(words: str) -> list[str]:
    env = {**os.environ, "_QUIZGEN_COMPLETE": "bash_complete", "COMP_WORDS": words}
    env["COMP_CWORD"] = str(len(words.split()) - (0 if words.endswith(" ") else 1))
    done = subprocess.run(
        [sys.executable, "-m", "quizgen"], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


@pytest.mark.slow  # a real process
def test_shell_completion_completes_topics_and_tags_of_the_banks_named():
    assert complete(f"quizgen quiz {BANK} --topic The") == ["plain,The meeting"]
    assert complete(f"quizgen list {BANK} --tag s") == ["plain,security"]
    tags = complete(f"quizgen html {BANK} --exclude-tag ")
    assert tags == ["plain,security", "plain,meeting", "plain,banking", "plain,exercises"]
    assert complete(f"quizgen review {BANK} --exclude-topic trade") == ["plain,Trade and banking"]


def visible(text: str) -> list[int]:
    return [len(line) for line in text.splitlines()]


@pytest.mark.parametrize("width", [40, 60, 80, 100, 120])
@pytest.mark.parametrize("tags", [(), ("--tags",)])
def test_list_rows_fit_the_terminal_and_the_prompt_gets_the_room_left(width, tags):
    """ux17: at 80 columns rows were 106 wide and prompts cut to 20 characters."""
    result = invoke("list", str(REPO / "question_bank"), *tags, env={"COLUMNS": str(width)})
    assert result.exit_code == 0
    assert max(visible(result.stdout)) <= width
    header, rule = result.stdout.splitlines()[:2]
    assert header.startswith(("bank ", "id ")) and header.endswith("prompt")
    prompt_room = len(rule.split()[-1])
    if width >= 80 and not tags:
        assert prompt_room >= MIN_PROMPT
    assert len(rule) == width  # the prompt takes what is left (the bank's prompts are long)


def test_list_through_a_pipe_keeps_whole_prompts():
    env = {"COLUMNS": ""}
    result = invoke("list", str(BANK), env=env)
    prompts = [line for line in result.stdout.splitlines() if "Regional Anti-Terrorist" in line]
    assert prompts and prompts[0].endswith("Regional Anti-Terrorist Structure (RATS).")
    assert "by tag:   " in result.stdout


def test_the_sample_bank_is_named_on_stderr_each_time(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for args in (["list"], ["check"], ["quiz", "--count", "1"]):
        result = invoke(*args, input="")
        assert result.stderr.splitlines()[0] == f"note: {SAMPLE_BANK_NOTICE}", args
    (tmp_path / "question_bank").mkdir()
    (tmp_path / "question_bank" / "b.yaml").write_bytes(BANK.read_bytes())
    assert "note:" not in invoke("list").stderr
