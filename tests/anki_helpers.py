"""Helpers for the Anki tests: a bank using every question type, and the real Anki backend."""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

# One question of every type, hostile text included, two topics, one question without topic.
ALL_TYPES_BANK = """\
id: sco
title: The SCO
description: Facts about the <b>SCO</b>.
sources:
  sco-2025:
    path: seeds/004_369735ee3e7b3786.txt
    title: Pakistan–Russia SCO meeting (blog post)
questions:
  - id: mc-largest
    type: multiple_choice
    prompt: "What is the SCO? <script>alert(1)</script>"
    choices: ["A regional alliance", "A football club", "A bank <img src=x onerror=alert(2)>"]
    answer: A regional alliance
    explanation: It is **one of the largest** regional alliances.
    tags: [basics, intro]
    topic: The SCO
    difficulty: easy
    image: images/flag.png
    source:
      doc: sco-2025
      quote: one of the world’s largest regional alliances
  - id: ma-areas
    type: multiple_answer
    prompt: Which are areas of Pakistan–Russia cooperation?
    choices: [Energy and fuel supply, Space tourism, Defense dialogues, Fishing quotas]
    answer: [Energy and fuel supply, Defense dialogues]
    topic: Pakistan and Russia
    difficulty: medium
    source:
      doc: sco-2025
      quote: Energy and fuel supply
  - id: tf-history
    type: true_false
    prompt: Pakistan and Russia share a long, complex history.
    answer: true
    topic: Pakistan and Russia
  - id: sa-abbrev
    type: short_answer
    prompt: What does *SCO* stand for?
    answer: [Shanghai Cooperation Organization, Shanghai Cooperation Organisation]
    topic: The SCO
    tags: [names]
  - id: num-members
    type: numeric
    prompt: How many full members does the SCO have?
    answer: 9
    tolerance: 0.5
    unit: countries
    topic: The SCO
  - id: cloze-focus
    type: cloze
    prompt: Fill in the SCO's focus areas.
    text: "The SCO focuses on {{c1::security cooperation::kind of cooperation}} and {{c2::economic integration}}, plus [sound:x.mp3] \\\\(x\\\\)."
    topic: The SCO
  - id: match-areas
    type: matching
    prompt: Match each word to its area.
    pairs:
      - [Energy, fuel supply]
      - [Defense, dialogues]
      - [Trade, investment]
  - id: order-steps
    type: ordering
    prompt: Put these in the order the article lists them.
    items: [Security cooperation, Economic integration, Cultural collaboration, Counterterrorism efforts]
    topic: The SCO
"""

#: Cards each question of ALL_TYPES_BANK makes: cloze 2 deletions, matching 3 pairs.
ALL_TYPES_CARDS = {
    "multiple_choice": 1,
    "multiple_answer": 1,
    "true_false": 1,
    "short_answer": 1,
    "numeric": 1,
    "cloze": 2,
    "matching": 3,
    "ordering": 1,
}


def png_bytes(width: int = 4, height: int = 3, rgb: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    """A small valid PNG of one colour."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return (
            struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)
        )

    row = b"\x00" + bytes(rgb) * width
    raw = row * height
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def write_image(folder: Path, name: str = "images/flag.png", **kwargs: object) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(png_bytes(**kwargs))  # type: ignore[arg-type]
    return path


@dataclass
class Imported:
    """A fresh Anki collection after importing a package, and the import log."""

    col: object  # anki.collection.Collection
    log: object  # anki.import_export_pb2.ImportResponse.Log


def open_collection(folder: Path):
    """A new, empty Anki collection in ``folder``."""
    from anki.collection import Collection

    folder.mkdir(parents=True, exist_ok=True)
    return Collection(str(folder / "collection.anki2"))


def import_package(col, package: Path):
    """Import ``package`` with Anki's default import options; return the import log."""
    from anki.import_export_pb2 import ImportAnkiPackageOptions, ImportAnkiPackageRequest

    request = ImportAnkiPackageRequest(
        package_path=str(package), options=ImportAnkiPackageOptions()
    )
    return col.import_anki_package(request).log


def card_page(markup: str, *, night: bool, media_dir: Path, typed: str | None = None) -> str:
    """A card's rendered HTML as the Anki reviewer shows it: in a body of class ``card``.

    Anki's ``[[type:Field]]`` marker becomes the answer box on a front, and the
    comparison of ``typed`` on a back, as the reviewer does it.
    """
    import html

    if typed is None:
        box = '<input type="text" id="typeans">'
    else:
        box = f'<code id="typeans"><span class="typeGood">{html.escape(typed)}</span></code>'
    markup = markup.replace("[[type:Answer]]", box)
    classes = "card nightMode" if night else "card"
    return (
        '<!doctype html><html><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<base href="{media_dir.resolve().as_uri()}/"></head>'
        f'<body class="{classes}">{markup}</body></html>'
    )
