"""Benchmark: a class set of printable quizzes, timed next to parsing the bank.

The job: ``quizgen html --versions 30 --count 50``'s work after loading: 30 student pages
(versions A to Z, AA to AD) and their 30 keys, all of the same 50 questions drawn with a
fixed seed from a 10,000-question bank of all eight types. Timed in the same run:

* parse: ``yaml.load`` with libyaml's CSafeLoader (the floor every command pays at least),
  and quizgen's ``load_banks`` (load into the typed model, every rule checked);
* render: ``render_quizzes`` for the class set in memory (layout, shuffles, Jinja2), and
  ``write_quizzes``, which also writes the 60 files atomically (each one synced to disk);
* a Jinja2 floor: the same 60 pages from a bare autoescaped template that prints each
  prompt and its choices and nothing else (no layout, no shuffles, no key, no files);
* optionally, printing one version and its key to PDF with the machine's Chromium.

Each figure is the best of several runs, which keeps other load on the machine out of
the comparison.

Usage: python bench/bench_html.py [N] [--pdf]   (default 10000 questions)
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import jinja2
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate_bank import REPO, write_bank

from quizgen.bank.load import load_banks
from quizgen.bank.select import select
from quizgen.outputs.html import QuizOptions, render_quizzes, write_quizzes

ROUNDS = 5
CLASS_SIZE = 30
QUESTIONS = 50
SEED = "bench"
CLASS_OPTIONS = QuizOptions(versions=CLASS_SIZE, seed=SEED)

FLOOR_TEMPLATE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>{{ title }}</title></head>
<body><h1>{{ title }}</h1><ol>{% for q in questions %}<li>{{ q.prompt or q.text }}
{% if q.choices %}<ul>{% for c in q.choices %}<li>{{ c }}</li>{% endfor %}</ul>{% endif %}
</li>{% endfor %}</ol></body></html>"""


def best_of(func: Callable[[], object], rounds: int = ROUNDS) -> float:
    """The fastest of ``rounds`` timed calls, in seconds."""
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def class_set(banks, questions, out: Path) -> list[Path]:  # type: ignore[no-untyped-def]
    """30 versions of the quiz and their keys, written as `quizgen html --versions` does."""
    quizzes = write_quizzes(banks, questions, out / "quiz.html", CLASS_OPTIONS)
    return [path for quiz in quizzes for path in (quiz.quiz, quiz.key)]


def jinja_floor(questions) -> list[str]:  # type: ignore[no-untyped-def]
    env = jinja2.Environment(autoescape=True)
    template = env.from_string(FLOOR_TEMPLATE)
    return [
        template.render(title="Benchmark bank", questions=questions) for _ in range(2 * CLASS_SIZE)
    ]


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    count = int(args[0]) if args else 10_000
    path = write_bank(count, REPO / "bench" / "out" / f"bank-{count}.yaml")
    size_mb = path.stat().st_size / 1e6

    banks = load_banks([path])
    assert sum(len(b.questions) for b in banks) == count
    questions = select(banks, count=QUESTIONS, seed=SEED)
    assert len(questions) == QUESTIONS
    kinds = sorted({q.type for q in questions})

    with tempfile.TemporaryDirectory(prefix="quizgen-bench-") as tmp:
        out = Path(tmp)
        pages = class_set(banks, questions, out)
        assert len(pages) == 2 * CLASS_SIZE
        page_kb = sum(p.stat().st_size for p in pages) / len(pages) / 1e3

        libyaml = best_of(
            lambda: yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        )
        parse = best_of(lambda: load_banks([path]))
        render = best_of(lambda: render_quizzes(banks, questions, CLASS_OPTIONS))
        write = best_of(lambda: class_set(banks, questions, out))
        floor = best_of(lambda: jinja_floor(questions))
        floor_kb = sum(len(p.encode()) for p in jinja_floor(questions)) / (2 * CLASS_SIZE) / 1e3

        pdf_time = None
        if "--pdf" in sys.argv:
            from quizgen.outputs.pdf import find_browser, html_to_pdf

            browser = find_browser()
            first = pages[:2]
            pdf_time = best_of(
                lambda: [html_to_pdf(p, p.with_suffix(".pdf"), browser=browser) for p in first],
                rounds=3,
            )
        shutil.rmtree(out, ignore_errors=True)

    print(
        f"bank: {count:,} questions ({size_mb:.1f} MB), {len(kinds)} types among the {QUESTIONS} drawn"
    )
    print(
        f"class set: {CLASS_SIZE} versions x {QUESTIONS} questions = {2 * CLASS_SIZE} pages "
        f"(student + key), {page_kb:.0f} kB a page"
    )
    pages_n = 2 * CLASS_SIZE
    print(f"parse, libyaml yaml.load:          {libyaml:.3f} s")
    print(f"parse, quizgen load_banks:         {parse:.3f} s")
    print(
        f"render the class set (in memory):  {render:.3f} s  ({render / pages_n * 1e3:.1f} ms a page)"
    )
    print(
        f"render + write the 60 files:       {write:.3f} s  ({write / pages_n * 1e3:.1f} ms a page)"
    )
    print(f"jinja2 floor, same 60 pages:       {floor:.3f} s  ({floor_kb:.0f} kB a page)")
    print(f"render / parse (load_banks):       {render / parse:.3f}x")
    print(f"render + write / parse:            {write / parse:.3f}x")
    print(f"render / jinja2 floor:             {render / floor:.1f}x")
    if pdf_time is not None:
        print(f"print one version + key to PDF:    {pdf_time:.3f} s")


if __name__ == "__main__":
    main()
