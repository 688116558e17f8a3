"""The study session without a terminal: a fake clock, a store in memory or in a temp file."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from quizgen.bank.load import load_banks
from quizgen.study.scheduling import LATEST, Rating, make_scheduler
from quizgen.study.session import (
    QuizSession,
    ReviewSession,
    SessionError,
    plan_quiz,
    plan_review,
    readable,
)
from quizgen.study.store import ReviewStore

START = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)

BANK = """\
id: caps
title: Capitals
questions:
  - id: uzbekistan
    type: short_answer
    prompt: Capital of Uzbekistan?
    answer: Tashkent
  - id: japan
    type: short_answer
    prompt: Capital of Japan, in Japanese?
    answer: 東京
  - id: ww1
    type: numeric
    prompt: In what year did the First World War begin?
    answer: 1914
"""


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime = START):
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def banks(write_bank):
    return load_banks([write_bank(BANK, name="caps.yaml")])


def review(banks, store, clock, **kwargs) -> ReviewSession:
    cards = plan_review(banks, store, clock(), seed=1, **kwargs)
    return ReviewSession(cards, store, scheduler=make_scheduler(fuzz=False), clock=clock)


def test_quiz_session_asks_grades_and_counts_without_a_terminal(banks):
    session = QuizSession(plan_quiz(banks, shuffle=False))
    said = {"uzbekistan": "Tashkant", "japan": "京都", "ww1": "1914"}
    outcomes = []
    while (card := session.next()) is not None:
        outcomes.append(session.submit([said[card.question.id]]).outcome)
        session.rate()
    assert outcomes == ["typo", "wrong", "right"]
    assert (session.planned, session.right, session.exit_code) == (3, 2, 0)
    assert [a.card.question.id for a in session.missed] == ["japan"]


def test_quiz_session_retries_missed_cards_round_after_round(banks):
    session = QuizSession(plan_quiz(banks, shuffle=False), retry_wrong=True)
    attempts = iter(["x", "x", "1914", "x", "東京", "Tashkent"])
    rounds = []
    while (card := session.next()) is not None:
        rounds.append((session.round, session.number, session.total, card.question.id))
        session.submit([next(attempts)])
        session.rate()
    assert rounds == [
        (0, 1, 3, "uzbekistan"),
        (0, 2, 3, "japan"),
        (0, 3, 3, "ww1"),
        (1, 1, 2, "uzbekistan"),
        (1, 2, 2, "japan"),
        (2, 1, 1, "uzbekistan"),
    ]
    assert session.right == 1  # the score counts first answers
    assert [a.counted_right for a in session.retries] == [False, True, True]


def test_i_was_right_counts_a_wrong_answer(banks):
    session = QuizSession(plan_quiz(banks, shuffle=False, count=1))
    session.next()
    assert session.submit(["nope"]).outcome == "wrong"
    answer = session.rate("was_right")
    assert answer.overridden and answer.counted_right and session.right == 1


def test_the_session_refuses_calls_out_of_turn(banks):
    session = QuizSession(plan_quiz(banks, shuffle=False))
    with pytest.raises(SessionError):
        session.submit(["x"])  # nothing asked yet
    session.next()
    with pytest.raises(SessionError):
        session.rate()  # nothing submitted
    session.submit(["x"])
    with pytest.raises(SessionError):
        session.next()  # the verdict is not rated yet
    with pytest.raises(SessionError):
        session.submit(["y"])  # one submission per card


def test_a_stopped_session_asks_nothing_more(banks):
    session = QuizSession(plan_quiz(banks, shuffle=False))
    session.next()
    session.stop("interrupt")
    assert session.next() is None
    assert session.exit_code == 130


def test_review_session_rates_schedules_and_saves_each_answer_at_once(banks, tmp_path):
    clock = Clock()
    with ReviewStore(tmp_path / "state.sqlite3") as store:
        session = review(banks, store, clock)
        assert (session.due_planned, session.new_planned) == (0, 3)
        card = session.next()
        clock.advance(seconds=4)
        assert session.submit(["Tashkent"]).outcome == "right"
        clock.advance(seconds=2)
        answer = session.rate()
        assert (answer.rating, answer.recorded) == (Rating.Good, True)
        assert answer.due == clock() + timedelta(minutes=10)
        with ReviewStore(tmp_path / "state.sqlite3", create=False) as reader:
            [saved] = reader.reviews("caps")  # committed before the next card
        assert (saved.question_id, saved.rating, saved.outcome) == (card.question.id, 3, "right")
        assert saved.reviewed_at == clock()
        duration = store.db.execute("SELECT duration_ms FROM reviews").fetchone()[0]
        assert duration == 4000  # from showing the card to the answer, by the injected clock


def test_review_claims_easy_and_i_was_right(banks):
    clock = Clock()
    with ReviewStore(None) as store:
        session = review(banks, store, clock)
        session.next()
        session.submit(["Tashkent"])
        assert session.rate("easy").rating == Rating.Easy
        session.next()
        session.submit(["wrong"])
        answer = session.rate("was_right")
        assert (answer.rating, answer.overridden) == (Rating.Good, True)
        assert [r.outcome for r in store.reviews("caps")] == ["right", "overridden"]


def test_a_lossy_answer_is_graded_wrong_and_never_recorded(banks):
    lossy = b"\xe6\x9d\xb1\xff".decode("utf-8", "surrogateescape")  # "東" then a stray byte
    assert not readable([lossy]) and readable(["東京"])
    with ReviewStore(None) as store:
        session = review(banks, store, Clock(), new=3)
        session.learn_ahead = timedelta(0)  # the wrong answers do not come back: one pass
        while (card := session.next()) is not None:
            if card.question.id == "japan":
                verdict = session.submit([lossy])
                assert (verdict.outcome, verdict.note) == ("wrong", "not UTF-8 text")
                assert not session.rate().recorded
            else:
                session.submit(["x"])
                session.rate()
        assert "japan" not in store.cards("caps")
        assert len(session.answers) == 2  # the lossy answer is not counted either
    quiz = QuizSession(plan_quiz(banks, shuffle=False))
    quiz.next()
    quiz.submit([lossy])
    assert quiz.rate().verdict.outcome == "wrong"  # nothing is saved by a quiz


def test_a_clock_at_year_9999_schedules_without_overflow(banks):
    clock = Clock(datetime(9999, 12, 31, 23, 59, tzinfo=timezone.utc))
    with ReviewStore(None) as store:
        for _ in range(3):
            session = review(banks, store, clock, new=3)
            session.learn_ahead = timedelta(0)  # the clock stands still: one pass
            while session.next() is not None:
                session.submit(["Tashkent"])
                assert session.rate("easy").due == LATEST
            clock.now = LATEST
        assert all(card.due == LATEST for card in store.cards("caps").values())


# -- ux17: review like Anki ---------------------------------------------------------------------


def test_new_cards_are_counted_per_day_in_the_state(banks):
    """Three runs of --new 1 on one day introduce one card; the next day brings one more."""
    clock = Clock()
    with ReviewStore(None) as store:
        for _ in range(3):
            session = review(banks, store, clock, new=1)
            assert session.new_planned == (1 if not store.cards("caps") else 0)
            while session.next() is not None:
                session.submit(["Tashkent"])
                session.rate("easy")  # graduates at once: nothing comes back today
            clock.advance(hours=1)
        assert len(store.cards("caps")) == 1
        clock.advance(days=1)
        assert review(banks, store, clock, new=1).new_planned == 1
        assert review(banks, store, clock, new=3).new_planned == 2  # all that is left


def test_learning_cards_come_back_in_the_same_session(banks):
    """Again (1 minute) and Good on a new card (10 minutes) are within the 20-minute
    learn-ahead limit: asked again once the queue is empty; Easy graduates for days."""
    clock = Clock()
    with ReviewStore(None) as store:
        session = review(banks, store, clock, new=3)
        shown: list[tuple[str, int]] = []
        answers = {"uzbekistan": "Tashkent", "japan": "wrong", "ww1": "1914"}
        claims = {"uzbekistan": None, "japan": None, "ww1": "easy"}
        while (card := session.next()) is not None:
            qid = card.question.id
            shown.append((qid, session.current_round))
            session.submit([answers[qid]])
            session.rate(claims[qid])  # type: ignore[arg-type]
            if qid == "japan":
                answers["japan"] = "東京"  # right the second time
            clock.advance(seconds=20)
        first = [qid for qid, again in shown if not again]
        assert sorted(first) == ["japan", "uzbekistan", "ww1"]
        again = [qid for qid, repeat in shown if repeat]
        # japan (Again: due in a minute) comes first, then uzbekistan (Good: 10 minutes),
        # then japan again (Good after the relearning step), then uzbekistan graduates.
        assert again[0] == "japan" and "ww1" not in again
        assert {"japan", "uzbekistan"} <= set(again)
        assert len(session.answers) == 3 and len(session.repeats) == len(again)
        assert session.right == 2  # the first answers only


def test_a_learning_card_due_later_than_the_limit_does_not_come_back(banks):
    clock = Clock()
    with ReviewStore(None) as store:
        session = review(banks, store, clock, new=1)
        session.learn_ahead = timedelta(minutes=5)  # Good's 10 minutes are beyond it
        session.next()
        session.submit(["Tashkent"])
        session.rate()
        assert session.next() is None
        assert session.coming_back == 0


def test_a_forgiven_typo_may_be_rated_good(banks):
    clock = Clock()
    with ReviewStore(None) as store:
        session = review(banks, store, clock, new=1)
        session.next()
        assert session.submit(["Tashkint"]).outcome == "typo"
        assert session.rate("good").rating == Rating.Good


def test_a_review_takes_only_the_selected_questions(banks):
    from quizgen.bank.select import Criteria

    with ReviewStore(None) as store:
        cards = plan_review(banks, store, START, new=10, criteria=Criteria(types=("numeric",)))
        assert [card.question.id for card in cards] == ["ww1"]


PARTS = """\
id: parts
title: Parts
questions:
  - id: match
    type: matching
    prompt: Match each country with its capital.
    points: 4
    partial: true
    pairs: [[Russia, Moscow], [Pakistan, Islamabad], [India, New Delhi], [China, Beijing]]
  - id: order
    type: ordering
    prompt: Smallest to largest population.
    points: 3
    partial: true
    items: [Kyrgyzstan, Russia, Pakistan]
"""


def test_a_part_right_answer_earns_its_part_and_i_was_right_earns_all(write_bank):
    banks = load_banks([write_bank(PARTS, name="parts.yaml")])
    session = QuizSession(plan_quiz(banks, shuffle=False))
    session.next()  # matches shown rotated by one: a) Islamabad b) New Delhi c) Beijing d) Moscow
    verdict = session.submit(["d", "a", "c", "b"])  # India and China swapped: 2 of 4 pairs
    assert (verdict.outcome, verdict.credit) == ("wrong", 0.5)
    assert session.rate().points == 2
    session.next()  # items shown a) Russia b) Pakistan c) Kyrgyzstan
    verdict = session.submit(["c b a"])  # only Kyrgyzstan in its place: 1 of 3 items
    assert verdict.credit == pytest.approx(1 / 3)
    assert session.rate("was_right").points == 3
    assert (session.points, session.points_possible, session.right) == (5, 7, 1)


def test_a_part_right_review_is_rated_again_as_a_wrong_one(write_bank):
    banks = load_banks([write_bank(PARTS, name="parts.yaml")])
    with ReviewStore(None) as store:
        session = review(banks, store, Clock())
        card = session.next()
        assert card is not None and card.question.id == "match"
        layout = card.layout.order  # bank index of each shown match
        right = ["abcd"[layout.index(i)] for i in range(4)]
        verdict = session.submit([right[0], right[1], right[3], right[2]])
        assert (verdict.outcome, verdict.credit) == ("wrong", 0.5)
        assert session.rate().rating == Rating.Again
