"""``quizgen build --watch``: build, then build again each time a bank or its files change.

Watching uses ``watchfiles`` (Rust ``notify`` underneath: inotify, FSEvents, ReadDirectoryChangesW,
polling as a fallback), imported only here. It watches the folders that hold the bank
files, their source documents and images, and reacts only to those files, so the outputs
written meanwhile, editor swap files and other files in the same folders are ignored.
Changes within the debounce window make one build. A failed build is reported and the
watch goes on; Ctrl-C raises KeyboardInterrupt to the caller.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from ..bank.check import check_paths
from ..errors import QuizgenError

DEBOUNCE_MS = 300


@dataclass(frozen=True)
class Watched:
    """What a build reads: the files to react to and the folders holding them."""

    files: frozenset[Path]
    folders: frozenset[Path]  # named bank folders: a new *.yaml in one is a new bank

    @property
    def roots(self) -> frozenset[Path]:
        """The folders to watch."""
        return frozenset({f.parent for f in self.files} | self.folders)

    def matters(self, path: Path) -> bool:
        """Whether a change to ``path`` calls for a new build."""
        path = path.resolve() if path.exists() else path.absolute()
        if path in self.files:
            return True
        return (
            path.parent in self.folders
            and path.suffix in (".yaml", ".yml")
            and not path.name.startswith(".")
        )


def watched(paths: Iterable[Path]) -> Watched:
    """The files the banks under ``paths`` read (the banks, their sources and images)."""
    files: set[Path] = set()
    folders: set[Path] = set()
    for path in paths:
        if path.is_dir():
            folders.add(path.resolve())
        else:
            files.add(path.resolve())
    try:
        report = check_paths(list(paths))
    except QuizgenError:  # an empty folder, say: watch it until a bank appears
        return Watched(frozenset(files), frozenset(folders))
    for file in report.files:
        files.add(file.resolve())
    for bank in report.banks:
        files.update(source.path.resolve() for source in bank.sources.values())
        files.update(q.image.resolve() for q in bank.questions if q.image is not None)
    return Watched(frozenset(files), frozenset(folders))


def _filter(current: Watched) -> Callable[[object, str], bool]:
    """watchfiles' filter: only the files ``current`` names."""

    def matters(_change: object, name: str) -> bool:
        return current.matters(Path(name))

    return matters


def watch_builds(
    paths: list[Path],
    build: Callable[[], object],
    failed: Callable[[QuizgenError], None],
    changed: Callable[[list[Path]], None],
    *,
    debounce_ms: int = DEBOUNCE_MS,
    stop: threading.Event | None = None,
) -> None:
    """Run ``build`` now and after every change to what the banks read, until ``stop`` is set.

    ``failed`` gets the QuizgenError of a build that failed; ``changed`` the paths that
    set off a build. Ctrl-C raises KeyboardInterrupt.
    """
    import watchfiles

    def attempt() -> None:
        try:
            build()
        except QuizgenError as exc:
            failed(exc)

    attempt()
    while stop is None or not stop.is_set():
        current = watched(paths)
        roots = [str(r) for r in sorted(current.roots) if r.is_dir()]
        if not roots:
            raise QuizgenError("nothing to watch: the banks' folders do not exist")
        for changes in watchfiles.watch(
            *roots,
            watch_filter=_filter(current),
            debounce=debounce_ms,
            step=50,
            stop_event=stop,
            raise_interrupt=True,
            recursive=False,
        ):
            changed(sorted({Path(name) for _change, name in changes}))
            attempt()
            if watched(paths) != current:
                break  # a new source or bank file: watch the new set
        else:
            return  # the stop event ended the watch
