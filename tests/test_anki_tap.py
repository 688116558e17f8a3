"""Anki cards a student taps: rendered by the real Anki backend, then clicked in Chromium.

The front and the back are loaded one after the other in the same tab, as a reviewer
does; the card's script passes the order and the taps through sessionStorage. With
script off, the cards are the plain ones.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from anki_helpers import ALL_TYPES_BANK, card_page, import_package, open_collection, write_image

from quizgen.bank.load import load_banks
from quizgen.outputs.anki import write_apkg

pytestmark = pytest.mark.anki  # the real Anki backend (conftest adds slow)

T0 = 1_700_000_000.0


@pytest.fixture(scope="module")
def collection(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    import shutil

    from conftest import SEEDS

    folder = tmp_path_factory.mktemp("tap")
    shutil.copytree(SEEDS, folder / "seeds")
    write_image(folder)
    bank = folder / "bank.yaml"
    bank.write_text(ALL_TYPES_BANK, encoding="utf-8")
    write_apkg(load_banks([bank]), folder / "out.apkg", timestamp=T0)
    col = open_collection(folder / "anki")
    import_package(col, folder / "out.apkg")
    yield col
    col.close()


@pytest.fixture(scope="module")
def browser(chromium_path: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        running = playwright.chromium.launch(executable_path=chromium_path)
        try:
            yield running
        finally:
            running.close()


def card_files(col, qid: str, folder: Path) -> tuple[Path, Path]:  # type: ignore[no-untyped-def]
    (note_id,) = col.find_notes(f'"QuestionId:sco/{qid}"')
    card = col.get_note(note_id).cards()[0]
    media = Path(col.media.dir())
    front, back = folder / f"{qid}-front.html", folder / f"{qid}-back.html"
    front.write_text(card_page(card.question(), night=False, media_dir=media), encoding="utf-8")
    back.write_text(card_page(card.answer(), night=False, media_dir=media), encoding="utf-8")
    return front, back


def texts(page, selector: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [" ".join(t.split()) for t in page.locator(selector).all_inner_texts()]


def letters_and_texts(page, selector: str) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return page.locator(selector).evaluate_all(
        """lis => lis.map(li => [li.querySelector('.qz-letter').textContent.trim(),
                                 li.querySelector('.qz-text').textContent.trim()])"""
    )


@pytest.fixture
def tab(browser, tmp_path: Path):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 360, "height": 640})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == []


def test_multiple_choice_shuffles_each_review_and_marks_the_tap(collection, tab, tmp_path) -> None:
    front, back = card_files(collection, "mc-largest", tmp_path)
    orders = set()
    for _ in range(12):
        tab.goto(front.as_uri())
        shown = letters_and_texts(tab, ".qz-list li")
        assert [letter for letter, _ in shown] == ["A", "B", "C"]  # relettered in order
        orders.add(tuple(text for _, text in shown))
    assert len(orders) > 1  # a new order at each review
    tab.locator(".qz-list li", has_text="A football club").click()
    assert tab.locator(".qz-list li.qz-picked").count() == 1
    tab.locator(".qz-list li", has_text="A regional alliance").click()  # one answer: moves
    tab.locator(".qz-list li", has_text="A football club").click()
    picked = texts(tab, ".qz-list li.qz-picked")
    assert len(picked) == 1 and "A football club" in picked[0]
    front_order = [text for _, text in letters_and_texts(tab, ".qz-list li")]
    tab.goto(back.as_uri())
    assert [text for _, text in letters_and_texts(tab, ".qz-answer .qz-list li")] == front_order
    verdict = tab.locator(".qz-tap-verdict")
    assert verdict.is_visible() and "wrong" in verdict.inner_text()
    wrong = tab.locator(".qz-answer li.qz-you-wrong")
    assert wrong.count() == 1 and "A football club" in wrong.inner_text()
    assert "✗" in wrong.inner_text()
    right_letter = front_order.index("A regional alliance")
    expected = "ABC"[right_letter]
    assert tab.locator(".qz-answer .qz-answer-line b").inner_text() == expected
    right = tab.locator(".qz-answer li.qz-right")
    assert right.locator(".qz-letter").inner_text() == expected


def test_multiple_answer_right_when_every_right_choice_is_tapped(collection, tab, tmp_path) -> None:
    front, back = card_files(collection, "ma-areas", tmp_path)
    tab.goto(front.as_uri())
    for text in ("Energy and fuel supply", "Defense dialogues", "Space tourism"):
        tab.locator(".qz-list li", has_text=text).click()
    tab.locator(".qz-list li", has_text="Space tourism").click()  # changed my mind
    assert tab.locator(".qz-list li.qz-picked").count() == 2
    tab.goto(back.as_uri())
    assert "right ✓" in tab.locator(".qz-tap-verdict").inner_text()
    assert tab.locator(".qz-answer li.qz-you-right").count() == 2
    assert tab.locator(".qz-answer li.qz-you-wrong").count() == 0
    letters = tab.locator(".qz-answer li.qz-right .qz-letter").all_inner_texts()
    assert tab.locator(".qz-answer .qz-answer-line b").inner_text() == ", ".join(sorted(letters))


def test_true_false_taps(collection, tab, tmp_path) -> None:
    front, back = card_files(collection, "tf-history", tmp_path)
    for tapped, outcome in (("False", "wrong"), ("True", "right")):
        tab.goto(front.as_uri())
        assert tab.locator(".qz-tap-tf").is_visible()
        tab.locator(".qz-tap-tf li", has_text=tapped).click()
        tab.goto(back.as_uri())
        assert (
            tab.locator(".qz-tap-verdict")
            .inner_text()
            .startswith(f"You tapped {tapped}: {outcome}")
        )


def test_ordering_back_letters_follow_the_shuffled_front(collection, tab, tmp_path) -> None:
    front, back = card_files(collection, "order-steps", tmp_path)
    seen = set()
    for _ in range(8):
        tab.goto(front.as_uri())
        shown = dict(letters_and_texts(tab, ".qz-list li"))
        assert sorted(shown) == ["A", "B", "C", "D"]
        seen.add(tuple(shown.values()))
        tab.goto(back.as_uri())
        rows = tab.locator(".qz-order li").evaluate_all(
            "lis => lis.map(li => [li.querySelector('.qz-letter').textContent.trim(),"
            " li.textContent.replace(li.querySelector('.qz-letter').textContent, '').trim()])"
        )
        for letter, text in rows:
            assert shown[letter] == text  # each item keeps the letter it had on the front
        sequence = tab.locator(".qz-answer-line b").inner_text().split(" → ")
        assert sequence == [letter for letter, _ in rows]
    assert len(seen) > 1


def test_without_script_the_cards_are_the_plain_ones(browser, collection, tmp_path) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 640})
    page = context.new_page()
    try:
        front, back = card_files(collection, "mc-largest", tmp_path)
        page.goto(front.as_uri())
        first = letters_and_texts(page, ".qz-list li")
        page.goto(front.as_uri())
        assert letters_and_texts(page, ".qz-list li") == first  # the field's fixed order
        page.goto(back.as_uri())
        assert not page.locator(".qz-tap-verdict").is_visible()
        letter = page.locator(".qz-answer li.qz-right .qz-letter").inner_text()
        assert page.locator(".qz-answer-line b").inner_text() == letter
        front, _ = card_files(collection, "tf-history", tmp_path)
        page.goto(front.as_uri())
        assert not page.locator(".qz-tap-tf").is_visible()
    finally:
        context.close()


def test_choices_with_shuffle_false_keep_their_order(write_bank, browser, tmp_path) -> None:
    bank = write_bank(
        "id: sco\ntitle: T\nquestions:\n"
        "  - id: kept\n    type: multiple_choice\n    prompt: How many?\n"
        "    choices: ['7', '8', '9', '10']\n    answer: '9'\n    shuffle: false\n"
    )
    write_apkg(load_banks([bank]), tmp_path / "k.apkg", timestamp=T0)
    col = open_collection(tmp_path / "anki")
    try:
        import_package(col, tmp_path / "k.apkg")
        front, _ = card_files(col, "kept", tmp_path)
        page = browser.new_page()
        for _ in range(5):
            page.goto(front.as_uri())
            assert [t for _, t in letters_and_texts(page, ".qz-list li")] == ["7", "8", "9", "10"]
        page.close()
    finally:
        col.close()


def test_matching_back_at_360px_stacks_each_pair(collection, tab, tmp_path) -> None:
    (note_id,) = collection.find_notes('"QuestionId:sco/match-areas"')
    media = Path(collection.media.dir())
    for card in collection.get_note(note_id).cards():
        back = tmp_path / f"match-{card.ord}.html"
        back.write_text(card_page(card.answer(), night=False, media_dir=media), encoding="utf-8")
        tab.goto(back.as_uri())
        assert tab.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
        assert not tab.locator(".qz-pairs .qz-pair-arrow").first.is_visible()
        rows = tab.locator(".qz-pairs tr").evaluate_all(
            """rows => rows.map(r => {
                const a = r.cells[0].getBoundingClientRect(), b = r.cells[2].getBoundingClientRect();
                return [a.top, a.bottom, b.top, r.cells[0].textContent, r.cells[2].textContent];
            })"""
        )
        assert len(rows) == 3
        for _left_top, left_bottom, right_top, left, right in rows:
            assert right_top >= left_bottom - 1, (left, right)  # the partner under its item
            assert left.strip() and right.strip()
    assert re.search("→", tab.locator(".qz-pairs").inner_text()) is None
