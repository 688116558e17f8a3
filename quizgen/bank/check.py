"""The rules over whole banks: what the loader cannot see from one question alone.

The loader reports what is wrong with a value where it stands. These rules look
across questions, banks and documents: quotes found in their sources, ids unique
among the banks loaded together, duplicated prompts, questions without a source.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Problem, QuizgenError, Severity
from .files import MAX_SOURCE_BYTES, megabytes, regular_file_size
from .model import Bank
from .parse import BankFile, bank_files, read_bank_file
from .provenance import closest_passage, normalize, normalized_document, quote_occurs
from .quality import quality_problems
from .yaml_nodes import collector_paused


@dataclass
class CheckReport:
    """What checking some bank files found: the banks that loaded and every problem."""

    files: list[Path]
    banks: list[Bank] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    #: Questions each file lists, valid or not: the count does not change as errors are fixed.
    written: list[int] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def question_count(self) -> int:
        return sum(self.written) if self.written else sum(len(b.questions) for b in self.banks)


#: The end of the warning for a source document that is missing outside ``check``.
UNVERIFIED = "quotes not verified"


def unverified(problems: Iterable[Problem]) -> list[Problem]:
    """The warnings that a source document is missing (see ``missing_sources``)."""
    return [p for p in problems if p.severity == "warning" and p.message.endswith(UNVERIFIED)]


def check_paths(
    paths: Iterable[Path], *, ignore: Iterable[str] = (), missing_sources: Severity = "error"
) -> CheckReport:
    """Load every bank file under ``paths`` and apply every rule; never raises for bad banks.

    ``ignore`` lists check codes (``Q201``) to leave out of the report for this run.
    ``missing_sources="warning"`` makes a source document that does not exist a warning
    ("quotes not verified"), for a bank copied without its documents: every command but
    ``check`` still reads it. Raises QuizgenError only when ``paths`` names nothing to read.
    """
    files = bank_files(list(paths))
    report = CheckReport(files=files)
    partial: set[Path] = set()  # banks read without the questions that had errors
    with collector_paused():
        for path in files:
            read = read_bank_file(path)
            report.problems.extend(read.problems)
            report.written.append(read.written)
            report.problems.extend(_check_quotes(read, missing_sources))
            bank = read.bank
            if bank is not None:
                report.banks.append(bank)
                if any(p.severity == "error" for p in read.problems):
                    partial.add(bank.path)
        report.problems.extend(_check_banks(report.banks, partial))
    skipped = set(ignore)
    # A merged (<<: *anchor) mapping is read once per use; report each problem once.
    report.problems = [p for p in dict.fromkeys(report.problems) if p.code not in skipped]
    report.problems.sort(key=lambda p: (p.location.file, p.location.line, p.location.column))
    return report


def _check_quotes(read: BankFile, missing: Severity = "error") -> list[Problem]:
    """Every quote of a file, of valid questions and of questions with other errors alike;
    ``missing`` is the severity of a source document that does not exist."""
    problems: list[Problem] = []
    documents: dict[str, str | None] = {}
    for source in read.sources.values():
        refused = _unreadable_source(source.path)
        if refused is not None:  # looked at before opening: a FIFO or a device never is
            documents[source.id] = None
            if refused.endswith("does not exist"):
                if missing == "warning":
                    warning = f"{refused}: {UNVERIFIED}"
                    problems.append(Problem(source.location, "warning", warning))
                    continue
                folder = Path(source.location.file).parent.resolve()
                refused += f"; a source path is relative to the bank file's folder ({folder})"
            problems.append(Problem(source.location, "error", refused))
            continue
        try:
            documents[source.id] = normalized_document(source.path)
        except FileNotFoundError:
            documents[source.id] = None
            problems.append(
                Problem(source.location, "error", f"source file {source.path} does not exist")
            )
        except (OSError, UnicodeDecodeError) as exc:
            documents[source.id] = None
            reason = getattr(exc, "strerror", None) or "it is not UTF-8 text"
            problems.append(
                Problem(source.location, "error", f"cannot read source {source.path}: {reason}")
            )
    cited = [(q.id, ref) for q in read.questions for ref in q.citations]
    for qid, ref in cited + read.unbuilt_citations:  # each quote is verified where it is written
        document = documents.get(ref.doc)
        if document is not None and not quote_occurs(ref.quote, document):
            title = read.sources[ref.doc].title
            message = (
                f"quote not found in source '{ref.doc}' ({title}){_quote_hint(ref.quote, document)}"
            )
            problems.append(Problem(ref.location, "error", message, qid))
    return problems


_CURLY: tuple[tuple[str, str], ...] = (("“", "”"), ("‘", "’"), ("„", "“"), ("«", "»"), ("”", "”"))


def _quote_hint(quote: str, document: str) -> str:
    text = quote.strip()
    if len(text) > 2 and any(text[0] == a and text[-1] == b for a, b in _CURLY):
        inner = text[1:-1]
        found = "; without them it is found" if quote_occurs(inner, document) else ""
        return (
            f"; the quote starts and ends with typographic quotes ({text[0]}…{text[-1]}), which "
            "YAML keeps as part of the text (only straight quotes \" and ' delimit a YAML "
            f'string): write quote: "{inner}"{found}'
        )
    near = closest_passage(quote, document)
    return f'; the closest passage is "{near}"' if near else ""


def _check_banks(banks: list[Bank], partial: set[Path]) -> list[Problem]:
    problems: list[Problem] = []
    first_with_id: dict[str, Bank] = {}
    for bank in banks:
        if bank.id in first_with_id:
            other = first_with_id[bank.id]
            problems.append(
                Problem(
                    bank.location,
                    "error",
                    f"bank id '{bank.id}' is also the id of {other.path}; "
                    "bank ids must be unique among the banks loaded together",
                )
            )
        first_with_id.setdefault(bank.id, bank)
        problems.extend(_check_bank(bank, complete=bank.path not in partial))
    return problems


def _check_bank(bank: Bank, *, complete: bool = True) -> list[Problem]:
    """The rules within one bank; ``complete`` is false when questions with errors were left out."""
    problems: list[Problem] = []
    used: set[str] = set()
    prompts: dict[str, str] = {}
    for q in bank.questions:
        if not q.citations:
            problems.append(
                Problem(q.location, "warning", "no source: cite the passage it comes from", q.id)
            )
        used.update(ref.doc for ref in q.citations)
        asked = "text" if q.type == "cloze" else "prompt"  # a cloze's question is its text
        text = getattr(q, asked, None)
        if text:
            key = normalize(text).casefold()
            if key in prompts:
                message = f"the same prompt as question '{prompts[key]}'"
                problems.append(Problem(q.where(asked), "warning", message, q.id))
            else:
                prompts[key] = q.id
    for source in bank.sources.values():
        # A question left out for its errors may cite the source: say nothing then.
        if complete and source.id not in used:
            message = f"source '{source.id}' is declared but no question cites it"
            problems.append(Problem(source.location, "warning", message))
    problems.extend(quality_problems(bank, complete=complete))
    return problems


def _unreadable_source(path: Path) -> str | None:
    """Why the source document at ``path`` will not be read, or None."""
    size = regular_file_size(path)
    if size == "does not exist":
        return f"source file {path} does not exist"
    if isinstance(size, str):
        return f"source {path} {size}"
    if size > MAX_SOURCE_BYTES:
        return (
            f"source {path} is {megabytes(size)}; "
            f"a source document may be at most {megabytes(MAX_SOURCE_BYTES)}"
        )
    return None


def ensure_valid(report: CheckReport, *, strict: bool = False) -> None:
    """Raise QuizgenError if the report has errors (or, with ``strict``, warnings)."""
    failing = report.problems if strict else report.errors
    if failing:
        raise QuizgenError(failing)
