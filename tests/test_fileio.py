"""Writing outputs: a target is the old file or the whole new one, never half, never a
leftover; a set is all old or all new; nothing but a regular file that is no input is written.

The fault-injection tests run a real writer process and stop it at a chosen point with a
real signal, a full disk (a 64 KB tmpfs, or the hook's ENOSPC) or a read-only mount.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from quizgen.errors import QuizgenError
from quizgen.fileio import (
    FAULT_VARIABLE,
    Terminated,
    atomic_path,
    check_outputs,
    finish_interrupted,
    output_problems,
    set_fingerprint,
    stamp_fingerprint,
    write_bytes_atomic,
    write_set,
    write_text_atomic,
)

ROOT = Path(__file__).resolve().parent.parent


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith((".tmp", ".journal")))


def test_write_text_creates_the_file_and_its_folders(tmp_path):
    target = tmp_path / "out" / "deep" / "quiz.html"
    assert write_text_atomic(target, "café\n") == target
    assert target.read_bytes() == "café\n".encode()
    assert leftovers(target.parent) == []


def test_write_text_replaces_the_whole_file(tmp_path):
    target = tmp_path / "quiz.html"
    target.write_text("old content that is much longer than the new one\n" * 100)
    write_text_atomic(target, "new\n")
    assert target.read_text() == "new\n"
    assert leftovers(tmp_path) == []


def test_write_text_keeps_newlines_as_given(tmp_path):
    target = tmp_path / "a.txt"
    write_text_atomic(target, "one\ntwo\n")
    assert target.read_bytes() == b"one\ntwo\n"


def test_write_bytes(tmp_path):
    target = tmp_path / "deck.apkg"
    write_bytes_atomic(target, b"\x00\x01binary")
    assert target.read_bytes() == b"\x00\x01binary"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


def test_the_target_keeps_its_old_content_until_the_write_is_done(tmp_path):
    target = tmp_path / "state.json"
    target.write_text("old")
    old_inode = target.stat().st_ino
    with atomic_path(target) as tmp:
        tmp.write_text("new")
        assert tmp.parent == tmp_path and tmp != target
        assert target.read_text() == "old"  # a reader now still sees the old file
    assert target.read_text() == "new"
    assert target.stat().st_ino != old_inode  # replaced by rename, not rewritten in place
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("error", [ValueError("boom"), KeyboardInterrupt()])
def test_an_error_while_writing_leaves_the_old_file_and_no_temporary(tmp_path, error):
    target = tmp_path / "state.json"
    target.write_text("old")
    with pytest.raises(type(error)), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise error
    assert target.read_text() == "old"
    assert leftovers(tmp_path) == []


def test_an_error_before_anything_is_written_creates_no_target(tmp_path):
    target = tmp_path / "new.html"
    with pytest.raises(RuntimeError), atomic_path(target):
        raise RuntimeError("stop")
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


def test_a_folder_under_a_file_cannot_be_written(tmp_path):
    (tmp_path / "file.txt").write_text("x")
    target = tmp_path / "file.txt" / "quiz.html"
    with pytest.raises(QuizgenError) as raised:
        write_text_atomic(target, "x")
    [problem] = raised.value.problems
    assert str(problem).startswith(f"{target}: error: cannot write {target}: ")
    assert (tmp_path / "file.txt").read_text() == "x"


def test_a_target_that_is_a_folder_is_an_error(tmp_path):
    (tmp_path / "quiz.html").mkdir()
    with pytest.raises(QuizgenError, match="it is a folder"):
        write_text_atomic(tmp_path / "quiz.html", "x")
    assert leftovers(tmp_path) == []


def test_a_read_only_place_gives_a_quizgen_error():
    # /proc refuses new files even to root.
    target = Path("/proc/quizgen-test-output.txt")
    with pytest.raises(QuizgenError, match=r"cannot write /proc/quizgen-test-output\.txt"):
        write_text_atomic(target, "x")


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into a read-only folder")
def test_an_unwritable_folder_gives_a_quizgen_error(tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(QuizgenError, match="cannot write"):
            write_text_atomic(folder / "quiz.html", "x")
    finally:
        folder.chmod(0o700)
    assert list(folder.iterdir()) == []


def test_a_failed_rename_removes_the_temporary_and_says_why(tmp_path):
    target = tmp_path / "quiz.html"
    with pytest.raises(QuizgenError, match=f"cannot write {target}"), atomic_path(target) as tmp:
        tmp.write_text("new")
        target.mkdir()  # now the rename over it fails
        (target / "keep").write_text("a file inside, so the folder is not empty")
    assert leftovers(tmp_path) == []
    assert (target / "keep").exists()


# -- outputs are checked before the first write -------------------------------------------------


def messages(outputs, inputs=()) -> list[str]:
    return [str(p) for p in output_problems(outputs, inputs)]


def test_new_files_and_existing_regular_files_may_be_written(tmp_path):
    (tmp_path / "old.html").write_text("x")
    assert messages([tmp_path / "old.html", tmp_path / "new" / "new.html"]) == []


def test_an_output_that_is_an_input_is_refused_however_it_is_spelled(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("bank.yaml").write_text("id: b\n")
    Path("sub").mkdir()
    os.symlink("bank.yaml", "link.yaml")
    os.link("bank.yaml", "hard.yaml")
    os.symlink(tmp_path, "here")
    for spelling in ["bank.yaml", "./sub/../bank.yaml", str(tmp_path / "bank.yaml"), "link.yaml",
                     "hard.yaml", "here/bank.yaml"]:  # fmt: skip
        assert messages([spelling], inputs=["bank.yaml"]) == [
            f"{spelling}: error: cannot write {spelling}: it is an input of this run"
            + ("" if spelling == "bank.yaml" else " (bank.yaml)")
        ]


def test_two_outputs_that_are_one_file_are_refused(tmp_path):
    # Banks `quiz` and `quiz-key`: the second's student page is the first's key.
    key = tmp_path / "dist" / "quiz-key.html"
    outputs = [
        tmp_path / "dist" / "quiz.html",
        key,
        key,
        tmp_path / "dist" / "x" / ".." / "quiz.html",
    ]
    assert messages(outputs) == [
        f"{key}: error: {key} would be written twice in one run",
        f"{outputs[3]}: error: {outputs[3]} would be written twice in one run (as {outputs[0]})",
    ]
    with pytest.raises(QuizgenError):
        check_outputs(outputs)
    assert not (tmp_path / "dist").exists()


def test_an_existing_output_that_is_not_a_regular_file_is_refused(tmp_path):
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "folder").mkdir()
    os.symlink("/dev/null", tmp_path / "to-null")
    nodes = {"fifo": "a FIFO (named pipe)", "folder": "a folder", "to-null": "a device"}
    if os.geteuid() == 0:
        os.mknod(tmp_path / "mynull", 0o600 | stat.S_IFCHR, os.makedev(1, 3))
        nodes["mynull"] = "a device"
    for name, kind in nodes.items():
        path = tmp_path / name
        assert messages([path]) == [f"{path}: error: cannot write {path}: it is {kind}"]
    assert messages(["/dev/null"]) == ["/dev/null: error: cannot write /dev/null: it is a device"]
    assert messages([""]) == ["quizgen: error: an output path is empty"]


@pytest.mark.parametrize("name", ["fifo", "mynull", "/dev/null"])
def test_only_regular_files_are_ever_written(tmp_path, name):
    if name == "fifo":
        os.mkfifo(tmp_path / name)
    elif name == "mynull":
        if os.geteuid() != 0:
            pytest.skip("mknod needs root")
        os.mknod(tmp_path / name, 0o600 | stat.S_IFCHR, os.makedev(1, 3))
    target = tmp_path / name
    before = target.stat()
    for write in (lambda: write_text_atomic(target, "x"), lambda: write_set([(target, "x")])):
        with pytest.raises(QuizgenError, match=f"cannot write {target}: it is a"):
            write()
        after = target.stat()
        assert (after.st_ino, after.st_mode, after.st_rdev) == (
            before.st_ino,
            before.st_mode,
            before.st_rdev,
        )
    assert leftovers(tmp_path) == []


# -- a set of files -------------------------------------------------------------------------------


def test_write_set_writes_every_file(tmp_path):
    items = [(tmp_path / "quiz.html", "quiz café\n"), (tmp_path / "pdf" / "quiz.pdf", b"%PDF\x00")]
    assert write_set(items) == (tmp_path / "quiz.html", tmp_path / "pdf" / "quiz.pdf")
    assert (tmp_path / "quiz.html").read_bytes() == "quiz café\n".encode()
    assert (tmp_path / "pdf" / "quiz.pdf").read_bytes() == b"%PDF\x00"
    assert stat.S_IMODE((tmp_path / "quiz.html").stat().st_mode) == 0o644
    assert leftovers(tmp_path) == [] and leftovers(tmp_path / "pdf") == []


def test_write_set_refuses_an_input_before_writing_anything(tmp_path):
    bank = tmp_path / "bank.yaml"
    bank.write_text("id: b\n")
    with pytest.raises(QuizgenError, match="it is an input of this run"):
        write_set([(tmp_path / "quiz.html", "q"), (bank, "PK\x03\x04")], inputs=[bank])
    assert bank.read_text() == "id: b\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bank.yaml"]


def old_set(folder: Path) -> list[tuple[Path, str]]:
    folder.mkdir(exist_ok=True)
    items = [(folder / "X-A.html", "old quiz"), (folder / "X-A-key.html", "old key")]
    for path, text in items:
        path.write_text(text)
    return items


def new_set(folder: Path, extra: bool = False) -> list[tuple[Path, str]]:
    items = [(folder / "X-A.html", "new quiz"), (folder / "X-A-key.html", "new key")]
    return [*items, (folder / "X-B.html", "new version B")] if extra else items


def contents(folder: Path) -> dict[str, str]:
    return {
        p.name: p.read_text() for p in sorted(folder.iterdir()) if p.is_file() and p.name[0] != "."
    }


def test_a_full_disk_while_staging_leaves_the_old_set(tmp_path, monkeypatch):
    old_set(tmp_path)
    monkeypatch.setenv(FAULT_VARIABLE, "stage-1:enospc")
    with pytest.raises(QuizgenError) as raised:
        write_set(new_set(tmp_path))
    assert str(raised.value) == (
        f"{tmp_path / 'X-A-key.html'}: error: cannot write {tmp_path / 'X-A-key.html'}: "
        "No space left on device; the old file and the 1 other file of its set were left as they were"
    )
    assert contents(tmp_path) == {"X-A-key.html": "old key", "X-A.html": "old quiz"}
    assert leftovers(tmp_path) == []


def test_a_rename_that_fails_puts_back_the_files_already_renamed(tmp_path, monkeypatch):
    old_set(tmp_path)
    monkeypatch.setenv(FAULT_VARIABLE, "rename-2:enospc")
    with pytest.raises(QuizgenError, match="were left as they were"):
        write_set(new_set(tmp_path, extra=True))
    assert contents(tmp_path) == {"X-A-key.html": "old key", "X-A.html": "old quiz"}
    assert leftovers(tmp_path) == []


def test_a_target_that_became_a_folder_fails_the_set_not_half_of_it(tmp_path, monkeypatch):
    old_set(tmp_path)
    items = [*new_set(tmp_path), (tmp_path / "late.html", "late")]
    real_replace = os.replace

    def replace_then_block(src, dst):  # a folder appears where the last file goes
        if Path(dst).name == "X-A-key.html" and not (tmp_path / "late.html").exists():
            (tmp_path / "late.html").mkdir()
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace_then_block)
    with pytest.raises(QuizgenError, match=r"late\.html: it is a folder; the old file"):
        write_set(items)
    assert contents(tmp_path) == {"X-A-key.html": "old key", "X-A.html": "old quiz"}
    assert leftovers(tmp_path) == []


@contextlib.contextmanager
def mounted(*options: str) -> Iterator[Path]:
    """A fresh tmpfs with ``options`` (root only), unmounted afterwards."""
    if os.geteuid() != 0:
        pytest.skip("mounting needs root")
    point = Path(tempfile.mkdtemp(prefix="quizgen-mount-"))
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", ",".join(options), "tmpfs", str(point)],
                          capture_output=True)  # fmt: skip
    if done.returncode != 0:
        point.rmdir()
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield point
    finally:
        subprocess.run(["umount", str(point)], check=True)
        point.rmdir()


@pytest.mark.slow  # a real process
def test_a_really_full_disk_leaves_the_old_set_and_no_temporary():
    with mounted("size=64k") as disk:
        old_set(disk)
        big = [(disk / "X-A.html", "q" * 40_000), (disk / "X-A-key.html", "k" * 40_000)]
        with pytest.raises(QuizgenError, match="No space left on device; the old file"):
            write_set(big)
        assert contents(disk) == {"X-A-key.html": "old key", "X-A.html": "old quiz"}
        assert leftovers(disk) == []
        with pytest.raises(QuizgenError, match="No space left on device"):
            write_text_atomic(disk / "X-A.html", "q" * 80_000)
        assert contents(disk)["X-A.html"] == "old quiz" and leftovers(disk) == []


@pytest.mark.slow  # a real process
def test_a_read_only_folder_gives_a_located_error_and_changes_nothing():
    with mounted("size=1m") as disk:
        old_set(disk)
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        with pytest.raises(QuizgenError) as raised:
            write_set(new_set(disk))
        assert str(raised.value).startswith(f"{disk / 'X-A.html'}: error: cannot write ")
        assert "Read-only file system" in str(raised.value)
        with pytest.raises(QuizgenError, match="Read-only file system"):
            write_text_atomic(disk / "X-A.html", "x")
        assert contents(disk) == {"X-A-key.html": "old key", "X-A.html": "old quiz"}


# -- interrupted writers (a real process, stopped at a chosen point) --------------------------------

WRITER = """
import json, sys
from quizgen.fileio import write_set
try:
    write_set([tuple(item) for item in json.loads(sys.argv[1])])
except KeyboardInterrupt as stop:
    print(type(stop).__name__)
    sys.exit(130)
"""


def writer(items, fault: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), FAULT_VARIABLE: fault}
    listed = json.dumps([(str(path), text) for path, text in items])
    return subprocess.Popen([sys.executable, "-c", WRITER, listed], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip


def run_writer(items, fault: str) -> tuple[int, str]:
    process = writer(items, fault)
    out, err = process.communicate(timeout=60)
    assert "Traceback" not in err, err
    return process.returncode, out.strip()


@pytest.mark.parametrize(
    ("fault", "shown"), [("stage-1:term", "Terminated"), ("stage-1:int", "KeyboardInterrupt")]
)
@pytest.mark.slow  # a real process
def test_a_signal_while_staging_leaves_the_old_set_and_no_temporary(tmp_path, fault, shown):
    old_set(tmp_path)
    assert run_writer(new_set(tmp_path), fault) == (130, shown)
    assert contents(tmp_path) == {"X-A-key.html": "old key", "X-A.html": "old quiz"}
    assert leftovers(tmp_path) == []


@pytest.mark.slow  # a real process
def test_sigterm_from_outside_is_handled_like_ctrl_c(tmp_path):
    old_set(tmp_path)
    process = writer(new_set(tmp_path), "stage-1:pause")
    assert process.stderr is not None
    assert process.stderr.readline() == "quizgen-fault: paused at stage-1\n"
    assert any(p.name.startswith(".X-A.html.qg") for p in tmp_path.iterdir())  # one is staged
    process.send_signal(signal.SIGTERM)
    assert process.communicate(timeout=60)[0].strip() == "Terminated"
    assert process.returncode == 130
    assert contents(tmp_path) == {"X-A-key.html": "old key", "X-A.html": "old quiz"}
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize(("fault", "shown"), [("rename-1:term", "Terminated"), ("rename-1:int", "KeyboardInterrupt")])  # fmt: skip
@pytest.mark.slow  # a real process
def test_a_signal_during_the_renames_waits_until_the_set_is_whole(tmp_path, fault, shown):
    old_set(tmp_path)
    assert run_writer(new_set(tmp_path, extra=True), fault) == (130, shown)
    assert contents(tmp_path) == {
        "X-A-key.html": "new key",
        "X-A.html": "new quiz",
        "X-B.html": "new version B",
    }
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("fault", ["journal:kill", "rename-1:kill", "rename-2:kill"])
@pytest.mark.slow  # a real process
def test_a_set_killed_during_the_renames_is_completed_by_the_next_write(tmp_path, fault):
    old_set(tmp_path)
    (tmp_path / ".notes.tmp").write_text("not ours")
    assert run_writer(new_set(tmp_path, extra=True), fault) == (-signal.SIGKILL, "")
    assert leftovers(tmp_path) != [".notes.tmp"]  # the journal and staged files are there
    done = int(fault.partition("-")[2].partition(":")[0] or 0)
    assert contents(tmp_path)["X-A.html"] == ("new quiz" if done >= 1 else "old quiz")
    write_text_atomic(tmp_path / "other.txt", "any later write to the folder")
    assert contents(tmp_path) == {
        "X-A-key.html": "new key", "X-A.html": "new quiz", "X-B.html": "new version B",
        "other.txt": "any later write to the folder",
    }  # fmt: skip
    assert leftovers(tmp_path) == [".notes.tmp"]


@pytest.mark.slow  # a real process
def test_a_set_over_two_folders_is_completed_from_either(tmp_path):
    items = [(tmp_path / "a" / "quiz.html", "new quiz"), (tmp_path / "b" / "quiz.pdf", "new pdf")]
    assert run_writer(items, "rename-1:kill")[0] == -signal.SIGKILL
    assert not (tmp_path / "b" / "quiz.pdf").exists()
    assert finish_interrupted(tmp_path / "b") == [p for p, _ in items]
    assert (tmp_path / "b" / "quiz.pdf").read_text() == "new pdf"
    assert leftovers(tmp_path / "a") == [] and leftovers(tmp_path / "b") == []


@pytest.mark.slow  # a real process
def test_temporaries_of_a_killed_writer_are_removed_by_the_next_write_and_no_others(tmp_path):
    old_set(tmp_path)
    assert run_writer(new_set(tmp_path), "stage-1:kill")[0] == -signal.SIGKILL
    killed = leftovers(tmp_path)
    assert len(killed) == 1 and killed[0].startswith(".X-A.html.qg")
    others = [".X-A.html.abcd1234.tmp", ".notes.tmp", "draft.tmp", f".x.qg{os.getpid()}-x.tmp"]
    for name in others:
        (tmp_path / name).write_text("keep")
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        (tmp_path / f".y.html.qg{alive.pid}-abcd1234.tmp").write_text("a live writer's")
        write_bytes_atomic(tmp_path / "deck.apkg", b"x")
        assert sorted(leftovers(tmp_path)) == sorted(
            [*others, f".y.html.qg{alive.pid}-abcd1234.tmp"]
        )
    finally:
        alive.kill()
        alive.wait()
    assert contents(tmp_path)["X-A.html"] == "old quiz"


def test_sigterm_inside_an_atomic_write_removes_the_temporary(tmp_path):
    target = tmp_path / "deck.apkg"
    target.write_text("old")
    with pytest.raises(Terminated), atomic_path(target) as tmp:
        tmp.write_text("half")
        os.kill(os.getpid(), signal.SIGTERM)
    assert target.read_text() == "old" and leftovers(tmp_path) == []
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL


# -- the set's fingerprint --------------------------------------------------------------------------


def test_the_fingerprint_is_short_and_changes_with_any_file():
    quiz, key = "<p>quiz</p>", b"<p>key</p>"
    fingerprint = set_fingerprint([quiz, key])
    assert len(fingerprint) == 8 and int(fingerprint, 16) >= 0
    assert set_fingerprint(["<p>quiz</p>", b"<p>key</p>"]) == fingerprint
    assert set_fingerprint([quiz, b"<p>key </p>"]) != fingerprint
    assert set_fingerprint([key, quiz]) != fingerprint
    assert set_fingerprint(["ab", "c"]) != set_fingerprint(["a", "bc"])


def test_stamping_puts_one_fingerprint_in_every_file_of_the_set(tmp_path):
    mark = "@@SET@@"
    items = [(tmp_path / "q.html", f"quiz {mark}"), (tmp_path / "k.html", f"key {mark}".encode())]
    stamped, fingerprint = stamp_fingerprint(items, mark)
    assert fingerprint == set_fingerprint([f"quiz {mark}", f"key {mark}".encode()])
    assert stamped == [
        (items[0][0], f"quiz {fingerprint}"),
        (items[1][0], f"key {fingerprint}".encode()),
    ]
    write_set(stamped)
    assert (tmp_path / "k.html").read_text() == f"key {fingerprint}"
