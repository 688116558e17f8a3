"""Helpers for the printable-quiz tests: sample banks and a real Chromium driven by Playwright."""

from __future__ import annotations

import re
import struct
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

# A bank with every question type, an image, sources, topics, Markdown and distinctive
# answers (so a test can tell that an answer leaked onto the student page).
SAMPLE_BANK = """\
id: sco
title: The SCO and its members
description: Facts from two articles on **Pakistan** and Russia at the SCO.
sources:
  sco-2025:
    path: seeds/004_369735ee3e7b3786.txt
    title: Pakistan–Russia SCO meeting (blog post)
  putin-khan: seeds/000_294d461ed006609b.txt
questions:
  - id: full-members
    type: multiple_answer
    prompt: Which of these countries are full members of the SCO?
    choices: [China, India, Turkey, Uzbekistan, Afghanistan, Kyrgyzstan]
    answer: [China, India, Uzbekistan, Kyrgyzstan]
    explanation: The article lists nine full members; Turkey and Afghanistan are not among them.
    topic: Membership
    points: 2
    source:
      doc: sco-2025
      quote: "Current full members include: China, Russia, Pakistan, India, Iran, Kazakhstan, Kyrgyzstan, Tajikistan, and Uzbekistan."
  - id: meeting-city
    type: multiple_choice
    prompt: Where were Putin and Khan to meet at the SCO?
    choices: [Bishek, Moscow, Islamabad, Beijing]
    answer: Bishek
    explanation: Dunya News named the city as Bishek.
    topic: The 2019 summit
    source:
      doc: putin-khan
      quote: "on June 14 in Bishek"
  - id: kept-order
    type: multiple_choice
    prompt: How many full members does the article list?
    choices: ["7", "8", "9", "10"]
    answer: "9"
    shuffle: false
    topic: Membership
  - id: rats
    type: true_false
    prompt: "RATS is the SCO's *Regional Anti-Terrorist Structure*."
    answer: true
    explanation: Zanzibarian explanation text that only the key may show.
    topic: Security
  - id: sidelines
    type: short_answer
    prompt: On the ... of which organization's summit did the leaders meet?
    answer: [Quokkaorg, the Quokka Organization]
    topic: The 2019 summit
  - id: meeting-day
    type: numeric
    prompt: On which day of June 2019 was the meeting planned?
    answer: 14.25
    tolerance: 0.5
    unit: th of June
    topic: The 2019 summit
    image: chart.png
  - id: fuel
    type: cloze
    prompt: Complete the sentence from the article.
    text: "Pakistan explores buying {{c1::Xylofuel::a kind of fuel}} and {{c2::Wombatgas}} supplies."
    topic: Energy
  - id: leaders
    type: matching
    prompt: Match each leader to their country.
    pairs:
      - [Vladimir Putin, Russia]
      - [Imran Khan, Pakistan]
      - [Xi Jinping, China]
    topic: The 2019 summit
  - id: meeting-steps
    type: ordering
    prompt: Put the preparation of such a meeting in order.
    items: [Lower level diplomats agree, Officials develop a relationship, The leaders meet]
    topic: The 2019 summit
"""

# Distinctive answer texts that must never appear on a student page.
STUDENT_SECRETS = (
    "Quokkaorg",
    "Quokka Organization",
    "14.25",
    "Xylofuel",
    "Wombatgas",
    "Zanzibarian",
    "Dunya News named",
    "Turkey and Afghanistan are not among them",
    "Current full members include",
)

HOSTILE_BANK = """\
id: hostile
title: "<script>alert('title')</script> Hostile <img src=x onerror=alert(1)>"
description: "</style><script>alert('description')</script>"
questions:
  - id: h1
    type: multiple_choice
    prompt: "<script>alert('prompt')</script><img src=x onerror=alert('img')> **bold**"
    choices: ["<b onmouseover=alert(1)>one</b>", "</li><script>alert('choice')</script>"]
    answer: "<b onmouseover=alert(1)>one</b>"
    explanation: "<iframe src=javascript:alert('explanation')></iframe>"
    topic: "<script>alert('topic')</script>"
  - id: h2
    type: cloze
    text: "A {{c1::<script>alert('cloze')</script>::<img src=x onerror=alert('hint')>}} gap"
  - id: h3
    type: matching
    prompt: "Match </article><script>alert('m')</script>"
    pairs:
      - ["<svg onload=alert('left')>", "<script>alert('right')</script>"]
      - ["{{ 7*7 }}", "{% raw %}x"]
  - id: h4
    type: numeric
    prompt: "Unit test"
    answer: 3
    unit: "<script>alert('unit')</script>"
  - id: h5
    type: short_answer
    prompt: "\\"><script>alert('attr')</script>"
    answer: ["<script>alert('answer')</script>"]
"""


def tiny_png(width: int = 60, height: int = 30) -> bytes:
    """A small striped PNG made without any imaging library."""
    rows = b"".join(
        b"\x00"
        + bytes(((x * 4) % 256 if y < height // 2 else 0) for x in range(width) for _ in "rgb")
        for y in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@dataclass
class PageWatch:
    """What a page did while loading: dialogs opened, requests made, console errors."""

    dialogs: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@contextmanager
def chromium(executable: str) -> Iterator[object]:
    """A headless Chromium browser (Playwright, sync API) running the given executable."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=LAUNCH_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def open_page(browser, path: Path, *, viewport_width: int = 900):  # type: ignore[no-untyped-def]
    """Open a local HTML file, recording dialogs, requests and errors; return (page, watch)."""
    watch = PageWatch()
    page = browser.new_page(viewport={"width": viewport_width, "height": 1000})

    def on_dialog(dialog) -> None:  # type: ignore[no-untyped-def]
        watch.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("request", lambda request: watch.requests.append(request.url))
    page.on("pageerror", lambda error: watch.errors.append(str(error)))
    page.goto(Path(path).resolve().as_uri())
    page.wait_for_load_state("load")
    return page, watch


def pdf_page_count(data: bytes) -> int:
    """The page count of a PDF written by Chromium (its page tree's /Count)."""
    counts = [int(n) for n in re.findall(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)", data, re.S)]
    counts += [int(n) for n in re.findall(rb"/Count\s+(\d+)[^>]*?/Type\s*/Pages\b", data, re.S)]
    return max(counts, default=0)


def pdf_page_sizes(data: bytes) -> list[tuple[float, float]]:
    """Width and height in points of every /MediaBox in a PDF."""
    boxes = re.findall(rb"/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]", data)
    return [(float(x1) - float(x0), float(y1) - float(y0)) for x0, y0, x1, y1 in boxes]


def long_bank(count: int, *, topic_every: int = 7) -> str:
    """A bank of ``count`` questions cycling through all eight types, some of them long.

    Choices, matching pairs and ordering items end in the question's number, so a
    test can find every line of a question.
    """
    lines = ["id: long", "title: A long quiz", "questions:"]
    filler = "This sentence makes the prompt longer so that boxes differ in height. "
    for i in range(count):
        kind = i % 8
        topic = f"Topic {i // topic_every + 1}"
        prompt = f"Question {i} asks something. " + filler * (i % 5)
        head = [f"  - id: q{i}", f"    topic: {topic}", f"    points: {1 + i % 3}"]
        if kind == 0:
            body = [
                "    type: multiple_choice",
                f"    prompt: {prompt}",
                f"    choices: [alpha {i}, beta {i}, gamma {i}, delta {i}, epsilon {i}]",
                f"    answer: gamma {i}",
            ]
        elif kind == 1:
            body = [
                "    type: multiple_answer",
                f"    prompt: {prompt}",
                f"    choices: [one {i}, two {i}, three {i}, four {i}, five {i}, six {i}]",
                f"    answer: [two {i}, five {i}]",
            ]
        elif kind == 2:
            body = ["    type: true_false", f"    prompt: {prompt}", "    answer: false"]
        elif kind == 3:
            body = ["    type: short_answer", f"    prompt: {prompt}", "    answer: [word, other]"]
        elif kind == 4:
            body = [
                "    type: numeric",
                f"    prompt: {prompt}",
                "    answer: 3.5",
                "    tolerance: 0.1",
                "    unit: kg",
            ]
        elif kind == 5:
            body = [
                "    type: cloze",
                f"    text: '{prompt} {{{{c1::first}}}} then {{{{c2::second::hint}}}}.'",
            ]
        elif kind == 6:
            body = ["    type: matching", f"    prompt: {prompt}", "    pairs:"]
            body += [f"      - [left {j} of {i}, right {j} of {i}]" for j in range(6)]
        else:
            body = [
                "    type: ordering",
                f"    prompt: {prompt}",
                f"    items: [first {i}, second {i}, third {i}, fourth {i}, fifth {i}]",
            ]
        lines += head + body
    return "\n".join(lines) + "\n"


def long_bank_lines(index: int) -> list[str]:
    """The texts printed for question ``index`` of :func:`long_bank` (those it can name)."""
    kind = index % 8
    texts = [f"Question {index} asks"]
    if kind == 0:
        texts += [f"{w} {index}" for w in ("alpha", "beta", "gamma", "delta", "epsilon")]
    elif kind == 1:
        texts += [f"{w} {index}" for w in ("one", "two", "three", "four", "five", "six")]
    elif kind == 6:
        texts += [f"{side} {j} of {index}" for j in range(6) for side in ("left", "right")]
    elif kind == 7:
        texts += [f"{w} {index}" for w in ("first", "second", "third", "fourth", "fifth")]
    return texts
