"""Hostile input (issue 16): each case ends quickly with a located message, never a traceback.

Sections are independent: each helper adds its own under its own heading.
"""

from __future__ import annotations

import difflib
import os
import random
import signal
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


# ======================================================================================
# The command line (cli/): signals, closed streams, outputs that are inputs, sets
# ======================================================================================

CLI_BANK = f"""\
id: BANKID
title: Bank BANKID
sources:
  doc: {LOADER_SEED}
questions:
  - {{id: q1, type: true_false, topic: T, prompt: "One", answer: true, {LOADER_CITE}}}
  - {{id: q2, type: true_false, topic: T, prompt: "Two", answer: false, {LOADER_CITE}}}
"""


def cli_bank(bank_id: str) -> str:
    return CLI_BANK.replace("BANKID", bank_id)


@pytest.fixture
def cli_folder(write_bank: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temporary folder (the cwd) holding bank.yaml (id ``bank``) and the seeds."""
    path = write_bank(cli_bank("bank"))
    monkeypatch.chdir(path.parent)
    return path.parent


def cli_run(
    *args: str, shell_redirect: str = "", env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """`quizgen ARGS` in a real process (through sh when a redirection such as ``>&-`` is
    given); never a traceback."""
    command = [sys.executable, "-m", "quizgen", *args]
    if shell_redirect:
        quoted = " ".join("'" + a.replace("'", "'\\''") + "'" for a in command)
        done = subprocess.run(
            f"exec {quoted} {shell_redirect}",
            shell=True,
            capture_output=True,
            text=True,
            timeout=timeout,
            env={**os.environ, **(env or {})},
        )
    else:
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=timeout,
            env={**os.environ, **(env or {})},
            stdin=subprocess.DEVNULL,
        )
    assert "Traceback" not in done.stdout + done.stderr, done.stderr
    assert "internal error" not in done.stderr, done.stderr
    return done


def cli_leftovers(folder: Path) -> list[str]:
    """Temporary files and journals of quizgen's writers under ``folder``."""
    return sorted(p.name for p in folder.rglob(".*") if p.name.endswith((".tmp", ".journal")))


# -- Ctrl-C and SIGTERM: "Interrupted." and exit 130, in every command ---------------------

CLI_COMMANDS = {
    "check": ["check", "bank.yaml"],
    "list": ["list", "bank.yaml"],
    "anki": ["anki", "bank.yaml", "-o", "out.apkg"],
    "html": ["html", "bank.yaml", "-o", "out.html", "--seed", "1"],
    "build": ["build", "bank.yaml", "-o", "dist"],
    "export": ["export", "json", "bank.yaml", "-o", "out.json"],
    "web": ["web", "bank.yaml", "-o", "out.study.html"],
    "quiz": ["quiz", "bank.yaml"],
    "review": ["review", "bank.yaml", "--state", "state.db"],
    "stats": ["stats", "bank.yaml", "--state", "state.db"],
}


@pytest.mark.parametrize("sent", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
@pytest.mark.parametrize("command", sorted(CLI_COMMANDS))
@pytest.mark.slow  # a real process per command
def test_cli_a_signal_from_outside_interrupts_every_command_with_130(cli_folder, command, sent):
    process = subprocess.Popen(
        [sys.executable, "-m", "quizgen", *CLI_COMMANDS[command]],
        stdin=subprocess.PIPE,  # open and silent: quiz and review would wait for an answer
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "QUIZGEN_FAULT": "command:pause"},
    )
    assert process.stderr is not None
    assert process.stderr.readline() == "quizgen-fault: paused at command\n"
    process.send_signal(sent)
    out, err = process.communicate(timeout=60)
    assert (process.returncode, err.strip()) == (130, "Interrupted."), err
    assert "Aborted!" not in out + err
    assert sorted(p.name for p in cli_folder.iterdir()) == ["bank.yaml", "seeds"]


@pytest.mark.slow  # a real process
def test_cli_sigterm_while_quiz_waits_for_an_answer_stops_with_the_summary(cli_folder):
    # As Ctrl-C does (README): the summary so far, exit 130.
    process = subprocess.Popen(
        [sys.executable, "-m", "quizgen", "quiz", "bank.yaml", "--no-shuffle"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None
    shown = b""
    while not shown.endswith(b"> "):  # the first question's prompt: it waits for an answer
        byte = process.stdout.read(1)
        assert byte, shown
        shown += byte
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130
    assert "Stopped before the first answer." in out.decode()
    assert b"Traceback" not in out + err


@pytest.mark.parametrize(("fault", "sent"), [("stage-2:term", "SIGTERM"), ("stage-2:int", "SIGINT")])  # fmt: skip
@pytest.mark.slow  # a real process
def test_cli_a_signal_while_html_stages_its_set_leaves_the_old_set(cli_folder, fault, sent):
    first = cli_run("html", "bank.yaml", "-o", "q.html", "--versions", "2", "--seed", "1")
    assert first.returncode == 0
    old = {p.name: p.read_bytes() for p in cli_folder.glob("q-*.html")}
    assert sorted(old) == ["q-A-key.html", "q-A.html", "q-B-key.html", "q-B.html"]
    done = cli_run(
        "html", "bank.yaml", "-o", "q.html", "--versions", "2", "--seed", "2",
        env={"QUIZGEN_FAULT": fault},
    )  # fmt: skip
    assert (done.returncode, done.stderr.strip()) == (130, "Interrupted."), sent
    assert {p.name: p.read_bytes() for p in cli_folder.glob("q-*.html")} == old
    assert cli_leftovers(cli_folder) == []


@pytest.mark.slow  # a real process
def test_cli_a_full_disk_while_html_stages_its_set_leaves_the_old_set(cli_folder):
    assert cli_run("html", "bank.yaml", "-o", "q.html", "--seed", "1").returncode == 0
    old = {p.name: p.read_bytes() for p in cli_folder.glob("q*.html")}
    assert sorted(old) == ["q-key.html", "q.html"]
    done = cli_run(
        "html", "bank.yaml", "-o", "q.html", "--seed", "2", env={"QUIZGEN_FAULT": "stage-1:enospc"}
    )
    assert done.returncode == 1
    assert done.stderr == (
        "q-key.html: error: cannot write q-key.html: No space left on device; "
        "the old file and the 1 other file of its set were left as they were\n"
    )
    assert {p.name: p.read_bytes() for p in cli_folder.glob("q*.html")} == old
    assert cli_leftovers(cli_folder) == []


# -- stdin or stdout closed: a clear error, a non-zero exit --------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["list", "bank.yaml"],
        ["check", "bank.yaml"],
        ["build", "bank.yaml", "-o", "dist"],
        ["anki", "bank.yaml", "-o", "out.apkg"],
        ["stats", "bank.yaml", "--state", "state.db"],
        ["--version"],
    ],
    ids=lambda args: args[0],
)
@pytest.mark.slow  # a real process
def test_cli_stdout_closed_is_an_error_before_anything_runs(cli_folder, args):
    done = cli_run(*args, shell_redirect=">&-")
    assert done.returncode == 1
    assert done.stderr == "quizgen: standard output is closed; quizgen reports on it\n"
    assert sorted(p.name for p in cli_folder.iterdir()) == ["bank.yaml", "seeds"]


@pytest.mark.parametrize("command", ["list", "check"])
@pytest.mark.slow  # a real process
def test_cli_stdout_on_a_full_device_is_a_clear_error(cli_folder, command):
    done = cli_run(command, "bank.yaml", shell_redirect=">/dev/full")
    assert done.returncode == 1
    assert done.stderr == "quizgen: cannot write standard output: No space left on device\n"


@pytest.mark.parametrize(
    "args", [["quiz", "bank.yaml"], ["review", "bank.yaml", "--state", "state.db"]], ids=str
)
@pytest.mark.slow  # a real process
def test_cli_stdin_closed_is_an_error_for_the_commands_that_read_answers(cli_folder, args):
    done = cli_run(*args, shell_redirect="<&-")
    assert done.returncode == 1
    assert done.stderr.startswith(
        "quizgen: error: standard input is closed; answers are read from it"
    )
    assert not Path("state.db").exists()


@pytest.mark.slow  # a real process
def test_cli_stdin_closed_does_not_matter_to_the_other_commands(cli_folder):
    done = cli_run("list", "bank.yaml", shell_redirect="<&-")
    assert done.returncode == 0
    assert "2 questions" in done.stdout


# -- empty output paths, and the number of versions ----------------------------------------


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["html", "bank.yaml", "-o", ""], "'-o' / '--output'"),
        (["anki", "bank.yaml", "-o", ""], "'-o' / '--output'"),
        (["web", "bank.yaml", "-o", " "], "'-o' / '--output'"),
        (["export", "json", "bank.yaml", "-o", ""], "'-o' / '--output'"),
        (["build", "bank.yaml", "-o", ""], "'-o' / '--out-dir'"),
    ],
    ids=lambda value: value[0] if isinstance(value, list) else None,
)
@pytest.mark.slow  # a real process
def test_cli_an_empty_output_path_is_a_usage_error(cli_folder, args, option):
    done = cli_run(*args)
    assert done.returncode == 2
    assert f"Invalid value for {option}: an output path must not be empty" in done.stderr
    assert sorted(p.name for p in cli_folder.iterdir()) == ["bank.yaml", "seeds"]


@pytest.mark.parametrize("command", ["html", "build", "export"])
@pytest.mark.slow  # a real process
def test_cli_versions_above_the_maximum_is_a_usage_error(cli_folder, command):
    from quizgen.outputs.base import MAX_VERSIONS

    args = {"html": ["html"], "build": ["build"], "export": ["export", "html"]}[command]
    done = cli_run(*args, "bank.yaml", "--versions", str(MAX_VERSIONS + 1))
    assert done.returncode == 2
    assert f"{MAX_VERSIONS + 1} is not in the range 1<=x<={MAX_VERSIONS}" in done.stderr
    assert sorted(p.name for p in cli_folder.iterdir()) == ["bank.yaml", "seeds"]


def test_cli_versions_above_the_maximum_in_quizgen_toml_is_located(cli_folder):
    from quizgen.build import load_config
    from quizgen.errors import QuizgenError
    from quizgen.outputs.base import MAX_VERSIONS

    Path("quizgen.toml").write_text(f"[build]\nversions = {MAX_VERSIONS + 1}\n")
    with pytest.raises(QuizgenError) as caught:
        load_config(Path("quizgen.toml"))
    assert [str(p) for p in caught.value.problems] == [
        f"quizgen.toml:2:1: error: versions must be a whole number from 1 to {MAX_VERSIONS}, "
        f"not {MAX_VERSIONS + 1}"
    ]


@pytest.mark.slow  # a hundred versions of a quiz
def test_cli_the_most_versions_are_written_in_memory_that_does_not_grow_with_them(cli_folder):
    import tracemalloc

    from quizgen.bank.load import load_banks
    from quizgen.outputs.base import MAX_VERSIONS
    from quizgen.outputs.html import QuizOptions, write_quizzes

    [bank] = load_banks([Path("bank.yaml")])
    peaks = {}
    for versions in (4, MAX_VERSIONS):
        options = QuizOptions(versions=versions, seed=1)
        write_quizzes([bank], bank.questions, Path(f"v{versions}/q.html"), options)
        tracemalloc.start()
        write_quizzes([bank], bank.questions, Path(f"v{versions}/q.html"), options)
        peaks[versions] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    pages = sorted(Path(f"v{MAX_VERSIONS}").glob("*.html"))
    assert len(pages) == 2 * MAX_VERSIONS
    extra_pages = sum(p.stat().st_size for p in pages) * (MAX_VERSIONS - 4) / MAX_VERSIONS
    # Holding every page before writing (as before) grows by at least the pages' size; one
    # version at a time grows only by the versions' plans (a few hundred bytes a question).
    assert peaks[MAX_VERSIONS] - peaks[4] < extra_pages / 2, (peaks, extra_pages)


# -- bank text on the terminal: the one sanitiser ------------------------------------------


@pytest.mark.slow  # a real process
def test_cli_list_never_sends_control_characters_to_the_terminal(cli_folder):
    hostile = r"Clear\e[2J title\e]0;owned\a csi\u009b31m nul\0 end"
    Path("bank.yaml").write_text(
        cli_bank("bank")
        .replace('prompt: "One"', f'prompt: "{hostile}"')
        .replace('topic: T, prompt: "Two"', f'topic: "{hostile}", prompt: "Two"'),
        encoding="utf-8",
    )
    done = cli_run("list", "bank.yaml")
    assert done.returncode == 0, done.stderr
    for raw in ("\x1b", "\x9b", "\x00", "\x07"):
        assert raw not in done.stdout
    assert "Clear\\x1b[2J title\\x1b]0;owned\\x07 csi\\x9b31m nul\\x00 end" in done.stdout
    assert "by topic: " in done.stdout and "\\x1b[2J" in done.stdout.split("by topic: ")[1]


def test_cli_check_json_escapes_c1_controls():
    import json

    from quizgen.cli.check import Summary, as_json
    from quizgen.errors import Location, Problem

    problem = Problem(Location("b.yaml", 1, 1), "error", "a\x9b31m b\x1b[2J c\x7f")
    text = as_json([problem], Summary(1, 1, 1, 1, 0, False))
    assert not any(ch in text for ch in "\x9b\x1b\x7f")
    assert json.loads(text)["problems"][0]["message"] == "a\x9b31m b\x1b[2J c\x7f"


# -- an output is never an input, a device, or written twice --------------------------------


@pytest.mark.parametrize(
    ("args", "target"),
    [
        (["anki", "bank.yaml", "-o", "bank.yaml"], "bank.yaml"),
        (["anki", "bank.yaml", "-o", f"./seeds/../{LOADER_SEED}"], LOADER_SEED),
        (["web", "bank.yaml", "-o", "bank.yaml"], "bank.yaml"),
        (["export", "json", "bank.yaml", "-o", LOADER_SEED], LOADER_SEED),
        (["export", "web", "bank.yaml", "-o", "bank.yaml"], "bank.yaml"),
    ],
    ids=lambda value: "-".join(value[:2]) if isinstance(value, list) else None,
)
@pytest.mark.slow  # a real process
def test_cli_an_output_that_is_an_input_is_refused(cli_folder, args, target):
    before = Path(target).read_bytes()
    done = cli_run(*args)
    assert done.returncode == 1
    assert "it is an input of this run" in done.stderr
    assert Path(target).read_bytes() == before
    assert cli_leftovers(cli_folder) == []


@pytest.mark.slow  # a real process
def test_cli_an_image_named_as_the_anki_output_is_refused(cli_folder):
    Path("pic.png").write_bytes(PNG)
    Path("bank.yaml").write_text(
        cli_bank("bank").replace('prompt: "One"', 'prompt: "One", image: pic.png'),
        encoding="utf-8",
    )
    done = cli_run("anki", "bank.yaml", "-o", "pic.png")
    assert done.returncode == 1
    assert done.stderr.startswith(
        "pic.png: error: cannot write pic.png: it is an input of this run"
    )
    assert Path("pic.png").read_bytes() == PNG


@pytest.mark.slow  # a real process
def test_cli_html_pages_named_like_a_source_are_refused(cli_folder):
    Path("notes.html").write_text("Energy and fuel supply\n", encoding="utf-8")
    Path("bank.yaml").write_text(
        cli_bank("bank").replace(LOADER_SEED, "notes.html"), encoding="utf-8"
    )
    done = cli_run("html", "bank.yaml", "-o", "notes.html")
    assert done.returncode == 1
    assert "notes.html: error: cannot write notes.html: it is an input of this run" in done.stderr
    assert Path("notes.html").read_text() == "Energy and fuel supply\n"
    assert not Path("notes-key.html").exists()


@pytest.mark.parametrize("make", ["/dev/null", "fifo.apkg"])
@pytest.mark.slow  # a real process
def test_cli_an_output_that_is_a_device_or_fifo_is_refused(cli_folder, make):
    if make == "fifo.apkg":
        os.mkfifo(make)
    kind = "a FIFO (named pipe)" if make == "fifo.apkg" else "a device"
    for args in (["anki", "bank.yaml", "-o", make], ["html", "bank.yaml", "-o", make]):
        done = cli_run(*args, timeout=30)
        assert done.returncode == 1
        assert f"{make}: error: cannot write {make}: it is {kind}" in done.stderr
    assert not Path(make + ".html").exists() and not Path(make + "-key.html").exists()
    assert Path(make).exists() and not Path(make).is_file()


@pytest.mark.slow  # a real process
def test_cli_build_finds_the_clash_of_banks_quiz_and_quiz_key_before_writing(
    write_bank, monkeypatch
):
    seeds = f"../{LOADER_SEED}"
    folder = write_bank(cli_bank("quiz").replace(LOADER_SEED, seeds), "banks/quiz.yaml").parent
    write_bank(cli_bank("quiz-key").replace(LOADER_SEED, seeds), "banks/quiz-key.yaml")
    monkeypatch.chdir(folder.parent)
    done = cli_run("build", "banks", "-o", "dist")
    assert done.returncode == 1
    assert (
        "dist/quiz-key.html: error: dist/quiz-key.html would be written twice in one run"
        in done.stderr
    )
    assert not Path("dist").exists()


@pytest.mark.slow  # a real process
def test_cli_build_refuses_an_output_folder_that_holds_the_banks_own_names(cli_folder):
    Path("bank.html").write_text("Energy and fuel supply\n", encoding="utf-8")
    Path("bank.yaml").write_text(
        cli_bank("bank").replace(LOADER_SEED, "bank.html"), encoding="utf-8"
    )
    done = cli_run("build", "bank.yaml", "-o", ".")
    assert done.returncode == 1
    assert "bank.html: error: cannot write bank.html: it is an input of this run" in done.stderr
    assert Path("bank.html").read_text() == "Energy and fuel supply\n"
    assert not Path("bank.apkg").exists()


# -- a quiz and its key are one set, with one fingerprint ---------------------------------


def cli_fingerprints(folder: Path) -> dict[str, str]:
    import re

    found = {}
    for page in sorted(folder.glob("*.html")):
        [fingerprint] = re.findall(
            r'<code class="fingerprint">([0-9a-f]{8})</code>', page.read_text()
        )
        found[page.name] = fingerprint
    return found


def test_cli_every_page_of_a_set_prints_the_sets_fingerprint(cli_folder):
    from quizgen.bank.load import load_banks
    from quizgen.outputs.html import QuizOptions, write_quizzes

    [bank] = load_banks([Path("bank.yaml")])
    write_quizzes([bank], bank.questions, Path("a/q.html"), QuizOptions(versions=3, seed=1))
    first = cli_fingerprints(Path("a"))
    assert len(first) == 6 and len(set(first.values())) == 1
    write_quizzes([bank], bank.questions, Path("b/q.html"), QuizOptions(versions=3, seed=1))
    assert cli_fingerprints(Path("b")) == first  # the same set: the same fingerprint
    write_quizzes([bank], bank.questions, Path("c/q.html"), QuizOptions(versions=3, seed=2))
    other = cli_fingerprints(Path("c"))
    assert len(set(other.values())) == 1 and set(other.values()) != set(first.values())
