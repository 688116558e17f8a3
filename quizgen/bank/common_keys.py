"""The keys every question may have: id, type, texts, tags, difficulty, points, source, image.

Each reader fills a :class:`Fields` under construction and marks it failed when a
value is wrong; the per-type builders (:mod:`quizgen.bank.builders`) add the rest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from yaml.nodes import MappingNode, Node, SequenceNode

from ..errors import Location
from .files import (
    IMAGE_WARN_BYTES,
    MAX_IMAGE_BYTES,
    image_format_problem,
    megabytes,
    regular_file_size,
)
from .model import DIFFICULTIES, QUESTION_TYPES, Ignore, Source, SourceRef
from .quality.codes import CODES, ignorable
from .values import NodeReader, did_you_mean, resolved

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp")

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
    "ignore",
)


@dataclass
class Fields:
    """A question mapping under construction: values, their locations, and whether it is valid."""

    values: dict[str, Any] = field(default_factory=dict)
    locations: dict[str, Location] = field(default_factory=dict)
    ok: bool = True


@dataclass(frozen=True)
class QuestionContext:
    """What a question's keys are checked against: the bank's sources and folder, ids so far."""

    sources: dict[str, Source]
    folder: Path
    seen: dict[str, Node]  # question id -> its id node, filled as questions are read
    # (question id, its citations) for every question read, valid or not, so that a
    # question with another error still has its quotes checked in the same run
    cited: list[tuple[str | None, tuple[SourceRef, ...]]] = field(default_factory=list)


def read_common(
    r: NodeReader, keys: dict[str, Node], node: Node, f: Fields, ctx: QuestionContext
) -> None:
    """Read the keys every question type shares into ``f``."""
    v = f.values
    if "id" not in keys:
        r.error(node, "a question has no 'id'")
        f.ok = False
    else:
        qid = r.text(keys["id"], "id")
        if qid is None or not SLUG.match(qid):
            if qid is not None:
                r.error(
                    keys["id"],
                    f"question id '{qid}' must be a slug: a-z, 0-9 and '-' (try '{slug_for(qid)}')",
                )
            f.ok = False
        elif qid in ctx.seen:
            first = ctx.seen[qid].start_mark.line + 1
            r.error(keys["id"], f"question id '{qid}' is used twice (first at line {first})")
            f.ok = False
        else:
            ctx.seen[qid] = keys["id"]
            v["id"] = qid
    if "type" not in keys:
        r.error(node, "a question has no 'type'")
        f.ok = False
    else:
        qtype = r.text(keys["type"], "type")
        if qtype is not None and qtype not in QUESTION_TYPES:
            hint = did_you_mean(qtype, list(QUESTION_TYPES))
            kinds = ", ".join(QUESTION_TYPES)
            r.error(keys["type"], f"unknown type '{qtype}'{hint}; the types are {kinds}")
            f.ok = False
    optional_text(r, keys, f, "prompt")
    optional_text(r, keys, f, "explanation")
    optional_text(r, keys, f, "topic")
    if "tags" in keys:
        tags = r.text_list(keys["tags"], "tags", minimum=0)
        if tags is None:
            f.ok = False
        else:
            for index, tag in enumerate(tags):
                if not SLUG.match(tag):
                    item = keys["tags"].value[index]
                    r.error(
                        item,
                        f"tag '{tag}' must be a slug: a-z, 0-9 and '-' (try '{slug_for(tag)}')",
                    )
                    f.ok = False
            v["tags"] = tags
    if "difficulty" in keys:
        level = r.text(keys["difficulty"], "difficulty")
        if level is not None and level not in DIFFICULTIES:
            hint = did_you_mean(level, DIFFICULTIES)
            r.error(keys["difficulty"], f"difficulty '{level}' must be easy, medium or hard{hint}")
            f.ok = False
        v["difficulty"] = level
    if "points" in keys:
        points = r.number(keys["points"], "points")
        if points is not None and points <= 0:
            r.error(keys["points"], "points must be a positive number")
            points = None
        if points is None:
            f.ok = False
        v["points"] = points
    if "source" in keys:
        v["citations"] = read_citations(r, keys["source"], ctx.sources, f)
        ctx.cited.append((v.get("id") or r.question, v["citations"]))
    if "image" in keys:
        v["image"] = read_image(r, keys["image"], ctx.folder, f)
    if "ignore" in keys:
        v["ignore"] = read_ignore(r, keys["ignore"], f)


def slug_for(text: str) -> str:
    """A slug made of ``text`` (``Water_Cycle`` -> ``water-cycle``), for a suggestion."""
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-") or "my-bank"


def read_ignore(r: NodeReader, node: Node, f: Fields) -> tuple[Ignore, ...]:
    """``ignore: {Q101: "why"}``: checks silenced for this question, each with its reason."""
    example = 'ignore: {Q201: "why the check does not apply here"}'
    if not isinstance(node, MappingNode):
        r.error(node, f"ignore must map each code to its reason, e.g. {example}")
        f.ok = False
        return ()
    out: list[Ignore] = []
    for code, value in (r.mapping(node, "ignore", None) or {}).items():
        known = CODES.get(code)
        if known is None:
            hint = did_you_mean(code.upper(), ignorable())
            r.error(value, f"ignore: unknown check code '{code}'{hint}; see docs/checks.md")
            f.ok = False
        elif not known.can_ignore:
            r.error(
                value, f"ignore: {code} ({known.name}) is an error; fix it, it cannot be ignored"
            )
            f.ok = False
        reason = r.text(value, f"the reason for ignoring {code}", required=True)
        if reason is None:
            f.ok = False
        elif known is not None:
            out.append(Ignore(code, reason, r.where(value)))
    return tuple(out)


def optional_text(r: NodeReader, keys: dict[str, Node], f: Fields, key: str) -> None:
    """Read ``key`` as text into ``f`` if the question has it."""
    if key in keys:
        value = r.text(keys[key], key)
        if value is None:
            f.ok = False
        f.values[key] = value


def read_citations(
    r: NodeReader, node: Node, sources: dict[str, Source], f: Fields
) -> tuple[SourceRef, ...]:
    """A question's ``source``: one ``{doc, quote}`` mapping or a list of them."""
    if not isinstance(node, SequenceNode):
        ref = _source_ref(r, node, "source", sources, f)
        if ref is not None:
            f.locations["source.quote"] = ref.location
        return (ref,) if ref is not None else ()
    if not node.value:
        r.error(node, "source is an empty list; cite at least one {doc, quote}")
        f.ok = False
        return ()
    refs: list[SourceRef] = []
    seen: dict[tuple[str, str], int] = {}
    for index, item in enumerate(node.value):
        ref = _source_ref(r, item, f"source[{index + 1}]", sources, f)
        if ref is None:
            continue
        key = (ref.doc, ref.quote)
        if key in seen:
            r.error(item, f"source[{index + 1}] cites the same passage as source[{seen[key]}]")
            f.ok = False
            continue
        seen[key] = index + 1
        f.locations[f"source[{index}].quote"] = ref.location
        refs.append(ref)
    if refs:
        f.locations["source.quote"] = refs[0].location
    return tuple(refs)


def _source_ref(
    r: NodeReader, node: Node, what: str, sources: dict[str, Source], f: Fields
) -> SourceRef | None:
    fields = r.mapping(node, what, ("doc", "quote"))
    if fields is None:
        f.ok = False
        return None
    missing = [k for k in ("doc", "quote") if k not in fields]
    if missing:
        r.error(node, f"{what} needs {' and '.join(repr(k) for k in missing)}")
        f.ok = False
        return None
    doc = r.text(fields["doc"], f"{what} doc")
    quote = r.text(fields["quote"], f"{what} quote")
    if doc is not None and doc not in sources:
        # The closest source, and the list of them unless it names only that one again
        # (never "(did you mean 'blog'?) (blog)").
        hint = did_you_mean(doc, list(sources))
        if not hint or len(sources) > 1:
            hint += f" ({', '.join(sources) or 'none are declared'})"
        r.error(fields["doc"], f"{what} doc '{doc}' is not in the bank's sources{hint}")
        doc = None
    if doc is None or quote is None:
        f.ok = False
        return None
    return SourceRef(doc=doc, quote=quote, location=r.where(fields["quote"]))


def read_image(r: NodeReader, node: Node, folder: Path, f: Fields) -> Path | None:
    """An image file inside the bank's folder."""
    value = r.text(node, "image")
    if value is None:
        f.ok = False
        return None
    path = resolved(folder, value)
    if path is None:
        r.error(node, f"image '{value}' is not a usable file name")
    elif not path.is_relative_to(folder):
        r.error(node, f"image '{value}' must stay inside the bank's folder")
    elif path.suffix.lower() not in IMAGE_SUFFIXES:
        r.error(node, f"image '{value}' must be one of {', '.join(IMAGE_SUFFIXES)}")
    else:
        problem = _image_problem(r, node, path)
        if problem is None:
            return path
        r.error(node, f"image '{value}' {problem}")
    f.ok = False
    return None


def _image_problem(r: NodeReader, node: Node, path: Path) -> str | None:
    """Why the image file cannot be used, or None (warning when it is large)."""
    size = regular_file_size(path)
    if isinstance(size, str):
        return size
    if size > MAX_IMAGE_BYTES:
        return f"is {megabytes(size)}; an image may be at most {megabytes(MAX_IMAGE_BYTES)}"
    problem = image_format_problem(path)
    if problem is None and size > IMAGE_WARN_BYTES:
        message = (
            f"image '{path.name}' is {megabytes(size)}; every page and card that shows it "
            f"carries it, so keep images under {megabytes(IMAGE_WARN_BYTES)}"
        )
        r.report(node, message, "warning")
    return problem
