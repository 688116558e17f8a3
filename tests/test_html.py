"""Printable quizzes: the `quizgen html` command, checked in a real Chromium (Playwright)."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from quiz_pages import (
    HOSTILE_BANK,
    SAMPLE_BANK,
    STUDENT_SECRETS,
    chromium,
    long_bank,
    open_page,
    tiny_png,
)

from quizgen import templating
from quizgen.cli import cli
from quizgen.resources import templates_dir

SAMPLE_IDS = {
    "sco/full-members",
    "sco/meeting-city",
    "sco/kept-order",
    "sco/rats",
    "sco/sidelines",
    "sco/meeting-day",
    "sco/fuel",
    "sco/leaders",
    "sco/meeting-steps",
}

# CSS pixels per millimetre (96 per inch) and the page areas the built-in @page rule leaves.
PX_PER_MM = 96 / 25.4
PAPER_MM = {"a4": (210, 297), "letter": (215.9, 279.4)}
MARGINS_MM = (15, 15, 17, 15)  # top, right, bottom, left, as in templates/macros.html.j2


@pytest.fixture
def sample_bank(write_bank: Callable[..., Path], tmp_path: Path) -> Path:
    (tmp_path / "chart.png").write_bytes(tiny_png())
    return write_bank(SAMPLE_BANK)


@pytest.fixture(scope="module")
def browser(chromium_path: str) -> Iterator[object]:
    with chromium(chromium_path) as running:
        yield running


def run_html(*args: str | Path) -> tuple[int, str, str]:
    """Run `quizgen html ARGS`; return (exit code, stdout, stderr)."""
    result = CliRunner().invoke(cli, ["html", *map(str, args)], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def question_keys(page) -> list[str]:  # type: ignore[no-untyped-def]
    return page.locator("article.question").evaluate_all(
        "nodes => nodes.map(n => n.dataset.question)"
    )


def question_box(page, key: str):  # type: ignore[no-untyped-def]
    return page.locator(f'article.question[data-question="{key}"]')


def letter_of(page, key: str, text: str) -> str:  # type: ignore[no-untyped-def]
    """The letter printed beside the choice ``text`` of a question."""
    item = question_box(page, key).locator(
        "li.choice", has_text=re.compile(rf"^\W*\w?\s*{text}\s*✓?$")
    )
    return item.locator(".mark-shape").inner_text().strip()


# -- files and the command line --------------------------------------------------------


def test_writes_quiz_and_key_and_prints_their_paths(sample_bank: Path, tmp_path: Path) -> None:
    out = tmp_path / "out" / "quiz.html"
    code, stdout, stderr = run_html(sample_bank, "-o", out, "--seed", "1")
    assert code == 0, stderr
    assert stdout.splitlines() == [str(out), str(tmp_path / "out" / "quiz-key.html")]
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    # One self-contained file: inline CSS, the image inline, nothing fetched.
    assert "<style>" in html and "<link" not in html and "@import" not in html
    assert "data:image/png;base64," in html
    assert not re.search(r"""(src|href)=["']?(https?:|//)""", html)


def test_versions_are_named_by_letter(sample_bank: Path, tmp_path: Path) -> None:
    code, stdout, _ = run_html(sample_bank, "-o", tmp_path / "quiz.html", "--versions", "3")
    assert code == 0
    names = [Path(line).name for line in stdout.splitlines()]
    assert names == [
        "quiz-A.html",
        "quiz-A-key.html",
        "quiz-B.html",
        "quiz-B-key.html",
        "quiz-C.html",
        "quiz-C-key.html",
    ]
    assert all((tmp_path / name).is_file() for name in names)
    assert not (tmp_path / "quiz.html").exists()


def test_same_seed_same_files_other_seed_other_order(sample_bank: Path, tmp_path: Path) -> None:
    def build(folder: str, seed: str) -> list[str]:
        out = tmp_path / folder / "quiz.html"
        assert run_html(sample_bank, "-o", out, "--versions", "2", "--seed", seed)[0] == 0
        return [p.read_text(encoding="utf-8") for p in sorted(out.parent.glob("*.html"))]

    first, again, other = build("one", "42"), build("two", "42"), build("three", "43")
    assert first == again
    assert first != other


def test_unseeded_key_names_a_seed_that_remakes_the_quiz(sample_bank: Path, tmp_path: Path) -> None:
    assert run_html(sample_bank, "-o", tmp_path / "a" / "quiz.html")[0] == 0
    key = (tmp_path / "a" / "quiz-key.html").read_text(encoding="utf-8")
    seed = re.search(r"seed <code>(\w+)</code>", key).group(1)  # type: ignore[union-attr]
    assert run_html(sample_bank, "-o", tmp_path / "b" / "quiz.html", "--seed", seed)[0] == 0
    for name in ("quiz.html", "quiz-key.html"):
        assert (tmp_path / "a" / name).read_text() == (tmp_path / "b" / name).read_text()


def test_selection_options_choose_questions(sample_bank: Path, tmp_path: Path) -> None:
    out = tmp_path / "quiz.html"
    code, _, _ = run_html(sample_bank, "-o", out, "--type", "matching", "--type", "cloze")
    assert code == 0
    assert sorted(re.findall(r'data-question="([^"]+)"', out.read_text())) == [
        "sco/fuel",
        "sco/leaders",
    ]
    code, _, _ = run_html(sample_bank, "-o", out, "--topic", "membership", "--seed", "2")
    assert code == 0
    assert sorted(re.findall(r'data-question="([^"]+)"', out.read_text())) == [
        "sco/full-members",
        "sco/kept-order",
    ]
    code, _, stderr = run_html(sample_bank, "-o", out, "--count", "4", "--seed", "2")
    assert code == 0 and stderr == ""
    assert len(re.findall(r'data-question="', out.read_text())) == 4
    code, _, stderr = run_html(sample_bank, "-o", out, "--count", "50")
    assert code == 0 and "only 9 questions match" in stderr


def test_no_shuffle_keeps_bank_order(sample_bank: Path, tmp_path: Path) -> None:
    out = tmp_path / "quiz.html"
    assert run_html(sample_bank, "-o", out, "--no-shuffle", "--count", "3")[0] == 0
    html = out.read_text()
    # The first three of the bank, grouped by topic (Membership, then the summit).
    assert re.findall(r'data-question="([^"]+)"', html) == [
        "sco/full-members",
        "sco/kept-order",
        "sco/meeting-city",
    ]
    choices = re.findall(r'class="choice-text">([^<]+)<', html)
    assert choices[:6] == ["China", "India", "Turkey", "Uzbekistan", "Afghanistan", "Kyrgyzstan"]


def test_nothing_selected_is_a_clear_error(sample_bank: Path, tmp_path: Path) -> None:
    code, stdout, stderr = run_html(sample_bank, "-o", tmp_path / "q.html", "--tag", "nope")
    assert code == 1
    assert stdout == ""
    assert "error: --tag 'nope': no question has this tag" in stderr
    assert not list(tmp_path.glob("q*.html"))


def test_no_shuffle_with_versions_is_a_usage_error(sample_bank: Path, tmp_path: Path) -> None:
    code, _, stderr = run_html(
        sample_bank, "-o", tmp_path / "q.html", "--no-shuffle", "--versions", "2"
    )
    assert code == 2
    assert "--no-shuffle" in stderr


def test_invalid_bank_writes_nothing(write_bank: Callable[..., Path], tmp_path: Path) -> None:
    bank = write_bank("id: bad\ntitle: Bad\nquestions:\n  - id: x\n    type: true_false\n")
    code, _, stderr = run_html(bank, "-o", tmp_path / "q.html")
    assert code == 1
    assert re.search(r"bank\.yaml:\d+:\d+: error:", stderr)
    assert "Traceback" not in stderr
    assert not (tmp_path / "q.html").exists()


# -- templates -------------------------------------------------------------------------


def test_builtin_templates_are_found_through_resources() -> None:
    folder = templates_dir()
    for name in ("quiz.html.j2", "key.html.j2", "macros.html.j2", "quiz.css"):
        assert (folder / name).is_file(), name


def test_templates_load_from_the_resources_folder(
    sample_bank: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An installed quizgen has no checkout beside it: whatever templates_dir() names is used."""
    shipped = tmp_path / "site-packages" / "quizgen" / "templates"
    shutil.copytree(templates_dir(), shipped)
    css = shipped / "quiz.css"
    css.write_text(css.read_text() + "\n/* shipped-copy-marker */\n")
    monkeypatch.setattr(templating, "templates_dir", lambda: shipped)
    templating.template_environment.cache_clear()
    try:
        assert run_html(sample_bank, "-o", tmp_path / "quiz.html")[0] == 0
    finally:
        templating.template_environment.cache_clear()
    assert "shipped-copy-marker" in (tmp_path / "quiz.html").read_text()
    assert "shipped-copy-marker" in (tmp_path / "quiz-key.html").read_text()


def test_template_dir_overrides_builtins(sample_bank: Path, tmp_path: Path) -> None:
    school = tmp_path / "school"
    school.mkdir()
    (school / "quiz.html.j2").write_text(
        '{% import "macros.html.j2" as m %}<!DOCTYPE html><html><head>{{ m.head(page, "Quiz") }}'
        "</head><body><h1>Springfield High: {{ page.title }}</h1>"
        "{% for q in version.questions %}{{ m.student_question(q) }}{% endfor %}</body></html>"
    )
    (school / "quiz.css").write_text("body { font-family: serif; } /* school-css */")
    out = tmp_path / "quiz.html"
    code, _, stderr = run_html(
        sample_bank, "-o", out, "--template-dir", school, "--title", "<b>x</b>"
    )
    assert code == 0, stderr
    html = out.read_text()
    assert "Springfield High: &lt;b&gt;x&lt;/b&gt;" in html  # user templates autoescape too
    assert "school-css" in html
    assert len(re.findall(r'data-question="', html)) == 9
    key = (tmp_path / "quiz-key.html").read_text()
    assert "Springfield" not in key and "At a glance" in key  # the key falls back to the built-in
    assert "school-css" in key


def test_broken_user_template_is_a_located_error(sample_bank: Path, tmp_path: Path) -> None:
    school = tmp_path / "school"
    school.mkdir()
    (school / "key.html.j2").write_text("line one\n{% for x in %}\n")
    code, _, stderr = run_html(sample_bank, "-o", tmp_path / "q.html", "--template-dir", school)
    assert code == 1
    assert re.search(r"key\.html\.j2:2:\d+: error: template error", stderr), stderr
    assert not (tmp_path / "q.html").exists()  # rendered everything before writing anything


# -- in the browser --------------------------------------------------------------------


def test_student_page_shows_every_question(sample_bank: Path, tmp_path: Path, browser) -> None:
    out = tmp_path / "quiz.html"
    assert run_html(sample_bank, "-o", out, "--seed", "9")[0] == 0
    page, watch = open_page(browser, out)
    boxes = page.locator("article.question")
    assert boxes.count() == 9
    for i in range(9):
        assert boxes.nth(i).is_visible()
    assert set(question_keys(page)) == SAMPLE_IDS
    numbers = boxes.evaluate_all("nodes => nodes.map(n => n.querySelector('.q-number').innerText)")
    assert numbers == [f"{n}." for n in range(1, 10)]
    text = page.locator("body").inner_text()
    assert "The SCO and its members" in page.locator("h1").inner_text()
    assert "Pakistan" in page.locator(".description strong").inner_text()
    for label in ("Name", "Class", "Date", "Score"):
        assert page.locator(".field-label", has_text=label).is_visible()
    assert page.locator(".score-total").inner_text() == "/ 10"
    assert question_box(page, "sco/full-members").locator(".q-points").inner_text() == "2 points"
    assert question_box(page, "sco/rats").locator(".q-points").inner_text() == "1 point"
    assert len(page.locator(".instructions li").all()) == 8
    topics = page.locator(".topic-title").all_inner_texts()
    assert sorted(topics) == ["Energy", "Membership", "Security", "The 2019 summit"]
    # Every kind gets its own room to answer.
    assert question_box(page, "sco/meeting-city").locator(".bubbles .mark-shape").count() == 4
    assert question_box(page, "sco/rats").locator(".bubbles .mark-shape").all_inner_texts() == [
        "T",
        "F",
    ]
    full = question_box(page, "sco/full-members")
    assert full.locator(".boxes .mark-shape").count() == 6
    assert "Select all that apply" in full.inner_text()
    assert question_box(page, "sco/sidelines").locator(".writing-line").count() >= 2
    day = question_box(page, "sco/meeting-day")
    assert (
        day.locator(".answer-box").is_visible()
        and day.locator(".unit").inner_text() == "th of June"
    )
    image = day.locator("img")
    assert image.get_attribute("src").startswith("data:image/png;base64,")
    assert image.evaluate("img => img.complete && img.naturalWidth") == 60
    blanks = question_box(page, "sco/fuel").locator(".blank")
    assert blanks.locator(".blank-number").all_inner_texts() == ["1", "2"]
    # The hint is printed beside the blank, not inside the writing space.
    assert "a kind of fuel" not in blanks.nth(0).inner_text()
    hint = question_box(page, "sco/fuel").locator(".blank-hint").nth(0)
    assert hint.inner_text() == "a kind of fuel"
    blank_box, hint_box = blanks.nth(0).bounding_box(), hint.bounding_box()
    assert hint_box["x"] >= blank_box["x"] + blank_box["width"] or (
        hint_box["y"] >= blank_box["y"] + blank_box["height"] - 1
    )
    leaders = question_box(page, "sco/leaders")
    assert leaders.locator(".match-left .answer-box").count() == 3
    assert [t.strip() for t in leaders.locator(".match-right .item-letter").all_inner_texts()] == [
        "A.",
        "B.",
        "C.",
    ]
    assert question_box(page, "sco/meeting-steps").locator(".answer-box").count() == 3
    assert "End of quiz" in text
    assert watch.errors == []


def test_student_page_gives_no_answer_away(sample_bank: Path, tmp_path: Path, browser) -> None:
    for seed in ("1", "2", "3"):
        out = tmp_path / seed / "quiz.html"
        assert run_html(sample_bank, "-o", out, "--seed", seed, "--versions", "2")[0] == 0
        for name in ("quiz-A.html", "quiz-B.html"):
            page, _ = open_page(browser, out.parent / name)
            text = page.locator("body").inner_text()
            source = page.content()
            for secret in STUDENT_SECRETS:
                assert secret not in text, (name, secret)
                assert secret not in source, (name, secret)
            assert (
                page.locator(".correct, .filled, .tick, .explanation, .source-quote").count() == 0
            )
            for box in page.locator(".answer-box, .blank-number + *").all():
                assert "Xylofuel" not in box.inner_text()
            assert all(b.strip() == "" for b in page.locator(".answer-box").all_inner_texts())
            # Matching: the right column is not in the left column's order.
            leaders = question_box(page, "sco/leaders")
            lefts = leaders.locator(".match-left .item-text").all_inner_texts()
            rights = leaders.locator(".match-right .item-text").all_inner_texts()
            partner = {"Vladimir Putin": "Russia", "Imran Khan": "Pakistan", "Xi Jinping": "China"}
            assert [partner[left] for left in lefts] != rights
            # Ordering: the items are not printed in the right order.
            steps = question_box(page, "sco/meeting-steps").locator(".item-text").all_inner_texts()
            assert steps != [
                "Lower level diplomats agree",
                "Officials develop a relationship",
                "The leaders meet",
            ]


def test_key_is_complete_and_matches_its_page(sample_bank: Path, tmp_path: Path, browser) -> None:
    out = tmp_path / "quiz.html"
    assert run_html(sample_bank, "-o", out, "--seed", "5")[0] == 0
    student, _ = open_page(browser, out)
    key, watch = open_page(browser, tmp_path / "quiz-key.html")
    assert question_keys(key) == question_keys(student)
    assert key.locator(".total-points").inner_text() == "10 points"
    assert "Answer key" in key.locator(".version-badge").inner_text()

    def answer(qid: str) -> str:
        return question_box(key, qid).locator(".answer-line .answer").inner_text().strip()

    # Letters in the key are the letters printed on the student's page.
    assert answer("sco/meeting-city") == letter_of(student, "sco/meeting-city", "Bishek")
    expected = sorted(
        letter_of(student, "sco/full-members", c)
        for c in ("China", "India", "Uzbekistan", "Kyrgyzstan")
    )
    assert answer("sco/full-members") == ", ".join(expected)
    assert answer("sco/kept-order") == "C"  # shuffle: false keeps 7, 8, 9, 10
    assert answer("sco/rats") == "True"
    assert answer("sco/sidelines") == "Quokkaorg"
    assert (
        "the Quokka Organization"
        in question_box(key, "sco/sidelines").locator(".alternatives").inner_text()
    )
    day = question_box(key, "sco/meeting-day").inner_text()
    assert "14.25 th of June" in day and "± 0.5" in day and "13.75 to 14.75" in day
    fills = question_box(key, "sco/fuel").locator(".filled .answer").all_inner_texts()
    assert fills == ["Xylofuel", "Wombatgas"]
    # Matching: the key's letter for each left item names its partner on the student's page.
    partner = {"Vladimir Putin": "Russia", "Imran Khan": "Pakistan", "Xi Jinping": "China"}
    s_leaders = question_box(student, "sco/leaders")
    right_by_letter = {
        li.locator(".item-letter").inner_text().strip(" ."): li.locator(".item-text").inner_text()
        for li in s_leaders.locator(".match-right li").all()
    }
    rows = question_box(key, "sco/leaders").locator("tbody tr").all()
    assert len(rows) == 3
    lefts = s_leaders.locator(".match-left .item-text").all_inner_texts()
    for row, left in zip(rows, lefts, strict=True):
        cells = row.locator("td").all_inner_texts()
        assert cells[0].endswith(left)
        assert right_by_letter[cells[1]] == partner[left]
    # Ordering: the key numbers the items as printed with their place in the right order.
    right_order = [
        "Lower level diplomats agree",
        "Officials develop a relationship",
        "The leaders meet",
    ]
    printed = question_box(student, "sco/meeting-steps").locator(".item-text").all_inner_texts()
    key_items = question_box(key, "sco/meeting-steps").locator("li").all()
    assert [li.locator(".item-text").inner_text() for li in key_items] == printed
    for li in key_items:
        position = int(li.locator(".answer").inner_text())
        assert right_order[position - 1] == li.locator(".item-text").inner_text()
    # Explanations and sources with their document titles.
    full = question_box(key, "sco/full-members")
    assert "Turkey and Afghanistan are not among them" in full.locator(".explanation").inner_text()
    quote = full.locator(".source-quote")
    assert "Current full members include" in quote.inner_text()
    assert quote.locator("cite").inner_text() == "Pakistan–Russia SCO meeting (blog post)"
    assert "Zanzibarian" in question_box(key, "sco/rats").inner_text()
    glance = key.locator(".glance-grid li").all_inner_texts()
    assert len(glance) == 9
    assert watch.errors == []


def test_hostile_bank_text_never_runs(
    write_bank: Callable[..., Path], tmp_path: Path, browser
) -> None:
    bank = write_bank(HOSTILE_BANK, "hostile.yaml")
    out = tmp_path / "quiz.html"
    code, _, stderr = run_html(bank, "-o", out, "--versions", "1", "--seed", "1")
    assert code == 0, stderr
    for name in ("quiz-A.html", "quiz-A-key.html"):
        page, watch = open_page(browser, tmp_path / name)
        page.wait_for_timeout(200)
        page.mouse.move(200, 300)
        page.mouse.move(300, 500)
        assert watch.dialogs == [], name
        assert page.locator("script, iframe, svg, img, b").count() == 0, name
        assert (
            page.evaluate(
                "[...document.querySelectorAll('*')].filter(e => [...e.attributes]"
                ".some(a => a.name.startsWith('on'))).length"
            )
            == 0
        )
        text = page.locator("body").inner_text()
        assert "<script>alert('prompt')</script>" in text
        assert "<b onmouseover=alert(1)>one</b>" in text
        assert "{{ 7*7 }}" in text and "49" not in text  # bank text is never a template
        assert "**bold**" not in text and page.locator("strong", has_text="bold").count() == 1
        assert "<script>alert('title')</script> Hostile" in page.locator("h1").inner_text()
        assert page.title().startswith("<script>alert('title')</script>")
        assert (tmp_path / name).read_text().count("</style>") == 1
        assert all(u.startswith(("file://", "data:")) for u in watch.requests), watch.requests
    key_text = (tmp_path / "quiz-A-key.html").read_text()
    assert "&lt;script&gt;alert(&#x27;answer&#x27;)&lt;/script&gt;" in key_text


def test_no_network_requests(sample_bank: Path, tmp_path: Path, browser) -> None:
    out = tmp_path / "quiz.html"
    assert run_html(sample_bank, "-o", out, "--versions", "1")[0] == 0
    for name in ("quiz-A.html", "quiz-A-key.html"):
        page, watch = open_page(browser, tmp_path / name)
        page.emulate_media(media="print")
        page.wait_for_timeout(100)
        assert watch.requests, "the page itself is a request"
        assert all(url.startswith(("file://", "data:")) for url in watch.requests), watch.requests
        fonts = page.evaluate("[...document.fonts].map(f => f.family)")
        assert fonts == []  # no web fonts


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_printing_keeps_each_question_on_one_page(
    write_bank: Callable[..., Path], tmp_path: Path, browser, paper: str
) -> None:
    bank = write_bank(long_bank(48))
    out = tmp_path / "quiz.html"
    assert run_html(bank, "-o", out, "--paper", paper, "--seed", "4")[0] == 0
    width_mm, height_mm = PAPER_MM[paper]
    top, right, bottom, left = MARGINS_MM
    content_width = round((width_mm - left - right) * PX_PER_MM)
    content_height = (height_mm - top - bottom) * PX_PER_MM
    for name in ("quiz.html", "quiz-key.html"):
        page, _ = open_page(browser, tmp_path / name, viewport_width=content_width)
        page.emulate_media(media="print")
        boxes = page.locator("article.question, .keep-with-heading").evaluate_all(
            """nodes => nodes.map(n => ({
                key: n.dataset.question || n.querySelector('article').dataset.question,
                height: n.getBoundingClientRect().height,
                width: n.getBoundingClientRect().width,
                avoid: getComputedStyle(n).breakInside,
            }))"""
        )
        assert len([b for b in boxes]) >= 48
        for box in boxes:
            assert box["avoid"] == "avoid", box
            assert 0 < box["height"] <= content_height, box
            assert box["width"] <= content_width + 1, box
        # The paper size and margins reach the page.
        html = (tmp_path / name).read_text()
        assert f"size: {'A4' if paper == 'a4' else 'letter'};" in html


def test_versions_hold_the_same_questions_in_different_orders(
    sample_bank: Path, tmp_path: Path, browser
) -> None:
    out = tmp_path / "quiz.html"
    assert (
        run_html(sample_bank, "-o", out, "--versions", "3", "--seed", "11", "--count", "8")[0] == 0
    )
    orders = {}
    for letter in "ABC":
        student, _ = open_page(browser, tmp_path / f"quiz-{letter}.html")
        key, _ = open_page(browser, tmp_path / f"quiz-{letter}-key.html")
        assert student.locator(".version-badge").inner_text() == f"Version {letter}"
        assert f"Version {letter}" in key.locator(".version-badge").inner_text()
        assert f"Version {letter}" in student.locator(".end-of-quiz").inner_text()
        # The running header of every printed page names the version.
        assert f'@top-right {{ content: "Version {letter}"; }}' in student.content()
        orders[letter] = question_keys(student)
        assert question_keys(key) == orders[letter]  # each key numbered like its version
        kept = question_box(student, "sco/kept-order")
        if kept.count():
            assert kept.locator(".choice-text").all_inner_texts() == ["7", "8", "9", "10"]
    assert len(orders["A"]) == 8
    assert set(orders["A"]) == set(orders["B"]) == set(orders["C"])
    assert len({tuple(o) for o in orders.values()}) == 3


def test_versions_shuffle_choices(write_bank: Callable[..., Path], tmp_path: Path, browser) -> None:
    bank = write_bank(long_bank(16))
    out = tmp_path / "quiz.html"
    assert run_html(bank, "-o", out, "--versions", "2", "--seed", "8")[0] == 0
    choice_orders = []
    for letter in "AB":
        page, _ = open_page(browser, tmp_path / f"quiz-{letter}.html")
        choice_orders.append(
            {
                key: question_box(page, key).locator(".choice-text").all_inner_texts()
                for key in ("long/q0", "long/q1", "long/q8", "long/q9")
            }
        )
    a, b = choice_orders
    assert all(sorted(a[k]) == sorted(b[k]) for k in a)
    assert any(a[k] != b[k] for k in a)


@pytest.mark.slow  # thirty versions
def test_a_class_set_of_thirty_versions_goes_past_z(sample_bank: Path, tmp_path: Path) -> None:
    code, stdout, _ = run_html(sample_bank, "-o", tmp_path / "quiz.html", "--versions", "30")
    assert code == 0
    students = [Path(p).name for p in stdout.splitlines() if not p.endswith("-key.html")]
    assert students[:2] == ["quiz-A.html", "quiz-B.html"]
    assert students[25:] == [
        "quiz-Z.html",
        "quiz-AA.html",
        "quiz-AB.html",
        "quiz-AC.html",
        "quiz-AD.html",
    ]
    orders = {
        tuple(re.findall(r'data-question="([^"]+)"', (tmp_path / name).read_text()))
        for name in students
    }
    assert len(orders) == 30  # thirty different orders of the same nine questions
    assert {frozenset(order) for order in orders} == {frozenset(SAMPLE_IDS)}
    assert "Version <strong>AD</strong>" in (tmp_path / "quiz-AD.html").read_text()


def test_failing_user_template_names_its_line(sample_bank: Path, tmp_path: Path) -> None:
    school = tmp_path / "school"
    school.mkdir()
    (school / "quiz.html.j2").write_text(
        "<p>{{ page.title }}</p>\n<p>{{ page.no_such_field }}</p>\n"
    )
    code, _, stderr = run_html(sample_bank, "-o", tmp_path / "q.html", "--template-dir", school)
    assert code == 1
    assert re.search(r"school/quiz\.html\.j2:2:1: error: template error: .*no_such_field", stderr)
    assert "Traceback" not in stderr
    (school / "quiz.html.j2").write_text("{{ 1 + page.title }}\n")
    code, _, stderr = run_html(sample_bank, "-o", tmp_path / "q.html", "--template-dir", school)
    assert code == 1
    assert "quiz.html.j2:1:1: error: template error:" in stderr


def test_running_header_text_cannot_leave_its_css_string() -> None:
    hostile = '</style><script>alert(1)</script> "quoted" \\ ; } body { display: none'
    css = str(templating.css_string_filter(hostile))
    assert css.startswith('"') and css.endswith('"')
    assert re.fullmatch(r'"[A-Za-z0-9 \\]*"', css), css  # only letters, digits, spaces and escapes
    assert "\\3c \\2f style\\3e " in css
    # CSS reads each escape back as its character: the header shows the text as written.
    decoded = re.sub(r"\\([0-9a-f]+) ", lambda m: chr(int(m.group(1), 16)), css[1:-1])
    assert decoded == hostile
