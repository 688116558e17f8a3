"""Q301 and Q302: a passage mined for three or more questions; prompts nearly the same."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from ..files import MAX_SOURCE_BYTES, regular_file_size
from ..model import Cloze, Question
from ..provenance import normalize, normalized_document
from . import Findings, at, shown
from .words import content_words, plain

OVER_MINED = 3
NEAR_DUPLICATE = 0.8
COMMON_WORD = 50  # a word in more prompts than this does not make two prompts alike


def check(found: Findings) -> None:
    """Over-mined passages and near-duplicate prompts in one bank."""
    _over_mined(found)
    _near_duplicates(found)


def _over_mined(found: Findings) -> None:
    """Q301: at some point of a document, three or more questions' quotes overlap."""
    bank = found.bank
    spans: dict[str, list[tuple[int, int, Question, int]]] = defaultdict(list)
    readable = {doc: _readable(source.path) for doc, source in bank.sources.items()}
    for order, q in enumerate(bank.questions):
        for ref in q.citations:
            source = bank.sources.get(ref.doc)
            if source is None or not readable[ref.doc]:
                continue
            try:
                document = normalized_document(source.path)
            except (OSError, UnicodeDecodeError):
                continue
            quote = normalize(ref.quote)
            start = document.find(quote) if quote else -1
            if start >= 0:
                spans[ref.doc].append((start, start + len(quote), q, order))
    for doc, items in spans.items():
        document = normalized_document(bank.sources[doc].path)
        for group, (start, end) in _crowded_spots(items):
            kept = [q for q in group if not found.silenced(q, "Q301")]
            if len(kept) < OVER_MINED:
                continue
            last = kept[-1]
            named = kept[:-1]
            others = ", ".join(q.id for q in named[:8])
            others += f" and {len(named) - 8} more" if len(named) > 8 else ""
            message = (
                f"{len(kept)} questions cite the same passage of '{doc}' "
                f'("{shown(document[start:end], 50)}"): {others} and this one; '
                "a student meets one fact several times and other facts not at all"
            )
            where = next(r.location for r in last.citations if r.doc == doc)
            found.add("Q301", where, message, last)


def _readable(path: Path) -> bool:
    """A regular file of a size the check reads (a FIFO or a device is never opened)."""
    size = regular_file_size(path)
    return isinstance(size, int) and size <= MAX_SOURCE_BYTES


def _crowded_spots(
    items: list[tuple[int, int, Question, int]],
) -> list[tuple[list[Question], tuple[int, int]]]:
    """Where three or more distinct questions' spans overlap: the questions and the overlap.

    A sweep over the span ends in order, counting the distinct questions covering each
    point; for each run of overlapping spans, the point where that count peaks. Linear
    after the sort, however many questions pile on one passage.
    """
    events = sorted(
        [(s, 1, i) for i, (s, _, _, _) in enumerate(items)]
        + [(e, -1, i) for i, (_, e, _, _) in enumerate(items)]
    )  # an end (-1) sorts before a start (1) at the same offset: touching spans do not overlap
    covering: dict[int, int] = {}  # id(question) -> how many of its spans cover this point
    open_spans = 0
    cluster: list[int] = []  # the spans of the current run of overlapping spans
    best, best_at = 0, 0
    out: list[tuple[list[Question], tuple[int, int]]] = []
    for offset, kind, i in events:
        key = id(items[i][2])
        if kind == 1:
            covering[key] = covering.get(key, 0) + 1
            open_spans += 1
            cluster.append(i)
            if len(covering) > best:
                best, best_at = len(covering), offset
            continue
        covering[key] -= 1
        if not covering[key]:
            del covering[key]
        open_spans -= 1
        if open_spans == 0:
            if best >= OVER_MINED:
                at_peak = [items[k] for k in cluster if items[k][0] <= best_at < items[k][1]]
                first: dict[int, tuple[int, int, Question, int]] = {}
                for item in sorted(at_peak, key=lambda item: item[3]):
                    first.setdefault(id(item[2]), item)
                end = min(item[1] for item in at_peak)
                out.append(([item[2] for item in first.values()], (best_at, end)))
            cluster, best = [], 0
    return out


def _prompt(q: Question) -> str:
    text = q.render(" … ") if isinstance(q, Cloze) else q.prompt or ""
    return plain(text)


def _near_duplicates(found: Findings) -> None:
    """Q302: two prompts sharing most of their content words (identical ones are already warned)."""
    postings: dict[str, list[int]] = defaultdict(list)
    words: list[frozenset[str]] = []
    questions = found.bank.questions
    for number, q in enumerate(questions):
        mine = frozenset(content_words(_prompt(q)))
        words.append(mine)
        shared: dict[int, int] = defaultdict(int)
        for word in mine:
            if len(postings[word]) <= COMMON_WORD:
                for other in postings[word]:
                    shared[other] += 1
            postings[word].append(number)
        for other, count in shared.items():
            union = len(mine | words[other])
            theirs = questions[other]
            if (
                len(mine) >= 3
                and count / union >= NEAR_DUPLICATE
                and normalize(_prompt(q)).casefold() != normalize(_prompt(theirs)).casefold()
            ):
                message = (
                    f"the prompt is nearly that of question '{theirs.id}' "
                    f"({at(theirs.location)}); ask something else, or merge them"
                )
                found.add(
                    "Q302",
                    q.where("text" if isinstance(q, Cloze) else "prompt"),
                    message,
                    q,
                    also=[theirs],
                )
                break
