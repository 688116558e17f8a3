"""Hostile input (issue 16): each case ends quickly with a located message, never a traceback.

Sections are independent: each helper adds its own under its own heading.
"""

from __future__ import annotations

import difflib
import os
import random
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from quizgen.bank.check import check_paths
from quizgen.bank.model import MAX_CLOZE_NUMBER, Cloze, Numeric, TrueFalse
from quizgen.bank.provenance import closest_passage, normalize

# ======================================================================================
# The loader (bank/): explicit tags, merge chains, cloze numbers, sources, images
# ======================================================================================

LOADER_SEED = "seeds/004_369735ee3e7b3786.txt"
LOADER_HEADER = f"""\
id: quiz
title: A quiz
sources:
  doc: {LOADER_SEED}
questions:
"""
LOADER_CITE = 'source: {doc: doc, quote: "Energy and fuel supply"}'


@pytest.fixture
def loader_bank(
    write_bank: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> Callable[..., Path]:
    """Write a bank into the temporary folder (the cwd, seeds beside it); return its name."""
    monkeypatch.chdir(write_bank("", "placeholder.txt").parent)

    def write(text: str, name: str = "bank.yaml") -> Path:
        write_bank(text, name)
        return Path(name)

    return write


def loader_pos(text: str, needle: str) -> str:
    """``line:col`` (1-based) where ``needle`` first occurs in ``text``."""
    index = text.index(needle)
    line = text.count("\n", 0, index) + 1
    return f"{line}:{index - (text.rfind(chr(10), 0, index) + 1) + 1}"


def loader_problems(path: Path) -> list[str]:
    return [str(p) for p in check_paths([path]).problems]


def loader_check_process(*args: str, timeout: float = 20) -> subprocess.CompletedProcess[str]:
    """`quizgen check ARGS` in a real process, killed (and the test failed) if it hangs."""
    done = subprocess.run(
        [sys.executable, "-m", "quizgen", "check", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert "Traceback" not in done.stdout + done.stderr
    return done


# -- explicit tags on scalars are validated like plain values ----------------------------


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ('!!int ""', "''"),
        ('!!float ""', "''"),
        ('!!int "-"', "'-'"),
        ('!!int "+"', "'+'"),
        ('!!int "_"', "'_'"),
        ('!!float "-"', "'-'"),
        ('!!int "0x"', "'0x'"),
        ('!!int "1.5"', "'1.5'"),
        ('!!float "one"', "'one'"),
    ],
)
def test_loader_an_explicitly_tagged_number_that_is_not_one_is_located(loader_bank, value, shown):
    text = (
        LOADER_HEADER + f"  - {{id: q, type: numeric, prompt: P, answer: {value}, {LOADER_CITE}}}\n"
    )
    assert loader_problems(loader_bank(text)) == [
        f"bank.yaml:{loader_pos(text, value)}: error: question 'q': "
        f"answer must be a number; {shown} is not one"
    ]


def test_loader_an_explicitly_tagged_bool_must_be_a_boolean_word(loader_bank):
    text = (
        LOADER_HEADER
        + f'  - {{id: q, type: true_false, prompt: P, answer: !!bool "maybe", {LOADER_CITE}}}\n'
    )
    assert loader_problems(loader_bank(text)) == [
        f"bank.yaml:{loader_pos(text, '!!bool')}: error: question 'q': "
        "answer must be true or false, not 'maybe'"
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('!!bool "yes"', True),
        ('!!bool "OFF"', False),
        ("!!bool false", False),
        ('!!int "12"', 12),
        ('!!int "-0x1F"', -31),
        ('!!float "1e3"', 1000.0),
        ("!!float 2", 2.0),
    ],
)
def test_loader_an_explicitly_tagged_value_that_is_valid_still_loads(loader_bank, value, expected):
    qtype = "true_false" if "bool" in value else "numeric"
    text = (
        LOADER_HEADER + f"  - {{id: q, type: {qtype}, prompt: P, answer: {value}, {LOADER_CITE}}}\n"
    )
    report = check_paths([loader_bank(text)])
    assert report.problems == []
    [question] = report.banks[0].questions
    assert isinstance(question, TrueFalse | Numeric)
    assert question.answer == expected and type(question.answer) is type(expected)


# -- a chain of 1,000 merge keys ---------------------------------------------------------


def merge_chain(links: int, filler: int = 0) -> str:
    lines = [
        "id: chain",
        "title: Chain",
        "questions:",
        "  - &q0 {id: q0, type: true_false, prompt: P, answer: true}",
    ]
    lines += [f"  - &q{i} {{<<: *q{i - 1}, id: q{i}}}" for i in range(1, links)]
    if filler:  # enough distinct values that the chain's expansion is within the alias budget
        lines.append("filler: [" + "0, " * filler + "0]")
    return "\n".join(lines) + "\n"


def test_loader_a_chain_of_1000_merge_keys_in_a_small_file_is_an_alias_bomb(loader_bank):
    [problem] = loader_problems(loader_bank(merge_chain(1000)))
    assert problem.startswith("bank.yaml:1:1: error: aliases expand this file to 2,")
    assert problem.endswith("refusing to expand it (an 'alias bomb'?)")


@pytest.mark.slow  # a large input
def test_loader_a_chain_of_1000_merge_keys_within_the_budget_loads_correctly(loader_bank):
    report = check_paths([loader_bank(merge_chain(1000, filler=240_000))])
    assert [str(p) for p in report.errors] == ["bank.yaml:1004:1: error: unknown key 'filler'"]
    questions = {q.id: q for q in report.banks[0].questions}
    assert len(questions) == 1000
    last = questions["q999"]
    assert isinstance(last, TrueFalse)
    assert (last.prompt, last.answer, str(last.location)) == ("P", True, "bank.yaml:1003:5")


# -- cloze numbers -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "shown"),
    [
        ("99999999999999999999", "99999999999999999999"),
        ("9" * 5000, "9" * 20 + "..."),
        ("100000", "100000"),
        (str(MAX_CLOZE_NUMBER + 1), str(MAX_CLOZE_NUMBER + 1)),
    ],
)
def test_loader_a_cloze_number_above_the_limit_is_located(loader_bank, number, shown):
    text = (
        LOADER_HEADER
        + f"  - {{id: q, type: cloze, text: 'A {{{{c{number}::x}}}} b', {LOADER_CITE}}}\n"
    )
    assert loader_problems(loader_bank(text)) == [
        f"bank.yaml:{loader_pos(text, chr(39) + 'A')}: error: question 'q': cloze deletion "
        f"c{shown} is numbered above c{MAX_CLOZE_NUMBER}, the highest number Anki makes a card for"
    ]


@pytest.mark.anki  # the real Anki backend
def test_loader_the_highest_cloze_number_makes_its_card_in_anki(loader_bank, tmp_path):
    """c500 is accepted, and the real Anki backend files it as card 500 (ord 499)."""
    pytest.importorskip("anki")
    from anki_helpers import import_package, open_collection

    text = (
        LOADER_HEADER
        + f"  - {{id: q, type: cloze, text: 'A {{{{c{MAX_CLOZE_NUMBER}::x}}}} b', {LOADER_CITE}}}\n"
    )
    path = loader_bank(text)
    [question] = check_paths([path]).banks[0].questions
    assert isinstance(question, Cloze) and question.numbers == (MAX_CLOZE_NUMBER,)
    done = subprocess.run(
        [sys.executable, "-m", "quizgen", "anki", str(path), "-o", "out.apkg"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    col = open_collection(tmp_path / "collection")
    try:
        import_package(col, Path("out.apkg"))
        ords = [col.get_card(card_id).ord for card_id in col.find_cards("")]
    finally:
        col.close()
    assert ords == [MAX_CLOZE_NUMBER - 1]


@pytest.mark.slow  # a large input
def test_loader_a_cloze_text_of_unclosed_deletions_is_read_in_one_pass(loader_bank):
    # The old regular expression took minutes on a few thousand unclosed markers.
    text = (
        LOADER_HEADER
        + "  - {id: q, type: cloze, text: '"
        + "{{c1::" * 50_000
        + f"', {LOADER_CITE}}}\n"
    )
    at = loader_pos(text, "'{{c1")
    assert loader_problems(loader_bank(text)) == [
        f"bank.yaml:{at}: error: question 'q': cloze text has no deletion; "
        "write gaps as {{c1::answer}}",
        f"bank.yaml:{at}: error: question 'q': cloze text has an unclosed or malformed "
        "deletion; write {{c1::answer}}",
    ]


# -- source documents: only regular files, at most 20 MB ----------------------------------


def source_bank(path_text: str) -> str:
    return LOADER_HEADER.replace(f"doc: {LOADER_SEED}", f"doc: {path_text}") + (
        f"  - {{id: q, type: true_false, prompt: P, answer: true, {LOADER_CITE}}}\n"
    )


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        ("/dev/zero", "is a device, not a regular file"),
        ("/dev/urandom", "is a device, not a regular file"),
        ("link-to-zero.txt", "is a device, not a regular file"),
        ("pipe.txt", "is a FIFO (named pipe), not a regular file"),
        ("folder.txt", "is a folder, not a regular file"),
    ],
)
@pytest.mark.slow  # a real process
def test_loader_a_source_that_is_not_a_regular_file_is_refused_unopened(loader_bank, make, reason):
    if make == "link-to-zero.txt":
        os.symlink("/dev/zero", make)
    elif make == "pipe.txt":
        os.mkfifo(make)  # opening it to read would block until a writer comes
    elif make == "folder.txt":
        os.mkdir(make)
    text = source_bank(make)
    loader_bank(text)
    done = loader_check_process("bank.yaml")
    resolved = Path(make).resolve() if not make.startswith("/dev/") else Path(make)
    where = loader_pos(text, make)
    assert done.returncode == 1
    assert f"bank.yaml:{where}: error: source {resolved} {reason}" in done.stdout.splitlines()


def test_loader_a_source_above_20_mb_is_refused(loader_bank):
    with open("huge.txt", "wb") as f:
        f.truncate(20_000_001)  # sparse: nothing is written, the size is what counts
    text = source_bank("huge.txt")
    assert loader_problems(loader_bank(text))[0] == (
        f"bank.yaml:{loader_pos(text, 'huge.txt')}: error: source {Path('huge.txt').resolve()} "
        "is 20.1 MB; a source document may be at most 20 MB"
    )


@pytest.mark.slow  # a large input
def test_loader_a_source_of_exactly_20_mb_is_read(loader_bank):
    Path("big.txt").write_bytes(b"Energy and fuel supply\n".ljust(20_000_000, b" "))
    assert [p for p in loader_problems(loader_bank(source_bank("big.txt"))) if "error" in p] == []


@pytest.mark.parametrize("make", ["/dev/zero", "pipe.yaml", "link.yaml"])
@pytest.mark.slow  # a real process
def test_loader_a_bank_path_that_is_a_device_or_fifo_is_a_clear_error(loader_bank, make):
    if make == "pipe.yaml":
        os.mkfifo(make)
    elif make == "link.yaml":
        os.symlink("/dev/urandom", make)
    done = loader_check_process(make)
    kind = "a FIFO (named pipe)" if make == "pipe.yaml" else "a device"
    assert done.returncode == 1
    assert f"{make}: error: {make} is {kind}, not a regular file; a bank is a YAML file" in (
        done.stderr + done.stdout
    )


# -- images: images by their bytes, warned above 1 MB, refused above 5 MB ----------------

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 8
IMAGE_BYTES = {
    "ok.png": PNG,
    "ok.jpg": b"\xff\xd8\xff\xe0" + b"\x00" * 12,
    "ok.jpeg": b"\xff\xd8\xff\xdb" + b"\x00" * 12,
    "ok.gif": b"GIF89a" + b"\x00" * 10,
    "ok.webp": b"RIFF\x10\x00\x00\x00WEBPVP8 ",
    "ok.svg": b'<?xml version="1.0"?>\n<!-- drawn -->\n<svg xmlns="http://www.w3.org/2000/svg"/>',
}


def image_bank(name: str) -> str:
    return LOADER_HEADER + (
        f"  - {{id: q, type: true_false, prompt: P, answer: true, image: {name}, {LOADER_CITE}}}\n"
    )


@pytest.mark.parametrize("name", sorted(IMAGE_BYTES))
def test_loader_an_image_of_each_format_is_accepted(loader_bank, name):
    Path(name).write_bytes(IMAGE_BYTES[name])
    assert loader_problems(loader_bank(image_bank(name))) == []


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        (
            "text.png",
            b"just some text\n",
            "is not a PNG image (its first bytes are not a PNG header)",
        ),
        (
            "text.jpg",
            b"just some text\n",
            "is not a JPEG image (its first bytes are not a JPEG header)",
        ),
        ("png.gif", PNG, "is not a GIF image (its first bytes are not a GIF header)"),
        (
            "riff.webp",
            b"RIFF\x10\x00\x00\x00WAVEfmt ",
            "is not a WEBP image (its first bytes are not a WEBP header)",
        ),
        ("empty.png", b"", "is not a PNG image (its first bytes are not a PNG header)"),
        ("text.svg", b"a drawing\n", "is not an SVG image (no <svg> element at its start)"),
        (
            "page.svg",
            b"<html><svg/></html>",
            "is not an SVG image (its root element is <html>, not <svg>)",
        ),
        ("latin1.svg", b"<svg>\xe9</svg>", "is not an SVG image (it is not UTF-8 text)"),
    ],
)
def test_loader_an_image_whose_bytes_are_not_its_format_is_an_error(
    loader_bank, name, content, reason
):
    Path(name).write_bytes(content)
    text = image_bank(name)
    assert loader_problems(loader_bank(text)) == [
        f"bank.yaml:{loader_pos(text, name)}: error: question 'q': image '{name}' {reason}"
    ]


def test_loader_an_image_above_1_mb_is_a_warning_and_above_5_mb_an_error(loader_bank):
    Path("big.png").write_bytes(PNG.ljust(1_500_000, b"\x00"))
    text = image_bank("big.png")
    assert loader_problems(loader_bank(text)) == [
        f"bank.yaml:{loader_pos(text, 'big.png')}: warning: question 'q': image 'big.png' is 1.5 MB; "
        "every page and card that shows it carries it, so keep images under 1 MB"
    ]
    with open("huge.png", "wb") as f:
        f.write(PNG)
        f.truncate(5_000_001)
    text = image_bank("huge.png")
    assert loader_problems(loader_bank(text)) == [
        f"bank.yaml:{loader_pos(text, 'huge.png')}: error: question 'q': image 'huge.png' "
        "is 5.1 MB; an image may be at most 5 MB"
    ]


@pytest.mark.parametrize("make", ["pipe.png", "folder.png"])
@pytest.mark.slow  # a real process
def test_loader_an_image_that_is_not_a_regular_file_is_refused_unopened(loader_bank, make):
    if make == "pipe.png":
        os.mkfifo(make)  # opening it to read would block until a writer comes
    else:
        os.mkdir(make)
    text = image_bank(make)
    loader_bank(text)
    done = loader_check_process("bank.yaml")
    kind = "a FIFO (named pipe)" if make == "pipe.png" else "a folder"
    assert done.returncode == 1
    assert (
        f"bank.yaml:{loader_pos(text, make)}: error: question 'q': image '{make}' is {kind}, "
        "not a regular file"
    ) in done.stdout.splitlines()


# ======================================================================================
# The closest passage (bank/provenance.py): a misquote in a big, repetitive document
# ======================================================================================

PASSAGE_VOCABULARY = [
    "the",
    "a",
    "of",
    "and",
    "to",
    "in",
    "is",
    "it",
    "on",
    "at",
    "be",
    "as",
    "by",
    "or",
    "we",
    "so",
    "if",
    "no",
    "up",
    "do",
]


def passage_repetitive_document(size: int, seed: int) -> list[str]:
    """About ``size`` characters of words drawn from twenty short ones."""
    mean = sum(len(w) + 1 for w in PASSAGE_VOCABULARY) / len(PASSAGE_VOCABULARY)
    return random.Random(seed).choices(PASSAGE_VOCABULARY, k=int(size / mean * 1.01))


@pytest.fixture(scope="module")
def passage_eleven_megabytes() -> list[str]:
    return passage_repetitive_document(11_000_000, seed=11)


def passage_misquote(words: list[str], at: int, span: int = 30) -> tuple[str, str]:
    """A passage of ``words`` and the same passage with its middle word changed."""
    passage = words[at : at + span]
    changed = [*passage]
    changed[span // 2] = "zebra"
    return " ".join(passage), " ".join(changed)


@pytest.mark.parametrize("size", ["250 KB", "11 MB"])
@pytest.mark.slow  # a large input
def test_passage_closest_passage_in_a_big_document_of_small_vocabulary(
    size, passage_eleven_megabytes
):
    words = (
        passage_eleven_megabytes
        if size == "11 MB"
        else passage_repetitive_document(250_000, seed=2)
    )
    document = " ".join(words)
    assert len(document) >= (11_000_000 if size == "11 MB" else 250_000)
    for at in (0, len(words) // 3, len(words) - 30):
        passage, quote = passage_misquote(words, at)
        assert quote not in document
        assert closest_passage(quote, document, limit=10_000) == passage


@pytest.mark.parametrize("size", ["250 KB", "11 MB"])
@pytest.mark.slow  # a large input
def test_passage_a_quote_like_nothing_in_a_big_document_has_no_closest_passage(
    size, passage_eleven_megabytes
):
    words = (
        passage_eleven_megabytes
        if size == "11 MB"
        else passage_repetitive_document(250_000, seed=3)
    )
    assert closest_passage("zebra yak gnu okapi " * 8, " ".join(words)) is None


def test_passage_check_names_the_closest_passage_of_a_misquote_in_a_250_kb_source(tmp_path):
    words = passage_repetitive_document(250_000, seed=7)
    (tmp_path / "big.txt").write_text(" ".join(words) + "\n", encoding="utf-8")
    passage, quote = passage_misquote(words, len(words) // 2, span=12)
    bank = tmp_path / "bank.yaml"
    bank.write_text(
        "id: big\ntitle: Big\nsources:\n  big: big.txt\nquestions:\n"
        "  - {id: q, type: true_false, prompt: P, answer: true,"
        f' source: {{doc: big, quote: "{quote}"}}}}\n',
        encoding="utf-8",
    )
    problems = [str(p) for p in check_paths([bank]).problems if p.severity == "error"]
    column = bank.read_text().splitlines()[5].index(f'"{quote}"') + 1
    assert problems == [
        f"{bank}:6:{column}: error: question 'q': quote not found in source 'big' (big); "
        f'the closest passage is "{passage}"'
    ]


def passage_prose(size: int) -> str:
    """About ``size`` characters of the seeds' words in a random order: a varied vocabulary."""
    words = [w for seed in sorted(Path("seeds").glob("*.txt")) for w in passage_words_of(seed)]
    return " ".join(random.Random(size).choices(words, k=size // 6))


def passage_words_of(path: Path) -> list[str]:
    return normalize(path.read_text(encoding="utf-8-sig")).split(" ")


@pytest.mark.parametrize("size", ["a seed, every window", "a megabyte, placed windows"])
@pytest.mark.slow  # a large input
def test_passage_the_search_finds_a_passage_as_close_as_the_misquoted_one(size):
    # A short document is searched window by window; a big one only where rare runs of the
    # quote's words point. Both find a passage at least as like the quote as the one it came
    # from (the best any search could promise; another passage may be as close).
    if size == "a seed, every window":
        document, shortest = " ".join(passage_words_of(Path("seeds/004_369735ee3e7b3786.txt"))), 2
    else:
        document, shortest = passage_prose(1_000_000), 6
    words = document.split(" ")
    rng = random.Random(16)
    for _ in range(40):
        at, span = rng.randrange(len(words) - 15), rng.randrange(shortest, 15)
        passage = words[at : at + span]
        slipped = [*passage]
        slipped[rng.randrange(span)] += "q"
        quote = " ".join(slipped)
        found = closest_passage(quote, document, limit=10_000)
        assert found is not None
        assert passage_likeness(found, quote) >= passage_likeness(" ".join(passage), quote)


def passage_likeness(passage: str, quote: str) -> float:
    return difflib.SequenceMatcher(None, passage, quote, autojunk=False).ratio()
