"""YAML bank files to the typed model, every value located.

The loader composes YAML into nodes (libyaml's C parser when PyYAML has it, the
pure-Python parser otherwise) and builds the model from the nodes itself, so no
YAML tag is ever constructed: only YAML's standard tags are accepted, duplicate
keys are errors, and aliases are expanded only within a fixed budget (an alias
bomb is refused before any expansion). Every problem in a file is collected, not
just the first, and reported with its file, line and column.
"""

from __future__ import annotations

import contextlib
import difflib
import gc
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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

from ..errors import Location, Problem, QuizgenError
from .model import (
    DIFFICULTIES,
    QUESTION_TYPES,
    Bank,
    Question,
    Source,
    SourceRef,
    parse_cloze,
)

try:  # libyaml's C parser is several times faster than the pure-Python one
    from yaml import CSafeLoader as _Parser
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Parser  # type: ignore[assignment]

LIBYAML = _Parser.__name__.startswith("C")


# Used only to read the value of int and float scalars; nothing else is ever constructed.
_SCALARS = yaml.constructor.SafeConstructor()

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp")

_TAG = "tag:yaml.org,2002:"
STR, INT, FLOAT, BOOL, NULL = (_TAG + t for t in ("str", "int", "float", "bool", "null"))
MAP, SEQ, MERGE = _TAG + "map", _TAG + "seq", _TAG + "merge"
# Scalars of YAML's other standard tags are kept as their text.
TEXT_TAGS = {STR, _TAG + "timestamp", _TAG + "binary", _TAG + "value"}
STANDARD_TAGS = {STR, INT, FLOAT, BOOL, NULL, MAP, SEQ, MERGE, *TEXT_TAGS}
STANDARD_TAGS |= {_TAG + "set", _TAG + "omap", _TAG + "pairs"}

# Expanded size allowed for a document, as a multiple of its distinct nodes (aliases re-use nodes).
ALIAS_EXPANSION_FACTOR = 10
ALIAS_EXPANSION_FLOOR = 100_000
# Deepest nesting of lists and mappings read (a bank needs five or six levels).
MAX_NESTING = 200

BANK_KEYS = ("id", "title", "description", "sources", "questions")
SOURCE_KEYS = ("path", "title")
COMMON_KEYS = (
    "id",
    "type",
    "prompt",
    "explanation",
    "tags",
    "topic",
    "difficulty",
    "points",
    "source",
    "image",
)
TYPE_KEYS: dict[str, tuple[str, ...]] = {
    "multiple_choice": ("choices", "answer", "shuffle"),
    "multiple_answer": ("choices", "answer", "shuffle"),
    "true_false": ("answer",),
    "short_answer": ("answer", "case_sensitive"),
    "numeric": ("answer", "tolerance", "unit"),
    "cloze": ("text",),
    "matching": ("pairs",),
    "ordering": ("items",),
}
ALL_QUESTION_KEYS = tuple(dict.fromkeys(COMMON_KEYS + sum(TYPE_KEYS.values(), ())))


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


def bank_files(paths: list[Path]) -> list[Path]:
    """The bank files named by ``paths``: files as given, folders as their ``*.yaml``/``*.yml``."""
    files: list[Path] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            # As the shell's *.yaml: hidden files (macOS ._x.yaml, editor .#x.yaml) are not banks.
            found = sorted(
                p
                for p in path.iterdir()
                if p.suffix in (".yaml", ".yml") and not p.name.startswith(".") and p.is_file()
            )
            if not found:
                raise QuizgenError(
                    f"no *.yaml or *.yml bank files in folder {path}", location=Location(str(path))
                )
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            raise QuizgenError(f"no such file or folder: {path}", location=Location(str(path)))
    # A file named twice (a.yaml and its folder, or a.yaml ./a.yaml) is read once.
    first: dict[Path, Path] = {}
    for file in files:
        first.setdefault(file.resolve(), file)
    return list(first.values())


def parse_bank(path: Path) -> tuple[Bank | None, list[Problem]]:
    """Read one bank file: the bank and every problem found.

    The bank is None when its id, title or question list could not be read; when
    there are errors, it holds only the questions that were valid.
    """
    parser = _BankParser(Path(path))
    bank = parser.parse()
    return bank, parser.problems


def load_bank(path: Path) -> Bank:
    """Load and fully check one bank file; raise QuizgenError listing every error."""
    return load_banks([path])[0]


def load_banks(paths: list[Path]) -> list[Bank]:
    """Load and fully check the banks in ``paths`` (files or folders).

    Raises QuizgenError with every error found in every file. Warnings are not
    errors here; :func:`quizgen.bank.check.check_paths` reports them.
    """
    from .check import check_paths

    report = check_paths(paths)
    if report.errors:
        raise QuizgenError(report.errors)
    return report.banks


def _location(file: str, node: Node) -> Location:
    mark = node.start_mark
    return Location(file, mark.line + 1, mark.column + 1)


def _node_kind(node: Node) -> str:
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


def did_you_mean(word: str, options: tuple[str, ...] | list[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest option, or an empty string."""
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


@dataclass
class _Fields:
    """A question mapping under construction: values, their locations, and its problems."""

    values: dict[str, Any] = field(default_factory=dict)
    locations: dict[str, Location] = field(default_factory=dict)
    ok: bool = True


class _BankParser:
    """Builds one Bank from one file's nodes, collecting every problem on the way."""

    def __init__(self, path: Path):
        self.path = path
        self.file = str(path)
        self.problems: list[Problem] = []
        self._question: str | None = None

    # -- reporting -----------------------------------------------------------------------
    def error(self, where: Node | Location, message: str) -> None:
        location = where if isinstance(where, Location) else _location(self.file, where)
        self.problems.append(Problem(location, "error", message, self._question))

    # -- reading -------------------------------------------------------------------------
    def _read_text(self) -> str | None:
        try:
            data = self.path.read_bytes()
        except OSError as exc:
            self.error(Location(self.file), f"cannot read file: {exc.strerror or exc}")
            return None
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
            self.error(
                Location(self.file, line, column),
                f"the file is not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})",
            )
            return None

    def _compose(self, text: str) -> Node | None:
        loader = None
        try:
            loader = _Parser(text)  # the pure-Python reader checks the characters here
            node = _compose_document(loader)
        except yaml.reader.ReaderError as exc:  # a character YAML does not allow
            position = exc.position
            if exc.encoding != "unicode":  # libyaml counts UTF-8 bytes, not characters
                position = len(text.encode("utf-8")[:position].decode("utf-8", "ignore"))
            position = max(0, min(position, len(text)))
            line = text.count("\n", 0, position) + 1
            column = position - (text.rfind("\n", 0, position) + 1) + 1
            char = exc.character
            shown = f"U+{char if isinstance(char, int) else ord(char):04X}"
            self.error(
                Location(self.file, line, column),
                f"invalid YAML: the character {shown} is not allowed in a YAML file",
            )
            return None
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            where = (
                Location(self.file, mark.line + 1, mark.column + 1) if mark else Location(self.file)
            )
            problem = exc.problem or exc.context or "malformed YAML"
            if "but found another document" in str(exc):
                problem = "a bank file holds one YAML document; found another after '---'"
            elif "duplicate anchor" in (exc.context or "") and exc.context_mark:
                first = exc.context_mark.line + 1
                problem = f"this anchor name is already used (first at line {first})"
            self.error(where, f"invalid YAML: {problem}")
            return None
        except yaml.YAMLError as exc:
            self.error(Location(self.file), f"invalid YAML: {exc}")
            return None
        finally:
            if loader is not None:
                loader.dispose()
        if node is None:
            self.error(
                Location(self.file, 1, 1), "the file is empty; a bank needs id, title and questions"
            )
            return None
        if not self._tags_are_standard(node, text):
            return None
        return node

    def _tags_are_standard(self, root: Node, text: str) -> bool:
        """Refuse non-standard tags and alias bombs, in one pass over the distinct nodes."""
        if "!" not in text and "&" not in text:
            return True  # no explicit tag and no anchor: nothing to refuse
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
                shown = node.tag.replace(_TAG, "!!", 1)
                self.error(node, f"tag '{shown}' is not allowed; a bank uses plain YAML only")
                ok = False
            if isinstance(node, SequenceNode):
                stack.extend(node.value)
            elif isinstance(node, MappingNode):
                for pair in node.value:
                    stack.extend(pair)
        return ok and (not aliased or self._expansion_is_bounded(root))

    def _expansion_is_bounded(self, root: Node) -> bool:
        sizes: dict[int, int] = {}
        open_nodes: set[int] = set()  # nodes whose children are being counted
        distinct = 0
        stack: list[tuple[Node, bool]] = [(root, False)]
        while stack:  # post-order over the node graph, each distinct node once
            node, children_done = stack.pop()
            if id(node) in sizes:
                continue
            children = _children(node)
            if not children_done and children:
                if id(node) in open_nodes:  # reached from inside itself: `&a [*a]`
                    self.error(
                        node,
                        "an alias refers to the collection that contains it; "
                        "a bank cannot hold a recursive structure",
                    )
                    return False
                open_nodes.add(id(node))
                stack.append((node, True))
                stack.extend((c, False) for c in children if id(c) not in sizes)
                continue
            distinct += 1
            sizes[id(node)] = 1 + sum(sizes[id(c)] for c in children)
        budget = max(ALIAS_EXPANSION_FLOOR, ALIAS_EXPANSION_FACTOR * distinct)
        if sizes[id(root)] > budget:
            self.error(
                root,
                f"aliases expand this file to {sizes[id(root)]:,} values (limit {budget:,}); "
                "refusing to expand it (an 'alias bomb'?)",
            )
            return False
        return True

    def _mapping(
        self,
        node: Node,
        what: str,
        allowed: tuple[str, ...] | None,
        *,
        qtype: str | None = None,
    ) -> dict[str, Node] | None:
        """A mapping node's keys to value nodes; duplicates and unknown keys reported.

        ``allowed`` None admits any key (id-keyed mappings such as ``sources``); ``qtype``
        names the question type, so a key of another type is reported as not applying.
        """
        if not isinstance(node, MappingNode):
            self.error(node, f"{what} must be a mapping, not {_node_kind(node)}")
            return None
        out: dict[str, Node] = {}
        merges: list[Node] = []
        for key_node, value_node in node.value:
            if key_node.tag == MERGE:
                merges.append(value_node)
                continue
            if not isinstance(key_node, ScalarNode) or key_node.tag == NULL:
                self.error(key_node, f"{what} has a key that is not text")
                continue
            key = key_node.value
            if key in out:
                first = out[key].start_mark
                self.error(
                    key_node,
                    f"duplicate key '{key}' (first given at line {first.line + 1}); "
                    "a key may appear once",
                )
                continue
            if allowed is not None and key not in allowed:
                if qtype in TYPE_KEYS and key in ALL_QUESTION_KEYS:
                    self.error(key_node, f"key '{key}' does not apply to a {qtype} question")
                else:
                    hint = did_you_mean(key, allowed)
                    if not hint and qtype in TYPE_KEYS:  # a misspelt key of another type
                        other = did_you_mean(key, ALL_QUESTION_KEYS)
                        hint = other and f"{other[:-1]} It is not a key of {qtype} questions)"
                    self.error(key_node, f"unknown key '{key}'{hint}")
                continue
            out[key] = value_node
        for merged in merges:  # YAML merge keys (<<: *defaults): explicit keys win
            for source in merged.value if isinstance(merged, SequenceNode) else [merged]:
                fields = self._mapping(source, what, allowed, qtype=qtype) or {}
                for key, value_node in fields.items():
                    out.setdefault(key, value_node)
        return out

    # -- scalar conversions: each returns None (and reports) when the node is wrong -----
    def text(self, node: Node, what: str, *, required: bool = True) -> str | None:
        if not isinstance(node, ScalarNode) or node.tag == NULL:
            if node.tag == NULL and not required:
                return None
            self.error(node, f"{what} must be text, not {_node_kind(node)}")
            return None
        value = node.value
        if not value.strip():
            self.error(node, f"{what} is empty")
            return None
        return value

    def boolean(self, node: Node, what: str) -> bool | None:
        if isinstance(node, ScalarNode) and node.tag == BOOL:
            return node.value.lower() in ("true", "yes", "on", "y")
        self.error(node, f"{what} must be true or false, not {_node_kind(node)}")
        return None

    def number(self, node: Node, what: str) -> float | None:
        if isinstance(node, ScalarNode) and node.tag in (INT, FLOAT):
            try:
                if node.tag == INT:
                    value = _SCALARS.construct_yaml_int(node)
                else:
                    value = _SCALARS.construct_yaml_float(node)
            except (ValueError, yaml.YAMLError):
                value = None
            try:
                finite = isinstance(value, (int, float)) and math.isfinite(value)
            except OverflowError:  # an int too large for a float
                finite = False
            if finite:
                return value
            shown = node.value if len(node.value) <= 20 else node.value[:20] + "..."
            self.error(node, f"{what} must be a finite number, not {shown}")
            return None
        self.error(node, f"{what} must be a number, not {_node_kind(node)}")
        return None

    def text_list(self, node: Node, what: str, *, minimum: int = 1) -> tuple[str, ...] | None:
        if not isinstance(node, SequenceNode):
            self.error(node, f"{what} must be a list, not {_node_kind(node)}")
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

    # -- the bank ------------------------------------------------------------------------
    def parse(self) -> Bank | None:
        text = self._read_text()
        if text is None:
            return None
        root = self._compose(text)
        if root is None:
            return None
        fields = self._mapping(root, "a bank file", BANK_KEYS)
        if fields is None:
            return None
        bank_id = self._bank_id(fields, root)
        title = self.text(fields["title"], "title") if "title" in fields else None
        if "title" not in fields:
            self.error(root, "the bank has no 'title'")
        description = (
            self.text(fields["description"], "description", required=False)
            if "description" in fields
            else None
        )
        sources = self._sources(fields["sources"]) if "sources" in fields else {}
        questions = self._questions(fields, root, sources)
        if bank_id is None or title is None or questions is None:
            return None
        return Bank(
            id=bank_id,
            title=title,
            path=self.path,
            location=_location(self.file, root),
            questions=questions,
            description=description,
            sources=sources,
        )

    def _bank_id(self, fields: dict[str, Node], root: Node) -> str | None:
        if "id" not in fields:
            self.error(root, "the bank has no 'id'")
            return None
        value = self.text(fields["id"], "bank id")
        if value is not None and not SLUG.match(value):
            self.error(fields["id"], f"bank id '{value}' must be a slug: a-z, 0-9 and '-'")
            return None
        return value

    def _sources(self, node: Node) -> dict[str, Source]:
        mapping = self._mapping(node, "sources", None)
        out: dict[str, Source] = {}
        for source_id, value in (mapping or {}).items():
            title: str | None = None
            path_node: Node = value
            if isinstance(value, MappingNode):
                fields = self._mapping(value, f"source '{source_id}'", SOURCE_KEYS)
                if fields is None:
                    continue
                if "path" not in fields:
                    self.error(value, f"source '{source_id}' has no 'path'")
                    continue
                path_node = fields["path"]
                if "title" in fields:
                    title = self.text(fields["title"], f"source '{source_id}' title")
            path_text = self.text(path_node, f"source '{source_id}' path")
            if path_text is None:
                continue
            path = _resolved(self.path.parent, path_text)
            if path is None:
                self.error(path_node, f"source '{source_id}' path is not a usable file name")
                continue
            out[source_id] = Source(
                id=source_id,
                path=path,
                title=title or path.stem,
                location=_location(self.file, path_node),
            )
        return out

    def _questions(
        self, fields: dict[str, Node], root: Node, sources: dict[str, Source]
    ) -> tuple[Question, ...] | None:
        if "questions" not in fields:
            self.error(root, "the bank has no 'questions'")
            return None
        node = fields["questions"]
        if not isinstance(node, SequenceNode):
            self.error(node, f"questions must be a list, not {_node_kind(node)}")
            return None
        if not node.value:
            self.error(node, "questions is empty; a bank needs at least one question")
            return None
        questions: list[Question] = []
        seen: dict[str, Node] = {}
        for child in node.value:
            question = self._question_from(child, sources, seen)
            if question is not None:
                questions.append(question)
        self._question = None
        # The questions that built are kept even when others failed, so that the
        # rules across questions (quotes, duplicates) still run on them.
        return tuple(questions)

    # -- one question ----------------------------------------------------------------------
    def _question_from(
        self, node: Node, sources: dict[str, Source], seen: dict[str, Node]
    ) -> Question | None:
        self._question = None
        if not isinstance(node, MappingNode):
            self.error(node, f"a question must be a mapping, not {_node_kind(node)}")
            return None
        raw = _key_nodes(node)
        qid = raw.get("id")
        if isinstance(qid, ScalarNode) and qid.tag != NULL:
            self._question = qid.value
        qtype_node = raw.get("type")
        qtype = qtype_node.value if isinstance(qtype_node, ScalarNode) else None
        allowed = COMMON_KEYS + TYPE_KEYS.get(qtype or "", ALL_QUESTION_KEYS[len(COMMON_KEYS) :])
        keys = self._mapping(node, "a question", allowed, qtype=qtype)
        if keys is None:
            return None
        f = _Fields()
        f.locations = {k: _location(self.file, v) for k, v in keys.items()}
        self._common(keys, node, f, sources, seen)
        build = _BUILDERS.get(qtype or "")
        if build is None:
            return None
        build(self, keys, node, f)
        if not f.ok:
            return None
        cls = QUESTION_TYPES[qtype or ""]
        return cls(location=_location(self.file, node), locations=f.locations, **f.values)

    def _common(
        self,
        keys: dict[str, Node],
        node: Node,
        f: _Fields,
        sources: dict[str, Source],
        seen: dict[str, Node],
    ) -> None:
        v = f.values
        if "id" not in keys:
            self.error(node, "a question has no 'id'")
            f.ok = False
        else:
            qid = self.text(keys["id"], "id")
            if qid is None or not SLUG.match(qid):
                if qid is not None:
                    self.error(keys["id"], f"question id '{qid}' must be a slug: a-z, 0-9 and '-'")
                f.ok = False
            elif qid in seen:
                first = seen[qid].start_mark.line + 1
                self.error(keys["id"], f"question id '{qid}' is used twice (first at line {first})")
                f.ok = False
            else:
                seen[qid] = keys["id"]
                v["id"] = qid
        if "type" not in keys:
            self.error(node, "a question has no 'type'")
            f.ok = False
        else:
            qtype = self.text(keys["type"], "type")
            if qtype is not None and qtype not in QUESTION_TYPES:
                hint = did_you_mean(qtype, list(QUESTION_TYPES))
                kinds = ", ".join(QUESTION_TYPES)
                self.error(keys["type"], f"unknown type '{qtype}'{hint}; the types are {kinds}")
                f.ok = False
        self._optional_text(keys, f, "prompt")
        self._optional_text(keys, f, "explanation")
        self._optional_text(keys, f, "topic")
        if "tags" in keys:
            tags = self.text_list(keys["tags"], "tags", minimum=0)
            if tags is None:
                f.ok = False
            else:
                for index, tag in enumerate(tags):
                    if not SLUG.match(tag):
                        item = keys["tags"].value[index]
                        self.error(item, f"tag '{tag}' must be a slug: a-z, 0-9 and '-'")
                        f.ok = False
                v["tags"] = tags
        if "difficulty" in keys:
            level = self.text(keys["difficulty"], "difficulty")
            if level is not None and level not in DIFFICULTIES:
                hint = did_you_mean(level, DIFFICULTIES)
                self.error(
                    keys["difficulty"], f"difficulty '{level}' must be easy, medium or hard{hint}"
                )
                f.ok = False
            v["difficulty"] = level
        if "points" in keys:
            points = self.number(keys["points"], "points")
            if points is not None and points <= 0:
                self.error(keys["points"], "points must be a positive number")
                points = None
            if points is None:
                f.ok = False
            v["points"] = points
        if "source" in keys:
            v["citations"] = self._citations(keys["source"], sources, f)
        if "image" in keys:
            v["image"] = self._image(keys["image"], f)

    def _optional_text(self, keys: dict[str, Node], f: _Fields, key: str) -> None:
        if key in keys:
            value = self.text(keys[key], key)
            if value is None:
                f.ok = False
            f.values[key] = value

    def _citations(
        self, node: Node, sources: dict[str, Source], f: _Fields
    ) -> tuple[SourceRef, ...]:
        """A question's ``source``: one ``{doc, quote}`` mapping or a list of them."""
        if not isinstance(node, SequenceNode):
            ref = self._source_ref(node, "source", sources, f)
            if ref is not None:
                f.locations["source.quote"] = ref.location
            return (ref,) if ref is not None else ()
        if not node.value:
            self.error(node, "source is an empty list; cite at least one {doc, quote}")
            f.ok = False
            return ()
        refs: list[SourceRef] = []
        seen: dict[tuple[str, str], int] = {}
        for index, item in enumerate(node.value):
            ref = self._source_ref(item, f"source[{index + 1}]", sources, f)
            if ref is None:
                continue
            key = (ref.doc, ref.quote)
            if key in seen:
                self.error(
                    item, f"source[{index + 1}] cites the same passage as source[{seen[key]}]"
                )
                f.ok = False
                continue
            seen[key] = index + 1
            f.locations[f"source[{index}].quote"] = ref.location
            refs.append(ref)
        if refs:
            f.locations["source.quote"] = refs[0].location
        return tuple(refs)

    def _source_ref(
        self, node: Node, what: str, sources: dict[str, Source], f: _Fields
    ) -> SourceRef | None:
        fields = self._mapping(node, what, ("doc", "quote"))
        if fields is None:
            f.ok = False
            return None
        missing = [k for k in ("doc", "quote") if k not in fields]
        if missing:
            self.error(node, f"{what} needs {' and '.join(repr(k) for k in missing)}")
            f.ok = False
            return None
        doc = self.text(fields["doc"], f"{what} doc")
        quote = self.text(fields["quote"], f"{what} quote")
        if doc is not None and doc not in sources:
            declared = ", ".join(sources) or "none are declared"
            hint = did_you_mean(doc, list(sources))
            self.error(
                fields["doc"], f"{what} doc '{doc}' is not in the bank's sources{hint} ({declared})"
            )
            doc = None
        if doc is None or quote is None:
            f.ok = False
            return None
        return SourceRef(doc=doc, quote=quote, location=_location(self.file, fields["quote"]))

    def _image(self, node: Node, f: _Fields) -> Path | None:
        value = self.text(node, "image")
        if value is None:
            f.ok = False
            return None
        folder = self.path.parent.resolve()
        path = _resolved(folder, value)
        if path is None:
            self.error(node, f"image '{value}' is not a usable file name")
        elif not path.is_relative_to(folder):
            self.error(node, f"image '{value}' must stay inside the bank's folder")
        elif path.suffix.lower() not in IMAGE_SUFFIXES:
            self.error(node, f"image '{value}' must be one of {', '.join(IMAGE_SUFFIXES)}")
        elif not _is_file(path):
            self.error(node, f"image '{value}' does not exist")
        else:
            return path
        f.ok = False
        return None

    # -- the types -------------------------------------------------------------------------
    def _require(self, keys: dict[str, Node], node: Node, f: _Fields, *names: str) -> bool:
        missing = [n for n in names if n not in keys]
        qtype = keys["type"].value if isinstance(keys.get("type"), ScalarNode) else "this"
        for name in missing:
            self.error(node, f"a {qtype} question needs '{name}'")
        if missing:
            f.ok = False
        return not missing

    def _needs_prompt(self, keys: dict[str, Node], node: Node, f: _Fields, qtype: str) -> None:
        if "prompt" not in keys:
            self.error(node, f"a {qtype} question needs 'prompt'")
            f.ok = False

    def _choices(self, keys: dict[str, Node], f: _Fields) -> tuple[str, ...] | None:
        choices = self.text_list(keys["choices"], "choices", minimum=2)
        if choices is not None and len(choices) > 10:
            self.error(keys["choices"], f"choices has {len(choices)} items; at most 10")
            choices = None
        if choices is None:
            f.ok = False
            return None
        for index, child in enumerate(keys["choices"].value):
            f.locations[f"choices[{index}]"] = _location(self.file, child)
        f.values["choices"] = choices
        if "shuffle" in keys:
            shuffle = self.boolean(keys["shuffle"], "shuffle")
            if shuffle is None:
                f.ok = False
            f.values["shuffle"] = shuffle
        return choices

    def build_multiple_choice(self, keys: dict[str, Node], node: Node, f: _Fields) -> None:
        self._needs_prompt(keys, node, f, "multiple_choice")
        if not self._require(keys, node, f, "choices", "answer"):
            return
        choices = self._choices(keys, f)
        answer = self.text(keys["answer"], "answer")
        if answer is None:
            f.ok = False
        elif choices is not None and answer not in choices:
            self.error(keys["answer"], f"answer '{answer}' is not one of the choices")
            f.ok = False
        f.values["answer"] = answer

    def build_multiple_answer(self, keys: dict[str, Node], node: Node, f: _Fields) -> None:
        self._needs_prompt(keys, node, f, "multiple_answer")
        if not self._require(keys, node, f, "choices", "answer"):
            return
        choices = self._choices(keys, f)
        answer_node = keys["answer"]
        if isinstance(answer_node, ScalarNode):
            single = self.text(answer_node, "answer")
            answers: tuple[str, ...] | None = (single,) if single is not None else None
            items: list[Node] = [answer_node]
        else:
            answers = self.text_list(answer_node, "answer")
            items = list(answer_node.value) if isinstance(answer_node, SequenceNode) else []
        if answers is None:
            f.ok = False
            return
        for value, item in zip(answers, items, strict=True):
            if choices is not None and value not in choices:
                self.error(item, f"answer '{value}' is not one of the choices")
                f.ok = False
        f.values["answers"] = answers

    def build_true_false(self, keys: dict[str, Node], node: Node, f: _Fields) -> None:
        self._needs_prompt(keys, node, f, "true_false")
        if not self._require(keys, node, f, "answer"):
            return
        answer = self.boolean(keys["answer"], "answer")
        if answer is None:
            f.ok = False
        f.values["answer"] = answer

    def build_short_answer(self, keys: dict[str, Node], node: Node, f: _Fields) -> None:
        self._needs_prompt(keys, node, f, "short_answer")
        if not self._require(keys, node, f, "answer"):
            return
        answer_node = keys["answer"]
        if isinstance(answer_node, SequenceNode):
            answers = self.text_list(answer_node, "answer")
        else:
            single = self.text(answer_node, "answer")
            answers = (single,) if single is not None else None
        if answers is None:
            f.ok = False
        f.values["answers"] = answers
        if "case_sensitive" in keys:
            flag = self.boolean(keys["case_sensitive"], "case_sensitive")
            if flag is None:
                f.ok = False
            f.values["case_sensitive"] = flag

    def build_numeric(self, keys: dict[str, Node], node: Node, f: _Fields) -> None:
        self._needs_prompt(keys, node, f, "numeric")
        if not self._require(keys, node, f, "answer"):
            return
        answer = self.number(keys["answer"], "answer")
        if answer is None:
            f.ok = False
        f.values["answer"] = answer
        if "tolerance" in keys:
            tolerance = self.number(keys["tolerance"], "tolerance")
            if tolerance is not None and tolerance < 0:
                self.error(keys["tolerance"], "tolerance must not be negative")
                tolerance = None
            if tolerance is None:
                f.ok = False
            f.values["tolerance"] = tolerance
        if "unit" in keys:
            self._optional_text(keys, f, "unit")

    def build_cloze(self, keys: dict[str, Node], node: Node, f: _Fields) -> None:
        if not self._require(keys, node, f, "text"):
            return
        text = self.text(keys["text"], "text")
        if text is None:
            f.ok = False
            return
        deletions = parse_cloze(text)
        where = keys["text"]
        if not deletions:
            self.error(where, "cloze text has no deletion; write gaps as {{c1::answer}}")
            f.ok = False
        for d in deletions:
            if d.number < 1:
                self.error(where, f"cloze deletion c{d.number} must be numbered from c1")
                f.ok = False
            if not d.answer.strip():
                self.error(where, f"cloze deletion c{d.number} has an empty answer")
                f.ok = False
        leftover = text
        for d in reversed(deletions):
            leftover = leftover[: d.start] + leftover[d.end :]
        if "{{c" in leftover or "}}" in leftover:
            self.error(
                where, "cloze text has an unclosed or malformed deletion; write {{c1::answer}}"
            )
            f.ok = False
        f.values["text"] = text
        f.values["deletions"] = deletions

    def build_matching(self, keys: dict[str, Node], node: Node, f: _Fields) -> None:
        self._needs_prompt(keys, node, f, "matching")
        if not self._require(keys, node, f, "pairs"):
            return
        pairs_node = keys["pairs"]
        pairs: list[tuple[str, str]] = []
        entries: list[tuple[Node, Node, Node]] = []
        if isinstance(pairs_node, MappingNode):
            entries = [(k, k, v) for k, v in pairs_node.value]
        elif isinstance(pairs_node, SequenceNode):
            for item in pairs_node.value:
                if isinstance(item, SequenceNode) and len(item.value) == 2:
                    entries.append((item, item.value[0], item.value[1]))
                else:
                    self.error(item, "each pair must be a list of two items: [left, right]")
                    f.ok = False
        else:
            self.error(
                pairs_node,
                f"pairs must be a list of [left, right] pairs, not {_node_kind(pairs_node)}",
            )
            f.ok = False
            return
        lefts: set[str] = set()
        rights: set[str] = set()
        for index, (item, left_node, right_node) in enumerate(entries):
            left = self.text(left_node, "pair left")
            right = self.text(right_node, "pair right")
            if left is None or right is None:
                f.ok = False
                continue
            if left in lefts:
                self.error(left_node, f"pairs use '{left}' twice on the left")
                f.ok = False
            if right in rights:
                self.error(right_node, f"pairs use '{right}' twice on the right")
                f.ok = False
            lefts.add(left)
            rights.add(right)
            f.locations[f"pairs[{index}]"] = _location(self.file, item)
            pairs.append((left, right))
        if f.ok and len(pairs) < 2:
            self.error(pairs_node, "matching needs at least 2 pairs")
            f.ok = False
        f.values["pairs"] = tuple(pairs)

    def build_ordering(self, keys: dict[str, Node], node: Node, f: _Fields) -> None:
        self._needs_prompt(keys, node, f, "ordering")
        if not self._require(keys, node, f, "items"):
            return
        items = self.text_list(keys["items"], "items", minimum=2)
        if items is None:
            f.ok = False
        f.values["items"] = items


_BUILDERS: dict[str, Callable[[_BankParser, dict[str, Node], Node, _Fields], None]] = {
    name: getattr(_BankParser, f"build_{name}") for name in TYPE_KEYS
}


def _compose_document(loader: Any) -> Node | None:
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


def _resolved(folder: Path, name: str) -> Path | None:
    """``folder / name`` made absolute, or None if the system cannot name it (a NUL byte...)."""
    try:
        return (folder / name).resolve()
    except (OSError, ValueError):
        return None


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except (OSError, ValueError):  # e.g. a name too long for the file system
        return False


def _key_nodes(node: MappingNode) -> dict[str, Node]:
    """A mapping's text keys to their value nodes as read: the first of a duplicate, merges applied."""
    out: dict[str, Node] = {}
    merged: list[Node] = []
    for key, value in node.value:
        if key.tag == MERGE:
            merged.extend(value.value if isinstance(value, SequenceNode) else [value])
        elif isinstance(key, ScalarNode):
            out.setdefault(key.value, value)
    for source in merged:
        if isinstance(source, MappingNode):
            for key, value in _key_nodes(source).items():
                out.setdefault(key, value)
    return out


def _children(node: Node) -> list[Node]:
    if isinstance(node, SequenceNode):
        return list(node.value)
    if isinstance(node, MappingNode):
        return [n for pair in node.value for n in pair]
    return []
