"""Moodle XML for a chosen Moodle version: what a Moodle without core ordering (before 4.4) gets.

Facts about Moodle 4.3 below come from its source (question/type/, question/format/xml/format.php
and question/type/multianswer/questiontype.php at the 4.3 release).
"""

from __future__ import annotations

import re

import pytest
from lxml import etree

from question_bank import load_question, mark
from question_bank.formats import (
    DEFAULT_MOODLE_VERSION,
    MOODLE_VERSIONS,
    MoodleVersionError,
    check_moodle_version,
    export_moodle,
    import_moodle,
)
from question_bank.moodle_versions import has_core_ordering, ordinal

from .conftest import make_bank, make_scenario

# The question types Moodle 4.3's core XML importer accepts: the folders of question/type/ (less
# description, random, missingtype) under format.php's names ("matching" for match, "cloze" for
# multianswer, both also accepted under their own names), and the category pseudo-question.
MOODLE_43_CORE_QTYPES = {
    "category", "multichoice", "truefalse", "shortanswer", "numerical", "match", "matching",
    "multianswer", "cloze", "essay", "calculated", "calculatedsimple", "calculatedmulti",
    "ddwtos", "ddmarker", "ddimageortext", "gapselect", "randomsamatch", "description",
}
# The embedded sub-question codes of 4.3's Cloze (ANSWER_TYPE_DEF_REGEX in multianswer).
MOODLE_43_CLOZE_CODES = {
    "NUMERICAL", "NM", "MULTICHOICE", "MC", "MULTICHOICE_V", "MCV", "MULTICHOICE_H", "MCH",
    "SHORTANSWER", "SA", "MW", "SHORTANSWER_C", "SAC", "MWC", "MULTICHOICE_S", "MCS",
    "MULTICHOICE_VS", "MCVS", "MULTICHOICE_HS", "MCHS", "MULTIRESPONSE", "MR", "MULTIRESPONSE_H",
    "MRH", "MULTIRESPONSE_S", "MRS", "MULTIRESPONSE_HS", "MRHS",
}
SUB_QUESTION = re.compile(r"\{(\d+):([A-Z_]+):")
ACCEPTED = "4.0, 4.1, 4.2, 4.3, 4.4, 4.5, 5.0, 5.1, 5.2, 5.3"


def _ordering() -> dict:
    return next(q for q in make_bank() if q["id"] == "order-visit-1")


def _types(xml: bytes) -> list[str]:
    return [el.get("type") for el in etree.fromstring(xml).findall("question")]


# ------------------------------------------------------------------ the version option


@pytest.mark.parametrize(("raw", "branch"), [
    ("4.3", "4.3"), ("4.3.8", "4.3"), (" 5.0 ", "5.0"), ("4.10", None), (None, "5.3"),
])
def test_a_version_names_a_moodle_branch(raw, branch):
    if branch is None:
        with pytest.raises(MoodleVersionError):
            check_moodle_version(raw)
    else:
        assert check_moodle_version(raw) == branch


@pytest.mark.parametrize("raw", ["3.9", "4.6", "5.4", "4.x", "latest", "", "4", "4.3.x"])
def test_unknown_or_malformed_versions_are_refused_with_the_list(raw):
    with pytest.raises(MoodleVersionError) as exc:
        check_moodle_version(raw)
    assert str(exc.value) == (
        f"Moodle version {raw!r} is not one this export knows: use one of {ACCEPTED} "
        "(default 5.3, the current LTS)"
    )


def test_the_default_is_moodle_53_the_lts_and_ordering_is_core_from_44():
    assert DEFAULT_MOODLE_VERSION == "5.3" and ", ".join(MOODLE_VERSIONS) == ACCEPTED
    assert [v for v in MOODLE_VERSIONS if not has_core_ordering(v)] == ["4.0", "4.1", "4.2", "4.3"]
    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 101, 111)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "23rd", "101st", "111th"]
    with pytest.raises(MoodleVersionError):
        export_moodle(make_bank(), moodle_version="3.11")


# ------------------------------------------------------------------ ordering questions


def test_for_moodle_43_an_ordering_question_is_a_matching_question_of_places():
    warnings: list[str] = []
    xml = export_moodle([_ordering()], warnings=warnings, moodle_version="4.3").decode()
    assert xml == """<?xml version='1.0' encoding='UTF-8'?>
<quiz>
  <question type="matching">
    <name>
      <text>Order of a visit</text>
    </name>
    <questiontext format="html">
      <text><![CDATA[<p>Put the steps of a home visit in order.</p><p>Choose each item's place in the order.</p>]]></text>
    </questiontext>
    <generalfeedback format="html">
      <text></text>
    </generalfeedback>
    <defaultgrade>1.0000000</defaultgrade>
    <penalty>0</penalty>
    <hidden>0</hidden>
    <idnumber>order-visit-1</idnumber>
    <shuffleanswers>true</shuffleanswers>
    <subquestion format="html">
      <text>Knock and introduce yourself</text>
      <answer>
        <text>1st</text>
      </answer>
    </subquestion>
    <subquestion format="html">
      <text>Ask how the person is</text>
      <answer>
        <text>2nd</text>
      </answer>
    </subquestion>
    <subquestion format="html">
      <text>Carry out the agreed care</text>
      <answer>
        <text>3rd</text>
      </answer>
    </subquestion>
    <subquestion format="html">
      <text>Record the visit</text>
      <answer>
        <text>4th</text>
      </answer>
    </subquestion>
    <tags>
      <tag>
        <text>criterion:HSCCLD222/K1</text>
      </tag>
    </tags>
  </question>
</quiz>
"""
    assert warnings == [
        "order-visit-1: Moodle 4.3 has no ordering question type (core from 4.4): exported as a "
        "matching question, each item matched to its place (1st, 2nd, ...), an equal share of the "
        "marks for each item placed right (converted)"
    ]


def test_the_converted_question_marks_each_item_placed_right():
    q = dict(_ordering(), stem="Put the steps in order.", stem_format="markdown",
             general_feedback="Knock first.", points=2.0, tags=["visits"], difficulty="hard")
    (back,) = import_moodle(export_moodle([q], moodle_version="4.1"), source="x.xml").questions
    assert back["type"] == "matching" and back["points"] == 2.0
    assert back["stem"] == "Put the steps in order.\n\nChoose each item's place in the order."
    assert (back["general_feedback"], back["criteria"], back["tags"], back["difficulty"]) == (
        "Knock first.", ["HSCCLD222/K1"], ["visits"], "hard")
    assert [(p["text"], p["match"]) for p in back["premises"]] == [
        ("Knock and introduce yourself", "r1"), ("Ask how the person is", "r2"),
        ("Carry out the agreed care", "r3"), ("Record the visit", "r4")]
    assert [r["text"] for r in back["responses"]] == ["1st", "2nd", "3rd", "4th"]
    compiled = load_question(back)
    right = {"p1": "r1", "p2": "r2", "p3": "r3", "p4": "r4"}
    assert mark(compiled, right).fraction == 1
    # the first two swapped: two of four items in their place, half the marks
    assert mark(compiled, dict(right, p1="r2", p2="r1")).fraction == 0.5


@pytest.mark.parametrize("version", ["4.4", "4.5", "5.0", "5.3"])
def test_from_moodle_44_ordering_is_kept(version):
    warnings: list[str] = []
    xml = export_moodle(make_bank(), warnings=warnings, moodle_version=version)
    assert "ordering" in _types(xml) and "(converted)" not in " ".join(warnings)
    assert xml == export_moodle(make_bank())  # the same file as for the default, 5.3


def test_from_moodle_44_ordering_is_marked_by_the_longest_run_in_order():
    # the bank credits the longest run of items in the right relative order; of Moodle's grading
    # types LONGEST_ORDERED_SUBSET does the same (run/n where the bank has (run-1)/(n-1)), where
    # ABSOLUTE_POSITION gives nothing for a procedure whose first step was moved to the end
    root = etree.fromstring(export_moodle([_ordering()], moodle_version="4.4"))
    assert root.findtext("question/gradingtype") == "LONGEST_ORDERED_SUBSET"
    assert root.findtext("question/selecttype") == "ALL"


# ------------------------------------------------------------------ scenarios (Cloze)


def _scenario_with_ordering() -> dict:
    scenario = make_scenario()
    scenario["steps"].append({"id": "s2", "branches": {}, "next": None, "question": {
        "id": "c2", "type": "ordering", "stem": "Put these in order.", "points": 1.0,
        "items": [{"id": "i1", "text": "Knock"}, {"id": "i2", "text": "Greet <Mr> Okafor"},
                  {"id": "i3", "text": "Record"}]}})
    return scenario


@pytest.mark.parametrize("version", ["4.3", "5.3"])
def test_a_scenario_ordering_step_becomes_a_drop_down_of_places_per_item(version):
    warnings: list[str] = []
    root = etree.fromstring(export_moodle([_scenario_with_ordering()], warnings=warnings,
                                          moodle_version=version))
    (cloze,) = root.findall("question")
    text = cloze.findtext("questiontext/text")
    # weights x3 so each of the three items has a whole share of the step's 1 point; the items
    # in a fixed order that is not the right one, the places in order
    assert text.endswith(
        "<p>Knock first? {3:MULTICHOICE_V:=True~False}</p><p>Put these in order.</p><ul>"
        "<li>Record {1:MULTICHOICE:1st~2nd~=3rd}</li>"
        "<li>Knock {1:MULTICHOICE:=1st~2nd~3rd}</li>"
        "<li>Greet &lt;Mr&gt; Okafor {1:MULTICHOICE:1st~=2nd~3rd}</li></ul>")
    assert warnings[0] == (
        "scn-visit-1: step s2 (ordering) has no Moodle Cloze form: exported as a drop-down for each "
        "item to choose its place (1st, 2nd, ...), an equal share of the step's marks for each item "
        "placed right; every step's weight is multiplied by 3 to keep its share, so Moodle gives the "
        "question 6 marks (carecourse: 1; set its mark in the quiz) (converted)")
    # our own importer reads it back as a scenario of one step per sub-question
    (back,) = import_moodle(etree.tostring(root), source="x.xml").questions
    assert len(back["steps"] if back["type"] == "scenario" else back["gaps"]) == 4


# ------------------------------------------------------------------ the shipped bank


def _shipped_questions() -> list[dict]:
    from course.shipped import load_shipped_document

    return load_shipped_document()["questions"]


def test_the_shipped_bank_for_moodle_43_uses_only_its_core_question_types():
    questions = _shipped_questions()
    warnings: list[str] = []
    root = etree.fromstring(export_moodle(questions, warnings=warnings, moodle_version="4.3"))
    types = [el.get("type") for el in root.findall("question") if el.get("type") != "category"]
    assert "ordering" not in types and set(types) <= MOODLE_43_CORE_QTYPES
    codes = {code for el in root.findall("question[@type='cloze']")
             for _w, code in SUB_QUESTION.findall(el.findtext("questiontext/text"))}
    assert codes <= MOODLE_43_CLOZE_CODES
    converted = [w for w in warnings if w.endswith("(converted)")]
    left_out = [w.split(":")[0] for w in warnings if w.endswith("(not exported)")]
    # 3 ordering questions as matching, 6 scenarios' ordering steps as drop-downs
    assert len(questions) == 288 and len(types) == 286 and len(converted) == 9
    assert sum(1 for w in converted if "as a matching question" in w) == 3
    # left out: the two scenarios with a matching step (Cloze has no form for it in any version)
    assert left_out == ["relnet-o1-priya-sam", "core-partnership-scn-rosa"]


def test_the_shipped_bank_for_moodle_45_keeps_its_ordering_questions():
    questions = _shipped_questions()
    types = _types(export_moodle(questions, moodle_version="4.5"))
    assert types.count("ordering") == 3 and types.count("matching") == 18
