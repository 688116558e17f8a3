"""The self-test page (`quizgen web`), used in a real Chromium through Playwright.

Every question of a fixture bank of all eight types is answered by clicking and typing
(and once by keyboard only) at a phone's and a laptop's size, right and wrong; the
page's grader is held to every conformance vector of the Python grader; progress,
the Leitner schedule, hostile text, the network and axe-core are checked in the page.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
import re
from collections.abc import Callable, Iterator
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from quiz_pages import HOSTILE_BANK, chromium

from quizgen.bank.load import load_banks
from quizgen.bank.model import (
    Cloze,
    Matching,
    MultipleAnswer,
    MultipleChoice,
    Numeric,
    Ordering,
    Question,
    ShortAnswer,
    TrueFalse,
)
from quizgen.outputs import web, web_grading
from quizgen.outputs.base import OutputOptions, Selection
from quizgen.questions import number_text, true_false_text
from quizgen.resources import shipped_bank_dir
from quizgen.study.conformance import VECTORS_PATH
from quizgen.text import format_number, to_plain

FIXTURES = Path(__file__).parent / "fixtures"
SNAPSHOT_BANK = FIXTURES / "snapshot-bank.yaml"
AXE = Path(__file__).parent / "js" / "node_modules" / "axe-core" / "axe.min.js"
PHONE, LAPTOP = (360, 740), (1280, 800)
SIZES = [pytest.param(PHONE, id="360x740"), pytest.param(LAPTOP, id="1280x800")]
ALL_TYPES = {
    "multiple_choice",
    "multiple_answer",
    "true_false",
    "short_answer",
    "numeric",
    "cloze",
    "matching",
    "ordering",
}


def build(paths: list[Path], out: Path, **options: Any) -> tuple[Path, list[Question]]:
    """Write the page for every question of the banks; return it and the questions in order."""
    banks = load_banks(paths)
    selection = Selection.whole(banks)
    web.FORMAT.write(selection, out, OutputOptions(**options))
    return out, list(selection.questions)


@pytest.fixture(scope="module")
def browser(chromium_path: str) -> Iterator[Any]:
    with chromium(chromium_path) as running:
        yield running


@pytest.fixture
def snapshot_page(tmp_path: Path) -> tuple[Path, list[Question]]:
    return build([SNAPSHOT_BANK], tmp_path / "study.html", seed="web")


class Watch:
    """What a page did: dialogs (dismissed unless told), requests, console errors."""

    def __init__(self, page: Any, *, accept_dialogs: bool = False) -> None:
        self.dialogs: list[str] = []
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.accept = accept_dialogs

        def on_dialog(dialog: Any) -> None:
            self.dialogs.append(dialog.message)
            dialog.accept() if self.accept else dialog.dismiss()

        page.on("dialog", on_dialog)
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on(
            "console", lambda m: self.errors.append(m.text) if m.type in ("error", "warning") else 0
        )


def open_page(browser: Any, path: Path, size: tuple[int, int] = PHONE, **context: Any) -> Any:
    """A fresh context (its own localStorage) showing the page; ``page.watch`` records it."""
    ctx = browser.new_context(viewport={"width": size[0], "height": size[1]}, **context)
    page = ctx.new_page()
    page.watch = Watch(page)  # type: ignore[attr-defined]
    page.goto(path.resolve().as_uri())
    return page


def current(page: Any) -> Any:
    return page.locator("form.question:not([hidden])")


def score_shown(page: Any) -> str:
    """The end screen's score, and below it (when scored by points) how many were right."""
    detail = page.locator("#score-detail")
    score = page.locator("#score").inner_text()
    return f"{score} · {detail.inner_text()}" if detail.is_visible() else score


def start(page: Any, *, shuffle: bool = False, mode: str = "all") -> None:
    page.get_by_label("Shuffle").set_checked(shuffle)
    page.locator(f"input[name=mode][value={mode}]").check()
    page.get_by_role("button", name="Start").click()


# -- answering by clicking and typing -------------------------------------------------------


def wrong_number(q: Numeric) -> str:
    return format_number(q.answer + q.tolerance + 7)


def answer(form: Any, q: Question, right: bool) -> None:
    """Answer the question shown in ``form`` as a student would, right or wrong."""
    if isinstance(q, MultipleChoice):
        text = q.answer if right else next(c for c in q.choices if c != q.answer)
        form.get_by_role("radio", name=to_plain(text), exact=True).check()
    elif isinstance(q, MultipleAnswer):
        picks = q.answers if right else [next(c for c in q.choices if c not in q.answers)]
        for text in picks:
            form.get_by_role("checkbox", name=to_plain(text), exact=True).check()
    elif isinstance(q, TrueFalse):
        word = true_false_text(q.answer if right else not q.answer)
        form.get_by_role("radio", name=word, exact=True).check()
    elif isinstance(q, ShortAnswer):
        form.get_by_label("Your answer").fill(q.answers[0] if right else "Quokka")
    elif isinstance(q, Numeric):
        typed = number_text(q).answer_with_unit if right else wrong_number(q)
        form.get_by_label("Your answer").fill(typed)
    elif isinstance(q, Cloze):
        for n, deletion in enumerate(q.deletions):
            form.locator("input.gap").nth(n).fill(deletion.answer if right else "Quokka")
    elif isinstance(q, Matching):
        rights = q.rights
        for i, left in enumerate(q.lefts):
            pick = rights[i] if right else rights[(i + 1) % len(rights)]
            form.get_by_label(to_plain(left), exact=True).select_option(label=to_plain(pick))
    elif isinstance(q, Ordering) and right:
        for k, item in enumerate(q.items):
            shown = form.locator("ol.order > li .item").all_inner_texts()
            for _ in range(shown.index(to_plain(item)) - k):
                form.get_by_role("button", name=f"Move up: {to_plain(item)}", exact=True).click()
        assert form.locator("ol.order > li .item").all_inner_texts() == list(q.items)


def expected_answer(q: Question) -> list[str]:
    """Pieces the written-out right answer must show."""
    if isinstance(q, TrueFalse):
        return [true_false_text(q.answer)]
    if isinstance(q, MultipleChoice):
        return [q.answer]
    if isinstance(q, MultipleAnswer):
        return list(q.answers)
    if isinstance(q, ShortAnswer):
        return list(q.answers)
    if isinstance(q, Numeric):
        text = number_text(q)
        return [text.summary] + ([f"from {text.low} to {text.high}"] if text.tolerance else [])
    if isinstance(q, Cloze):
        return [d.answer for d in q.deletions]
    if isinstance(q, Matching):
        return [f"{left} → {right}" for left, right in q.pairs]
    if isinstance(q, Ordering):
        return list(q.items)
    raise AssertionError(q)


def assert_fits(page: Any) -> None:
    """No horizontal scroll; every visible control a large tap target (44 px)."""
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    small = page.evaluate(
        """[...document.querySelectorAll('button, label.choice, input[type=text], select')]
            .filter(e => e.offsetParent !== null)
            .filter(e => e.getBoundingClientRect().height < 44)
            .map(e => e.outerHTML.slice(0, 80))"""
    )
    assert small == []


def play_round(
    page: Any, questions: list[Question], right: Callable[[int], bool], *, of: int | None = None
) -> list[str]:
    """Answer the questions of a round (``of`` in all) in bank order; return the verdicts."""
    verdicts = []
    for i, q in enumerate(questions):
        form = current(page)
        assert form.get_attribute("data-index") == str(i)
        total = of or len(questions)
        assert page.locator("#counter").inner_text() == f"Question {i + 1} of {total}"
        answer(form, q, right(i))
        form.get_by_role("button", name="Check", exact=True).click()
        feedback = form.locator(".feedback")
        assert feedback.is_visible()
        shown = to_plain(feedback.locator(".right-answer").inner_text())
        for piece in expected_answer(q):
            assert to_plain(piece) in shown, (q.id, piece, shown)
        if q.explanation:
            assert to_plain(q.explanation).split("\n")[0] in feedback.inner_text()
        for ref in q.citations:
            assert ref.quote in feedback.locator("blockquote").first.inner_text()
        verdicts.append(form.locator(".verdict").inner_text())
        assert_fits(page)
        page.get_by_role("button", name="Next").click()
    return verdicts


# -- the grader: every conformance vector ---------------------------------------------------


def test_page_grader_agrees_with_every_conformance_vector(browser: Any, snapshot_page) -> None:
    vectors = json.loads(VECTORS_PATH.read_text(encoding="utf-8"))["vectors"]
    assert len(vectors) >= 200
    assert {v["question"]["type"] for v in vectors} == ALL_TYPES
    page = open_page(browser, snapshot_page[0])
    got = page.evaluate("vs => vs.map(v => QuizgenGrader.grade(v.question, v.responses))", vectors)
    disagreements = []
    for vector, verdict in zip(vectors, got, strict=True):
        want = vector["verdict"]
        mine = {"outcome": verdict["outcome"]}
        theirs = {"outcome": want["outcome"]}
        if want["outcome"] == "typo":
            mine["spelling"], theirs["spelling"] = verdict.get("spelling"), want.get("spelling")
        if "parts" in want:
            mine["parts"] = [(p["outcome"], p.get("spelling")) for p in verdict.get("parts", [])]
            theirs["parts"] = [(p["outcome"], p.get("spelling")) for p in want["parts"]]
        # part credit: the same share of the points, and none where the question gives none
        mine["credit"] = verdict.get("credit")
        theirs["credit"] = want.get("credit")
        if mine["credit"] is not None and theirs["credit"] is not None:
            mine["credit"] = round(mine["credit"], 9)
            theirs["credit"] = round(theirs["credit"], 9)
        if mine != theirs:
            disagreements.append((vector["what"], vector["responses"], theirs, mine))
    assert disagreements == []
    assert page.watch.errors == []


def test_rules_come_from_the_exported_rules_file() -> None:
    exported = json.loads(VECTORS_PATH.read_text(encoding="utf-8"))["rules"]
    rules = web_grading.grading_rules()
    assert rules["true_words"] == exported["true_false"]["true"]
    assert rules["max_typos"] == exported["typo_budget"]["beyond"]
    assert [b for b, _ in rules["typo_budget"]] == [
        r["letters"] for r in exported["typo_budget"]["up_to"]
    ]
    assert rules["minus_signs"].startswith("-") and "\u2212" in rules["minus_signs"]
    assert rules["casefold"]["ß"] == "ss" and rules["casefold"]["ς"] == "σ"


@pytest.mark.slow
def test_the_unicode_scan_misses_nothing_beyond_plane_one() -> None:
    assert web_grading.unicode_tables(0x110000) == web_grading.unicode_tables()


# -- answering every question ---------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
def test_every_question_right_by_clicking_and_typing(browser: Any, snapshot_page, size) -> None:
    path, questions = snapshot_page
    assert {q.type for q in questions} == ALL_TYPES
    page = open_page(browser, path, size)
    assert_fits(page)
    start(page)
    verdicts = play_round(page, questions, lambda i: True)
    assert verdicts == ["Right."] * len(questions)
    # two questions are worth 2 and 1.5 points: the score counts points
    total = format_number(sum(q.points for q in questions))
    assert score_shown(page) == (
        f"{total}/{total} points (100%) · {len(questions)} of {len(questions)} questions right"
    )
    table = {
        r.locator("th").inner_text(): r.locator("td").inner_text()
        for r in page.locator("#by-topic tbody tr").all()
    }
    assert table == {
        "Basics": "6/6 points (100%)",  # 2 + 1 + 1 + 1 + 1
        "Anki markers": "2/2 points (100%)",
        "(no topic)": "1.5/1.5 points (100%)",
    }
    assert not page.get_by_role("button", name="Practise the ones I missed").is_visible()
    assert page.watch.errors == [] and page.watch.dialogs == []


@pytest.mark.parametrize("size", SIZES)
def test_every_question_wrong_then_practise_the_missed(browser: Any, snapshot_page, size) -> None:
    path, questions = snapshot_page
    page = open_page(browser, path, size)
    start(page)
    verdicts = play_round(page, questions, lambda i: False)
    assert all(v.startswith("Not quite") for v in verdicts), verdicts
    assert "Not quite: 0 of 2 right." in verdicts  # the cloze's two gaps
    total = format_number(sum(q.points for q in questions))
    assert score_shown(page) == (f"0/{total} points (0%) · 0 of {len(questions)} questions right")
    page.get_by_role("button", name="Practise the ones I missed").click()
    assert page.locator("#counter").inner_text() == f"Question 1 of {len(questions)}"
    # This time: the first right, the second wrong but overridden, then stop.
    answer(current(page), questions[0], True)
    current(page).get_by_role("button", name="Check").click()
    page.get_by_role("button", name="Next").click()
    answer(current(page), questions[1], False)
    current(page).get_by_role("button", name="Check").click()
    page.get_by_role("button", name="I was right").click()
    assert current(page).locator(".verdict").inner_text() == "Counted as right, on your word."
    page.get_by_role("button", name="Next").click()
    page.get_by_role("button", name="Stop and see the score").click()
    # the first question is worth 2 points, the second 1
    assert score_shown(page) == "3/3 points (100%) · 2 of 2 questions right"
    assert page.watch.errors == []


def test_a_typo_is_right_and_shows_the_spelling(browser: Any, snapshot_page) -> None:
    path = snapshot_page[0]
    page = open_page(browser, path)
    start(page)
    for _ in range(3):
        current(page).get_by_role("button", name="Check").click()
        page.get_by_role("button", name="Next").click()
    form = current(page)
    form.get_by_label("Your answer").fill("Shanghai Cooperation Organisaton")
    form.get_by_label("Your answer").press("Enter")  # Enter in the box is Check
    assert form.locator(".verdict").inner_text() == (
        "Right, but mind the spelling: Shanghai Cooperation Organisation."
    )


PART_BANK = """\
id: parts
title: Part credit
questions:
  - id: mt5
    type: matching
    prompt: Match each country with its capital.
    topic: Capitals
    points: 5
    partial: true
    pairs:
      - [Russia, Moscow]
      - [Pakistan, Islamabad]
      - [India, New Delhi]
      - [China, Beijing]
      - [Japan, Tokyo]
  - id: mt1
    type: matching
    prompt: The same, all or nothing.
    topic: Capitals
    pairs:
      - [Russia, Moscow]
      - [Pakistan, Islamabad]
      - [India, New Delhi]
"""


def test_a_part_right_answer_earns_its_part(browser: Any, tmp_path: Path) -> None:
    bank = tmp_path / "parts.yaml"
    bank.write_text(PART_BANK, encoding="utf-8")
    path, questions = build([bank], tmp_path / "study.html", seed="web")
    page = open_page(browser, path)
    start(page)
    for q in questions:
        form = current(page)
        # 3 of 5 pairs right (China and India swapped); 2 of 3 (India given Islamabad)
        swap = {"China": "New Delhi", "India": "Beijing" if q.id == "mt5" else "Islamabad"}
        for left, right in q.pairs:
            pick = swap.get(left, right)
            form.get_by_label(left, exact=True).select_option(label=pick)
        form.get_by_role("button", name="Check", exact=True).click()
        if q.id == "mt5":
            verdict = "Not quite: 3 of 5 pairs: 3/5 points."
        else:
            verdict = "Not quite: 2 of 3 right."  # no part credit: no points for the two
        assert form.locator(".verdict").inner_text() == verdict
        page.get_by_role("button", name="Next").click()
    assert score_shown(page) == "3/6 points (50%) · 0 of 2 questions right"
    assert page.locator("#by-topic tbody td").inner_text() == "3/6 points (50%)"
    assert page.watch.errors == []


# -- keyboard only --------------------------------------------------------------------------


def tab_to(page: Any, test: str, arg: Any = None, *, limit: int = 60) -> None:
    """Press Tab until ``test`` (a JS function of the focused element and arg) holds."""
    for _ in range(limit):
        if page.evaluate(f"arg => ({test})(document.activeElement, arg)", arg):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached: {test} {arg!r}")


def choose_by_arrows(page: Any, value: str) -> None:
    """In a focused radio group: select it (Space), then arrow down to ``value``."""
    page.keyboard.press("Space")
    for _ in range(12):
        if page.evaluate("document.activeElement.value") == value:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(value)


def letter_of(form: Any, text: str) -> str:
    """The value (display letter) of the choice labelled ``text``."""
    return form.evaluate(
        "(f, t) => [...f.querySelectorAll('label.choice')]"
        ".find(l => l.textContent.trim() === t).querySelector('input').value",
        text,
    )


def test_keyboard_only(browser: Any, snapshot_page) -> None:
    path, questions = snapshot_page
    page = open_page(browser, path)
    page.locator("body").focus()
    tab_to(page, "(e) => e.type === 'checkbox' && e.id === 'shuffle'")
    page.keyboard.press("Space")  # shuffle off: bank order
    tab_to(page, "(e) => e.id === 'start'")
    page.keyboard.press("Enter")
    for q in questions:
        form = current(page)
        if isinstance(q, MultipleChoice | TrueFalse):
            tab_to(page, "(e) => e.type === 'radio'")
            if isinstance(q, TrueFalse):
                value = "true" if q.answer else "false"
            else:
                value = letter_of(form, to_plain(q.answer))
            choose_by_arrows(page, value)
        elif isinstance(q, MultipleAnswer):
            for text in q.answers:
                value = letter_of(form, to_plain(text))
                tab_to(page, "(e, v) => e.type === 'checkbox' && e.value === v", value)
                page.keyboard.press("Space")
        elif isinstance(q, ShortAnswer | Numeric | Cloze):
            typed = (
                [q.answers[0]]
                if isinstance(q, ShortAnswer)
                else [format_number(q.answer)]
                if isinstance(q, Numeric)
                else [d.answer for d in q.deletions]
            )
            for n, text in enumerate(typed):
                tab_to(
                    page,
                    "(e, n) => e.matches('input.line, input.gap') && "
                    "[...e.form.querySelectorAll('input[type=text]')].indexOf(e) === n",
                    n,
                )
                page.keyboard.type(text)
        elif isinstance(q, Matching):
            for i, (_, right) in enumerate(q.pairs):
                tab_to(page, "(e, i) => e.matches('select') && e.id.endsWith('-m' + i)", i + 1)
                for _ in range(len(q.pairs) + 1):
                    chosen = page.evaluate("document.activeElement.selectedOptions[0].text")
                    if chosen == to_plain(right):
                        break
                    page.keyboard.press("ArrowDown")
        elif isinstance(q, Ordering):
            for k, item in enumerate(q.items):
                name = f"Move up: {to_plain(item)}"
                tab_to(page, "(e, n) => e.getAttribute('aria-label') === n", name)
                shown = form.locator("ol.order > li .item").all_inner_texts()
                for _ in range(shown.index(to_plain(item)) - k):
                    page.keyboard.press("Enter")
        tab_to(page, "(e) => e.matches('button.check')")
        page.keyboard.press("Enter")
        assert form.locator(".verdict").inner_text() == "Right.", q.id
        assert page.evaluate("document.activeElement.id") == "next"
        page.keyboard.press("Enter")
    total = format_number(sum(q.points for q in questions))
    assert score_shown(page) == (
        f"{total}/{total} points (100%) · {len(questions)} of {len(questions)} questions right"
    )
    assert page.watch.errors == []


def test_focus_is_visible(browser: Any, snapshot_page) -> None:
    page = open_page(browser, snapshot_page[0])
    page.locator("body").focus()
    tab_to(page, "(e) => e.id === 'start'")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    width = page.evaluate("parseFloat(getComputedStyle(document.activeElement).outlineWidth)")
    assert outline == "solid" and width >= 2


# -- progress, the schedule, reset ----------------------------------------------------------


def summary(page: Any) -> str:
    return page.locator("#summary").inner_text()


def test_progress_survives_a_reload_and_a_round_can_be_continued(
    browser: Any, snapshot_page
) -> None:
    path, questions = snapshot_page
    page = open_page(browser, path)
    assert summary(page) == "8 questions · 0 answered on this device · 8 due today"
    start(page)
    play_round(page, questions[:3], lambda i: i != 1, of=8)
    page.reload()
    assert summary(page) == "8 questions · 3 answered on this device · 5 due today"
    resume = page.get_by_role("button", name="Continue: question 4 of 8")
    resume.click()
    assert page.locator("#counter").inner_text() == "Question 4 of 8"
    page.get_by_role("button", name="Stop and see the score").click()
    # kept over the reload: the first (2 points) and third (1) right, the second (1) wrong
    assert score_shown(page) == "3/4 points (75%) · 2 of 3 questions right"
    page.get_by_role("button", name="Back to the start").click()
    start(page)
    assert current(page).locator(".last").inner_text().strip() == "· last time: right"


def test_an_edited_question_starts_fresh(browser: Any, tmp_path: Path) -> None:
    text = SNAPSHOT_BANK.read_text(encoding="utf-8")
    bank = tmp_path / "snapshot-bank.yaml"
    bank.write_text(text, encoding="utf-8")
    (tmp_path / "sources").mkdir()
    (tmp_path / "images").mkdir()
    for name in ("sources/sco-blog.txt", "images/dot.png"):
        (tmp_path / name).write_bytes((FIXTURES / name).read_bytes())
    path, questions = build([bank], tmp_path / "study.html")
    page = open_page(browser, path)
    start(page)
    play_round(page, questions, lambda i: True)
    page.get_by_role("button", name="Back to the start").click()
    start(page)
    play_round(page, questions[:1], lambda i: True, of=8)
    page.reload()
    assert page.get_by_role("button", name="Continue: question 2 of 8").is_visible()
    bank.write_text(text.replace("How many full members", "How many full members now"), "utf-8")
    _, edited = build([bank], tmp_path / "study.html")
    assert [web_grading.content_hash(q) for q in questions] != [
        web_grading.content_hash(q) for q in edited
    ]
    changed = [q.id for q, e in zip(questions, edited, strict=True) if q != e]
    assert changed == ["num-members"]
    page.reload()
    assert summary(page) == "8 questions · 7 answered on this device · 1 due today"
    assert not page.locator("#resume-line").is_visible()  # a round of another build
    page.locator("input[name=mode][value=due]").check()
    assert page.locator("#chosen").inner_text() == "1 question chosen."


def test_due_today_follows_the_leitner_schedule(browser: Any, snapshot_page) -> None:
    path, questions = snapshot_page
    ctx = browser.new_context(viewport={"width": 360, "height": 740})
    page = ctx.new_page()
    day = dt.datetime(2025, 3, 3, 18, 0)
    page.clock.set_fixed_time(day)
    page.goto(path.resolve().as_uri())
    start(page)
    play_round(page, questions, lambda i: i != 2)  # the true/false one is missed
    for days, due in ((0, 0), (1, 1), (2, 8)):
        page.clock.set_fixed_time(day + dt.timedelta(days=days))
        page.reload()
        assert summary(page).endswith(f"· {due} due today"), days
    # Day 2: everything is due; answered right again, the missed one moves to box 2
    # (2 days), the others to box 3 (4 days).
    start(page, mode="due")
    play_round(page, questions, lambda i: True)
    for days, due in ((3, 0), (4, 1), (6, 8)):
        page.clock.set_fixed_time(day + dt.timedelta(days=days))
        page.reload()
        assert summary(page).endswith(f"· {due} due today"), days
    ctx.close()


def test_reset_progress_asks_first(browser: Any, snapshot_page) -> None:
    path, questions = snapshot_page
    page = open_page(browser, path)
    start(page)
    play_round(page, questions[:2], lambda i: True, of=8)
    page.reload()
    page.get_by_role("button", name="Reset progress").click()  # dismissed: nothing happens
    assert len(page.watch.dialogs) == 1 and "Reset" in page.watch.dialogs[0]
    assert "2 answered" in summary(page)
    page.watch.accept = True
    page.get_by_role("button", name="Reset progress").click()
    assert "0 answered" in summary(page)
    page.reload()
    assert "0 answered" in summary(page)
    assert not page.locator("#resume-line").is_visible()


def test_topics_tags_and_a_seeded_shuffle(browser: Any, snapshot_page) -> None:
    path = snapshot_page[0]
    page = open_page(browser, path)
    page.locator("#topics").get_by_label("Anki markers").uncheck()
    page.locator("#tags").get_by_label("members").check()
    assert page.locator("#chosen").inner_text() == "1 question chosen."
    page.locator("#tags").get_by_label("members").uncheck()
    assert page.locator("#chosen").inner_text() == "6 questions chosen."

    def order(seed: str) -> list[str]:
        page.get_by_label("Seed").fill(seed)
        start(page, shuffle=True)
        seen = []
        for _ in range(6):
            seen.append(current(page).get_attribute("data-index"))
            page.get_by_role("button", name="Check").click()
            page.get_by_role("button", name="Next").click()
        page.get_by_role("button", name="Back to the start").click()
        return seen

    first, again, other = order("a"), order("a"), order("b")
    assert first == again and sorted(first) == ["0", "1", "3", "4", "6", "7"]
    assert other != first


# -- a safe, self-contained page ------------------------------------------------------------


def test_no_request_leaves_the_page(browser: Any, snapshot_page) -> None:
    path, questions = snapshot_page
    page = open_page(browser, path)
    start(page)
    play_round(page, questions, lambda i: i % 2 == 0)
    page.get_by_role("button", name="Practise the ones I missed").click()
    urls = page.watch.requests
    assert urls[0] == path.resolve().as_uri()
    assert all(u.startswith("data:") for u in urls[1:]), urls
    assert page.locator("img[src^='data:image/png;base64,']").count() == 1
    assert page.watch.errors == []  # a CSP violation would be reported here


def test_the_csp_allows_only_the_pages_own_script_and_style(snapshot_page) -> None:
    html = snapshot_page[0].read_text(encoding="utf-8")
    meta = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html)
    csp = unescape(meta.group(1))
    scripts = re.findall(r"<script>(.*?)</script>", html, re.S)
    styles = re.findall(r"<style>(.*?)</style>", html, re.S)
    assert len(scripts) == 1 and len(styles) == 1

    def sha(text: str) -> str:
        return base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()

    assert csp == (
        f"default-src 'none'; script-src 'sha256-{sha(scripts[0])}'; "
        f"style-src 'sha256-{sha(styles[0])}'; img-src data:; base-uri 'none'; form-action 'none'"
    )
    assert "http://" not in html and "https://" not in html


def test_bank_json_cannot_leave_its_script_element() -> None:
    data = {"x": "</script><script>alert(1)</script><!-- & \u2028\u2029 ]]>"}
    text = web.script_json(data)
    assert not set(text) & set("<>&\u2028\u2029")
    assert json.loads(text) == data


@pytest.fixture
def hostile_page(write_bank: Callable[..., Path], tmp_path: Path) -> Path:
    bank = write_bank(HOSTILE_BANK, "hostile.yaml")
    return build([bank, SNAPSHOT_BANK], tmp_path / "hostile.html")[0]


def test_hostile_bank_text_stays_text(browser: Any, hostile_page: Path) -> None:
    page = open_page(browser, hostile_page)
    assert page.locator("h1").inner_text().startswith("<script>alert('title')</script> Hostile")
    page.get_by_text("About these questions").click()
    assert "</style><script>alert('description')</script>" in page.locator(".about").inner_text()
    assert "<script>alert('topic')</script>" in page.locator("#topics").inner_text()
    start(page)
    for i in range(5 + 8):
        form = current(page)
        if i == 4:  # h5: its answer is a script tag, typed as text
            form.get_by_label("Your answer").fill("<script>alert('answer')</script>")
        form.get_by_role("button", name="Check").click()
        page.mouse.move(100, 200)
        page.mouse.move(200, 400)
        page.get_by_role("button", name="Next").click()
    text = page.locator("body").inner_text()
    banks = load_banks([hostile_page.parent / "hostile.yaml", SNAPSHOT_BANK])
    total = format_number(sum(q.points for bank in banks for q in bank.questions))
    assert score_shown(page) == (
        f"1/{total} points ({round(100 / float(total))}%) · 1 of 13 questions right"
    )
    assert page.locator("script").count() == 2
    assert page.locator("iframe, svg, b, i, img:not([src^='data:'])").count() == 0
    assert (
        page.evaluate(
            "[...document.querySelectorAll('*')].filter(e => [...e.attributes]"
            ".some(a => a.name.startsWith('on'))).length"
        )
        == 0
    )
    assert "49" not in text
    assert page.watch.dialogs == [] and page.watch.errors == []


def test_hostile_text_is_shown_as_written(browser: Any, hostile_page: Path) -> None:
    page = open_page(browser, hostile_page, LAPTOP)
    start(page)
    texts = []
    for _ in range(5):
        form = current(page)
        form.get_by_role("button", name="Check").click()
        texts.append(form.inner_text())
        page.get_by_role("button", name="Next").click()
    joined = "\n".join(texts)
    for shown in (
        "<script>alert('prompt')</script><img src=x onerror=alert('img')> bold",
        "<b onmouseover=alert(1)>one</b>",
        "<iframe src=javascript:alert('explanation')></iframe>",
        "<script>alert('cloze')</script>",
        "<svg onload=alert('left')>",
        "{{ 7*7 }}",
        "<script>alert('unit')</script>",
    ):
        assert shown in joined, shown
    assert page.watch.dialogs == []


# -- accessibility --------------------------------------------------------------------------


def axe_violations(page: Any) -> list[str]:
    results = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.html)}))"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['nodes'][:2]}"
        for v in results
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_serious_violation(browser: Any, snapshot_page, scheme: str) -> None:
    if not AXE.exists():
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"CI=true but {AXE} is missing (npm ci --prefix tests/js)")
        pytest.skip("axe-core is not installed: npm ci --prefix tests/js")
    path, questions = snapshot_page
    page = open_page(browser, path, color_scheme=scheme)
    page.evaluate(AXE.read_text(encoding="utf-8"))
    found = {"setup": axe_violations(page)}
    start(page)
    for q in questions:
        found[f"{q.id} asked"] = axe_violations(page)
        answer(current(page), q, q.type != "matching")
        current(page).get_by_role("button", name="Check").click()
        found[f"{q.id} checked"] = axe_violations(page)
        page.get_by_role("button", name="Next").click()
    found["score"] = axe_violations(page)
    assert {k: v for k, v in found.items() if v} == {}


# -- the page's weight ----------------------------------------------------------------------


def test_the_page_for_the_shipped_bank_is_under_300_kb(tmp_path: Path) -> None:
    path, questions = build([shipped_bank_dir()], tmp_path / "study.html")
    assert len(questions) > 100
    assert path.stat().st_size < 300_000


# -- the command line -----------------------------------------------------------------------


def run_cli(*args: str | Path) -> tuple[int, str, str]:
    from click.testing import CliRunner

    from quizgen.cli import cli

    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_quizgen_web_writes_the_page(tmp_path: Path, browser: Any) -> None:
    out = tmp_path / "study.html"
    code, stdout, stderr = run_cli(
        "web",
        SNAPSHOT_BANK,
        "-o",
        out,
        "--type",
        "cloze",
        "--type",
        "ordering",
        "--seed",
        "7",
        "--title",
        "Revision <b>week</b>",
    )
    assert code == 0, stderr
    assert re.fullmatch(rf"{re.escape(str(out))} \(2 questions, \d+ KB\)\n", stdout)
    page = open_page(browser, out)
    assert page.locator("h1").inner_text() == "Revision <b>week</b>"
    assert page.get_by_label("Seed").input_value() == "7"
    assert summary(page).startswith("2 questions")


def test_quizgen_web_with_nothing_chosen_is_an_error(tmp_path: Path) -> None:
    code, _, stderr = run_cli("web", SNAPSHOT_BANK, "-o", tmp_path / "x.html", "--tag", "nope")
    assert code == 1
    assert "--tag 'nope': no question has this tag" in stderr
    assert not (tmp_path / "x.html").exists()


def test_export_web_and_build_format_web(tmp_path: Path) -> None:
    code, stdout, stderr = run_cli("export", "web", SNAPSHOT_BANK, "-o", tmp_path / "e.html")
    assert code == 0, stderr
    assert stdout == f"{tmp_path / 'e.html'}\n"
    code, stdout, stderr = run_cli(
        "build", SNAPSHOT_BANK, "-o", tmp_path / "dist", "--format", "web", "--format", "html"
    )
    assert code == 0, stderr
    assert (tmp_path / "dist" / "snap.study.html").is_file()
    assert (tmp_path / "dist" / "snap.html").is_file()  # the printed quiz keeps its name
    assert "students: open" in stdout and "snap.study.html" in stdout
    exported = (tmp_path / "e.html").read_text(encoding="utf-8")
    built = (tmp_path / "dist" / "snap.study.html").read_text(encoding="utf-8")
    assert 'id="quizgen-data"' in exported and 'id="quizgen-data"' in built
