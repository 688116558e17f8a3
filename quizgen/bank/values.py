"""Located nodes to plain values: text, booleans, numbers, lists, mappings and paths.

Each conversion returns None and records a located problem when the node is wrong,
so that one pass over a file reports everything wrong in it. A scalar with an
explicit tag (``!!int ""``, ``!!bool maybe``) is held to the same rules as a plain one.
"""

from __future__ import annotations

import difflib
import math
import re
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode

from ..errors import Location, Problem, Severity
from .yaml_nodes import (
    BOOL,
    FLOAT,
    INT,
    MERGE,
    NULL,
    key_nodes,
    node_kind,
    node_location,
    resolve_merges,
)

# Used only to read the value of int and float scalars; nothing else is ever constructed.
_SCALARS = yaml.constructor.SafeConstructor()

# A plainly written YAML number: digits, optionally grouped in threes by ``_``, and decimals.
_WRITTEN = re.compile(r"[+-]?(?:\d{1,3}(?:_\d{3})+|\d+)(?:\.\d+)?")


def written_number(raw: str) -> str | None:
    """A number's text as the bank wrote it, for printing: ``2.50``; ``150_000`` as ``150,000``.

    None for YAML's other spellings (``1.0e+3``, ``0x10``, ``1_0``): those print as the value.
    """
    raw = raw.strip()
    if _WRITTEN.fullmatch(raw) is None:
        return None
    return raw.replace("_", ",")


# A mapping's keys to value nodes, and its problems as (node, message).
_Checked = tuple[dict[str, Node], list[tuple[Node, str]]]

# YAML's boolean words (as PyYAML reads them, any case); `!!bool maybe` is not one.
TRUE_WORDS = ("true", "yes", "on")
FALSE_WORDS = ("false", "no", "off")


def did_you_mean(word: str, options: tuple[str, ...] | list[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest option, or an empty string."""
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


_OCTAL = re.compile(r"[-+]?0[0-7_]+")
_EXPONENT = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)[eE][-+]?\d+")
_THOUSANDS = re.compile(r"[-+]?\d{1,3}(,\d{3})+(\.\d+)?")
_DECIMAL_COMMA = re.compile(r"[-+]?\d+,\d{1,2}")
_LEADING_ZERO = re.compile(r"[-+]?0\d+(\.\d*)?")
_WITH_UNIT = re.compile(r"([^\d\s.,+-]{1,3}\s*)?[-+]?\d[\d,]*(\.\d+)?(\s*[^\d\s].*)?")


def _plain_number(text: str) -> str:
    value = float(text)
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else f"{value:.12g}"


def misread_number(node: ScalarNode) -> str | None:
    """How YAML misreads a number written as ``node`` (``010``, ``1:30``, ``1e3``...), with the fix."""
    value = node.value.strip()
    if node.style:  # quoted or a block scalar: the writer asked for text (plain: None or "")
        return None
    if node.tag == INT and _OCTAL.fullmatch(value) and value.strip("+-0_"):
        octal = int(value.replace("_", ""), 8)
        return (
            f"YAML reads {value} as {octal}: a leading 0 makes an octal number; "
            f"write {int(value.replace('_', ''))} without the 0"
        )
    if node.tag in (INT, FLOAT) and ":" in value:
        read = (
            _SCALARS.construct_yaml_int(node)
            if node.tag == INT
            else _SCALARS.construct_yaml_float(node)
        )
        return (
            f"YAML reads {value} as {read}: numbers with ':' are counted in sixties, like a "
            "time; write the number you mean (in one unit)"
        )
    if node.tag not in (INT, FLOAT, BOOL, NULL):
        if _EXPONENT.fullmatch(value):
            return (
                f"YAML reads {value} as text: its exponent form needs a point and a sign "
                f"(1.0e+3); write {_plain_number(value)}"
            )
        if _THOUSANDS.fullmatch(value):
            return (
                f"{value} has a comma, which makes it text in YAML; write "
                f"{value.replace(',', '')} (or {value.replace(',', '_')})"
            )
        if _DECIMAL_COMMA.fullmatch(value):
            return f"{value} has a decimal comma; YAML needs a point: {value.replace(',', '.')}"
        if _LEADING_ZERO.fullmatch(value):
            return f"{value} starts with 0, which YAML does not read as a number; write {_plain_number(value)}"
        if _WITH_UNIT.fullmatch(value):
            return (
                f"'{value}' is text: write the number alone (a unit goes in 'unit:', "
                "a range in 'tolerance:')"
            )
    return None


def _shown(value: str, limit: int = 20) -> str:
    return value if len(value) <= limit else value[:limit] + "..."


def resolved(folder: Path, name: str) -> Path | None:
    """``folder / name`` made absolute, or None if the system cannot name it (a NUL byte...)."""
    try:
        return (folder / name).resolve()
    except (OSError, ValueError):
        return None


class NodeReader:
    """Reads values out of one file's nodes, collecting every problem on the way."""

    def __init__(self, file: str):
        self.file = file
        self.problems: list[Problem] = []
        self.question: str | None = None  # the id of the question being read, for messages
        # Merged mappings already checked, per way of reading them: merge chains cost O(n).
        self._merged: dict[tuple[Any, ...], dict[int, _Checked]] = {}
        self._key_nodes: dict[int, dict[str, Node]] = {}

    def report(self, where: Node | Location, message: str, severity: Severity = "error") -> None:
        """Record a problem at ``where`` (a node or a location)."""
        location = where if isinstance(where, Location) else node_location(self.file, where)
        self.problems.append(Problem(location, severity, message, self.question))

    def error(self, where: Node | Location, message: str) -> None:
        """Record an error at ``where``."""
        self.report(where, message)

    def where(self, node: Node) -> Location:
        """The location of ``node`` in this file."""
        return node_location(self.file, node)

    def mapping(
        self,
        node: Node,
        what: str,
        allowed: tuple[str, ...] | None,
        *,
        qtype: str | None = None,
        known: tuple[str, ...] = (),
    ) -> dict[str, Node] | None:
        """A mapping node's keys to value nodes; duplicates and unknown keys reported.

        ``allowed`` None admits any key (id-keyed mappings such as ``sources``). With
        ``qtype`` a question type and ``known`` every key of any type, a key of another
        type is reported as not applying to this one. Merge keys (``<<: *defaults``)
        are applied, explicit keys winning.
        """
        if not isinstance(node, MappingNode):
            self.error(node, f"{what} must be a mapping, not {node_kind(node)}")
            return None
        if not any(key.tag == MERGE for key, _ in node.value):  # the common case
            fields, problems = self._keys_of(node, what, allowed, qtype, known)
            for where, message in problems:
                self.error(where, message)
            return fields
        cache = self._merged.setdefault((what, allowed, qtype, known), {})

        def combine(current: Node, merged: list[_Checked]) -> _Checked:
            if not isinstance(current, MappingNode):  # a merged node that is not a mapping
                return {}, [(current, f"{what} must be a mapping, not {node_kind(current)}")]
            fields, problems = self._keys_of(current, what, allowed, qtype, known)
            for more_fields, more_problems in merged:
                for key, value_node in more_fields.items():
                    fields.setdefault(key, value_node)
                problems.extend(more_problems)
            return fields, problems

        fields, problems = resolve_merges(node, combine, cache)
        for where, message in problems:  # reported for each question that reads them
            self.error(where, message)
        return dict(fields)

    def _keys_of(
        self,
        node: MappingNode,
        what: str,
        allowed: tuple[str, ...] | None,
        qtype: str | None,
        known: tuple[str, ...],
    ) -> _Checked:
        """The explicit (not merged) keys of one mapping, and the problems with them."""
        out: dict[str, Node] = {}
        problems: list[tuple[Node, str]] = []
        for key_node, value_node in node.value:
            if key_node.tag == MERGE:
                continue
            if not isinstance(key_node, ScalarNode) or key_node.tag == NULL:
                problems.append((key_node, f"{what} has a key that is not text"))
                continue
            key = key_node.value
            if key in out:
                first = out[key].start_mark
                problems.append(
                    (
                        key_node,
                        f"duplicate key '{key}' (first given at line {first.line + 1}); "
                        "a key may appear once",
                    )
                )
                continue
            if allowed is not None and key not in allowed:
                if qtype and key in known:
                    problems.append((key_node, f"key '{key}' does not apply to a {qtype} question"))
                else:
                    hint = did_you_mean(key, allowed)
                    if not hint and qtype and known:  # a misspelt key of another type
                        other = did_you_mean(key, known)
                        hint = other and f"{other[:-1]} It is not a key of {qtype} questions)"
                    problems.append((key_node, f"unknown key '{key}'{hint}"))
                continue
            out[key] = value_node
        return out, problems

    def keys_as_read(self, node: MappingNode) -> dict[str, Node]:
        """A mapping's keys to value nodes, merges applied, nothing reported (see key_nodes)."""
        return key_nodes(node, self._key_nodes)

    def text(self, node: Node, what: str, *, required: bool = True) -> str | None:
        """A scalar's text (a number or boolean as written); empty text is an error."""
        if not isinstance(node, ScalarNode) or node.tag == NULL:
            if node.tag == NULL and not required:
                return None
            self.error(node, f"{what} must be text, not {node_kind(node)}")
            return None
        value: str = node.value
        if not value.strip():
            self.error(node, f"{what} is empty")
            return None
        return value

    def boolean(self, node: Node, what: str) -> bool | None:
        """A YAML boolean: true/false, yes/no, on/off in any case."""
        if isinstance(node, ScalarNode) and node.tag == BOOL:
            word = node.value.lower()
            if word in TRUE_WORDS or word in FALSE_WORDS:
                return word in TRUE_WORDS
            self.error(node, f"{what} must be true or false, not '{_shown(node.value)}'")
            return None
        self.error(node, f"{what} must be true or false, not {node_kind(node)}")
        return None

    def number(self, node: Node, what: str) -> float | None:
        """A finite YAML int or float, not one YAML misreads (``010``, ``1:30``)."""
        misread = misread_number(node) if isinstance(node, ScalarNode) else None
        if misread is not None:
            self.error(node, f"{what} must be a number: {misread}")
            return None
        if not (isinstance(node, ScalarNode) and node.tag in (INT, FLOAT)):
            self.error(node, f"{what} must be a number, not {node_kind(node)}")
            return None
        value: float | None
        try:
            if node.tag == INT:
                value = _SCALARS.construct_yaml_int(node)
            else:
                value = _SCALARS.construct_yaml_float(node)
        except (ValueError, IndexError, yaml.YAMLError):  # `!!int ""`, `!!int "-"`, ...
            self.error(node, f"{what} must be a number; '{_shown(node.value)}' is not one")
            return None
        try:
            finite = math.isfinite(value)
        except OverflowError:  # an int too large for a float
            finite = False
        if finite:
            return value
        self.error(node, f"{what} must be a finite number, not {_shown(node.value)}")
        return None

    def text_list(self, node: Node, what: str, *, minimum: int = 1) -> tuple[str, ...] | None:
        """A list of distinct texts, at least ``minimum`` of them."""
        if not isinstance(node, yaml.SequenceNode):
            self.error(node, f"{what} must be a list, not {node_kind(node)}")
            return None
        items: list[str] = []
        ok = True
        seen: dict[str, Node] = {}
        for index, child in enumerate(node.value):
            value = self.text(child, f"{what}[{index + 1}]")
            if value is None:
                ok = False
                continue
            if value in seen:
                self.error(child, f"{what} lists '{value}' twice")
                ok = False
            seen[value] = child
            items.append(value)
        if ok and len(items) < minimum:
            self.error(node, f"{what} needs at least {minimum} item{'s' if minimum > 1 else ''}")
            ok = False
        return tuple(items) if ok else None
