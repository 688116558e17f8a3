"""The files a bank names: only regular files of bounded size, and images that are images.

Every check here looks before it reads: ``os.stat`` never blocks, so a FIFO, a device
(``/dev/zero``, ``/dev/urandom``) or a symlink to one is refused without being opened,
and a file is opened (non-blocking) only once it is known to be regular and small.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

# Limits, documented in docs/bank-format.md.
MAX_SOURCE_BYTES = 20_000_000  # a source document: 20 MB
IMAGE_WARN_BYTES = 1_000_000  # an image above 1 MB is worth a warning
MAX_IMAGE_BYTES = 5_000_000  # and above 5 MB it is refused

_SVG_PROBE_BYTES = 65_536  # the root element of an SVG is found within its first 64 KB


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


def regular_file_size(path: Path) -> int | str:
    """The size of ``path`` if it is a regular file (symlinks followed), else why it is not.

    The reason reads after the path: "does not exist", "is a device, not a regular file".
    """
    try:
        info = os.stat(path)
    except OSError as exc:
        if exc.errno in (errno.ENOENT, errno.ENOTDIR, errno.ENAMETOOLONG):
            return "does not exist"
        return f"cannot be read: {exc.strerror or exc}"  # a loop of symlinks, no permission
    except ValueError:  # a NUL byte
        return "does not exist"
    if not stat.S_ISREG(info.st_mode):
        return f"is {_kind(info.st_mode)}, not a regular file"
    return info.st_size


def megabytes(size: int) -> str:
    """``size`` bytes as ``12.3 MB``, rounded up (a file just over a limit never shows equal to it)."""
    tenths = -(-size // 100_000)
    return f"{tenths // 10}.{tenths % 10} MB" if tenths % 10 else f"{tenths // 10} MB"


def read_head(path: Path, count: int) -> bytes:
    """The first ``count`` bytes of a regular file, read without ever blocking."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # swapped for something else since the stat
            raise OSError(f"{path} is not a regular file")
        return os.read(fd, count)
    finally:
        os.close(fd)


def image_format_problem(path: Path) -> str | None:
    """Why the file at ``path`` is not an image of the kind its name says, or None.

    PNG, JPEG, GIF and WebP are recognised by their first bytes; an SVG must be
    UTF-8 XML text whose root element is ``<svg>``.
    """
    suffix = path.suffix.lower()
    try:
        head = read_head(path, _SVG_PROBE_BYTES if suffix == ".svg" else 16)
    except OSError as exc:
        return f"cannot be read: {exc.strerror or exc}"
    if suffix == ".png":
        ok = head.startswith(b"\x89PNG\r\n\x1a\n")
    elif suffix in (".jpg", ".jpeg"):
        ok = head.startswith(b"\xff\xd8\xff")
    elif suffix == ".gif":
        ok = head.startswith((b"GIF87a", b"GIF89a"))
    elif suffix == ".webp":
        ok = head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    else:
        return _svg_problem(head)
    name = "JPEG" if suffix in (".jpg", ".jpeg") else suffix[1:].upper()
    return None if ok else f"is not a {name} image (its first bytes are not a {name} header)"


def _svg_problem(head: bytes) -> str | None:
    import codecs
    from xml.etree.ElementTree import Element, ParseError, XMLPullParser

    try:  # the head may end inside a character: decode incrementally
        text = codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=False)
    except UnicodeDecodeError:
        return "is not an SVG image (it is not UTF-8 text)"
    parser: XMLPullParser[Element] = XMLPullParser(events=("start",))
    parser.feed(text)  # a syntax error is queued as an event, after the starts before it
    root: object = None
    try:
        for event in parser.read_events():
            root = event[-1]  # (event name, element)
            break
    except ParseError:
        root = None
    if not isinstance(root, Element):
        return "is not an SVG image (no <svg> element at its start)"
    if root.tag not in ("svg", "{http://www.w3.org/2000/svg}svg"):
        shown = root.tag.rsplit("}", 1)[-1]
        return f"is not an SVG image (its root element is <{shown}>, not <svg>)"
    return None
