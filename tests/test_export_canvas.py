"""`quizgen export canvas`: the QTI zip parsed with lxml and compared with text2qti's."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import lxml.etree
import lxml.html
from click.testing import CliRunner

from quizgen.bank.load import load_banks
from quizgen.cli import cli
from quizgen.outputs.base import OutputOptions, Selection
from quizgen.outputs.canvas import FORMAT

Q = "{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}"
CP = "{http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1}"

# The five types text2qti writes, the same questions in both languages.
COMMON_BANK = """\
id: common
title: Common
questions:
  - id: mc
    type: multiple_choice
    prompt: What is 2+3?
    choices: ["6", "5", "4"]
    answer: "5"
    explanation: Because.
    shuffle: false
  - id: ma
    type: multiple_answer
    prompt: Which are primes?
    choices: ["2", "4", "3"]
    answer: ["2", "3"]
    shuffle: false
  - id: tf
    type: true_false
    prompt: The sky is green.
    answer: false
  - id: sa
    type: short_answer
    prompt: Capital?
    answer: [Bishkek, Frunze]
  - id: num
    type: numeric
    prompt: How far?
    answer: 42
    tolerance: 0.5
"""
COMMON_TEXT2QTI = """\
Quiz title: Common

1.  What is 2+3?
... Because.
a)  6
*b) 5
c)  4

2.  Which are primes?
[*] 2
[ ] 4
[*] 3

3.  The sky is green.
a)  True
*b) False

4.  Capital?
*   Bishkek
*   Frunze

5.  How far?
=   42 +- 0.5
"""

EVERY_TYPE_BANK = """\
id: every
title: Every <b>type</b>
questions:
  - id: mc
    type: multiple_choice
    prompt: "=1+1 <script>alert(1)</script> **bold**"
    choices: ["A & B", "<img src=x onerror=alert(2)>"]
    answer: "A & B"
    topic: One
    image: img/dot.png
    source: {doc: blog, quote: "Kyrgyzstan"}
  - id: ma
    type: multiple_answer
    prompt: Pick.
    choices: [a, b, c]
    answer: [a, c]
    topic: One
    points: 2.5
  - id: sa
    type: short_answer
    prompt: Capital?
    answer: [Bishkek]
    case_sensitive: true
    topic: Two
  - id: cz
    type: cloze
    prompt: "Say [gap1] here."
    text: "The {{c1::SCO}} met in {{c2::Bishkek::a city}}."
    topic: Two
  - id: mt
    type: matching
    prompt: Match.
    pairs: [[one, "1"], [two, "2"], [three, "3"]]
  - id: od
    type: ordering
    prompt: Order.
    items: [first, second, third]
  - id: num
    type: numeric
    prompt: How far?
    answer: 42
    unit: km
sources:
  blog: seeds/004_369735ee3e7b3786.txt
"""

DOT_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d4944415478da63f8ffff3f0005fe02fea7d6a4bd0000000049454e44ae426082"
)


def text2qti_zip(text: str) -> zipfile.ZipFile:
    from text2qti.config import Config  # imported here: a fifth of a second, for one test
    from text2qti.qti import QTI
    from text2qti.quiz import Quiz

    quiz = Quiz(text, config=Config(), source_name="common.md")
    return zipfile.ZipFile(io.BytesIO(QTI(quiz).zip_bytes()))


def export(bank: Path, *args: str) -> zipfile.ZipFile:
    out = bank.parent / "out.zip"
    result = CliRunner().invoke(cli, ["export", "canvas", str(bank), "-o", str(out), *args])
    assert result.exit_code == 0, result.output
    return zipfile.ZipFile(out)


def parse(archive: zipfile.ZipFile, name: str) -> lxml.etree._Element:
    return lxml.etree.fromstring(archive.read(name))


def assessments(archive: zipfile.ZipFile) -> list[lxml.etree._Element]:
    """Each assessment document the manifest names, in manifest order."""
    manifest = parse(archive, "imsmanifest.xml")
    return [
        parse(archive, r.find(f"{CP}file").get("href"))
        for r in manifest.iter(f"{CP}resource")
        if r.get("type") == "imsqti_xmlv1p2"
    ]


def items(archive: zipfile.ZipFile) -> list[lxml.etree._Element]:
    return [item for doc in assessments(archive) for item in doc.iter(f"{Q}item")]


def metadata(item: lxml.etree._Element) -> dict[str, str]:
    return {
        f.findtext(f"{Q}fieldlabel"): f.findtext(f"{Q}fieldentry") or ""
        for f in item.iter(f"{Q}qtimetadatafield")
    }


def shape(element: lxml.etree._Element) -> object:
    """An element's tags and attributes (but idents and values), recursively."""
    keep = {
        k: v
        for k, v in element.attrib.items()
        if k in ("rcardinality", "fibtype", "action", "continue", "varname")
    }
    tag = lxml.etree.QName(element).localname
    return (tag, sorted(keep.items()), [shape(child) for child in element])


def manifest_layout(archive: zipfile.ZipFile) -> list[tuple[str, str, str]]:
    """The manifest's resources as (type, file pattern, dependency type), idents replaced."""
    manifest = parse(archive, "imsmanifest.xml")
    by_id = {r.get("identifier"): r for r in manifest.iter(f"{CP}resource")}
    layout = []
    for resource in by_id.values():
        if resource.get("type") != "imsqti_xmlv1p2":
            continue
        ident = resource.get("identifier")
        href = resource.find(f"{CP}file").get("href").replace(ident, "ID")
        dependency = by_id[resource.find(f"{CP}dependency").get("identifierref")]
        meta_href = dependency.find(f"{CP}file").get("href").replace(ident, "ID")
        layout.append((href, dependency.get("type"), meta_href))
    return layout


def test_the_zip_has_text2qtis_layout_types_and_scoring_for_the_types_both_write(write_bank):
    ours = export(write_bank(COMMON_BANK))
    theirs = text2qti_zip(COMMON_TEXT2QTI)

    assert manifest_layout(ours) == manifest_layout(theirs)
    assert {n for n in ours.namelist() if "/" in n and not n.endswith(".xml")} == {
        n for n in theirs.namelist() if "/" in n and not n.endswith(".xml")
    }
    our_items, their_items = items(ours), items(theirs)
    assert len(our_items) == len(their_items) == 5
    for mine, reference in zip(our_items, their_items, strict=True):
        assert metadata(mine)["question_type"] == metadata(reference)["question_type"]
        assert metadata(mine)["points_possible"] == metadata(reference)["points_possible"]
        for part in ("presentation", "resprocessing"):
            assert shape(mine.find(f"{Q}{part}")) == shape(reference.find(f"{Q}{part}")), (
                mine.get("title"),
                part,
            )
        assert (mine.find(f"{Q}itemfeedback") is None) == (
            reference.find(f"{Q}itemfeedback") is None
        )


def right_labels(item: lxml.etree._Element) -> list[str]:
    """The texts of the choices the scoring counts right (not negated)."""
    labels = {
        label.get("ident"): label.findtext(f".//{Q}mattext")
        for label in item.iter(f"{Q}response_label")
    }
    out = []
    for var in item.find(f"{Q}resprocessing").iter(f"{Q}varequal"):
        if lxml.etree.QName(var.getparent()).localname != "not":
            out.append(labels.get(var.text, var.text))
    return out


def every_type(write_bank) -> tuple[zipfile.ZipFile, dict[str, lxml.etree._Element]]:
    bank = write_bank(EVERY_TYPE_BANK)
    (bank.parent / "img").mkdir()
    (bank.parent / "img" / "dot.png").write_bytes(DOT_PNG)
    archive = export(bank)
    return archive, {item.get("title"): item for item in items(archive)}


def test_every_type_gets_its_canvas_question_type_points_and_ascii_idents(write_bank):
    archive, by_id = every_type(write_bank)
    types = {qid: metadata(item)["question_type"] for qid, item in by_id.items()}
    assert types == {
        "mc": "multiple_choice_question",
        "ma": "multiple_answers_question",
        "sa": "short_answer_question",
        "cz": "fill_in_multiple_blanks_question",
        "mt": "matching_question",
        "od": "matching_question",
        "num": "numerical_question",
    }
    assert metadata(by_id["ma"])["points_possible"] == "2.5"
    assert all(metadata(item)["points_possible"] for item in by_id.values())
    for name in archive.namelist():
        if name.endswith(".xml"):
            for element in parse(archive, name).iter():
                for key in ("ident", "identifier", "identifierref", "respident", "linkrefid"):
                    assert element.get(key, "").isascii()


def test_answers_score_as_the_bank_says(write_bank):
    _, by_id = every_type(write_bank)
    assert right_labels(by_id["mc"]) == ["A &amp; B"]
    assert right_labels(by_id["ma"]) == ["a", "c"]
    assert right_labels(by_id["sa"]) == ["Bishkek"]
    assert right_labels(by_id["num"]) == ["42"]
    # Matching: each left item's response scores its own partner; ordering as positions.
    for qid, expected in (
        ("mt", [("one", "1"), ("two", "2"), ("three", "3")]),
        ("od", [("Position 1", "first"), ("Position 2", "second"), ("Position 3", "third")]),
    ):
        item = by_id[qid]
        lefts = {
            r.get("ident"): r.findtext(f"{Q}material/{Q}mattext")
            for r in item.iter(f"{Q}response_lid")
        }
        labels = {
            lb.get("ident"): lb.findtext(f".//{Q}mattext") for lb in item.iter(f"{Q}response_label")
        }
        pairs = [
            (lefts[v.get("respident")], labels[v.text])
            for v in item.find(f"{Q}resprocessing").iter(f"{Q}varequal")
        ]
        assert pairs == expected
        assert {s.text for s in item.iter(f"{Q}setvar")} == {"33.33"}


def test_cloze_becomes_blanks_named_apart_from_the_text(write_bank):
    _, by_id = every_type(write_bank)
    item = by_id["cz"]
    html = item.find(f"{Q}presentation/{Q}material/{Q}mattext").text
    # The prompt says "[gap1]" itself: the blanks take another name.
    assert "Say [gap1] here." in html
    assert "[gapx1]" in html and "[gapx2]" in html and "(a city)" in html
    blanks = [r.get("ident") for r in item.iter(f"{Q}response_lid")]
    assert blanks == ["response_gapx1", "response_gapx2"]
    assert right_labels(item) == ["SCO", "Bishkek"]


def test_hostile_text_stays_text_and_the_image_travels_in_the_zip(write_bank):
    archive, by_id = every_type(write_bank)
    html = by_id["mc"].find(f"{Q}presentation/{Q}material/{Q}mattext").text
    page = lxml.html.fragment_fromstring(html, create_parent="div")
    assert page.find(".//script") is None
    assert "<script>alert(1)</script>" in page.text_content()
    assert page.find(".//strong").text == "bold"
    (image,) = page.iter("img")
    inside = image.get("src").replace("$IMS-CC-FILEBASE$/", "")
    assert archive.read(inside) == DOT_PNG
    manifest = parse(archive, "imsmanifest.xml")
    assert inside in {
        r.get("href") for r in manifest.iter(f"{CP}resource") if r.get("type") == "webcontent"
    }
    for choice in by_id["mc"].iter(f"{Q}response_label"):
        fragment = lxml.html.fragment_fromstring(
            choice.findtext(f".//{Q}mattext"), create_parent="div"
        )
        assert fragment.find(".//img") is None
    feedback = by_id["mc"].findtext(f"{Q}itemfeedback//{Q}mattext")
    assert "Kyrgyzstan" in feedback and "Source:" in feedback
    assert "(km)" in by_id["num"].find(f"{Q}presentation/{Q}material/{Q}mattext").text


def test_one_assessment_and_so_one_question_bank_per_topic(write_bank):
    archive, _ = every_type(write_bank)
    titles = [doc.find(f"{Q}assessment").get("title") for doc in assessments(archive)]
    assert titles == ["Every <b>type</b> / One", "Every <b>type</b> / Two", "Every <b>type</b>"]
    for doc in assessments(archive):
        ident = doc.find(f"{Q}assessment").get("ident")
        meta = lxml.etree.fromstring(archive.read(f"{ident}/assessment_meta.xml"))
        assert meta.findtext("{*}title") == doc.find(f"{Q}assessment").get("title")


def test_problems_report_ordering_case_and_refuse_control_characters(write_bank):
    bank = write_bank(EVERY_TYPE_BANK.replace("Capital?", '"Capital?\\x01"'))
    (bank.parent / "img").mkdir()
    (bank.parent / "img" / "dot.png").write_bytes(DOT_PNG)
    banks = load_banks([bank])
    problems = FORMAT.problems(Selection.whole(banks), OutputOptions())
    found = {(p.question, p.severity) for p in problems}
    assert found == {("od", "warning"), ("sa", "warning"), ("sa", "error")}
    for problem in problems:
        assert problem.location.line > 0
    result = CliRunner().invoke(
        cli, ["export", "canvas", str(bank), "-o", str(bank.parent / "x.zip")]
    )
    assert result.exit_code == 1
    assert not (bank.parent / "x.zip").exists()
    result = CliRunner().invoke(cli, ["check", str(bank), "--for", "canvas", "--strict"])
    assert result.exit_code == 1


def test_the_same_bank_gives_the_same_bytes(write_bank):
    bank = write_bank(COMMON_BANK)
    export(bank)
    first = (bank.parent / "out.zip").read_bytes()
    export(bank)
    assert (bank.parent / "out.zip").read_bytes() == first


HOSTILE_BANK = """\
id: hostile
title: "T <b>&amp;</b> \\"q\\" 'a'\\ttab\\rcr"
questions:
  - id: sa
    type: short_answer
    prompt: "P <script>alert(1)</script> &amp; \\"q\\""
    answer: ["Bish<kek>", "A & \\"B\\"\\ttab 'c'", "x]]>y", "a\\rb"]
    topic: "Top <&>\\"'"
  - id: cz
    type: cloze
    text: "The {{c1::S<C>O & \\"x\\"}} met in {{c2::a]]>b::a <city>}}."
  - id: mt
    type: matching
    prompt: Match.
    pairs: [["one <", "1 & 2"], ["two \\"", "<i>2</i> '"]]
"""


def test_hostile_text_in_every_field_reads_back_as_the_bank_wrote_it(write_bank):
    """Answers, blanks, pairs and titles parse back (lxml) to the bank's own characters."""
    archive = export(write_bank(HOSTILE_BANK))
    docs = assessments(archive)
    titles = [doc.find(f"{Q}assessment").get("title") for doc in docs]
    assert titles == [
        "T <b>&amp;</b> \"q\" 'a'\ttab\rcr / Top <&>\"'",
        "T <b>&amp;</b> \"q\" 'a'\ttab\rcr",
    ]
    for doc in docs:
        ident = doc.find(f"{Q}assessment").get("ident")
        meta = lxml.etree.fromstring(archive.read(f"{ident}/assessment_meta.xml"))
        assert meta.findtext("{*}title") == doc.find(f"{Q}assessment").get("title")
    by_id = {item.get("title"): item for item in items(archive)}
    assert right_labels(by_id["sa"]) == ["Bish<kek>", "A & \"B\"\ttab 'c'", "x]]>y", "a\rb"]
    prompt = by_id["sa"].findtext(f"{Q}presentation/{Q}material/{Q}mattext")
    page = lxml.html.fragment_fromstring(prompt, create_parent="div")
    assert page.find(".//script") is None
    assert page.text_content() == 'P <script>alert(1)</script> &amp; "q"'
    assert right_labels(by_id["cz"]) == ['S<C>O & "x"', "a]]>b"]
    labels = {
        lb.get("ident"): lxml.html.fragment_fromstring(
            lb.findtext(f".//{Q}mattext"), create_parent="div"
        ).text_content()
        for lb in by_id["mt"].iter(f"{Q}response_label")
    }
    lefts = [
        lxml.html.fragment_fromstring(
            r.findtext(f"{Q}material/{Q}mattext"), create_parent="div"
        ).text_content()
        for r in by_id["mt"].iter(f"{Q}response_lid")
    ]
    pairs = [
        (lefts[int(v.get("respident").removeprefix("response_"))], labels[v.text])
        for v in by_id["mt"].find(f"{Q}resprocessing").iter(f"{Q}varequal")
    ]
    assert pairs == [("one <", "1 & 2"), ('two "', "<i>2</i> '")]
