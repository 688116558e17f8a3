"""YAML text to located nodes, refusing what a hand-written bank never needs.

A bank file is composed into PyYAML nodes (libyaml's C parser when PyYAML has it,
the pure-Python parser otherwise) by a composer of our own that keeps its own stack
and so cannot overflow Python's. No tag is ever constructed: only YAML's standard
tags are accepted, deep nesting is refused where it passes the limit, and aliases
are expanded only within a fixed budget (an alias bomb is refused before any
expansion). Problems are returned located, never raised.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import yaml
from yaml.composer import ComposerError
from yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..errors import Location, Problem
from .yaml_errors import plain_words

try:  # libyaml's C parser is several times faster than the pure-Python one
    from yaml import CSafeLoader as _Parser
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Parser  # type: ignore[assignment]

LIBYAML = _Parser.__name__.startswith("C")

T = TypeVar("T")

TAG_PREFIX = "tag:yaml.org,2002:"
STR, INT, FLOAT, BOOL, NULL = (TAG_PREFIX + t for t in ("str", "int", "float", "bool", "null"))
MAP, SEQ, MERGE = TAG_PREFIX + "map", TAG_PREFIX + "seq", TAG_PREFIX + "merge"
# Scalars of YAML's other standard tags are kept as their text.
TEXT_TAGS = {STR, TAG_PREFIX + "timestamp", TAG_PREFIX + "binary", TAG_PREFIX + "value"}
STANDARD_TAGS = {STR, INT, FLOAT, BOOL, NULL, MAP, SEQ, MERGE, *TEXT_TAGS}
STANDARD_TAGS |= {TAG_PREFIX + "set", TAG_PREFIX + "omap", TAG_PREFIX + "pairs"}

# Expanded size allowed for a document, as a multiple of its distinct nodes (aliases re-use nodes).
ALIAS_EXPANSION_FACTOR = 10
ALIAS_EXPANSION_FLOOR = 100_000
# Deepest nesting of lists and mappings read (a bank needs five or six levels).
MAX_NESTING = 200


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while a bank's many small objects are built.

    Loading allocates hundreds of thousands of objects (YAML nodes, model objects,
    strings) that all stay alive; with the collector on, its passes walk them again and
    again, which nearly doubles the time of a large bank. Reference counting still frees
    what is dropped, and the collector resumes afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def node_location(file: str, node: Node) -> Location:
    """Where ``node`` starts in ``file`` (1-based line and column)."""
    mark = node.start_mark
    return Location(file, mark.line + 1, mark.column + 1)


def node_kind(node: Node) -> str:
    """What a node is, in a teacher's words: ``a mapping``, ``a list``, ``text``..."""
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    if node.tag == NULL:
        return "empty"
    if node.tag == BOOL:
        return "a boolean"
    if node.tag in (INT, FLOAT):
        return "a number"
    return "text"


def read_yaml(path: Path) -> tuple[Node | None, list[Problem]]:
    """The root node of one YAML file, or None, and every problem found reading it."""
    file = str(path)
    problems: list[Problem] = []

    def error(location: Location, message: str) -> None:
        problems.append(Problem(location, "error", message))

    text = _read_text(path, error)
    if text is None:
        return None, problems
    root = _compose(text, file, error)
    if root is None:
        return None, problems
    # Without an explicit tag or an anchor there is nothing to refuse.
    if ("!" in text or "&" in text) and not _tags_are_standard(root, file, error):
        return None, problems
    return root, problems


def _read_text(path: Path, error: Any) -> str | None:
    file = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        error(Location(file), f"cannot read file: {exc.strerror or exc}")
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        error(
            Location(file, line, column),
            f"the file is not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})",
        )
        return None


def _compose(text: str, file: str, error: Any) -> Node | None:
    loader = None
    try:
        loader = _Parser(text)  # the pure-Python reader checks the characters here
        node = compose_document(loader)
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow
        position = exc.position
        if exc.encoding != "unicode":  # libyaml counts UTF-8 bytes, not characters
            position = len(text.encode("utf-8")[:position].decode("utf-8", "ignore"))
        position = max(0, min(position, len(text)))
        line = text.count("\n", 0, position) + 1
        column = position - (text.rfind("\n", 0, position) + 1) + 1
        char = exc.character
        shown = f"U+{char if isinstance(char, int) else ord(char):04X}"
        error(
            Location(file, line, column),
            f"invalid YAML: the character {shown} is not allowed in a YAML file",
        )
        return None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = Location(file, mark.line + 1, mark.column + 1) if mark else Location(file)
        problem = exc.problem or exc.context or "malformed YAML"
        if "but found another document" in str(exc):
            problem = "a bank file holds one YAML document; found another after '---'"
        elif "duplicate anchor" in (exc.context or "") and exc.context_mark:
            first = exc.context_mark.line + 1
            problem = f"this anchor name is already used (first at line {first})"
        elif (plain := plain_words(text, exc)) is not None:
            line, column, problem = plain
            where = Location(file, line, column)
        error(where, f"invalid YAML: {problem}")
        return None
    except yaml.YAMLError as exc:
        error(Location(file), f"invalid YAML: {exc}")
        return None
    finally:
        if loader is not None:
            loader.dispose()
    if node is None:
        error(Location(file, 1, 1), "the file is empty; a bank needs id, title and questions")
    return node


def _tags_are_standard(root: Node, file: str, error: Any) -> bool:
    """Refuse non-standard tags and alias bombs, in one pass over the distinct nodes."""
    ok = True
    seen: set[int] = set()
    aliased = False
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            aliased = True
            continue
        seen.add(id(node))
        if node.tag not in STANDARD_TAGS:
            shown = node.tag.replace(TAG_PREFIX, "!!", 1)
            error(
                node_location(file, node),
                f"tag '{shown}' is not allowed; a bank uses plain YAML only",
            )
            ok = False
        stack.extend(children(node))
    return ok and (not aliased or _expansion_is_bounded(root, file, error))


def _expansion_is_bounded(root: Node, file: str, error: Any) -> bool:
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()  # nodes whose children are being counted
    distinct = 0
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:  # post-order over the node graph, each distinct node once
        node, children_done = stack.pop()
        if id(node) in sizes:
            continue
        kids = children(node)
        if not children_done and kids:
            if id(node) in open_nodes:  # reached from inside itself: `&a [*a]`
                error(
                    node_location(file, node),
                    "an alias refers to the collection that contains it; "
                    "a bank cannot hold a recursive structure",
                )
                return False
            open_nodes.add(id(node))
            stack.append((node, True))
            stack.extend((c, False) for c in kids if id(c) not in sizes)
            continue
        distinct += 1
        sizes[id(node)] = 1 + sum(sizes[id(c)] for c in kids)
    budget = max(ALIAS_EXPANSION_FLOOR, ALIAS_EXPANSION_FACTOR * distinct)
    if sizes[id(root)] > budget:
        error(
            node_location(file, root),
            f"aliases expand this file to {sizes[id(root)]:,} values (limit {budget:,}); "
            "refusing to expand it (an 'alias bomb'?)",
        )
        return False
    return True


def children(node: Node) -> list[Node]:
    """A node's direct children: list items, or mapping keys and values in order."""
    if isinstance(node, SequenceNode):
        return list(node.value)
    if isinstance(node, MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def direct_merges(node: MappingNode) -> list[Node]:
    """The nodes a mapping's own ``<<`` keys merge into it, in the order written."""
    out: list[Node] = []
    for key, value in node.value:
        if key.tag == MERGE:
            out.extend(value.value if isinstance(value, SequenceNode) else [value])
    return out


def resolve_merges(node: Node, combine: Callable[[Node, list[T]], T], cache: dict[int, T]) -> T:
    """``combine(n, [results of n's merged nodes])`` for ``node``, computed bottom-up.

    Each merged mapping is combined once per ``cache`` (a chain of a thousand
    ``<<: *previous`` links costs a thousand steps, not half a million) and with a
    stack, not recursion. Aliases cannot form a cycle here: the composer's checks
    refuse a recursive structure before anything is resolved.
    """
    stack: list[tuple[Node, bool]] = [(node, False)]
    while stack:
        current, ready = stack.pop()
        if id(current) in cache:
            continue
        merged = direct_merges(current) if isinstance(current, MappingNode) else []
        if ready or not merged:
            cache[id(current)] = combine(current, [cache[id(m)] for m in merged])
            continue
        stack.append((current, True))
        stack.extend((m, False) for m in merged if id(m) not in cache)
    return cache[id(node)]


def key_nodes(
    node: MappingNode, cache: dict[int, dict[str, Node]] | None = None
) -> dict[str, Node]:
    """A mapping's text keys to their value nodes as read: the first of a duplicate, merges applied.

    Explicit keys win over merged ones, and an earlier merge over a later one.
    """

    def combine(current: Node, merged: list[dict[str, Node]]) -> dict[str, Node]:
        out: dict[str, Node] = {}
        if isinstance(current, MappingNode):
            for key, value in current.value:
                if key.tag != MERGE and isinstance(key, ScalarNode):
                    out.setdefault(key.value, value)
        for fields in merged:
            for key, value in fields.items():
                out.setdefault(key, value)
        return out

    if not any(key.tag == MERGE for key, _ in node.value):  # the common case
        return combine(node, [])
    return resolve_merges(node, combine, {} if cache is None else cache)


def compose_document(loader: Any) -> Node | None:
    """The node graph of the one YAML document ``loader`` parses (None if there is none).

    PyYAML's composers (libyaml's in C, the Python one) recurse once per level of
    nesting: libyaml's crashes the interpreter on ``[[[[...`` some thousands deep.
    This one keeps its own stack and refuses more than MAX_NESTING levels; it
    builds the same nodes with the same tags and marks.
    """
    get = loader.get_event
    resolve = loader.resolve
    plain_tags: dict[str, str] = {}  # a bank repeats its keys: resolve each plain scalar once
    get()  # StreamStartEvent
    start = get()
    if isinstance(start, StreamEndEvent):
        return None
    anchors: dict[str, Node] = {}
    open_nodes: list[Node] = []  # the collections being read, outermost first
    keys: list[Node | None] = []  # per open mapping: a key waiting for its value
    root: Node | None = None
    while True:
        event = get()
        kind = event.__class__
        if kind is ScalarEvent:
            tag, value = event.tag, event.value
            if tag is None or tag == "!":
                if event.implicit[0]:  # plain: the tag depends on the value alone
                    tag = plain_tags.get(value)
                    if tag is None:
                        tag = plain_tags[value] = resolve(ScalarNode, value, event.implicit)
                else:
                    tag = resolve(ScalarNode, value, event.implicit)
            node: Node = ScalarNode(tag, value, event.start_mark, event.end_mark, style=event.style)
            anchor = event.anchor
        elif kind is AliasEvent:
            if event.anchor not in anchors:
                message = f"found undefined alias {event.anchor!r}"
                raise ComposerError(None, None, message, event.start_mark)
            node = anchors[event.anchor]
            anchor = None
        elif kind is SequenceStartEvent or kind is MappingStartEvent:
            cls = SequenceNode if kind is SequenceStartEvent else MappingNode
            tag = event.tag
            if tag is None or tag == "!":
                tag = resolve(cls, None, event.implicit)
            node = cls(tag, [], event.start_mark, None, flow_style=event.flow_style)
            anchor = event.anchor
            if len(open_nodes) >= MAX_NESTING:
                message = (
                    f"lists and mappings nested more than {MAX_NESTING} levels deep; "
                    "a bank needs only a few"
                )
                raise ComposerError(None, None, message, event.start_mark)
        elif kind is SequenceEndEvent or kind is MappingEndEvent:
            node = open_nodes.pop()
            keys.pop()
            node.end_mark = event.end_mark
            anchor = None
        elif kind is DocumentEndEvent:
            break
        else:  # pragma: no cover - the parser sends nothing else inside a document
            raise ComposerError(None, None, f"unexpected {kind.__name__}", event.start_mark)
        if anchor is not None:
            if anchor in anchors:
                first = anchors[anchor].start_mark
                context = f"found duplicate anchor {anchor!r}; first occurrence"
                raise ComposerError(context, first, "second occurrence", event.start_mark)
            anchors[anchor] = node
        if kind is SequenceStartEvent or kind is MappingStartEvent:
            open_nodes.append(node)
            keys.append(None)
            continue
        if not open_nodes:
            root = node
            continue
        parent = open_nodes[-1]
        if isinstance(parent, SequenceNode):
            parent.value.append(node)
        elif keys[-1] is None:
            keys[-1] = node
        else:
            parent.value.append((keys[-1], node))
            keys[-1] = None
    end = get()
    if not isinstance(end, StreamEndEvent):
        raise ComposerError(
            "expected a single document in the stream",
            start.start_mark,
            "but found another document",
            end.start_mark,
        )
    return root
