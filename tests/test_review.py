"""Spaced-repetition review: FSRS with an injected clock, SQLite state that survives a kill."""

from __future__ import annotations

import contextlib
import io
import os
import select
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pexpect
import pytest
from click.testing import CliRunner

from quizgen.bank.load import load_banks
from quizgen.cli import cli
from quizgen.study.review import describe_due, run_review
from quizgen.study.scheduling import make_scheduler, rating_for
from quizgen.study.session import ReviewSession, next_due, plan_review
from quizgen.study.stats import bank_stats, streak
from quizgen.study.store import LEARNING, REVIEW, CardRecord, ReviewStore
from quizgen.study.terminal import Terminal
from quizgen.study.verdict import Verdict

START = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)

BANK = """\
id: caps
title: Capitals
questions:
  - id: uzbekistan
    type: short_answer
    prompt: Capital of Uzbekistan?
    answer: Tashkent
  - id: pakistan
    type: short_answer
    prompt: Capital of Pakistan?
    answer: Islamabad
  - id: russia
    type: short_answer
    prompt: Capital of Russia?
    answer: Moscow
  - id: kazakhstan
    type: short_answer
    prompt: Capital of Kazakhstan?
    answer: Astana
  - id: ww1
    type: numeric
    prompt: In what year did the First World War begin?
    answer: 1914
"""
ANSWERS = {
    "uzbekistan": "Tashkent",
    "pakistan": "Islamabad",
    "russia": "Moscow",
    "kazakhstan": "Astana",
    "ww1": "1914",
}

RIGHT = Verdict("right", "x")
TYPO = Verdict("typo", "x", spelling="x")
WRONG = Verdict("wrong", "x")


class Clock:
    """A clock tests move by hand."""

    def __init__(self, start: datetime = START):
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def bank_path(write_bank) -> Path:
    return write_bank(BANK, name="caps.yaml")


@pytest.fixture
def banks(bank_path):
    return load_banks([bank_path])


@pytest.fixture
def store(tmp_path):
    with ReviewStore(tmp_path / "state.sqlite3") as opened:
        yield opened


def typed(question_id: str, verdict: Verdict) -> str:
    """What a student types to earn ``verdict`` on a question of BANK."""
    right = ANSWERS[question_id]
    if verdict.outcome == "typo":
        return right[:-2] + right[-1]  # one letter dropped
    return right if verdict.outcome == "right" else "zzz"


def answer(store, banks, clock, question_id, verdict, claim=None) -> CardRecord:
    """Review one card through a session; returns its stored state."""
    [card] = [
        c for c in plan_review(banks, store, clock(), new=100) if c.question.id == question_id
    ]
    session = ReviewSession([card], store, scheduler=make_scheduler(fuzz=False), clock=clock)
    assert session.next() is card
    assert session.submit([typed(question_id, verdict)]).outcome == verdict.outcome
    session.rate(claim)
    return store.cards(card.bank.id)[question_id]


# ------------------------------------------------------------- scheduling (clock)


def test_new_cards_come_in_bank_order_up_to_the_limit(banks, store):
    queue = plan_review(banks, store, START, new=3)
    assert [i.question.id for i in queue] == ["uzbekistan", "pakistan", "russia"]
    assert all(i.is_new for i in queue)
    assert plan_review(banks, store, START, new=0) == []


def test_right_answer_schedules_the_next_learning_step(banks, store):
    clock = Clock()
    card = answer(store, banks, clock, "uzbekistan", RIGHT)
    assert card.state == LEARNING
    assert card.due == START + timedelta(minutes=10)
    clock.advance(minutes=5)
    # Not yet due, but a learning card within the 20-minute learn-ahead limit: planned.
    [ahead] = plan_review(banks, store, clock(), new=0)
    assert (ahead.question.id, ahead.is_new) == ("uzbekistan", False)
    clock.advance(minutes=6)
    [due] = plan_review(banks, store, clock(), new=0)
    assert (due.question.id, due.is_new) == ("uzbekistan", False)


def test_two_good_answers_graduate_the_card_for_days(banks, store):
    clock = Clock()
    answer(store, banks, clock, "pakistan", RIGHT)
    clock.advance(minutes=10)
    card = answer(store, banks, clock, "pakistan", RIGHT)
    assert card.state == REVIEW
    assert card.due >= clock() + timedelta(days=1)
    clock.advance(hours=23)
    assert plan_review(banks, store, clock(), new=0) == []


def test_wrong_comes_back_sooner_than_typo_sooner_than_right_sooner_than_easy(banks, store):
    clock = Clock()
    wrong = answer(store, banks, clock, "uzbekistan", WRONG)
    typo = answer(store, banks, clock, "pakistan", TYPO)
    right = answer(store, banks, clock, "russia", RIGHT)
    easy = answer(store, banks, clock, "kazakhstan", RIGHT, claim="easy")
    assert wrong.due == START + timedelta(minutes=1)
    assert wrong.due < typo.due < right.due < easy.due
    assert easy.state == REVIEW


def test_ratings():
    assert rating_for(WRONG).name == "Again"
    assert rating_for(TYPO).name == "Hard"
    assert rating_for(RIGHT).name == "Good"
    assert rating_for(RIGHT, "easy").name == "Easy"
    assert rating_for(TYPO, "easy").name == "Easy"
    assert rating_for(WRONG, "was_right").name == "Good"  # "I was right"
    assert rating_for(WRONG, "easy").name == "Again"


def test_due_cards_come_first_then_new_and_limit_caps(banks, store):
    clock = Clock()
    answer(store, banks, clock, "russia", WRONG)
    clock.advance(seconds=10)
    answer(store, banks, clock, "pakistan", WRONG)
    clock.advance(minutes=2)
    queue = plan_review(banks, store, clock(), new=4)  # 2 of today's 4 new are studied
    assert [(i.question.id, i.is_new) for i in queue] == [
        ("russia", False),
        ("pakistan", False),
        ("uzbekistan", True),
        ("kazakhstan", True),
    ]
    assert len(plan_review(banks, store, clock(), new=4, limit=3)) == 3
    assert [i.question.id for i in plan_review(banks, store, clock(), new=2)] == [
        "russia",
        "pakistan",
    ]


def test_editing_a_prompt_keeps_the_schedule(write_bank, store):
    path = write_bank(BANK, name="caps.yaml")
    clock = Clock()
    answer(store, load_banks([path]), clock, "russia", RIGHT)
    write_bank(
        BANK.replace("Capital of Russia?", "What is the capital of Russia?"), name="caps.yaml"
    )
    edited = load_banks([path])
    clock.advance(minutes=11)
    [due] = plan_review(edited, store, clock(), new=0)
    assert due.question.id == "russia"
    assert due.question.prompt == "What is the capital of Russia?"
    assert not due.is_new


def test_a_removed_question_keeps_its_history_and_is_not_asked(write_bank, store):
    path = write_bank(BANK, name="caps.yaml")
    clock = Clock()
    answer(store, load_banks([path]), clock, "ww1", WRONG)
    start = BANK.index("  - id: ww1")
    write_bank(BANK[:start], name="caps.yaml")
    smaller = load_banks([path])
    clock.advance(days=2)
    assert all(i.question.id != "ww1" for i in plan_review(smaller, store, clock(), new=100))
    assert "ww1" in store.cards("caps")
    assert [r.question_id for r in store.reviews("caps")] == ["ww1"]
    assert next_due(smaller, store) is None  # the only studied card is gone
    assert bank_stats(smaller[0], store, clock()).new == 4


def test_describe_due():
    assert describe_due(START, START) == "now"
    assert describe_due(START + timedelta(minutes=10), START).startswith("in 10 minutes (at ")
    assert describe_due(START + timedelta(hours=5), START).startswith("in 5 hours")
    assert describe_due(START + timedelta(days=3), START).startswith("in 3 days")


# ---------------------------------------------------------------------- sessions


def pipe_terminal(lines: list[str]) -> tuple[Terminal, io.StringIO]:
    out = io.StringIO()
    stdin = io.StringIO("".join(line + "\n" for line in lines))
    return Terminal(stdin, out, interactive=False, color=False), out


def test_session_grades_saves_and_sums_up(banks, store):
    clock = Clock()
    terminal, out = pipe_terminal(["Tashkent", "Islamabd", "Paris"])
    result = run_review(
        terminal, banks, store, new=3, clock=clock, scheduler=make_scheduler(fuzz=False)
    )
    text = out.getvalue()
    assert result.exit_code == 0
    assert "Review: Capitals (0 due, 3 new)" in text
    assert "Card 1/3 · new · short answer" in text
    assert "Good: next review in 10 minutes" in text
    assert "Right, with a typo." in text and "Hard: next review" in text
    assert "Again: next review in 1 minute" in text
    assert "Reviewed: 2/3 right (67%)" in text
    assert "Next card due in 1 minute" in text
    assert "2 new cards not yet studied (today's 3 new cards are done)." in text
    assert "Again · short answer\nCapital of Russia?" in text  # back within the session
    assert [r.outcome for r in store.reviews("caps")] == ["right", "typo", "wrong"]
    assert [r.rating for r in store.reviews("caps")] == [3, 2, 1]


def test_session_with_nothing_due(banks, store):
    clock = Clock()
    answer(store, banks, clock, "russia", RIGHT)
    clock.advance(minutes=-15)  # due in 25 minutes: beyond the learn-ahead limit
    terminal, out = pipe_terminal([])
    run_review(terminal, banks, store, new=0, clock=clock)
    assert "Nothing to review now." in out.getvalue()
    assert "Next card due in 25 minutes" in out.getvalue()


def test_end_of_input_keeps_what_was_answered(banks, store):
    terminal, out = pipe_terminal(["Tashkent"])
    result = run_review(terminal, banks, store, new=5, clock=Clock())
    assert result.exit_code == 0
    assert "Stopped after 1 of 5 cards." in out.getvalue()
    assert list(store.cards("caps")) == ["uzbekistan"]


# ------------------------------------------------------------------------- stats


def test_streak():
    today = START.date()
    days = {today - timedelta(days=n) for n in (0, 1, 2, 4)}
    assert streak(days, today) == 3
    assert streak(days - {today}, today) == 2  # yesterday keeps the streak alive
    assert streak(set(), today) == 0


def test_bank_stats(banks, store):
    clock = Clock()
    answer(store, banks, clock, "uzbekistan", RIGHT)
    answer(store, banks, clock, "pakistan", WRONG)
    clock.advance(days=1)
    answer(store, banks, clock, "uzbekistan", RIGHT)
    answer(store, banks, clock, "kazakhstan", RIGHT, claim="easy")
    stats = bank_stats(banks[0], store, clock())
    assert stats.questions == 5
    assert stats.new == 2
    assert stats.learning == 1  # pakistan; uzbekistan and kazakhstan graduated
    assert stats.due_today == 1
    dues = {q: card.due for q, card in store.cards("caps").items()}
    assert dues["uzbekistan"] >= clock() + timedelta(days=7)  # graduated: not this week
    assert stats.due_week == 1
    assert stats.reviews_30_days == 4
    assert stats.right_share == pytest.approx(0.75)
    assert stats.streak_days == 2
    later = bank_stats(banks[0], store, clock.now + timedelta(days=40))
    assert later.reviews_30_days == 0 and later.right_share is None and later.streak_days == 0


# ----------------------------------------------------------------- command line


def test_review_and_stats_commands(bank_path, tmp_path):
    state = tmp_path / "mine.sqlite3"
    runner = CliRunner()
    result = runner.invoke(
        cli, ["review", str(bank_path), "--state", str(state), "--new", "2"], input="Tashkent\nx\n"
    )
    assert result.exit_code == 0, result.output
    assert "Reviewed: 1/2 right (50%)" in result.output
    assert "Next card due in 1 minute" in result.output
    again = runner.invoke(cli, ["review", str(bank_path), "--state", str(state), "--new", "0"])
    assert "(2 due, 0 new)" in again.output  # learning cards within the learn-ahead limit
    assert "Stopped before the first answer: nothing recorded." in again.output
    assert "Reviewed:" not in again.output
    stats = runner.invoke(cli, ["stats", str(bank_path), "--state", str(state)])
    assert stats.exit_code == 0
    assert "Capitals (caps): 5 questions" in stats.output
    assert "new 3 · learning 2 · due today 2 · due this week 2" in stats.output
    assert "reviews in the last 30 days: 2, 50% right" in stats.output
    assert "streak: 1 day" in stats.output


def test_stats_without_a_state_file_creates_nothing(bank_path, tmp_path):
    state = tmp_path / "none.sqlite3"
    result = CliRunner().invoke(cli, ["stats", str(bank_path), "--state", str(state)])
    assert result.exit_code == 0
    assert "new 5 · learning 0" in result.output
    assert not state.exists()


def test_limit_caps_the_session(bank_path, tmp_path):
    state = tmp_path / "s.sqlite3"
    result = CliRunner().invoke(
        cli, ["review", str(bank_path), "--state", str(state), "--limit", "1"], input="x\nx\n"
    )
    assert "(0 due, 1 new)" in result.output
    assert "Reviewed: 0/1 right (0%)" in result.output


def test_a_state_file_that_is_not_sqlite_is_an_error(bank_path, tmp_path):
    state = tmp_path / "junk.sqlite3"
    state.write_bytes(b"this is not a database" * 100)
    result = CliRunner().invoke(cli, ["review", str(bank_path), "--state", str(state)])
    assert result.exit_code == 1
    assert "cannot be used as review state" in result.output
    assert "Traceback" not in result.output
    assert state.read_bytes() == b"this is not a database" * 100


def test_another_programs_database_is_left_alone(bank_path, tmp_path):
    state = tmp_path / "other.sqlite3"
    with sqlite3.connect(state) as db:
        db.execute("CREATE TABLE notes (body TEXT)")
    before = state.read_bytes()
    result = CliRunner().invoke(cli, ["review", str(bank_path), "--state", str(state)])
    assert result.exit_code == 1
    assert "SQLite file of some other program" in result.output
    assert state.read_bytes() == before


def run_cli(args: list[str], stdin: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "quizgen", *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, **env},
        timeout=60,
    )


@pytest.mark.slow  # a real process
def test_state_lives_in_xdg_data_home(bank_path, tmp_path):
    data = tmp_path / "data"
    proc = run_cli(["review", str(bank_path), "--new", "1"], "Tashkent\n", XDG_DATA_HOME=str(data))
    assert proc.returncode == 0, proc.stderr
    state = data / "quizgen" / "review.sqlite3"
    assert state.is_file()
    with sqlite3.connect(state) as db:
        assert db.execute("SELECT question_id FROM cards").fetchall() == [("uzbekistan",)]


# ------------------------------------------------------------------- kill -9


def check_database(state: Path) -> tuple[int, int, list[tuple[str, str]]]:
    db = sqlite3.connect(state)
    try:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "cards" not in tables:  # killed before the first transaction: still a valid file
            return 0, 0, []
        cards = db.execute("SELECT COUNT(*) FROM cards").fetchone()[0]
        reviewed = db.execute("SELECT COUNT(DISTINCT question_id) FROM reviews").fetchone()[0]
        rows = db.execute("SELECT question_id, due FROM cards ORDER BY question_id").fetchall()
        return cards, reviewed, rows
    finally:
        db.close()


@pytest.mark.slow  # a real process
def test_sigkill_mid_session_loses_only_the_answer_being_typed(bank_path, tmp_path):
    state = tmp_path / "state.sqlite3"
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    child = pexpect.spawn(
        sys.executable,
        ["-m", "quizgen", "review", str(bank_path), "--state", str(state)],
        env={**env, "TERM": "xterm"},
        encoding="utf-8",
        dimensions=(30, 100),
        timeout=20,
    )
    child.expect_exact("Capital of Uzbekistan?")
    child.expect_exact("> ")
    child.sendline("Tashkent")
    child.expect_exact("Enter: Good · e: Easy")
    child.send("\r")
    child.expect_exact("Good: next review")
    child.expect_exact("Capital of Pakistan?")
    child.expect_exact("> ")
    child.sendline("Islamabad")
    child.expect_exact("Enter: Good · e: Easy")
    child.send("e")
    child.expect_exact("Easy: next review")
    child.expect_exact("Capital of Russia?")
    child.expect_exact("> ")
    child.send("Mosc")  # typing the third answer when the power goes
    time.sleep(0.2)
    os.kill(child.pid, signal.SIGKILL)
    child.expect(pexpect.EOF)
    child.close()
    assert child.signalstatus == signal.SIGKILL

    cards, reviewed, _ = check_database(state)
    assert (cards, reviewed) == (2, 2)
    with ReviewStore(state) as store:
        banks = load_banks([bank_path])
        now = datetime.now(timezone.utc)
        stored = store.cards("caps")
        assert set(stored) == {"uzbekistan", "pakistan"}
        assert all(card.due > now for card in stored.values())
        assert stored["pakistan"].state == REVIEW  # the Easy key was saved
        assert [r.rating for r in store.reviews("caps")] == [3, 4]
        queue = plan_review(banks, store, now, new=10)
        # uzbekistan (Good: due in 10 minutes) is within the learn-ahead limit: last
        assert [i.question.id for i in queue] == ["russia", "kazakhstan", "ww1", "uzbekistan"]


class ReviewProcess:
    """`quizgen review` as a real process on pipes, driven line by line: the test waits for
    specific output before it answers or kills, so the moment of each kill is chosen, not timed."""

    def __init__(self, bank: Path, state: Path) -> None:
        self.proc = subprocess.Popen(
            [
                *(sys.executable, "-m", "quizgen", "review", str(bank)),
                *("--state", str(state), "--new", "100"),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self.pending = b""

    def wait_for_line(self, wanted: str, timeout: float = 120) -> None:
        """Read output until a whole line equal to ``wanted``; fail on EOF or after ``timeout``."""
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        deadline = time.monotonic() + timeout
        line = b"\n" + wanted.encode() + b"\n"
        while True:
            at = (b"\n" + self.pending).find(line)
            if at >= 0:  # consume the output up to and including that line
                self.pending = (b"\n" + self.pending)[at + len(line) :]
                return
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"no line {wanted!r} within {timeout} s"
            if select.select([fd], [], [], remaining)[0]:
                chunk = os.read(fd, 65536)
                assert chunk, f"the session ended before printing {wanted!r}"
                self.pending += chunk

    def send(self, *answers: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write("".join(f"{a}\n" for a in answers).encode())
        self.proc.stdin.flush()

    def answer(self, first: int, count: int) -> None:
        """Answer questions q{first}... right, each after its prompt; then wait for the next prompt,
        which is printed only after the last answer was committed."""
        for n in range(first, first + count):
            self.wait_for_line(f"Say w{n}")
            self.send(f"w{n}")
        self.wait_for_line(f"Say w{first + count}")

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=60)
        assert self.proc.returncode == -signal.SIGKILL
        for stream in (self.proc.stdin, self.proc.stdout):
            assert stream is not None
            with contextlib.suppress(BrokenPipeError):
                stream.close()


@pytest.mark.slow  # a real process
def test_repeated_kills_at_chosen_moments_never_corrupt_the_state(write_bank, tmp_path):
    """SIGKILL a real review process again and again on one state file: while it waits for an
    answer (every answer given is kept), and right after answers were sent, while it grades and
    commits them (each answer is kept whole or not at all). Each new session goes on where the
    last stopped, and the file is never corrupt."""
    total = 60
    many = "id: many\ntitle: Many\nquestions:\n" + "".join(
        f"  - id: q{n}\n    type: short_answer\n    prompt: Say w{n}\n    answer: w{n}\n"
        for n in range(total)
    )
    bank = write_bank(many, name="many.yaml")
    state = tmp_path / "state.sqlite3"

    def saved() -> int:
        cards, reviewed, _ = check_database(state)  # PRAGMA integrity_check is "ok"
        assert cards == reviewed  # each answer saved whole: its card and its review together
        return cards

    # (answers to give and see committed, answers then sent at once just before the kill)
    kills = [(0, 0), (1, 0), (5, 0), (2, 1), (0, 1), (3, 8), (0, 20)]
    for committed, in_flight in kills:
        before = saved()
        session = ReviewProcess(bank, state)
        session.answer(before, committed)
        session.send(*(f"w{n}" for n in range(before + committed, before + committed + in_flight)))
        session.kill()
        after = saved()
        assert before + committed <= after <= before + committed + in_flight, (before, after)
    assert 0 < saved() < total

    last = ReviewProcess(bank, state)  # the session after the last kill finishes the bank
    left = range(saved(), total)
    out, _ = last.proc.communicate("".join(f"w{n}\n" for n in left).encode(), timeout=120)
    assert last.proc.returncode == 0, out.decode()
    assert f"Reviewed: {len(left)}/{len(left)} right (100%)" in out.decode()
    assert saved() == total


@pytest.mark.slow  # a real process
def test_pty_ctrl_c_in_review_keeps_answers_and_exits_130(bank_path, tmp_path):
    state = tmp_path / "state.sqlite3"
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    child = pexpect.spawn(
        sys.executable,
        ["-m", "quizgen", "review", str(bank_path), "--state", str(state), "--new", "3"],
        env={**env, "TERM": "xterm"},
        encoding="utf-8",
        dimensions=(30, 100),
        timeout=20,
    )
    child.expect_exact("Capital of Uzbekistan?")
    child.expect_exact("> ")
    child.sendline("Tashkant")  # one edit in eight letters: right, with a typo
    child.expect_exact("Right, with a typo.")
    child.expect_exact("Enter: Hard · g: Good · e: Easy")
    child.send("\r")
    child.expect_exact("Hard: next review")
    child.expect_exact("Capital of Pakistan?")
    child.expect_exact("> ")
    child.sendline("Karachi")
    child.expect_exact("Enter: Again · r: I was right")
    child.send("r")
    child.expect_exact("Counted as right")
    child.expect_exact("Good: next review")
    child.expect_exact("Capital of Russia?")
    child.expect_exact("> ")
    child.sendintr()
    child.expect_exact("Stopped after 2 of 3 cards.")
    child.expect_exact("Reviewed: 2/2 right (100%)")
    child.expect_exact("Next card due in")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    with ReviewStore(state) as store:
        reviews = store.reviews("caps")
    assert [(r.question_id, r.outcome, r.rating) for r in reviews] == [
        ("uzbekistan", "typo", 2),
        ("pakistan", "overridden", 3),
    ]


# ------------------------------------------- hostile review state (issue 16, study11)


def review_once(bank_path: Path, state: Path) -> None:
    proc = run_cli(["review", str(bank_path), "--state", str(state), "--new", "1"], "Tashkent\n")
    assert proc.returncode == 0, proc.stderr


def leftovers(state: Path) -> list[str]:
    return sorted(p.name for p in state.parent.iterdir() if p.name.startswith(state.name + "-"))


@pytest.mark.parametrize(
    "edit",
    [
        "UPDATE cards SET due = '2026-11-26 10:00:00'",
        "UPDATE cards SET state = 7",
        "UPDATE cards SET stability = 'lots'",
        "UPDATE reviews SET reviewed_at = 'yesterday'",
    ],
)
@pytest.mark.slow  # a real process
def test_hostile16_a_hand_edited_state_row_is_refused_and_left_unchanged(bank_path, tmp_path, edit):
    state = tmp_path / "state.sqlite3"
    review_once(bank_path, state)
    with contextlib.closing(sqlite3.connect(state)) as db, db:
        db.execute(edit)
    before = state.read_bytes()
    for command in (["review"], ["stats"]):
        proc = run_cli([*command, str(bank_path), "--state", str(state)], "Tashkent\n")
        assert proc.returncode == 1, proc.stdout + proc.stderr
        assert "cannot be used as review state" in proc.stderr
        assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr
        assert "Card 1/" not in proc.stdout
    assert state.read_bytes() == before
    assert leftovers(state) == []


def test_hostile16_another_apps_database_with_a_cards_table_is_refused(bank_path, tmp_path):
    state = tmp_path / "collection.sqlite3"
    with contextlib.closing(sqlite3.connect(state)) as db, db:
        db.execute("PRAGMA user_version = 1")
        db.execute("CREATE TABLE cards (id INTEGER PRIMARY KEY, nid INTEGER, due INTEGER)")
        db.execute("INSERT INTO cards VALUES (1, 2, 3)")
    before = state.read_bytes()
    for command in ("review", "stats"):
        result = CliRunner().invoke(cli, [command, str(bank_path), "--state", str(state)])
        assert result.exit_code == 1
        assert "cannot be used as review state" in result.output
    assert state.read_bytes() == before


@contextlib.contextmanager
def read_only(path: Path):
    """``path`` made read-only: mode 444, and immutable when root ignores the mode."""
    path.chmod(0o444)
    immutable = False
    if os.geteuid() == 0:
        if subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode:
            pytest.skip("running as root without chattr: cannot make a file read-only")
        immutable = True
    try:
        yield
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(path)], check=True)
        path.chmod(0o644)


@pytest.mark.slow  # a real process
def test_hostile16_a_read_only_state_file_is_refused_before_the_first_card(bank_path, tmp_path):
    state = tmp_path / "state.sqlite3"
    review_once(bank_path, state)
    before = state.read_bytes()
    with read_only(state):
        proc = run_cli(["review", str(bank_path), "--state", str(state)], "Islamabad\n")
        assert proc.returncode == 1
        assert "read-only" in proc.stderr
        assert "Card 1/" not in proc.stdout
        assert leftovers(state) == []  # no -wal or -shm left behind, of any mode
        stats = run_cli(["stats", str(bank_path), "--state", str(state)], "")
        assert stats.returncode == 0, stats.stderr
        assert "new 4 · learning 1" in stats.stdout
        assert leftovers(state) == []
    assert state.read_bytes() == before


@pytest.mark.slow  # a real process
def test_hostile16_stats_opens_the_state_read_only(bank_path, tmp_path):
    state = tmp_path / "state.sqlite3"
    review_once(bank_path, state)
    before, mtime = state.read_bytes(), state.stat().st_mtime_ns
    proc = run_cli(["stats", str(bank_path), "--state", str(state)], "")
    assert proc.returncode == 0, proc.stderr
    assert (state.read_bytes(), state.stat().st_mtime_ns) == (before, mtime)
    assert leftovers(state) == []
    with ReviewStore(state, create=False) as reader, pytest.raises(sqlite3.OperationalError):
        reader.db.execute("DELETE FROM cards")  # the connection itself cannot write


@pytest.mark.slow  # a real process
def test_hostile16_a_second_review_of_one_state_file_is_refused(bank_path, tmp_path):
    state = tmp_path / "state.sqlite3"
    first = subprocess.Popen(
        [sys.executable, "-m", "quizgen", "review", str(bank_path), "--state", str(state)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert first.stdout is not None and first.stdin is not None
        while not first.stdout.readline().startswith(b"Card 1/"):
            pass  # the first review holds the file and waits for its first answer
        second = run_cli(["review", str(bank_path), "--state", str(state)], "Tashkent\n")
        assert second.returncode == 1
        assert "a review is already running on this file" in second.stderr
        assert "Card 1/" not in second.stdout
        first.communicate(b"Tashkent\n", timeout=60)
    finally:
        if first.poll() is None:
            first.kill()
    assert first.returncode == 0
    with contextlib.closing(sqlite3.connect(state)) as db:
        assert db.execute("SELECT question_id, outcome FROM reviews").fetchall() == [
            ("uzbekistan", "right")
        ]
    review_once(bank_path, state)  # once the first has ended, the file is free again


def test_hostile16_a_clock_at_year_9999_reviews_and_counts(banks, store):
    clock = Clock(datetime(9999, 12, 31, 23, 59, 30, tzinfo=timezone.utc))
    terminal, out = pipe_terminal(["Tashkent", "Islamabad"])
    result = run_review(terminal, banks, store, new=2, clock=clock)
    assert result.exit_code == 0
    assert "Reviewed: 2/2 right (100%)" in out.getvalue()
    assert all(card.due.year == 9999 for card in store.cards("caps").values())
    stats = bank_stats(banks[0], store, clock())
    assert (stats.reviews_30_days, stats.due_today, stats.streak_days) == (2, 2, 1)


UTF8_BANK = """\
id: jp
title: Japanese
questions:
  - id: japan
    type: short_answer
    prompt: Japan, in Japanese?
    answer: 日本
"""


@pytest.mark.slow  # a real process
def test_hostile16_answers_are_read_as_utf8_whatever_the_locale(write_bank, tmp_path):
    bank = write_bank(UTF8_BANK, name="jp.yaml")
    state = tmp_path / "state.sqlite3"
    proc = subprocess.run(
        [sys.executable, "-m", "quizgen", "review", str(bank), "--state", str(state)],
        input="日本\n".encode(),
        capture_output=True,
        env={**os.environ, "PYTHONIOENCODING": "ascii", "LC_ALL": "C"},
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert b"Right!" in proc.stdout
    with contextlib.closing(sqlite3.connect(state)) as db:
        assert db.execute("SELECT outcome FROM reviews").fetchall() == [("right",)]


@pytest.mark.slow  # a real process
def test_hostile16_an_answer_that_is_not_utf8_is_never_recorded(write_bank, tmp_path):
    bank = write_bank(UTF8_BANK, name="jp.yaml")
    state = tmp_path / "state.sqlite3"
    proc = subprocess.run(
        [sys.executable, "-m", "quizgen", "review", str(bank), "--state", str(state)],
        input="日".encode() + b"\xff\n",
        capture_output=True,
        env={**os.environ, "PYTHONIOENCODING": "ascii"},
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert b"Not recorded: the answer was not UTF-8 text." in proc.stdout
    assert b"Traceback" not in proc.stderr
    with contextlib.closing(sqlite3.connect(state)) as db:
        assert db.execute("SELECT COUNT(*) FROM reviews").fetchone() == (0,)
        assert db.execute("SELECT COUNT(*) FROM cards").fetchone() == (0,)


# ------------------------------------------------------------ ux17: review like Anki


def test_three_runs_of_new_2_introduce_2_new_cards_a_day(bank_path, tmp_path):
    """--new N is per day, counted in the state: a second and third run add none."""
    state = tmp_path / "s.sqlite3"
    runner = CliRunner()
    for _ in range(3):
        runner.invoke(
            cli,
            ["review", str(bank_path), "--state", str(state), "--new", "2"],
            input="Tashkent\nIslamabad\n",
        )
    with ReviewStore(state, create=False) as store:
        assert sorted(store.cards("caps")) == ["pakistan", "uzbekistan"]
    last = runner.invoke(cli, ["review", str(bank_path), "--state", str(state), "--new", "2"])
    assert "(today's 2 new cards are done)" in last.output


def test_review_and_stats_take_the_selection_options(bank_path, tmp_path):
    state = tmp_path / "s.sqlite3"
    runner = CliRunner()
    result = runner.invoke(
        cli,
        ["review", str(bank_path), "--state", str(state), "--type", "numeric"],
        input="1914\n",
    )
    assert "(0 due, 1 new)" in result.output
    assert "In what year did the First World War begin?" in result.output
    assert "Capital of" not in result.output
    stats = runner.invoke(
        cli, ["stats", str(bank_path), "--state", str(state), "--type", "numeric"]
    )
    assert "Capitals (caps): 1 question" in stats.output
    wrong = runner.invoke(cli, ["stats", str(bank_path), "--state", str(state), "--tag", "nope"])
    assert wrong.exit_code == 1
    assert "--tag 'nope': no question has this tag" in wrong.output


def test_stats_shows_the_state_file_a_forecast_and_retention_per_topic(write_bank, tmp_path):
    topics = BANK.replace("    answer: Tashkent\n", "    answer: Tashkent\n    topic: Asia\n")
    topics = topics.replace("    answer: Moscow\n", "    answer: Moscow\n    topic: Europe\n")
    banks = load_banks([write_bank(topics, name="caps.yaml")])
    clock = Clock()
    with ReviewStore(tmp_path / "s.sqlite3") as store:
        answer(store, banks, clock, "uzbekistan", RIGHT, claim="easy")  # due in days
        answer(store, banks, clock, "russia", RIGHT, claim="easy")
        answer(store, banks, clock, "pakistan", WRONG)  # learning: due today
        clock.advance(days=30)
        answer(store, banks, clock, "uzbekistan", RIGHT)  # recalled after a gap
        answer(store, banks, clock, "russia", WRONG)  # forgotten after a gap
        clock.advance(minutes=10)
        answer(store, banks, clock, "russia", RIGHT)  # a relearning step: same day, not counted
        figures = bank_stats(banks[0], store, clock())
    assert [(r.topic, r.reviews, r.right) for r in figures.retention] == [
        ("Asia", 1, 1),
        ("Europe", 1, 0),
    ]
    assert len(figures.forecast) == 7 and sum(figures.forecast) == figures.due_week
    assert figures.forecast[0] == figures.due_today >= 1  # pakistan, overdue
    out = io.StringIO()
    from quizgen.study.stats import show_stats

    show_stats(
        Terminal(io.StringIO(), out, interactive=False, color=False),
        [figures],
        state=tmp_path / "s.sqlite3",
    )
    text = out.getvalue()
    assert text.startswith(f"State: {tmp_path / 's.sqlite3'}\n")
    assert "  due in the next 7 days:\n    today   " in text
    bars = [line for line in text.splitlines() if line.startswith("    ") and "█" in line]
    assert bars and max(line.count("█") for line in bars) == 30  # the busiest day: full width
    assert "    Asia        1/1  100%" in text
    assert "    Europe      0/1    0%" in text


def test_stats_names_a_state_file_not_made_yet(bank_path, tmp_path):
    state = tmp_path / "none.sqlite3"
    result = CliRunner().invoke(cli, ["stats", str(bank_path), "--state", str(state)])
    assert result.output.startswith(f"State: {state} (not made yet: no review so far)\n")


@pytest.mark.slow  # a real process
def test_pty_typo_offers_good_and_stray_keys_do_not_decide(bank_path, tmp_path):
    """After a forgiven typo g rates Good; after a right answer a reflexive r is ignored, and
    a key typed ahead with the answer's Enter is discarded, never taken as the choice."""
    state = tmp_path / "state.sqlite3"
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    child = pexpect.spawn(
        sys.executable,
        ["-m", "quizgen", "review", str(bank_path), "--state", str(state), "--new", "3"],
        env={**env, "TERM": "xterm"},
        encoding="utf-8",
        dimensions=(30, 100),
        timeout=20,
    )
    child.expect_exact("Capital of Uzbekistan?")
    child.expect_exact("> ")
    child.sendline("Tashkant")
    child.expect_exact("Enter: Hard · g: Good · e: Easy")
    child.send("g")
    child.expect_exact("Good: next review")
    child.expect_exact("Capital of Pakistan?")
    child.expect_exact("> ")
    child.send("Karachi\rr")  # a wrong answer, and r typed ahead before the prompt shows
    child.expect_exact("Enter: Again · r: I was right")
    time.sleep(0.3)
    child.send("x")  # not a key offered: ignored
    time.sleep(0.3)
    child.send("\r")
    child.expect_exact("Again: next review")
    child.expect_exact("Capital of Russia?")
    child.expect_exact("> ")
    child.sendline("Moscow")
    child.expect_exact("Enter: Good · e: Easy")
    child.send("r")  # reflex: ignored, the prompt stays
    time.sleep(0.3)
    child.send("\r")
    child.expect_exact("Good: next review")
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    with ReviewStore(state) as store:
        reviews = store.reviews("caps")
    assert [(r.question_id, r.outcome, r.rating) for r in reviews] == [
        ("uzbekistan", "typo", 3),
        ("pakistan", "wrong", 1),
        ("russia", "right", 3),
    ]
