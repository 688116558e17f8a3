"""Writing outputs safely: checked first, written atomically, and replaced as a set.

* :func:`check_outputs` refuses, before anything is written, an output that is also an
  input of the run, two outputs that are one file, and an existing output that is not a
  regular file (a folder, a device such as ``/dev/null``, a FIFO, a socket).
* :func:`atomic_path`, :func:`write_text_atomic`, :func:`write_bytes_atomic`: one file,
  either the old one or the whole new one.
* :func:`write_set`: several files (a quiz and its key, the versions of one set) that a
  reader finds all old or all new. Every file is staged beside its target first; a
  journal then lists the renames, which run with Ctrl-C and SIGTERM held back. A run
  killed during the renames (SIGKILL, power loss) leaves the journal, and the next write
  to that folder completes the set (rolls forward: every new file was whole on disk
  before the first rename). Any error before the renames leaves the old set untouched.
* SIGTERM while writing is handled like Ctrl-C (:class:`Terminated` is a
  ``KeyboardInterrupt``), so temporary files are removed. The temporary files of a run
  that was killed outright (``.NAME.qgPID-xxxxxxxx.tmp``, PID no longer running) are
  removed by the next write to their folder; no other file is ever touched.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import re
import signal
import stat
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from types import FrameType

from .errors import Location, Problem, QuizgenError

PathLike = str | os.PathLike[str]
Content = str | bytes
#: A file's content, or a function that makes it when the file is staged (one in memory at once).
LazyContent = Content | Callable[[], Content]

# Our own temporary files and journals: the PID of the writer, then mkstemp's 8 characters.
_TEMP = re.compile(r"\..+\.qg(?P<pid>[0-9]+)-[a-z0-9_]{8}\.tmp")
_JOURNAL = re.compile(r"\.quizgen-set\.qg(?P<pid>[0-9]+)-[a-z0-9_]{8}\.journal")
# Temporary files and journals this process made and still needs (absolute paths).
_LIVE: set[str] = set()
# Tests set this to "POINT:ACTION" (see _fault) to interrupt a write at a chosen point.
FAULT_VARIABLE = "QUIZGEN_FAULT"


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl-C so that clean-up runs; the CLI may exit 130 (or 143)."""


def _raise_terminated(signum: int, frame: FrameType | None) -> None:
    raise Terminated()


@contextlib.contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """Within the block, SIGTERM raises :class:`Terminated` (a ``KeyboardInterrupt``).

    Only in the main thread, and only when nobody has claimed SIGTERM already, so the
    command line may also wrap its whole run in it.
    """
    if (
        threading.current_thread() is not threading.main_thread()
        or signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL
    ):
        yield
        return
    signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM back during the block; act on the first one after it."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pending: list[signal.Signals] = []

    def hold(signum: int, frame: FrameType | None) -> None:
        pending.append(signal.Signals(signum))

    previous = {s: signal.signal(s, hold) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, signal.SIG_DFL if handler is None else handler)
        if pending:
            handler = previous[pending[0]]
            if callable(handler):
                handler(pending[0], None)
            elif handler == signal.SIG_DFL:
                signal.raise_signal(pending[0])


def _fault(point: str) -> None:
    """The fault-injection hook: ``QUIZGEN_FAULT=POINT:ACTION`` acts when ``point`` is reached.

    Points: ``stage-N`` (before staging file N, from 0), ``journal`` (all staged, journal
    written), ``rename-N`` (before renaming file N), ``command`` (the command line, before
    a command runs). Actions: ``kill`` (SIGKILL), ``term``
    (SIGTERM), ``int`` (SIGINT), ``enospc`` (the disk is full), ``pause`` (print a line on
    stderr and wait five seconds, for a signal from outside).
    """
    spec = os.environ.get(FAULT_VARIABLE)
    if not spec or spec.partition(":")[0] != point:
        return
    action = spec.partition(":")[2]
    if action == "enospc":
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    if action == "pause":  # say so, then wait 5 s for the test to send a signal
        os.write(2, f"quizgen-fault: paused at {point}\n".encode())
        for _ in range(100):
            time.sleep(0.05)
        return
    signum = {"kill": signal.SIGKILL, "term": signal.SIGTERM, "int": signal.SIGINT}[action]
    os.kill(os.getpid(), signum)


def fault_point(point: str) -> None:
    """A named point where ``QUIZGEN_FAULT=POINT:ACTION`` acts (see :func:`_fault`), for tests."""
    _fault(point)


# -- checking outputs before the first write -----------------------------------------------


def _identity(path: Path) -> tuple[int, int] | None:
    """Device and inode of what ``path`` names (links followed), or None if nothing."""
    try:
        st = path.stat()
    except (OSError, ValueError):
        return None
    return st.st_dev, st.st_ino


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _not_writable_reason(target: Path) -> str | None:
    """Why ``target`` can never be written as a regular file, or None."""
    if "\x00" in str(target):
        return "a path cannot hold a NUL character"
    folder = target.parent
    blocking = next((p for p in (folder, *folder.parents) if p.exists()), None)
    if blocking is not None and not blocking.is_dir():
        return f"{blocking} is a file, not a folder"
    try:
        mode = target.stat().st_mode
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:
        return exc.strerror or str(exc)
    return None if stat.S_ISREG(mode) else f"it is {_kind(mode)}"


def output_problems(outputs: Iterable[PathLike], inputs: Iterable[PathLike] = ()) -> list[Problem]:
    """Everything that forbids writing ``outputs`` in one run, each located at its path.

    An output is refused when it is one of the ``inputs`` (the same file by resolved path,
    symbolic links included, or by device and inode), when it is the same file as an
    earlier output, and when it exists and is not a regular file.
    """
    known: dict[str, str] = {}
    identities: dict[tuple[int, int], str] = {}
    for given in inputs:
        name = os.fspath(given)
        if not name or "\x00" in name:
            continue
        known[os.path.realpath(name)] = name
        ident = _identity(Path(name))
        if ident is not None:
            identities[ident] = name
    problems: list[Problem] = []
    written: dict[str, str] = {}
    written_ids: dict[tuple[int, int], str] = {}
    for given in outputs:
        name = os.fspath(given)
        if not name:
            problems.append(Problem(Location("quizgen"), "error", "an output path is empty"))
            continue
        where = Location(name)
        if "\x00" in name:
            problems.append(Problem(where, "error", "an output path cannot hold a NUL character"))
            continue
        real = os.path.realpath(name)
        ident = _identity(Path(name))
        same_input = known.get(real) or (identities.get(ident) if ident else None)
        earlier = written.get(real) or (written_ids.get(ident) if ident else None)
        reason = _not_writable_reason(Path(name))
        if same_input is not None:
            also = "" if same_input == name else f" ({same_input})"
            message = f"cannot write {name}: it is an input of this run{also}"
            problems.append(Problem(where, "error", message))
        elif reason is not None:
            problems.append(Problem(where, "error", f"cannot write {name}: {reason}"))
        elif earlier is not None:
            also = "" if earlier == name else f" (as {earlier})"
            message = f"{name} would be written twice in one run{also}"
            problems.append(Problem(where, "error", message))
        written.setdefault(real, name)
        if ident is not None:
            written_ids.setdefault(ident, name)
    return problems


def check_outputs(outputs: Iterable[PathLike], inputs: Iterable[PathLike] = ()) -> None:
    """Raise a :class:`QuizgenError` with every problem :func:`output_problems` finds."""
    problems = output_problems(outputs, inputs)
    if problems:
        raise QuizgenError(problems)


# -- temporary files, journals, and tidying up after a killed run ----------------------------


def _alive(pid: int) -> bool:
    """Whether another process with this PID is running."""
    if pid == os.getpid():
        return False  # our own files are in _LIVE; any other is a dead namesake's
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except (OverflowError, ValueError, OSError):
        return False
    return True


def _stale(folder: Path, pattern: re.Pattern[str]) -> Iterator[Path]:
    """Our own files of ``pattern`` in ``folder`` whose writer is gone."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        m = pattern.fullmatch(entry.name)
        if m is None or not entry.is_file(follow_symlinks=False):
            continue
        path = Path(os.path.abspath(entry.path))
        if str(path) not in _LIVE and not _alive(int(m["pid"])):
            yield path


def finish_interrupted(folder: PathLike) -> list[Path]:
    """Complete the sets of files a killed run left half renamed in ``folder``; tidy up.

    Rolls forward: every staged file was whole on disk before the journal was written,
    so the renames still to do are done. Then removes our temporary files whose writer
    is gone. Returns the targets the completed sets hold. Writing to a folder calls this
    first; the command line may also call it.
    """
    folder = Path(folder)
    completed: list[Path] = []
    for journal in _stale(folder, _JOURNAL):
        try:
            record = json.loads(journal.read_text(encoding="utf-8"))
            entries = record["entries"]
            journals = [Path(p) for p in record["journals"]]
        except (OSError, ValueError, KeyError, TypeError):
            journal.unlink(missing_ok=True)
            continue
        try:
            for entry in entries:
                temp, target = Path(entry["temp"]), Path(entry["target"])
                if temp.exists():
                    os.replace(temp, target)
                if entry.get("backup"):
                    Path(entry["backup"]).unlink(missing_ok=True)
                completed.append(target)
            for path in journals:
                path.unlink(missing_ok=True)
        except OSError as exc:
            message = (
                f"cannot complete the set of files an interrupted run left half written "
                f"(journal {journal}): {exc.strerror or exc}"
            )
            raise QuizgenError(message, location=Location(str(journal))) from None
    for temp in _stale(folder, _TEMP):
        temp.unlink(missing_ok=True)
    return completed


def _prepare_folder(target: Path) -> Path:
    """Create the folder of ``target``, finish what a killed run left there; return it."""
    folder = target.parent
    reason = _not_writable_reason(target)
    if reason is not None:
        raise QuizgenError(f"cannot write {target}: {reason}", location=Location(str(target)))
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise QuizgenError(
            f"cannot write {target}: {exc.strerror or exc}", location=Location(str(target))
        ) from None
    finish_interrupted(folder)
    return folder


def _temporary(target: Path, suffix: str = ".tmp") -> tuple[int, Path]:
    """A new temporary file beside ``target`` (``.NAME.qgPID-xxxxxxxx.tmp``), registered live."""
    prefix = f".{target.name[:80]}.qg{os.getpid()}-"
    fd, name = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=target.parent)
    path = Path(os.path.abspath(name))
    _LIVE.add(str(path))
    return fd, path


def _discard(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)
    _LIVE.discard(str(path))


def _fsync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# -- one file --------------------------------------------------------------------------------


@contextlib.contextmanager
def atomic_path(target: PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success rename it over ``target``.

    The caller writes the whole file to the yielded path. If the block raises (SIGTERM
    included), the temporary file is removed and ``target`` is untouched. A target that
    exists and is not a regular file, or a folder that cannot be written, becomes a
    :class:`QuizgenError` naming the path.
    """
    target = Path(target)
    with terminate_as_interrupt():
        _prepare_folder(target)
        try:
            fd, tmp = _temporary(target)
        except OSError as exc:
            raise QuizgenError(
                f"cannot write {target}: {exc.strerror or exc}", location=Location(str(target))
            ) from None
        os.close(fd)
        try:
            yield tmp
            os.chmod(tmp, 0o644)
            reason = _not_writable_reason(target)  # it may have changed while we wrote
            if reason is not None:
                raise QuizgenError(
                    f"cannot write {target}: {reason}", location=Location(str(target))
                )
            os.replace(tmp, target)
        except OSError as exc:
            raise QuizgenError(
                f"cannot write {target}: {exc.strerror or exc}", location=Location(str(target))
            ) from None
        finally:
            _discard(tmp)


def _write_all(fd: int, content: Content) -> None:
    data = content.encode("utf-8") if isinstance(content, str) else content
    with os.fdopen(fd, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def write_text_atomic(target: PathLike, text: str) -> Path:
    """Write ``text`` (UTF-8, line ends as given) to ``target`` atomically; return the path."""
    with atomic_path(target) as tmp:
        _write_all(os.open(tmp, os.O_WRONLY | os.O_TRUNC), text)
    return Path(target)


def write_bytes_atomic(target: PathLike, data: bytes) -> Path:
    """Write ``data`` to ``target`` atomically; return the path."""
    with atomic_path(target) as tmp:
        _write_all(os.open(tmp, os.O_WRONLY | os.O_TRUNC), data)
    return Path(target)


# -- a set of files --------------------------------------------------------------------------


def set_fingerprint(contents: Iterable[Content]) -> str:
    """A short fingerprint of a set's contents (8 hex digits) that pages print to match by eye.

    The order of the contents counts. Text is hashed as UTF-8.
    """
    digest = hashlib.sha256()
    for content in contents:
        data = content.encode("utf-8") if isinstance(content, str) else content
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()[:8]


def stamp_fingerprint(
    items: Sequence[tuple[PathLike, Content]], placeholder: str
) -> tuple[list[tuple[PathLike, Content]], str]:
    """Fingerprint a set rendered with ``placeholder`` where the fingerprint goes; fill it in.

    Returns the items with every ``placeholder`` replaced, and the fingerprint (of the
    contents as rendered, placeholder included, so it does not depend on itself).
    """
    fingerprint = set_fingerprint(content for _, content in items)
    stamped: list[tuple[PathLike, Content]] = []
    for path, content in items:
        if isinstance(content, str):
            stamped.append((path, content.replace(placeholder, fingerprint)))
        else:
            stamped.append((path, content.replace(placeholder.encode(), fingerprint.encode())))
    return stamped, fingerprint


def write_set(
    items: Sequence[tuple[PathLike, LazyContent]], *, inputs: Iterable[PathLike] = ()
) -> tuple[Path, ...]:
    """Write files that belong together so that a reader finds the old set or the new one.

    ``items`` are (path, text or bytes, or a function returning them, called when that
    file is staged, so a big set is held in memory one file at a time); text is written
    as UTF-8 with its line ends as given. The paths are checked first (:func:`check_outputs`, with the run's ``inputs``).
    On an error before the renames (a full disk, a folder that cannot be written, Ctrl-C,
    SIGTERM) every old file is left as it was and no temporary file remains; a failed
    rename puts back the files already renamed. Returns the paths written.
    """
    targets = [Path(path) for path, _ in items]
    check_outputs(targets, inputs)
    with terminate_as_interrupt():
        folders = list(dict.fromkeys(_prepare_folder(t) for t in targets))
        temps: list[Path] = []
        backups: list[Path | None] = []
        journals: list[Path] = []
        current = targets[0] if targets else Path(".")
        try:
            for n, (target, (_, content)) in enumerate(zip(targets, items, strict=True)):
                current = target
                _fault(f"stage-{n}")
                data = content() if callable(content) else content
                fd, tmp = _temporary(target)
                temps.append(tmp)
                _write_all(fd, data)
                os.chmod(tmp, 0o644)
            for target in targets:
                current = target
                backups.append(_backup(target))
            journals = _write_journals(folders, targets, temps, backups)
            _fault("journal")
            with _signals_held():
                _rename_all(targets, temps, backups)
                for folder in folders:
                    _fsync_folder(folder)
                for journal in journals:
                    _discard(journal)
        except OSError as exc:
            raise QuizgenError(
                f"cannot write {current}: {exc.strerror or exc}; " + _unchanged(len(targets) - 1),
                location=Location(str(current)),
            ) from None
        finally:
            for path in [*temps, *(b for b in backups if b), *journals]:
                _discard(path)
    return tuple(targets)


def _unchanged(others: int) -> str:
    if others <= 0:
        return "the old file was left as it was"
    return f"the old file and the {others} other file{'s' * (others > 1)} of its set were left as they were"


def _backup(target: Path) -> Path | None:
    """A hard link to the file ``target`` is now, to put back if the set fails; None if none."""
    if not target.is_file():
        return None
    fd, path = _temporary(target)
    os.close(fd)
    os.unlink(path)  # os.link will not overwrite; the name stays ours (random, in _LIVE)
    try:
        os.link(target, path)
    except OSError:
        _LIVE.discard(str(path))
        return None  # no hard links here (FAT): a failed rename cannot be undone
    return path


def _write_journals(
    folders: list[Path], targets: list[Path], temps: list[Path], backups: list[Path | None]
) -> list[Path]:
    """Write the rename plan into each folder of the set, so a write to any finds it."""
    names: list[Path] = []
    for folder in folders:
        fd, name = tempfile.mkstemp(
            prefix=f".quizgen-set.qg{os.getpid()}-", suffix=".journal", dir=folder
        )
        os.close(fd)
        names.append(Path(os.path.abspath(name)))
        _LIVE.add(str(names[-1]))
    record = {
        "pid": os.getpid(),
        "entries": [
            {
                "target": os.path.abspath(target),
                "temp": str(temp),
                "backup": str(backup) if backup else None,
            }
            for target, temp, backup in zip(targets, temps, backups, strict=True)
        ],
        "journals": [str(p) for p in names],
    }
    text = json.dumps(record, indent=1)
    for path in names:
        fd, tmp = _temporary(path)
        try:
            _write_all(fd, text)
            os.replace(tmp, path)
        finally:
            _discard(tmp)
        _fsync_folder(path.parent)
    return names


def _rename_all(targets: list[Path], temps: list[Path], backups: list[Path | None]) -> None:
    """Rename every staged file over its target; if one fails, put back those done."""
    done = 0
    try:
        for n, (target, temp) in enumerate(zip(targets, temps, strict=True)):
            _fault(f"rename-{n}")
            if _not_writable_reason(target) is not None:  # became a folder or a device
                raise OSError(errno.EISDIR, _not_writable_reason(target))
            os.replace(temp, target)
            done += 1
    except OSError:
        for target, backup in zip(targets[:done], backups[:done], strict=True):
            with contextlib.suppress(OSError):
                if backup is not None:
                    os.replace(backup, target)
                else:
                    target.unlink()
        raise
