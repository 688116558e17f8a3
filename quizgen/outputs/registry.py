"""The registry of output formats: the built-in ones and those other packages add.

A built-in format is any module of :mod:`quizgen.outputs` that defines a module-level
``FORMAT`` satisfying :class:`~quizgen.outputs.base.OutputFormat`; dropping such a module
into the package registers it. Another package registers one through the entry point
group ``quizgen.formats``, whose value is the format object::

    [project.entry-points."quizgen.formats"]
    mine = "my_package.my_format:FORMAT"

Formats are found on first use, not at start-up, so ``quizgen --help`` stays fast. Output
modules import their heavy libraries inside the functions that use them.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from importlib.metadata import entry_points

from ..errors import QuizgenError
from .base import OutputFormat

ENTRY_POINT_GROUP = "quizgen.formats"

# Modules of the package that are helpers, not formats.
_NOT_FORMATS = frozenset({"base", "registry"})


@cache
def formats() -> dict[str, OutputFormat]:
    """Every registered format by name: the built-in ones, then third-party ones, sorted."""
    from .. import outputs

    found: dict[str, OutputFormat] = {}
    for module_info in pkgutil.iter_modules(outputs.__path__):
        if module_info.name in _NOT_FORMATS or module_info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{outputs.__name__}.{module_info.name}")
        fmt = getattr(module, "FORMAT", None)
        if isinstance(fmt, OutputFormat):
            found[fmt.name] = fmt
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        if entry.name in found:
            continue  # a built-in name is never replaced from outside
        try:
            fmt = entry.load()
        except Exception as exc:  # a broken plug-in must not break quizgen
            raise QuizgenError(
                f"the output format plug-in '{entry.name}' ({entry.value}) failed to load: {exc}"
            ) from None
        if not isinstance(fmt, OutputFormat):
            raise QuizgenError(
                f"the output format plug-in '{entry.name}' ({entry.value}) is not an output format"
            )
        found[fmt.name] = fmt
    return dict(sorted(found.items()))


def get_format(name: str) -> OutputFormat:
    """The format called ``name``; a QuizgenError listing the known ones otherwise."""
    known = formats()
    if name not in known:
        raise QuizgenError(f"no output format '{name}'; known formats: {', '.join(known)}")
    return known[name]
