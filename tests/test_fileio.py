"""Atomic writes: a target is the old file or the whole new one, never half, never a leftover."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from quizgen.errors import QuizgenError
from quizgen.fileio import atomic_path, write_bytes_atomic, write_text_atomic


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


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
