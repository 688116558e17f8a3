"""One bank file to a :class:`Bank`: the files named, the top-level keys and the sources.

YAML is read into located nodes by :mod:`.yaml_nodes`; each question is built by
:mod:`.builders`. Every problem in a file is collected, not just the first, and
reported with its file, line and column. The rules across questions and banks
(quotes, duplicates) are :mod:`.check`'s.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from yaml.nodes import MappingNode, Node, SequenceNode

from ..errors import Location, Problem, QuizgenError
from .builders import build_question
from .common_keys import SLUG, QuestionContext, slug_for
from .files import regular_file_size
from .model import Bank, Question, Source, SourceRef
from .values import NodeReader, resolved
from .yaml_nodes import node_kind, read_yaml

BANK_KEYS = ("id", "title", "description", "sources", "questions")
SOURCE_KEYS = ("path", "title")


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
            kind = regular_file_size(path)
            if isinstance(kind, str):  # a device or a FIFO would be read forever
                raise QuizgenError(
                    f"{path} {kind}; a bank is a YAML file", location=Location(str(path))
                )
            files.append(path)
        else:
            raise QuizgenError(f"no such file or folder: {path}", location=Location(str(path)))
    # A file named twice (a.yaml and its folder, or a.yaml ./a.yaml) is read once.
    first: dict[Path, Path] = {}
    for file in files:
        first.setdefault(file.resolve(), file)
    return list(first.values())


@dataclass
class BankFile:
    """What reading one bank file found, beyond the bank: for a report of every problem."""

    bank: Bank | None
    problems: list[Problem]
    #: How many questions the file lists, valid or not (the summary's count).
    written: int = 0
    #: The citations of questions left out for their errors, as (question id, citation).
    unbuilt_citations: list[tuple[str | None, SourceRef]] = field(default_factory=list)
    sources: dict[str, Source] = field(default_factory=dict)
    #: The questions that were valid, even when the bank itself could not be made.
    questions: tuple[Question, ...] = ()


def parse_bank(path: Path) -> tuple[Bank | None, list[Problem]]:
    """Read one bank file: the bank and every problem found.

    The bank is None when its id, title or question list could not be read; when
    there are errors, it holds only the questions that were valid.
    """
    read = read_bank_file(path)
    return read.bank, read.problems


def read_bank_file(path: Path) -> BankFile:
    """Read one bank file: the bank, every problem, and what the checks across questions need."""
    path = Path(path)
    root, problems = read_yaml(path)
    if root is None:
        return BankFile(None, problems)
    reader = NodeReader(str(path))
    reader.problems = problems
    out = BankFile(None, problems)
    out.bank = _bank(reader, path, root, out)
    out.problems = reader.problems
    return out


def _bank(r: NodeReader, path: Path, root: Node, out: BankFile) -> Bank | None:
    fields = r.mapping(root, "a bank file", BANK_KEYS)
    if fields is None:
        return None
    bank_id = _bank_id(r, fields, root)
    title = r.text(fields["title"], "title") if "title" in fields else None
    if "title" not in fields:
        r.error(root, "the bank has no 'title'")
    description = (
        r.text(fields["description"], "description", required=False)
        if "description" in fields
        else None
    )
    sources = _sources(r, path, fields["sources"]) if "sources" in fields else {}
    out.sources = sources
    questions = _questions(
        r, fields, root, QuestionContext(sources, path.parent.resolve(), {}), out
    )
    if bank_id is None or title is None or questions is None:
        return None
    return Bank(
        id=bank_id,
        title=title,
        path=path,
        location=r.where(root),
        questions=questions,
        description=description,
        sources=sources,
        locations={key: r.where(node) for key, node in fields.items()},
    )


def _bank_id(r: NodeReader, fields: dict[str, Node], root: Node) -> str | None:
    if "id" not in fields:
        r.error(root, "the bank has no 'id'")
        return None
    value = r.text(fields["id"], "bank id")
    if value is not None and not SLUG.match(value):
        r.error(
            fields["id"],
            f"bank id '{value}' must be a slug: a-z, 0-9 and '-' (try '{slug_for(value)}')",
        )
        return None
    return value


def _sources(r: NodeReader, path: Path, node: Node) -> dict[str, Source]:
    mapping = r.mapping(node, "sources", None)
    out: dict[str, Source] = {}
    for source_id, value in (mapping or {}).items():
        title: str | None = None
        path_node: Node = value
        if isinstance(value, MappingNode):
            fields = r.mapping(value, f"source '{source_id}'", SOURCE_KEYS)
            if fields is None:
                continue
            if "path" not in fields:
                r.error(value, f"source '{source_id}' has no 'path'")
                continue
            path_node = fields["path"]
            if "title" in fields:
                title = r.text(fields["title"], f"source '{source_id}' title")
        path_text = r.text(path_node, f"source '{source_id}' path")
        if path_text is None:
            continue
        document = resolved(path.parent, path_text)
        if document is None:
            r.error(path_node, f"source '{source_id}' path is not a usable file name")
            continue
        out[source_id] = Source(
            id=source_id,
            path=document,
            title=title or document.stem,
            location=r.where(path_node),
        )
    return out


def _questions(
    r: NodeReader, fields: dict[str, Node], root: Node, ctx: QuestionContext, out: BankFile
) -> tuple[Question, ...] | None:
    if "questions" not in fields:
        r.error(root, "the bank has no 'questions'")
        return None
    node = fields["questions"]
    if not isinstance(node, SequenceNode):
        r.error(node, f"questions must be a list, not {node_kind(node)}")
        return None
    if not node.value:
        r.error(node, "questions is empty; a bank needs at least one question")
        return None
    questions: list[Question] = []
    out.written = len(node.value)
    for child in node.value:
        before = len(ctx.cited)
        question = build_question(r, child, ctx)
        if question is not None:
            questions.append(question)
        else:  # its quotes are still checked, so one run reports every problem
            out.unbuilt_citations += [(q, ref) for q, refs in ctx.cited[before:] for ref in refs]
    r.question = None
    out.questions = tuple(questions)
    # The questions that built are kept even when others failed, so that the
    # rules across questions (quotes, duplicates) still run on them.
    return tuple(questions)
