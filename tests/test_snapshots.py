"""Snapshot (golden) tests: every text quizgen writes, compared with tests/snapshots/.

Each case renders the fixture bank tests/fixtures/snapshot-bank.yaml (one question of
each type, hostile text included) through the CLI or the public functions and compares
the text with a file in tests/snapshots/. After an intended change, regenerate them all
with the command in UPDATE and review the diff like code.

What is normalised, and nothing else:

* the HTML pages: the stylesheet templates/quiz.css, inlined verbatim in every page,
  is replaced by one comment line (the test checks it was there verbatim first);
* the build table: file sizes, which move with every byte of every output, become
  ``<size>`` (the column keeps its width);
* paths: commands run in a temporary folder holding a copy of tests/fixtures/ and get
  relative paths, so no temporary path is ever printed;
* time: the review clock is a fixed one (``START``, one second per reading) and the
  time zone is UTC, so due times and streaks do not depend on the day or the place;
  ``list`` and ``--help`` see a terminal of ``COLUMNS`` columns.

How the Anki files are laid out (a reading aid, not a normalisation): card templates
that differ only by their own number (matching's 20 "Pair N") are shown once with the
number as ``{N}``, and a note's empty fields are left out.
"""

from __future__ import annotations

import difflib
import functools
import io
import json
import re
import shutil
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from quizgen.bank.load import load_banks
from quizgen.bank.select import Criteria
from quizgen.cli import cli
from quizgen.resources import templates_dir
from quizgen.study.quiz import run_quiz
from quizgen.study.review import run_review
from quizgen.study.scheduling import make_scheduler
from quizgen.study.session import plan_quiz
from quizgen.study.stats import collect_stats, show_stats
from quizgen.study.store import ReviewStore
from quizgen.study.terminal import Terminal

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
SNAPSHOTS = TESTS / "snapshots"
FIXTURES = TESTS / "fixtures"
BANK = FIXTURES / "snapshot-bank.yaml"
ERRORS_BANK = FIXTURES / "snapshot-errors.yaml"
SMALL_BANK = FIXTURES / "snapshot-small.yaml"
UPDATE = "python -m pytest tests/test_snapshots.py --snapshot-update"

START = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)  # the review clock's first reading
SEED = "7"
COLUMNS = "100"  # the terminal width `list` and `--help` see

Compare = Callable[[str, str], None]

#: Every file in tests/snapshots/ that a case below writes (README.md explains them).
SNAPSHOT_FILES = {
    "quiz.html",
    "quiz-key.html",
    "versions-A.html",
    "versions-A-key.html",
    "versions-B.html",
    "versions-B-key.html",
    "anki-note-types.txt",
    "anki-card.css",
    "anki-notes.txt",
    "check.txt",
    "check.json",
    "list.txt",
    "quiz-transcript.txt",
    "quiz-color-transcript.txt",
    "review-stats-transcript.txt",
    "commands.txt",
    "help.txt",
    "moodle.xml",  # tests/test_export_moodle.py
    "gift.txt",  # tests/test_export_gift.py
    "canvas.txt",
    "blackboard.txt",
    "kahoot.txt",
    "wayground.txt",
    "blooket.txt",
    "quizlet.txt",
    "brightspace.txt",
}


# --------------------------------------------------------------------------- machinery


@pytest.fixture
def snapshot(request: pytest.FixtureRequest) -> Compare:
    """Compare text with tests/snapshots/NAME, or rewrite it under --snapshot-update."""
    update = bool(request.config.getoption("--snapshot-update", default=False))

    def compare(name: str, actual: str) -> None:
        assert name in SNAPSHOT_FILES, f"add {name} to SNAPSHOT_FILES"
        path = SNAPSHOTS / name
        if update:
            path.write_text(actual, encoding="utf-8", newline="\n")
            return
        if not path.exists():
            pytest.fail(f"no snapshot tests/snapshots/{name}; create it with:\n  {UPDATE}")
        expected = path.read_text(encoding="utf-8")
        if actual != expected:
            diff = "".join(
                difflib.unified_diff(
                    expected.splitlines(keepends=True),
                    actual.splitlines(keepends=True),
                    f"tests/snapshots/{name} (expected)",
                    f"{name} (actual)",
                )
            )
            pytest.fail(
                f"tests/snapshots/{name} differs from the output.\n"
                f"If the change is intended, regenerate the snapshots with:\n  {UPDATE}\n"
                f"and review their diff.\n\n{diff}",
                pytrace=False,
            )

    return compare


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh current folder holding a copy of tests/fixtures/ as ``fixtures/``.

    Commands get relative paths (``fixtures/snapshot-bank.yaml``), so every path they
    print is the same on every machine.
    """
    folder = tmp_path / "work"
    shutil.copytree(FIXTURES, folder / "fixtures")
    monkeypatch.chdir(folder)
    return folder


@pytest.fixture
def utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The local time zone is UTC for the test (stats count days in local time)."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def run(args: Sequence[str], stdin: str | None = None) -> str:
    """`quizgen ARGS` as a transcript: the command line, stdout, stderr, the exit status."""
    result = CliRunner().invoke(
        cli, list(args), input=stdin, env={"COLUMNS": COLUMNS}, prog_name="quizgen"
    )
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception  # a traceback is never an expected output
    shown = " ".join(_quote(arg) for arg in args)
    text = f"$ quizgen {shown}\n{result.stdout}"
    if result.stderr:
        text += "[stderr]\n" + result.stderr
    return text + f"[exit {result.exit_code}]\n"


def _quote(arg: str) -> str:
    return f'"{arg}"' if " " in arg or not arg else arg


def rel(path: Path) -> str:
    """A fixture's path as the commands get it, in the copy made by ``workdir``."""
    return f"fixtures/{path.relative_to(FIXTURES).as_posix()}"


def without_css(page: str) -> str:
    """A page with templates/quiz.css (which it must inline verbatim) as one comment line."""
    css = (templates_dir() / "quiz.css").read_text(encoding="utf-8")
    assert css in page, "the page no longer inlines templates/quiz.css verbatim"
    return page.replace(css, "/* templates/quiz.css, inlined verbatim (left out here) */\n", 1)


# --------------------------------------------------------------------------- the HTML quiz


def test_quiz_and_key_pages(workdir: Path, snapshot: Compare) -> None:
    out = run(["html", rel(BANK), "-o", "quiz.html", "--seed", SEED])
    assert out.endswith("[exit 0]\n"), out
    snapshot("quiz.html", without_css((workdir / "quiz.html").read_text(encoding="utf-8")))
    snapshot("quiz-key.html", without_css((workdir / "quiz-key.html").read_text(encoding="utf-8")))


def test_two_versions(workdir: Path, snapshot: Compare) -> None:
    out = run(["html", rel(BANK), "-o", "versions.html", "--versions", "2", "--seed", SEED])
    assert out.endswith("[exit 0]\n"), out
    for name in (
        "versions-A.html",
        "versions-A-key.html",
        "versions-B.html",
        "versions-B-key.html",
    ):
        snapshot(name, without_css((workdir / name).read_text(encoding="utf-8")))


# --------------------------------------------------------------------------- Anki


def _block(text: str, indent: str = "    ") -> str:
    return "".join(f"{indent}{line}\n" if line else "\n" for line in text.splitlines())


def _numbered(text: str, number: int) -> str:
    """A card template with its own number (``Left3``, ``qz-ask-3``) written ``{N}``."""
    return re.sub(rf"(Left|Right|qz-ask-){number}(?!\d)", r"\1{N}", text)


def _note_type_text(model: dict) -> str:
    kind = "cloze" if model["type"] == 1 else "standard"
    lines = [f"== {model['name']} (id {model['id']}, {kind})"]
    lines.append("fields: " + ", ".join(f["name"] for f in model["flds"]))
    templates = model["tmpls"]
    start = 0
    while start < len(templates):  # templates identical but for their number are shown once
        first = templates[start]
        same = (_numbered(first["qfmt"], 1 + start), _numbered(first["afmt"], 1 + start))
        end = start + 1
        while (
            end < len(templates)
            and (
                _numbered(templates[end]["qfmt"], 1 + end),
                _numbered(templates[end]["afmt"], 1 + end),
            )
            == same
        ):
            end += 1
        if end - start == 1:
            lines.append(f"-- template {first['name']!r}")
            front, back = first["qfmt"], first["afmt"]
        else:
            last = templates[end - 1]["name"]
            lines.append(
                f"-- templates {first['name']!r} to {last!r}: the same but for their number {{N}}"
            )
            front, back = same
        lines.append("  front:")
        lines.append(_block(front).rstrip("\n"))
        lines.append("  back:")
        lines.append(_block(back).rstrip("\n"))
        start = end
    return "\n".join(lines) + "\n"


@pytest.mark.anki
def test_anki_package_read_back_by_anki(workdir: Path, snapshot: Compare) -> None:
    from anki_helpers import import_package, open_collection

    out = run(["anki", rel(BANK), "-o", "snap.apkg"])
    assert out.endswith("[exit 0]\n"), out
    col = open_collection(workdir / "collection")
    try:
        import_package(col, workdir / "snap.apkg")
        models = sorted(
            (m for m in col.models.all() if m["name"].startswith("quizgen ")),
            key=lambda m: m["name"],
        )
        assert len(models) == 8, [m["name"] for m in models]
        css = {m["css"] for m in models}
        assert len(css) == 1, "every quizgen note type has the same stylesheet"
        snapshot("anki-note-types.txt", "\n".join(_note_type_text(m) for m in models))
        snapshot("anki-card.css", css.pop())

        notes = [col.get_note(nid) for nid in col.find_notes("")]
        notes.sort(key=lambda note: min(card.due for card in note.cards()))  # bank order
        decks = sorted(d.name for d in col.decks.all_names_and_ids() if d.id != 1)  # 1: Default
        lines = ["decks: " + " | ".join(decks)]
        for note in notes:
            model = note.note_type()
            assert model is not None
            question_id = note["QuestionId"]
            lines.append("")
            lines.append(f"== {question_id} ({model['name']})")
            lines.append(f"guid: {note.guid}")
            lines.append(f"tags: {' '.join(note.tags) or '(none)'}")
            for card in sorted(note.cards(), key=lambda c: c.ord):
                deck = col.decks.name(card.did)
                made_by = (
                    f"deletion c{card.ord + 1}"
                    if model["type"] == 1
                    else model["tmpls"][card.ord]["name"]
                )
                lines.append(f"card {card.ord + 1} ({made_by}) in deck {deck}")
            for name, value in note.items():
                if value:  # empty fields (most of a matching note's 40) are left out
                    lines.append(f"{name}: {value}")
        snapshot("anki-notes.txt", "\n".join(lines) + "\n")
    finally:
        col.close()


# --------------------------------------------------------------------------- check and list


def test_check_text(workdir: Path, snapshot: Compare) -> None:
    text = run(["check", rel(ERRORS_BANK), rel(BANK)])
    text += "\n" + run(["check", rel(BANK)])
    text += "\n" + run(["check", rel(BANK), "--strict"])
    snapshot("check.txt", text)


def test_check_json(workdir: Path, snapshot: Compare) -> None:
    result = CliRunner().invoke(
        cli, ["check", rel(ERRORS_BANK), "--format", "json"], prog_name="quizgen"
    )
    assert result.exit_code == 1
    json.loads(result.stdout)  # it is JSON; the snapshot is the text the command prints
    snapshot("check.json", result.stdout)


def test_list(workdir: Path, snapshot: Compare) -> None:
    text = run(["list", rel(BANK)])
    text += "\n" + run(["list", rel(BANK), rel(SMALL_BANK)])
    text += "\n" + run(["list", rel(BANK), "--topic", "anki markers", "--type", "cloze"])
    snapshot("list.txt", text)


# --------------------------------------------------------------------------- terminal


# Answers for the order --seed 7 asks the questions in: right, wrong, a typo, a
# tolerance, capitals, an unreadable answer, and a question left at the end of input.
QUIZ_ANSWERS = [
    "9.4",  # numeric: right, within the tolerance
    "a",  # multiple choice: right
    "security cooperation",  # cloze gap 1: right
    "economic integrashun",  # cloze gap 2: wrong (the answer holds the text <b>)
    "b",  # matching 1: right
    "c",  # matching 2: wrong
    "zz",  # matching 3: not a letter
    "shanghai cooperation organization",  # short answer: wrong, capitals matter
    "a c",  # multiple answer: one missed
    "d b a c",  # ordering: two swapped
]  # the true-or-false question meets the end of input


def test_quiz_transcript(workdir: Path, snapshot: Compare) -> None:
    lines = "".join(answer + "\n" for answer in QUIZ_ANSWERS)
    text = run(["quiz", rel(BANK), "--seed", SEED], lines)
    text += "\n" + run(
        ["quiz", rel(BANK), "--seed", SEED, "--type", "true_false", "--retry-wrong"], "f\nt\n"
    )
    snapshot("quiz-transcript.txt", text)


def test_quiz_transcript_in_colour(snapshot: Compare) -> None:
    """The styles a terminal gets (escape character shown as ␛); bank text stays inert."""
    banks = load_banks([BANK])
    items = plan_quiz(banks, Criteria(types=("multiple_choice", "cloze")), seed=SEED)
    out = io.StringIO()
    stdin = io.StringIO("security cooperation\neconomic <b>integration</b>\nb\n")
    run_quiz(Terminal(stdin, out, interactive=False, color=True), items)
    snapshot("quiz-color-transcript.txt", out.getvalue().replace("\x1b", "␛"))


def test_review_and_stats_transcript(tmp_path: Path, utc: None, snapshot: Compare) -> None:
    banks = load_banks([BANK, SMALL_BANK])
    out = io.StringIO()
    with ReviewStore(tmp_path / "state.sqlite3") as store:
        for answers, day in ((["A", "b c d", "t"], 0), (["a c e", "b"], 1)):
            clock_start = START + timedelta(days=day)
            # A fixed clock that moves one second each time the session reads it.
            ticks = (clock_start + timedelta(seconds=n) for n in range(1000))
            stdin = io.StringIO("".join(a + "\n" for a in answers))
            terminal = Terminal(stdin, out, interactive=False, color=False)
            out.write(f"--- review on {clock_start:%Y-%m-%d %H:%M} UTC, answers {answers}\n")
            run_review(
                terminal,
                banks,
                store,
                new=3,
                clock=functools.partial(next, ticks),
                scheduler=make_scheduler(fuzz=False),
                seed=SEED,
            )
        for days in (1, 3):
            now = START + timedelta(days=days, hours=1)
            out.write(f"\n--- stats on {now:%Y-%m-%d %H:%M} UTC\n")
            show_stats(Terminal(io.StringIO(), out, color=False), collect_stats(banks, store, now))
    snapshot("review-stats-transcript.txt", out.getvalue())


# --------------------------------------------------------------------------- other commands


def test_commands_output(workdir: Path, snapshot: Compare) -> None:
    bank = rel(BANK)
    parts = [
        run(["html", bank, "-o", "out/quiz.html", "--seed", SEED, "--count", "3"]),
        run(["html", bank, "--seed", SEED, "--count", "20", "--versions", "2"]),
        run(["html", bank, "--tag", "no-such-tag"]),
        run(["anki", bank, "-o", "out/snap.apkg", "--type", "cloze", "--type", "matching"]),
        run(["anki", bank, "--topic", "nothing"]),
        run(["stats", bank, "--state", "state.sqlite3"]),
        run(["quiz", bank, "--tag", "no-such-tag"], ""),
        run(["review", bank, "--state", "state.sqlite3", "--new", "0"], ""),
        _sizes_hidden(run(["build", bank, "-o", "dist", "--seed", SEED])),
        run(["build", rel(ERRORS_BANK), "-o", "dist-errors"]),
    ]
    snapshot("commands.txt", "\n".join(parts))


def _sizes_hidden(text: str) -> str:
    """The build table with each size (and its padding) as ``<size>``, the column kept."""
    return re.sub(
        r"(?<=  ) *\d+(?:\.\d)? (?:B|KB|MB)(?=  )", lambda m: "<size>".rjust(len(m[0])), text
    )


def test_help(snapshot: Compare) -> None:
    parts = [run(["--help"])]
    for name in sorted(cli.commands):  # type: ignore[attr-defined]
        parts.append(run([name, "--help"]))
    snapshot("help.txt", "\n".join(parts))


def test_every_snapshot_file_has_a_case() -> None:
    present = {p.name for p in SNAPSHOTS.iterdir() if p.name != "README.md"}
    assert present == SNAPSHOT_FILES, "stale or missing files in tests/snapshots/"


# --------------------------------------------------------------------------- LMS and game exports


def test_blackboard_and_quizlet_files(workdir: Path, snapshot: Compare) -> None:
    for name in ("blackboard", "quizlet"):
        out = run(["export", name, rel(BANK), "-o", f"{name}.txt"])
        text = (workdir / f"{name}.txt").read_text(encoding="utf-8")
        snapshot(f"{name}.txt", out + "[file]\n" + text)


def test_brightspace_csv(workdir: Path, snapshot: Compare) -> None:
    out = run(["export", "brightspace", rel(BANK), "-o", "brightspace.csv"])
    data = (workdir / "brightspace.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf"), "CSV UTF-8 starts with a BOM"
    text = data.decode("utf-8-sig").replace("\r\n", "\n")
    snapshot("brightspace.txt", out + "[file, BOM dropped, CRLF shown as LF]\n" + text)


def test_kahoot_sheet(workdir: Path, snapshot: Compare) -> None:
    import openpyxl

    args = ["export", "kahoot", rel(BANK), "-o", "kahoot.xlsx", "--seed", SEED]
    out = run([*args, "--type", "multiple_choice", "--type", "true_false"])
    sheet = openpyxl.load_workbook(workdir / "kahoot.xlsx").active
    assert sheet is not None
    cells = [
        f"{cell.coordinate}: {cell.value!r}"
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    ]
    snapshot("kahoot.txt", out + "[cells]\n" + "\n".join(cells) + "\n")


def test_wayground_sheet(workdir: Path, snapshot: Compare) -> None:
    import openpyxl

    out = run(["export", "wayground", rel(BANK), "-o", "wayground.xlsx", "--seed", SEED])
    sheet = openpyxl.load_workbook(workdir / "wayground.xlsx").active
    assert sheet is not None
    cells = [
        f"{cell.coordinate}: {cell.value!r}"
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    ]
    snapshot("wayground.txt", out + "[cells]\n" + "\n".join(cells) + "\n")


def test_blooket_file(workdir: Path, snapshot: Compare) -> None:
    # The fixture's multiple-answer question has 5 choices, which Blooket leaves out: shown too.
    refused = run(["export", "blooket", rel(BANK), "-o", "left-out.csv"])
    args = ["export", "blooket", rel(BANK), "-o", "blooket.csv", "--seed", SEED]
    out = run([*args, "--type", "multiple_choice", "--type", "true_false"])
    text = (workdir / "blooket.csv").read_text(encoding="utf-8")
    snapshot("blooket.txt", refused + "\n" + out + "[file]\n" + text)


def test_canvas_zip(workdir: Path, snapshot: Compare) -> None:
    import zipfile

    out = run(["export", "canvas", rel(BANK), "-o", "canvas.zip", "--topic", "Anki markers"])
    with zipfile.ZipFile(workdir / "canvas.zip") as archive:
        parts = [f"[zip] {info.filename} ({info.file_size})" for info in archive.infolist()]
        for name in archive.namelist():
            if name.endswith(".xml"):
                parts.append(f"[{name}]\n" + archive.read(name).decode("utf-8"))
    snapshot("canvas.txt", out + "\n".join(parts))
