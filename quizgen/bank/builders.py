"""The eight question types: from a question mapping's nodes to a model object.

:func:`build_question` reads the keys every type shares (:mod:`.common_keys`), then
the keys of the question's type with one builder per type, and returns the typed
question, or None when anything in it is wrong (every problem is recorded).
"""

from __future__ import annotations

from collections.abc import Callable

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .common_keys import COMMON_KEYS, Fields, QuestionContext, optional_text, read_common
from .model import MAX_CLOZE_NUMBER, QUESTION_TYPES, Question, parse_cloze
from .values import NodeReader, did_you_mean, written_number
from .yaml_nodes import NULL, node_kind

TYPE_KEYS: dict[str, tuple[str, ...]] = {
    "multiple_choice": ("choices", "answer", "shuffle"),
    "multiple_answer": ("choices", "answer", "shuffle", "partial"),
    "true_false": ("answer",),
    "short_answer": ("answer", "case_sensitive"),
    "numeric": ("answer", "tolerance", "unit"),
    "cloze": ("text", "partial"),
    "matching": ("pairs", "partial"),
    "ordering": ("items", "partial"),
}
ALL_QUESTION_KEYS = tuple(dict.fromkeys(COMMON_KEYS + sum(TYPE_KEYS.values(), ())))


def build_question(r: NodeReader, node: Node, ctx: QuestionContext) -> Question | None:
    """The question written at ``node``, or None (with its problems recorded)."""
    r.question = None
    if not isinstance(node, MappingNode):
        r.error(node, f"a question must be a mapping, not {node_kind(node)}")
        return None
    raw = r.keys_as_read(node)
    qid = raw.get("id")
    if isinstance(qid, ScalarNode) and qid.tag != NULL:
        r.question = qid.value
    qtype_node = raw.get("type")
    qtype = qtype_node.value if isinstance(qtype_node, ScalarNode) else None
    allowed = COMMON_KEYS + TYPE_KEYS.get(qtype or "", ALL_QUESTION_KEYS[len(COMMON_KEYS) :])
    known = ALL_QUESTION_KEYS if qtype in TYPE_KEYS else ()
    keys = r.mapping(node, "a question", allowed, qtype=qtype, known=known)
    if keys is None:
        return None
    f = Fields()
    f.locations = {k: r.where(v) for k, v in keys.items()}
    read_common(r, keys, node, f, ctx)
    build = BUILDERS.get(qtype or "")
    if build is None:
        return None
    build(r, keys, node, f)
    if "partial" in keys:
        partial = r.boolean(keys["partial"], "partial")
        if partial is None:
            f.ok = False
        f.values["partial"] = partial
    if not f.ok:
        return None
    cls = QUESTION_TYPES[qtype or ""]
    return cls(location=r.where(node), locations=f.locations, **f.values)


def require(r: NodeReader, keys: dict[str, Node], node: Node, f: Fields, *names: str) -> bool:
    """Whether the question has every key of ``names``; each missing one is an error."""
    missing = [n for n in names if n not in keys]
    qtype = keys["type"].value if isinstance(keys.get("type"), ScalarNode) else "this"
    for name in missing:
        r.error(node, f"a {qtype} question needs '{name}'")
    if missing:
        f.ok = False
    return not missing


def needs_prompt(r: NodeReader, keys: dict[str, Node], node: Node, f: Fields, qtype: str) -> None:
    """A question of ``qtype`` must have a prompt."""
    if "prompt" not in keys:
        r.error(node, f"a {qtype} question needs 'prompt'")
        f.ok = False


def choices_of(r: NodeReader, keys: dict[str, Node], f: Fields) -> tuple[str, ...] | None:
    """The choices of a multiple_choice or multiple_answer question, and its shuffle flag."""
    choices = r.text_list(keys["choices"], "choices", minimum=2)
    if choices is not None and len(choices) > 10:
        r.error(keys["choices"], f"choices has {len(choices)} items; at most 10")
        choices = None
    if choices is None:
        f.ok = False
        return None
    for index, child in enumerate(keys["choices"].value):
        f.locations[f"choices[{index}]"] = r.where(child)
    f.values["choices"] = choices
    if "shuffle" in keys:
        shuffle = r.boolean(keys["shuffle"], "shuffle")
        if shuffle is None:
            f.ok = False
        f.values["shuffle"] = shuffle
    return choices


def _closest(answer: str, choices: tuple[str, ...]) -> str:
    """`` (did you mean 'Rain'?)``: a choice equal but for case and spaces first, else the nearest."""
    folded = " ".join(answer.split()).casefold()
    same = [c for c in choices if " ".join(c.split()).casefold() == folded]
    if same:
        return f" (did you mean '{same[0]}'? an answer is written exactly as its choice)"
    return did_you_mean(answer, choices)


def build_multiple_choice(r: NodeReader, keys: dict[str, Node], node: Node, f: Fields) -> None:
    """One right answer, written exactly as one of the choices."""
    needs_prompt(r, keys, node, f, "multiple_choice")
    if not require(r, keys, node, f, "choices", "answer"):
        return
    choices = choices_of(r, keys, f)
    answer = r.text(keys["answer"], "answer")
    if answer is None:
        f.ok = False
    elif choices is not None and answer not in choices:
        r.error(
            keys["answer"],
            f"answer '{answer}' is not one of the choices{_closest(answer, choices)}",
        )
        f.ok = False
    f.values["answer"] = answer


def build_multiple_answer(r: NodeReader, keys: dict[str, Node], node: Node, f: Fields) -> None:
    """One or more right answers among the choices."""
    needs_prompt(r, keys, node, f, "multiple_answer")
    if not require(r, keys, node, f, "choices", "answer"):
        return
    choices = choices_of(r, keys, f)
    answer_node = keys["answer"]
    if isinstance(answer_node, ScalarNode):
        single = r.text(answer_node, "answer")
        answers: tuple[str, ...] | None = (single,) if single is not None else None
        items: list[Node] = [answer_node]
    else:
        answers = r.text_list(answer_node, "answer")
        items = list(answer_node.value) if isinstance(answer_node, SequenceNode) else []
    if answers is None:
        f.ok = False
        return
    for value, item in zip(answers, items, strict=True):
        if choices is not None and value not in choices:
            r.error(item, f"answer '{value}' is not one of the choices{_closest(value, choices)}")
            f.ok = False
    f.values["answers"] = answers


def build_true_false(r: NodeReader, keys: dict[str, Node], node: Node, f: Fields) -> None:
    """A YAML boolean answer."""
    needs_prompt(r, keys, node, f, "true_false")
    if not require(r, keys, node, f, "answer"):
        return
    answer = r.boolean(keys["answer"], "answer")
    if answer is None:
        f.ok = False
    f.values["answer"] = answer


def build_short_answer(r: NodeReader, keys: dict[str, Node], node: Node, f: Fields) -> None:
    """An answer text, or a list of accepted ones (the first is canonical)."""
    needs_prompt(r, keys, node, f, "short_answer")
    if not require(r, keys, node, f, "answer"):
        return
    answer_node = keys["answer"]
    if isinstance(answer_node, SequenceNode):
        answers = r.text_list(answer_node, "answer")
    else:
        single = r.text(answer_node, "answer")
        answers = (single,) if single is not None else None
    if answers is None:
        f.ok = False
    f.values["answers"] = answers
    if "case_sensitive" in keys:
        flag = r.boolean(keys["case_sensitive"], "case_sensitive")
        if flag is None:
            f.ok = False
        f.values["case_sensitive"] = flag


def build_numeric(r: NodeReader, keys: dict[str, Node], node: Node, f: Fields) -> None:
    """A finite number, an optional non-negative tolerance and a unit."""
    needs_prompt(r, keys, node, f, "numeric")
    if not require(r, keys, node, f, "answer"):
        return
    answer = r.number(keys["answer"], "answer")
    if answer is None:
        f.ok = False
    f.values["answer"] = answer
    written = keys["answer"]
    if answer is not None and isinstance(written, ScalarNode):
        f.values["answer_text"] = written_number(written.value)
    if "tolerance" in keys:
        tolerance = r.number(keys["tolerance"], "tolerance")
        if tolerance is not None and tolerance < 0:
            r.error(keys["tolerance"], "tolerance must not be negative")
            tolerance = None
        if tolerance is None:
            f.ok = False
        f.values["tolerance"] = tolerance
    if "unit" in keys:
        optional_text(r, keys, f, "unit")


def build_cloze(r: NodeReader, keys: dict[str, Node], node: Node, f: Fields) -> None:
    """A text with at least one ``{{cN::answer}}`` gap."""
    if not require(r, keys, node, f, "text"):
        return
    text = r.text(keys["text"], "text")
    if text is None:
        f.ok = False
        return
    deletions = parse_cloze(text)
    where = keys["text"]
    if not deletions:
        r.error(where, "cloze text has no deletion; write gaps as {{c1::answer}}")
        f.ok = False
    for d in deletions:
        shown = text[d.start + 3 : text.index("::", d.start)]
        shown = shown if len(shown) <= 20 else shown[:20] + "..."
        if d.number < 1:
            r.error(where, f"cloze deletion c{shown} must be numbered from c1")
            f.ok = False
        elif d.number > MAX_CLOZE_NUMBER:
            r.error(
                where,
                f"cloze deletion c{shown} is numbered above c{MAX_CLOZE_NUMBER}, "
                "the highest number Anki makes a card for",
            )
            f.ok = False
        if not d.answer.strip():
            r.error(where, f"cloze deletion c{shown} has an empty answer")
            f.ok = False
    pieces: list[str] = []  # the text outside the deletions
    last = 0
    for d in deletions:
        pieces.append(text[last : d.start])
        last = d.end
    pieces.append(text[last:])
    leftover = "".join(pieces)
    if "{{c" in leftover or "}}" in leftover:
        r.error(where, "cloze text has an unclosed or malformed deletion; write {{c1::answer}}")
        f.ok = False
    f.values["text"] = text
    f.values["deletions"] = deletions


def build_matching(r: NodeReader, keys: dict[str, Node], node: Node, f: Fields) -> None:
    """Two or more [left, right] pairs (or a mapping), lefts and rights distinct."""
    needs_prompt(r, keys, node, f, "matching")
    if not require(r, keys, node, f, "pairs"):
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
                r.error(item, "each pair must be a list of two items: [left, right]")
                f.ok = False
    else:
        r.error(
            pairs_node,
            f"pairs must be a list of [left, right] pairs, not {node_kind(pairs_node)}",
        )
        f.ok = False
        return
    lefts: set[str] = set()
    rights: set[str] = set()
    for index, (item, left_node, right_node) in enumerate(entries):
        left = r.text(left_node, "pair left")
        right = r.text(right_node, "pair right")
        if left is None or right is None:
            f.ok = False
            continue
        if left in lefts:
            r.error(left_node, f"pairs use '{left}' twice on the left")
            f.ok = False
        if right in rights:
            r.error(right_node, f"pairs use '{right}' twice on the right")
            f.ok = False
        lefts.add(left)
        rights.add(right)
        f.locations[f"pairs[{index}]"] = r.where(item)
        pairs.append((left, right))
    if f.ok and len(pairs) < 2:
        r.error(pairs_node, "matching needs at least 2 pairs")
        f.ok = False
    f.values["pairs"] = tuple(pairs)


def build_ordering(r: NodeReader, keys: dict[str, Node], node: Node, f: Fields) -> None:
    """Two or more distinct items, in the right order."""
    needs_prompt(r, keys, node, f, "ordering")
    if not require(r, keys, node, f, "items"):
        return
    items = r.text_list(keys["items"], "items", minimum=2)
    if items is None:
        f.ok = False
    f.values["items"] = items


Builder = Callable[[NodeReader, dict[str, Node], Node, Fields], None]

BUILDERS: dict[str, Builder] = {
    "multiple_choice": build_multiple_choice,
    "multiple_answer": build_multiple_answer,
    "true_false": build_true_false,
    "short_answer": build_short_answer,
    "numeric": build_numeric,
    "cloze": build_cloze,
    "matching": build_matching,
    "ordering": build_ordering,
}
