"""The canonical course document: schema, cross references with paths, canonical bytes."""

from __future__ import annotations

import copy
import json

import pytest
from scorm_support import COURSE_JSON

from scorm_export.document import (
    DocumentError,
    dump_document,
    load_document,
    module_criteria,
    objective_id,
)


def problems_of(data) -> list[tuple[str, str]]:
    with pytest.raises(DocumentError) as info:
        load_document(data)
    return info.value.problems


def test_fixture_round_trip_is_byte_identical():
    raw = COURSE_JSON.read_bytes()
    doc = load_document(raw)
    exported = dump_document(doc)
    assert exported == raw
    assert dump_document(load_document(exported)) == exported


def test_dump_is_canonical(course_doc):
    out = dump_document(course_doc)
    text = out.decode("utf-8")
    assert text.endswith("}\n") and not text.endswith("\n\n")
    assert text.startswith('{\n  "course": {\n    "description": ')
    assert list(json.loads(out)) == [
        "course",
        "format",
        "frameworks",
        "modules",
        "questions",
        "version",
    ]


def test_non_ascii_is_written_as_utf8(course_doc):
    course_doc["course"]["title"] = "Relationships – care and wellbeing"
    out = dump_document(course_doc)
    assert "Relationships – care and wellbeing".encode() in out


def test_unknown_version_is_refused_by_name(course_doc):
    course_doc["version"] = 2
    assert problems_of(course_doc) == [
        ("version", "unsupported course document version 2: this build reads version 1"),
    ]


def test_boolean_version_is_not_version_1(course_doc):
    course_doc["version"] = True
    assert problems_of(course_doc) == [
        ("version", "unsupported course document version True: this build reads version 1"),
    ]


def test_wrong_format_and_not_json():
    assert problems_of(b"{nope")[0][0] == ""
    assert problems_of([1, 2]) == [("", "a course document is a JSON object")]
    assert ("format", "must be 'carecourse-course'") in problems_of(
        {"format": "moodle", "version": 1}
    )


def test_module_criteria_in_framework_order(course_doc):
    doc = load_document(course_doc)
    assert module_criteria(doc, doc["modules"][0]) == [
        "HSCCLD327/K12",
        "HSCCLD327/K13",
        "QCF-RELNET/1.1",
        "QCF-RELNET/1.2",
    ]
    assert module_criteria(doc, doc["modules"][1]) == ["HSCCLD327/K13", "HSCCLD327/K14"]
    assert objective_id("QCF-RELNET/1.2") == "QCF-RELNET-1.2"


def test_every_problem_is_reported_with_its_path(course_doc):
    doc = copy.deepcopy(course_doc)
    m0, m1 = doc["modules"]
    m0["outcomes"].append("HSCCLD327/K.9")  # unknown outcome
    m0["workplace"].append("HSCCLD327/P99")  # unknown criterion
    m0["pages"].append(dict(m0["pages"][0]))  # duplicate page slug
    m0["quiz"]["items"][0] = {
        "question": "rel-k12-wellbeing-1",
        "version": 7,
    }  # version not included
    m0["quiz"]["items"][2] = {"draw": {"count": 3, "tag": "trust"}}  # only 2 candidates
    m0["quiz"]["items"].append(
        {"draw": {"count": 1, "criterion": "HSCCLD327/K77"}}
    )  # unknown criterion
    m0["quiz"]["items"].append({"question": "x", "version": 1, "draw": {"count": 1, "tag": "t"}})
    m0["quiz"]["pass_mark"] = 1.5  # out of range
    del m1["title"]  # missing field
    m1["slug"] = m0["slug"]  # duplicate module slug
    m1["colour"] = "red"  # unknown field
    doc["questions"][2]["criteria"] = ["HSCCLD327/K404"]  # unknown criterion on a question
    doc["questions"][0]["options"][1]["correct"] = True  # two correct options: the bank says
    doc["questions"][1]["points"] = 0  # the bank refuses 0 points

    problems = problems_of(doc)
    paths = [path for path, _ in problems]
    assert sorted(paths) == sorted(
        [
            "modules[0].outcomes[2]",
            "modules[0].workplace[1]",
            "modules[0].pages[2].slug",
            "modules[0].quiz.items[0].question",
            "modules[0].quiz.items[2].draw.count",
            "modules[0].quiz.items[3].draw.criterion",
            "modules[0].quiz.items[4]",
            "modules[0].quiz.pass_mark",
            "modules[1].title",
            "modules[1].slug",
            "modules[1].colour",
            "questions[2].criteria[0]",
            "questions[0].options",
            "questions[1].points",
        ]
    )
    messages = dict(problems)
    assert messages["modules[0].outcomes[2]"] == "unknown outcome 'HSCCLD327/K.9'"
    assert messages["modules[0].workplace[1]"] == "unknown criterion 'HSCCLD327/P99'"
    assert (
        messages["modules[0].pages[2].slug"]
        == "duplicate 'belonging' (first at modules[0].pages[0].slug)"
    )
    assert messages["modules[0].quiz.items[0].question"] == (
        "question 'rel-k12-wellbeing-1' version 7 is not in the document's questions"
    )
    assert messages["modules[0].quiz.items[2].draw.count"] == (
        "draw of 3 by tag 'trust' has only 2 candidate(s) left (2 not fixed in this quiz, up to 0 taken by earlier draws)"
    )
    assert (
        messages["modules[0].quiz.items[3].draw.criterion"] == "unknown criterion 'HSCCLD327/K77'"
    )
    assert (
        messages["modules[0].quiz.items[4]"]
        == "an item is either {question, version} or {draw}, not both"
    )
    assert messages["modules[1].title"] == "Missing data for required field."
    assert (
        messages["modules[1].slug"]
        == "duplicate 'm01-why-relationships' (first at modules[0].slug)"
    )
    assert messages["modules[1].colour"] == "Unknown field."
    assert messages["questions[2].criteria[0]"] == "unknown criterion 'HSCCLD327/K404'"
    assert (
        messages["modules[0].quiz.pass_mark"]
        == "Must be greater than or equal to 0 and less than or equal to 1."
    )
    assert messages["questions[0].options"] == "Exactly one option must be correct."
    assert messages["questions[1].points"] == "Must be greater than 0."
    assert len(problems) == len(set(problems)) == 14


def test_draw_counts_worst_case_of_earlier_draws(course_doc):
    quiz = course_doc["modules"][1]["quiz"]
    # Two trust questions exist; rel-k13-trust-1 is fixed, so one candidate is left for both draws.
    quiz["items"].append({"draw": {"count": 1, "tag": "trust"}})
    load_document(course_doc)
    quiz["items"].append({"draw": {"count": 1, "criterion": "HSCCLD327/K13"}})
    assert problems_of(course_doc) == [
        (
            "modules[1].quiz.items[4].draw.count",
            (
                "draw of 1 by criterion 'HSCCLD327/K13' has only 0 candidate(s) left "
                "(1 not fixed in this quiz, up to 1 taken by earlier draws)"
            ),
        )
    ]


def test_fixed_question_twice_in_a_quiz(course_doc):
    course_doc["modules"][1]["quiz"]["items"].append({"question": "rel-k13-trust-1", "version": 1})
    assert problems_of(course_doc) == [
        ("modules[1].quiz.items[3].question", "question 'rel-k13-trust-1' is already in this quiz"),
    ]


def test_duplicate_question_version(course_doc):
    course_doc["questions"].append(copy.deepcopy(course_doc["questions"][0]))
    assert problems_of(course_doc) == [
        (
            "questions[6]",
            "question 'rel-k12-wellbeing-1' version 1 appears twice (first at questions[0])",
        ),
    ]


def test_draw_takes_the_current_version(course_doc):
    newer = copy.deepcopy(course_doc["questions"][3])  # rel-k13-trust-2 v2 loses the tag
    newer["version"] = 2
    newer["tags"] = []
    course_doc["questions"].append(newer)
    course_doc["modules"][0]["quiz"]["items"][2]["draw"]["count"] = 2
    assert problems_of(course_doc) == [
        (
            "modules[0].quiz.items[2].draw.count",
            "draw of 2 by tag 'trust' has only 1 candidate(s) left (1 not fixed in this quiz, up to 0 taken by earlier draws)",
        )
    ]


def test_identifiers_have_no_spaces(course_doc):
    course_doc["modules"][0]["slug"] = "m01 why"
    assert problems_of(course_doc) == [
        ("modules[0].slug", "not an identifier (letters, digits, '_', '.', '-'; no spaces)"),
    ]


def test_document_error_message_lists_paths(course_doc):
    course_doc["course"]["language"] = ""
    with pytest.raises(DocumentError) as info:
        load_document(course_doc)
    assert str(info.value) == (
        "1 problem(s) in the course document:\ncourse.language: not a language tag (e.g. en-GB)"
    )


def test_a_question_that_is_not_an_object(course_doc):
    course_doc["questions"].append("rel-k12-wellbeing-1")
    assert problems_of(course_doc) == [("questions[6]", "Not a valid mapping type.")]


def test_draw_excludes_questions_fixed_later_as_the_bank_does(course_doc):
    from question_bank.draw import DrawError, assemble_quiz

    quiz = course_doc["modules"][0]["quiz"]
    quiz["items"].append({"question": "rel-k13-trust-2", "version": 1})
    doc = load_document(course_doc)  # one trust question is left for the draw of 1
    for seed in range(20):
        assemble_quiz(doc["modules"][0]["quiz"], doc["questions"], seed)
    quiz["items"][2]["draw"]["count"] = 2
    assert problems_of(course_doc) == [
        (
            "modules[0].quiz.items[2].draw.count",
            (
                "draw of 2 by tag 'trust' has only 1 candidate(s) left "
                "(1 not fixed in this quiz, up to 0 taken by earlier draws)"
            ),
        )
    ]
    with pytest.raises(DrawError):
        assemble_quiz(quiz, doc["questions"], 1)


def test_draw_by_criterion_matches_the_questions_own_criteria(course_doc):
    # The scenario's steps inherit HSCCLD327/K14; a draw by K14 sees the scenario and the
    # matching question, both fixed in m02, so a draw there has no candidate.
    course_doc["modules"][1]["quiz"]["items"].append(
        {"draw": {"count": 1, "criterion": "HSCCLD327/K14"}}
    )
    assert problems_of(course_doc)[0][0] == "modules[1].quiz.items[3].draw.count"
