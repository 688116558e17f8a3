"""Anki packages, checked by importing them into fresh collections with the real Anki backend."""

from __future__ import annotations

import hashlib
import html
import json
import re
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from anki_helpers import (
    ALL_TYPES_BANK,
    ALL_TYPES_CARDS,
    card_page,
    import_package,
    open_collection,
    write_image,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from quizgen.bank.load import load_banks
from quizgen.bank.select import Criteria
from quizgen.errors import QuizgenError
from quizgen.outputs.anki import (
    MAX_MATCHING_PAIRS,
    NOTE_TYPES,
    deck_id,
    note_guid,
    stable_id,
    write_apkg,
)
from quizgen.resources import templates_dir

pytestmark = pytest.mark.anki  # the real Anki backend (conftest adds slow)

T0 = 1_750_000_000.0  # a fixed build time for the first build of a test


@pytest.fixture
def bank_path(write_bank, tmp_path: Path) -> Path:
    write_image(tmp_path)
    return write_bank(ALL_TYPES_BANK)


@pytest.fixture
def imported(bank_path: Path, tmp_path: Path):
    """The all-types bank built and imported into a fresh collection."""
    banks = load_banks([bank_path])
    package = tmp_path / "out.apkg"
    summary = write_apkg(banks, package, timestamp=T0)
    col = open_collection(tmp_path / "anki")
    log = import_package(col, package)
    yield col, log, summary
    col.close()


def body(markup: str) -> str:
    """A rendered card without its style block and the tap-to-answer script (as with no script)."""
    markup = re.sub(r"<script>.*?</script>", "", markup, flags=re.DOTALL)
    return re.sub(r"<style>.*?</style>", "", markup, flags=re.DOTALL)


def visible_text(markup: str) -> str:
    """What a reader sees: no style block, no tags, entities decoded, spaces collapsed."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", body(markup)))
    return " ".join(text.split())


def cards_of(col, qid: str):
    """The cards of one question's note, by card ordinal."""
    note_ids = col.find_notes(f'"QuestionId:sco/{qid}"')
    assert len(note_ids) == 1, qid
    cards = col.get_note(note_ids[0]).cards()
    return sorted(cards, key=lambda c: c.ord)


# --------------------------------------------------------------------------- identity


# The published ids (docs/anki.md): users' collections hold them, so they never change.
# Each is 2**30 + (first 8 bytes of SHA-256(name), big-endian) mod 2**30, worked out by hand
# with hashlib once and written down here.
PUBLISHED_NOTE_TYPE_IDS = {
    "multiple_choice": 2098549947,
    "multiple_answer": 1248063441,
    "true_false": 2118317706,
    "short_answer": 1809012783,
    "numeric": 1829202059,
    "cloze": 1588569300,
    "matching": 1074884227,
    "ordering": 1581860784,
}


def test_stable_id_is_sha256_based_and_in_genanki_range():
    assert stable_id("quizgen:note-type:cloze:v1") == 1588569300
    assert stable_id("quizgen:deck:sco") == 1445269408
    assert stable_id("quizgen:deck:sco:topic:Pakistan–Russia ties") == 2114443360  # UTF-8
    assert stable_id("") == 1492917268
    assert {qtype: spec.id for qtype, spec in NOTE_TYPES.items()} == PUBLISHED_NOTE_TYPE_IDS
    assert all((1 << 30) <= i < (1 << 31) for i in PUBLISHED_NOTE_TYPE_IDS.values())


# Changing a note type's fields or card templates in place breaks every user's
# re-import. If this test fails, do not update it: bump the note type's version
# (a new name and id) and document the change in docs/anki.md.
FROZEN_NOTE_TYPES = {
    "multiple_choice": ("quizgen Multiple choice v1", ["Prompt", "Choices", "Answer"], ["Card"]),
    "multiple_answer": ("quizgen Multiple answer v1", ["Prompt", "Choices", "Answer"], ["Card"]),
    "true_false": ("quizgen True or false v1", ["Prompt", "Answer"], ["Card"]),
    "short_answer": ("quizgen Short answer v1", ["Prompt", "Answer", "Accepted"], ["Card"]),
    "numeric": ("quizgen Numeric v1", ["Prompt", "Answer", "Unit", "Tolerance"], ["Card"]),
    "cloze": ("quizgen Cloze v1", ["Text", "Instruction"], ["Cloze"]),
    "matching": (
        "quizgen Matching v1",
        ["Prompt", "Options", "Pairs"]
        + [f"Left{n}" for n in range(1, 21)]
        + [f"Right{n}" for n in range(1, 21)],
        [f"Pair {n}" for n in range(1, 21)],
    ),
    "ordering": ("quizgen Ordering v1", ["Prompt", "Items", "Order"], ["Card"]),
}
COMMON = ["Explanation", "SourceTitle", "SourceQuote", "Image", "QuestionId"]


@pytest.mark.parametrize("qtype", sorted(FROZEN_NOTE_TYPES))
def test_note_types_are_frozen_per_version(imported, qtype):
    col, _, _ = imported
    name, fields, templates = FROZEN_NOTE_TYPES[qtype]
    spec = NOTE_TYPES[qtype]
    assert spec.name == name
    assert spec.id == stable_id(f"quizgen:note-type:{qtype}:v1")
    model = col.models.by_name(name)
    assert model is not None, f"note type {name} not in the collection"
    assert model["id"] == spec.id
    assert [f["name"] for f in model["flds"]] == fields + COMMON
    assert [t["name"] for t in model["tmpls"]] == templates
    assert model["type"] == (1 if qtype == "cloze" else 0)
    assert ".nightMode" in model["css"] and ".night_mode" in model["css"]


def test_guid_comes_from_bank_and_question_id_only(bank_path):
    bank = load_banks([bank_path])[0]
    question = bank.questions[0]
    import genanki

    assert note_guid(bank, question) == genanki.guid_for("quizgen", "sco", "mc-largest")
    edited = type(question)(**{**question.__dict__, "prompt": "Something else"})
    assert note_guid(bank, edited) == note_guid(bank, question)


# --------------------------------------------------------------------------- contents


def test_counts_per_type_decks_and_subdecks(imported):
    col, log, summary = imported
    assert len(log.new) == 8
    assert summary.notes == 8
    assert summary.cards == sum(ALL_TYPES_CARDS.values()) == col.card_count()
    for qtype, cards in ALL_TYPES_CARDS.items():
        name = NOTE_TYPES[qtype].name
        assert len(col.find_notes(f'"note:{name}"')) == 1, qtype
        assert len(col.find_cards(f'"note:{name}"')) == cards, qtype
    names = {d.name for d in col.decks.all_names_and_ids()}
    assert {"The SCO", "The SCO::The SCO", "The SCO::Pakistan and Russia"} <= names
    assert len(col.find_cards('"deck:The SCO::The SCO"')) == 6
    assert len(col.find_cards('"deck:The SCO::Pakistan and Russia"')) == 2
    # The matching question has no topic: its cards sit in the bank's own deck.
    matching = cards_of(col, "match-areas")
    assert {col.decks.name(c.did) for c in matching} == {"The SCO"}


def test_deck_ids_in_the_package_are_derived_from_bank_and_topic(bank_path, tmp_path):
    bank = load_banks([bank_path])[0]
    package = tmp_path / "out.apkg"
    write_apkg([bank], package, timestamp=T0)
    with zipfile.ZipFile(package) as archive:
        (tmp_path / "c.anki2").write_bytes(archive.read("collection.anki2"))
    with sqlite3.connect(tmp_path / "c.anki2") as db:
        (decks_json,) = db.execute("select decks from col").fetchone()
    ids = {deck["name"]: deck["id"] for deck in json.loads(decks_json).values()}
    assert ids["The SCO"] == deck_id(bank) == stable_id("quizgen:deck:sco")
    assert ids["The SCO::The SCO"] == stable_id("quizgen:deck:sco:topic:The SCO")
    assert ids["The SCO::Pakistan and Russia"] == deck_id(bank, "Pakistan and Russia")


def test_new_cards_come_in_bank_order(imported, bank_path):
    col, _, _ = imported
    bank = load_banks([bank_path])[0]
    dues = []
    for question in bank.questions:
        cards = cards_of(col, question.id)
        assert all(c.type == 0 for c in cards)  # new
        assert len({c.due for c in cards}) == 1  # siblings share their note's position
        dues.append(cards[0].due)
    assert dues == sorted(dues) and len(set(dues)) == len(dues)


def test_tags_are_question_tags_difficulty_and_topic(imported):
    col, _, _ = imported
    note = cards_of(col, "mc-largest")[0].note()
    assert sorted(note.tags) == sorted(["basics", "intro", "difficulty::easy", "topic::the-sco"])
    note = cards_of(col, "ma-areas")[0].note()
    assert sorted(note.tags) == ["difficulty::medium", "topic::pakistan-and-russia"]
    note = cards_of(col, "match-areas")[0].note()
    assert note.tags == []
    assert all(" " not in tag for tag in col.tags.all())


def test_image_is_packed_as_media_under_its_content_hash(imported, tmp_path):
    col, _, summary = imported
    data = (tmp_path / "images/flag.png").read_bytes()
    expected = f"quizgen-{hashlib.sha256(data).hexdigest()[:24]}.png"
    assert summary.media == 1
    media = Path(col.media.dir()) / expected
    assert media.read_bytes() == data
    card = cards_of(col, "mc-largest")[0]
    assert f'<img src="{expected}"' in card.question()
    assert col.media.check().missing == []


def test_same_image_twice_is_one_media_file_and_same_name_different_content_two(
    write_bank, tmp_path
):
    write_image(tmp_path, "a/pic.png", rgb=(1, 2, 3))
    write_image(tmp_path, "b/pic.png", rgb=(9, 9, 9))
    write_image(tmp_path, "c/copy.png", rgb=(1, 2, 3))
    questions = "".join(
        f"""
          - id: q{n}
            type: true_false
            prompt: Statement {n}
            answer: true
            image: {path}
        """
        for n, path in enumerate(["a/pic.png", "b/pic.png", "c/copy.png"])
    )
    path = write_bank("id: pics\ntitle: Pictures\nquestions:" + questions)
    summary = write_apkg(load_banks([path]), tmp_path / "pics.apkg", timestamp=T0)
    assert summary.media == 2
    col = open_collection(tmp_path / "anki")
    import_package(col, tmp_path / "pics.apkg")
    files = sorted(p.name for p in Path(col.media.dir()).iterdir())
    assert len(files) == 2
    srcs = []
    for n in range(3):
        card = cards_of_bank(col, "pics", f"q{n}")
        srcs.append(re.search(r'<img src="([^"]+)"', card.question()).group(1))
    assert srcs[0] == srcs[2] != srcs[1]
    assert set(srcs) == set(files)
    col.close()


def cards_of_bank(col, bank_id: str, qid: str):
    (note_id,) = col.find_notes(f'"QuestionId:{bank_id}/{qid}"')
    return col.get_note(note_id).cards()[0]


# --------------------------------------------------------------------------- rendering


def test_multiple_choice_front_and_back(imported):
    col, _, _ = imported
    (card,) = cards_of(col, "mc-largest")
    front, back = body(card.question()), body(card.answer())
    assert "Choose one" in visible_text(front)
    for choice in ["A regional alliance", "A football club"]:
        assert choice in visible_text(front)
    assert "qz-right" not in front and "✓" not in front and "Answer:" not in visible_text(front)
    # The right choice is marked on the back, with its letter.
    right = re.search(r'<li class="qz-right">(.*?)</li>', back).group(1)
    assert "A regional alliance" in right and "✓" in right
    letter = re.search(r'class="qz-letter">(\w)<', right).group(1)
    assert f"Answer: {letter}" in visible_text(back)
    assert back.count('class="qz-right"') == 1
    # Explanation (Markdown as HTML) and source on the back, not the front.
    assert "<strong>one of the largest</strong>" in back
    assert "Source: Pakistan–Russia SCO meeting (blog post)" in visible_text(back)
    assert "one of the world’s largest regional alliances" in visible_text(back)
    assert "one of the largest" not in front and "Source:" not in visible_text(front)


def test_multiple_answer_marks_every_right_choice(imported):
    col, _, _ = imported
    (card,) = cards_of(col, "ma-areas")
    front, back = body(card.question()), body(card.answer())
    assert "Select all that apply" in visible_text(front)
    assert "qz-right" not in front
    marked = re.findall(r'<li class="qz-right">(.*?)</li>', back)
    texts = sorted(re.search(r'qz-text">(.*?)<', m).group(1) for m in marked)
    assert texts == ["Defense dialogues", "Energy and fuel supply"]
    assert "Answers:" in visible_text(back)


def test_true_false(imported):
    col, _, _ = imported
    (card,) = cards_of(col, "tf-history")
    front, back = visible_text(card.question()), visible_text(card.answer())
    assert "True or false?" in front and "long, complex history" in front
    # The tap buttons are hidden until the card's script shows them.
    assert '<ul class="qz-list qz-tap-tf" hidden>' in card.question()
    without_taps = re.sub(r'<ul class="qz-list qz-tap-tf" hidden>.*?</ul>', "", card.question())
    assert "True" not in visible_text(without_taps).replace("True or false?", "")
    assert re.search(r'class="qz-verdict">True<', card.answer())
    assert "Source" not in back  # no source given: no empty source block
    assert "sco/tf-history" in back


def test_short_answer_uses_type_in_and_lists_alternatives(imported):
    col, _, _ = imported
    (card,) = cards_of(col, "sa-abbrev")
    front, back = card.question(), card.answer()
    assert "[[type:Answer]]" in front and "[[type:Answer]]" in back
    assert "Shanghai" not in visible_text(front)
    assert "<em>SCO</em>" in front
    assert card.note()["Answer"] == "Shanghai Cooperation Organization"
    assert "Also accepted: Shanghai Cooperation Organisation" in visible_text(back)


def test_numeric_uses_type_in_with_tolerance_and_unit(imported):
    col, _, _ = imported
    (card,) = cards_of(col, "num-members")
    front, back = visible_text(card.question()), visible_text(card.answer())
    assert "[[type:Answer]]" in card.question()
    assert "(in countries)" in front and "9" not in front
    assert card.note()["Answer"] == "9"
    assert "Answer: 9 countries" in back
    assert "Accepted: from 8.5 to 9.5 countries (± 0.5 countries)" in back
    assert "grade yourself" in back.lower()


def test_cloze_makes_one_card_per_deletion_with_hints(imported):
    col, _, _ = imported
    first, second = cards_of(col, "cloze-focus")
    assert (first.ord, second.ord) == (0, 1)
    q1, q2 = visible_text(first.question()), visible_text(second.question())
    assert "[kind of cooperation]" in q1 and "security cooperation" not in q1
    assert "economic integration" in q1  # the other deletion is shown
    assert "[...]" in q2 and "economic integration" not in q2
    assert "security cooperation" in q2
    assert "Fill in the SCO's focus areas." in q1
    for card, answer in [(first, "security cooperation"), (second, "economic integration")]:
        back = card.answer()
        assert re.search(rf'class="cloze"[^>]*>{answer}<', back)


def test_matching_asks_every_pair(imported):
    col, _, _ = imported
    cards = cards_of(col, "match-areas")
    pairs = [("Energy", "fuel supply"), ("Defense", "dialogues"), ("Trade", "investment")]
    assert [c.ord for c in cards] == [0, 1, 2]
    for card, (left, right) in zip(cards, pairs, strict=True):
        front = body(card.question())
        asked = re.search(r'class="qz-left">(.*?)<', front).group(1)
        assert asked == left
        assert "qz-right-answer" not in front
        # All rights are offered as options, in a fixed shuffled order.
        options = re.findall(r'qz-text">(.*?)<', front)
        assert sorted(options) == sorted(r for _, r in pairs)
        assert options != [r for _, r in pairs]
        back = card.answer()
        assert re.search(rf'class="qz-right-answer">{right}<', back)
        assert back.count("<tr>") == 3


def test_ordering_shuffles_front_and_gives_order_on_back(imported):
    col, _, _ = imported
    (card,) = cards_of(col, "order-steps")
    items = [
        "Security cooperation",
        "Economic integration",
        "Cultural collaboration",
        "Counterterrorism efforts",
    ]
    shown = re.findall(r'qz-text">(.*?)<', card.question())
    assert sorted(shown) == sorted(items) and shown != items
    back = card.answer()
    order = re.search(r'<ol class="qz-order">(.*?)</ol>', back).group(1)
    assert [
        visible_text(li).split(None, 1)[1].strip() for li in re.findall(r"<li>(.*?)</li>", order)
    ] == items
    # The back names the right order by the front's letters.
    letters = {text: "ABCD"[i] for i, text in enumerate(shown)}
    assert "Order: " + " → ".join(letters[i] for i in items) in visible_text(back)


def test_shuffles_are_the_same_every_build(bank_path, tmp_path):
    banks = load_banks([bank_path])
    fields = []
    for n in range(2):
        package = tmp_path / f"build{n}.apkg"
        write_apkg(banks, package, timestamp=T0 + n)
        col = open_collection(tmp_path / f"anki{n}")
        import_package(col, package)
        fields.append(
            sorted((col.get_note(nid).guid, col.get_note(nid).fields) for nid in col.find_notes(""))
        )
        col.close()
    assert fields[0] == fields[1]


def test_hostile_text_is_escaped_everywhere(imported):
    col, _, _ = imported
    (card,) = cards_of(col, "mc-largest")
    tap = (templates_dir() / "anki" / "tap.html").read_text(encoding="utf-8").strip()
    for markup in (card.question(), card.answer()):
        assert markup.count(tap) == 1  # the card's own script, once
        markup = markup.replace(tap, "")
        assert "<script" not in markup.lower()
        assert "<img src=x" not in markup.lower() and "onerror=alert" not in re.sub(
            r"&lt;.*?&gt;", "", markup
        )
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in markup
        assert "&lt;img src=x onerror=alert(2)&gt;" in markup
    # Anki syntax in bank text stays text: no sound is played, no MathJax is started.
    cloze = cards_of(col, "cloze-focus")[0]
    assert cloze.question_av_tags() == [] and cloze.answer_av_tags() == []
    assert "[sound:x.mp3]" in visible_text(cloze.question())
    assert "\\(" not in cloze.question() and "\\(" in visible_text(cloze.question()).replace(
        " ", ""
    )
    # The deck description is escaped as well.
    desc = col.decks.by_name("The SCO")["desc"]
    assert "&lt;b&gt;SCO&lt;/b&gt;" in desc


# --------------------------------------------------------------------------- re-import


EDITED = (
    ALL_TYPES_BANK.replace(
        "Pakistan and Russia share a long, complex history.",
        "Pakistan and Russia share a long and complex history.",
    )
    + """\
  - id: tf-new
    type: true_false
    prompt: The SCO focuses on regional stability.
    answer: true
    topic: The SCO
"""
)


def test_reimport_of_edited_bank_updates_in_place_and_keeps_history(write_bank, tmp_path):
    write_image(tmp_path)
    path = write_bank(ALL_TYPES_BANK)
    first = tmp_path / "first.apkg"
    write_apkg(load_banks([path]), first, timestamp=T0)
    col = open_collection(tmp_path / "anki")
    import_package(col, first)
    note_ids = set(col.find_notes(""))

    # Study one card: it gets a review log entry and leaves the new queue.
    (tf_card,) = cards_of(col, "tf-history")
    col.decks.select(tf_card.did)
    card = col.sched.getCard()
    assert card is not None
    col.sched.answerCard(card, 3)
    studied = col.get_card(card.id)
    assert studied.type != 0
    revlog = col.db.list("select id from revlog where cid = ?", card.id)
    assert len(revlog) == 1

    # The user edits the bank (a prompt changed, a question added) and rebuilds later.
    path.write_text(EDITED, encoding="utf-8")
    second = tmp_path / "second.apkg"
    write_apkg(load_banks([path]), second, timestamp=T0 + 3600)
    log = import_package(col, second)

    assert len(log.new) == 1 and len(log.duplicate) == 0 and len(log.conflicting) == 0
    assert len(col.find_notes("")) == 9
    assert note_ids < set(col.find_notes(""))
    (tf_card,) = cards_of(col, "tf-history")
    assert tf_card.note()["Prompt"] == "Pakistan and Russia share a long and complex history."
    assert "long and complex" in tf_card.question()
    again = col.get_card(card.id)
    assert (again.type, again.queue, again.due, again.ivl) == (
        studied.type,
        studied.queue,
        studied.due,
        studied.ivl,
    )
    assert col.db.list("select id from revlog where cid = ?", card.id) == revlog
    (new_card,) = cards_of(col, "tf-new")
    assert col.decks.name(new_card.did) == "The SCO::The SCO"
    # No note type was added: the same eight note types are used.
    assert len([m for m in col.models.all_names_and_ids() if m.name.startswith("quizgen")]) == 8
    col.close()


def test_reimport_of_the_same_build_adds_nothing(bank_path, tmp_path):
    package = tmp_path / "out.apkg"
    write_apkg(load_banks([bank_path]), package)
    col = open_collection(tmp_path / "anki")
    import_package(col, package)
    log = import_package(col, package)
    assert len(log.new) == 0
    assert len(col.find_notes("")) == 8 and col.card_count() == 11
    col.close()


def test_real_builds_use_the_build_time(bank_path, tmp_path):
    package = tmp_path / "now.apkg"
    before = time.time()
    write_apkg(load_banks([bank_path]), package)
    col = open_collection(tmp_path / "anki")
    import_package(col, package)
    mods = {col.get_note(nid).mod for nid in col.find_notes("")}
    assert all(before - 2 <= mod <= time.time() + 2 for mod in mods)
    col.close()


# --------------------------------------------------------------------------- selection, errors


def test_selection_by_topic_and_type(bank_path, tmp_path):
    banks = load_banks([bank_path])
    summary = write_apkg(banks, tmp_path / "t.apkg", Criteria(topics=("pakistan and russia",)))
    assert summary.notes_by_type == {"multiple_answer": 1, "true_false": 1}
    assert summary.decks == ["The SCO", "The SCO::Pakistan and Russia"]
    summary = write_apkg(banks, tmp_path / "c.apkg", Criteria(types=("cloze", "matching")))
    assert (summary.notes, summary.cards) == (2, 5)
    with pytest.raises(QuizgenError, match="no questions match"):
        write_apkg(banks, tmp_path / "none.apkg", Criteria(tags=("nope",)))
    assert not (tmp_path / "none.apkg").exists()


def test_two_banks_make_two_decks_and_clashing_titles_are_told_apart(write_bank, tmp_path):
    one = write_bank(
        """\
        id: one
        title: History
        questions:
          - {id: a, type: true_false, prompt: A, answer: true}
        """,
        "one.yaml",
    )
    two = write_bank(
        """\
        id: two
        title: History
        questions:
          - {id: a, type: true_false, prompt: A, answer: false}
        """,
        "two.yaml",
    )
    package = tmp_path / "both.apkg"
    summary = write_apkg(load_banks([one, two]), package, timestamp=T0)
    assert summary.decks == ["History (one)", "History (two)"]
    col = open_collection(tmp_path / "anki")
    import_package(col, package)
    # Same question id in two banks: two notes, since the GUID includes the bank id.
    assert len(col.find_notes("")) == 2
    assert len(col.find_cards('"deck:History (two)"')) == 1
    col.close()


def test_matching_with_too_many_pairs_is_a_located_error(write_bank, tmp_path):
    pairs = "".join(f"\n              - [L{n}, R{n}]" for n in range(MAX_MATCHING_PAIRS + 1))
    path = write_bank(
        f"""\
        id: big
        title: Big
        questions:
          - id: many
            type: matching
            prompt: Match them
            pairs:{pairs}
        """
    )
    with pytest.raises(QuizgenError) as info:
        write_apkg(load_banks([path]), tmp_path / "big.apkg")
    (problem,) = info.value.problems
    assert problem.location.file.endswith("bank.yaml") and problem.location.line in (7, 8)
    assert f"at most {MAX_MATCHING_PAIRS}" in problem.message


def test_output_is_atomic_and_unwritable_paths_are_clear_errors(bank_path, tmp_path):
    banks = load_banks([bank_path])
    target = tmp_path / "deck.apkg"
    target.write_bytes(b"old")
    with pytest.raises(QuizgenError, match="no questions match"):
        write_apkg(banks, target, Criteria(tags=("nope",)))
    assert target.read_bytes() == b"old"
    write_apkg(banks, target)
    assert zipfile.is_zipfile(target)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".deck.apkg")] == []
    with pytest.raises(QuizgenError, match="it is a folder"):
        write_apkg(banks, tmp_path)
    with pytest.raises(QuizgenError, match=r"bank\.yaml/x\.apkg: .*bank\.yaml is a file, not a"):
        write_apkg(banks, bank_path / "x.apkg")
    with pytest.raises(QuizgenError, match=r"bank\.yaml is a file, not a folder"):
        write_apkg(banks, bank_path / "sub" / "x.apkg")


# --------------------------------------------------------------------------- command line


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "quizgen", *args], cwd=cwd, capture_output=True, text=True
    )


def test_cli_writes_package_and_prints_path_and_counts(bank_path, tmp_path):
    result = run_cli("anki", str(bank_path), "-o", "deck.apkg", "--topic", "The SCO", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "deck.apkg"
    assert lines[1].startswith("5 notes, 6 cards, 2 decks, 1 media file (")
    col = open_collection(tmp_path / "anki")
    import_package(col, tmp_path / "deck.apkg")
    assert col.card_count() == 6
    col.close()


@pytest.mark.parametrize(
    ("typed", "written"), [("out", "out.apkg"), ("out.APKG", "out.APKG"), ("out.zip", "out.zip")]
)
def test_cli_adds_the_apkg_suffix_when_missing(bank_path, tmp_path, typed, written):
    result = run_cli("anki", str(bank_path), "-o", typed, "--topic", "The SCO", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == written
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("out")) == [written]


def test_cli_errors_exit_1_with_message(bank_path, tmp_path):
    result = run_cli("anki", str(bank_path), "--tag", "nope", "-o", "x.apkg", cwd=tmp_path)
    assert result.returncode == 1
    assert "error: --tag 'nope': no question has this tag" in result.stderr
    assert "Traceback" not in result.stderr
    result = run_cli("anki", str(bank_path), "--type", "essay", cwd=tmp_path)
    assert result.returncode == 2


def test_genanki_is_not_imported_at_startup():
    code = (
        "import sys, quizgen.cli, quizgen.outputs.anki;"
        "print('genanki' in sys.modules, 'anki' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


# --------------------------------------------------------------------------- in a browser


def test_every_card_renders_cleanly_in_chromium_day_and_night(imported, chromium_path, tmp_path):
    """Each card, front and back, on a phone and a desktop width, day and night mode."""
    from playwright.sync_api import sync_playwright

    col, _, _ = imported
    media_dir = Path(col.media.dir())
    dialogs: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path)
        try:
            for width in (360, 800):
                page = browser.new_page(viewport={"width": width, "height": 640})
                page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
                for card_id in col.find_cards(""):
                    card = col.get_card(card_id)
                    typed = card.note()["Answer"] if "[[type:" in card.answer() else None
                    for night in (False, True):
                        for side, markup in (("front", card.question()), ("back", card.answer())):
                            file = tmp_path / f"card-{card_id}-{side}-{night}-{width}.html"
                            file.write_text(
                                card_page(
                                    markup,
                                    night=night,
                                    media_dir=media_dir,
                                    typed=typed if side == "back" else None,
                                ),
                                encoding="utf-8",
                            )
                            page.goto(file.as_uri())
                            where = f"{card.note()['QuestionId']} card {card.ord} {side}"
                            overflow = page.evaluate(
                                "document.documentElement.scrollWidth - window.innerWidth"
                            )
                            assert overflow <= 0, f"{where} scrolls sideways at {width}px"
                            background, colour = page.evaluate(
                                "[getComputedStyle(document.body).backgroundColor,"
                                " getComputedStyle(document.querySelector('.qz')).color]"
                            )
                            if night:
                                assert luminance(background) < 0.2 < luminance(colour), where
                            else:
                                assert luminance(background) > 0.8 > luminance(colour), where
                            broken = page.evaluate(
                                "[...document.images].filter(i => !i.complete || !i.naturalWidth).length"
                            )
                            assert broken == 0, f"{where}: an image did not load"
                            if side == "back" and 'class="qz-pairs"' in markup:
                                # The asked pair stands out in the table of all pairs.
                                highlighted = page.evaluate(
                                    "[...document.querySelectorAll('.qz-pairs tr')]"
                                    ".filter(r => getComputedStyle(r.cells[0]).fontWeight >= 600)"
                                    ".map(r => r.cells[0].textContent)"
                                )
                                asked = page.inner_text(".qz-left")
                                assert highlighted == [asked], where
                page.close()
        finally:
            browser.close()
    assert dialogs == []  # no script from the bank ever ran


def luminance(css_colour: str) -> float:
    """Relative lightness (0 black to 1 white) of an ``rgb(...)`` colour."""
    red, green, blue = (int(v) for v in re.findall(r"\d+", css_colour)[:3])
    return (0.2126 * red + 0.7152 * green + 0.0722 * blue) / 255


# --------------------------------------------------------------------------- what docs/anki.md tells users


def test_new_note_type_version_then_change_note_type_keeps_updating(
    write_bank, tmp_path, monkeypatch
):
    """A v2 note type is refused for v1 notes until the user runs Change Note Type."""
    from quizgen.outputs import anki

    write_image(tmp_path)
    path = write_bank(ALL_TYPES_BANK)
    write_apkg(load_banks([path]), tmp_path / "v1.apkg", timestamp=T0)
    col = open_collection(tmp_path / "anki")
    import_package(col, tmp_path / "v1.apkg")

    v1 = NOTE_TYPES["multiple_choice"]
    v2 = anki.NoteType(v1.question_type, v1.label, 2, v1.fields, v1.template_names)
    monkeypatch.setitem(anki.NOTE_TYPES, "multiple_choice", v2)
    assert v2.name == "quizgen Multiple choice v2" and v2.id != v1.id
    path.write_text(ALL_TYPES_BANK.replace("What is the SCO?", "What is it?"), encoding="utf-8")
    write_apkg(load_banks([path]), tmp_path / "v2.apkg", timestamp=T0 + 60)
    log = import_package(col, tmp_path / "v2.apkg")
    assert len(log.conflicting) == 1 and len(log.new) == 0  # the v1 note is left alone
    (card,) = cards_of(col, "mc-largest")
    assert card.note().mid == v1.id and "What is the SCO?" in card.note()["Prompt"]

    # Browse > Change Note Type, v1 to v2 (fields map by name), as docs/anki.md says.
    request = col.models.change_notetype_info(old_notetype_id=v1.id, new_notetype_id=v2.id).input
    request.note_ids.extend(col.models.nids(v1.id))
    col.models.change_notetype_of_notes(request)
    changed_at = col.get_note(card.nid).mod

    write_apkg(load_banks([path]), tmp_path / "v2b.apkg", timestamp=changed_at + 60)
    log = import_package(col, tmp_path / "v2b.apkg")
    assert len(log.conflicting) == 0 and len(log.new) == 0
    (card,) = cards_of(col, "mc-largest")
    assert card.note().mid == v2.id and "What is it?" in card.note()["Prompt"]
    assert len(col.find_notes("")) == 8
    col.close()


def test_question_whose_type_changed_is_skipped_not_duplicated(write_bank, tmp_path):
    path = write_bank(ALL_TYPES_BANK)
    write_image(tmp_path)
    write_apkg(load_banks([path]), tmp_path / "a.apkg", timestamp=T0)
    col = open_collection(tmp_path / "anki")
    import_package(col, tmp_path / "a.apkg")
    path.write_text(
        ALL_TYPES_BANK.replace(
            "    type: true_false\n    prompt: Pakistan and Russia share a long, complex history.\n"
            "    answer: true",
            "    type: short_answer\n    prompt: Pakistan and Russia share a long, complex what?\n"
            "    answer: history",
        ),
        encoding="utf-8",
    )
    write_apkg(load_banks([path]), tmp_path / "b.apkg", timestamp=T0 + 60)
    log = import_package(col, tmp_path / "b.apkg")
    assert [entry.fields[-1] for entry in log.conflicting] == ["sco/tf-history"]
    assert len(col.find_notes("")) == 8
    col.close()


def test_docs_list_every_note_type_with_its_name_and_id():
    docs = (Path(__file__).resolve().parent.parent / "docs" / "anki.md").read_text(encoding="utf-8")
    for qtype, spec in NOTE_TYPES.items():
        row = re.search(rf"^\| `{qtype}` \| (.+?) \| (\d+) \|", docs, re.MULTILINE)
        assert row, f"docs/anki.md has no row for {qtype}"
        assert (row.group(1), int(row.group(2))) == (spec.name, spec.id)


def test_choices_keep_bank_order_when_shuffle_is_false(write_bank, tmp_path):
    choices = ["First", "Second", "Third", "Fourth", "Fifth"]
    path = write_bank(
        f"""\
        id: order
        title: Order
        questions:
          - id: kept
            type: multiple_choice
            prompt: Which?
            choices: {choices}
            answer: Third
            shuffle: false
          - id: mixed
            type: multiple_choice
            prompt: Which?
            choices: {choices}
            answer: Third
        """
    )
    write_apkg(load_banks([path]), tmp_path / "o.apkg", timestamp=T0)
    col = open_collection(tmp_path / "anki")
    import_package(col, tmp_path / "o.apkg")
    kept = re.findall(r'qz-text">(.*?)<', cards_of_bank(col, "order", "kept").question())
    mixed = re.findall(r'qz-text">(.*?)<', cards_of_bank(col, "order", "mixed").question())
    assert kept == choices
    assert sorted(mixed) == sorted(choices) and mixed != choices
    assert "Answer: C" in visible_text(cards_of_bank(col, "order", "kept").answer())
    col.close()


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab <>&\"'*`[]\\()\n{}:c1s/=")), max_size=40))
def test_any_bank_text_becomes_inert_field_html(text):
    from quizgen.outputs.anki import field_html

    markup = field_html(text)
    tags = set(re.findall(r"<(/?[a-zA-Z]+)", markup))
    assert tags <= {"strong", "/strong", "em", "/em", "code", "/code", "br", "span", "/span"}
    assert "[" not in markup  # no [sound:], [latex], [$] for Anki to act on
    assert not re.search(r"\\[()\[\]]", markup)  # no MathJax opener left whole
    assert all(span == '<span class="qz-nomath">' for span in re.findall(r"<span[^>]*>", markup))
    # What a reader sees is the text itself, less the Markdown markers.
    seen = html.unescape(re.sub(r"<br>", "\n", re.sub(r"<(?!br>)[^>]+>", "", markup)))
    assert seen.replace("*", "").replace("`", "") == text.strip("\n").replace("\r\n", "\n").replace(
        "*", ""
    ).replace("`", "")
