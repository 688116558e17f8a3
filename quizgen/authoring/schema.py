"""A JSON Schema (draft 2020-12) of the bank format, for editors that complete and flag as you type.

The schema is made from the loader's own tables (the keys of a bank, of a source, of
every question and of each type; the types; the difficulties), so a key added to the
loader without a line here fails at once (:func:`bank_schema` raises, and a test calls it).
It accepts what YAML gives an editor: a choice written ``2001`` or ``yes`` is text to
quizgen, so "text" in the schema is a non-blank string, a number or a boolean.

What the schema cannot say, ``quizgen check`` still does: an answer that is one of the
choices, quotes found in their documents, unique ids, files that exist.
"""

from __future__ import annotations

import json
from typing import Any

from ..bank.builders import TYPE_KEYS
from ..bank.common_keys import COMMON_KEYS, IMAGE_SUFFIXES
from ..bank.model import DIFFICULTIES, MAX_CLOZE_NUMBER, QUESTION_TYPES
from ..bank.parse import BANK_KEYS, SOURCE_KEYS
from ..bank.quality.codes import ignorable

DIALECT = "https://json-schema.org/draft/2020-12/schema"
MAX_CHOICES = 10

Schema = dict[str, Any]

TEXT: Schema = {"$ref": "#/$defs/text"}
SLUG: Schema = {"$ref": "#/$defs/slug"}


def _texts(minimum: int, what: str, *, maximum: int | None = None) -> Schema:
    schema: Schema = {
        "type": "array",
        "items": TEXT,
        "minItems": minimum,
        "uniqueItems": True,
        "description": what,
    }
    if maximum is not None:
        schema["maxItems"] = maximum
    return schema


def _described(schema: Schema, text: str) -> Schema:
    return {**schema, "description": text}


_SUFFIXES = "|".join(s[1:] + "|" + s[1:].upper() for s in IMAGE_SUFFIXES)

#: The schema of each key every question may have.
COMMON: dict[str, Schema] = {
    "id": _described(SLUG, "A slug (a-z, 0-9, '-'), unique in its bank; keep it stable."),
    "type": {"enum": list(QUESTION_TYPES), "description": "The question type."},
    "prompt": _described(TEXT, "The question itself (Markdown: **bold**, *italic*, `code`)."),
    "explanation": _described(TEXT, "Why the answer is right; shown after answering."),
    "tags": {
        "type": "array",
        "items": SLUG,
        "description": "Slugs to select questions by (--tag).",
    },
    "topic": _described(TEXT, "A heading that groups questions (an Anki subdeck, a section)."),
    "difficulty": {"enum": list(DIFFICULTIES), "description": "easy, medium or hard."},
    "points": {
        "type": "number",
        "exclusiveMinimum": 0,
        "description": "Points on a printed quiz; 1 if left out.",
    },
    "source": {
        "description": "The passage the question comes from: {doc, quote}, or a list of them.",
        "oneOf": [
            {"$ref": "#/$defs/citation"},
            {"type": "array", "items": {"$ref": "#/$defs/citation"}, "minItems": 1},
        ],
    },
    "image": {
        "type": "string",
        "pattern": rf"\.({_SUFFIXES})$",
        "description": "An image file beside the bank (png, jpg, jpeg, gif, svg, webp).",
    },
    "ignore": {
        "type": "object",
        "propertyNames": {"enum": ignorable()},
        "additionalProperties": TEXT,
        "description": "Checks to silence for this question, each with its reason: "
        '{Q201: "why it does not apply"} (docs/checks.md).',
    },
}

_ONE_OR_MORE: Schema = {"anyOf": [TEXT, _texts(1, "")]}
_PARTIAL: Schema = {
    "type": "boolean",
    "description": "true: part credit, the points shared equally among the parts.",
}

#: The schema of each type's own keys.
TYPE_PROPERTIES: dict[str, dict[str, Schema]] = {
    "multiple_choice": {
        "choices": _texts(2, "2 to 10 different choices.", maximum=MAX_CHOICES),
        "answer": _described(TEXT, "The right choice, written exactly as in choices."),
        "shuffle": {"type": "boolean", "description": "false keeps your order; default true."},
    },
    "multiple_answer": {
        "choices": _texts(2, "2 to 10 different choices.", maximum=MAX_CHOICES),
        "answer": _described(_ONE_OR_MORE, "The right choice or choices."),
        "shuffle": {"type": "boolean", "description": "false keeps your order; default true."},
        "partial": _PARTIAL,
    },
    "true_false": {
        "answer": {"type": "boolean", "description": "true or false."},
    },
    "short_answer": {
        "answer": _described(_ONE_OR_MORE, "The answer, or a list: the first is shown."),
        "case_sensitive": {"type": "boolean", "description": "Default false."},
    },
    "numeric": {
        "answer": {"type": "number", "description": "A number (10, 2.5, 150_000)."},
        "tolerance": {"type": "number", "minimum": 0, "description": "Default 0."},
        "unit": _described(TEXT, "Shown next to the answer box."),
    },
    "cloze": {
        "text": {
            "type": "string",
            "pattern": r"\{\{c[0-9]+::",
            "description": (
                "Text with gaps: {{c1::answer}} or {{c1::answer::hint}}, "
                f"numbered c1 to c{MAX_CLOZE_NUMBER}."
            ),
        },
        "partial": _PARTIAL,
    },
    "matching": {
        "pairs": {
            "description": "Two or more [left, right] pairs, or a mapping left: right.",
            "oneOf": [
                {
                    "type": "array",
                    "minItems": 2,
                    "items": {
                        "type": "array",
                        "prefixItems": [TEXT, TEXT],
                        "minItems": 2,
                        "maxItems": 2,
                    },
                },
                {"type": "object", "minProperties": 2, "additionalProperties": TEXT},
            ],
        },
        "partial": _PARTIAL,
    },
    "ordering": {
        "items": _texts(2, "Two or more different items, in the right order."),
        "partial": _PARTIAL,
    },
}

#: The keys each type must have besides id and type.
REQUIRED: dict[str, tuple[str, ...]] = {
    "multiple_choice": ("prompt", "choices", "answer"),
    "multiple_answer": ("prompt", "choices", "answer"),
    "true_false": ("prompt", "answer"),
    "short_answer": ("prompt", "answer"),
    "numeric": ("prompt", "answer"),
    "cloze": ("text",),
    "matching": ("prompt", "pairs"),
    "ordering": ("prompt", "items"),
}


def bank_schema() -> Schema:
    """The JSON Schema of a bank file, as a JSON-ready dict."""
    if set(COMMON) != set(COMMON_KEYS):
        raise RuntimeError(
            f"schema and loader disagree on common keys: {set(COMMON) ^ set(COMMON_KEYS)}"
        )
    defs: dict[str, Schema] = {
        "slug": {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]*$"},
        "text": {
            "anyOf": [
                {"type": "string", "pattern": r"\S"},
                {"type": ["number", "boolean"]},
            ]
        },
        "citation": {
            "type": "object",
            "properties": {
                "doc": _described(TEXT, "A source id declared under the bank's sources."),
                "quote": _described(TEXT, "Words copied exactly from the document."),
            },
            "required": ["doc", "quote"],
            "additionalProperties": False,
        },
    }
    branches: list[Schema] = []
    for name in QUESTION_TYPES:
        own = TYPE_PROPERTIES[name]
        if tuple(own) != TYPE_KEYS[name]:
            raise RuntimeError(f"schema and loader disagree on the keys of {name}")
        defs[name] = {
            "type": "object",
            "properties": {**COMMON, "type": {"const": name}, **own},
            "required": ["id", "type", *REQUIRED[name]],
            "additionalProperties": False,
        }
        branches.append(
            {
                "if": {"properties": {"type": {"const": name}}, "required": ["type"]},
                "then": {"$ref": f"#/$defs/{name}"},
            }
        )
    defs["question"] = {
        "type": "object",
        "required": ["id", "type"],
        "properties": {"type": COMMON["type"]},
        "allOf": branches,
    }
    source_fields: dict[str, Schema] = {
        "path": _described(TEXT, "The document's path, relative to this YAML file."),
        "title": _described(TEXT, "Shown with every quote; the file name if left out."),
    }
    if tuple(source_fields) != SOURCE_KEYS:
        raise RuntimeError("schema and loader disagree on the keys of a source")
    properties: dict[str, Schema] = {
        "id": _described(SLUG, "A slug, unique among the banks loaded together."),
        "title": _described(TEXT, "The Anki deck name and the quiz heading."),
        "description": {
            "description": "A line or two about the bank.",
            "anyOf": [TEXT, {"type": "null"}],
        },
        "sources": {
            "type": "object",
            "description": "The documents the questions quote, by an id of your choosing.",
            "additionalProperties": {
                "oneOf": [
                    _described(TEXT, "Just the path (the title is the file name)."),
                    {
                        "type": "object",
                        "properties": source_fields,
                        "required": ["path"],
                        "additionalProperties": False,
                    },
                ]
            },
        },
        "questions": {
            "type": "array",
            "minItems": 1,
            "items": {"$ref": "#/$defs/question"},
            "description": "The questions, at least one.",
        },
    }
    if tuple(properties) != BANK_KEYS:
        raise RuntimeError("schema and loader disagree on the keys of a bank")
    return {
        "$schema": DIALECT,
        "title": "quizgen question bank",
        "description": "A quizgen question bank (docs/bank-format.md). Check it with `quizgen check`.",
        "type": "object",
        "properties": properties,
        "required": ["id", "title", "questions"],
        "additionalProperties": False,
        "$defs": defs,
    }


def schema_text() -> str:
    """The schema as indented JSON text, ending with a newline."""
    return json.dumps(bank_schema(), indent=2, ensure_ascii=False) + "\n"
