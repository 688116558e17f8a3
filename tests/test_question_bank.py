"""The project's own question bank (question_bank/*.yaml): valid, complete, traceable, and fit
to hand out whole.

These tests read the real bank through the public loader and the real `quizgen check`
command; they fail as soon as a question loses its source, a quote stops matching its
document, the bank falls below the counts issue 3 asks for, or (issue 15) a printed bank
starts to give itself away: one question's answer printed in another question, the right
answer cued by its length or by the share of True, a passage mined by three questions.
"""

from __future__ import annotations

import difflib
import json
import re
import subprocess
import sys
import unicodedata
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from quizgen.bank.load import load_banks
from quizgen.bank.model import (
    DIFFICULTIES,
    QUESTION_TYPES,
    Bank,
    Cloze,
    Matching,
    MultipleAnswer,
    MultipleChoice,
    Numeric,
    Ordering,
    Question,
    ShortAnswer,
    SourceRef,
    TrueFalse,
)
from quizgen.bank.provenance import normalize, normalized_document
from quizgen.study.grading import grade_number, grade_text
from quizgen.text import format_number

REPO = Path(__file__).resolve().parent.parent
BANK_DIR = REPO / "question_bank"
SEEDS = REPO / "seeds"
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")

MIN_QUESTIONS = 100
MIN_PER_TYPE = 5
MIN_EXPLAINED = 0.90
MAX_LONGEST_SHARE = 1 / 3
TRUE_SHARE = (0.40, 0.60)
MAX_CITING = 2
# Full members of the SCO as of November 2026 (Belarus since July 2024).
SCO_MEMBERS_TODAY = {
    "China",
    "Russia",
    "India",
    "Pakistan",
    "Iran",
    "Kazakhstan",
    "Kyrgyzstan",
    "Tajikistan",
    "Uzbekistan",
    "Belarus",
}
# Sentences that only introduce what follows and state nothing of their own.
NOT_FACT_BEARING = {"The meeting focused on several strategic areas."}
# Words too common in these banks, or in English, to give an answer away.
_GENERIC_WORDS = """a an the and or of to in on at for with by from as is are was were be been being it its
    this that these those which what who whom whose when where why how than then there their
    they them both each his her he she we our you your i not no nor only also more most less
    very much many such into over under about after before between through during until while
    would could should will may might can must has have had do does did so if but up out all
    any some other another one two three own same just yet still even ever again per via last
    few next new once against building effort efforts appear appears help helps said say says
    pakistan pakistani russia russian sco countries country both sides article post according
    meeting relations relationship leader leaders cooperation bilateral"""
GENERIC = set(_GENERIC_WORDS.split())
WORD = re.compile(r"[a-z0-9]+(?:['-][a-z0-9]+)*")


@pytest.fixture(scope="module")
def banks() -> list[Bank]:
    return load_banks([BANK_DIR])


@pytest.fixture(scope="module")
def questions(banks: list[Bank]) -> list[tuple[Bank, Question]]:
    return [(bank, q) for bank in banks for q in bank.questions]


def citations(question: Question) -> tuple[SourceRef, ...]:
    """Every passage a question cites (the loader may give one or several)."""
    cited = getattr(question, "citations", None)
    if cited:
        return tuple(cited)
    return (question.source,) if question.source is not None else ()


# --------------------------------------------------------------------------- valid and complete


@pytest.mark.slow  # a real process
def test_check_strict_is_clean() -> None:
    """`quizgen check --strict question_bank` exits 0 and reports no problem at all."""
    result = subprocess.run(
        [sys.executable, "-m", "quizgen", "check", "--strict", "--format", "json", str(BANK_DIR)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(result.stdout)["problems"] == []
    assert "warning" not in result.stderr and "error" not in result.stderr


@pytest.mark.slow  # a real process
def test_text_summary_counts_every_question(questions: list[tuple[Bank, Question]]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "quizgen", "check", "--strict", str(BANK_DIR)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    summary = result.stdout.strip().splitlines()[-1]
    assert f"{len(questions)} questions" in summary
    assert "0 errors" in summary and "0 warnings" in summary


def test_two_or_more_banks_cite_the_seed_documents(banks: list[Bank]) -> None:
    assert len(banks) >= 2
    cited: set[Path] = set()
    for bank in banks:
        assert SLUG.match(bank.id)
        assert bank.sources, f"bank {bank.id} declares no sources"
        for source in bank.sources.values():
            assert source.path.resolve().parent == SEEDS, source.path
            cited.add(source.path.resolve())
    assert cited == {p.resolve() for p in SEEDS.glob("*.txt")}


def test_counts_per_type(questions: list[tuple[Bank, Question]]) -> None:
    assert len(questions) >= MIN_QUESTIONS
    counts = Counter(q.type for _, q in questions)
    for qtype in QUESTION_TYPES:
        assert counts[qtype] >= MIN_PER_TYPE, f"only {counts[qtype]} {qtype} questions"


# The documented quote rule (docs/bank-format.md, "Quotes and sources"), written out here
# independently of quizgen.bank.provenance so that a fault there cannot hide a missing quote.
_TYPOGRAPHY = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-"})


def _documented_normalization(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).translate(_TYPOGRAPHY).split())


def raw_citations() -> list[tuple[str, str, Path, str]]:
    """(bank file, question id, document, quote) for every citation, read with plain PyYAML.

    Not through quizgen's loader: it refuses a bank whose quote is missing, so a test that
    reads the loaded banks could never see one. ``source`` may be one citation or a list.
    """
    found = []
    for path in sorted(BANK_DIR.glob("*.y*ml")):
        bank = yaml.safe_load(path.read_text(encoding="utf-8"))
        sources = bank.get("sources") or {}
        for q in bank["questions"]:
            cited = q.get("source")
            for ref in cited if isinstance(cited, list) else [cited]:
                assert isinstance(ref, dict), f"{path.name}/{q['id']} has no source"
                declared = sources[ref["doc"]]
                document = declared["path"] if isinstance(declared, dict) else declared
                found.append((path.name, q["id"], path.parent / document, ref["quote"]))
    return found


@pytest.mark.slow  # reads the whole shipped bank
def test_every_question_cites_a_quote_found_in_its_document() -> None:
    cited = raw_citations()
    assert len(cited) >= MIN_QUESTIONS
    missing = []
    for file, qid, document, quote in cited:
        assert "\n" not in quote.strip(), f"{file}/{qid}: quote spans lines"
        text = _documented_normalization(document.read_text(encoding="utf-8-sig"))
        if _documented_normalization(quote) not in text:
            missing.append(f"{file}/{qid}")
    assert not missing, f"quotes not found: {missing}"


def test_nothing_is_built_on_the_glued_last_line_of_the_article(
    questions: list[tuple[Bank, Question]],
) -> None:
    for bank, q in questions:
        for ref in citations(q):
            assert "Leave a Comment" not in ref.quote, f"{bank.id}/{q.id}"


def test_explanations(questions: list[tuple[Bank, Question]]) -> None:
    explained = [q for _, q in questions if q.explanation and q.explanation.strip()]
    assert len(explained) / len(questions) >= MIN_EXPLAINED


def test_every_question_has_topic_tags_and_difficulty(
    questions: list[tuple[Bank, Question]],
) -> None:
    for bank, q in questions:
        where = f"{bank.id}/{q.id}"
        assert q.topic and q.topic.strip(), where
        assert q.tags, where
        assert all(SLUG.match(tag) for tag in q.tags), where
        assert q.difficulty in DIFFICULTIES, where


# --------------------------------------------------------------------------- passages


def _passages(path: Path) -> list[tuple[int, int, str]]:
    """(start, end, text) of each fact-bearing sentence or list item, in the normalized document.

    Headings (short lines without a full stop) and lead-ins ending in a colon are left out;
    so is the page furniture ("Updated on", "Leave a Comment").
    """
    document = normalized_document(path)
    found: list[tuple[int, int, str]] = []
    position = 0
    for raw in path.read_text(encoding="utf-8-sig").splitlines():
        line = normalize(raw)
        if not line or line in ("Updated on", "Leave a Comment"):
            continue
        at = document.find(line, position)
        assert at >= 0, line
        position = at + len(line)
        if line.startswith("- "):
            found.append((at + 2, at + len(line), line[2:]))
            continue
        if not re.search(r"[.!]$", line) and len(line.split()) < 12:
            continue  # a heading or a question used as one
        offset = at
        for sentence in re.split(r"(?<=[.;?!])\s+(?=[A-Z])", line):
            start = document.find(sentence, offset)
            offset = start + len(sentence)
            if sentence.endswith(":"):
                continue  # a lead-in to a list: the list items carry the facts
            if sentence not in NOT_FACT_BEARING:
                found.append((start, offset, sentence))
    return found


def _citing(banks: list[Bank]) -> dict[Path, dict[tuple[int, int, str], set[str]]]:
    """For each document, which questions (bank/id) cite each of its passages."""
    result: dict[Path, dict[tuple[int, int, str], set[str]]] = {}
    for bank in banks:
        for source in bank.sources.values():
            path = source.path.resolve()
            result.setdefault(path, {p: set() for p in _passages(path)})
    for bank in banks:
        for q in bank.questions:
            for ref in citations(q):
                path = bank.sources[ref.doc].path.resolve()
                quote = normalize(ref.quote)
                start = normalized_document(path).find(quote)
                for passage, who in result[path].items():
                    if passage[0] < start + len(quote) and start < passage[1]:
                        who.add(f"{bank.id}/{q.id}")
    return result


def test_every_fact_bearing_passage_is_cited(banks: list[Bank]) -> None:
    for path, passages in _citing(banks).items():
        uncited = [text for (_, _, text), who in passages.items() if not who]
        assert not uncited, f"{path.name}: no question cites {uncited}"


def test_no_passage_is_cited_by_more_than_two_questions(banks: list[Bank]) -> None:
    for path, passages in _citing(banks).items():
        mined = {
            text: sorted(who) for (_, _, text), who in passages.items() if len(who) > MAX_CITING
        }
        assert not mined, f"{path.name}: over-mined passages {mined}"


def test_at_most_one_structure_question_per_document(banks: list[Bank]) -> None:
    per_document: Counter[Path] = Counter()
    for bank in banks:
        for q in bank.questions:
            if "structure" in q.tags:
                assert q.points == 1, f"{q.id}: a structure question is worth one point"
                for path in {bank.sources[ref.doc].path.resolve() for ref in citations(q)}:
                    per_document[path] += 1
    assert per_document and max(per_document.values()) == 1, per_document


def test_a_bank_compares_the_two_documents(banks: list[Bank]) -> None:
    """Comparison questions (tag `compare`) sit in a bank that cites both documents."""
    seeds = {p.resolve() for p in SEEDS.glob("*.txt")}
    comparing = [bank for bank in banks if any("compare" in q.tags for q in bank.questions)]
    assert comparing
    for bank in comparing:
        assert {s.path.resolve() for s in bank.sources.values()} == seeds, bank.id
        compare = [q for q in bank.questions if "compare" in q.tags]
        both = [q.id for q in compare if len({ref.doc for ref in citations(q)}) == 2]
        assert len(both) >= 5, f"only {both} cite passages of both documents"


# --------------------------------------------------------------------------- no cues


def _multiple_choice(bank: Bank) -> list[MultipleChoice]:
    return [q for q in bank.questions if isinstance(q, MultipleChoice)]


@pytest.mark.parametrize("scope", ["each bank", "all banks"])
def test_the_right_answer_is_the_longest_choice_in_at_most_a_third(
    banks: list[Bank], scope: str
) -> None:
    groups = [_multiple_choice(b) for b in banks]
    if scope == "all banks":
        groups = [[q for group in groups for q in group]]
    for group in groups:
        longest = [q.id for q in group if len(q.answer) >= max(len(c) for c in q.choices)]
        assert group and len(longest) / len(group) <= MAX_LONGEST_SHARE, longest


def test_the_right_answer_is_not_mostly_the_shortest_choice(banks: list[Bank]) -> None:
    group = [q for b in banks for q in _multiple_choice(b)]
    shortest = [q.id for q in group if len(q.answer) <= min(len(c) for c in q.choices)]
    assert len(shortest) / len(group) <= MAX_LONGEST_SHARE, shortest


@pytest.mark.parametrize("scope", ["each bank", "all banks"])
def test_true_is_between_40_and_60_percent_of_true_false_answers(
    banks: list[Bank], scope: str
) -> None:
    groups = [[q for q in b.questions if isinstance(q, TrueFalse)] for b in banks]
    if scope == "all banks":
        groups = [[q for group in groups for q in group]]
    for group in groups:
        share = sum(q.answer for q in group) / len(group)
        assert TRUE_SHARE[0] <= share <= TRUE_SHARE[1], f"True in {share:.0%} of {len(group)}"


def test_no_catch_all_choices_and_negatives_are_bold(
    questions: list[tuple[Bank, Question]],
) -> None:
    for bank, q in questions:
        where = f"{bank.id}/{q.id}"
        if isinstance(q, MultipleChoice | MultipleAnswer):
            for choice in q.choices:
                assert not re.search(r"\b(all|none) of the above\b", choice, re.I), where
        if q.prompt and re.search(r"\bnot\b", q.prompt, re.I):
            assert "**NOT**" in q.prompt, f"{where}: a negative stem must bold **NOT**"


def test_choices_are_shuffled_and_none_contains_another(
    questions: list[tuple[Bank, Question]],
) -> None:
    """Without a natural order, choices are shuffled; no choice is a part of another."""
    for bank, q in questions:
        if not isinstance(q, MultipleChoice | MultipleAnswer):
            continue
        assert q.shuffle, f"{bank.id}/{q.id}: shuffle: false"
        lowered = [c.lower() for c in q.choices]
        for a in lowered:
            for b in lowered:
                assert a == b or not re.search(rf"\b{re.escape(a)}\b", b), (q.id, a, b)


@pytest.mark.slow  # reads the whole shipped bank
def test_no_two_prompts_are_near_duplicates(banks: list[Bank]) -> None:
    for bank in banks:
        texts = [
            (q.id, normalize(f"{q.prompt or ''} {q.text if isinstance(q, Cloze) else ''}").lower())
            for q in bank.questions
        ]
        for i, (a, ta) in enumerate(texts):
            for b, tb in texts[i + 1 :]:
                ratio = difflib.SequenceMatcher(None, ta, tb).ratio()
                assert ratio <= 0.75, f"{a} and {b} read alike ({ratio:.2f})"


# --------------------------------------------------------------------------- no leaks


def _words(text: str) -> list[str]:
    return WORD.findall(normalize(text).lower())


def _stem(word: str) -> str:
    word = word.removesuffix("'s")
    for suffix in ("ies", "es", "s"):
        if len(word) > 4 and word.endswith(suffix) and not word.endswith("ss"):
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def _content(text: str) -> set[str]:
    stems = (_stem(w) for w in _words(text) if len(w) > 2 or w.isdigit())
    return {s for s in stems if s not in GENERIC}


def _answers(q: Question) -> list[str]:
    if isinstance(q, MultipleChoice):
        return [q.answer]
    if isinstance(q, MultipleAnswer):
        return list(q.answers)
    if isinstance(q, ShortAnswer):
        return [q.answers[0]]
    if isinstance(q, Numeric):
        return [format_number(q.answer)]
    if isinstance(q, Cloze):
        return [d.answer for d in q.deletions]
    return []  # true/false, matching and ordering print all their text


def _printed(q: Question) -> Iterator[str]:
    """The text a printed quiz shows for a question, without its answer."""
    if q.prompt:
        yield q.prompt
    if isinstance(q, MultipleChoice | MultipleAnswer):
        yield from q.choices
    if isinstance(q, Matching):
        for left, right in q.pairs:
            yield left
            yield right
    if isinstance(q, Ordering):
        yield from q.items
    if isinstance(q, Numeric) and q.unit:
        yield q.unit
    if isinstance(q, Cloze):
        text = q.text
        for deletion in sorted(q.deletions, key=lambda d: -d.start):
            text = text[: deletion.start] + " ___ " + text[deletion.end :]
            if deletion.hint:
                yield deletion.hint
        yield text


@pytest.mark.slow  # reads the whole shipped bank
def test_no_answer_is_printed_anywhere_else_in_its_bank(banks: list[Bank]) -> None:
    """A distinctive word of one question's answer appears in no other question's printed
    text, nor in the bank's title, description or topic names.

    A word is distinctive when the bank's documents use it at most twice (a number always
    is); words every question of these banks uses (Pakistan, Russia, SCO...) are not.
    """
    leaks = []
    for bank in banks:
        used: Counter[str] = Counter()
        for source in bank.sources.values():
            used.update(_stem(w) for w in _words(source.path.read_text(encoding="utf-8-sig")))
        heading = [bank.title, bank.description or "", *{q.topic or "" for q in bank.questions}]
        for q in bank.questions:
            for answer in _answers(q):
                distinctive = {w for w in _content(answer) if w.isdigit() or used[w] <= 2}
                phrase = " ".join(_stem(w) for w in _words(answer))
                elsewhere = [t for o in bank.questions if o is not q for t in _printed(o)]
                for text in elsewhere + heading:
                    stems = " ".join(_stem(w) for w in _words(text))
                    whole = phrase and re.search(rf"\b{re.escape(phrase)}\b", stems)
                    if distinctive & _content(text) or (whole and distinctive):
                        leaks.append(f"{bank.id}/{q.id} answer {answer!r} in {text!r}")
    assert not leaks, "\n".join(leaks)


def test_the_blog_post_bank_says_its_meeting_has_no_date_place_or_participants(
    banks: list[Bank],
) -> None:
    blog = [b for b in banks if any("004_" in s.path.name for s in b.sources.values())]
    assert blog
    for bank in blog:
        assert bank.description and "no date, place or participants" in bank.description
        assert "Shanghai" not in bank.title


# --------------------------------------------------------------------------- facts and grading


def test_members_of_the_sco_today_are_never_wrong_choices(
    questions: list[tuple[Bank, Question]],
) -> None:
    """Whatever the blog post lists, a full member of today (Belarus since 2024) is never
    offered as a wrong answer."""
    for bank, q in questions:
        if isinstance(q, MultipleChoice):
            wrong = [c for c in q.choices if c != q.answer]
        elif isinstance(q, MultipleAnswer):
            wrong = [c for c in q.choices if c not in q.answers]
        else:
            continue
        assert not SCO_MEMBERS_TODAY & set(wrong), f"{bank.id}/{q.id}"


def test_facts_about_membership_today_are_marked_as_outside_the_documents(
    questions: list[tuple[Bank, Question]],
) -> None:
    for bank, q in questions:
        if q.explanation and "Belarus" in q.explanation:
            assert "Outside the" in q.explanation, f"{bank.id}/{q.id}"


def test_numeric_units_read_as_english_after_a_number(
    questions: list[tuple[Bank, Question]],
) -> None:
    """No "21 century", "14 day of June" or "2025 year": a unit is a unit, or there is none."""
    for bank, q in questions:
        if isinstance(q, Numeric) and q.unit:
            assert not re.match(r"(century|year|day|month)\b", q.unit), f"{bank.id}/{q.id}"
            if q.unit.endswith("s"):
                assert q.answer != 1, f"{bank.id}/{q.id}: 1 {q.unit}"


def test_nearly_ten_billion_does_not_accept_the_weapons_figure(
    questions: list[tuple[Bank, Question]],
) -> None:
    asked = [
        q
        for _, q in questions
        if isinstance(q, Numeric)
        and any("nearly $10 billion" in r.quote for r in citations(q))
        and q.answer == 10
    ]
    assert asked, "the pipeline's cost should be asked as a number"
    for q in asked:
        assert grade_number("10", q).is_right and grade_number("9.6", q).is_right
        assert not grade_number("9", q).is_right, "9 is the weapons figure"
        assert not grade_number("11", q).is_right, "11 is more than nearly 10"


def _short_answer_citing(questions: list[tuple[Bank, Question]], word: str) -> list[ShortAnswer]:
    return [
        q
        for _, q in questions
        if isinstance(q, ShortAnswer) and any(word in r.quote for r in citations(q))
    ]


def test_the_articles_bishek_is_a_typo_of_bishkek(questions: list[tuple[Bank, Question]]) -> None:
    """The answer is the real city; the article's spelling is forgiven and corrected."""
    asked = _short_answer_citing(questions, "Bishek")
    assert asked, "the meeting's city should be asked as a short answer"
    for q in asked:
        assert q.answers[0] == "Bishkek"
        assert "Bishek" not in q.answers
        assert grade_text("bishkek", q.answers).outcome == "right"
        verdict = grade_text("Bishek", q.answers)
        assert verdict.outcome == "typo" and verdict.spelling == "Bishkek", verdict


def test_druzhba_and_friendship_are_both_accepted(questions: list[tuple[Bank, Question]]) -> None:
    asked = _short_answer_citing(questions, "Druzhba")
    assert asked, "the joint exercises should be asked as a short answer"
    for q in asked:
        for name in ("Druzhba", "Friendship", "Druzhba (Friendship)"):
            assert grade_text(name, q.answers).outcome == "right", (q.id, name)


def test_every_document_keeps_its_claims_attributed(questions: list[tuple[Bank, Question]]) -> None:
    """Figures and words another source or the article itself vouches for are asked as such."""
    for bank, q in questions:
        quotes = " ".join(r.quote for r in citations(q))
        if "Global Research" in quotes or "is allies with" in quotes:
            text = f"{q.prompt or ''} {q.explanation or ''}"
            assert re.search(r"article|estimate|claim|source", text, re.I), f"{bank.id}/{q.id}"


def test_quizzes_per_topic_keep_at_least_two_questions(banks: list[Bank]) -> None:
    """A topic printed on its own is a quiz, not a single question."""
    for bank in banks:
        counts = Counter(q.topic for q in bank.questions)
        assert min(counts.values()) >= 2, counts
