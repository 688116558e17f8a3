"""The project's own question bank (question_bank/*.yaml): valid, complete and traceable.

These tests read the real bank through the public loader and the real `quizgen check`
command; they fail as soon as a question loses its source, a quote stops matching its
document, or the bank falls below the counts issue 3 asks for.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
import yaml

from quizgen.bank.load import load_banks
from quizgen.bank.model import (
    DIFFICULTIES,
    QUESTION_TYPES,
    Bank,
    MultipleAnswer,
    MultipleChoice,
    Question,
    ShortAnswer,
)
from quizgen.study.grading import grade_text

REPO = Path(__file__).resolve().parent.parent
BANK_DIR = REPO / "question_bank"
SEEDS = REPO / "seeds"
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")

MIN_QUESTIONS = 100
MIN_PER_TYPE = 5
MIN_EXPLAINED = 0.90


@pytest.fixture(scope="module")
def banks() -> list[Bank]:
    return load_banks([BANK_DIR])


@pytest.fixture(scope="module")
def questions(banks: list[Bank]) -> list[tuple[Bank, Question]]:
    return [(bank, q) for bank in banks for q in bank.questions]


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
    assert json.loads(result.stdout) == []
    assert "warning" not in result.stderr and "error" not in result.stderr


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


def test_every_question_cites_a_quote_found_in_its_document() -> None:
    citations = raw_citations()
    assert len(citations) >= MIN_QUESTIONS
    missing = []
    for file, qid, document, quote in citations:
        assert "\n" not in quote.strip(), f"{file}/{qid}: quote spans lines"
        text = _documented_normalization(document.read_text(encoding="utf-8-sig"))
        if _documented_normalization(quote) not in text:
            missing.append(f"{file}/{qid}")
    assert not missing, f"quotes not found: {missing}"


def test_nothing_is_built_on_the_glued_last_line_of_the_article(
    questions: list[tuple[Bank, Question]],
) -> None:
    for bank, q in questions:
        assert q.source is not None
        assert "Leave a Comment" not in q.source.quote, f"{bank.id}/{q.id}"


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


def test_belarus_is_never_a_wrong_choice(questions: list[tuple[Bank, Question]]) -> None:
    """Belarus has been a full SCO member since 2024, whatever the blog post lists."""
    for bank, q in questions:
        if isinstance(q, MultipleChoice):
            wrong = [c for c in q.choices if c != q.answer]
        elif isinstance(q, MultipleAnswer):
            wrong = [c for c in q.choices if c not in q.answers]
        else:
            continue
        assert not any("belarus" in c.lower() for c in wrong), f"{bank.id}/{q.id}"


def _short_answer_citing(questions: list[tuple[Bank, Question]], word: str) -> list[ShortAnswer]:
    return [
        q
        for _, q in questions
        if isinstance(q, ShortAnswer) and q.source is not None and word in q.source.quote
    ]


def test_bishek_and_bishkek_are_both_accepted(questions: list[tuple[Bank, Question]]) -> None:
    asked = _short_answer_citing(questions, "Bishek")
    assert asked, "the meeting's city should be asked as a short answer"
    for q in asked:
        for spelling in ("Bishkek", "Bishek", "bishkek"):
            assert grade_text(spelling, q.answers).outcome == "right", (q.id, spelling)


def test_druzhba_and_friendship_are_both_accepted(questions: list[tuple[Bank, Question]]) -> None:
    asked = _short_answer_citing(questions, "Druzhba")
    assert asked, "the joint exercises should be asked as a short answer"
    for q in asked:
        for name in ("Druzhba", "Friendship", "Druzhba (Friendship)"):
            assert grade_text(name, q.answers).outcome == "right", (q.id, name)
