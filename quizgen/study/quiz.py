"""The terminal quiz: one front end of a :class:`~.session.QuizSession`.

The session never ends in a traceback: the end of input (Ctrl-D, or the end of a
pipe) stops it with the summary so far (exit 0), Ctrl-C with the summary so far
(exit 130).
"""

from __future__ import annotations

from collections.abc import Sequence

from ..bank.model import Cloze, Question
from ..questions import default_title, part_credit
from ..text import format_number, to_plain
from .scheduling import Claim
from .session import Answer, Card, Clock, QuizSession, utc_now
from .terminal import OVERRIDE_KEY, EndOfInput, Terminal, percent, plural, safe


def ask_card(terminal: Terminal, session: QuizSession, card: Card) -> Answer:
    """Ask one card and show the feedback. On a terminal, after a wrong answer offer
    "I was right"; after a right one wait for Enter (other keys are ignored)."""
    question = card.question
    terminal.show_question(question, card.layout, session.number, session.total)
    verdict = session.submit(terminal.ask(question, card.layout))
    terminal.show_verdict(verdict, question=question)
    terminal.show_explanation(question, card.bank)
    claim: Claim | None = None
    if terminal.interactive and verdict.is_right:
        # A pause, so that a key pressed by reflex never lands in the next answer box.
        terminal.read_key(terminal.style("Enter: next", "dim"), "", only=True)
    elif terminal.interactive:
        key = terminal.read_key(
            terminal.style(
                f"Press {OVERRIDE_KEY} if you were right, any other key to go on", "dim"
            ),
            OVERRIDE_KEY,
        )
        if key == OVERRIDE_KEY:
            claim = "was_right"
            terminal.show_verdict(verdict, overridden=True)
    return session.rate(claim)


def run_quiz(
    terminal: Terminal,
    cards: Sequence[Card],
    *,
    retry_wrong: bool = False,
    clock: Clock = utc_now,
) -> QuizSession:
    """Ask every card, then (with ``retry_wrong``) the missed ones until each is right,
    and print the summary. Returns the session; its ``exit_code`` is 0 or 130."""
    session = QuizSession(cards, retry_wrong=retry_wrong, clock=clock)
    titles = safe(default_title([card.bank.title for card in cards]))
    heading = f"Quiz: {titles} ({plural(len(cards), 'question')})"
    terminal.write(terminal.style(terminal.fill(heading), "bold"))
    if terminal.interactive:
        terminal.write(terminal.style("Ctrl-D stops with the summary so far.", "dim"))
    try:
        while (card := session.next()) is not None:
            if session.round and session.number == 1:
                terminal.write()
                missed = plural(session.total, "missed question")
                terminal.write(terminal.style(f"Retry round {session.round}: {missed}", "bold"))
            ask_card(terminal, session, card)
    except EndOfInput:
        session.stop("eof")
    except KeyboardInterrupt:
        session.stop("interrupt")
        terminal.write()
    show_summary(terminal, session)
    return session


def short_prompt(question: Question, limit: int = 70) -> str:
    """The first line of a question's prompt (or cloze text), plain and shortened."""
    text = question.prompt or ""
    if isinstance(question, Cloze) and not text:
        text = question.render("____")
    line = " ".join(to_plain(text).split())
    return safe(line if len(line) <= limit else line[: limit - 1].rstrip() + "…")


def summary_lines(terminal: Terminal, result: QuizSession) -> list[str]:
    """The end-of-quiz summary: score, a line per topic, the questions missed."""
    lines = ["", terminal.style("Summary", "bold")]
    answered = len(result.answers)
    if result.stopped and not answered:
        lines.append("Stopped before the first answer.")
        return lines
    if result.stopped and answered < result.planned:
        lines.append(f"Stopped after {answered} of {plural(result.planned, 'question')}.")
    by_points = scored_by_points(result.answers)
    if by_points:
        questions = f"{result.right} of {plural(answered, 'question')} right"
        score = f"Score: {points_score(result.answers)} · {questions}"
    else:
        score = f"Score: {result.right}/{answered} ({percent(result.right, answered)})"
    lines.append(terminal.style(score, "bold"))

    topics: dict[str, list[Answer]] = {}
    for answer in result.answers:
        topics.setdefault(answer.card.question.topic or "(no topic)", []).append(answer)
    if len(topics) > 1 or (topics and "(no topic)" not in topics):
        width = min(max(len(t) for t in topics), 40)
        for topic, answers in topics.items():
            right = sum(1 for a in answers if a.counted_right)
            name = safe(topic if len(topic) <= 40 else topic[:39] + "…")
            if by_points:
                earned, possible = _points(answers)
                score = f"{points_text(earned)}/{points_text(possible)}"
                share = percent(earned, possible)
            else:
                score, share = f"{right}/{len(answers)}", percent(right, len(answers))
            lines.append(f"  {name:<{width}}  {score:>5}  {share:>4}")

    missed = result.missed
    if missed:
        lines.append(f"Missed ({len(missed)}):")
        for answer in missed:
            q = answer.card.question
            room = max(30, (terminal.width or 80) - len(q.id) - 6)
            lines.append(f"  {terminal.style('✗', 'red')} {safe(q.id)}: {short_prompt(q, room)}")
    overruled = [a for a in result.answers if a.overridden]
    if overruled:
        lines.append(f'Counted right because you said "I was right" ({len(overruled)}):')
        for answer in overruled:
            q = answer.card.question
            room = max(30, (terminal.width or 80) - len(q.id) - 6)
            lines.append(f"  {terminal.style('✓', 'yellow')} {safe(q.id)}: {short_prompt(q, room)}")
    if result.round:
        fixed = {id(a.card) for a in result.retries if a.counted_right}
        if result.stopped:
            lines.append(
                f"Retries: {len(fixed)} of {len(missed)} missed answered right "
                f"in {plural(result.round, 'round')} before stopping."
            )
        else:
            lines.append(
                f"Retries: every missed question answered right after "
                f"{plural(result.round, 'round')}."
            )
    return lines


def scored_by_points(answers: Sequence[Answer]) -> bool:
    """Whether a score counts points rather than questions: some question is worth other
    than one point, or gives part credit."""
    return any(
        a.card.question.points != 1 or part_credit(a.card.question) is not None for a in answers
    )


def points_text(value: float) -> str:
    """Points as printed: ``7.5``, ``3.33``."""
    return format_number(round(value, 2))


def _points(answers: Sequence[Answer]) -> tuple[float, float]:
    return sum(a.points for a in answers), sum(a.card.question.points for a in answers)


def points_score(answers: Sequence[Answer]) -> str:
    """``7.5/10 points (75%)``: points earned (part credit included) of those possible."""
    earned, possible = _points(answers)
    return f"{points_text(earned)}/{points_text(possible)} points ({percent(earned, possible)})"


def show_summary(terminal: Terminal, result: QuizSession) -> None:
    """Print :func:`summary_lines`."""
    for line in summary_lines(terminal, result):
        terminal.write(line)
