"""Printed quizzes as a teacher arranges them: sections, shuffles apart, compact, draws,
a class set in one PDF, points and part credit, numbers as written, output names.

Pages are read in a real Chromium (Playwright); PDFs with poppler's pdftotext.
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
import subprocess
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from quiz_pages import chromium, long_bank, open_page

from quizgen.cli import cli

PX_PER_MM = 96 / 25.4

# Topics in a deliberate bank order (not alphabetical), six questions each, two of them
# with choices in a known order; one topic holds a 5-pair matching question with part credit
# and a number written with a thousands separator.
TOPICS = ("Introduction", "Zebras", "Apples", "Middle")


def ordered_bank() -> str:
    lines = ["id: ord", "title: Ordered bank", "questions:"]
    for t, topic in enumerate(TOPICS):
        for i in range(6):
            lines += [
                f"  - id: t{t}q{i}",
                "    type: multiple_choice",
                f"    topic: {topic}",
                f"    prompt: Question {t}-{i} of {topic}?",
                f"    choices: [first {t}{i}, second {t}{i}, third {t}{i}, fourth {t}{i}]",
                f"    answer: first {t}{i}",
            ]
    lines += [
        "  - id: pairs",
        "    type: matching",
        "    topic: Middle",
        "    prompt: Match each animal to its sound.",
        "    points: 5",
        "    partial: true",
        "    pairs:",
        "      - [Cow, Moo]",
        "      - [Dog, Woof]",
        "      - [Cat, Meow]",
        "      - [Duck, Quack]",
        "      - [Owl, Hoot]",
        "  - id: tank",
        "    type: numeric",
        "    topic: Middle",
        "    prompt: How much water does the tank hold?",
        "    answer: 150_000",
        "    unit: litres",
    ]
    return "\n".join(lines) + "\n"


def run_html(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["html", *map(str, args)], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def browser(chromium_path: str) -> Iterator[object]:
    with chromium(chromium_path) as running:
        yield running


@pytest.fixture
def bank(write_bank: Callable[..., Path]) -> Path:
    return write_bank(ordered_bank())


@pytest.fixture
def pdftotext() -> str:
    path = shutil.which("pdftotext")
    if path:
        return path
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail("CI=true but pdftotext was not found (apt-get install -y poppler-utils)")
    pytest.skip("needs pdftotext (apt-get install -y poppler-utils)")


def keys_of(page) -> list[str]:  # type: ignore[no-untyped-def]
    return page.locator("article.question").evaluate_all(
        "nodes => nodes.map(n => n.dataset.question)"
    )


def headings(page) -> list[str]:  # type: ignore[no-untyped-def]
    return [t.strip() for t in page.locator(".topic-title").all_inner_texts()]


def choices_of(page, key: str) -> list[str]:  # type: ignore[no-untyped-def]
    box = page.locator(f'article.question[data-question="{key}"]')
    return [t.strip() for t in box.locator(".choice-text").all_inner_texts()]


def pdf_pages(pdftotext: str, pdf: Path) -> list[str]:
    text = subprocess.run(
        [pdftotext, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return text.split("\f")[:-1]


# -- order: sections, questions, choices ------------------------------------------------


def test_sections_follow_the_banks_topic_order_in_every_version(
    bank: Path, tmp_path: Path, browser
) -> None:
    assert run_html(bank, "-o", tmp_path / "q.html", "--versions", "3", "--seed", "5")[0] == 0
    orders = set()
    for letter in "ABC":
        page, _ = open_page(browser, tmp_path / f"q-{letter}.html")
        assert headings(page) == list(TOPICS)
        orders.add(tuple(keys_of(page)))
    assert len(orders) == 3  # the questions within the topics are shuffled per version


def test_no_shuffle_choices_keeps_choices_while_questions_move(
    bank: Path, tmp_path: Path, browser
) -> None:
    code, _, _ = run_html(
        bank, "-o", tmp_path / "q.html", "--versions", "2", "--seed", "5", "--no-shuffle-choices"
    )
    assert code == 0
    a, _ = open_page(browser, tmp_path / "q-A.html")
    b, _ = open_page(browser, tmp_path / "q-B.html")
    assert keys_of(a) != keys_of(b)
    for key in ("ord/t0q0", "ord/t2q3", "ord/t3q5"):
        t, i = key[5], key[7]
        written = [f"{w} {t}{i}" for w in ("first", "second", "third", "fourth")]
        assert choices_of(a, key) == choices_of(b, key) == written
    # The key then is not all A's only because the author wrote the right answer first:
    # that is what the author asked for here, and the letters say so.
    key_page, _ = open_page(browser, tmp_path / "q-A-key.html")
    assert set(key_page.locator(".glance-answer").all_inner_texts()) >= {"A"}


def test_no_shuffle_questions_keeps_bank_order_and_still_shuffles_choices(
    bank: Path, tmp_path: Path, browser
) -> None:
    assert (
        run_html(bank, "-o", tmp_path / "q.html", "--seed", "5", "--no-shuffle-questions")[0] == 0
    )
    page, _ = open_page(browser, tmp_path / "q.html")
    expected = [f"ord/t{t}q{i}" for t in range(3) for i in range(6)]
    assert keys_of(page)[:18] == expected
    words = ("first", "second", "third", "fourth")
    moved = [
        key for key in expected if [c.split()[0] for c in choices_of(page, key)] != list(words)
    ]
    assert moved  # choices are still shuffled
    key_page, _ = open_page(browser, tmp_path / "q-key.html")
    glance = key_page.locator(".glance-answer").all_inner_texts()
    assert len(set(glance[:18])) > 1  # not a key of all A's


def test_no_sections_prints_one_run_of_questions(bank: Path, tmp_path: Path, browser) -> None:
    assert run_html(bank, "-o", tmp_path / "q.html", "--seed", "5", "--no-sections")[0] == 0
    for name in ("q.html", "q-key.html"):
        page, _ = open_page(browser, tmp_path / name)
        assert headings(page) == []
        keys = keys_of(page)
        assert len(keys) == 26
        # Without sections the topics are mixed, not grouped.
        topics = [k[5] if k.startswith("ord/t") else "3" for k in keys]
        runs = sum(1 for x, y in itertools.pairwise(topics) if x != y)
        assert runs > len(TOPICS)
        numbers = page.locator(".q-number").all_inner_texts()
        assert numbers == [f"{n}." for n in range(1, 27)]


def test_no_shuffle_is_both_and_versions_then_need_a_draw(bank: Path, tmp_path: Path) -> None:
    code, _, err = run_html(bank, "-o", tmp_path / "q.html", "--no-shuffle", "--versions", "2")
    assert code == 2 and "--no-shuffle" in err
    code, _, _ = run_html(
        bank, "-o", tmp_path / "q.html", "--no-shuffle", "--versions", "2", "--draw", "--count", "8"
    )
    assert code == 0


# -- compact layout ----------------------------------------------------------------------


def test_compact_layout_sets_questions_side_by_side_and_keeps_boxes_whole(
    write_bank: Callable[..., Path], tmp_path: Path, browser
) -> None:
    bank = write_bank(long_bank(32))
    args = ("-o", tmp_path / "q.html", "--seed", "2")
    assert run_html(bank, *args, "--layout", "compact")[0] == 0
    content_width = round((210 - 30) * PX_PER_MM)
    content_height = (297 - 32) * PX_PER_MM
    for name in ("q.html", "q-key.html"):
        page, _ = open_page(browser, tmp_path / name, viewport_width=content_width)
        page.emulate_media(media="print")
        boxes = page.locator("article.question").evaluate_all(
            """nodes => nodes.map(n => {
                const r = n.getBoundingClientRect();
                return {key: n.dataset.question, x: r.x, y: r.y, width: r.width,
                        height: r.height, wide: n.classList.contains('wide'),
                        avoid: getComputedStyle(n).breakInside};
            })"""
        )
        assert len(boxes) == 32
        narrow = [b for b in boxes if not b["wide"]]
        wide = [b for b in boxes if b["wide"]]
        assert narrow and wide  # matching questions take the full width
        for box in boxes:
            assert box["avoid"] == "avoid", box
            assert 0 < box["height"] <= content_height, box
        for box in narrow:
            assert box["width"] < content_width / 2, box
        for box in wide:
            assert box["width"] > content_width * 0.9, box
        lefts = {round(b["x"]) for b in narrow}
        assert len(lefts) == 2  # two columns
    # The compact quiz takes fewer pages than the standard one.
    standard, _ = open_page(browser, tmp_path / "q.html", viewport_width=content_width)
    compact_height = standard.evaluate("document.documentElement.scrollHeight")
    assert run_html(bank, *args)[0] == 0
    page, _ = open_page(browser, tmp_path / "q.html", viewport_width=content_width)
    assert compact_height < page.evaluate("document.documentElement.scrollHeight")


# -- versions that draw their own questions -------------------------------------------


def test_draw_gives_each_version_its_own_questions_with_the_same_topic_balance(
    bank: Path, tmp_path: Path, browser
) -> None:
    args = ("-o", tmp_path / "q.html", "--seed", "9", "--count", "8", "--versions", "3")
    assert run_html(bank, *args, "--draw")[0] == 0
    drawn = []
    for letter in "ABC":
        page, _ = open_page(browser, tmp_path / f"q-{letter}.html")
        keys = keys_of(page)
        assert len(keys) == 8
        key_page, _ = open_page(browser, tmp_path / f"q-{letter}-key.html")
        assert keys_of(key_page) == keys
        drawn.append(keys)
    topic = {f"ord/t{t}q{i}": TOPICS[t] for t in range(4) for i in range(6)}
    topic |= {"ord/pairs": "Middle", "ord/tank": "Middle"}
    balances = [Counter(topic[k] for k in keys) for keys in drawn]
    assert balances[0] == balances[1] == balances[2]
    # Versions share a question only where a topic has too few for every version.
    pool = Counter(topic.values())
    for name, count in balances[0].items():
        union = {k for keys in drawn for k in keys if topic[k] == name}
        assert len(union) == min(pool[name], 3 * count), name
    # Without --draw, versions hold the same questions.
    assert run_html(bank, *args)[0] == 0
    same = [keys_of(open_page(browser, tmp_path / f"q-{x}.html")[0]) for x in "AB"]
    assert set(same[0]) == set(same[1])


def test_draw_needs_count(bank: Path, tmp_path: Path) -> None:
    code, _, err = run_html(bank, "-o", tmp_path / "q.html", "--draw", "--versions", "2")
    assert code == 2 and "--count" in err


# -- a class set in one file --------------------------------------------------------------


def test_combined_pdf_starts_every_part_on_the_front_of_a_sheet(
    write_bank: Callable[..., Path], tmp_path: Path, chromium_path: str, pdftotext: str
) -> None:
    bank = write_bank(long_bank(20))
    code, out, _ = run_html(
        bank, "-o", tmp_path / "class", "--versions", "3", "--seed", "4", "--combined",
        "--pdf", "--browser", chromium_path,
    )  # fmt: skip
    assert code == 0
    assert out.split() == [str(tmp_path / "class.html"), str(tmp_path / "class.pdf")]
    assert sorted(p.name for p in tmp_path.glob("class*")) == ["class.html", "class.pdf"]
    pages = pdf_pages(pdftotext, tmp_path / "class.pdf")
    labels = ["Version A", "Version B", "Version C"] + [f"Answer key · Version {x}" for x in "ABC"]
    starts = []
    for label in labels:
        first = next(n for n, p in enumerate(pages) if label in p.splitlines()[0])
        starts.append(first)
    assert starts == sorted(starts)
    for number in starts:
        assert number % 2 == 0, (number, starts)  # 0-based even: a front page
    blank = [n for n, p in enumerate(pages) if "blank on purpose" in p]
    for n in blank:
        assert n % 2 == 1 and n + 1 in starts  # a blank back, only where one is needed
        assert pages[n].count("\n") < 30  # nothing else on it
    # Each part's own pages: all its headers name it.
    bounds = [*starts, len(pages)]
    for label, start, end in zip(labels, bounds, bounds[1:], strict=False):
        for page in pages[start:end]:
            if "blank on purpose" not in page:
                assert label in page.splitlines()[0]
    # Every key follows the numbering of its version.
    assert "Version A" in pages[0] and "Name" in pages[0]


# -- points, part credit, numbers as written -------------------------------------------


def test_points_and_part_credit_on_page_and_key(bank: Path, tmp_path: Path, browser) -> None:
    assert run_html(bank, "-o", tmp_path / "q.html", "--seed", "1")[0] == 0
    for name in ("q.html", "q-key.html"):
        page, _ = open_page(browser, tmp_path / name)
        box = page.locator('article.question[data-question="ord/pairs"]')
        assert box.locator(".q-points").inner_text() == "5 points · 1 per pair"
        plain = page.locator('article.question[data-question="ord/t0q0"]')
        assert plain.locator(".q-points").inner_text() == "1 point"
    student, _ = open_page(browser, tmp_path / "q.html")
    assert student.locator(".score-total").inner_text() == "/ 30"  # 24 + 5 + 1
    key, _ = open_page(browser, tmp_path / "q-key.html")
    assert "30 points" in key.locator(".total-points").inner_text()


def test_numbers_print_as_the_bank_wrote_them(bank: Path, tmp_path: Path, browser) -> None:
    assert run_html(bank, "-o", tmp_path / "q.html", "--seed", "1")[0] == 0
    key, _ = open_page(browser, tmp_path / "q-key.html")
    tank = key.locator('article.question[data-question="ord/tank"]')
    assert tank.locator(".answer").inner_text() == "150,000 litres"
    assert "150000" not in key.content()


# -- file names --------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["quiz.pdf", "quiz.html", "quiz", "quiz.PDF"])
def test_output_name_keeps_the_stem_the_user_typed(
    bank: Path, tmp_path: Path, typed: str, chromium_path: str
) -> None:
    code, out, _ = run_html(
        bank, "-o", tmp_path / typed, "--seed", "1", "--count", "3", "--pdf",
        "--browser", chromium_path,
    )  # fmt: skip
    assert code == 0
    names = ["quiz.html", "quiz-key.html", "quiz.pdf", "quiz-key.pdf"]
    assert [Path(line).name for line in out.split()] == names
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("quiz")) == sorted(names)


def test_pdf_format_names_files_from_the_stem(
    bank: Path, tmp_path: Path, chromium_path: str
) -> None:
    result = CliRunner().invoke(
        cli,
        ["export", "pdf", str(bank), "-o", str(tmp_path / "set.pdf"), "--seed", "1",
         "--browser", chromium_path],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.glob("set*")) == ["set-key.pdf", "set.pdf"]
    assert not re.search(r"quizgen pdf\b", result.output)
