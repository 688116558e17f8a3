"""Property tests: whatever the bytes, the loader answers with located problems.

Arbitrary text and bytes, and valid banks damaged at random, go through
``parse_bank`` and ``check_paths``. Nothing but the project's own QuizgenError may
escape, and every problem names the file and a line and column in it. Banks built
from arbitrary values and written by PyYAML read back the same values.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizgen.bank.check import check_paths
from quizgen.bank.load import load_banks, parse_bank
from quizgen.errors import QuizgenError

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

PROPERTY_SETTINGS = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

VALID = """\
id: sco
title: The SCO
sources:
  sco-2025:
    path: seeds/004_369735ee3e7b3786.txt
    title: SCO meeting
  putin-khan: seeds/000_294d461ed006609b.txt
questions:
  - &first
    id: members
    type: multiple_answer
    prompt: Which are full members?
    choices: [China, India, Turkey]
    answer: [China, India]
    tags: [membership]
    topic: The SCO
    difficulty: easy
    points: 2
    source:
      doc: sco-2025
      quote: "Current full members include:"
  - id: area
    type: multiple_choice
    prompt: "A key area of **cooperation**?"
    choices: [Energy and fuel supply, Fishing]
    answer: Energy and fuel supply
    shuffle: false
    source: {doc: sco-2025, quote: "Energy and fuel supply"}
  - {id: large, type: true_false, prompt: Large?, answer: true, source: {doc: sco-2025, quote: "Defense dialogues"}}
  - id: member
    type: short_answer
    prompt: Name a member.
    answer: [Tajikistan, Republic of Tajikistan]
    case_sensitive: false
  - id: count
    type: numeric
    prompt: How many members?
    answer: 9
    tolerance: 0.5
    unit: countries
  - id: gap
    type: cloze
    text: |
      Putin and {{c1::Khan}} meet at the {{c2::SCO::organization}}.
    source: {doc: putin-khan, quote: "Sideline Meeting"}
  - id: leaders
    type: matching
    prompt: Match them.
    pairs:
      - [Vladimir Putin, Russia]
      - [Imran Khan, Pakistan]
  - id: order
    type: ordering
    prompt: Order them.
    items:
      - one
      - two
      - three
  - <<: *first
    id: members-again
    prompt: Which are full members (again)?
"""

# Characters that mean something to YAML, for the random insertions.
YAML_CHARS = ":-[]{},&*!|>#'\"\n\t %@`?<=~0123456789abcxyz\\\u00e9\u2019\ufeff"


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("properties")
    shutil.copytree(SEEDS, path / "seeds")
    return path


def test_the_bank_to_damage_is_valid(folder):
    path = folder / "valid.yaml"
    path.write_text(VALID, encoding="utf-8")
    report = check_paths([path])
    assert report.errors == []
    assert report.question_count == 9


def assert_answers_with_located_problems(path: Path) -> None:
    """parse_bank and check_paths return problems, every one located in ``path``; or raise QuizgenError."""
    bank, problems = parse_bank(path)
    assert bank is not None or any(p.severity == "error" for p in problems)
    try:
        report = check_paths([path])
    except QuizgenError as exc:  # the project's own error type is allowed
        problems = exc.problems
    else:
        problems = report.problems
        if report.errors:
            with pytest.raises(QuizgenError):
                load_banks([path])
    for problem in problems:
        assert problem.location.file == str(path), problem
        assert problem.location.line >= 1 and problem.location.column >= 1, problem
        assert problem.severity in ("error", "warning")
        assert problem.message and "Traceback" not in problem.message


@PROPERTY_SETTINGS
@given(text=st.text())
def test_arbitrary_text(folder, text):
    path = folder / "text.yaml"
    path.write_text(text, encoding="utf-8")
    assert_answers_with_located_problems(path)


@PROPERTY_SETTINGS
@given(data=st.binary())
def test_arbitrary_bytes(folder, data):
    path = folder / "bytes.yaml"
    path.write_bytes(data)
    assert_answers_with_located_problems(path)


@PROPERTY_SETTINGS
@given(text=st.text(alphabet=YAML_CHARS, max_size=200))
def test_arbitrary_yaml_punctuation(folder, text):
    path = folder / "punctuation.yaml"
    path.write_text("id: x\ntitle: y\nquestions:\n  - " + text, encoding="utf-8")
    assert_answers_with_located_problems(path)


@st.composite
def damaged_bank(draw: st.DrawFn) -> str:
    """VALID after one to four random edits of its lines and characters."""
    text = VALID
    for _ in range(draw(st.integers(1, 4))):
        lines = text.splitlines(keepends=True) or [""]
        index = draw(st.integers(0, len(lines) - 1))
        line = lines[index]
        edit = draw(
            st.sampled_from(
                [
                    "delete-line",
                    "duplicate-line",
                    "swap-lines",
                    "swap-chars",
                    "insert-chars",
                    "indent",
                    "dedent",
                    "scalar-to-list",
                    "scalar-to-mapping",
                    "scalar-to-alias",
                    "truncate",
                ]
            )
        )
        if edit == "delete-line":
            del lines[index]
        elif edit == "duplicate-line":
            lines.insert(index, line)
        elif edit == "swap-lines":
            other = draw(st.integers(0, len(lines) - 1))
            lines[index], lines[other] = lines[other], lines[index]
        elif edit == "swap-chars" and len(line) > 1:
            at = draw(st.integers(0, len(line) - 2))
            lines[index] = line[:at] + line[at + 1] + line[at] + line[at + 2 :]
        elif edit == "insert-chars":
            at = draw(st.integers(0, len(line)))
            extra = draw(st.text(alphabet=YAML_CHARS, min_size=1, max_size=6))
            lines[index] = line[:at] + extra + line[at:]
        elif edit == "indent":
            lines[index] = " " * draw(st.integers(1, 4)) + line
        elif edit == "dedent":
            lines[index] = line.lstrip(" ")
        elif edit.startswith("scalar-to") and ": " in line:
            key, _, value = line.rstrip("\n").partition(": ")
            value = value or "x"
            replacement = {
                "scalar-to-list": f"[{value}, {value}]",
                "scalar-to-mapping": f"{{{value}: {value}}}",
                "scalar-to-alias": draw(st.sampled_from(["*first", "*nowhere", "&again x"])),
            }[edit]
            lines[index] = f"{key}: {replacement}\n"
        elif edit == "truncate":
            lines = lines[:index]
        text = "".join(lines)
    return text


@PROPERTY_SETTINGS
@given(text=damaged_bank())
def test_damaged_valid_banks(folder, text):
    path = folder / "damaged.yaml"
    path.write_text(text, encoding="utf-8")
    assert_answers_with_located_problems(path)


# Text a teacher might write: anything but blank (a blank value is an error by design).
VALUE = st.text(min_size=1, max_size=30).filter(lambda s: s.strip())


@st.composite
def generated_bank(draw: st.DrawFn) -> dict:
    choices = draw(st.lists(VALUE, min_size=2, max_size=10, unique=True))
    answers = draw(st.lists(st.sampled_from(choices), min_size=1, unique=True))
    pairs = draw(st.lists(st.tuples(VALUE, VALUE), min_size=2, max_size=5))
    lefts = [left for left, _ in pairs]
    rights = [right for _, right in pairs]
    if len(set(lefts)) < len(lefts) or len(set(rights)) < len(rights):
        pairs = [(f"left {n}", f"right {n}") for n in range(3)]
    return {
        "id": "generated",
        "title": draw(VALUE),
        "questions": [
            {
                "id": "mc",
                "type": "multiple_choice",
                "prompt": draw(VALUE),
                "choices": choices,
                "answer": answers[0],
            },
            {
                "id": "ma",
                "type": "multiple_answer",
                "prompt": draw(VALUE),
                "choices": choices,
                "answer": answers,
            },
            {
                "id": "sa",
                "type": "short_answer",
                "prompt": draw(VALUE),
                "answer": draw(st.lists(VALUE, min_size=1, max_size=3, unique=True)),
            },
            {
                "id": "num",
                "type": "numeric",
                "prompt": draw(VALUE),
                "answer": draw(
                    st.one_of(
                        st.integers(-(10**12), 10**12), st.floats(-1e12, 1e12, allow_nan=False)
                    )
                ),
                "tolerance": draw(st.floats(0, 100)),
            },
            {"id": "mt", "type": "matching", "prompt": draw(VALUE), "pairs": pairs},
            {
                "id": "ord",
                "type": "ordering",
                "prompt": draw(VALUE),
                "items": draw(st.lists(VALUE, min_size=2, max_size=6, unique=True)),
            },
        ],
    }


@PROPERTY_SETTINGS
@given(data=generated_bank(), unicode=st.booleans())
def test_values_written_by_pyyaml_read_back_as_pyyaml_reads_them(folder, data, unicode):
    path = folder / "generated.yaml"
    text = yaml.safe_dump(data, allow_unicode=unicode)
    path.write_text(text, encoding="utf-8")
    # The reference is what PyYAML itself reads (its emitter does not always write
    # back exactly what it was given: '0\x85' comes back as '0 ').
    expected = yaml.safe_load(text)
    bank, problems = parse_bank(path)
    assert [p for p in problems if p.severity == "error"] == []
    assert bank.title == expected["title"]
    mc, ma, sa, num, mt, order = bank.questions
    given_mc, given_ma, given_sa, given_num, given_mt, given_order = expected["questions"]
    assert (mc.prompt, mc.choices, mc.answer) == (
        given_mc["prompt"],
        tuple(given_mc["choices"]),
        given_mc["answer"],
    )
    assert ma.answers == tuple(given_ma["answer"])
    assert sa.answers == tuple(given_sa["answer"])
    assert (num.answer, num.tolerance) == (given_num["answer"], given_num["tolerance"])
    assert mt.pairs == tuple(tuple(pair) for pair in given_mt["pairs"])
    assert order.items == tuple(given_order["items"])


# -- the loader's own composer builds what PyYAML's composer builds ---------------------------


def node_shape(node, seen=None):
    """A comparable picture of a node graph: kinds, tags, values, marks; aliases as back-references."""
    seen = {} if seen is None else seen
    if id(node) in seen:
        return ("alias", seen[id(node)])
    seen[id(node)] = len(seen)
    mark = (node.start_mark.line, node.start_mark.column)
    if isinstance(node, yaml.ScalarNode):
        return ("scalar", node.tag, node.value, node.style, mark)
    if isinstance(node, yaml.SequenceNode):
        return ("seq", node.tag, mark, [node_shape(n, seen) for n in node.value])
    return (
        "map",
        node.tag,
        mark,
        [(node_shape(k, seen), node_shape(v, seen)) for k, v in node.value],
    )


def composed(parser, text):
    """(True, shape) or (False, error class name) for composing ``text`` with ``parser``."""
    from quizgen.bank.yaml_nodes import compose_document as _compose_document

    try:
        loader = parser(text)
        try:
            node = _compose_document(loader)
        finally:
            loader.dispose()
        return True, None if node is None else node_shape(node)
    except yaml.YAMLError as exc:
        return False, type(exc).__name__


def pyyaml_composed(parser, text):
    try:
        node = yaml.compose(text, Loader=parser)
        return True, None if node is None else node_shape(node)
    except yaml.YAMLError as exc:
        return False, type(exc).__name__


PARSERS = [yaml.SafeLoader] + ([yaml.CSafeLoader] if hasattr(yaml, "CSafeLoader") else [])


@pytest.mark.parametrize("parser", PARSERS, ids=lambda p: p.__name__)
def test_the_composer_builds_what_pyyaml_builds_for_a_real_bank(parser):
    assert composed(parser, VALID) == pyyaml_composed(parser, VALID)
    assert composed(parser, VALID)[1] is not None


@pytest.mark.parametrize("parser", PARSERS, ids=lambda p: p.__name__)
@PROPERTY_SETTINGS
@given(text=st.one_of(st.text(alphabet=YAML_CHARS, max_size=120), damaged_bank()))
def test_the_composer_builds_what_pyyaml_builds(parser, text):
    assert composed(parser, text) == pyyaml_composed(parser, text)
