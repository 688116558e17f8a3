"""Atomic writes: an output is either the old file or the whole new one, never half."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .errors import Location, QuizgenError


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success rename it over ``target``.

    The caller writes the whole file to the yielded path. If the block raises, the
    temporary file is removed and ``target`` is untouched. A folder that cannot be
    written becomes a :class:`QuizgenError` naming the path.
    """
    target = Path(target)
    folder = target.parent if str(target.parent) else Path(".")
    blocking = next((p for p in (folder, *folder.parents) if p.exists()), None)
    if blocking is not None and not blocking.is_dir():
        raise QuizgenError(
            f"cannot write {target}: {blocking} is a file, not a folder",
            location=Location(str(target)),
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if target.is_dir():
            raise QuizgenError(
                f"cannot write {target}: it is a folder", location=Location(str(target))
            )
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise QuizgenError(
            f"cannot write {target}: {exc.strerror or exc}", location=Location(str(target))
        ) from None
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise QuizgenError(
            f"cannot write {target}: {exc.strerror or exc}", location=Location(str(target))
        ) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_text_atomic(target: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` (UTF-8) to ``target`` atomically; return the path."""
    with atomic_path(target) as tmp, open(tmp, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    return Path(target)


def write_bytes_atomic(target: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``target`` atomically; return the path."""
    with atomic_path(target) as tmp, open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    return Path(target)
