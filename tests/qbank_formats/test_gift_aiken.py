"""GIFT and Aiken specifics: metadata comments, categories, escapes, missing words."""

from __future__ import annotations

from question_bank.formats import export_aiken, export_gift, import_aiken, import_gift

GIFT = """$CATEGORY: $course$/top/Care

// criterion: HSCCLD327/K13
// criterion: NOS-EFFREL/K14
// [id:trust-1] [tag:trust] [tag:difficulty:easy]
// points: 2
::Trust::[markdown]What **builds** trust? {
  =Keeping promises#Yes
  ~Being late#No
}

Carers should {=listen ~talk} first.

::Range::Pick 1 to 5 {#1..5}

A note with no answers at all.
"""


def test_gift_metadata_comments_and_category():
    r = import_gift(GIFT.encode(), source="m.gift")
    assert r.categories == ["Care"]
    q = r.questions[0]
    assert (q["id"], q["title"], q["stem_format"], q["points"]) == (
        "trust-1",
        "Trust",
        "markdown",
        2.0,
    )
    assert q["stem"] == "What **builds** trust?"
    assert q["criteria"] == ["HSCCLD327/K13", "NOS-EFFREL/K14"]
    assert q["difficulty"] == "easy" and q["tags"] == ["trust", "category:Care"]
    assert r.questions[1]["stem"] == "<p>Carers should _____ first.</p>"
    assert r.questions[2]["answers"] == [
        {"value": 3.0, "tolerance": 2.0, "credit": 1.0, "feedback": ""}
    ]
    assert r.descriptions == [
        {"name": "A note with no answers at all.", "text": "A note with no answers at all."}
    ]
    assert r.source_types == ["multichoice", "multichoice", "numerical"]


def test_gift_export_writes_criterion_comments_and_escapes():
    q = {
        "id": "esc-1",
        "version": 1,
        "type": "single_choice",
        "title": "Odd: {chars}",
        "stem": "<p>Which of ~ = # { } : \\ is odd?</p>",
        "stem_format": "html",
        "points": 1.0,
        "general_feedback": "",
        "criteria": ["HSCCLD327/K13"],
        "difficulty": "medium",
        "tags": [],
        "options": [
            {"id": "a", "text": "= and ~", "correct": True, "feedback": "a#b"},
            {"id": "b", "text": "{ and }", "correct": False, "feedback": ""},
        ],
        "shuffle": True,
    }
    text = export_gift([q]).decode()
    assert text.splitlines()[:2] == ["// criterion: HSCCLD327/K13", "// [id:esc-1]"]
    assert (
        "::Odd\\: \\{chars\\}::[html]<p>Which of \\~ \\= \\# \\{ \\} \\: \\\\ is odd?</p>" in text
    )
    assert "{=\\= and \\~#a\\#b ~\\{ and \\}}" in text
    (back,) = import_gift(text.encode(), source="e.gift").questions
    assert back == q


def test_aiken_literal_text_and_export():
    r = import_aiken(b"Is <b>this</b> & that bold?\nA. Yes\nB. No\nANSWER: B\n", source="a.txt")
    (q,) = r.questions
    assert q["stem"] == "<p>Is &lt;b&gt;this&lt;/b&gt; &amp; that bold?</p>"
    assert [(o["id"], o["text"], o["correct"]) for o in q["options"]] == [
        ("a", "Yes", False),
        ("b", "No", True),
    ]
    assert export_aiken([q]) == b"Is <b>this</b> & that bold?\nA) Yes\nB) No\nANSWER: B\n"


def test_gift_title_ending_in_an_escaped_colon():
    (q,) = import_gift(
        b"::Started by\\:::[html]<p>Who started it?</p>{=Martin ~Petr}\n", source="t.gift"
    ).questions
    assert q["title"] == "Started by:" and q["stem"] == "<p>Who started it?</p>"
    assert (
        export_gift([q]).decode().splitlines()[-1]
        == "::Started by\\:::[html]<p>Who started it?</p>{=Martin ~Petr}"
    )
