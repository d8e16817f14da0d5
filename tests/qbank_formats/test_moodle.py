"""Moodle XML specifics: images, criterion tags, categories, what is reported and skipped."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest

from question_bank.formats import FormatError, export_moodle, import_moodle

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
B64 = base64.b64encode(PNG).decode()


def quiz(*parts: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n' + "\n".join(parts) + "\n</quiz>\n"
    ).encode()


def mc(name="Q", extra="", answers=None, single="true", tags="", stem="<p>Pick one.</p>", files=""):
    answers = answers or [("100", "Right", "Well done"), ("0", "Wrong", "")]
    body = "".join(
        f'<answer fraction="{f}" format="html"><text>{t}</text><feedback format="html">'
        f"<text>{fb}</text></feedback></answer>"
        for f, t, fb in answers
    )
    return (
        f'<question type="multichoice"><name><text>{name}</text></name>'
        f'<questiontext format="html"><text><![CDATA[{stem}]]></text>{files}</questiontext>'
        f"<single>{single}</single>{extra}{body}{tags}</question>"
    )


def test_embedded_files_and_data_uris_become_files():
    stem = (
        f'<p>Look: <img src="@@PLUGINFILE@@/sign.png" alt="sign"> and '
        f'<img src="data:image/png;base64,{B64}" alt="dot"></p>'
    )
    files = f'<file name="sign.png" path="/" encoding="base64">{B64}</file>'
    r = import_moodle(quiz(mc(stem=stem, files=files)), source="img.xml")
    digest = hashlib.sha256(PNG).hexdigest()[:16]
    assert r.files == {"media/sign.png": PNG, f"media/{digest}.png": PNG}
    stem_out = r.questions[0]["stem"]
    assert 'src="media/sign.png"' in stem_out and f'src="media/{digest}.png"' in stem_out
    # export writes the files back as <file> elements and the stem as @@PLUGINFILE@@
    q = dict(r.questions[0], criteria=["HSCCLD327/K13"])
    xml = export_moodle([q], files=r.files)
    assert (
        b'src="@@PLUGINFILE@@/sign.png"' in xml
        and b'<file name="sign.png" path="/" encoding="base64">' in xml
    )
    back = import_moodle(xml, source="img2.xml")
    assert back.files == r.files and back.questions[0]["stem"] == stem_out


def test_bad_base64_is_an_error():
    files = '<file name="x.png" path="/" encoding="base64">@@@not base64@@@</file>'
    with pytest.raises(FormatError, match="embedded file is not valid base64"):
        import_moodle(quiz(mc(files=files)), source="b.xml")


def test_tags_carry_criteria_difficulty_and_plain_tags():
    tags = (
        "<tags><tag><text>criterion:HSCCLD327/K13</text></tag><tag><text>criterion:NOS-EFFREL/K14</text>"
        "</tag><tag><text>difficulty:hard</text></tag><tag><text>trust</text></tag></tags>"
    )
    (q,) = import_moodle(quiz(mc(tags=tags)), source="t.xml").questions
    assert q["criteria"] == ["HSCCLD327/K13", "NOS-EFFREL/K14"]
    assert q["difficulty"] == "hard" and q["tags"] == ["trust"]
    bad = "<tags><tag><text>criterion:K13 only</text></tag></tags>"
    with pytest.raises(FormatError, match="criterion reference 'K13 only' is not FRAMEWORK/CODE"):
        import_moodle(quiz(mc(tags=bad)), source="t.xml")


def test_what_cannot_be_expressed_is_reported():
    extra = (
        "<penalty>0.1</penalty><hidden>1</hidden><hint><text>Try again</text></hint>"
        "<correctfeedback><text>Great work, you know this.</text></correctfeedback>"
    )
    answers = [("100", "Best", ""), ("50", "Half", ""), ("0", "No", "")]
    r = import_moodle(quiz(mc(name="Lossy", extra=extra, answers=answers)), source="w.xml")
    assert r.warnings == [
        "Lossy: penalty 0.1 for each wrong try is not expressible (ignored)",
        "Lossy: hidden flag is not expressible (imported as a normal question)",
        "Lossy: 1 hint(s) for multiple tries are not expressible (dropped)",
        (
            "Lossy: correctfeedback 'Great work, you know this.' is not expressible "
            "(the bank has per-option and general feedback)"
        ),
        "Lossy: grade 50% for option 'Half' is not expressible (imported as wrong)",
    ]
    assert [o["correct"] for o in r.questions[0]["options"]] == [True, False, False]


def test_unrepresentable_types_are_skipped_and_descriptions_reported():
    calc = '<question type="calculated"><name><text>Calc</text></name><questiontext><text>{a}+{b}</text></questiontext></question>'
    ddm = '<question type="ddmarker"><name><text>Map</text></name><questiontext><text>x</text></questiontext></question>'
    desc = '<question type="description"><name><text>Intro</text></name><questiontext><text>Read this.</text></questiontext></question>'
    two = mc(name="Two right", answers=[("100", "A", ""), ("100", "B", ""), ("0", "C", "")])
    r = import_moodle(quiz(calc, ddm, desc, two, mc(name="Fine")), source="s.xml")
    assert [q["title"] for q in r.questions] == ["Fine"]
    assert [(s["name"], s["type"]) for s in r.skipped] == [
        ("Calc", "calculated"),
        ("Map", "ddmarker"),
        ("Two right", "multichoice"),
    ]
    assert "calculated questions" in r.skipped[0]["reason"]
    assert (
        r.skipped[2]["reason"]
        == "single-answer multichoice with several full-credit answers cannot be represented"
    )
    assert r.descriptions == [{"name": "Intro", "text": "Read this."}]


def test_categories_become_tags_and_are_kept():
    cat = '<question type="category"><category><text>$course$/top/Care/Trust</text></category></question>'
    r = import_moodle(quiz(cat, mc()), source="c.xml")
    assert r.categories == ["Care/Trust"] and r.questions[0]["tags"] == ["category:Care/Trust"]


def shortanswer(stem, answers, usecase="0"):
    body = "".join(
        f'<answer fraction="{f}"><text>{t}</text><feedback><text>{fb}</text></feedback></answer>'
        for f, t, fb in answers
    )
    return (
        f'<question type="shortanswer"><name><text>SA</text></name><questiontext format="html"><text>'
        f"<![CDATA[{stem}]]></text></questiontext><usecase>{usecase}</usecase>{body}</question>"
    )


def test_shortanswer_gap_position_wildcard_and_catch_all():
    r = import_moodle(
        quiz(
            shortanswer(
                "<p>A ______ is kind.</p>",
                [("100", "carer", "Yes"), ("50", "care*", ""), ("0", "*", "Any other")],
                "1",
            )
        ),
        source="s.xml",
    )
    (q,) = r.questions
    assert q["stem"] == "<p>A {{g1}} is kind.</p>"
    assert q["gaps"] == [
        {
            "id": "g1",
            "answers": [
                {"text": "carer", "credit": 1.0, "feedback": "Yes"},
                {"text": "care*", "credit": 0.5, "feedback": ""},
            ],
            "options": None,
            "case_sensitive": True,
            "wildcard": True,
        }
    ]
    assert r.warnings == [
        "SA: catch-all '*' answer (feedback for any other answer) is not expressible (dropped)"
    ]


def test_numerical_units_and_tolerance():
    xml = (
        '<question type="numerical"><name><text>Dose</text></name><questiontext format="html"><text>How much?'
        '</text></questiontext><answer fraction="100"><text>5</text><tolerance>0.5</tolerance><feedback><text>'
        "ok</text></feedback></answer><units><unit><multiplier>1</multiplier><unit_name>ml</unit_name></unit>"
        "<unit><multiplier>0.001</multiplier><unit_name>l</unit_name></unit></units></question>"
    )
    r = import_moodle(quiz(xml), source="n.xml")
    (q,) = r.questions
    assert (
        q["answers"] == [{"value": 5.0, "tolerance": 0.5, "credit": 1.0, "feedback": "ok"}]
        and q["unit"] == "ml"
    )
    assert r.warnings == [
        "Dose: alternative units with multipliers are not expressible (only the base unit is kept)"
    ]


def test_cloze_with_dropdown_and_text_gaps():
    stem = "<p>{2:SHORTANSWER:=Paris#Yes~%50%paris} is the capital of {1:MC:Spain~=France#Right~Italy}.</p>"
    xml = f'<question type="cloze"><name><text>Cap</text></name><questiontext format="html"><text><![CDATA[{stem}]]></text></questiontext></question>'
    r = import_moodle(quiz(xml), source="c.xml")
    (q,) = r.questions
    assert q["stem"] == "<p>{{g1}} is the capital of {{g2}}.</p>" and q["points"] == 3.0
    assert q["gaps"][1] == {
        "id": "g2",
        "answers": [{"text": "France", "credit": 1.0, "feedback": "Right"}],
        "options": ["Spain", "France", "Italy"],
        "case_sensitive": False,
        "wildcard": False,
    }
    assert r.warnings == ["Cap: unequal gap weights are not expressible (each gap counts equally)"]


def test_each_file_declares_its_own_encoding():
    text = mc(name="Café", stem="<p>Crème brûlée?</p>")
    data = ('<?xml version="1.0" encoding="ISO-8859-1"?>\n<quiz>' + text + "</quiz>").encode(
        "latin-1"
    )
    (q,) = import_moodle(data, source="latin.xml").questions
    assert q["title"] == "Café" and q["stem"] == "<p>Crème brûlée?</p>"
    data16 = ('<?xml version="1.0" encoding="UTF-16"?>\n<quiz>' + text + "</quiz>").encode("utf-16")
    assert import_moodle(data16, source="u16.xml").questions == [q]


def test_html_stems_are_sanitised_and_the_removal_reported():
    stem = '<p onclick="x()">Safe?</p><script>alert(1)</script><iframe src="http://e.invalid"></iframe>'
    answers = [
        ("100", "Right", "<![CDATA[<b>Yes</b><object data='x.swf'></object>]]>"),
        ("0", "Wrong", "a &lt; b &amp; c"),
    ]
    r = import_moodle(quiz(mc(name="Evil", stem=stem, answers=answers)), source="x.xml")
    (q,) = r.questions
    assert q["stem"] == "<p>Safe?</p>"
    assert [o["feedback"] for o in q["options"]] == ["<b>Yes</b>", "a < b & c"]
    assert r.warnings == [
        "Evil: HTML not allowed in question text was removed: <iframe>, <object>, <script>"
    ]


def test_malformed_values_are_format_errors():
    with pytest.raises(
        FormatError, match=r"question 'Q' \(line 3\): penalty 'high' is not a number"
    ):
        import_moodle(quiz(mc(extra="<penalty>high</penalty>")), source="p.xml")
    essay = (
        '<question type="essay"><name><text>E</text></name><questiontext><text>Write</text></questiontext>'
        "<maxwordlimit>many</maxwordlimit></question>"
    )
    with pytest.raises(FormatError, match="maxwordlimit 'many' is not a whole number"):
        import_moodle(quiz(essay), source="e.xml")


# Moodle's Cloze grammar (question/type/multianswer, "Embedded answers" in the Moodle docs):
# {weight:TYPE:alternative~alternative...}; an alternative is an optional fraction ("=" or
# "%n%", n possibly decimal), a non-empty answer, and an optional "#feedback"; "~", "#" and "}"
# inside text are escaped with a backslash.
CLOZE_TYPES = ("SHORTANSWER", "SHORTANSWER_C", "NUMERICAL", "MULTICHOICE", "MULTICHOICE_V", "MULTICHOICE_H",
               "MULTIRESPONSE", "MULTIRESPONSE_H")
SUB_QUESTION = re.compile(r"\{(\d+):([A-Z_]+):((?:\\.|[^\\}])*)\}")
ALTERNATIVE = re.compile(r"(=|%-?\d+(?:[.,]\d*)?%)?((?:\\.|[^\\~#}])+)(#(?:\\.|[^\\~}])*)?")


def test_the_shipped_scenarios_export_as_cloze_moodle_can_parse():
    import json
    from pathlib import Path

    from lxml import etree

    questions = []
    for path in sorted((Path(__file__).resolve().parents[2] / "course" / "shipped" / "modules").glob("*.json")):
        questions += json.loads(path.read_text(encoding="utf-8"))["questions"]
    scenarios = [q for q in questions if q["type"] == "scenario"]
    warnings: list[str] = []
    root = etree.fromstring(export_moodle(questions, warnings=warnings))
    clozes = root.findall("question[@type='cloze']")
    not_exported = [w for w in warnings if w.endswith("(not exported)")]
    # the two scenarios with a matching step; an ordering step becomes a drop-down per item
    assert len(scenarios) == 75 and len(not_exported) == 2
    assert len(clozes) == 73  # the other 73 scenarios (the shipped bank has no short answers)
    parsed = 0
    for el in clozes:
        text = el.findtext("questiontext/text")
        subs = SUB_QUESTION.findall(text)
        assert subs, el.findtext("name/text")
        for weight, kind, body in subs:
            assert int(weight) >= 1 and kind in CLOZE_TYPES, (kind, weight)
            alternatives = re.split(r"(?<!\\)~", body)
            assert all(ALTERNATIVE.fullmatch(a) for a in alternatives), body
            assert any(a.startswith("=") or a.startswith("%100%") for a in alternatives), body
            parsed += 1
        # and our own importer reads the same number of sub-questions back
        (again,) = import_moodle(b"<quiz>" + etree.tostring(el) + b"</quiz>", source="x.xml").questions
        steps = again["steps"] if again["type"] == "scenario" else again["gaps"]
        assert len(steps) == len(subs)
    assert parsed == 281  # every step of those 73 scenarios, 4 drop-downs for each of their 6 ordering steps
