"""A quiz session: choose and order the questions, ask each, give feedback, sum up.

The session never ends in a traceback: the end of input (Ctrl-D, or the end of a
pipe) stops it with the summary so far (exit 0), Ctrl-C with the summary so far
(exit 130).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from ..bank.model import Bank, Cloze, Question
from ..bank.select import Criteria, select
from ..text import to_plain
from .grading import Layout, grade, make_layout
from .terminal import EndOfInput, Terminal, percent, plural, safe
from .verdict import Verdict

EXIT_OK = 0
EXIT_INTERRUPTED = 130
OVERRIDE_KEY = "r"

Stop = Literal["eof", "interrupt"]


@dataclass(frozen=True)
class QuizItem:
    """One question to ask, with its bank and the order its choices are shown in."""

    question: Question
    bank: Bank
    layout: Layout


@dataclass
class Answer:
    """What the student answered and how it was graded."""

    item: QuizItem
    verdict: Verdict
    overridden: bool = False

    @property
    def counted_right(self) -> bool:
        return self.verdict.is_right or self.overridden


@dataclass
class QuizResult:
    """The outcome of a session: the first attempt at each question, then any retries."""

    planned: int
    answers: list[Answer] = field(default_factory=list)
    retries: list[Answer] = field(default_factory=list)
    retry_rounds: int = 0
    stopped: Stop | None = None

    @property
    def right(self) -> int:
        return sum(1 for a in self.answers if a.counted_right)

    @property
    def missed(self) -> list[Answer]:
        return [a for a in self.answers if not a.counted_right]

    @property
    def exit_code(self) -> int:
        return EXIT_INTERRUPTED if self.stopped == "interrupt" else EXIT_OK


def plan_quiz(
    banks: Sequence[Bank],
    criteria: Criteria | None = None,
    *,
    count: int | None = None,
    seed: object | None = None,
    shuffle: bool = True,
) -> list[QuizItem]:
    """The questions to ask, in order, with their layouts.

    Without ``shuffle`` the bank order of questions and choices is kept. With it,
    both are shuffled, reproducibly when ``seed`` is given.
    """
    if shuffle and seed is None:
        seed = random.SystemRandom().randrange(1 << 32)
    bank_of = {id(q): bank for bank in banks for q in bank.questions}
    chosen = select(list(banks), criteria, count=count, seed=seed, shuffle=shuffle)
    layout_seed = seed if shuffle else None
    return [QuizItem(q, bank_of[id(q)], make_layout(q, layout_seed)) for q in chosen]


def ask_question(terminal: Terminal, item: QuizItem, number: int, total: int) -> Answer:
    """Ask one question and show the feedback; on a terminal offer "I was right"."""
    question = item.question
    terminal.show_question(question, item.layout, number, total)
    responses = terminal.ask(question, item.layout)
    answer = Answer(item, grade(question, responses, item.layout))
    terminal.show_verdict(answer.verdict)
    terminal.show_explanation(question, item.bank)
    if terminal.interactive and not answer.verdict.is_right:
        key = terminal.read_key(
            terminal.style(
                f"Press {OVERRIDE_KEY} if you were right, any other key to go on", "dim"
            ),
            OVERRIDE_KEY,
        )
        if key == OVERRIDE_KEY:
            answer.overridden = True
            terminal.show_verdict(answer.verdict, overridden=True)
    return answer


def run_quiz(
    terminal: Terminal, items: Sequence[QuizItem], *, retry_wrong: bool = False
) -> QuizResult:
    """Ask every item, then (with ``retry_wrong``) the missed ones until each is right,
    and print the summary. Returns the result; its ``exit_code`` is 0 or 130."""
    result = QuizResult(planned=len(items))
    titles = "; ".join(dict.fromkeys(safe(item.bank.title) for item in items))
    heading = f"Quiz: {titles} ({plural(len(items), 'question')})"
    terminal.write(terminal.style(terminal.fill(heading), "bold"))
    if terminal.interactive:
        terminal.write(terminal.style("Ctrl-D stops with the summary so far.", "dim"))
    try:
        for number, item in enumerate(items, start=1):
            result.answers.append(ask_question(terminal, item, number, len(items)))
        if retry_wrong:
            pending = [a.item for a in result.missed]
            while pending:
                result.retry_rounds += 1
                terminal.write()
                terminal.write(
                    terminal.style(
                        f"Retry round {result.retry_rounds}: {plural(len(pending), 'missed question')}",
                        "bold",
                    )
                )
                still: list[QuizItem] = []
                for number, item in enumerate(pending, start=1):
                    answer = ask_question(terminal, item, number, len(pending))
                    result.retries.append(answer)
                    if not answer.counted_right:
                        still.append(item)
                pending = still
    except EndOfInput:
        result.stopped = "eof"
    except KeyboardInterrupt:
        result.stopped = "interrupt"
        terminal.write()
    show_summary(terminal, result)
    return result


def short_prompt(question: Question, limit: int = 70) -> str:
    """The first line of a question's prompt (or cloze text), plain and shortened."""
    text = question.prompt or ""
    if isinstance(question, Cloze) and not text:
        text = question.render("____")
    line = " ".join(to_plain(text).split())
    return safe(line if len(line) <= limit else line[: limit - 1].rstrip() + "…")


def summary_lines(terminal: Terminal, result: QuizResult) -> list[str]:
    """The end-of-quiz summary: score, a line per topic, the questions missed."""
    lines = ["", terminal.style("Summary", "bold")]
    answered = len(result.answers)
    if result.stopped and answered < result.planned:
        lines.append(f"Stopped after {answered} of {plural(result.planned, 'question')}.")
    score = f"Score: {result.right}/{answered} ({percent(result.right, answered)})"
    lines.append(terminal.style(score, "bold"))

    topics: dict[str, list[Answer]] = {}
    for answer in result.answers:
        topics.setdefault(answer.item.question.topic or "(no topic)", []).append(answer)
    if len(topics) > 1 or (topics and "(no topic)" not in topics):
        width = min(max(len(t) for t in topics), 40)
        for topic, answers in topics.items():
            right = sum(1 for a in answers if a.counted_right)
            name = safe(topic if len(topic) <= 40 else topic[:39] + "…")
            score = f"{right}/{len(answers)}"
            lines.append(f"  {name:<{width}}  {score:>5}  {percent(right, len(answers)):>4}")

    missed = result.missed
    if missed:
        lines.append(f"Missed ({len(missed)}):")
        for answer in missed:
            q = answer.item.question
            room = max(30, (terminal.width or 80) - len(q.id) - 6)
            lines.append(f"  {terminal.style('✗', 'red')} {safe(q.id)}: {short_prompt(q, room)}")
    overruled = [a for a in result.answers if a.overridden]
    if overruled:
        lines.append(f'Counted right because you said "I was right" ({len(overruled)}):')
        for answer in overruled:
            q = answer.item.question
            room = max(30, (terminal.width or 80) - len(q.id) - 6)
            lines.append(f"  {terminal.style('✓', 'yellow')} {safe(q.id)}: {short_prompt(q, room)}")
    if result.retry_rounds:
        fixed = {id(a.item) for a in result.retries if a.counted_right}
        if result.stopped:
            lines.append(
                f"Retries: {len(fixed)} of {len(missed)} missed answered right "
                f"in {plural(result.retry_rounds, 'round')} before stopping."
            )
        else:
            lines.append(
                f"Retries: every missed question answered right after "
                f"{plural(result.retry_rounds, 'round')}."
            )
    return lines


def show_summary(terminal: Terminal, result: QuizResult) -> None:
    for line in summary_lines(terminal, result):
        terminal.write(line)
