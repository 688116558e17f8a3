"""Source coverage: passages, which questions cite them, the summary and the HTML page."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from quiz_pages import chromium, open_page

from quizgen.authoring.coverage import coverage, summary_lines
from quizgen.authoring.coverage_page import render_coverage, write_coverage
from quizgen.authoring.passages import split_passages
from quizgen.bank.load import load_banks
from quizgen.resources import shipped_bank_dir

LESSON = """\
The Water Cycle

Water evaporates from the oceans when the Sun heats them.
Water vapour cools and condenses into clouds. Rain falls
when the droplets grow heavy.
Key stages include:
- evaporation from the sea
- condensation into clouds
- precipitation as rain or snow
Why does it matter?
Rivers carry the water back to the sea.
"""

BANK = """\
id: water
title: The water cycle
sources:
  lesson: lesson.txt
questions:
  - id: what-heats
    type: short_answer
    prompt: What heats the oceans so that water evaporates? <script>alert(1)</script>
    answer: the Sun
    source: {doc: lesson, quote: "Water evaporates from the oceans when the Sun heats them."}
  - id: clouds
    type: true_false
    prompt: Water vapour condenses into clouds.
    answer: true
    source: {doc: lesson, quote: "condenses into clouds"}
  - id: clouds-2
    type: short_answer
    prompt: What does water vapour condense into?
    answer: clouds
    source: {doc: lesson, quote: "cools and condenses"}
  - id: clouds-3
    type: multiple_choice
    prompt: Where does vapour go?
    choices: [Into clouds, Into rocks]
    answer: Into clouds
    source:
      - {doc: lesson, quote: "Water vapour cools"}
      - {doc: lesson, quote: "precipitation as rain"}
  - id: stages
    type: ordering
    prompt: Order the stages.
    items: [evaporation, condensation, precipitation]
    source: {doc: lesson, quote: "Rain falls when the droplets grow heavy. Key stages"}
"""


@pytest.fixture
def lesson_bank(tmp_path: Path) -> Path:
    (tmp_path / "lesson.txt").write_text(LESSON, encoding="utf-8")
    bank = tmp_path / "water.yaml"
    bank.write_text(BANK, encoding="utf-8")
    return bank


def test_passages_are_sentences_items_and_headings() -> None:
    passages = split_passages(LESSON)
    kinds = [(p.kind, p.text, p.line, p.fact_bearing) for p in passages]
    assert kinds == [
        ("heading", "The Water Cycle", 1, False),
        ("sentence", "Water evaporates from the oceans when the Sun heats them.", 3, True),
        ("sentence", "Water vapour cools and condenses into clouds.", 4, True),
        # a hard-wrapped line that starts in lower case continues the sentence
        ("sentence", "Rain falls when the droplets grow heavy.", 4, True),
        ("sentence", "Key stages include:", 6, False),  # a lead-in
        ("item", "evaporation from the sea", 7, True),
        ("item", "condensation into clouds", 8, True),
        ("item", "precipitation as rain or snow", 9, True),
        ("sentence", "Why does it matter?", 10, False),  # a question states no fact
        ("sentence", "Rivers carry the water back to the sea.", 11, True),
    ]


def test_a_list_item_of_stop_words_is_not_fact_bearing() -> None:
    (item,) = split_passages("- all of the above\n")
    assert item.kind == "item" and item.content_words == 0 and not item.fact_bearing


def test_cited_passages_and_their_questions(lesson_bank: Path) -> None:
    report = coverage(load_banks([lesson_bank]))
    (doc,) = report.documents
    by_text = {p.passage.text: p for p in doc.passages}
    assert by_text["Water evaporates from the oceans when the Sun heats them."].cited_by == (
        "water/what-heats",
    )
    vapour = by_text["Water vapour cools and condenses into clouds."]
    assert vapour.cited_by == ("water/clouds", "water/clouds-2", "water/clouds-3")
    assert vapour.overmined
    # the quoted words are marked inside the passage, overlapping quotes merged
    assert [vapour.passage.text[lo:hi] for lo, hi in vapour.marks] == [
        "Water vapour cools and condenses into clouds"
    ]
    # a quote across two passages covers both; a second citation counts too
    assert by_text["Rain falls when the droplets grow heavy."].cited_by == ("water/stages",)
    assert by_text["Key stages include:"].cited_by == ("water/stages",)
    assert by_text["precipitation as rain or snow"].cited_by == ("water/clouds-3",)
    assert [p.text for p in doc.uncited] == [
        "evaporation from the sea",
        "condensation into clouds",
        "Rivers carry the water back to the sea.",
    ]
    assert (doc.covered, doc.fact_bearing) == (4, 7)


def test_summary_names_uncited_and_overmined_passages(lesson_bank: Path) -> None:
    report = coverage(load_banks([lesson_bank]))
    lines = summary_lines(report, width=100, root=lesson_bank.parent)
    assert lines[0] == "lesson.txt: lesson [lesson]"
    assert lines[1] == "  4 of 7 fact-bearing passages cited (57%); 3 uncited, 1 over-mined"
    assert "  uncited    lesson.txt:7: evaporation from the sea" in lines
    assert "  uncited    lesson.txt:11: Rivers carry the water back to the sea." in lines
    assert "  over-mined lesson.txt:4: Water vapour cools and condenses into clouds." in lines
    assert "             cited by 3 questions: clouds, clouds-2, clouds-3" in lines
    assert lines[-1] == "coverage: 4 of 7 fact-bearing passages cited (57%) in 1 document"


def test_a_misquote_is_listed_as_not_found(tmp_path: Path, write_bank: Callable[..., Path]) -> None:
    from quizgen.bank.check import check_paths

    (tmp_path / "lesson.txt").write_text(LESSON, encoding="utf-8")
    bank = write_bank(BANK.replace("cools and condenses", "cools and condensed"), "w.yaml")
    report = check_paths([bank])
    assert report.errors  # check says so; coverage still shows what it can
    (doc,) = coverage(report.banks).documents
    assert [c.question for c in doc.not_found] == ["clouds-2"]
    assert any(
        "not found" in line and "clouds-2" in line for line in summary_lines(coverage(report.banks))
    )


def test_shipped_bank_covers_its_documents() -> None:
    report = coverage(load_banks([shipped_bank_dir()]))
    assert len(report.documents) == 2
    for doc in report.documents:
        assert doc.fact_bearing > 0
        assert not doc.not_found  # the shipped bank's quotes are all found
        cited = {key for p in doc.passages for key in p.cited_by}
        citing = {c.key for c in doc.citations}
        assert cited == citing  # every found quote covers at least one passage


def test_page_escapes_bank_and_document_text(tmp_path: Path, lesson_bank: Path) -> None:
    (tmp_path / "lesson.txt").write_text(LESSON + "<img src=x onerror=alert(2)> is text.\n")
    page = render_coverage(coverage(load_banks([lesson_bank])))
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x" not in page


def test_page_in_chromium_highlights_and_links(
    tmp_path: Path, lesson_bank: Path, chromium_path: str
) -> None:
    out = write_coverage(coverage(load_banks([lesson_bank])), tmp_path / "out" / "coverage.html")
    with chromium(chromium_path) as browser:
        page, watch = open_page(browser, out)  # type: ignore[arg-type]
        cited = page.locator(".passage.cited", has_text="Water evaporates from the oceans")
        assert cited.count() == 1
        green = cited.evaluate("e => getComputedStyle(e).backgroundColor")
        uncited = page.locator(".passage.uncited", has_text="Rivers carry the water")
        red = uncited.evaluate("e => getComputedStyle(e).backgroundColor")
        plain = page.locator(".passage", has_text="The Water Cycle").evaluate(
            "e => getComputedStyle(e).backgroundColor"
        )
        assert len({green, red, plain}) == 3  # three looks, none the same
        assert page.locator("main .passage.uncited").count() == 3
        # the over-mined passage is marked, and its quoted words are <mark>ed
        over = page.locator("main .passage.overmined")
        assert over.count() == 1
        assert over.locator("mark").inner_text() == "Water vapour cools and condenses into clouds"
        assert page.locator(".flag").first.inner_text() == "over-mined"
        # a passage's link leads to its question, and the question's link back to the passage
        page.locator("a.cite", has_text="what-heats").click()
        target = page.locator("li:target")
        assert target.locator("strong").inner_text() == "what-heats"
        assert "<script>alert(1)</script>" in target.inner_text()  # shown as text
        target.locator("a.back").first.click()
        assert "Water evaporates from the oceans" in page.locator(".passage:target").inner_text()
        assert not watch.dialogs and not watch.errors
        assert all(url.startswith("file:") for url in watch.requests)


def test_quotes_are_found_where_a_plain_search_finds_them() -> None:
    from quizgen.authoring.coverage import _quote_starts

    document = (
        "The river carries water to the sea. The river carries salt to the sea. "
        "The river carries sand. Rain falls. ondenses"
    )
    quotes = [
        "The river carries salt",  # shares its first words with an earlier sentence
        "The river carries sand.",
        "The river carries water to the sea. The river",  # longer than the lookup key
        "iver carries",  # starts inside a word
        "Rain",  # shorter than the key
        "The river carries gold",  # not there
        "",
    ]
    found = _quote_starts(document, quotes)
    expected = {q: document.find(q) for q in quotes if q and document.find(q) >= 0}
    assert found == expected
