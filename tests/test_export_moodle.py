"""`quizgen export moodle`: Moodle XML read back with lxml and held to Moodle's import rules.

Each rule below is one Moodle applies when it imports the file (question/format/xml and
the question types' importers): an answer's grade must be on the fixed grade list or the
question is skipped; true/false answers are the words ``true`` and ``false``; a short
answer's ``*`` is a wildcard unless escaped; an ordering question without ``selecttype
ALL`` and ``selectcount`` shows 6 random items; a cloze gap ends at an unescaped ``}``,
``#`` or ``~``. Every exported question is compared with the bank, question by question.
"""

from __future__ import annotations

import base64
import html
import re
from pathlib import Path

import pytest
from anki_helpers import ALL_TYPES_BANK, write_image
from click.testing import CliRunner
from lxml import etree
from lxml import html as lxml_html
from quiz_pages import HOSTILE_BANK
from test_snapshots import BANK as SNAPSHOT_BANK
from test_snapshots import rel, run
from test_snapshots import snapshot as snapshot  # the fixture, shared
from test_snapshots import workdir as workdir

from quizgen.bank.load import load_banks
from quizgen.bank.model import (
    Bank,
    Cloze,
    Matching,
    MultipleAnswer,
    MultipleChoice,
    Numeric,
    Ordering,
    Question,
    ShortAnswer,
    TrueFalse,
)
from quizgen.cli import cli
from quizgen.errors import Location
from quizgen.outputs.base import OutputOptions, Selection
from quizgen.outputs.moodle import FORMAT, cdata
from quizgen.questions import right_choices
from quizgen.text import to_plain

#: Moodle's grade list (question_bank::fraction_options_full), as fractions.
MOODLE_GRADES = (
    1.0, 0.9, 0.8333333, 0.8, 0.75, 0.7, 0.6666667, 0.6, 0.5, 0.4, 0.3333333,
    0.3, 0.25, 0.2, 0.1666667, 0.1428571, 0.125, 0.1111111, 0.1, 0.05, 0.0,
)  # fmt: skip

QTYPE = {
    "multiple_choice": "multichoice",
    "multiple_answer": "multichoice",
    "true_false": "truefalse",
    "short_answer": "shortanswer",
    "numeric": "numerical",
    "cloze": "cloze",
    "matching": "matching",
    "ordering": "ordering",
}

TRICKY_BANK = """\
id: tricky
title: Week 3 / revision
questions:
  - id: star
    type: short_answer
    prompt: "Which operator multiplies? ]]> is not the end of the text"
    answer: ["*", "a*b", "x\\\\*"]
    topic: "Operators / symbols"
  - id: gaps
    type: cloze
    prompt: "Not a gap: {1:SA:=fake} and {#1}"
    text: "Braces {{c1::a}b}}, hash {{c2::#1}}, tilde {{c3::x~y}}, slash {{c4::back\\\\}}, amp {{c5::R&}} num {{c6::42}} star {{c7::2*3::an expression}}"
    topic: "Operators / symbols"
  - id: ten
    type: multiple_answer
    prompt: All ten.
    choices: [a, b, c, d, e, f, g, h, i, j]
    answer: [a, b, c, d, e, f, g]
    shuffle: false
  - id: order
    type: ordering
    prompt: Count.
    items: [one, two, three, four, five, six, seven, eight]
    points: 2.5
"""


def export(path: Path, out: Path, *args: str) -> etree._Element:
    result = CliRunner().invoke(cli, ["export", "moodle", str(path), "-o", str(out), *args])
    assert result.exit_code == 0, result.output
    return etree.parse(str(out), etree.XMLParser(resolve_entities=False)).getroot()


def html_text(markup: str | None) -> str:
    """What a browser shows of an HTML fragment (tags gone, entities decoded)."""
    if not markup:
        return ""
    return lxml_html.fragment_fromstring(markup, create_parent="div").text_content()


def text_of(element: etree._Element | None) -> str:
    if element is None:
        return ""
    node = element.find("text")
    return (node.text or "") if node is not None else ""


def exported(root: etree._Element) -> list[tuple[str, etree._Element]]:
    """Each question element with the category Moodle files it under (the last one before)."""
    out: list[tuple[str, etree._Element]] = []
    current = ""
    for element in root.findall("question"):
        if element.get("type") == "category":
            current = text_of(element.find("category"))
        else:
            out.append((current, element))
    return out


def moodle_category_names(path: str) -> list[str]:
    """qformat_default::split_category_path: split at a single '/', '//' is a '/' in a name."""
    return [part.replace("//", "/").strip() for part in re.split(r"(?<!/)/(?!/)", path)]


def unwildcard(pattern: str) -> str:
    """The literal text a Moodle short-answer pattern matches when it has no wildcard."""
    assert re.search(r"(?<!\\)\*", pattern) is None, f"unescaped wildcard in {pattern!r}"
    return pattern.replace("\\*", "*")


# qtype_multianswer's ANSWER_REGEX, ported to Python's re (the look-behind split in three).
GAP = re.compile(
    r"\{([0-9]*):(NUMERICAL|NM|SHORTANSWER|SA|MW|SHORTANSWER_C|SAC|MWC):"
    r"((?:=|%-?[0-9]+%)?.+?(?<!\\)(?<!&)(?<!&amp;)(?=[~#}]|$)(?:#.*?(?<!\\)(?=[~}]|$))?"
    r"(?:~(?:=|%-?[0-9]+%)?.+?(?<!\\)(?<!&)(?<!&amp;)(?=[~#}]|$)(?:#.*?(?<!\\)(?=[~}]|$))?)*)\}",
    re.S,
)
ALTERNATIVE = re.compile(
    r"~?(=|%-?[0-9]+%)?(.+?(?<!\\)(?<!&)(?<!&amp;)(?=[~#}]|$))(#(.*?(?<!\\)(?=[~}]|$)))?", re.S
)


def moodle_gaps(questiontext: str) -> list[tuple[str, list[str]]]:
    """The gaps Moodle's cloze importer finds: (type, right answers decoded as it decodes them)."""
    gaps: list[tuple[str, list[str]]] = []
    text = questiontext
    while match := GAP.search(text):
        answers: list[str] = []
        for alt in ALTERNATIVE.finditer(match.group(3)):
            if alt.group(1) != "=":
                continue
            answer = html.unescape(alt.group(2)).replace("\\}", "}").replace("\\#", "#")
            answers.append(answer)
        gaps.append((match.group(2), answers))
        text = text[: match.start()] + f"{{#{len(gaps)}}}" + text[match.end() :]
    return gaps


def check_question(bank: Bank, question: Question, element: etree._Element) -> None:
    """Every Moodle import rule for one question, and its content against the bank."""
    assert element.get("type") == QTYPE[question.type]
    assert text_of(element.find("name")) == question.id
    assert element.findtext("idnumber") == question.id
    assert float(element.findtext("defaultgrade") or "nan") == question.points
    questiontext = text_of(element.find("questiontext"))
    shown = html_text(questiontext)
    if question.prompt:
        assert to_plain(question.prompt).replace("\n", "") in shown
    feedback = html_text(text_of(element.find("generalfeedback")))
    if question.explanation:
        assert to_plain(question.explanation).replace("\n", "") in feedback
    for ref in question.citations:
        assert ref.quote in feedback
    tags = [t.text for t in element.iterfind("tags/tag/text")]
    assert tags[: len(question.tags)] == list(question.tags)
    if question.difficulty:
        assert f"difficulty-{question.difficulty}" in tags
    answers = element.findall("answer")
    if isinstance(question, MultipleChoice | MultipleAnswer):
        fractions = [float(a.get("fraction") or "nan") / 100 for a in answers]
        for fraction in fractions:  # Moodle skips a question with any grade off the list
            assert any(abs(abs(fraction) - g) <= 1e-5 for g in MOODLE_GRADES), fraction
        right = [html_text(text_of(a)) for a, f in zip(answers, fractions, strict=True) if f > 0]
        assert right == [to_plain(c) for c in right_choices(question)]
        assert [html_text(text_of(a)) for a in answers] == [to_plain(c) for c in question.choices]
        assert abs(sum(f for f in fractions if f > 0) - 1) < 1e-5 * len(answers)
        single = isinstance(question, MultipleChoice)
        assert element.findtext("single") == ("true" if single else "false")
        assert element.findtext("shuffleanswers") == ("true" if question.shuffle else "false")
    elif isinstance(question, TrueFalse):
        by_word = {text_of(a): a.get("fraction") for a in answers}
        assert by_word == {
            "true": "100" if question.answer else "0",
            "false": "0" if question.answer else "100",
        }
    elif isinstance(question, ShortAnswer):
        assert element.findtext("usecase") == ("1" if question.case_sensitive else "0")
        assert [unwildcard(text_of(a)) for a in answers] == list(question.answers)
        assert {a.get("fraction") for a in answers} == {"100"}
    elif isinstance(question, Numeric):
        (answer,) = answers
        assert float(text_of(answer)) == question.answer
        assert float(answer.findtext("tolerance") or "nan") == question.tolerance
        units = [u.findtext("unit_name") for u in element.iterfind("units/unit")]
        assert units == ([question.unit] if question.unit else [])
        if question.unit:
            assert question.unit in shown  # the student sees the unit
    elif isinstance(question, Matching):
        pairs = [
            (html_text(text_of(s)), text_of(s.find("answer")))
            for s in element.iterfind("subquestion")
        ]
        assert pairs == [(to_plain(left), to_plain(right)) for left, right in question.pairs]
        assert element.findtext("shuffleanswers") == "true"
    elif isinstance(question, Ordering):
        assert element.findtext("selecttype") == "ALL"  # or Moodle picks items at random
        assert element.findtext("selectcount") == str(len(question.items))
        assert [html_text(text_of(a)) for a in answers] == [to_plain(i) for i in question.items]
    elif isinstance(question, Cloze):
        gaps = moodle_gaps(questiontext)
        assert len(gaps) == len(question.deletions)
        for (kind, found), deletion in zip(gaps, question.deletions, strict=True):
            if kind == "NUMERICAL":
                assert [float(a.split(":")[0]) for a in found] == [float(deletion.answer)]
            else:
                assert kind == "SA"
                assert [unwildcard(a) for a in found] == [deletion.answer]
            if deletion.hint:
                assert deletion.hint in html_text(questiontext)
    if question.image is not None:
        (file,) = element.find("questiontext").findall("file")
        assert base64.b64decode(file.text or "") == question.image.read_bytes()
        assert f'src="@@PLUGINFILE@@/{file.get("name")}"' in questiontext


def check_file(banks: list[Bank], root: etree._Element) -> None:
    items = exported(root)
    chosen = [(b, q) for b in banks for q in b.questions]
    assert sorted(e.findtext("idnumber") or "" for _, e in items) == sorted(q.id for _, q in chosen)
    by_id = {e.findtext("idnumber"): (cat, e) for cat, e in items}
    for bank, question in chosen:
        cat, element = by_id[question.id]
        names = moodle_category_names(cat)
        assert names[:2] == ["$course$", bank.title]
        assert names[2:] == ([question.topic] if question.topic else [])
        check_question(bank, question, element)


def test_every_type_is_exported_by_moodles_rules(write_bank, tmp_path):
    write_image(tmp_path)
    path = write_bank(ALL_TYPES_BANK)
    root = export(path, tmp_path / "out.xml")
    banks = load_banks([path])
    assert {q.type for q in banks[0].questions} == set(QTYPE)
    check_file(banks, root)


def test_escapes_wildcards_gaps_categories_and_cdata(write_bank, tmp_path):
    path = write_bank(TRICKY_BANK)
    out = tmp_path / "tricky.xml"
    root = export(path, out)
    banks = load_banks([path])
    check_file(banks, root)
    star = next(e for _, e in exported(root) if e.get("type") == "shortanswer")
    assert "]]> is not the end" in html_text(text_of(star.find("questiontext")))
    split = etree.fromstring(f"<text>{cdata('a]]>b]]>')}</text>")
    assert split.text == "a]]>b]]>"  # a CDATA section holding "]]>" is split, the text kept
    cats = [c for c, _ in exported(root)]
    assert "$course$/Week 3 // revision/Operators // symbols" in cats
    cloze = next(e for c, e in exported(root) if e.get("type") == "cloze")
    kinds = [kind for kind, _ in moodle_gaps(text_of(cloze.find("questiontext")))]
    assert kinds == ["SA", "SA", "SA", "SA", "SA", "NUMERICAL", "SA"]
    assert "{1:SA:=fake}" not in text_of(cloze.find("questiontext"))  # the prompt is no gap
    order = next(e for _, e in exported(root) if e.get("type") == "ordering")
    assert order.findtext("selectcount") == "8"  # more than Moodle's default 6


def test_hostile_text_stays_text(write_bank, tmp_path):
    path = write_bank(HOSTILE_BANK)
    root = export(path, tmp_path / "hostile.xml")
    check_file(load_banks([path]), root)
    html_fields = [e.find("text") for e in root.iter() if e.get("format") == "html"]
    for element in html_fields:  # plain-text fields (typed answers, units) are never HTML
        if element is None or not element.text or "<" not in element.text:
            continue
        fragment = lxml_html.fragment_fromstring(element.text, create_parent="div")
        names = {e.tag for e in fragment.iter()} - {"div"}
        assert names <= {"p", "strong", "em", "code", "br", "span", "cite", "img"}, names
        for e in fragment.iter():
            assert not [a for a in e.attrib if a.startswith("on")], etree.tostring(e)
            if e.tag == "img":
                assert (e.get("src") or "").startswith("@@PLUGINFILE@@/")
    shown = " ".join(html_text(e.text) for e in root.iter("text") if e.text)
    assert "<script>alert('prompt')</script>" in shown
    assert "<svg onload=alert('left')>" in shown


def many_right(path: Path) -> Selection:
    choices = tuple(f"c{i}" for i in range(12))
    question = MultipleAnswer(
        "many",
        Location(str(path), 3, 5),
        prompt="Pick eleven.",
        choices=choices,
        answers=choices[:11],
        locations={"answer": Location(str(path), 7, 13)},
    )
    bank = Bank("b", "B", path, Location(str(path), 1, 1), (question,))
    return Selection.whole([bank])


def test_more_right_choices_than_the_grade_list_allows_is_a_located_error(tmp_path):
    (problem,) = FORMAT.problems(many_right(tmp_path / "b.yaml"), OutputOptions())
    assert str(problem) == (
        f"{tmp_path / 'b.yaml'}:7:13: error: question 'many': 11 right choices; Moodle XML "
        "needs each one's share of 100% on Moodle's grade list (1 to 10 or 20 right choices), "
        "or Moodle skips the question"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('"A {{c1::two\\nlines}} gap"', "gap 1's answer holds a line break"),
        ('"A {{c1::ok}} and {{c2::two\\u2028lines}}"', "gap 2's answer holds a line break"),
    ],
)
def test_a_gap_moodle_cannot_hold_is_a_located_error(write_bank, tmp_path, text, message):
    path = write_bank(
        f"id: b\ntitle: B\nquestions:\n  - id: q\n    type: cloze\n    text: {text}\n"
    )
    result = CliRunner().invoke(cli, ["export", "moodle", str(path), "-o", str(tmp_path / "x")])
    assert result.exit_code == 1
    assert f"{path}:6:11: error: question 'q': {message}" in result.output
    assert not (tmp_path / "x").exists()


def test_a_character_xml_cannot_hold_is_a_located_error(write_bank, tmp_path):
    path = write_bank(
        'id: b\ntitle: B\nquestions:\n  - {id: q, type: true_false, prompt: "a\\x01b", answer: true}\n'
    )
    result = CliRunner().invoke(cli, ["export", "moodle", str(path), "-o", str(tmp_path / "x")])
    assert result.exit_code == 1, result.output
    assert "error: question 'q': U+0001 is a character XML cannot hold" in result.output


def test_warnings_are_counted_and_strict_makes_them_errors(write_bank, tmp_path):
    path = write_bank(TRICKY_BANK)
    out = tmp_path / "w.xml"
    result = CliRunner().invoke(cli, ["export", "moodle", str(path), "-o", str(out)])
    assert result.exit_code == 0
    assert "warning: question 'gaps': Moodle marks a cloze question one mark a gap" in result.output
    assert "1 warning: what Moodle XML degrades or leaves out" in result.output
    out.unlink()
    strict = CliRunner().invoke(cli, ["export", "moodle", str(path), "-o", str(out), "--strict"])
    assert strict.exit_code == 1
    assert "error: question 'gaps': Moodle marks" in strict.output
    assert not out.exists()
    check = CliRunner().invoke(cli, ["check", str(path), "--for", "moodle"])
    assert "warning: question 'gaps': Moodle marks a cloze question" in check.output


def test_no_shuffle_keeps_choices_in_order(write_bank, tmp_path):
    write_image(tmp_path)
    root = export(write_bank(ALL_TYPES_BANK), tmp_path / "o.xml", "--no-shuffle")
    choices = [e for _, e in exported(root) if e.get("type") == "multichoice"]
    assert {e.findtext("shuffleanswers") for e in choices} == {"false"}


def test_snapshot(workdir, snapshot):
    out = run(["export", "moodle", rel(SNAPSHOT_BANK), "-o", "snap.xml"])
    assert "[exit 0]" in out, out
    snapshot("moodle.xml", (workdir / "snap.xml").read_text(encoding="utf-8"))
